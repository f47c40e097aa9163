from django.urls import path

from sharecity.hub.credit import views

app_name = "credit_public"
urlpatterns = [
    path("", views.public_lookup, name="lookup"),
]
