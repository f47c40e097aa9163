from django.urls import path

from sharecity.hub.credit import views

app_name = "hub_credit"
urlpatterns = [
    path("", views.file_list, name="list"),
    path("scorecard/", views.scorecard_edit, name="scorecard"),
    path("<int:subject_id>/", views.file_detail, name="detail"),
    path("<int:subject_id>/commitments/", views.commitment_add, name="commitment_add"),
    path("<int:subject_id>/honours/", views.honour_add, name="honour_add"),
    path("<int:subject_id>/commitments/<int:record_id>/fulfilment/", views.fulfilment_set, name="fulfilment"),
]
