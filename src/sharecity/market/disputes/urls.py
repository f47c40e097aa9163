from django.urls import path

from sharecity.market.disputes import views

app_name = "disputes"
urlpatterns = [
    path("<slug:slug>/orders/<uuid:order_id>/dispute/", views.open_dispute, name="open"),
    path("<slug:slug>/operator/disputes/", views.queue, name="queue"),
    path("<slug:slug>/operator/disputes/<uuid:dispute_id>/resolve/", views.resolve, name="resolve"),
]
