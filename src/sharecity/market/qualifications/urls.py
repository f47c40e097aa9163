from django.urls import path

from sharecity.market.qualifications import views

app_name = "qualifications"
urlpatterns: list = [
    path("<slug:slug>/qualifications/", views.owner_page, name="owner"),
]
