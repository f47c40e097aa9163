from django.urls import path

from sharecity.hub.tax import views

app_name = "hub_tax"
urlpatterns = [
    path("", views.index, name="index"),
    path("injury/", views.injury_index, name="injury"),
]
