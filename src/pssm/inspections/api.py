"""REST API of inspections."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from pssm.sites import selectors as site_selectors

from . import selectors, services
from .models import Count, Inspection


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

    @extend_schema(
        parameters=[OpenApiParameter("site", str)],
        responses=InspectionOut(many=True),
        operation_id="inspection_list",
    )
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


# --- stock checks ---------------------------------------------------------------------------


class CountOut(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")
    building = serializers.CharField(source="building.code", default=None, allow_null=True)
    location = serializers.CharField(source="location.code", default=None, allow_null=True)
    counter = serializers.CharField(source="counter.username")
    closed_by = serializers.CharField(source="closed_by.username", default=None, allow_null=True)
    findings = serializers.SerializerMethodField()
    scans = serializers.SerializerMethodField()
    lots_counted = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()

    class Meta:
        model = Count
        fields = [
            "id",
            "site",
            "building",
            "location",
            "policy",
            "items",
            "counter",
            "witness",
            "state",
            "started_at",
            "closed_by",
            "closed_at",
            "findings",
            "scans",
            "lots_counted",
            "cases",
        ]

    def _sees_own_work(self, count) -> bool:
        user = self.context.get("user")
        return count.state == Count.State.CLOSED or (
            user is not None and count.counter_id == user.pk
        )

    def get_findings(self, count) -> list[dict]:
        return count.findings if count.state == Count.State.CLOSED else []

    def get_scans(self, count) -> list[dict]:
        if not self._sees_own_work(count):
            return []
        return [
            {"serial": s.serial, "location": s.location.code}
            for s in count.scans.all()  # prefetched with their locations
        ]

    def get_lots_counted(self, count) -> list[dict]:
        if not self._sees_own_work(count):
            return []
        return [
            {"lot": e.lot.lot_number, "location": e.location.code, "quantity": e.quantity}
            for e in count.lot_entries.all()  # prefetched with lots and locations
        ]

    def get_cases(self, count) -> list[str]:
        return sorted(c.number for c in count.discrepancies.all())


class CountIn(serializers.Serializer):
    site = serializers.CharField()
    witness = serializers.CharField(allow_blank=True)
    policy = serializers.CharField(required=False, allow_blank=True, default="")
    items = serializers.CharField(required=False, allow_blank=True, default="")
    building = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="")


class CountEntryIn(serializers.Serializer):
    step = serializers.ChoiceField(choices=["scan", "lot", "close"])
    location = serializers.CharField(required=False, allow_blank=True, default="")
    serial = serializers.CharField(required=False, allow_blank=True, default="")
    lot_number = serializers.CharField(required=False, allow_blank=True, default="")
    quantity = serializers.IntegerField(required=False, allow_null=True, default=None)


class CountListApi(GenericAPIView):
    serializer_class = CountOut

    @extend_schema(
        parameters=[OpenApiParameter("site", str)],
        responses=CountOut(many=True),
        operation_id="count_list",
    )
    def get(self, request):
        qs = selectors.count_list(
            user=request.user, site_code=request.query_params.get("site", "")
        ).prefetch_related(  # what CountOut reads of each count, once for the page
            "discrepancies", "scans__location", "lot_entries__lot", "lot_entries__location"
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(
            CountOut(page, many=True, context={"user": request.user}).data
        )

    @extend_schema(request=CountIn, responses={201: CountOut}, operation_id="count_start")
    def post(self, request):
        from pssm.sites.models import Building

        s = CountIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        site = site_selectors.site_get(user=request.user, code=d["site"].upper())
        building = None
        if d["building"]:
            building = Building.objects.filter(site=site, code=d["building"].upper()).first()
            if building is None:
                from pssm.core.services import invalid
                from pssm.domain.errors import gettext_noop

                raise invalid(gettext_noop("No such building at this site."), "building")
        location = None
        if d["location"]:
            from pssm.sites.models import StorageLocation

            location = StorageLocation.objects.filter(
                building__site=site, code=d["location"].upper()
            ).first()
            if location is None:
                from pssm.core.services import invalid
                from pssm.domain.errors import gettext_noop

                raise invalid(gettext_noop("No such storage location at this site."), "location")
        count = services.count_start(
            actor=request.user,
            site=site,
            witness=d["witness"],
            policy=d["policy"],
            items=d["items"],
            building=building,
            location=location,
        )
        return Response(
            CountOut(count, context={"user": request.user}).data, status=status.HTTP_201_CREATED
        )


class CountDetailApi(GenericAPIView):
    serializer_class = CountOut

    @extend_schema(operation_id="count_detail")
    def get(self, request, pk):
        count = selectors.count_get(user=request.user, pk=pk)
        return Response(CountOut(count, context={"user": request.user}).data)

    @extend_schema(
        request=CountEntryIn,
        responses={200: CountOut},
        operation_id="count_step",
        description="scan (serial, location), lot (lot_number, quantity, location) by the "
        "counter; close by a second person holding the approver role.",
    )
    def post(self, request, pk):
        from pssm.sites.models import StorageLocation

        count = selectors.count_get(user=request.user, pk=pk)
        s = CountEntryIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        if d["step"] == "close":
            services.count_close(actor=request.user, count=count)
        else:
            location = StorageLocation.objects.filter(
                building__site=count.site, code=d["location"].upper()
            ).first()
            if d["step"] == "scan":
                services.count_scan(
                    actor=request.user, count=count, serial=d["serial"], location=location
                )
            else:
                services.count_lot(
                    actor=request.user,
                    count=count,
                    lot_number=d["lot_number"],
                    quantity=d["quantity"],
                    location=location,
                )
        count = selectors.count_get(user=request.user, pk=pk)
        return Response(CountOut(count, context={"user": request.user}).data)


# --- key register and access log ----------------------------------------------------------


class KeyStepIn(serializers.Serializer):
    op = serializers.ChoiceField(choices=["register", "issue", "return"])
    code = serializers.CharField(required=False, allow_blank=True, default="")
    label = serializers.CharField(required=False, allow_blank=True, default="")
    holder = serializers.CharField(required=False, allow_blank=True, default="")


class AccessStepIn(serializers.Serializer):
    op = serializers.ChoiceField(choices=["enter", "leave"])
    building = serializers.CharField(required=False, allow_blank=True, default="")
    person = serializers.CharField(required=False, allow_blank=True, default="")
    companion = serializers.CharField(required=False, allow_blank=True, default="")
    purpose = serializers.CharField(required=False, allow_blank=True, default="")
    entry = serializers.IntegerField(required=False, allow_null=True, default=None)


def _security_site(user, code):
    from pssm.accounts import authz
    from pssm.domain.access import Action

    site = site_selectors.site_get(user=user, code=code.upper())
    authz.check(user, Action.SERIALS_VIEW, site)
    return site


def _keys(site) -> list[dict]:
    return [
        {
            "code": k.code,
            "label": k.label,
            "holder": loan.holder if loan else None,
            "taken_at": loan.taken_at if loan else None,
        }
        for k, loan in selectors.key_register(site)
    ]


class KeyRegisterApi(GenericAPIView):
    serializer_class = KeyStepIn

    @extend_schema(responses={200: dict}, operation_id="key_register_list")
    def get(self, request, code):
        return Response({"keys": _keys(_security_site(request.user, code))})

    @extend_schema(
        request=KeyStepIn,
        responses={200: dict},
        operation_id="key_register_step",
        description="register a key (code, label); issue it (code, holder); return it (code).",
    )
    def post(self, request, code):
        from pssm.domain.errors import NotFoundError, gettext_noop

        from .models import Key, KeyLoan

        site = _security_site(request.user, code)
        s = KeyStepIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        if d["op"] == "register":
            services.key_register(actor=request.user, site=site, code=d["code"], label=d["label"])
        else:
            key = Key.objects.filter(site=site, code=d["code"].strip().upper()).first()
            if key is None:
                raise NotFoundError(
                    gettext_noop("No key %(code)s in this site's register."),
                    params={"code": d["code"]},
                    details={"code": gettext_noop("Unknown key.")},
                )
            if d["op"] == "issue":
                services.key_issue(actor=request.user, key=key, holder=d["holder"])
            else:
                loan = KeyLoan.objects.filter(key=key, returned_at__isnull=True).first()
                if loan is None:
                    from pssm.domain.errors import ConflictError

                    raise ConflictError(
                        gettext_noop("Key %(code)s is not out."), params={"code": key.code}
                    )
                services.key_return(actor=request.user, loan=loan)
        return Response({"keys": _keys(site)})


def _entries(site) -> list[dict]:
    return [
        {
            "id": e.pk,
            "building": e.building.code,
            "person": e.person,
            "companion": e.companion,
            "purpose": e.purpose,
            "entered_at": e.entered_at,
            "left_at": e.left_at,
            "two_person_broken": e.two_person_broken,
        }
        for e in selectors.access_entries(site)
    ]


class AccessLogApi(GenericAPIView):
    serializer_class = AccessStepIn

    @extend_schema(responses={200: dict}, operation_id="access_log_list")
    def get(self, request, code):
        return Response({"entries": _entries(_security_site(request.user, code))})

    @extend_schema(
        request=AccessStepIn,
        responses={200: dict},
        operation_id="access_log_step",
        description="enter (building, person, companion, purpose); leave (entry).",
    )
    def post(self, request, code):
        from pssm.domain.errors import NotFoundError, gettext_noop
        from pssm.sites.models import Building

        from .models import AccessEntry

        site = _security_site(request.user, code)
        s = AccessStepIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        if d["op"] == "enter":
            building = Building.objects.filter(site=site, code=d["building"].upper()).first()
            if building is None:
                raise NotFoundError(
                    gettext_noop("No such building at this site."),
                    details={"building": gettext_noop("Unknown building.")},
                )
            services.access_record(
                actor=request.user,
                building=building,
                person=d["person"],
                companion=d["companion"],
                purpose=d["purpose"],
            )
        else:
            entry = AccessEntry.objects.filter(building__site=site, pk=d["entry"] or 0).first()
            if entry is None:
                raise NotFoundError(gettext_noop("No such entry in this site's access log."))
            services.access_leave(actor=request.user, entry=entry)
        return Response({"entries": _entries(site)})


class PhotoIn(serializers.Serializer):
    question = serializers.CharField()
    photo = serializers.FileField()


class InspectionPhotoApi(GenericAPIView):
    serializer_class = PhotoIn
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": PhotoIn},
        responses={201: dict},
        operation_id="inspection_photo_add",
        description="Attach a photo (JPEG, PNG or WebP, at most PSSM_PHOTO_MAX_MB) as evidence "
        "for one question of an open inspection.",
    )
    def post(self, request, pk):
        inspection = selectors.inspection_get(user=request.user, pk=pk)
        question = request.data.get("question", "")
        photo = services.photo_add(
            actor=request.user,
            inspection=inspection,
            question_code=str(question),
            upload=request.FILES.get("photo"),
        )
        return Response(
            {
                "id": photo.pk,
                "question": photo.question.code,
                "sha256": photo.sha256,
                "content_type": photo.content_type,
                "size": photo.size,
            },
            status=status.HTTP_201_CREATED,
        )
