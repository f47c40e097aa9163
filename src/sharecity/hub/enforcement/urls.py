from django.urls import path

from sharecity.hub.enforcement import views

app_name = "hub_enforcement"
urlpatterns = [
    path("", views.case_list, name="cases"),
    path("new/", views.case_new, name="case_new"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/leniency/", views.leniency_add, name="leniency_add"),
    path("directives/late/", views.directives_late, name="late"),
    path("trace/", views.trace, name="trace"),
    path("<uuid:public_id>/", views.case_detail, name="case"),
    path("<uuid:public_id>/handover/", views.case_hand_over, name="handover"),
    path("<uuid:public_id>/decision/", views.case_decide, name="decide"),
    path("<uuid:public_id>/directives/", views.case_directive, name="directive"),
]
