from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/sign/", views.report_sign, name="report_sign"),
    path("reports/<int:pk>/<str:fmt>/", views.report_download, name="report_download"),
    path("records/<str:country>/", views.records, name="records"),
    path("regional/", views.regional_export, name="regional_export"),
]
