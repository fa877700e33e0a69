"""REST API of the geography under /api/v1/. Each endpoint makes one selector or service call;
authorisation is the same module as the UI's (through the selectors and services)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
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


class CountryListApi(GenericAPIView):
    serializer_class = CountryOut

    def get(self, request):
        return _page(self, request, selectors.country_list(user=request.user), CountryOut)

    @extend_schema(request=CountryIn, responses={201: CountryOut})
    def post(self, request):
        country = services.country_create(actor=request.user, **_valid(CountryIn, request))
        return Response(CountryOut(country).data, status=status.HTTP_201_CREATED)


class CountryDetailApi(GenericAPIView):
    serializer_class = CountryOut

    def get(self, request, code):
        return Response(CountryOut(selectors.country_get(user=request.user, code=code)).data)

    @extend_schema(request=CountryPatch, responses=CountryOut)
    def patch(self, request, code):
        country = selectors.country_get(user=request.user, code=code)
        country = services.country_update(
            actor=request.user, country=country, **_valid(CountryPatch, request)
        )
        return Response(CountryOut(country).data)


class OrganisationListApi(GenericAPIView):
    serializer_class = OrganisationOut

    @extend_schema(parameters=[OpenApiParameter(n, str) for n in ("country", "kind", "q")])
    def get(self, request):
        qs = selectors.organisation_list(
            user=request.user, filters=_q(request, "country", "kind", "q")
        )
        return _page(self, request, qs, OrganisationOut)

    @extend_schema(request=OrganisationIn, responses={201: OrganisationOut})
    def post(self, request):
        data = _valid(OrganisationIn, request)
        country = selectors.country_get(user=request.user, code=data.pop("country").upper())
        org = services.organisation_create(actor=request.user, country=country, **data)
        return Response(OrganisationOut(org).data, status=status.HTTP_201_CREATED)


class OrganisationDetailApi(GenericAPIView):
    serializer_class = OrganisationOut

    def get(self, request, code):
        org = selectors.organisation_get(user=request.user, code=code)
        return Response(OrganisationOut(org).data)

    @extend_schema(request=OrganisationPatch, responses=OrganisationOut)
    def patch(self, request, code):
        org = selectors.organisation_get(user=request.user, code=code)
        org = services.organisation_update(
            actor=request.user, organisation=org, **_valid(OrganisationPatch, request)
        )
        return Response(OrganisationOut(org).data)


class SiteListApi(GenericAPIView):
    serializer_class = SiteOut

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in ("country", "organisation", "kind", "q")]
        + [OpenApiParameter("model", bool)]
    )
    def get(self, request):
        filters = _q(request, "country", "organisation", "kind", "q", "model")
        filters["model"] = {"true": True, "1": True, "false": False, "0": False}.get(
            filters["model"].lower(), ""
        )
        qs = selectors.site_list(user=request.user, filters=filters)
        return _page(self, request, qs, SiteOut)

    @extend_schema(request=SiteIn, responses={201: SiteOut})
    def post(self, request):
        data = _valid(SiteIn, request)
        org = selectors.organisation_get(user=request.user, code=data.pop("organisation").upper())
        site = services.site_create(actor=request.user, organisation=org, **data)
        return Response(SiteOut(site).data, status=status.HTTP_201_CREATED)


class SiteDetailApi(GenericAPIView):
    serializer_class = SiteOut

    def get(self, request, code):
        return Response(SiteOut(selectors.site_get(user=request.user, code=code)).data)

    @extend_schema(request=SitePatch, responses=SiteOut)
    def patch(self, request, code):
        site = selectors.site_get(user=request.user, code=code)
        site = services.site_update(actor=request.user, site=site, **_valid(SitePatch, request))
        return Response(SiteOut(site).data)


class BuildingListApi(GenericAPIView):
    serializer_class = BuildingOut

    @extend_schema(parameters=[OpenApiParameter(n, str) for n in ("site", "kind", "q")])
    def get(self, request):
        qs = selectors.building_list(user=request.user, filters=_q(request, "site", "kind", "q"))
        return _page(self, request, qs, BuildingOut)

    @extend_schema(request=BuildingIn, responses={201: BuildingOut})
    def post(self, request):
        data = _valid(BuildingIn, request)
        site = selectors.site_get(user=request.user, code=data.pop("site").upper())
        building = services.building_create(actor=request.user, site=site, **data)
        return Response(BuildingOut(building).data, status=status.HTTP_201_CREATED)


class BuildingDetailApi(GenericAPIView):
    serializer_class = BuildingOut

    def get(self, request, code):
        return Response(BuildingOut(selectors.building_get(user=request.user, code=code)).data)

    @extend_schema(request=BuildingPatch, responses=BuildingOut)
    def patch(self, request, code):
        building = selectors.building_get(user=request.user, code=code)
        building = services.building_update(
            actor=request.user, building=building, **_valid(BuildingPatch, request)
        )
        return Response(BuildingOut(building).data)


class LocationListApi(GenericAPIView):
    serializer_class = LocationOut

    @extend_schema(parameters=[OpenApiParameter(n, str) for n in ("building", "site", "q")])
    def get(self, request):
        qs = selectors.location_list(
            user=request.user, filters=_q(request, "building", "site", "q")
        )
        return _page(self, request, qs, LocationOut)

    @extend_schema(request=LocationIn, responses={201: LocationOut})
    def post(self, request):
        data = _valid(LocationIn, request)
        building = selectors.building_get(user=request.user, code=data.pop("building").upper())
        location = services.location_create(actor=request.user, building=building, **data)
        return Response(LocationOut(location).data, status=status.HTTP_201_CREATED)


class LocationDetailApi(GenericAPIView):
    serializer_class = LocationOut

    def get(self, request, code):
        return Response(LocationOut(selectors.location_get(user=request.user, code=code)).data)

    @extend_schema(request=LocationPatch, responses=LocationOut)
    def patch(self, request, code):
        location = selectors.location_get(user=request.user, code=code)
        location = services.location_update(
            actor=request.user, location=location, **_valid(LocationPatch, request)
        )
        return Response(LocationOut(location).data)
