"""Site-wide pages: home, login and logout. Thin: they read through selectors only."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from sharecity.market.platforms.selectors import platform_list
from sharecity.web.forms import ShareCityAuthenticationForm


def home(request):
    return render(request, "web/home.html", {"platforms": platform_list()})


class ShareCityLoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True
    authentication_form = ShareCityAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.retry_after is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response


class ShareCityLogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]
