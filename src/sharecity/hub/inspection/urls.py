from django.urls import path

from sharecity.hub.inspection import views

app_name = "hub_inspection"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/pointers/", views.plan_point, name="plan_point"),
    path("plans/<int:plan_id>/pointers/warnings/", views.plan_point_warnings, name="plan_point_warnings"),
    path("plans/<int:plan_id>/commit/", views.plan_commit, name="plan_commit"),
    path("plans/<int:plan_id>/draw/", views.plan_draw, name="plan_draw"),
    path("plans/<int:plan_id>/reveal/", views.plan_reveal, name="plan_reveal"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/publish/", views.task_publish, name="task_publish"),
    path("inspectors/", views.inspectors, name="inspectors"),
]
