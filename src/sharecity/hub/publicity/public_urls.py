"""The public credit-repair window: /credit/repair/ (no login)."""

from django.urls import path

from sharecity.hub.publicity import views

app_name = "credit_repair"
urlpatterns = [
    path("", views.window_apply, name="apply"),
    path("follow/", views.window_follow, name="follow"),
    path("notice/<uuid:public_id>/", views.notice_public, name="notice"),
]
