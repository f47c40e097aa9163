from django.urls import path

from sharecity.market.injury import views

app_name = "market_injury"
urlpatterns = [
    path("<slug:slug>/operator/injury/", views.overview, name="overview"),
    path("<slug:slug>/operator/injury/<int:year>/<int:month>/send/", views.report_send, name="send"),
]
