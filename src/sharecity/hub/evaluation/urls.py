from django.urls import path

from sharecity.hub.evaluation import views

app_name = "hub_evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("targets.xlsx", views.targets_export, name="targets_export"),
    path("targets/new/", views.target_new, name="target_new"),
    path("designations/", views.designation_list, name="designations"),
    path("designations/<int:designation_id>/withdraw/", views.designation_withdraw, name="designation_withdraw"),
    path("designations.xlsx", views.designations_export, name="designations_export"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes.xlsx", views.schemes_export, name="schemes_export"),
    path("runs.xlsx", views.runs_export, name="runs_export"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/explanation/", views.run_explanation, name="run_explanation"),
    path("runs/<int:run_id>/export.xlsx", views.run_export, name="run_export"),
    path("runs/<int:run_id>/report.pdf", views.run_report, name="run_report"),
]
