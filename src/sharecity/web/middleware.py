"""Requests nobody vouches for are rate-limited per client address; a ``RateLimited`` error becomes 429."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from sharecity.kernel.ratelimit import RateLimited, client_address, ratelimit_check, ratelimit_hit

PUBLIC_SCOPE = "public"
# Credentials a machine client may send instead of a session; the API checks them, not this middleware.
KEY_HEADERS = ("X-API-Key", "X-Exchange-Key", "Authorization")


def rate_limited_response(request: HttpRequest, error: RateLimited) -> HttpResponse:
    """429 with Retry-After: a page for browsers, ``{code, message, field}`` for everyone else."""
    response: HttpResponse
    if "text/html" in request.headers.get("Accept", ""):
        response = TemplateResponse(request, "web/rate_limited.html",
                                    {"message": error.message, "retry_after": error.retry_after}, status=429)
        response.render()
    else:
        response = JsonResponse(error.as_dict(), status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


class RateLimitMiddleware:
    """The ``public`` limit (``SHARECITY_RATE_PUBLIC``): every request without a signed-in user takes one
    unit from its client address, except one carrying an API or exchange key, which is only refused while
    the address's allowance is spent and takes a unit when its key turns out wrong (401). A platform with a
    valid key, and any signed-in person, never touches this allowance."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        anonymous = not request.user.is_authenticated
        keyed = any(header in request.headers for header in KEY_HEADERS)
        if anonymous:
            address = client_address(request)
            try:
                if keyed:
                    ratelimit_check(scope=PUBLIC_SCOPE, key=address)
                else:
                    ratelimit_hit(scope=PUBLIC_SCOPE, key=address)
            except RateLimited as error:
                return rate_limited_response(request, error)
        response = self.get_response(request)
        if anonymous and keyed and response.status_code == 401:
            try:
                ratelimit_hit(scope=PUBLIC_SCOPE, key=address)
            except RateLimited:
                pass  # already spent: the next request with this address is refused
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return rate_limited_response(request, exception)
        return None
