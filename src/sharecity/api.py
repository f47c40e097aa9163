"""The HTTP API under /api/v1/: one NinjaAPI, routers from each context, one error shape."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from sharecity.apiinput import TextCheckingNinjaAPI
from sharecity.hub.complaints.api import public_router as tpc_public_router
from sharecity.hub.complaints.api import router as hub_tpc_router
from sharecity.hub.credit.api import public_router as credit_public_router
from sharecity.hub.credit.api import router as hub_credit_router
from sharecity.hub.directory.api import public_router as directory_public_router
from sharecity.hub.enforcement.api import router as hub_enforcement_router
from sharecity.hub.evaluation.api import router as hub_evaluation_router
from sharecity.hub.facts.api import router as hub_facts_router
from sharecity.hub.gateway.api import router as gateway_router
from sharecity.hub.identity.api import router as hub_identity_router
from sharecity.hub.inspection.api import public_router as inspection_public_router
from sharecity.hub.inspection.api import router as hub_inspection_router
from sharecity.hub.monitoring.api import router as hub_monitoring_router
from sharecity.hub.monitoring.charts_api import router as hub_monitoring_charts_router
from sharecity.hub.notices.api import router as hub_notices_router
from sharecity.hub.opendata.api import public_router as opendata_public_router
from sharecity.hub.publicity.api import public_router as publicity_public_router
from sharecity.hub.publicity.api import router as hub_publicity_router
from sharecity.hub.quota.api import public_router as quota_public_router
from sharecity.hub.quota.api import router as hub_quota_router
from sharecity.hub.tax.api import router as hub_tax_router
from sharecity.hub.warnings.api import router as hub_warnings_router
from sharecity.kernel.errors import ShareCityError
from sharecity.kernel.ratelimit import RateLimited
from sharecity.market.api import router as market_router
from sharecity.market.catalog.api import router as catalog_router
from sharecity.market.notices.api import public_router as notices_public_router

api = TextCheckingNinjaAPI(
    title="ShareCity API",
    version="1",
    description="Market API for sharing platforms: platform API keys (X-API-Key) for machine clients, "
    "browser sessions with CSRF. Errors are {code, message, field}.",
    urls_namespace="api-v1",
)


def _error_handlers_install(target: TextCheckingNinjaAPI, *, not_authenticated: str, auth_field: str | None) -> None:
    """Every error leaves an API as {code, message, field}, whichever API it is."""

    @target.exception_handler(ShareCityError)
    def _sharecity_error(request: HttpRequest, error: ShareCityError):
        response = target.create_response(request, error.as_dict(), status=error.http_status)
        if isinstance(error, RateLimited):
            response["Retry-After"] = str(error.retry_after)
        return response

    @target.exception_handler(NinjaValidationError)
    def _validation_error(request: HttpRequest, error: NinjaValidationError):
        first = error.errors[0] if error.errors else {}
        location = [str(part) for part in first.get("loc", [])]
        if location and location[0] in ("body", "form"):
            # ("body", <the view's argument name>, field, ...): name the field the client sent, or
            # the body itself when it is missing or not an object.
            location = location[2:] or ["body"]
        elif location and location[0] in ("query", "path", "header", "cookie"):
            location = location[1:]
        field = ".".join(location) or None
        return target.create_response(
            request,
            {"code": "invalid", "message": first.get("msg", _("Invalid input.")), "field": field,
             "errors": error.errors},
            status=422,
        )

    @target.exception_handler(AuthenticationError)
    def _authentication_error(request: HttpRequest, error: AuthenticationError):
        return target.create_response(
            request, {"code": "not_authenticated", "message": _(not_authenticated), "field": auth_field}, status=401
        )

    @target.exception_handler(HttpError)
    def _http_error(request: HttpRequest, error: HttpError):
        if isinstance(error.__cause__, ShareCityError):  # raised while parsing the body (apiinput)
            return _sharecity_error(request, error.__cause__)
        if error.status_code == 403 and "csrf" in str(error).lower():
            body = {"code": "csrf_failed", "message": _("The CSRF token is missing or wrong: reload the page."),
                    "field": "csrfmiddlewaretoken"}
        else:
            body = {"code": "http_error", "message": str(error), "field": None}
        return target.create_response(request, body, status=error.status_code)


_error_handlers_install(api, not_authenticated=gettext_noop("Sign in, or send a platform API key in X-API-Key."),
                        auth_field=None)
api.add_router("/", market_router)
api.add_router("/", catalog_router)
api.add_router("/", hub_identity_router)
api.add_router("/", hub_facts_router)
api.add_router("/", hub_monitoring_router)
api.add_router("/", hub_credit_router)
api.add_router("/", credit_public_router)
api.add_router("/", hub_publicity_router)
api.add_router("/", publicity_public_router)
api.add_router("/", hub_evaluation_router)
api.add_router("/", hub_enforcement_router)
api.add_router("/", hub_monitoring_charts_router)
api.add_router("/", hub_warnings_router)
api.add_router("/", hub_inspection_router)
api.add_router("/", inspection_public_router)
api.add_router("/", directory_public_router)
api.add_router("/", opendata_public_router)
api.add_router("/", hub_tpc_router)
api.add_router("/", tpc_public_router)
api.add_router("/", notices_public_router)  # issue 15: rights holders' notices, no login
api.add_router("/", hub_notices_router)
api.add_router("/", hub_quota_router)
api.add_router("/", hub_tax_router)
api.add_router("/", quota_public_router)


# ---- the exchange's HTTPS push transport, for external platforms: /exchange/v1/ -----------------------------

exchange_api = TextCheckingNinjaAPI(
    title="ShareCity exchange (HTTPS push)",
    version="1",
    description="External platforms push signed batches (docs/exchange/) with their ingest key in X-Exchange-Key, "
    "and read their receipts, inclusion proofs and quarantined input. Errors are {code, message, field}.",
    urls_namespace="exchange-v1",
)


_error_handlers_install(
    exchange_api, not_authenticated=gettext_noop("Send the platform's ingest key in X-Exchange-Key."),
    auth_field="X-Exchange-Key",
)
exchange_api.add_router("/", gateway_router)
