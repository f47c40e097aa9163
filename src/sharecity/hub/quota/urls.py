from django.urls import path

from sharecity.hub.quota import views

app_name = "hub_quota"
urlpatterns = [
    path("", views.index, name="index"),
    path("weights/", views.weights_add, name="weights_add"),
    path("evaluations/", views.evaluation_compute, name="evaluation_compute"),
    path("runs/", views.run_create, name="run_create"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/publish/", views.run_publish, name="run_publish"),
]
