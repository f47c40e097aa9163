"""Rate limits on the public pages and on signing in: 429 with Retry-After once the allowance is spent,
an allowance of its own for each address (or account and address), and full again after the period."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.urls import reverse

from sharecity.kernel.ratelimit import Rate, RateLimited, rate_parse, ratelimit_hit
from tests import factories

pytestmark = pytest.mark.django_db


def browser(address: str = "203.0.113.7") -> Client:
    return Client(headers={"accept-language": "en", "accept": "text/html,application/xhtml+xml"}, REMOTE_ADDR=address)


def machine(address: str = "203.0.113.7") -> Client:
    return Client(headers={"accept-language": "en", "accept": "application/json"}, REMOTE_ADDR=address)


# ---- the limiter ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("120/m", Rate(count=120, period=60.0, burst=120)),
    ("5/15m", Rate(count=5, period=900.0, burst=5)),
    ("500/s", Rate(count=500, period=1.0, burst=500)),
    ("1000/10", Rate(count=1000, period=10.0, burst=1000)),
    (" 2 / h ", Rate(count=2, period=3600.0, burst=2)),
    ("off", None),
    ("", None),
])
def test_rates_read_as_count_per_period(text, expected):
    assert rate_parse(text) == expected


@pytest.mark.parametrize("text", ["fast", "10", "10/x", "-1/m", "10/0s", "1.5/s", "10/m/s"])
def test_a_malformed_rate_is_refused_naming_the_setting(text):
    with pytest.raises(ImproperlyConfigured, match="SHARECITY_RATE_PUBLIC"):
        rate_parse(text, name="SHARECITY_RATE_PUBLIC")


def test_burst_and_steady_rate(clock, limits):
    limits(public=("60/m", 3))  # one a second, three at once
    for _ in range(3):
        ratelimit_hit(scope="public", key="k")
    with pytest.raises(RateLimited) as refused:
        ratelimit_hit(scope="public", key="k")
    assert refused.value.retry_after == 1
    assert refused.value.as_dict()["code"] == "rate_limited"
    clock.advance(1)
    ratelimit_hit(scope="public", key="k")
    with pytest.raises(RateLimited):
        ratelimit_hit(scope="public", key="k")
    ratelimit_hit(scope="public", key="another key")


def test_a_refused_hit_takes_nothing(clock, limits):
    limits(public=("10/s", 10))
    ratelimit_hit(scope="public", key="k", cost=8)
    with pytest.raises(RateLimited):
        ratelimit_hit(scope="public", key="k", cost=5)
    ratelimit_hit(scope="public", key="k", cost=2)  # the refused 5 left the last 2 in place


def test_a_cost_above_the_burst_passes_only_on_a_full_allowance(clock, limits):
    limits(exchange=("10/s", 10))
    ratelimit_hit(scope="exchange", key="p", cost=25)
    with pytest.raises(RateLimited) as refused:
        ratelimit_hit(scope="exchange", key="p", cost=25)
    assert refused.value.retry_after == 3  # 2.5 s until the first 25 are paid off
    clock.advance(2.5)
    ratelimit_hit(scope="exchange", key="p", cost=25)


def test_off_means_no_limit(clock, limits):
    limits(public="off")
    for _ in range(50):
        ratelimit_hit(scope="public", key="k")


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_from_separate_connections_never_take_more_than_the_burst(limits):
    """Each thread has its own database connection, as separate web processes have."""
    limits(public=("5/h", 5))
    allowed, refused, failed = [], [], []
    start = threading.Barrier(12)

    def hit() -> None:
        try:
            start.wait()
            ratelimit_hit(scope="public", key="shared")
            allowed.append(1)
        except RateLimited:
            refused.append(1)
        except Exception as error:  # reported below, with the thread's other failures
            failed.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert (len(allowed), len(refused)) == (5, 7)


# ---- public pages ---------------------------------------------------------------------------------------------

def test_the_n_plus_first_anonymous_request_is_refused_with_429_and_retry_after(clock, limits):
    limits(public="3/m")
    client = browser()
    for _ in range(3):
        assert client.get("/").status_code == 200
    refused = client.get("/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"  # one request comes back every 20 seconds
    assert "Too many requests: try again in 20 seconds." in refused.content.decode()
    # The same address is refused on every page, and a machine client gets {code, message, field}.
    answer = machine().get("/exchange/v1/keys")
    assert answer.status_code == 429
    assert answer["Retry-After"] == "20"
    assert answer.json() == {"code": "rate_limited", "message": "Too many requests: try again in 20 seconds.",
                             "field": None}
    # Another address has its own allowance.
    assert browser("198.51.100.2").get("/").status_code == 200
    # After the period the whole allowance is back.
    clock.advance(60)
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert client.get("/").status_code == 429


def test_the_refusal_is_in_chinese_for_a_chinese_browser(clock, limits):
    limits(public="1/m")
    client = Client(headers={"accept-language": "zh-hans", "accept": "text/html"}, REMOTE_ADDR="203.0.113.9")
    client.get("/")
    refused = client.get("/")
    assert refused.status_code == 429
    assert "请求过多" in refused.content.decode()


def test_signed_in_people_are_not_held_to_the_public_limit(clock, limits):
    limits(public="2/m")
    client = browser()
    client.force_login(factories.make_user())
    for _ in range(5):
        assert client.get("/").status_code == 200


def test_ipv6_clients_count_by_their_64_network(clock, limits):
    limits(public="2/m")
    assert browser("2001:db8:1:2::1").get("/").status_code == 200
    assert browser("2001:db8:1:2::ffff").get("/").status_code == 200
    assert browser("2001:db8:1:2:abcd::9").get("/").status_code == 429
    assert browser("2001:db8:1:3::1").get("/").status_code == 200


def test_behind_a_proxy_the_client_is_the_address_the_proxy_saw(clock, limits, settings):
    settings.SHARECITY_PROXY_HOPS = 1
    limits(public="1/m")
    proxy = "10.0.0.5"

    def via_proxy(forwarded_for: str):
        return browser(proxy).get("/", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert via_proxy("203.0.113.7").status_code == 200
    # A client writing its own X-Forwarded-For gets its real address appended by the proxy: still counted.
    assert via_proxy("1.2.3.4, 203.0.113.7").status_code == 429
    assert via_proxy("198.51.100.2").status_code == 200


def test_wrong_api_keys_spend_the_public_allowance_and_a_valid_key_does_not(clock, limits):
    limits(public="3/m")
    platform = factories.make_platform(slug="ludao")
    raw_key = factories.api_key(platform)
    client = machine()
    path = f"/api/v1/p/{platform.slug}/spaces"
    for _ in range(10):
        assert client.get(path, HTTP_X_API_KEY=raw_key).status_code == 200
    for _ in range(3):
        assert client.get(path, HTTP_X_API_KEY="sck_guess").status_code == 401
    guessed = client.get(path, HTTP_X_API_KEY="sck_guess")
    assert guessed.status_code == 429
    assert guessed.json()["code"] == "rate_limited"
    assert machine("198.51.100.2").get(path, HTTP_X_API_KEY=raw_key).status_code == 200


# ---- signing in -----------------------------------------------------------------------------------------------

def _sign_in(client: Client, username: str, password: str):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def test_sign_in_attempts_are_limited_per_account_and_address(clock, limits):
    limits(login="3/15m")
    person = factories.make_user("resident", password="the-right-password-1")
    factories.make_user("neighbour", password="the-neighbours-password-1")
    client = browser()
    for _ in range(3):
        assert _sign_in(client, "resident", "a-guess").status_code == 200
    refused = _sign_in(client, "resident", "the-right-password-1")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "300"
    assert "Too many sign-in attempts for this account: try again in 300 seconds." in refused.content.decode()
    assert "_auth_user_id" not in client.session  # the right password did not get in
    # Another account from the same address, and the same account from another address, are not held up.
    assert _sign_in(client, "neighbour", "the-neighbours-password-1").status_code == 302
    assert _sign_in(browser("198.51.100.2"), "resident", "the-right-password-1").status_code == 302
    # After the period the person gets in.
    clock.advance(15 * 60)
    again = browser()
    assert _sign_in(again, "resident", "the-right-password-1").status_code == 302
    assert again.session["_auth_user_id"] == str(person.pk)


def test_a_successful_sign_in_gives_the_allowance_back(clock, limits):
    limits(login="3/15m")
    factories.make_user("resident", password="the-right-password-1")
    client = browser()
    for _ in range(2):
        _sign_in(client, "resident", "a-guess")
    assert _sign_in(client, "resident", "the-right-password-1").status_code == 302
    client.post(reverse("web:logout"))
    for _ in range(3):
        assert _sign_in(client, "resident", "a-guess").status_code == 200


def test_the_user_name_counts_whatever_its_case(clock, limits):
    limits(login="2/15m")
    factories.make_user("resident", password="the-right-password-1")
    client = browser()
    _sign_in(client, "resident", "a-guess")
    _sign_in(client, "RESIDENT", "a-guess")
    assert _sign_in(client, "Resident", "a-guess").status_code == 429


def test_the_admin_sign_in_is_limited_too(clock, limits):
    limits(login="2/15m")
    factories.make_user("staff", password="the-right-password-1")
    client = browser()
    path = reverse("admin:login")
    for _ in range(2):
        assert client.post(path, {"username": "staff", "password": "a-guess"}).status_code == 200
    refused = client.post(path, {"username": "staff", "password": "a-guess"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "450"
