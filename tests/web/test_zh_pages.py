"""Every page of the demo city, read in Chinese, shows nothing the catalogue left untranslated.

The walk signs in as each of the demo's people (and as nobody), opens every page without parameters,
every platform's pages, and then every link those pages offer, a few per URL pattern, so that the
parameters come from the demo's own objects. Each page's visible text goes through
``tests.web.visible_text.page_problems``; the test fails listing each page and each string found.
A pattern the walk never reached is named too, unless it only takes a form's post or sends a file."""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from tests.web.visible_text import Problem, page_problems

pytestmark = [pytest.mark.django_db]

PEOPLE = [None, "consumer", "provider", "operator", "maker", "host", "regulator", "regulator-siming"]
SKIPPED_PREFIXES = ("/admin/", "/api/", "/exchange/", "/i18n/", "/static/", "/media/", "/logout/", "/opendata/api/")
SKIPPED_SUFFIXES = (".xlsx", ".pdf", ".csv", ".json", ".zip", ".xml")
PER_PATTERN = 1  # addresses of one URL pattern opened per person and platform
# Patterns that answer only a form's post (their GET is 405 or a redirect) or send a file.
NOT_PAGES = {
    "set_language", "web:logout",
    "opendata:action", "opendata:action_unversioned", "opendata:download",
    "hub_evaluation:targets_export", "hub_evaluation:designations_export", "hub_evaluation:schemes_export",
    "hub_evaluation:runs_export", "hub_evaluation:run_export", "hub_evaluation:run_report",
    # Files to download: an invoice, a listing's photo, a tax report's forms, an annual income statement.
    "invoices:download", "listings:photo", "market_tax:file", "market_tax:statement_pdf", "market_tax:vat_file",
    "market_tax:vat_prepare",
    # Evidence files a complainant or rights holder uploaded.
    "complaints:evidence", "hub_complaints:evidence", "notices:evidence", "tpc_public:evidence",
    # Fragments htmx swaps into a page (a price, free slots), not pages of their own.
    "availability:slots", "orders:quote", "parking:space_quote",
}

# Pages the demo city holds no object for (its history starts empty: no warnings, no facts at the hub
# until the exchange runs); tests of their own apps render them.
# The walk names a pattern that is neither here nor reached, so a new page cannot slip past it.
NO_DEMO_OBJECT = {
    "availability:calendar", "directory:platform", "hub_complaints:detail", "hub_directives:detail",
    "hub_evaluation:run", "hub_evaluation:run_explanation", "hub_facts:detail", "hub_inspection:plan",
    "hub_inspection:task", "hub_notices:detail", "hub_quota:run", "hub_warnings:detail",
    "market_directives:detail", "monitoring:platform", "notices:console_notice", "notices:holder",
    "notices:provider_notice", "orders:task", "parking:space_book", "payments:commission_edit", "tpc_public:tracked",
}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        href = urldefrag(href)[0]
        parsed = urlparse(href)
        if parsed.scheme or parsed.netloc or not parsed.path.startswith("/"):
            continue
        found.append(href)
    return found


def _patterns(resolver=None, prefix: str = "", namespace: str = "") -> list[tuple[str, str, URLPattern]]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _patterns(entry, prefix + str(entry.pattern), inner)
        else:
            found.append((prefix + str(entry.pattern), f"{namespace}{entry.name or ''}", entry))
    return found


def _enum_values() -> frozenset[str]:
    """Every stored value of a model field's choices that is a lowercase word: shown raw, it is a bug."""
    values: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and value.isascii() and value.islower() and value.isalpha():
                    values.add(value)
    return frozenset(values)


def _start_addresses() -> list[str]:
    from sharecity.market.platforms.models import Platform

    slugs = list(Platform.objects.values_list("slug", flat=True))
    addresses = []
    for route, name, entry in _patterns():
        if name in NOT_PAGES or ("/" + route).startswith(SKIPPED_PREFIXES):
            continue
        keys = set(entry.pattern.regex.groupindex)
        if not keys:
            if "^" in route:
                route = route.replace("^", "").replace("$", "")
            addresses.append("/" + route)
        elif keys == {"slug"}:
            addresses += ["/" + route.replace("<slug:slug>", slug) for slug in slugs]
    return addresses


def _walk(client: Client, reached: set[str], enum_values: frozenset[str]) -> dict[str, list[Problem]]:
    problems: dict[str, list[Problem]] = {}
    opened: dict[tuple[str, str], int] = defaultdict(int)
    seen: set[str] = set()
    queue = _start_addresses()
    while queue:
        address = queue.pop(0)
        path = urlparse(address).path
        if address in seen or path.startswith(SKIPPED_PREFIXES) or path.endswith(SKIPPED_SUFFIXES):
            continue
        seen.add(address)
        try:
            match = resolve(path)
        except Resolver404:
            continue
        name = match.view_name
        budget = (name, match.kwargs.get("slug", ""))
        if name in NOT_PAGES or opened[budget] >= PER_PATTERN:
            continue
        response = client.get(address)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        opened[budget] += 1
        reached.add(name)
        html = response.content.decode()
        found = page_problems(html, enum_values=enum_values)
        if found:
            problems[address] = found
        queue += _links(html)
    return problems


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


PROBE_VALUES = {"kind": "complaints", "code": "350203", "platform_id": "ludao-parking", "name": "x",
                "directive_type": "x", "action": "x", "tracking_code": "x", "filename": "x.csv"}


def _answers_only_posts(client: Client, entry: URLPattern, slug: str) -> bool:
    """Whether the pattern's view refuses a GET outright (405), whatever its parameters: then it is a
    form's target, not a page. Parameters are made up, so a page answers 404 or 403 instead."""
    import uuid

    kwargs = {}
    converters = getattr(entry.pattern, "converters", {})
    for key in entry.pattern.regex.groupindex:
        kind = type(converters.get(key)).__name__
        kwargs[key] = (slug if key == "slug" else str(uuid.uuid4()) if kind == "UUIDConverter"
                       else PROBE_VALUES.get(key, "1") if kind in {"StringConverter", "SlugConverter", "NoneType"}
                       else "1")
    return client.get(_path(entry, kwargs)).status_code == 405


def _path(entry: URLPattern, kwargs: dict) -> str:
    for route, _name, candidate in _patterns():
        if candidate is entry:
            path = "/" + route.replace("^", "").replace("$", "")
            for key, value in kwargs.items():
                path = re.sub(rf"<(?:\w+:)?{key}>|\(\?P<{key}>[^)]*\)", value, path)
            return path
    raise LookupError(entry)


def test_the_demo_in_chinese_has_no_untranslated_or_raw_text(settings):
    from sharecity.sim.demo import demo_load

    # The walk is one visitor opening a few hundred pages; the public allowance would refuse the rest.
    settings.SHARECITY_RATE_LIMITS = {**settings.SHARECITY_RATE_LIMITS, "public": {"rate": "off"}}

    demo_load()
    enum_values = _enum_values()
    reached: set[str] = set()
    report: list[str] = []
    for username in PEOPLE:
        client = Client(headers={"accept-language": "zh-hans"})
        if username:
            client.force_login(_user(username))
        for address, found in _walk(client, reached, enum_values).items():
            report += [f"{username or 'anonymous'} {address} {problem}" for problem in found]
    pages = {route: name for route, name, _entry in _patterns() if not ("/" + route).startswith(SKIPPED_PREFIXES)}
    probe = Client(headers={"accept-language": "zh-hans"})
    probe.force_login(_user("operator"))
    entries = {name: entry for _route, name, entry in _patterns()}
    unreached = sorted(name for name in set(pages.values()) - reached - NOT_PAGES - NO_DEMO_OBJECT
                       if not _answers_only_posts(probe, entries[name], "ludao-share"))
    report += [f"never reached: {name}" for name in unreached]
    if report:
        pytest.fail("\n".join(report), pytrace=False)
