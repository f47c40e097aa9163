"""The site's URLs, plus the reviews and complaints screens if the site does not mount them yet."""

from django.urls import include, path

from sharecity.urls import urlpatterns as site

_mounted = {getattr(pattern, "namespace", None) for pattern in site}
urlpatterns = [
    *[path("p/", include(f"sharecity.market.{app}.urls")) for app in ("reviews", "complaints")
      if app not in _mounted],
    *site,
]
