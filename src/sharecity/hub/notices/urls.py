from django.urls import path

from sharecity.hub.notices import views

app_name = "hub_notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:fact_id>/", views.notice_detail, name="detail"),
]
