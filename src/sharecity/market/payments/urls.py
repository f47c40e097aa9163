from django.urls import path

from sharecity.market.payments import views

app_name = "payments"
urlpatterns = [
    path("<slug:slug>/payouts/", views.payouts, name="payouts"),
    path("<slug:slug>/operator/commission/", views.commission, name="commission"),
    path("<slug:slug>/operator/commission/<int:rule_id>/", views.commission_edit, name="commission_edit"),
    path("<slug:slug>/operator/commission/<int:rule_id>/delete/", views.commission_delete, name="commission_delete"),
    path("<slug:slug>/operator/deposits/", views.deposits_overdue, name="deposits_overdue"),
]
