from django.urls import path, re_path

from sharecity.hub.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures/", views.figures, name="figures"),
    # A platform id as the registry allows it (kernel.limits.PLATFORM_ID_PATTERN); a GB/T 2260 district code.
    re_path(r"^monitoring/platforms/(?P<platform_id>[A-Za-z0-9][A-Za-z0-9._:-]{0,63})/$", views.platform,
            name="platform"),
    re_path(r"^monitoring/districts/(?P<code>[0-9]{6})/$", views.district, name="district"),
]
