from django.urls import path

from sharecity.market.parking import views

app_name = "parking"
urlpatterns = [
    path("<slug:slug>/", views.platform_home, name="platform"),
    path("<slug:slug>/spaces/new/", views.space_new, name="space_new"),
    path("<slug:slug>/spaces/<uuid:space_id>/", views.space_detail, name="space"),
    path("<slug:slug>/spaces/<uuid:space_id>/quote/", views.space_quote, name="space_quote"),
    path("<slug:slug>/spaces/<uuid:space_id>/book/", views.space_book, name="space_book"),
    path("<slug:slug>/bookings/", views.bookings, name="bookings"),
    path("<slug:slug>/bookings/<uuid:booking_id>/<slug:action>/", views.booking_action, name="booking_action"),
    path("<slug:slug>/verify/", views.verify, name="verify"),
    path("<slug:slug>/operator/", views.operator, name="operator"),
    path("<slug:slug>/operator/keys/", views.operator_key_issue, name="operator_key_issue"),
    path("<slug:slug>/operator/keys/<int:key_id>/revoke/", views.operator_key_revoke, name="operator_key_revoke"),
]
