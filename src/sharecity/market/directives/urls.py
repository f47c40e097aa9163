from django.urls import path

from sharecity.market.directives import views

app_name = "market_directives"
urlpatterns = [
    path("<slug:slug>/operator/directives/", views.directive_list, name="list"),
    path("<slug:slug>/operator/directives/<uuid:message_id>/", views.directive_detail, name="detail"),
]
