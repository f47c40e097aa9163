from django.urls import path

from sharecity.market.moderation import views

app_name = "moderation"
urlpatterns = [
    path("<slug:slug>/operator/moderation/", views.queue, name="queue"),
    path("<slug:slug>/operator/moderation/<uuid:case_id>/decide/", views.decide, name="decide"),
]
