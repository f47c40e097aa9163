"""The public platform directory: /directory/ (no login)."""

from django.urls import path

from sharecity.hub.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.directory_list, name="list"),
    path("<str:platform_id>/", views.directory_platform, name="platform"),
]
