from django.urls import path

from sharecity.hub.complaints import views

app_name = "hub_complaints"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("odr/", views.odr, name="odr"),
    path("evidence/<uuid:evidence_id>/", views.evidence, name="evidence"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/<slug:action>/", views.action, name="action"),
]
