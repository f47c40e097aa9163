import pytest

from tests.market.reviews.trust import URLCONF, make_operator


@pytest.fixture
def trust_urls(settings):
    settings.ROOT_URLCONF = URLCONF


@pytest.fixture
def operator(platform):
    return make_operator(platform)
