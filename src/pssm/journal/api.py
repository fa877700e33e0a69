from datetime import date

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from pssm.domain.errors import ValidationError, gettext_noop

from . import selectors
from .models import JournalEntry
from .verify import journal_verify


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
        parameters=[
            OpenApiParameter(
                "state",
                bool,
                description="also rebuild the state from the journal and compare it with the "
                "tables (slow on a large registry: prefer `pssm journal verify`)",
            )
        ],
        responses=inline_serializer(
            "JournalVerification",
            {
                "ok": serializers.BooleanField(),
                "nodes": serializers.ListField(child=serializers.DictField()),
                "state": serializers.DictField(),
                "against": serializers.JSONField(allow_null=True),
            },
        ),
    )
    def get(self, request):
        with_state = request.query_params.get("state", "") in {"1", "true", "yes"}
        report = journal_verify(user=request.user, with_state=with_state)
        return Response(report.as_dict(gettext))
