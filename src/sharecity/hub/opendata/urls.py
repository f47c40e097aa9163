from django.urls import path

from sharecity.hub.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("dataset/<slug:name>/", views.dataset, name="dataset"),
    path("api/3/action/<str:name>", views.action, name="action"),
    # CKAN answers without the version too (ckanapi calls /api/action/).
    path("api/action/<str:name>", views.action, name="action_unversioned"),
    path("dataset/<slug:name>/download/<str:filename>", views.download, name="download"),
]
