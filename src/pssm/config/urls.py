from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from pssm.accounts import api as accounts_api
from pssm.ammunition import api as ammunition_api
from pssm.dashboard import help_views, search_views
from pssm.inspections import api as inspections_api
from pssm.journal import api as journal_api
from pssm.movements import api as movements_api
from pssm.registry import api as registry_api
from pssm.sites import api as sites_api

api_v1 = [
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path("auth/token/", accounts_api.TokenApi.as_view(), name="token"),
    path("auth/tokens/", accounts_api.TokenListApi.as_view(), name="token_list"),
    path("auth/tokens/<str:token_id>/", accounts_api.TokenDetailApi.as_view(), name="token_detail"),
    path(
        "users/<str:username>/tokens/",
        accounts_api.UserTokenListApi.as_view(),
        name="user_token_list",
    ),
    path(
        "users/<str:username>/tokens/<str:token_id>/",
        accounts_api.UserTokenDetailApi.as_view(),
        name="user_token_detail",
    ),
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
    path("weapon-types/", registry_api.WeaponTypeListApi.as_view(), name="weapon_type_list"),
    path("weapons/", registry_api.WeaponListApi.as_view(), name="weapon_list"),
    path("weapons/search/", registry_api.WeaponSearchApi.as_view(), name="weapon_search"),
    path("weapons/<int:pk>/", registry_api.WeaponDetailApi.as_view(), name="weapon_detail"),
    path("persons/", registry_api.PersonListApi.as_view(), name="person_list"),
    path("vouchers/", movements_api.VoucherListApi.as_view(), name="voucher_list"),
    path("vouchers/<int:pk>/", movements_api.VoucherDetailApi.as_view(), name="voucher_detail"),
    path(
        "vouchers/<int:pk>/lines/", movements_api.VoucherLineListApi.as_view(), name="voucher_lines"
    ),
    path(
        "vouchers/<int:pk>/lines/<int:line_id>/",
        movements_api.VoucherLineDetailApi.as_view(),
        name="voucher_line_detail",
    ),
    path(
        "vouchers/<int:pk>/submit/", movements_api.VoucherSubmitApi.as_view(), name="voucher_submit"
    ),
    path(
        "vouchers/<int:pk>/approve/",
        movements_api.VoucherApproveApi.as_view(),
        name="voucher_approve",
    ),
    path(
        "vouchers/<int:pk>/cancel/", movements_api.VoucherCancelApi.as_view(), name="voucher_cancel"
    ),
    path(
        "vouchers/<int:pk>/send-back/",
        movements_api.VoucherSendBackApi.as_view(),
        name="voucher_send_back",
    ),
    path("vouchers/<int:pk>/check/", movements_api.VoucherCheckApi.as_view(), name="voucher_check"),
    path(
        "vouchers/<int:pk>/reverse/",
        movements_api.VoucherReverseApi.as_view(),
        name="voucher_reverse",
    ),
    path("destructions/", movements_api.DestructionListApi.as_view(), name="destruction_list"),
    path(
        "destructions/<int:pk>/record/",
        movements_api.DestructionRecordApi.as_view(),
        name="destruction_record",
    ),
    path("discrepancies/", movements_api.CaseListApi.as_view(), name="case_list"),
    path("discrepancies/<int:pk>/", movements_api.CaseDetailApi.as_view(), name="case_detail"),
    path("sites/<str:code>/keys/", inspections_api.KeyRegisterApi.as_view(), name="key_register"),
    path("sites/<str:code>/access/", inspections_api.AccessLogApi.as_view(), name="access_log"),
    path("counts/", inspections_api.CountListApi.as_view(), name="count_list"),
    path("counts/<int:pk>/", inspections_api.CountDetailApi.as_view(), name="count_detail"),
    path("inspections/", inspections_api.InspectionListApi.as_view(), name="inspection_list"),
    path(
        "inspections/<int:pk>/",
        inspections_api.InspectionDetailApi.as_view(),
        name="inspection_detail",
    ),
    path(
        "inspections/<int:pk>/answers/",
        inspections_api.InspectionAnswersApi.as_view(),
        name="inspection_answers",
    ),
    path(
        "inspections/<int:pk>/photos/",
        inspections_api.InspectionPhotoApi.as_view(),
        name="inspection_photos",
    ),
    path(
        "inspections/<int:pk>/close/",
        inspections_api.InspectionCloseApi.as_view(),
        name="inspection_close",
    ),
    path("natures/", ammunition_api.NatureListApi.as_view(), name="nature_list"),
    path("lots/", ammunition_api.LotListApi.as_view(), name="lot_list"),
    path("lots/<int:pk>/", ammunition_api.LotDetailApi.as_view(), name="lot_detail"),
    path("qd/check/", ammunition_api.QdCheckApi.as_view(), name="qd_check"),
    path(
        "lot-suspensions/", ammunition_api.SuspensionListApi.as_view(), name="lot_suspension_list"
    ),
    path("surveillance/", ammunition_api.SurveillanceApi.as_view(), name="surveillance"),
    path(
        "lot-suspensions/<int:pk>/lift/",
        ammunition_api.SuspensionLiftApi.as_view(),
        name="lot_suspension_lift",
    ),
    path("sites/<str:code>/qd-report/", ammunition_api.QdReportApi.as_view(), name="qd_report"),
    path("licences/", ammunition_api.LicenceListApi.as_view(), name="licence_list"),
    path("waivers/", ammunition_api.WaiverListApi.as_view(), name="waiver_list"),
    path("exposed-sites/", ammunition_api.ExposedSiteListApi.as_view(), name="exposed_site_list"),
    path("safety-rules/", ammunition_api.SafetyRuleListApi.as_view(), name="safety_rule_list"),
    path(
        "safety-rules/overrides/",
        ammunition_api.RuleOverrideApi.as_view(),
        name="rule_override_create",
    ),
]

urlpatterns = [
    path("", include("pssm.dashboard.urls")),
    path("search/", search_views.search, name="search"),
    path("help/", help_views.help_index, name="help"),
    path("help/<str:role>/", help_views.help_guide, name="help_guide"),
    path("accounts/", include("pssm.accounts.urls")),
    path("geo/", include("pssm.sites.urls")),
    path("journal/", include("pssm.journal.urls")),
    path("sync/", include("pssm.sync.urls")),
    path("registry/", include("pssm.registry.urls")),
    path("movements/", include("pssm.movements.urls")),
    path("ammunition/", include("pssm.ammunition.urls")),
    path("imports/", include("pssm.imports.urls")),
    path("inspections/", include("pssm.inspections.urls")),
    path("notices/", include("pssm.notices.urls")),
    path("programme/", include("pssm.programme.urls")),
    path("tracing/", include("pssm.tracing.urls")),
    path("reports/", include("pssm.reports.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "api/docs/",
        # Swagger UI's own script is a file (the split view); it styles elements inline.
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api_schema")
        ),
        name="api_docs",
    ),
]

# Under /api/, an unknown URL and an unexpected error are answered in the API's error format
# (ADR 0011); pages keep their pages.
handler404 = "pssm.core.api.page_not_found"
handler500 = "pssm.core.api.server_error"
