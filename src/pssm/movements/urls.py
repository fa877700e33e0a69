from django.urls import path

from . import transit_views, views

app_name = "movements"
urlpatterns = [
    path("vouchers/", views.voucher_list, name="voucher_list"),
    path("vouchers/new/", views.voucher_create, name="voucher_create"),
    path("vouchers/<int:pk>/", views.voucher_detail, name="voucher_detail"),
    path("vouchers/<int:pk>/pdf/", views.voucher_pdf, name="voucher_pdf"),
    path("vouchers/<int:pk>/lines/", views.voucher_line_add, name="voucher_line_add"),
    path("vouchers/<int:pk>/lots/", views.voucher_lot_line_add, name="voucher_lot_line_add"),
    path(
        "vouchers/<int:pk>/lines/<int:line_id>/remove/",
        views.voucher_line_remove,
        name="voucher_line_remove",
    ),
    path("vouchers/<int:pk>/submit/", views.voucher_submit, name="voucher_submit"),
    path("vouchers/<int:pk>/approve/", views.voucher_approve, name="voucher_approve"),
    path("vouchers/<int:pk>/cancel/", views.voucher_cancel, name="voucher_cancel"),
    path("vouchers/<int:pk>/send-back/", views.voucher_send_back, name="voucher_send_back"),
    path("vouchers/<int:pk>/reverse/", views.voucher_reverse, name="voucher_reverse"),
    path("destructions/", views.destruction_list, name="destruction_list"),
    path("destructions/<int:pk>/", views.destruction_detail, name="destruction_detail"),
    path(
        "destructions/<int:pk>/certificate/",
        views.destruction_certificate,
        name="destruction_certificate",
    ),
    path(
        "destructions/<int:pk>/photos/<int:photo_id>/",
        views.destruction_photo,
        name="destruction_photo",
    ),
    path("in-transit/", transit_views.in_transit, name="in_transit"),
    path("persons/options/", transit_views.person_options, name="person_options"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/pdf/", transit_views.case_pdf, name="case_pdf"),
]
