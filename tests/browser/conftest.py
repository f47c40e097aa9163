"""Fixtures for browser tests that run one chromium per module and each path in both interface languages."""

from __future__ import annotations

import pytest

from tests.browser.support import TIMEOUT_MS, chromium_browser

# The interface language a person's browser asks for (Accept-Language), by the site's language code.
BROWSER_LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}


@pytest.fixture(scope="module")
def module_chromium():
    """One Debian chromium for the whole module (starting it is the slow part); each test opens contexts in it."""
    with chromium_browser() as browser:
        yield browser


@pytest.fixture(params=list(BROWSER_LOCALES))
def language(request) -> str:
    """The interface language: every path is walked in Chinese and in English."""
    return request.param


@pytest.fixture
def signed_in(module_chromium, live_server, language):
    """``signed_in(username, path)``: a page of that person's own browser context, in ``language``, signed in and
    at ``path``. The session is made as Django's test client makes one (the sign-in form has tests of its own), so
    a test spends its time on the path it walks. The contexts are closed after the test."""
    from django.conf import settings
    from django.test import Client

    from sharecity.kernel.models import User

    contexts = []

    def open_page(username: str, path: str):
        client = Client()
        client.force_login(User.objects.get(username=username))
        context = module_chromium.new_context(locale=BROWSER_LOCALES[language],
                                              viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}{path}")
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def fast_passwords(settings):
    """People made for a browser test never type their password: hash it the cheap way."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def said(language):
    """``said(zh, en)``: the text a page shows in the language of the test."""
    return lambda zh, en: zh if language == "zh-hans" else en
