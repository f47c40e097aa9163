from django.urls import path

from sharecity.hub.inspection import views

app_name = "inspection_public"
urlpatterns = [
    path("results/", views.public_results, name="results"),
]
