import uuid

import pytest

from sharecity.market.payments.gateway import OfflineGateway


@pytest.fixture(autouse=True)
def _gateway_reset():
    OfflineGateway.reset()
    yield
    OfflineGateway.reset()


@pytest.fixture
def order_ref():
    return str(uuid.uuid4())
