from django.urls import path

from . import views

app_name = "tracing"
urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/answer.pdf", views.request_pdf, name="request_pdf"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/voucher/<int:voucher_pk>/", views.transfer_edit, name="transfer_edit"),
    path("transfers/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("lost-stolen/", views.lost_stolen, name="lost_stolen"),
]
