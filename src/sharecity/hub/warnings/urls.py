from django.urls import path

from sharecity.hub.warnings import views

app_name = "hub_warnings"
urlpatterns = [
    path("", views.warning_list, name="list"),
    path("<int:warning_id>/", views.warning_detail, name="detail"),
    path("<int:warning_id>/assign/", views.warning_assign, name="assign"),
    path("<int:warning_id>/handle/", views.warning_handle, name="handle"),
    path("<int:warning_id>/close/", views.warning_close, name="close"),
]
