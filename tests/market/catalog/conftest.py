import pytest

from sharecity.market.platforms.services import operator_add
from tests import factories


@pytest.fixture
def operator(platform):
    user = factories.make_user()
    operator_add(actor=None, platform=platform, user=user)
    return user
