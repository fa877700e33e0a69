from django.urls import path

from . import views

app_name = "ammunition"
urlpatterns = [
    path("lots/", views.lot_list, name="lot_list"),
    path("lots/suspensions/", views.suspension_list, name="suspension_list"),
    path("lots/surveillance/", views.surveillance, name="surveillance"),
    path("lots/suspensions/<int:pk>/lift/", views.suspension_lift, name="suspension_lift"),
    path("natures/", views.nature_list, name="nature_list"),
    path("safety/", views.safety, name="safety"),
    path("safety-rules/", views.rule_list, name="rule_list"),
    path("safety/<str:code>/", views.qd_report, name="qd_report"),
    path("safety/<str:code>/pdf/", views.qd_report_pdf, name="qd_report_pdf"),
    path(
        "safety/<str:code>/exposed-sites/new/",
        views.exposed_site_create,
        name="exposed_site_create",
    ),
    path("safety/<str:code>/waivers/new/", views.waiver_create, name="waiver_create"),
    path("safety/<str:code>/licences/new/", views.licence_create, name="licence_create"),
]
