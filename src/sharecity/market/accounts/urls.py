from django.urls import path

from sharecity.market.accounts import views

app_name = "accounts"
urlpatterns: list = [
    path("<slug:slug>/identity-rechecks/", views.identity_rechecks, name="identity_rechecks"),
]
