from django.urls import path

from sharecity.hub.identity import views

app_name = "identity"
urlpatterns = [
    path("", views.reviews, name="reviews"),
]
