from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password_change"),
    path("language/", views.language, name="language"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<str:username>/", views.user_detail, name="user_detail"),
    path("users/<str:username>/grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("tokens/<str:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path(
        "users/<str:username>/tokens/<str:token_id>/revoke/",
        views.user_token_revoke,
        name="user_token_revoke",
    ),
    path("users/<str:username>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<str:username>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<str:username>/unlock/", views.user_unlock, name="user_unlock"),
    path(
        "users/<str:username>/temporary-password/",
        views.user_temporary_password,
        name="user_temporary_password",
    ),
    path(
        "users/<str:username>/second-factor/reset/",
        views.user_second_factor_reset,
        name="user_second_factor_reset",
    ),
    path("second-factor/", views.second_factor_enrol, name="second_factor_enrol"),
    path("second-factor/verify/", views.second_factor_verify, name="second_factor_verify"),
    path(
        "countries/<str:code>/second-factor/",
        views.country_second_factor,
        name="country_second_factor",
    ),
]
