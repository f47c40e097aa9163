from django.urls import path

from sharecity.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.ShareCityLoginView.as_view(), name="login"),
    path("logout/", views.ShareCityLogoutView.as_view(), name="logout"),
]
