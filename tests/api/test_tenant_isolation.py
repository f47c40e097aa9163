"""One platform's API key never reads or changes another platform's data.

The walk enumerates the routes from the API object itself, so a route added later is
walked too: if the walk does not know how to call it, the test fails and says so.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client

from sharecity.api import api
from sharecity.kernel.models import AuditEvent, OutboxMessage
from sharecity.market.accounts.models import ProviderProfile
from sharecity.market.complaints.models import Complaint
from sharecity.market.complaints.services import complaint_file
from sharecity.market.parking.models import AvailabilityWindow, Booking, ParkingSpace
from sharecity.market.parking.services import booking_complete, booking_create
from sharecity.market.platforms.models import ApiKey, JoinedVia, Platform
from sharecity.market.platforms.selectors import is_member
from sharecity.market.platforms.services import api_key_issue, api_key_revoke, platform_join
from sharecity.market.reviews.models import Review
from sharecity.market.reviews.services import review_create
from tests import factories
from tests.api.walk import walk_modules

PREFIX = "/api/v1"


def _router_routes(router, prefix: str = "") -> set[tuple[str, str]]:
    routes = set()
    for path, path_view in router.path_operations.items():
        full = "/" + "/".join(part for part in (prefix + path).split("/") if part)
        for operation in path_view.operations:
            routes.update((method.upper(), full) for method in operation.methods)
    for child_prefix, child, *_ in getattr(router, "_routers", []):
        routes |= _router_routes(child, prefix + "/" + child_prefix)
    return routes


def all_routes() -> set[tuple[str, str]]:
    """Every (method, path) the API serves, from its routers (paths relative to /api/v1)."""
    routes: set[tuple[str, str]] = set()
    for prefix, router, *_ in api._routers:
        routes |= _router_routes(router, prefix)
    return routes


def api_routes() -> set[tuple[str, str]]:
    """The platforms' routes: every route under /p/{platform}/."""
    return {route for route in all_routes() if route[1].startswith("/p/{platform}/")}


def openapi_routes(client: Client) -> set[tuple[str, str]]:
    document = client.get(f"{PREFIX}/openapi.json").json()
    return {
        (method.upper(), path.removeprefix(PREFIX))
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


class Tenant:
    """A platform with a provider, a space, a completed booking, both reviews and a complaint."""

    def __init__(self, name: str) -> None:
        self.platform = factories.make_platform(slug=f"tenant-{name}")
        self.key = factories.api_key(self.platform)
        self.provider = factories.make_provider(self.platform)
        self.customer = factories.make_user(platform=self.platform)
        self.space = factories.make_space(self.platform, self.provider)
        start = factories.current_slot()
        self.booking = booking_create(actor=self.customer, platform=self.platform, space_id=self.space.public_id,
                                      customer=self.customer, starts_at=start, ends_at=start + dt.timedelta(hours=1))
        booking_complete(actor=self.customer, booking=self.booking)
        self.review = review_create(actor=self.customer, booking=self.booking, rating=4, comment="不错")
        self.provider_review = review_create(actor=self.provider, booking=self.booking, rating=5)
        self.complaint = complaint_file(actor=self.customer, booking=self.booking, category="access",
                                        description="道闸没有打开，等了二十分钟", remedy="refund")
        for module in walk_modules():
            if hasattr(module, "prepare"):
                module.prepare(self)

    def public_ids(self) -> list[str]:
        ids = [str(obj.public_id) for obj in (self.space, self.booking, self.review, self.provider_review,
                                               self.complaint)]
        for module in walk_modules():
            if hasattr(module, "OBJECT_IDS"):
                ids += [str(public_id) for public_id in module.OBJECT_IDS(self)]
        return ids

    def snapshot(self) -> dict[str, list[dict]]:
        """Every row that belongs to this platform, in full."""
        p = self.platform
        extra: dict[str, list[dict]] = {}
        for module in walk_modules():
            if hasattr(module, "SNAPSHOT"):
                extra.update(module.SNAPSHOT(p))
        return extra | {
            "platform": list(Platform.objects.filter(pk=p.pk).values()),
            "api_keys": list(ApiKey.objects.filter(platform=p).order_by("pk").values()),
            "spaces": list(ParkingSpace.objects.filter(platform=p).order_by("pk").values()),
            "windows": list(AvailabilityWindow.objects.filter(space__platform=p).order_by("pk").values()),
            "bookings": list(Booking.objects.filter(platform=p).order_by("pk").values()),
            "reviews": list(Review.objects.filter(platform=p).order_by("pk").values()),
            "complaints": list(Complaint.objects.filter(platform=p).order_by("pk").values()),
            "outbox": list(OutboxMessage.objects.filter(platform_id=p.exchange_id).order_by("pk").values()),
            "audit": list(AuditEvent.objects.filter(platform_id=p.exchange_id).order_by("pk").values()),
        }


def _future_slot() -> tuple[str, str]:
    start = factories.next_slot(48)
    return start.isoformat(), (start + dt.timedelta(hours=2)).isoformat()


def request_for(method: str, path: str, target: Tenant, *, slug: str) -> tuple[str, dict | None, dict]:
    """URL, JSON body and query for one route, aimed at ``target``'s objects under ``slug``.

    A route this does not know makes the test fail: teach it how to call the new route.
    """
    start, end = _future_slot()
    params = set(re.findall(r"{(\w+)}", path))
    object_params = {"space_id": lambda t: t.space.public_id, "booking_id": lambda t: t.booking.public_id}
    for module in walk_modules():
        object_params.update(getattr(module, "OBJECT_PARAMS", {}))
    unknown = params - {"platform", *object_params}
    assert not unknown, f"the tenant walk does not know the path parameters {unknown} of {method} {path}"
    url = PREFIX + path.format(platform=slug, **{name: make(target) for name, make in object_params.items()})
    bodies = {
        ("POST", "/p/{platform}/spaces"): {
            "title": "越权车位", "district": "350203", "address": "厦门市思明区越权路1号", "vehicle_size": "standard",
            "price_per_hour_fen": 500, "windows": [{"weekday": d, "start": "00:00", "end": "00:00"} for d in range(7)],
        },
        ("POST", "/p/{platform}/bookings"): {"space_id": str(target.space.public_id), "start": start, "end": end},
        ("POST", "/p/{platform}/bookings/{booking_id}/complete"): None,
        ("POST", "/p/{platform}/bookings/{booking_id}/cancel"): None,
        ("POST", "/p/{platform}/bookings/{booking_id}/reviews"): {"rating": 1, "comment": "越权评价"},
        ("POST", "/p/{platform}/bookings/{booking_id}/complaints"): {
            "category": "other", "description": "越权投诉的内容", "remedy": "apology"},
        ("POST", "/p/{platform}/verification"): {
            "kind": "person", "legal_name": "越权人", "id_number": factories.resident_id()},
    }
    queries = {
        ("GET", "/p/{platform}/spaces"): {"district": "350203", "start": start, "end": end},
        ("GET", "/p/{platform}/spaces/{space_id}/quote"): {"start": start, "end": end},
    }
    for module in walk_modules():
        bodies.update({route: make(target) for route, make in getattr(module, "BODIES", {}).items()})
        queries.update({route: make(target) for route, make in getattr(module, "QUERIES", {}).items()})
    if method != "GET":
        assert (method, path) in bodies, f"the tenant walk has no request body for the new route {method} {path}"
    return url, bodies.get((method, path)), queries.get((method, path), {})


def call(client: Client, method: str, url: str, body, query, headers):
    if method == "GET":
        return client.get(url, query, headers=headers)
    payload = json.dumps(body) if body is not None else ""
    return client.generic(method, url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""),
                          payload, content_type="application/json", headers=headers)


@pytest.fixture
def tenants():
    return Tenant("a"), Tenant("b")


# Routes outside /p/{platform}/ with a tenancy test of their own (named where each prefix is justified below).
PUBLIC_PREFIXES = (
    "/p/{platform}/",
    "/hub/",
    "/public/credit",
    "/inspection/",
    "/catalog/",
    "/public/platforms",
    "/opendata/",
    "/complaints",
    "/public/notices/",
    "/public/quota",
)


@pytest.mark.django_db
def test_the_walk_covers_every_route_of_the_api(client):
    routes = all_routes()
    assert len(routes) >= 14
    assert routes == openapi_routes(client), "the OpenAPI document and the routers disagree"
    # The hub's routes are for regulator staff, not platforms: tests/hub/test_jurisdiction_routes.py walks
    # every one of them by jurisdiction (and fails for one it does not know). The public credit lookup
    # (tests/hub/test_credit_api.py) and the credit-repair window (tests/hub/test_publicity_hostile.py) take
    # no login and show no platform's data but public records, personal keys masked; so do the published
    # inspection plans and results (双随机一公开, tests/hub/test_inspection_api.py: unpublished ones are 404).
    # The catalogue (tests/market/catalog/test_api.py) is the city's public category tree and each platform's
    # published transaction rules and listings: no person's data. The public platform directory shows every
    # platform's public registration data and public credit records by design (tests/hub/test_directory.py:
    # non-public records are not shown). The open data portal is public and holds no platform's private data
    # (tests/hub/test_opendata_*.py). The third-party complaint platform's public routes (/complaints...)
    # answer a complaint only to its code and secret and show no platform's data but response rates
    # (tests/hub/test_tpc_hostile.py). Rights holders file and follow notices without an account; the
    # tracking secret opens one notice (tests/market/notices/test_api.py). The quota tables are the city's
    # published allocations (tests/hub/test_quota_api.py).
    outside = {route for route in routes if not route[1].startswith(PUBLIC_PREFIXES)}
    assert not outside, f"routes outside /p/{{platform}}/ need their own tenancy test: {outside}"


@pytest.mark.django_db
def test_a_key_of_platform_a_is_refused_on_every_route_of_platform_b(tenants):
    a, b = tenants
    client = Client()
    headers = {"X-API-Key": a.key, "X-Acting-User": str(b.customer.public_id)}
    before = b.snapshot()
    walked = set()
    for method, path in sorted(api_routes()):
        url, body, query = request_for(method, path, b, slug=b.platform.slug)
        response = call(client, method, url, body, query, headers)
        walked.add((method, path))
        assert response.status_code == 403, (method, path, response.status_code, response.content)
        assert response.json()["code"] == "platform.forbidden", (method, path, response.json())
        assert response.json()["field"] == "platform"
        for public_id in b.public_ids():
            assert public_id not in response.content.decode(), (method, path)
    assert walked == api_routes()
    assert b.snapshot() == before


@pytest.mark.django_db
def test_a_key_of_platform_a_cannot_reach_platform_b_objects_through_its_own_slug(tenants):
    a, b = tenants
    # B's customer uses A too, so A's key may act for them: still none of B's objects opens.
    platform_join(platform=a.platform, user=b.customer, via=JoinedVia.SESSION)
    client = Client()
    headers = {"X-API-Key": a.key, "X-Acting-User": str(b.customer.public_id)}
    not_found_codes = {"parking.space_not_found", "parking.booking_not_found"}
    for module in walk_modules():
        not_found_codes |= set(getattr(module, "NOT_FOUND_CODES", ()))
    before = b.snapshot()
    walked = set()
    for method, path in sorted(api_routes()):
        url, body, query = request_for(method, path, b, slug=a.platform.slug)
        response = call(client, method, url, body, query, headers)
        walked.add((method, path))
        names_b_object = bool(set(re.findall(r"{(\w+)}", path)) - {"platform"}) or (
            body is not None and any(public_id in json.dumps(body) for public_id in b.public_ids()))
        if names_b_object:
            assert response.status_code == 404, (method, path, response.status_code, response.content)
            assert response.json()["code"] in not_found_codes, (method, path, response.json())
        else:
            assert response.status_code < 500, (method, path, response.content)
        for public_id in b.public_ids():
            assert public_id not in response.content.decode(), (method, path, response.content)
    assert walked == api_routes()
    assert b.snapshot() == before


@pytest.mark.django_db
def test_a_key_cannot_act_for_a_person_who_never_joined_its_platform(tenants):
    """The forged acting user: A's key names B's customer (or B's provider, whose identity is
    verified) on A's own routes. Every route refuses before doing anything, with the same
    answer as for an account that does not exist, so a key cannot probe other platforms'
    people; nothing of A or B changes."""
    a, b = tenants
    client = Client()
    def state():  # A's key records when it was last used; nothing else may change
        return {k: v for k, v in a.snapshot().items() if k != "api_keys"}, b.snapshot()

    before = state()
    profile_before = ProviderProfile.objects.filter(user=b.provider).values().get()
    walked = set()
    for person in (b.customer, b.provider):
        for method, path in sorted(api_routes()):
            url, body, query = request_for(method, path, a, slug=a.platform.slug)
            response = call(client, method, url, body, query,
                            {"X-API-Key": a.key, "X-Acting-User": str(person.public_id)})
            walked.add((method, path))
            assert response.status_code == 404, (method, path, response.status_code, response.content)
            assert response.json()["code"] == "acting_user.unknown", (method, path, response.json())
            assert response.json()["field"] == "X-Acting-User"
    assert walked == api_routes()
    assert state() == before
    assert ProviderProfile.objects.filter(user=b.provider).values().get() == profile_before


@pytest.mark.django_db
@pytest.mark.parametrize("acting", ["unknown", "inactive", "other-platform"])
def test_unknown_inactive_and_foreign_people_get_one_answer(tenants, acting):
    a, b = tenants
    person = {"unknown": None, "inactive": a.customer, "other-platform": b.customer}[acting]
    if acting == "inactive":
        person.is_active = False
        person.save(update_fields=["is_active"])
    public_id = str(person.public_id) if person is not None else "6f1c1e0a-2b8e-4c41-9c9a-3d3f7b3f0a11"
    response = Client().get(f"{PREFIX}/p/{a.platform.slug}/bookings",
                            headers={"X-API-Key": a.key, "X-Acting-User": public_id})
    assert response.status_code == 404, response.content
    assert response.json() == {"code": "acting_user.unknown", "field": "X-Acting-User",
                               "message": response.json()["message"]}
    assert public_id not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["nobody", "' OR 1=1 --", "6f1c1e0a-2b8e-4c41-9c9a", "0" * 200])
def test_a_malformed_acting_user_names_the_header(tenants, value):
    a, _b = tenants
    response = Client().get(f"{PREFIX}/p/{a.platform.slug}/bookings",
                            headers={"X-API-Key": a.key, "X-Acting-User": value})
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "acting_user.invalid"
    assert response.json()["field"] == "X-Acting-User"


@pytest.mark.django_db
def test_using_a_platform_signed_in_is_what_lets_its_key_act_for_you(tenants):
    a, b = tenants
    headers = {"X-API-Key": a.key, "X-Acting-User": str(b.customer.public_id)}
    assert Client().get(f"{PREFIX}/p/{a.platform.slug}/bookings", headers=headers).status_code == 404
    browser = Client()
    browser.force_login(b.customer)
    assert browser.get(f"{PREFIX}/p/{a.platform.slug}/bookings").status_code == 200
    assert Client().get(f"{PREFIX}/p/{a.platform.slug}/bookings", headers=headers).status_code == 200
    # The same through the platform's pages.
    other = factories.make_user()
    page = Client()
    page.force_login(other)
    page.get(f"/p/{a.platform.slug}/")
    headers["X-Acting-User"] = str(other.public_id)
    assert Client().get(f"{PREFIX}/p/{a.platform.slug}/bookings", headers=headers).status_code == 200
    assert not is_member(platform=b.platform, user=other)


@pytest.mark.django_db
def test_without_credentials_every_route_answers_401(tenants):
    a, _b = tenants
    client = Client()
    before = a.snapshot()
    for method, path in sorted(api_routes()):
        url, body, query = request_for(method, path, a, slug=a.platform.slug)
        response = call(client, method, url, body, query, {"X-Acting-User": str(a.customer.public_id)})
        assert response.status_code == 401, (method, path, response.status_code, response.content)
        assert response.json()["code"] == "not_authenticated"
    assert a.snapshot() == before


@pytest.mark.django_db
def test_a_revoked_key_opens_nothing(tenants):
    a, _b = tenants
    key, raw = api_key_issue(actor=None, platform=a.platform, label="to revoke")
    client = Client()
    url = f"{PREFIX}/p/{a.platform.slug}/bookings"
    assert client.get(url, headers={"X-API-Key": raw}).status_code == 200
    api_key_revoke(actor=None, key=key)
    before = a.snapshot()
    for method, path in sorted(api_routes()):
        url, body, query = request_for(method, path, a, slug=a.platform.slug)
        response = call(client, method, url, body, query,
                        {"X-API-Key": raw, "X-Acting-User": str(a.customer.public_id)})
        assert response.status_code == 401, (method, path, response.status_code, response.content)
    assert a.snapshot() == before
