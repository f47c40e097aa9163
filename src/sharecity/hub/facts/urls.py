from django.urls import path, re_path

from sharecity.hub.facts import views

app_name = "hub_facts"
_KINDS = "listings|complaints|moderation|incidents|subjects"
urlpatterns = [
    path("", views.index, name="index"),
    re_path(rf"^(?P<kind>{_KINDS})/$", views.fact_list, name="list"),
    re_path(rf"^(?P<kind>{_KINDS})/(?P<fact_id>[0-9]{{1,19}})/$", views.fact_detail, name="detail"),
    re_path(r"^(?P<kind>complaints|incidents)/(?P<fact_id>[0-9]{1,19})/notes/$", views.note_add, name="note_add"),
]
