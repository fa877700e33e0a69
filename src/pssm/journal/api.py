from datetime import date

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from pssm.domain.errors import ValidationError, gettext_noop

from . import selectors
from .models import JournalEntry


class JournalEntryOut(serializers.ModelSerializer):
    payload = serializers.JSONField(source="payload_data")

    class Meta:
        model = JournalEntry
        fields = [
            "node_id",
            "seq",
            "uuid",
            "recorded_at",
            "actor",
            "scope_country",
            "scope_organisation",
            "scope_site",
            "kind",
            "payload",
            "prev_hash",
            "hash",
        ]


def _date(request, name):
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            gettext_noop("A date is not valid: use YYYY-MM-DD."),
            details={name: gettext_noop("Use YYYY-MM-DD.")},
        ) from None


class JournalEntryListApi(GenericAPIView):
    serializer_class = JournalEntryOut

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in ("kind", "actor", "site", "country", "q")]
        + [OpenApiParameter(n, date) for n in ("date_from", "date_to")],
        responses=JournalEntryOut(many=True),
    )
    def get(self, request):
        filters = {
            n: request.query_params.get(n, "").strip()
            for n in ("kind", "actor", "site", "country", "q")
        }
        filters["date_from"] = _date(request, "date_from")
        filters["date_to"] = _date(request, "date_to")
        qs = selectors.journal_entry_list(user=request.user, filters=filters)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(JournalEntryOut(page, many=True).data)


class JournalEntryDetailApi(GenericAPIView):
    serializer_class = JournalEntryOut

    def get(self, request, uuid):
        entry = selectors.journal_entry_get(user=request.user, uuid=uuid)
        return Response(JournalEntryOut(entry).data)


class JournalVerifyApi(GenericAPIView):
    @extend_schema(
        responses=inline_serializer(
            "JournalVerification",
            {
                "ok": serializers.BooleanField(),
                "nodes": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def get(self, request):
        results = selectors.journal_verify(user=request.user)
        nodes = [
            {
                "node_id": r.node_id,
                "ok": r.ok,
                "count": r.result.count,
                "head_hash": r.result.head_hash,
                "bad_seq": r.bad_seq,
                "reason": r.reason,
            }
            for r in results
        ]
        return Response({"ok": all(n["ok"] for n in nodes), "nodes": nodes})
