from django.urls import path

from . import transport, views

app_name = "sync"

urlpatterns = [
    path("", views.sync_status, name="status"),
    path("export/", views.sync_export, name="export"),
    path("import/", views.sync_import, name="import"),
    path("transfer/", views.sync_transfer, name="transfer"),
    path("countersign/", views.sync_countersign, name="countersign"),
    path("revoke/", views.sync_revoke, name="revoke"),
    path("regional/", views.regional_figures, name="regional"),
    path("api/bundles/<str:bundle_id>/", transport.upload, name="api_upload"),
    path("api/bundles/<str:bundle_id>/complete/", transport.complete, name="api_complete"),
    path("api/bundles/<str:bundle_id>/ack/", transport.ack, name="api_ack"),
    path("forks/<int:pk>/resolve/", views.sync_fork_resolve, name="fork_resolve"),
]
