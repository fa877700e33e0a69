"""REST API of the weapons registry."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from pssm.movements.selectors import weapon_history
from pssm.sites import selectors as site_selectors

from . import selectors, services
from .models import Person, Weapon, WeaponType


class WeaponTypeOut(serializers.ModelSerializer):
    class Meta:
        model = WeaponType
        fields = ["id", "category", "make", "model", "calibre", "country_of_manufacture", "aliases"]


class WeaponOut(serializers.ModelSerializer):
    weapon_type = serializers.CharField(source="weapon_type.__str__")
    category = serializers.CharField(source="weapon_type.category")
    site = serializers.CharField(source="site.code")
    owner = serializers.CharField(source="owner.code")
    location = serializers.CharField(source="location.code", default="")
    custodian = serializers.CharField(source="custodian_label")
    destination = serializers.CharField(source="destination.code", default="")

    class Meta:
        model = Weapon
        fields = [
            "id",
            "serial",
            "serial_norm",
            "weapon_type",
            "category",
            "manufacturer",
            "country_of_manufacture",
            "year_of_manufacture",
            "import_country",
            "import_year",
            "ownership_mark",
            "marking_locations",
            "other_parts",
            "owner",
            "status",
            "site",
            "location",
            "custodian",
            "destination",
            "created_at",
            "updated_at",
        ]


class MovementOut(serializers.Serializer):
    voucher = serializers.CharField(source="voucher.number")
    voucher_id = serializers.IntegerField(source="voucher.pk")
    kind = serializers.CharField(source="voucher.kind")
    posted_at = serializers.DateTimeField(source="voucher.posted_at")
    before = serializers.JSONField()
    after = serializers.JSONField()


class WeaponDetailOut(WeaponOut):
    history = serializers.SerializerMethodField()

    class Meta(WeaponOut.Meta):
        fields = [*WeaponOut.Meta.fields, "history"]

    def get_history(self, weapon) -> list[dict]:
        return MovementOut(weapon_history(weapon), many=True).data


class HitOut(serializers.Serializer):
    id = serializers.IntegerField()
    serial = serializers.CharField()
    status = serializers.CharField()
    category = serializers.CharField()
    weapon_type = serializers.CharField()
    site = serializers.CharField()
    location = serializers.CharField()
    custodian = serializers.CharField()
    destination = serializers.CharField()


class MatchOut(serializers.Serializer):
    match = serializers.CharField()
    weapon = HitOut()


class PersonOut(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")
    label = serializers.CharField(source="__str__")

    class Meta:
        model = Person
        fields = [
            "id",
            "site",
            "service_number",
            "rank",
            "first_name",
            "last_name",
            "unit",
            "label",
            "is_active",
        ]


class PersonIn(serializers.Serializer):
    site = serializers.CharField()
    service_number = serializers.CharField(max_length=40)
    first_name = serializers.CharField(max_length=80)
    last_name = serializers.CharField(max_length=80)
    rank = serializers.CharField(max_length=60, required=False, allow_blank=True)
    unit = serializers.CharField(max_length=120, required=False, allow_blank=True)


WEAPON_FILTERS = (
    "site",
    "status",
    "category",
    "weapon_type",
    "owner",
    "serial",
    "near",
    "type_q",
)


class WeaponListApi(GenericAPIView):
    serializer_class = WeaponOut

    @extend_schema(
        parameters=[
            OpenApiParameter(n, int if n == "weapon_type" else str) for n in WEAPON_FILTERS
        ],
        responses=WeaponOut(many=True),
        operation_id="weapon_list",
    )
    def get(self, request):
        filters = {n: request.query_params.get(n, "").strip() for n in WEAPON_FILTERS}
        page = self.paginate_queryset(selectors.weapon_list(user=request.user, filters=filters))
        return self.get_paginated_response(WeaponOut(page, many=True).data)


class WeaponDetailApi(GenericAPIView):
    serializer_class = WeaponDetailOut

    def get(self, request, pk):
        return Response(WeaponDetailOut(selectors.weapon_get(user=request.user, pk=pk)).data)


class WeaponSearchApi(GenericAPIView):
    """The best matches first, at most a few hundred: one list, not pages."""

    serializer_class = MatchOut
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter(
                "near",
                bool,
                description="also the serials one edit away when the serial itself is found",
            ),
        ],
        responses=MatchOut(many=True),
    )
    def get(self, request):
        matches = selectors.weapon_search(
            user=request.user,
            query=request.query_params.get("q", ""),
            near=selectors.wants_near(request.query_params),
        )
        hits = HitOut([w for _m, w in matches], many=True).data  # one serializer for all hits
        return Response(
            [{"match": m.value, "weapon": hit} for (m, _w), hit in zip(matches, hits, strict=True)]
        )


class WeaponTypeListApi(GenericAPIView):
    serializer_class = WeaponTypeOut

    @extend_schema(parameters=[OpenApiParameter("q", str)], responses=WeaponTypeOut(many=True))
    def get(self, request):
        qs = selectors.weapon_type_list(q=request.query_params.get("q", ""))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(WeaponTypeOut(page, many=True).data)


class PersonListApi(GenericAPIView):
    serializer_class = PersonOut

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in ("site", "q")],
        responses=PersonOut(many=True),
        operation_id="person_list",
    )
    def get(self, request):
        filters = {n: request.query_params.get(n, "").strip() for n in ("site", "q")}
        page = self.paginate_queryset(selectors.person_list(user=request.user, filters=filters))
        return self.get_paginated_response(PersonOut(page, many=True).data)

    @extend_schema(request=PersonIn, responses={201: PersonOut})
    def post(self, request):
        serializer = PersonIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        site = site_selectors.site_get(user=request.user, code=data.pop("site").upper())
        person = services.person_create(actor=request.user, site=site, **data)
        return Response(PersonOut(person).data, status=status.HTTP_201_CREATED)
