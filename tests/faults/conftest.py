from __future__ import annotations

import os

import pytest

from tests.conftest import IN_CI
from tests.faults.harness import NATS_SERVER


@pytest.fixture
def nats_server_binary() -> str:
    if not os.path.exists(NATS_SERVER):
        if IN_CI:
            pytest.fail(f"CI=true but nats-server is missing at {NATS_SERVER}")
        pytest.skip(f"needs nats-server at {NATS_SERVER}")
    return NATS_SERVER
