from django.urls import path

from sharecity.hub.complaints import views

app_name = "tpc_public"
urlpatterns = [
    path("", views.file_complaint, name="file"),
    path("track/", views.track, name="track"),
    path("track/withdraw/", views.withdraw, name="withdraw"),
    path("track/<str:code>/", views.tracked, name="tracked"),
    path("track/<str:code>/evidence/<uuid:evidence_id>/", views.complainant_evidence, name="evidence"),
    path("response-rates/", views.response_rates, name="rates"),
]
