"""The README's first Quick start command, run as a user would: `sharecity serve --demo`."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sharecity.sim.demo_market import LEAF_LISTINGS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(check, *, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    return None


def test_serve_demo_starts_web_and_workers_and_facts_reach_the_hub(tmp_path: Path):
    port = _free_port()
    # Without the simulated history (tests/sim/test_demo_history.py covers it): the count of listings
    # below is the demo's own.
    env = {**os.environ, "SHARECITY_VAR_DIR": str(tmp_path), "SHARECITY_BUS": "local", "SHARECITY_DEMO_SIM_DAYS": "0"}
    env.pop("SHARECITY_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "sharecity.cli", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:

        def home_page():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    return response.read().decode()
            except OSError:
                return None

        page = _wait_for(home_page, seconds=60)
        assert page is not None, "the server did not answer"
        assert "鹭岛共享停车" in page

        database = tmp_path / "sharecity.sqlite3"

        def listings_at_hub() -> int:
            with sqlite3.connect(database) as connection:
                row = connection.execute(
                    "select coalesce(sum(listings), 0) from hub_monitoring_activitystat"
                ).fetchone()
            return row[0] or 0

        # The demo lists ten parking spaces and one listing in each of the 31 demo categories on
        # each of its two market platforms; the embedded relay and intake carry them all to the hub.
        expected = 10 + 2 * len(LEAF_LISTINGS)
        _wait_for(lambda: listings_at_hub() >= expected, seconds=60)
        assert listings_at_hub() == expected
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in output
    for login in ("consumer", "provider", "operator", "regulator", "admin"):
        assert login in output
    assert "sharecity-demo" in output


@pytest.mark.django_db
def test_demo_loads_once():
    from sharecity.market.parking.models import ParkingSpace
    from sharecity.sim.demo import demo_load

    assert demo_load().created is True
    spaces = ParkingSpace.objects.count()
    assert demo_load().created is False
    assert ParkingSpace.objects.count() == spaces == 10
