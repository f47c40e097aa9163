"""Transports carry signed batches between platforms and the hub, both ways.

Every transport offers the same two halves: ``publish`` on the producing side and
``fetch``/``ack`` on the consuming side, with at-least-once delivery; the receiving side
makes the effect exactly-once by message id. ``direction`` is ``"up"`` (platform to hub:
facts) or ``"down"`` (hub to platform: receipts and directives).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class Delivery:
    """One envelope as received, with the token to acknowledge it."""

    data: bytes
    token: object


class Transport(Protocol):
    name: str

    def publish(self, *, platform_id: str, message_id: str, sequence: int, data: bytes,
                direction: str = "up") -> None: ...

    def fetch(self, *, limit: int = 100, timeout: float = 0.0, direction: str = "up") -> list[Delivery]: ...

    def ack(self, deliveries: list[Delivery]) -> None: ...

    def nak(self, deliveries: list[Delivery], *, delay: float = 1.0) -> None: ...

    def close(self) -> None: ...


_transports: dict[str, Transport] = {}


def transport_for(url: str | None = None) -> Transport:
    """The transport configured by ``SHARECITY_BUS`` (``local`` or ``nats://...``), shared per process."""
    url = url or settings.SHARECITY_BUS
    if url not in _transports:
        if url == "local":
            from sharecity.exchange.transports.local import LocalTransport

            _transports[url] = LocalTransport()
        elif url.startswith(("nats://", "tls://")):
            from sharecity.exchange.transports.nats import NatsTransport

            _transports[url] = NatsTransport(url)
        else:
            raise ValueError(f"SHARECITY_BUS must be 'local' or a nats:// URL, not {url!r}")
    return _transports[url]


def transports_close() -> None:
    for transport in _transports.values():
        transport.close()
    _transports.clear()
