from django.urls import path

from . import views, views_edit

app_name = "programme"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator_detail"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_form, name="activity_create"),
    path("activities/<str:code>/", views.activity_detail, name="activity_detail"),
    path("activities/<str:code>/edit/", views.activity_form, name="activity_edit"),
    path("activities/<str:code>/sheet.pdf", views.activity_sheet, name="activity_sheet"),
    path("activities/<str:code>/files/", views.attachment_add, name="attachment_add"),
    path("activities/<str:code>/files/<int:pk>/", views.attachment_get, name="attachment_get"),
    path("sops/", views.sop_list, name="sop_list"),
    path("sops/reviews/<int:pk>/close/", views.review_close, name="review_close"),
    path("trainings/", views.training_list, name="training_list"),
    path("certificates/<int:pk>.pdf", views.certificate, name="certificate"),
    path("installations/", views.installation_list, name="installation_list"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("iati.xml", views.iati_export, name="iati_export"),
    path("sops/new/", views_edit.sop_create, name="sop_create"),
    path("sops/<int:pk>/versions/new/", views_edit.sop_version_add, name="sop_version_add"),
    path(
        "sops/versions/<int:pk>/review/", views_edit.sop_version_review, name="sop_version_review"
    ),
    path(
        "sops/versions/<int:pk>/validate/",
        views_edit.sop_version_validate,
        name="sop_version_validate",
    ),
    path("trainings/new/", views_edit.training_create, name="training_create"),
    path("trainings/<int:pk>/participants/", views_edit.participant_add, name="participant_add"),
    path("installations/new/", views_edit.installation_save, name="installation_create"),
    path("installations/<int:pk>/edit/", views_edit.installation_save, name="installation_edit"),
    path("installations/<int:pk>/works/", views_edit.works_add, name="works_add"),
    path(
        "activities/<str:code>/transactions/",
        views_edit.transaction_add,
        name="transaction_add",
    ),
    path("lists/", views_edit.term_list, name="term_list"),
    path("evaluation/narrative/", views_edit.narrative_save, name="narrative_save"),
]
