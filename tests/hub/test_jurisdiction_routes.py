"""Every hub route, walked from Django's URL resolver, as an officer of one district, an officer of
another city, an anonymous visitor and a signed-in person who is no regulator.

Data lives in Xiamen-Siming (350203), Xiamen-Huli (350206) and Tianjin-Heping (120101)
(tests/hub/jurisdiction_world.py). No response is a server error; an officer's responses never
contain a marker of another jurisdiction's data (platform names and ids, directive ids, review ids);
a detail route answers 404 for another jurisdiction's object and 200 for the officer's own.

A route whose path starts with ``hub/`` or ``api/v1/hub`` must have an entry in ``ROUTE_PARAMS``,
saying how to fill its path parameters: routes added later (hub/facts, hub/credit, hub/publicity)
fail here until they register, and an entry whose route is gone fails too. The exchange's routes
for platforms are listed in ``EXCLUDED`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.hub.jurisdiction_world import Place, World, build_world

pytestmark = pytest.mark.django_db

HUB_PREFIXES = ("hub/", "api/v1/hub")


@dataclass(frozen=True)
class Route:
    """How to call one route. ``kwargs``: fixed path parameters (a type, a page name).
    ``object_kwargs``: the parameters that name one place's object; the route is then a detail
    route, called with each foreign place's object (404 expected) and the officer's own (200).
    ``public``: anyone may read it (an anonymous 200 is no fault; markers are still checked)."""

    kwargs: dict = field(default_factory=dict)
    object_kwargs: Callable[[Place], dict] | None = None
    public: bool = False


# Every hub route by name. A new route registers here; see the module's docstring.
ROUTE_PARAMS: dict[str, Route] = {
    "monitoring:dashboard": Route(),
    "monitoring:figures": Route(),
    "gateway:quarantine": Route(),
    "identity:reviews": Route(),
    "audit:log": Route(),
    "hub_directives:list": Route(),
    "hub_directives:new": Route(kwargs={"directive_type": "assistance.request"}),
    "hub_directives:detail": Route(object_kwargs=lambda place: {"message_id": place.directive.message_id}),
    "api-v1:identity_reviews": Route(),
}

# Routes of the exchange, for platforms: machine to machine, authenticated by the platform's ingest key
# and signed batches, never by a regulator's session. They answer a platform about its own input only
# (tests/hub/test_gateway.py); they are no regulator's route, so the jurisdiction does not apply.
EXCLUDED: dict[str, str] = {
    "exchange-v1:batch_push": "platforms push signed batches with their ingest key; no regulator reads it",
    "exchange-v1:keys": "the hub's public keys, the same for every platform and city",
    "exchange-v1:quarantine": "a platform's own quarantined input, by its ingest key",
    "exchange-v1:receipt": "a platform's own latest receipt, by its ingest key",
    "exchange-v1:proof": "an inclusion proof of the platform's own message, by its ingest key",
    "exchange-v1:status": "where the platform's own chain stands, by its ingest key",
    "exchange-v1:api-root": "the exchange API's root, for platforms",
    "exchange-v1:openapi-json": "the exchange API's published schema, no data",
    "exchange-v1:openapi-view": "the exchange API's documentation page, no data",
}
EXCLUDED_PREFIXES = ("exchange/",)


def walk(patterns, prefix: str = "", namespace: str | None = None):
    """(path, name) of every URL pattern, includes and django-ninja's routers followed."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name


def routes(prefixes: tuple[str, ...]) -> dict[str, str]:
    """name -> path of the routes under ``prefixes``; an unnamed route cannot be registered, so it fails."""
    found: dict[str, str] = {}
    for path, name in walk(get_resolver().url_patterns):
        if path.startswith(prefixes):
            assert name, f"the route {path} has no name: name it and register it in ROUTE_PARAMS"
            found[name] = path
    return found


def hub_routes() -> dict[str, str]:
    return routes(HUB_PREFIXES)


# ---- the table is complete and current ---------------------------------------------------------------------------

def test_every_hub_route_is_registered():
    missing = sorted(set(hub_routes()) - set(ROUTE_PARAMS))
    assert not missing, (f"hub routes without an entry in ROUTE_PARAMS (how to call them, which object is "
                         f"another jurisdiction's): {missing}")


def test_every_registered_route_still_exists():
    gone = sorted(set(ROUTE_PARAMS) - set(hub_routes()))
    assert not gone, f"ROUTE_PARAMS names routes that no longer exist: {gone}"


def test_every_exchange_route_is_excluded_with_a_reason_and_no_exclusion_is_stale():
    exchange = routes(EXCLUDED_PREFIXES)
    assert sorted(set(exchange) - set(EXCLUDED)) == [], "an exchange route is neither walked nor excluded"
    assert sorted(set(EXCLUDED) - set(exchange)) == [], "EXCLUDED names routes that no longer exist"
    assert all(reason.strip() for reason in EXCLUDED.values())
    assert not set(EXCLUDED) & set(ROUTE_PARAMS)


# ---- the walk -----------------------------------------------------------------------------------------------------

@pytest.fixture
def world() -> World:
    return build_world()


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "zh-hans"})
    if user is not None:
        client.force_login(user)
    return client


def calls(world: World, own: list[str]) -> list[tuple[str, str, str | None]]:
    """(route name, url, whose object or None) for every hub route: detail routes once per place."""
    made = []
    for name in sorted(hub_routes()):
        route = ROUTE_PARAMS[name]
        if route.object_kwargs is None:
            made.append((name, reverse(name, kwargs=route.kwargs or None), None))
            continue
        for key, place in world.places.items():
            made.append((name, reverse(name, kwargs={**route.kwargs, **route.object_kwargs(place)}), key))
    return made


def leaks(body: str, places: list[Place], *, url: str) -> list[str]:
    """Markers of ``places`` in ``body``. The page may echo the address it was asked for (the language
    switch returns to it, a 404 names it): that is the caller's own input, not data, so it is cut first."""
    body = body.replace(url, "")
    return [f"{place.key}: {marker}" for place in places for marker in place.markers if marker in body]


@pytest.mark.parametrize(("viewer", "own"), [
    ("siming_officer", ["siming"]),   # a district officer: not Huli (same city), not Heping (another city)
    ("tianjin_officer", ["heping"]),  # a city officer: not Xiamen's districts
])
def test_an_officer_sees_nothing_outside_their_jurisdiction_on_any_hub_route(world, viewer, own):
    client = client_for(getattr(world, viewer))
    foreign = world.foreign_to(own)
    failures = []
    for name, url, whose in calls(world, own):
        response = client.get(url)
        body = response.content.decode(errors="replace")
        if response.status_code >= 500:
            failures.append(f"{name} {url}: {response.status_code}")
            continue
        if whose is not None and whose not in own and response.status_code != 404:
            failures.append(f"{name} {url}: another jurisdiction's object answers {response.status_code}, not 404")
        if whose is not None and whose in own and response.status_code != 200:
            failures.append(f"{name} {url}: the officer's own object answers {response.status_code}, not 200")
        if whose is None and response.status_code != 200:
            failures.append(f"{name} {url}: an officer gets {response.status_code}")
        failures += [f"{name} {url} leaks {leak}" for leak in leaks(body, foreign, url=url)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("viewer", ["anonymous", "someone"])
def test_no_hub_route_answers_an_anonymous_visitor_or_a_non_regulator_with_data(world, viewer):
    client = client_for(None if viewer == "anonymous" else world.someone)
    everything = list(world.places.values())
    failures = []
    for name, url, _whose in calls(world, []):
        response = client.get(url)
        body = response.content.decode(errors="replace")
        if response.status_code >= 500:
            failures.append(f"{name} {url}: {response.status_code}")
            continue
        if not ROUTE_PARAMS[name].public and response.status_code < 300:
            failures.append(f"{name} {url}: {viewer} gets {response.status_code}")
        if not 200 <= response.status_code < 500:
            failures.append(f"{name} {url}: {response.status_code}")
        failures += [f"{name} {url} leaks {leak}" for leak in leaks(body, everything, url=url)]
    assert not failures, "\n".join(failures)


def test_the_walk_sees_each_officers_own_data(world):
    """The negative checks above mean something only if the same pages show the officer's own data."""
    siming = client_for(world.siming_officer)
    tianjin = client_for(world.tianjin_officer)
    for client, place in ((siming, world["siming"]), (tianjin, world["heping"])):
        assert place.name in client.get(reverse("monitoring:dashboard")).content.decode()
        assert str(place.directive.message_id) in client.get(reverse("hub_directives:list")).content.decode()
        assert place.review.review_id in client.get(reverse("identity:reviews")).content.decode()
        assert f"bad-input-{place.key}" in client.get(reverse("gateway:quarantine")).content.decode()
        assert str(place.directive.message_id) in client.get(reverse("audit:log")).content.decode()
        api = client.get(reverse("api-v1:identity_reviews")).json()
        assert [row["review_id"] for row in api] == [place.review.review_id]
