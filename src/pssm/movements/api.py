"""REST API of vouchers: create, add and remove lines, submit, approve, cancel, reverse."""

from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from pssm.ammunition.models import Nature
from pssm.core.services import invalid
from pssm.domain.errors import ConflictError, NotFoundError, ValidationError, gettext_noop
from pssm.registry import selectors as registry_selectors
from pssm.registry.models import WeaponType
from pssm.sites import selectors as site_selectors

from . import selectors, services
from .models import Discrepancy, Voucher, VoucherLine


class LineOut(serializers.ModelSerializer):
    weapon = serializers.IntegerField(source="weapon_id", allow_null=True)
    location = serializers.CharField(source="location.code", default="")
    lot = serializers.CharField(source="lot.lot_number", default="")
    nature = serializers.CharField(source="lot.nature.code", default="")

    class Meta:
        model = VoucherLine
        fields = [
            "id",
            "serial",
            "weapon",
            "lot",
            "nature",
            "quantity",
            "quantity_received",
            "location",
            "new_weapon",
            "received",
            "before",
            "after",
        ]


class VoucherOut(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")
    location = serializers.CharField(source="location.code", default="")
    custodian = serializers.SerializerMethodField(
        help_text="To whom the weapons are issued, as the voucher page shows it: the person's "
        "rank, name and service number, else the unit; empty when nobody."
    )
    custodian_id = serializers.IntegerField(
        allow_null=True, help_text="The person's id (see /persons/), when a person."
    )
    destination = serializers.CharField(source="destination.code", default="")
    dispatch = serializers.CharField(source="dispatch.number", default="")
    reverses = serializers.CharField(source="reverses.number", default="")
    prepared_by = serializers.CharField(source="prepared_by.username")
    approved_by = serializers.CharField(source="approved_by.username", default="")

    class Meta:
        model = Voucher
        fields = [
            "id",
            "number",
            "site",
            "kind",
            "reason",
            "state",
            "location",
            "custodian",
            "custodian_id",
            "custodian_unit",
            "destination",
            "dispatch",
            "reverses",
            "notes",
            "order_reference",
            "importer",
            "import_date",
            "exporting_state",
            "import_licence",
            "end_user_certificate",
            "importing_state",
            "export_licence",
            "police_report",
            "above_site",
            "prepared_by",
            "approved_by",
            "created_at",
            "submitted_at",
            "approved_at",
            "posted_at",
            "cancelled_at",
        ]

    def get_custodian(self, voucher) -> str:
        return str(voucher.custodian) if voucher.custodian_id else voucher.custodian_unit


class VoucherDetailOut(VoucherOut):
    lines = serializers.SerializerMethodField()
    discrepancies = serializers.SerializerMethodField()

    class Meta(VoucherOut.Meta):
        fields = [*VoucherOut.Meta.fields, "lines", "discrepancies"]

    def get_lines(self, voucher) -> list[dict]:
        return LineOut(selectors.voucher_lines(voucher), many=True).data

    def get_discrepancies(self, voucher) -> list[dict]:
        return [
            {"case": d.number, "serial": d.serial, "kind": d.kind, "open": d.is_open}
            for d in selectors.voucher_discrepancies(voucher)
        ]


class VoucherIn(serializers.Serializer):
    site = serializers.CharField()
    kind = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="")
    custodian = serializers.IntegerField(required=False, allow_null=True, default=None)
    custodian_unit = serializers.CharField(required=False, allow_blank=True, default="")
    destination = serializers.CharField(required=False, allow_blank=True, default="")
    dispatch = serializers.IntegerField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    order_reference = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )
    importer = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    import_date = serializers.DateField(required=False, allow_null=True, default=None)
    exporting_state = serializers.CharField(
        max_length=2, required=False, allow_blank=True, default=""
    )
    import_licence = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default=""
    )
    end_user_certificate = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default=""
    )
    importing_state = serializers.CharField(
        max_length=2, required=False, allow_blank=True, default=""
    )
    export_licence = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default=""
    )
    police_report = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default=""
    )


class LineIn(serializers.Serializer):
    """A weapon by ``serial``, or an ammunition lot by ``lot_number`` and ``quantity``."""

    serial = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    weapon_type = serializers.IntegerField(required=False, allow_null=True, default=None)
    lot_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    quantity = serializers.IntegerField(required=False, allow_null=True, default=None)
    nature = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="")
    details = serializers.DictField(required=False, default=dict)


# Lines per batch request: a vehicle's load, well under what one transaction holds easily.
MAX_BATCH = 5000


def _valid(cls, request) -> dict:
    s = cls(data=request.data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def _location(user, code):
    return site_selectors.location_get(user=user, code=code.upper()) if code else None


class VoucherListApi(GenericAPIView):
    serializer_class = VoucherOut

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in ("site", "kind", "state", "q")],
        responses=VoucherOut(many=True),
        operation_id="voucher_list",
    )
    def get(self, request):
        filters = {
            n: request.query_params.get(n, "").strip() for n in ("site", "kind", "state", "q")
        }
        page = self.paginate_queryset(selectors.voucher_list(user=request.user, filters=filters))
        return self.get_paginated_response(VoucherOut(page, many=True).data)

    @extend_schema(request=VoucherIn, responses={201: VoucherDetailOut})
    def post(self, request):
        data = _valid(VoucherIn, request)
        user = request.user
        site = site_selectors.site_get(user=user, code=data.pop("site").upper())
        data["location"] = _location(user, data["location"])
        if data["custodian"]:
            data["custodian"] = registry_selectors.person_get(user=user, pk=data["custodian"])
        data["destination"] = (
            site_selectors.site_get(user=user, code=data["destination"].upper())
            if data["destination"]
            else None
        )
        if data["dispatch"]:
            data["dispatch"] = selectors.voucher_get(user=user, pk=data["dispatch"])
        voucher = services.voucher_create(actor=user, site=site, **data)
        return Response(VoucherDetailOut(voucher).data, status=status.HTTP_201_CREATED)


class VoucherDetailApi(GenericAPIView):
    serializer_class = VoucherDetailOut

    def get(self, request, pk):
        return Response(VoucherDetailOut(selectors.voucher_get(user=request.user, pk=pk)).data)


class VoucherLineListApi(GenericAPIView):
    serializer_class = LineOut

    @extend_schema(
        request={
            # A list has no form encoding: it is sent as JSON.
            "application/json": PolymorphicProxySerializer(
                component_name="LineOrLines",
                serializers=[LineIn, LineIn(many=True)],
                resource_type_field_name=None,
                many=False,
            ),
            "multipart/form-data": LineIn,
            "application/x-www-form-urlencoded": LineIn,
        },
        responses={
            201: PolymorphicProxySerializer(
                component_name="LineOrLinesOut",
                serializers=[LineOut, LineOut(many=True)],
                resource_type_field_name=None,
                many=False,
            )
        },
        description="One line (an object), or a batch of weapons (a list of objects with "
        "``serial`` and optionally ``weapon_type``, ``location`` and ``details``): the batch is "
        "added all or nothing, as one journal entry, and answered with the list of its lines.",
    )
    def post(self, request, pk):
        voucher = selectors.voucher_get(user=request.user, pk=pk)
        if isinstance(request.data, list):
            return self._batch(request, voucher)
        data = _valid(LineIn, request)
        if data["lot_number"]:
            nature = None
            if data["nature"]:
                nature = Nature.objects.filter(code=data["nature"].strip().upper()).first()
                if nature is None:
                    raise NotFoundError(
                        gettext_noop("No such ammunition nature."),
                        details={"nature": gettext_noop("Unknown.")},
                    )
            line = services.voucher_lot_line_add(
                actor=request.user,
                voucher=voucher,
                lot_number=data["lot_number"],
                quantity=data["quantity"],
                nature=nature,
                location=_location(request.user, data["location"]),
                details=data["details"],
            )
            return Response(LineOut(line).data, status=status.HTTP_201_CREATED)
        weapon_type = None
        if data["weapon_type"]:
            weapon_type = WeaponType.objects.filter(pk=data["weapon_type"]).first()
            if weapon_type is None:
                raise NotFoundError(
                    gettext_noop("No such weapon type."),
                    details={"weapon_type": gettext_noop("Unknown.")},
                )
        line = services.voucher_line_add(
            actor=request.user,
            voucher=voucher,
            serial=data["serial"],
            weapon_type=weapon_type,
            location=_location(request.user, data["location"]),
            details=data["details"],
        )
        return Response(LineOut(line).data, status=status.HTTP_201_CREATED)

    def _batch(self, request, voucher):
        s = LineIn(data=request.data, many=True)
        s.is_valid(raise_exception=True)
        rows = s.validated_data
        if not rows:
            raise invalid(gettext_noop("Send at least one line."), "lines")
        if len(rows) > MAX_BATCH:
            raise invalid(
                gettext_noop("Send at most %(max)s lines per request."), "lines", max=MAX_BATCH
            )
        for row, data in enumerate(rows, start=1):
            if data["lot_number"]:
                raise ValidationError(
                    gettext_noop(
                        "Line %(row)s: a list adds weapons by serial; add lots one by one."
                    ),
                    params={"row": row},
                    details={"row": row, "lot_number": gettext_noop("Not in a list.")},
                )
        wanted_types = {d["weapon_type"] for d in rows if d["weapon_type"]}
        types = WeaponType.objects.in_bulk(wanted_types)
        locations = {}
        items = []
        for row, data in enumerate(rows, start=1):
            weapon_type = None
            if data["weapon_type"]:
                weapon_type = types.get(data["weapon_type"])
                if weapon_type is None:
                    raise NotFoundError(
                        gettext_noop("Line %(row)s: no such weapon type."),
                        params={"row": row},
                        details={"row": row, "weapon_type": gettext_noop("Unknown.")},
                    )
            code = data["location"]
            if code and code not in locations:
                locations[code] = _location(request.user, code)
            items.append(
                {
                    "serial": data["serial"],
                    "weapon_type": weapon_type,
                    "location": locations.get(code) if code else None,
                    "details": data["details"],
                }
            )
        lines = services.voucher_lines_add(actor=request.user, voucher=voucher, items=items)
        return Response(LineOut(lines, many=True).data, status=status.HTTP_201_CREATED)


class VoucherLineDetailApi(GenericAPIView):
    serializer_class = LineOut

    @extend_schema(responses={204: None})
    def delete(self, request, pk, line_id):
        voucher = selectors.voucher_get(user=request.user, pk=pk)
        line = voucher.lines.filter(pk=line_id).first()
        if line is None:
            raise NotFoundError(gettext_noop("No such line on this voucher."))
        services.voucher_line_remove(actor=request.user, line=line)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _action(service, status_code=200):
    class ActionApi(GenericAPIView):
        serializer_class = VoucherDetailOut

        @extend_schema(request=None, responses={status_code: VoucherDetailOut})
        def post(self, request, pk):
            voucher = selectors.voucher_get(user=request.user, pk=pk)
            result = service(actor=request.user, voucher=voucher)
            return Response(VoucherDetailOut(result).data, status=status_code)

    ActionApi.__name__ = ActionApi.__qualname__ = f"Voucher{service.__name__.title()}Api"
    return ActionApi


VoucherSubmitApi = _action(services.voucher_submit)
VoucherApproveApi = _action(services.voucher_approve)
VoucherCancelApi = _action(services.voucher_cancel)
VoucherReverseApi = _action(services.voucher_reverse, status.HTTP_201_CREATED)


class SendBackIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class VoucherSendBackApi(GenericAPIView):
    serializer_class = VoucherDetailOut

    @extend_schema(request=SendBackIn, responses={200: VoucherDetailOut})
    def post(self, request, pk):
        voucher = selectors.voucher_get(user=request.user, pk=pk)
        data = _valid(SendBackIn, request)
        result = services.voucher_send_back(
            actor=request.user, voucher=voucher, reason=data["reason"]
        )
        return Response(VoucherDetailOut(result).data)


class VoucherCheckApi(GenericAPIView):
    """What approving the voucher now would do, without writing anything."""

    @extend_schema(
        responses=inline_serializer(
            "VoucherCheck",
            {
                "ok": serializers.BooleanField(),
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "details": serializers.DictField(),
                "storehouses": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def get(self, request, pk):
        voucher = selectors.voucher_get(user=request.user, pk=pk)
        check = services.voucher_check(actor=request.user, voucher=voucher)
        if check is None:
            raise ConflictError(
                gettext_noop("Voucher %(number)s is %(state)s: there is nothing to check."),
                params={"number": voucher.number, "state": voucher.state},
            )
        return Response(check.as_dict())


# --- discrepancy cases ---------------------------------------------------------------------


class CaseOut(serializers.ModelSerializer):
    number = serializers.CharField()
    site = serializers.CharField(source="site.code")
    lot = serializers.CharField(source="lot.lot_number", default=None, allow_null=True)
    source = serializers.SerializerMethodField()
    recount_by = serializers.CharField(source="recount_by.username", default=None, allow_null=True)
    closing_voucher = serializers.CharField(
        source="closing_voucher.number", default=None, allow_null=True
    )

    class Meta:
        model = Discrepancy
        fields = [
            "id",
            "number",
            "site",
            "kind",
            "state",
            "serial",
            "weapon",
            "lot",
            "expected_location",
            "found_location",
            "expected_quantity",
            "found_quantity",
            "source",
            "created_at",
            "recount_by",
            "recounted_at",
            "recount_confirmed",
            "recount_quantity",
            "investigation",
            "investigated_at",
            "closing_voucher",
            "resolution",
            "closed_at",
        ]

    def get_source(self, case) -> dict:
        if case.count_id:
            return {"count": case.count_id}
        return {"voucher": case.voucher.number}


class CaseStepIn(serializers.Serializer):
    step = serializers.ChoiceField(choices=["recount", "investigate", "explain", "write_off"])
    confirmed = serializers.BooleanField(required=False, allow_null=True, default=None)
    quantity = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CaseListApi(GenericAPIView):
    serializer_class = CaseOut

    @extend_schema(
        parameters=[
            OpenApiParameter("site", str),
            OpenApiParameter("state", str, description="open, pending, closed or active"),
            OpenApiParameter("kind", str),
            OpenApiParameter("q", str, description="serial"),
        ],
        responses=CaseOut(many=True),
        operation_id="case_list",
    )
    def get(self, request):
        filters = {k: request.query_params.get(k, "") for k in ("site", "state", "kind", "q")}
        page = self.paginate_queryset(selectors.case_list(user=request.user, filters=filters))
        return self.get_paginated_response(CaseOut(page, many=True).data)


class CaseDetailApi(GenericAPIView):
    serializer_class = CaseOut

    @extend_schema(operation_id="case_detail")
    def get(self, request, pk):
        return Response(CaseOut(selectors.case_get(user=request.user, pk=pk)).data)

    @extend_schema(
        request=CaseStepIn,
        responses={200: CaseOut},
        operation_id="case_step",
        description="One step of the case: recount (confirmed, or quantity for a lot), "
        "investigate (note), explain (note; closes it), write_off (reason lost or stolen for a "
        "missing weapon; submits the voucher that an approver above the site level approves).",
    )
    def post(self, request, pk):
        from . import cases

        case = selectors.case_get(user=request.user, pk=pk)
        s = CaseStepIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        step = d["step"]
        if step == "recount":
            cases.case_recount(
                actor=request.user, case=case, confirmed=d["confirmed"], quantity=d["quantity"]
            )
        elif step == "investigate":
            cases.case_investigate(actor=request.user, case=case, note=d["note"])
        elif step == "explain":
            cases.case_explain(actor=request.user, case=case, note=d["note"])
        else:
            cases.case_write_off(actor=request.user, case=case, reason=d["reason"], notes=d["note"])
        return Response(CaseOut(selectors.case_get(user=request.user, pk=pk)).data)


# --- destructions ---------------------------------------------------------------------------


class DestructionOut(serializers.Serializer):
    id = serializers.IntegerField()
    voucher = serializers.CharField(source="voucher.number")
    voucher_id = serializers.IntegerField()
    site = serializers.CharField(source="voucher.site.code")
    state = serializers.CharField(source="voucher.state")
    method = serializers.CharField()
    place = serializers.CharField()
    planned_date = serializers.DateField()
    destroyed_on = serializers.DateField(allow_null=True)
    authority = serializers.CharField()
    witnesses = serializers.JSONField()


class DestructionIn(serializers.Serializer):
    site = serializers.CharField()
    method = serializers.CharField()
    place = serializers.CharField(max_length=200)
    planned_date = serializers.DateField()
    authority = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class WitnessIn(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    organisation = serializers.CharField(max_length=150, required=False, allow_blank=True)
    outside = serializers.BooleanField(required=False, default=False)


class DestructionRecordIn(serializers.Serializer):
    destroyed_on = serializers.DateField()
    witnesses = WitnessIn(many=True)
    results = serializers.DictField(child=serializers.JSONField())


class DestructionListApi(GenericAPIView):
    serializer_class = DestructionOut

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses=DestructionOut(many=True),
        operation_id="destruction_list",
    )
    def get(self, request):
        from .destruction import destruction_list

        year = request.query_params.get("year", "")
        if year and not (year.isdigit() and 1900 < int(year) < 3000):
            raise ValidationError(
                gettext_noop("Give the year with four digits."),
                details={"year": gettext_noop("Not a year.")},
            )
        qs = destruction_list(user=request.user, year=int(year) if year else None)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(DestructionOut(page, many=True).data)

    @extend_schema(request=DestructionIn, responses={201: DestructionOut})
    def post(self, request):
        from .destruction import destruction_plan

        data = _valid(DestructionIn, request)
        site = site_selectors.site_get(user=request.user, code=data.pop("site").upper())
        done = destruction_plan(actor=request.user, site=site, **data)
        return Response(DestructionOut(done).data, status=status.HTTP_201_CREATED)


class DestructionRecordApi(GenericAPIView):
    serializer_class = DestructionOut

    @extend_schema(request=DestructionRecordIn, responses={200: DestructionOut})
    def post(self, request, pk):
        from .destruction import destruction_get, destruction_record

        d = destruction_get(user=request.user, pk=pk)
        data = _valid(DestructionRecordIn, request)
        results = {}
        for key, value in data["results"].items():
            if not str(key).isdigit():
                raise ValidationError(
                    gettext_noop("Results are keyed by line id."),
                    details={"results": gettext_noop("Not a line id.")},
                )
            results[int(key)] = value
        done = destruction_record(
            actor=request.user,
            destruction=d,
            destroyed_on=data["destroyed_on"],
            witnesses=[dict(w) for w in data["witnesses"]],
            results=results,
        )
        return Response(DestructionOut(done).data)
