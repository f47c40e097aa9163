from django.urls import path

from sharecity.market.pricing import views

app_name = "pricing"
urlpatterns: list = [
    path("<slug:slug>/listings/<uuid:listing_id>/promotion/", views.promotion, name="promotion"),
]
