from django.urls import path

from sharecity.market.platforms import views

app_name = "market_platforms"
urlpatterns = [
    path("<slug:slug>/operator/licences/", views.licences_page, name="licences"),
    path("<slug:slug>/operator/licences/<int:licence_id>/remove/", views.licence_remove, name="licence_remove"),
]
