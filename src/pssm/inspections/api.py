"""REST API of inspections."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from pssm.sites import selectors as site_selectors

from . import selectors, services
from .models import Inspection


class InspectionOut(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")
    inspector = serializers.CharField(source="inspector.username")
    template = serializers.CharField(source="template.code")

    class Meta:
        model = Inspection
        fields = [
            "id",
            "site",
            "template",
            "inspector",
            "inspected_on",
            "state",
            "score_ratio",
            "level",
            "failed_criticals",
            "closed_at",
        ]


class InspectionDetailOut(InspectionOut):
    answers = serializers.SerializerMethodField()

    class Meta(InspectionOut.Meta):
        fields = [*InspectionOut.Meta.fields, "answers"]

    def get_answers(self, inspection) -> dict:
        return {
            a.question.code: {"answer": a.answer, "note": a.note, "evidence": a.evidence}
            for a in inspection.answers.select_related("question")
        }


class InspectionIn(serializers.Serializer):
    site = serializers.CharField()
    inspected_on = serializers.DateField(required=False)


class AnswersIn(serializers.Serializer):
    answers = serializers.DictField(child=serializers.DictField())


class InspectionListApi(GenericAPIView):
    serializer_class = InspectionOut

    @extend_schema(parameters=[OpenApiParameter("site", str)], operation_id="inspection_list")
    def get(self, request):
        qs = selectors.inspection_list(
            user=request.user, site_code=request.query_params.get("site", "")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(InspectionOut(page, many=True).data)

    @extend_schema(request=InspectionIn, responses={201: InspectionOut})
    def post(self, request):
        s = InspectionIn(data=request.data)
        s.is_valid(raise_exception=True)
        site = site_selectors.site_get(user=request.user, code=s.validated_data["site"].upper())
        inspection = services.inspection_start(
            actor=request.user, site=site, inspected_on=s.validated_data.get("inspected_on")
        )
        return Response(InspectionOut(inspection).data, status=status.HTTP_201_CREATED)


class InspectionDetailApi(GenericAPIView):
    serializer_class = InspectionDetailOut

    @extend_schema(operation_id="inspection_detail")
    def get(self, request, pk):
        return Response(
            InspectionDetailOut(selectors.inspection_get(user=request.user, pk=pk)).data
        )


class InspectionAnswersApi(GenericAPIView):
    serializer_class = AnswersIn

    @extend_schema(request=AnswersIn, responses={200: InspectionDetailOut})
    def post(self, request, pk):
        inspection = selectors.inspection_get(user=request.user, pk=pk)
        s = AnswersIn(data=request.data)
        s.is_valid(raise_exception=True)
        services.answers_record(
            actor=request.user, inspection=inspection, answers=s.validated_data["answers"]
        )
        return Response(
            InspectionDetailOut(selectors.inspection_get(user=request.user, pk=pk)).data
        )


class InspectionCloseApi(GenericAPIView):
    serializer_class = InspectionDetailOut

    @extend_schema(request=None, responses={200: InspectionDetailOut})
    def post(self, request, pk):
        inspection = selectors.inspection_get(user=request.user, pk=pk)
        closed = services.inspection_close(actor=request.user, inspection=inspection)
        return Response(InspectionDetailOut(closed).data)
