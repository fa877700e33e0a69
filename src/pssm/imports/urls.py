from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("new/", views.upload, name="upload"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("<int:pk>/rejects/", views.job_rejects, name="job_rejects"),
    path("<int:pk>/import-now/", views.job_import_now, name="job_import_now"),
    path("<int:pk>/values/", views.job_values, name="job_values"),
]
