import pytest
from django.utils import translation

from tests.market.helpers import customer, platform, provider, space  # noqa: F401


@pytest.fixture
def in_english():
    """Messages are asserted in the English source text; users see them in Chinese by default."""
    with translation.override("en"):
        yield
