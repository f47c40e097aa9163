from django.urls import path

from sharecity.market.fleets import views

app_name = "market_fleets"
urlpatterns = [
    path("<slug:slug>/operator/fleets/", views.fleet_page, name="page"),
]
