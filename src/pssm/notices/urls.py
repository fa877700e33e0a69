from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="notice_list"),
    path("<int:pk>/open/", views.notice_open, name="notice_open"),
    path("read/", views.notices_read_all, name="notices_read_all"),
]
