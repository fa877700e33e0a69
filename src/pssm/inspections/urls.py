from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("compliance/", views.compliance, name="compliance"),
    path("new/", views.inspection_create, name="inspection_create"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/close/", views.inspection_close, name="inspection_close"),
    path("<int:pk>/report.pdf", views.inspection_pdf, name="inspection_pdf"),
    path("<int:pk>/photos/<int:photo_id>/", views.inspection_photo, name="inspection_photo"),
    path("<int:pk>/actions/", views.action_add, name="action_add"),
    path("<int:pk>/actions/<int:action_id>/close/", views.action_close, name="action_close"),
    path("security/<str:code>/", views.security_log, name="security_log"),
    path("counts/site/<str:code>/", views.count_list, name="count_list"),
    path("counts/<int:pk>/", views.count_detail, name="count_detail"),
    path("counts/<int:pk>/sheet.pdf", views.count_sheet, name="count_sheet"),
    path("labels/<str:code>/", views.weapon_labels, name="weapon_labels"),
]
