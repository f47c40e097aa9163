"""What the fault tests need around them: a private nats-server, the real worker processes
pointed at the test database, a stream of facts, and the two sides' checksums."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from sharecity import conf
from sharecity.exchange.envelope import canonical_json
from sharecity.exchange.schemas import payload_build
from sharecity.hub.intake.models import ReceivedMessage
from sharecity.kernel.models import OutboxMessage
from sharecity.kernel.services import fact_record

NATS_SERVER = os.environ.get("SHARECITY_NATS_SERVER", shutil.which("nats-server") or "/usr/sbin/nats-server")
DISTRICTS = ("350203", "350205", "350206", "350211")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, within: float, every: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what} not reached within {within}s")


class NatsServer:
    """A nats-server of the test's own with JetStream on a free port; its store survives restarts."""

    def __init__(self, store: Path) -> None:
        self.port = free_port()
        self.store = store
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [NATS_SERVER, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(self.store)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

        def answers() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                return False

        wait_until(answers, within=10, every=0.05, what="nats-server listening")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def database_url() -> str:
    """The database this test runs on (pytest-django's test database), as a URL for a subprocess."""
    db = settings.DATABASES["default"]
    if "sqlite" in db["ENGINE"]:
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{user}{password}@{host}{port}/{db['NAME']}"


def worker_env(bus: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "SHARECITY_DATABASE_URL": database_url(),
        "SHARECITY_BUS": bus,
        "SHARECITY_VAR_DIR": str(conf.var_dir()),
        "SHARECITY_SECRET_KEY": settings.SECRET_KEY,
        "SHARECITY_DATA_KEY": base64.urlsafe_b64encode(conf.data_key()).decode(),
        "SHARECITY_WORKER_IDLE_SECONDS": "0.1",
        **extra,
    }


def sharecity_command() -> list[str]:
    script = Path(sys.executable).parent / "sharecity"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from sharecity.cli import main; main()"]


class Worker:
    """``sharecity worker NAME`` as a real process, killed with SIGKILL when asked."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name, self.env, self.log = name, env, log
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        handle = open(self.log, "ab")  # the child process keeps it open
        handle.write(f"--- start {self.starts}\n".encode())
        handle.flush()
        self.process = subprocess.Popen([*sharecity_command(), "worker", self.name], env=self.env,
                                        stdout=handle, stderr=subprocess.STDOUT)
        handle.close()

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def fact_write(platform_id: str, n: int) -> None:
    """One order placed on a platform, reported through the outbox in the change's transaction."""
    starts = dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
    payload = payload_build(
        "order.created", order_id=f"o-{n}", listing_id=f"l-{n % 97}", category="parking",
        district=DISTRICTS[n % len(DISTRICTS)], customer_key=f"customer-{n % 1013:06d}",
        provider_key=f"provider-{n % 89:06d}", amount_fen=800 + n % 50, starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=30),
    )
    with transaction.atomic():
        fact_record(actor=None, action="order.created", target_type="order", target_id=f"o-{n}",
                    platform_id=platform_id, message_type="order.created", payload=payload)


def _digest(rows) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in sorted(rows):
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()


def outbox_checksum() -> tuple[int, str]:
    """Over what the platforms committed: (platform, sequence, message id, type, payload)."""
    rows = OutboxMessage.objects.filter(direction="up").values_list(
        "platform_id", "sequence", "message_id", "message_type", "payload")
    return _digest((p, s, str(m), t, hashlib.sha256(canonical_json(payload)).hexdigest())
                   for p, s, m, t, payload in rows.iterator())


def hub_checksum() -> tuple[int, str]:
    """The same over what the hub stored: each envelope as received."""
    def rows():
        for envelope in ReceivedMessage.objects.values_list("envelope", flat=True).iterator():
            data = json.loads(bytes(envelope))
            yield (data["platform_id"], data["sequence"], data["message_id"], data["type"],
                   hashlib.sha256(canonical_json(data["payload"])).hexdigest())

    return _digest(rows())


def fresh_database_connection() -> None:
    """See what other processes committed (PostgreSQL's snapshot is per statement; close anyway)."""
    connection.close()


def unique_tag() -> str:
    return uuid.uuid4().hex[:8]
