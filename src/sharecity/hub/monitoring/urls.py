from django.urls import path

from sharecity.hub.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures/", views.figures, name="figures"),
]
