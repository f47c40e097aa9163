from django.contrib import admin
from django.urls import include, path

from sharecity.api import api, exchange_api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("exchange/v1/", exchange_api.urls),
    path("hub/quarantine/", include("sharecity.hub.gateway.urls")),
    path("hub/directives/", include("sharecity.hub.directives.urls")),
    path("hub/identity/", include("sharecity.hub.identity.urls")),
    path("hub/audit/", include("sharecity.hub.audit.urls")),
    path("hub/facts/", include("sharecity.hub.facts.urls")),
    path("hub/credit/", include("sharecity.hub.credit.urls")),
    path("credit/", include("sharecity.hub.credit.public_urls")),
    path("hub/publicity/", include("sharecity.hub.publicity.urls")),
    path("hub/evaluation/", include("sharecity.hub.evaluation.urls")),
    path("hub/enforcement/", include("sharecity.hub.enforcement.urls")),
    path("hub/warnings/", include("sharecity.hub.warnings.urls")),
    path("hub/inspection/", include("sharecity.hub.inspection.urls")),
    path("inspection/", include("sharecity.hub.inspection.public_urls")),
    path("hub/quota/", include("sharecity.hub.quota.urls")),
    path("quota/", include("sharecity.hub.quota.public_urls")),
    path("credit/repair/", include("sharecity.hub.publicity.public_urls")),
    path("hub/", include("sharecity.hub.monitoring.urls")),
    path("p/", include("sharecity.market.parking.urls")),
    path("p/", include("sharecity.market.directives.urls")),
    path("p/", include("sharecity.market.catalog.urls")),
    # Before listings: its catch-all listing action pattern would take calendar/, slots/ and promotion/.
    path("p/", include("sharecity.market.availability.urls")),
    path("p/", include("sharecity.market.pricing.urls")),  # its listings/<id>/promotion/ too
    path("p/", include("sharecity.market.listings.urls")),
    path("p/", include("sharecity.market.moderation.urls")),
    path("p/", include("sharecity.market.payments.urls")),
    path("p/", include("sharecity.market.orders.urls")),
    path("p/", include("sharecity.market.disputes.urls")),
    path("p/", include("sharecity.market.reviews.urls")),
    path("p/", include("sharecity.market.complaints.urls")),
    path("p/", include("sharecity.market.messaging.urls")),
    path("p/", include("sharecity.market.fleets.urls")),
    path("", include("sharecity.web.urls")),
]
