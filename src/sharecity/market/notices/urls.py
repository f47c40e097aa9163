from django.urls import path

from sharecity.market.notices import views

app_name = "notices"
urlpatterns = [
    path("<slug:slug>/notices/", views.notice_register, name="register"),
    path("<slug:slug>/notices/new", views.notice_new, name="new"),
    path("<slug:slug>/notices/track", views.notice_track, name="track"),
    path("<slug:slug>/notices/track/<uuid:notice_id>/", views.notice_holder, name="holder"),
    path("<slug:slug>/notices/evidence/<uuid:evidence_id>/", views.evidence, name="evidence"),
    path("<slug:slug>/my/notices/", views.provider_list, name="provider_list"),
    path("<slug:slug>/my/notices/<uuid:notice_id>/", views.provider_notice, name="provider_notice"),
    path("<slug:slug>/operator/notices/", views.console, name="console"),
    path("<slug:slug>/operator/notices/<uuid:notice_id>/", views.console_notice, name="console_notice"),
    path("<slug:slug>/operator/notices/<uuid:notice_id>/<slug:action>/", views.console_action, name="console_action"),
]
