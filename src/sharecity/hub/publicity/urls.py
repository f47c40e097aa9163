from django.urls import path

from sharecity.hub.publicity import views

app_name = "publicity"
urlpatterns = [
    path("", views.penalty_list, name="penalties"),
    path("penalties/new/", views.penalty_new, name="penalty_new"),
    path("penalties/<uuid:public_id>/", views.penalty_detail, name="penalty"),
    path("lists/", views.list_index, name="lists"),
    path("lists/new/", views.list_new, name="list_new"),
    path("lists/<uuid:public_id>/", views.list_entry, name="list_entry"),
    path("repairs/", views.repair_queue, name="repairs"),
    path("repairs/<str:tracking_code>/", views.repair_detail, name="repair"),
]
