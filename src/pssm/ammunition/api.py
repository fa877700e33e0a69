"""REST API of ammunition and explosives safety: natures, lots, the QD report and checker,
licences, waivers, exposed sites and the safety rules with their national values."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.domain.errors import NotFoundError, ValidationError, gettext_noop
from pssm.sites import selectors as site_selectors
from pssm.sites.models import Country

from . import selectors, services
from .models import ExposedSite, Licence, Nature, Waiver
from .safety import rules_for_country


class NatureOut(serializers.ModelSerializer):
    class Meta:
        model = Nature
        fields = [
            "id",
            "code",
            "nomenclature",
            "nomenclature_fr",
            "calibre",
            "un_number",
            "hazard_code",
            "neq_kg_per_unit",
            "neq_kg_per_round",
            "max_lot_quantity",
            "packaging",
            "units_per_package",
            "shelf_life_years",
            "inspection_interval_months",
            "provisional",
            "source",
        ]


class NatureIn(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    nomenclature = serializers.CharField(max_length=160)
    nomenclature_fr = serializers.CharField(
        max_length=160, required=False, allow_blank=True, default=""
    )
    hazard_code = serializers.CharField(max_length=8)
    neq_kg_per_unit = serializers.CharField(max_length=24)
    neq_kg_per_round = serializers.CharField(
        max_length=24, required=False, allow_blank=True, default=""
    )
    calibre = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    un_number = serializers.CharField(max_length=4, required=False, allow_blank=True, default="")
    packaging = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    units_per_package = serializers.IntegerField(min_value=1, required=False, default=1)
    max_lot_quantity = serializers.IntegerField(
        min_value=1, max_value=2_000_000_000, required=False, allow_null=True, default=None
    )


class LotOut(serializers.Serializer):
    lot_id = serializers.IntegerField()
    lot_number = serializers.CharField(source="lot__lot_number")
    nature = serializers.CharField(source="lot__nature__code")
    nomenclature = serializers.CharField(source="lot__nature__nomenclature")
    hazard_code = serializers.CharField(source="lot__nature__hazard_code")
    condition_code = serializers.CharField(source="lot__condition_code")
    site = serializers.CharField(source="site__code")
    quantity = serializers.IntegerField(source="total")


class LicenceOut(serializers.ModelSerializer):
    building = serializers.CharField(source="building.code")

    class Meta:
        model = Licence
        fields = [
            "id",
            "number",
            "building",
            "limits_kg",
            "permitted_groups",
            "issued_date",
            "review_date",
            "authority",
            "conditions",
            "revoked_at",
        ]


class LicenceIn(serializers.Serializer):
    building = serializers.CharField()
    number = serializers.CharField(max_length=40)
    limits_kg = serializers.DictField(child=serializers.CharField())
    permitted_groups = serializers.CharField(required=False, allow_blank=True, default="")
    issued_date = serializers.DateField()
    review_date = serializers.DateField()
    authority = serializers.CharField(max_length=150)
    conditions = serializers.CharField(required=False, allow_blank=True, default="")


class WaiverOut(serializers.ModelSerializer):
    building = serializers.CharField(source="building.code")
    granted_by = serializers.CharField(source="granted_by_name")

    class Meta:
        model = Waiver
        fields = [
            "id",
            "building",
            "rule",
            "justification",
            "valid_from",
            "valid_until",
            "granted_by",
            "revoked_at",
        ]


class WaiverIn(serializers.Serializer):
    building = serializers.CharField()
    rule = serializers.CharField()
    justification = serializers.CharField()
    valid_until = serializers.DateTimeField()


class ExposedSiteOut(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")

    class Meta:
        model = ExposedSite
        fields = ["id", "code", "site", "name", "relationship", "plan_x_m", "plan_y_m"]


class ExposedSiteIn(serializers.Serializer):
    site = serializers.CharField()
    code = serializers.CharField(max_length=8)
    name = serializers.CharField(max_length=150)
    relationship = serializers.ChoiceField(choices=ExposedSite.Relationship.choices)
    plan_x_m = serializers.DecimalField(max_digits=9, decimal_places=1)
    plan_y_m = serializers.DecimalField(max_digits=9, decimal_places=1)


class StockIn(serializers.Serializer):
    hazard_code = serializers.CharField(max_length=8)
    neq_kg = serializers.CharField(max_length=24)
    neq_kg_per_round = serializers.CharField(
        max_length=24, required=False, allow_blank=True, default=""
    )


class QdCheckIn(serializers.Serializer):
    stock = StockIn(many=True)
    pes_type = serializers.CharField(required=False, allow_blank=True, default="")
    country = serializers.CharField(required=False, allow_blank=True, default="")


class OverrideIn(serializers.Serializer):
    country = serializers.CharField(max_length=2)
    rule_id = serializers.CharField(max_length=40)
    value = serializers.JSONField()
    reason = serializers.CharField()


def _valid(cls, request) -> dict:
    s = cls(data=request.data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def _site(request, code):
    return site_selectors.site_get(user=request.user, code=(code or "").strip().upper())


class NatureListApi(GenericAPIView):
    serializer_class = NatureOut

    @extend_schema(
        parameters=[OpenApiParameter("q", str)],
        responses=NatureOut(many=True),
        operation_id="nature_list",
    )
    def get(self, request):
        qs = selectors.nature_list(user=request.user, query=request.query_params.get("q", ""))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(NatureOut(page, many=True).data)

    @extend_schema(request=NatureIn, responses={201: NatureOut})
    def post(self, request):
        data = _valid(NatureIn, request)
        nature = services.nature_create(actor=request.user, **data)
        return Response(NatureOut(nature).data, status=status.HTTP_201_CREATED)


class LotListApi(GenericAPIView):
    serializer_class = LotOut

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in ("site", "q")],
        responses=LotOut(many=True),
        operation_id="lot_list",
    )
    def get(self, request):
        site_code = request.query_params.get("site", "")
        site = _site(request, site_code) if site_code else None
        qs = selectors.lot_list(
            user=request.user, site=site, query=request.query_params.get("q", "")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(LotOut(page, many=True).data)


class LotDetailApi(GenericAPIView):
    serializer_class = LotOut

    @extend_schema(responses={200: dict}, operation_id="lot_detail")
    def get(self, request, pk):
        lot, balances = selectors.lot_get(user=request.user, lot_id=pk)
        return Response(
            {
                "id": lot.pk,
                "lot_number": lot.lot_number,
                "iatg_format": lot.iatg_format,
                "nature": NatureOut(lot.nature).data,
                "manufacturer": lot.manufacturer,
                "year_of_manufacture": lot.year_of_manufacture,
                "condition_code": lot.condition_code,
                "balances": [
                    {
                        "site": b.site.code,
                        "location": b.location.code if b.location_id else "",
                        "in_transit_to": b.in_transit_to.code if b.in_transit_to_id else "",
                        "quantity": b.quantity,
                    }
                    for b in balances
                ],
            }
        )


class QdReportApi(GenericAPIView):
    serializer_class = None

    @extend_schema(responses={200: dict}, operation_id="qd_report")
    def get(self, request, code):
        return Response(selectors.qd_site_report(user=request.user, site_code=code.upper()))


class QdCheckApi(GenericAPIView):
    serializer_class = QdCheckIn

    @extend_schema(request=QdCheckIn, responses={200: dict})
    def post(self, request):
        authz.check_anywhere(request.user, Action.GEO_VIEW)
        data = _valid(QdCheckIn, request)
        pairs = [
            (row["hazard_code"], row["neq_kg"], row["neq_kg_per_round"]) for row in data["stock"]
        ]
        return Response(
            selectors.qd_for_stock(pairs, pes_type=data["pes_type"], country=data["country"])
        )


class LicenceListApi(GenericAPIView):
    serializer_class = LicenceOut

    @extend_schema(
        parameters=[OpenApiParameter("site", str)],
        responses=LicenceOut(many=True),
        operation_id="licence_list",
    )
    def get(self, request):
        code = request.query_params.get("site", "")
        qs = selectors.licence_list(user=request.user, site=_site(request, code) if code else None)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(LicenceOut(page, many=True).data)

    @extend_schema(request=LicenceIn, responses={201: LicenceOut})
    def post(self, request):
        data = _valid(LicenceIn, request)
        building = site_selectors.building_get(user=request.user, code=data.pop("building").upper())
        licence = services.licence_issue(actor=request.user, building=building, **data)
        return Response(LicenceOut(licence).data, status=status.HTTP_201_CREATED)


class WaiverListApi(GenericAPIView):
    serializer_class = WaiverOut

    @extend_schema(
        parameters=[OpenApiParameter("site", str)],
        responses=WaiverOut(many=True),
        operation_id="waiver_list",
    )
    def get(self, request):
        code = request.query_params.get("site", "")
        qs = selectors.waiver_list(user=request.user, site=_site(request, code) if code else None)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(WaiverOut(page, many=True).data)

    @extend_schema(request=WaiverIn, responses={201: WaiverOut})
    def post(self, request):
        data = _valid(WaiverIn, request)
        building = site_selectors.building_get(user=request.user, code=data.pop("building").upper())
        waiver = services.waiver_grant(actor=request.user, building=building, **data)
        return Response(WaiverOut(waiver).data, status=status.HTTP_201_CREATED)


class ExposedSiteListApi(GenericAPIView):
    serializer_class = ExposedSiteOut

    @extend_schema(
        parameters=[OpenApiParameter("site", str)],
        responses=ExposedSiteOut(many=True),
        operation_id="exposed_site_list",
    )
    def get(self, request):
        site = _site(request, request.query_params.get("site", ""))
        page = self.paginate_queryset(selectors.exposed_site_list(user=request.user, site=site))
        return self.get_paginated_response(ExposedSiteOut(page, many=True).data)

    @extend_schema(request=ExposedSiteIn, responses={201: ExposedSiteOut})
    def post(self, request):
        data = _valid(ExposedSiteIn, request)
        site = _site(request, data.pop("site"))
        es = services.exposed_site_create(actor=request.user, site=site, **data)
        return Response(ExposedSiteOut(es).data, status=status.HTTP_201_CREATED)


class SafetyRuleListApi(GenericAPIView):
    serializer_class = None

    @extend_schema(parameters=[OpenApiParameter("country", str)], responses={200: dict})
    def get(self, request):
        authz.check_anywhere(request.user, Action.GEO_VIEW)
        country = request.query_params.get("country", "").strip().upper()
        rules = rules_for_country(country) if country else rules_for_country("")
        return Response(
            {
                "ruleset": rules.name,
                "edition": rules.edition,
                "country": country,
                "rules": [rule.as_dict() for rule in rules.rules.values()],
            }
        )


class RuleOverrideApi(GenericAPIView):
    serializer_class = OverrideIn

    @extend_schema(request=OverrideIn, responses={201: dict})
    def post(self, request):
        data = _valid(OverrideIn, request)
        country = Country.objects.filter(code=data.pop("country").upper()).first()
        if country is None or not authz.can(request.user, Action.GEO_VIEW, country):
            raise NotFoundError(gettext_noop("No such country."))
        override = services.rule_override_set(actor=request.user, country=country, **data)
        return Response(
            {
                "id": override.pk,
                "country": country.code,
                "rule_id": override.rule_id,
                "value": override.value,
                "reason": override.reason,
                "created_by": override.created_by_name,
                "created_at": override.created_at,
            },
            status=status.HTTP_201_CREATED,
        )


class SuspensionOut(serializers.Serializer):
    id = serializers.IntegerField()
    lot_number = serializers.CharField(source="lot.lot_number")
    nature = serializers.CharField(source="lot.nature.code")
    reason = serializers.CharField()
    reference = serializers.CharField()
    suspended_at = serializers.DateTimeField()
    suspended_by = serializers.CharField(source="suspended_by_name")
    lifted_at = serializers.DateTimeField(allow_null=True)
    lifted_by = serializers.CharField(source="lifted_by_name")
    lift_reason = serializers.CharField()


class SuspensionIn(serializers.Serializer):
    lot_number = serializers.CharField(max_length=40)
    reason = serializers.CharField(max_length=4000)
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class LiftIn(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class SuspensionListApi(GenericAPIView):
    serializer_class = SuspensionOut

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=["active", "lifted", "all"]),
            OpenApiParameter("q", str),
        ],
        responses=SuspensionOut(many=True),
        operation_id="lot_suspension_list",
    )
    def get(self, request):
        from .suspensions import suspension_list

        state = request.query_params.get("state", "active")
        if state not in {"active", "lifted", "all"}:
            raise ValidationError(
                gettext_noop("Unknown state: give active, lifted or all."),
                details={"state": gettext_noop("Unknown value.")},
            )
        active = {"active": True, "lifted": False}.get(state)
        query = request.query_params.get("q", "").replace("\x00", "")[:40]
        qs = suspension_list(user=request.user, active=active, query=query)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(SuspensionOut(page, many=True).data)

    @extend_schema(request=SuspensionIn, responses={201: SuspensionOut})
    def post(self, request):
        from .suspensions import lot_suspend

        data = _valid(SuspensionIn, request)
        suspension = lot_suspend(actor=request.user, **data)
        return Response(SuspensionOut(suspension).data, status=status.HTTP_201_CREATED)


class SuspensionLiftApi(GenericAPIView):
    serializer_class = SuspensionOut

    @extend_schema(request=LiftIn, responses={200: SuspensionOut})
    def post(self, request, pk):
        from .suspensions import lot_suspension_lift, suspension_get

        suspension = suspension_get(user=request.user, pk=pk)
        data = _valid(LiftIn, request)
        lifted = lot_suspension_lift(actor=request.user, suspension=suspension, **data)
        return Response(SuspensionOut(lifted).data)


class SurveillanceRowOut(serializers.Serializer):
    site = serializers.CharField()
    lot = serializers.CharField()
    nature = serializers.CharField()
    quantity = serializers.IntegerField()
    suspended = serializers.BooleanField()
    state = serializers.CharField()
    shelf_life_end = serializers.DateField(allow_null=True)
    last_inspection = serializers.DateField(allow_null=True)
    next_inspection = serializers.DateField(allow_null=True)
    next_test = serializers.DateField(allow_null=True)
    days = serializers.IntegerField(allow_null=True)


class LotInspectionIn(serializers.Serializer):
    site = serializers.CharField()
    lot_number = serializers.CharField(max_length=40)
    kind = serializers.CharField()
    inspected_on = serializers.DateField()
    condition_code = serializers.CharField(
        max_length=1, required=False, allow_blank=True, default=""
    )
    stabiliser_percent = serializers.CharField(
        max_length=12, required=False, allow_blank=True, default=""
    )
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class SurveillanceApi(GenericAPIView):
    """The surveillance calendar of the lots in the user's reach (GET), and a new inspection or
    stability test (POST)."""

    serializer_class = SurveillanceRowOut

    @extend_schema(
        parameters=[OpenApiParameter("site", str)],
        responses={200: SurveillanceRowOut(many=True)},
        operation_id="surveillance_calendar",
    )
    def get(self, request):
        from .surveillance import surveillance_calendar

        code = request.query_params.get("site", "").replace("\x00", "").strip().upper()[:24]
        rows = surveillance_calendar(user=request.user, site_code=code)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(SurveillanceRowOut(page, many=True).data)

    @extend_schema(request=LotInspectionIn, responses={201: dict})
    def post(self, request):
        from .surveillance import lot_inspection_record

        data = _valid(LotInspectionIn, request)
        site = _site(request, data.pop("site"))
        record = lot_inspection_record(actor=request.user, site=site, **data)
        return Response(
            {
                "id": record.pk,
                "lot": record.lot.lot_number,
                "kind": record.kind,
                "band": record.band,
                "retest_years": record.retest_years,
            },
            status=status.HTTP_201_CREATED,
        )
