"""Deployment settings come from the environment: the README's example production file passes
`sharecity manage check --deploy` with nothing silenced, naming a host turns HTTPS on by default,
and the embedded demo keeps answering over plain HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "production.env.example"
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
    "'hosts': s.ALLOWED_HOSTS, 'origins': s.CSRF_TRUSTED_ORIGINS, 'redirect': s.SECURE_SSL_REDIRECT, "
    "'hsts': s.SECURE_HSTS_SECONDS, 'subdomains': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, 'preload': s.SECURE_HSTS_PRELOAD, "
    "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE, "
    "'session_httponly': s.SESSION_COOKIE_HTTPONLY, 'csrf_httponly': s.CSRF_COOKIE_HTTPONLY, "
    "'proxy': s.SECURE_PROXY_SSL_HEADER, 'hops': s.SHARECITY_PROXY_HOPS, 'debug': s.DEBUG}))"
)


def example_env() -> dict[str, str]:
    """The example file's VAR=value lines, as systemd's EnvironmentFile or docker --env-file read them."""
    values = {}
    for line in EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            assert name == name.strip() and name.startswith("SHARECITY_"), line
            values[name] = value
    return values


def environment(tmp_path: Path, values: dict[str, str]) -> dict[str, str]:
    """A process environment with only ``values`` of ShareCity's variables, fresh keys, and its own state dir."""
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process (Playwright runs an event loop);
    # a production process never has it, and check --deploy rightly refuses it.
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("SHARECITY_") and name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(values)
    env["SHARECITY_SECRET_KEY"] = values.get("SHARECITY_SECRET_KEY") or secrets.token_urlsafe(50)
    env["SHARECITY_DATA_KEY"] = values.get("SHARECITY_DATA_KEY") or base64.urlsafe_b64encode(
        secrets.token_bytes(32)).decode()
    env["SHARECITY_VAR_DIR"] = str(tmp_path)  # the example's /var/lib/sharecity is not ours to write
    env["DJANGO_SETTINGS_MODULE"] = "sharecity.settings"
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(env, "-m", "sharecity.cli", "manage", "check", "--deploy", "--fail-level", "WARNING")


def settings_seen(env: dict[str, str]) -> dict:
    result = run(env, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_example_production_environment_passes_check_deploy(tmp_path: Path):
    env = environment(tmp_path, example_env())
    result = deploy_check(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    seen = settings_seen(env)
    assert seen == {
        "hosts": ["sharecity.city.example"], "origins": ["https://sharecity.city.example"], "redirect": True,
        "hsts": 31_536_000, "subdomains": True, "preload": True, "session_secure": True, "csrf_secure": True,
        "session_httponly": True, "csrf_httponly": True, "proxy": ["HTTP_X_FORWARDED_PROTO", "https"], "hops": 1,
        "debug": False,
    }


def test_naming_a_host_is_enough_for_https_only_defaults(tmp_path: Path):
    env = environment(tmp_path, {"SHARECITY_ALLOWED_HOSTS": "sharecity.city.example"})
    result = deploy_check(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout
    seen = settings_seen(env)
    assert (seen["redirect"], seen["hsts"], seen["session_secure"], seen["csrf_secure"]) == (True, 31_536_000,
                                                                                            True, True)
    assert seen["proxy"] is None  # a client's X-Forwarded-Proto is not believed unless a proxy is named


def test_the_check_fails_when_https_is_turned_off(tmp_path: Path):
    """The check above can fail: the same deployment over plain HTTP is reported, variable by variable."""
    env = environment(tmp_path, {**example_env(), "SHARECITY_HTTPS": "0", "SHARECITY_HSTS_SECONDS": "0",
                                 "SHARECITY_SSL_REDIRECT": "0", "SHARECITY_SECURE_COOKIES": "0"})
    result = deploy_check(env)
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr + result.stdout


def test_debug_or_local_hosts_keep_plain_http(tmp_path: Path):
    for values in ({}, {"SHARECITY_ALLOWED_HOSTS": "sharecity.city.example", "SHARECITY_DEBUG": "1"}):
        seen = settings_seen(environment(tmp_path, values))
        assert (seen["redirect"], seen["hsts"], seen["session_secure"], seen["csrf_secure"]) == (False, 0,
                                                                                                False, False)
    assert settings_seen(environment(tmp_path, {}))["hosts"] == ["127.0.0.1", "localhost", "testserver"]


@pytest.mark.parametrize(("name", "value", "says"), [
    ("SHARECITY_HSTS_SECONDS", "a year", "SHARECITY_HSTS_SECONDS must be a whole number, not 'a year'"),
    ("SHARECITY_HSTS_SECONDS", "-5", "SHARECITY_HSTS_SECONDS must be at least 0, not -5"),
    ("SHARECITY_SSL_REDIRECT", "sometimes", "SHARECITY_SSL_REDIRECT must be 1 or 0"),
    ("SHARECITY_RATE_LOGIN", "fast", "SHARECITY_RATE_LOGIN must be COUNT/PERIOD"),
])
def test_a_wrong_value_stops_the_start_naming_the_variable(tmp_path: Path, name, value, says):
    result = run(environment(tmp_path, {name: value}), "-m", "sharecity.cli", "manage", "check")
    assert result.returncode != 0
    assert says in result.stderr


@pytest.mark.django_db
def test_the_demo_is_served_over_plain_http_on_127_0_0_1():
    """Under the default settings (those of `sharecity serve --demo`) nothing redirects to HTTPS and the
    cookies are sent over HTTP, so signing in works at http://127.0.0.1:8000/."""
    factories.make_user("resident", password="the-right-password-1")
    client = Client(HTTP_HOST="127.0.0.1:8000", headers={"accept-language": "en"})
    home = client.get("/")
    assert home.status_code == 200
    assert "Strict-Transport-Security" not in home
    signed_in = client.post(reverse("web:login"), {"username": "resident", "password": "the-right-password-1"})
    assert signed_in.status_code == 302
    session = signed_in.cookies["sessionid"]
    assert not session["secure"]
    assert session["httponly"]
    assert client.get("/").context["user"].username == "resident"


def test_every_variable_the_settings_read_is_documented():
    """In the README or the docs; and the example production file sets every one that makes a deployment safe."""
    source = Path(__file__).resolve().parents[2] / "src" / "sharecity"
    read = set()
    for module in ("settings.py", "conf.py"):
        read |= set(re.findall(r"\"(SHARECITY_[A-Z_]+)\"", (source / module).read_text()))
    root = source.parents[1]
    documentation = "".join(path.read_text() for path in [root / "README.md", *sorted((root / "docs").rglob("*.md"))])
    assert sorted(name for name in read if f"`{name}`" not in documentation) == []
    deployment = {"SHARECITY_SECRET_KEY", "SHARECITY_DATA_KEY", "SHARECITY_DATABASE_URL", "SHARECITY_ALLOWED_HOSTS",
                  "SHARECITY_CSRF_TRUSTED_ORIGINS", "SHARECITY_DEBUG", "SHARECITY_HTTPS", "SHARECITY_SSL_REDIRECT",
                  "SHARECITY_HSTS_SECONDS", "SHARECITY_HSTS_INCLUDE_SUBDOMAINS", "SHARECITY_HSTS_PRELOAD",
                  "SHARECITY_SECURE_COOKIES", "SHARECITY_HTTPONLY_COOKIES", "SHARECITY_PROXY_SSL_HEADER",
                  "SHARECITY_PROXY_HOPS", "SHARECITY_RATE_PUBLIC", "SHARECITY_RATE_LOGIN", "SHARECITY_RATE_EXCHANGE"}
    assert deployment <= read
    assert sorted(deployment - set(example_env())) == []
