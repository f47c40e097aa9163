from django.urls import path

from sharecity.hub.gateway import views

app_name = "gateway"
urlpatterns = [
    path("", views.quarantine, name="quarantine"),
]
