import pytest
from django.utils import translation

from tests.market.helpers import customer, platform, provider, space  # noqa: F401


@pytest.fixture
def in_english():
    """Messages are asserted in the English source text; users see them in Chinese by default."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client, settings):
    """Pages asserted in their English source text (users see Chinese first): the test client asks
    for English, and so does the code the test runs itself."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield client
