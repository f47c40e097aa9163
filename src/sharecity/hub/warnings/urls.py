from django.urls import re_path

from sharecity.hub.warnings import views

app_name = "hub_warnings"
# Ids of at most 18 digits: anything longer is no warning's (and would overflow a database integer).
_ID = r"(?P<warning_id>[0-9]{1,18})"
urlpatterns = [
    re_path(r"^$", views.warning_list, name="list"),
    re_path(rf"^{_ID}/$", views.warning_detail, name="detail"),
    re_path(rf"^{_ID}/assign/$", views.warning_assign, name="assign"),
    re_path(rf"^{_ID}/handle/$", views.warning_handle, name="handle"),
    re_path(rf"^{_ID}/close/$", views.warning_close, name="close"),
    re_path(rf"^{_ID}/case/$", views.warning_case, name="case"),
]
