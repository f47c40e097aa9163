from django.urls import path

from sharecity.market.tax import views

app_name = "market_tax"
urlpatterns = [
    path("<slug:slug>/operator/tax/", views.report_list, name="list"),
    path("<slug:slug>/operator/tax/<int:year>/<int:quarter>/file/", views.report_file, name="file"),
    path("<slug:slug>/operator/tax/<int:year>/<int:quarter>/send/", views.report_send, name="send"),
    path("<slug:slug>/operator/tax/vat/prepare/", views.vat_prepare, name="vat_prepare"),
    path("<slug:slug>/operator/tax/vat/<str:month>/file/", views.vat_file, name="vat_file"),
    path("<slug:slug>/tax/statement/", views.statement_page, name="statement"),
    path("<slug:slug>/tax/statement/<int:year>.pdf", views.statement_pdf, name="statement_pdf"),
]
