from django.urls import path

from sharecity.hub.directives import views

app_name = "hub_directives"
urlpatterns = [
    path("", views.directive_list, name="list"),
    path("new/<str:directive_type>/", views.directive_new, name="new"),
    path("<uuid:message_id>/", views.directive_detail, name="detail"),
]
