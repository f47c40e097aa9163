from django.urls import path

from sharecity.hub.quota import views

app_name = "quota_public"
urlpatterns = [
    path("", views.public_table, name="table"),
]
