from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from pssm.accounts import api as accounts_api
from pssm.journal import api as journal_api
from pssm.sites import api as sites_api

api_v1 = [
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path("auth/token/", accounts_api.TokenApi.as_view(), name="token"),
    path("countries/", sites_api.CountryListApi.as_view(), name="country_list"),
    path("countries/<str:code>/", sites_api.CountryDetailApi.as_view(), name="country_detail"),
    path("organisations/", sites_api.OrganisationListApi.as_view(), name="organisation_list"),
    path(
        "organisations/<str:code>/",
        sites_api.OrganisationDetailApi.as_view(),
        name="organisation_detail",
    ),
    path("sites/", sites_api.SiteListApi.as_view(), name="site_list"),
    path("sites/<str:code>/", sites_api.SiteDetailApi.as_view(), name="site_detail"),
    path("buildings/", sites_api.BuildingListApi.as_view(), name="building_list"),
    path("buildings/<str:code>/", sites_api.BuildingDetailApi.as_view(), name="building_detail"),
    path("locations/", sites_api.LocationListApi.as_view(), name="location_list"),
    path("locations/<str:code>/", sites_api.LocationDetailApi.as_view(), name="location_detail"),
    path("journal/", journal_api.JournalEntryListApi.as_view(), name="journal_list"),
    path("journal/verify/", journal_api.JournalVerifyApi.as_view(), name="journal_verify"),
    path(
        "journal/<uuid:uuid>/", journal_api.JournalEntryDetailApi.as_view(), name="journal_detail"
    ),
]

urlpatterns = [
    path("", include("pssm.core.urls")),
    path("accounts/", include("pssm.accounts.urls")),
    path("geo/", include("pssm.sites.urls")),
    path("journal/", include("pssm.journal.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]
