from django.urls import path

from . import views

app_name = "sites"
urlpatterns = [
    path("countries/", views.country_list, name="country_list"),
    path("countries/new/", views.country_create, name="country_create"),
    path("countries/<str:code>/", views.country_detail, name="country_detail"),
    path("countries/<str:code>/edit/", views.country_edit, name="country_edit"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<str:code>/edit/", views.organisation_edit, name="organisation_edit"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<str:code>/", views.site_detail, name="site_detail"),
    path("sites/<str:code>/edit/", views.site_edit, name="site_edit"),
    path("sites/<str:code>/buildings/new/", views.building_create, name="building_create"),
    path("buildings/<str:code>/", views.building_detail, name="building_detail"),
    path("buildings/<str:code>/edit/", views.building_edit, name="building_edit"),
    path("buildings/<str:code>/locations/new/", views.location_create, name="location_create"),
    path("locations/<str:code>/edit/", views.location_edit, name="location_edit"),
]
