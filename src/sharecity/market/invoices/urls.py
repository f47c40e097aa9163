from django.urls import path

from sharecity.market.invoices import views

app_name = "invoices"
urlpatterns = [
    path("<slug:slug>/orders/<uuid:order_id>/invoices/", views.order_invoices, name="order_invoices"),
    path("<slug:slug>/invoices/<uuid:invoice_id>/", views.invoice_page, name="invoice"),
    path("<slug:slug>/invoices/<uuid:invoice_id>/download.<str:fmt>", views.invoice_download, name="download"),
]
