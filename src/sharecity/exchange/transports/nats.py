"""NATS JetStream transport.

nats-py is asyncio-only while Django services are synchronous, so the transport owns an
event loop on a daemon thread and the sync methods submit coroutines to it. Each message
carries ``Nats-Msg-Id`` = its message id, so JetStream drops a resent copy inside the
stream's duplicate window; the hub consumes with one durable pull consumer.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar, cast

import nats
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from sharecity.exchange.transports import Delivery

T = TypeVar("T")

STREAM_NAME = "SHARECITY_EXCHANGE"
SUBJECT_PREFIX = "sharecity.exchange."
# Uplink (platforms to hub) is consumed by the hub's intake, downlink (hub to platforms) by
# the platform side; each direction has its own subjects and durable consumer.
DURABLE_NAME = "hub-intake-up"


class NatsTransport:
    name = "nats"

    def __init__(self, url: str, *, stream: str = STREAM_NAME, subject_prefix: str = SUBJECT_PREFIX,
                 durable: str = DURABLE_NAME, timeout: float = 5.0) -> None:
        self.url = url
        self.stream = stream
        self.subject_prefix = subject_prefix
        self.durable = durable
        self.timeout = timeout
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nats-transport", daemon=True)
        self._thread.start()
        self._subscriptions: dict[str, Any] = {}
        self._run(self._connect())

    def _run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout=timeout if timeout is not None else self.timeout + 5)

    async def _connect(self) -> None:
        self._nc = await nats.connect(
            self.url, connect_timeout=2, max_reconnect_attempts=-1, reconnect_time_wait=0.5, allow_reconnect=True
        )
        self._js = self._nc.jetstream(timeout=self.timeout)
        await self._stream_ensure()

    async def _stream_ensure(self) -> None:
        config = StreamConfig(
            name=self.stream,
            subjects=[f"{self.subject_prefix}>"],
            storage=StorageType.FILE,
            duplicate_window=120.0,
        )
        try:
            await self._js.stream_info(self.stream)
        except NotFoundError:
            await self._js.add_stream(config)

    def publish(self, *, platform_id: str, message_id: str, sequence: int, data: bytes, direction: str = "up") -> None:
        self._run(
            self._js.publish(
                f"{self.subject_prefix}{direction}.{platform_id}", data, headers={"Nats-Msg-Id": message_id},
                timeout=self.timeout,
            )
        )

    async def _fetch(self, limit: int, timeout: float, direction: str) -> list[Delivery]:
        subscription = self._subscriptions.get(direction)
        if subscription is None:
            subscription = self._subscriptions[direction] = await self._js.pull_subscribe(
                f"{self.subject_prefix}{direction}.>",
                durable=self.durable if direction == "up" else f"{self.durable}-{direction}",
                stream=self.stream,
                config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=30.0, max_ack_pending=20000),
            )
        try:
            messages = await subscription.fetch(limit, timeout=max(timeout, 0.05))
        except (TimeoutError, NatsTimeoutError):
            return []
        return [Delivery(data=message.data, token=message) for message in messages]

    def fetch(self, *, limit: int = 100, timeout: float = 0.0, direction: str = "up") -> list[Delivery]:
        return self._run(self._fetch(limit, timeout, direction), timeout=timeout + self.timeout + 5)

    async def _ack(self, deliveries: list[Delivery]) -> None:
        for delivery in deliveries:
            await cast(Msg, delivery.token).ack()
        await self._nc.flush()

    def ack(self, deliveries: list[Delivery]) -> None:
        if deliveries:
            self._run(self._ack(deliveries))

    async def _nak(self, deliveries: list[Delivery], delay: float) -> None:
        for delivery in deliveries:
            await cast(Msg, delivery.token).nak(delay=delay)

    def nak(self, deliveries: list[Delivery], *, delay: float = 1.0) -> None:
        if deliveries:
            self._run(self._nak(deliveries, delay))

    def purge(self, *, recreate: bool = True) -> None:
        """Delete the stream and its consumer (tests and fresh deployments); by default an
        empty stream is made again on the same connection."""

        async def _purge() -> None:
            try:
                await self._js.delete_stream(self.stream)
            except NotFoundError:
                pass
            self._subscriptions.clear()
            if recreate:
                await self._stream_ensure()

        self._run(_purge())

    def close(self) -> None:
        if self._loop.is_running():
            try:
                # Not drain(): draining a pull subscription waits for buffered messages that no
                # fetch will take (e.g. the status reply of an expired pull), so it hangs until
                # the timeout. Acks are flushed as they are sent; unacked messages are redelivered.
                self._run(self._nc.close())
            except Exception:  # noqa: S110 - closing a broken connection is best effort
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
