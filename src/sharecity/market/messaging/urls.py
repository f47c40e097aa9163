from django.urls import path

from sharecity.market.messaging import views

app_name = "messaging"
urlpatterns = [
    path("<slug:slug>/orders/<uuid:order_id>/messages/", views.thread, name="thread"),
]
