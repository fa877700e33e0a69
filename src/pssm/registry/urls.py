from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("weapons/", views.weapon_list, name="weapon_list"),
    path("weapons/<int:pk>/", views.weapon_detail, name="weapon_detail"),
    path("weapons/<int:pk>/photos/<int:photo_id>/", views.weapon_photo, name="weapon_photo"),
    path("persons/", views.person_list, name="person_list"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("overdue/", views.overdue_list, name="overdue_list"),
]
