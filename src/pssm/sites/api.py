"""REST API of the geography under /api/v1/. Each endpoint makes one selector or service call;
authorisation is the same module as the UI's (through the selectors and services)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from . import selectors, services
from .models import Building, Country, Organisation, Site, StorageLocation

# --- output ------------------------------------------------------------------------------


class CountryOut(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "name", "default_language", "created_at", "updated_at"]


class OrganisationOut(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Organisation
        fields = ["code", "country", "name", "kind", "created_at", "updated_at"]


class SiteOut(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code")
    country = serializers.CharField(source="organisation.country.code")

    class Meta:
        model = Site
        fields = [
            "code",
            "country",
            "organisation",
            "name",
            "kind",
            "region",
            "town",
            "is_model_installation",
            "latitude",
            "longitude",
            "is_active",
            "notes",
            "created_at",
            "updated_at",
        ]


class BuildingOut(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")

    class Meta:
        model = Building
        fields = [
            "code",
            "site",
            "name",
            "kind",
            "storehouse_type",
            "latitude",
            "longitude",
            "is_active",
            "notes",
            "created_at",
            "updated_at",
        ]


class LocationOut(serializers.ModelSerializer):
    building = serializers.CharField(source="building.code")

    class Meta:
        model = StorageLocation
        fields = [
            "code",
            "building",
            "name",
            "kind",
            "capacity",
            "is_active",
            "notes",
            "created_at",
            "updated_at",
        ]


# --- input -------------------------------------------------------------------------------

COORD = {"max_digits": 9, "decimal_places": 6, "required": False, "allow_null": True}


class CountryIn(serializers.Serializer):
    code = serializers.CharField(max_length=2)
    name = serializers.CharField(max_length=100)
    default_language = serializers.ChoiceField(choices=["fr", "en"])


class CountryPatch(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    default_language = serializers.ChoiceField(choices=["fr", "en"], required=False)


class OrganisationIn(serializers.Serializer):
    country = serializers.CharField(max_length=2)
    code = serializers.CharField(max_length=8, help_text="Short part, e.g. GN for ML-GN")
    name = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices)


class OrganisationPatch(serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices, required=False)


class SitePatch(serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False)
    kind = serializers.ChoiceField(choices=Site.Kind.choices, required=False)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    town = serializers.CharField(max_length=100, required=False, allow_blank=True)
    is_model_installation = serializers.BooleanField(required=False)
    latitude = serializers.DecimalField(min_value=-90, max_value=90, **COORD)
    longitude = serializers.DecimalField(min_value=-180, max_value=180, **COORD)
    is_active = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class SiteIn(SitePatch):
    organisation = serializers.CharField(max_length=16)
    code = serializers.CharField(max_length=8, help_text="Short part, e.g. KTI for ML-KTI")
    name = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(choices=Site.Kind.choices)
    is_active = None


class BuildingPatch(serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False)
    kind = serializers.ChoiceField(choices=Building.Kind.choices, required=False)
    storehouse_type = serializers.ChoiceField(
        choices=Building.StorehouseType.choices, required=False, allow_blank=True
    )
    latitude = serializers.DecimalField(min_value=-90, max_value=90, **COORD)
    longitude = serializers.DecimalField(min_value=-180, max_value=180, **COORD)
    is_active = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class BuildingIn(BuildingPatch):
    site = serializers.CharField(max_length=24)
    code = serializers.CharField(max_length=8, help_text="Short part, e.g. ESH03")
    name = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(choices=Building.Kind.choices)
    is_active = None


class LocationPatch(serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False)
    kind = serializers.ChoiceField(choices=StorageLocation.Kind.choices, required=False)
    capacity = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class LocationIn(LocationPatch):
    building = serializers.CharField(max_length=32)
    code = serializers.CharField(max_length=8, help_text="Short part, e.g. R01")
    name = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(choices=StorageLocation.Kind.choices)
    is_active = None


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _q(request, *names) -> dict:
    return {name: request.query_params.get(name, "").strip() for name in names}


def _page(view, request, queryset, out):
    page = view.paginate_queryset(queryset)
    return view.get_paginated_response(out(page, many=True).data)


# --- endpoints ---------------------------------------------------------------------------


class EntityListApi(GenericAPIView):
    """GET a filtered, paginated list; POST creates one inside a parent found by its code."""

    lister = None  # selector: (user, filters) -> queryset
    filter_names: tuple[str, ...] = ()
    create_in = None  # input serializer
    parent_field = ""  # input field naming the parent's code
    parent_getter = None  # selector: (user, code) -> parent
    parent_kw = ""  # keyword of the parent in the create service
    creator = None  # service

    def filters(self, request) -> dict:
        return _q(request, *self.filter_names)

    def get(self, request):
        qs = type(self).lister(user=request.user, filters=self.filters(request))
        return _page(self, request, qs, self.serializer_class)

    def post(self, request):
        data = _valid(self.create_in, request)
        parent = type(self).parent_getter(
            user=request.user, code=data.pop(self.parent_field).upper()
        )
        obj = type(self).creator(actor=request.user, **{self.parent_kw: parent}, **data)
        return Response(self.serializer_class(obj).data, status=status.HTTP_201_CREATED)


class EntityDetailApi(GenericAPIView):
    """GET one by its code; PATCH changes the fields the update service allows."""

    getter = None
    updater = None
    updater_kw = ""
    patch_in = None

    def get(self, request, code):
        return Response(self.serializer_class(type(self).getter(user=request.user, code=code)).data)

    def patch(self, request, code):
        obj = type(self).getter(user=request.user, code=code)
        obj = type(self).updater(
            actor=request.user, **{self.updater_kw: obj}, **_valid(self.patch_in, request)
        )
        return Response(self.serializer_class(obj).data)


def _list_schema(create_in, out, filter_names, extra=()):
    name = out.Meta.model._meta.model_name
    return extend_schema_view(
        get=extend_schema(
            operation_id=f"{name}_list",
            parameters=[OpenApiParameter(n, str) for n in filter_names] + list(extra),
            responses=out(many=True),
        ),
        post=extend_schema(request=create_in, responses={201: out}),
    )


def _detail_schema(patch_in, out):
    return extend_schema_view(patch=extend_schema(request=patch_in, responses=out))


class CountryListApi(GenericAPIView):
    serializer_class = CountryOut

    @extend_schema(responses=CountryOut(many=True))
    def get(self, request):
        return _page(self, request, selectors.country_list(user=request.user), CountryOut)

    @extend_schema(request=CountryIn, responses={201: CountryOut})
    def post(self, request):
        country = services.country_create(actor=request.user, **_valid(CountryIn, request))
        return Response(CountryOut(country).data, status=status.HTTP_201_CREATED)


@_detail_schema(CountryPatch, CountryOut)
class CountryDetailApi(EntityDetailApi):
    serializer_class = CountryOut
    getter, updater = selectors.country_get, services.country_update
    updater_kw, patch_in = "country", CountryPatch


@_list_schema(OrganisationIn, OrganisationOut, ("country", "kind", "q"))
class OrganisationListApi(EntityListApi):
    serializer_class = OrganisationOut
    lister, filter_names = selectors.organisation_list, ("country", "kind", "q")
    create_in, creator = OrganisationIn, services.organisation_create
    parent_field, parent_getter, parent_kw = "country", selectors.country_get, "country"


@_detail_schema(OrganisationPatch, OrganisationOut)
class OrganisationDetailApi(EntityDetailApi):
    serializer_class = OrganisationOut
    getter, updater = selectors.organisation_get, services.organisation_update
    updater_kw, patch_in = "organisation", OrganisationPatch


@_list_schema(
    SiteIn, SiteOut, ("country", "organisation", "kind", "q"), [OpenApiParameter("model", bool)]
)
class SiteListApi(EntityListApi):
    serializer_class = SiteOut
    lister, filter_names = selectors.site_list, ("country", "organisation", "kind", "q", "model")
    create_in, creator = SiteIn, services.site_create
    parent_field, parent_getter, parent_kw = (
        "organisation",
        selectors.organisation_get,
        "organisation",
    )

    def filters(self, request) -> dict:
        filters = super().filters(request)
        filters["model"] = {"true": True, "1": True, "false": False, "0": False}.get(
            filters["model"].lower(), ""
        )
        return filters


@_detail_schema(SitePatch, SiteOut)
class SiteDetailApi(EntityDetailApi):
    serializer_class = SiteOut
    getter, updater = selectors.site_get, services.site_update
    updater_kw, patch_in = "site", SitePatch


@_list_schema(BuildingIn, BuildingOut, ("site", "kind", "q"))
class BuildingListApi(EntityListApi):
    serializer_class = BuildingOut
    lister, filter_names = selectors.building_list, ("site", "kind", "q")
    create_in, creator = BuildingIn, services.building_create
    parent_field, parent_getter, parent_kw = "site", selectors.site_get, "site"


@_detail_schema(BuildingPatch, BuildingOut)
class BuildingDetailApi(EntityDetailApi):
    serializer_class = BuildingOut
    getter, updater = selectors.building_get, services.building_update
    updater_kw, patch_in = "building", BuildingPatch


@_list_schema(LocationIn, LocationOut, ("building", "site", "q"))
class LocationListApi(EntityListApi):
    serializer_class = LocationOut
    lister, filter_names = selectors.location_list, ("building", "site", "q")
    create_in, creator = LocationIn, services.location_create
    parent_field, parent_getter, parent_kw = "building", selectors.building_get, "building"


@_detail_schema(LocationPatch, LocationOut)
class LocationDetailApi(EntityDetailApi):
    serializer_class = LocationOut
    getter, updater = selectors.location_get, services.location_update
    updater_kw, patch_in = "location", LocationPatch
