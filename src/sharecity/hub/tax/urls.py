from django.urls import path

from sharecity.hub.tax import views

app_name = "hub_tax"
urlpatterns = [
    path("", views.index, name="index"),
]
