"""Hostile values in every field of every route never give a server error.

Each route's realistic request (from the tenant walk, so a new route is covered) is sent with
one field at a time replaced: oversize text (beyond the column, beyond 64 KiB), numbers for
text, null, lists and objects, emoji and characters beyond the BMP, bidi overrides, zero-width
and combining characters, SQL and HTML, integers beyond 32 and 64 bits, negative, fractional
and quoted numbers, and 400-digit query values; for a customer and for the provider. Every
answer is a 2xx or a 4xx.
"""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from tests.api.test_tenant_isolation import Tenant, api_routes, call, request_for

pytestmark = pytest.mark.django_db


def leaves(data, path=()):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from leaves(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from leaves(v, (*path, i))
    else:
        yield path, data


def replaced(data, path, value):
    data = copy.deepcopy(data)
    target = data
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value
    return data


def test_no_hostile_value_gives_a_server_error():
    t = Tenant("hostile")
    client = Client(raise_request_exception=False)
    results = {}
    for method, path in sorted(api_routes()):
        for person in (t.customer, t.provider):
            headers = {"X-API-Key": t.key, "X-Acting-User": str(person.public_id)}
            url, body, query = request_for(method, path, t, slug=t.platform.slug)
            variants = []
            if body:
                for leaf, value in leaves(body):
                    if isinstance(value, str):
                        variants += [(leaf, "x" * 5000), (leaf, "字" * 70000), (leaf, 12), (leaf, ""),
                                     (leaf, "😀" * 30), (leaf, "\u202e反转\u202c"), (leaf, "\ufeff零宽\u200b"),
                                     (leaf, "e\u0301" * 50), (leaf, None), (leaf, ["list"]), (leaf, {"a": 1}),
                                     (leaf, "𠀀𪚥"), (leaf, "' OR 1=1 --"), (leaf, "<script>alert(1)</script>")]
                    elif isinstance(value, bool):
                        variants += [(leaf, "yes")]
                    elif isinstance(value, int):
                        variants += [(leaf, 2**63), (leaf, 2**31), (leaf, -(2**63) - 1), (leaf, -1), (leaf, 1.5),
                                     (leaf, "100"), (leaf, 10**30)]
            for key in query:
                variants.append((("?", key), "9" * 400))
            for leaf, value in variants:
                if leaf[0] == "?":
                    q = {**query, leaf[1]: value}
                    response = call(client, method, url, body, q, headers)
                else:
                    response = call(client, method, url, replaced(body, leaf, value), query, headers)
                key = (method, path, leaf, repr(value)[:20], person.username)
                results[key] = response.status_code
    bad = {k: v for k, v in results.items() if v >= 500}
    assert bad == {}
    assert len(results) > 1000
