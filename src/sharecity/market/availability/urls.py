from __future__ import annotations

from django.urls import path

from sharecity.market.availability import views

app_name = "availability"
_base = "<slug:slug>/listings/<uuid:listing_id>/"
urlpatterns = [
    path(_base + "calendar/", views.calendar, name="calendar"),
    path(_base + "calendar/plan/", views.plan_save, name="plan_save"),
    path(_base + "calendar/rules/", views.rule_add, name="rule_add"),
    path(_base + "calendar/rules/<int:rule_id>/delete/", views.rule_remove, name="rule_remove"),
    path(_base + "calendar/exceptions/", views.exception_add, name="exception_add"),
    path(_base + "calendar/exceptions/<int:exception_id>/delete/", views.exception_remove, name="exception_remove"),
    path(_base + "slots/", views.slots, name="slots"),
]
