"""NATS JetStream transport: a stream per platform up, one stream down.

nats-py is asyncio-only while Django services are synchronous, so the transport owns an
event loop on a daemon thread and the sync methods submit coroutines to it.

Layout (``stream`` and ``subject_prefix`` are constructor arguments):

- uplink, platform to hub: one stream per platform, ``{stream}_UP_{platform}`` on the
  subject ``{subject_prefix}up.{platform_id}``, made by the publisher on first use. A
  platform's backlog, retention and limits stay its own, and hub intake can be spread
  over several processes by platform (``SHARECITY_INTAKE_PARTITION=k/n``).
- downlink, hub to platforms: the stream ``{stream}`` on ``{subject_prefix}down.>``.

Each message carries ``Nats-Msg-Id`` (the deterministic batch id), so JetStream drops a
resent copy inside the stream's duplicate window; intake drops any later copy by message
id. The hub consumes every uplink stream with a durable pull consumer of the same name,
found by listing the streams every few seconds (and at once when idle) and fetched round
robin; a consumer's position survives a restart of the intake or of the server.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import re
import threading
import time
import zlib
from collections.abc import Coroutine
from typing import Any, TypeVar, cast

import nats
from nats.aio.msg import Msg
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from sharecity.exchange.transports import Delivery

logger = logging.getLogger(__name__)

T = TypeVar("T")

STREAM_NAME = "SHARECITY_EXCHANGE"
SUBJECT_PREFIX = "sharecity.exchange."
# Uplink (platforms to hub) is consumed by the hub's intake, downlink (hub to platforms) by
# the platform side; each direction has its own subjects and durable consumers.
DURABLE_NAME = "hub-intake-up"
DUPLICATE_WINDOW = 120.0
# How often intake looks for streams of new platforms while busy (at once when idle).
DISCOVER_EVERY = 3.0
# Transport messages (batches of up to 500 envelopes) taken from one stream per round:
# small enough that a fetch is applied well inside the consumer's ack wait.
PER_STREAM_FETCH = 4
# What an intake process had fetched when it died is delivered again once this has passed, so it
# bounds how long a platform's stream waits after a crash (the fault bench measured up to 52 s
# with 60). A round of fetches is applied in about a second, a few on a loaded host; a delivery
# that comes again too early is dropped as a duplicate. Applies to consumers created from now on.
ACK_WAIT = 15.0
# How long a round of pulls waits on each stream: short while messages flow, longer when idle.
BUSY_WAIT = 0.02
IDLE_WAIT = 0.25
# Once one stream's pull has brought messages, how long the round waits for the others' (which
# answer at once when their stream has messages) before it returns what it has.
GATHER_GRACE = 0.005
_SAFE = re.compile(r"[^A-Za-z0-9_-]")


def _partition(value: str | None) -> tuple[int, int] | None:
    """``"k/n"``: this process takes the uplink streams whose crc32 is k modulo n."""
    if not value:
        return None
    index, _, count = value.partition("/")
    k, n = int(index), int(count)
    if not 0 <= k < n:
        raise ValueError(f"SHARECITY_INTAKE_PARTITION must be k/n with 0 <= k < n, not {value!r}")
    return k, n


class NatsTransport:
    name = "nats"

    def __init__(self, url: str, *, stream: str = STREAM_NAME, subject_prefix: str = SUBJECT_PREFIX,
                 durable: str = DURABLE_NAME, timeout: float = 5.0, partition: str | None = None) -> None:
        self.url = url
        self.stream = stream
        self.subject_prefix = subject_prefix
        self.durable = durable
        self.timeout = timeout
        self.partition = _partition(partition if partition is not None
                                    else os.environ.get("SHARECITY_INTAKE_PARTITION"))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nats-transport", daemon=True)
        self._thread.start()
        # Downlink subscriptions by direction; uplink subscriptions by stream name.
        self._subscriptions: dict[str, Any] = {}
        self._up_subscriptions: dict[str, Any] = {}
        # Uplink pulls still waiting, by stream (see ``_take_first``).
        self._inflight: dict[str, asyncio.Future] = {}
        # Whether a stream's last pull brought messages.
        self._busy: dict[str, bool] = {}
        self._known_streams: set[str] = set()
        self._discovered_at = 0.0
        self._rotation = 0
        self._wait = BUSY_WAIT
        self._run(self._connect())

    def _run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout=timeout if timeout is not None else self.timeout + 5)

    async def _connect(self) -> None:
        self._nc = await nats.connect(
            self.url, connect_timeout=2, max_reconnect_attempts=-1, reconnect_time_wait=0.5, allow_reconnect=True
        )
        self._js = self._nc.jetstream(timeout=self.timeout)
        await self._stream_ensure(self.stream, f"{self.subject_prefix}down.>")

    # -- layout ---------------------------------------------------------------------------

    @property
    def up_prefix(self) -> str:
        return f"{self.stream}_UP_"

    def up_stream(self, platform_id: str) -> str:
        """The uplink stream of one platform: its id with the characters a stream name may not hold
        replaced (and then a checksum, so two ids never meet on one name)."""
        safe = _SAFE.sub("", platform_id)
        if safe != platform_id or not safe:
            safe = f"{_SAFE.sub('_', platform_id)}_{zlib.crc32(platform_id.encode()):08x}"
        return f"{self.up_prefix}{safe}"

    def subject(self, platform_id: str, direction: str) -> str:
        return f"{self.subject_prefix}{direction}.{platform_id}"

    async def _stream_ensure(self, name: str, subject: str) -> None:
        try:
            info = await self._js.stream_info(name)
        except NotFoundError:
            await self._js.add_stream(StreamConfig(
                name=name, subjects=[subject], storage=StorageType.FILE, duplicate_window=DUPLICATE_WINDOW,
            ))
            return
        if list(info.config.subjects or []) != [subject]:
            # A stream of the older layout (all subjects in one stream): narrow it to its direction.
            info.config.subjects = [subject]
            await self._js.update_stream(info.config)

    async def _stream_names(self) -> list[str]:
        names: list[str] = []
        offset = 0
        while True:
            response = await self._js._api_request(
                f"{self._js._prefix}.STREAM.NAMES",
                json.dumps({"offset": offset, "subject": f"{self.subject_prefix}up.>"}).encode(),
                timeout=self.timeout,
            )
            page = response.get("streams") or []
            names.extend(name for name in page if name.startswith(self.up_prefix))
            offset += len(page)
            if not page or offset >= response.get("total", 0):
                return names

    # -- producing ------------------------------------------------------------------------

    async def _publish(self, platform_id: str, message_id: str, data: bytes, direction: str) -> None:
        if direction == "up":
            stream = self.up_stream(platform_id)
            if stream not in self._known_streams:
                await self._stream_ensure(stream, self.subject(platform_id, "up"))
                self._known_streams.add(stream)
        headers = {"Nats-Msg-Id": message_id}
        try:
            await self._js.publish(self.subject(platform_id, direction), data, headers=headers, timeout=self.timeout)
        except NoRespondersError:
            # The stream went away (purged or deleted by an operator): make it again, once.
            if direction == "up":
                self._known_streams.discard(stream)
                await self._stream_ensure(stream, self.subject(platform_id, "up"))
                self._known_streams.add(stream)
            else:
                await self._stream_ensure(self.stream, f"{self.subject_prefix}down.>")
            await self._js.publish(self.subject(platform_id, direction), data, headers=headers, timeout=self.timeout)

    def publish(self, *, platform_id: str, message_id: str, sequence: int, data: bytes, direction: str = "up") -> None:
        self._run(self._publish(platform_id, message_id, data, direction))

    def publish_many(self, messages: list[dict]) -> list[Exception | None]:
        """Publish several messages (``publish``'s keyword arguments each) at once, their JetStream
        acknowledgements awaited together rather than one round trip after another; what became of
        each: None, or the error. For messages whose order does not matter (receipts to different
        platforms)."""

        async def _all() -> list[Exception | None]:
            results = await asyncio.gather(
                *(self._publish(m["platform_id"], m["message_id"], m["data"], m.get("direction", "up"))
                  for m in messages), return_exceptions=True)
            return [None if result is None else cast(Exception, result) for result in results]

        if not messages:
            return []
        return self._run(_all())

    # -- consuming ------------------------------------------------------------------------

    def _mine(self, stream: str) -> bool:
        if self.partition is None:
            return True
        k, n = self.partition
        return zlib.crc32(stream.encode()) % n == k

    async def _discover(self) -> None:
        names = [name for name in await self._stream_names() if self._mine(name)]
        for name in names:
            if name not in self._up_subscriptions:
                try:
                    subjects = (await self._js.stream_info(name)).config.subjects or []
                except NotFoundError:
                    continue
                config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=ACK_WAIT, max_ack_pending=20000)
                await self._consumer_settle(name, config)
                self._up_subscriptions[name] = await self._js.pull_subscribe(
                    subjects[0], durable=self.durable, stream=name, config=config,
                )
        for gone in set(self._up_subscriptions) - set(names):
            self._inflight_cancel([gone])
            subscription = self._up_subscriptions.pop(gone)
            try:
                await subscription.unsubscribe()
            except Exception:  # noqa: S110 - the stream is gone; its subscription with it
                pass
        self._discovered_at = time.monotonic()

    async def _consumer_settle(self, stream: str, config: ConsumerConfig) -> None:
        """Bring an existing durable consumer to this version's settings. ``pull_subscribe`` binds
        to one as it is, so a consumer made by an earlier version (ack wait 60 s) would keep
        holding back what a killed intake had fetched for a minute."""
        try:
            info = await self._js.consumer_info(stream, self.durable)
        except NotFoundError:
            return  # pull_subscribe creates it with these settings
        current = info.config
        if (current.ack_wait, current.max_ack_pending) == (config.ack_wait, config.max_ack_pending):
            return
        updated = dataclasses.replace(current, ack_wait=config.ack_wait, max_ack_pending=config.max_ack_pending)
        # Creating a durable consumer again with changed, editable settings updates it in place:
        # its position and what it has delivered and not had acknowledged stay.
        await self._js.add_consumer(stream, config=updated)
        logger.info("consumer %s on %s: ack wait %ss -> %ss", self.durable, stream, current.ack_wait,
                    config.ack_wait)

    @staticmethod
    async def _take(subscription: Any, batch: int, timeout: float) -> list[Msg]:
        try:
            return await subscription.fetch(batch, timeout=timeout)
        except (TimeoutError, NatsTimeoutError):
            return []
        except NotFoundError:
            return []

    async def _take_first(self, chosen: list[tuple[str, Any]], batch: int, wait: float) -> list[Msg]:
        """Pull from the chosen streams together and return once one pull has brought messages (with
        what the others bring within ``GATHER_GRACE``), not when the last quiet stream's pull has
        waited out its time: a batch arriving on one stream while the others are quiet is taken at
        once. A pull still waiting is not cancelled (what it has taken would come back only after
        the ack wait): it stays in flight, and what it brings is returned by a later round."""
        for name, subscription in chosen:
            if name not in self._inflight:
                # A stream that brought messages last time is asked for several with a short wait (the
                # server answers at once with what it has); a quiet one for one, with the longer wait:
                # a pull for several would hold the first message until the rest came or the wait ran out.
                if self._busy.get(name):
                    pull = self._take(subscription, batch, BUSY_WAIT)
                else:
                    pull = self._take(subscription, 1, wait)
                self._inflight[name] = asyncio.ensure_future(pull)
        messages: list[Msg] = []
        pending = set(self._inflight.values())
        while pending and not messages:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            messages.extend(self._collect(done))
        if messages and pending:
            done, _ = await asyncio.wait(pending, timeout=GATHER_GRACE)
            messages.extend(self._collect(done))
        return messages

    def _collect(self, done: set[asyncio.Future]) -> list[Msg]:
        messages: list[Msg] = []
        for name, task in list(self._inflight.items()):
            if task in done:
                del self._inflight[name]
                taken = task.result()
                self._busy[name] = bool(taken)
                messages.extend(taken)
        return messages

    def _inflight_cancel(self, names=None) -> None:
        for name in list(self._inflight) if names is None else names:
            task = self._inflight.pop(name, None)
            if task is not None:
                task.cancel()

    async def _fetch_up(self, limit: int, timeout: float) -> list[Delivery]:
        deadline = time.monotonic() + timeout
        idle_rounds = 0
        while True:
            if time.monotonic() - self._discovered_at > (DISCOVER_EVERY if idle_rounds == 0 else 0.5):
                await self._discover()
            streams = list(self._up_subscriptions.items())
            if streams:
                # Round robin: each round starts one stream further on, and takes a little from each.
                start = self._rotation % len(streams)
                self._rotation += 1
                ordered = streams[start:] + streams[:start]
                per_stream = max(1, min(PER_STREAM_FETCH, limit // len(ordered) or 1))
                chosen = ordered[: max(1, limit // per_stream)]
                # An idle stream holds its pull for the whole wait, so keep the wait short while
                # busy and lengthen it (up to IDLE_WAIT) while nothing comes, to spare the server.
                wait = max(0.02, min(self._wait, deadline - time.monotonic()))
                messages = await self._take_first(chosen, per_stream, wait)
                if messages:
                    self._wait = BUSY_WAIT
                    # All of them: a message taken and not handed over would come back only after the ack
                    # wait (a round takes at most ``limit``, and what pulls of earlier rounds brought).
                    return [Delivery(data=message.data, token=message) for message in messages]
                self._wait = min(IDLE_WAIT, self._wait * 2)
            else:
                await asyncio.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
            idle_rounds += 1
            if time.monotonic() >= deadline:
                return []

    async def _fetch_down(self, limit: int, timeout: float, direction: str) -> list[Delivery]:
        subscription = self._subscriptions.get(direction)
        if subscription is None:
            subscription = self._subscriptions[direction] = await self._js.pull_subscribe(
                f"{self.subject_prefix}{direction}.>",
                durable=f"{self.durable}-{direction}",
                stream=self.stream,
                config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=30.0, max_ack_pending=20000),
            )
        messages = await self._take(subscription, limit, max(timeout, 0.05))
        return [Delivery(data=message.data, token=message) for message in messages]

    def fetch(self, *, limit: int = 100, timeout: float = 0.0, direction: str = "up") -> list[Delivery]:
        if direction == "up":
            return self._run(self._fetch_up(limit, timeout), timeout=timeout + 2 * self.timeout + 5)
        return self._run(self._fetch_down(limit, timeout, direction), timeout=timeout + self.timeout + 5)

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
        """Delete every stream of this transport, uplink and downlink, with their consumers (tests
        and fresh deployments); by default an empty downlink stream is made again (uplink streams
        come back as platforms publish)."""

        async def _purge() -> None:
            for name in [*await self._stream_names(), self.stream]:
                try:
                    await self._js.delete_stream(name)
                except NotFoundError:
                    pass
            self._inflight_cancel()
            self._subscriptions.clear()
            self._up_subscriptions.clear()
            self._known_streams.clear()
            self._discovered_at = 0.0
            if recreate:
                await self._stream_ensure(self.stream, f"{self.subject_prefix}down.>")

        self._run(_purge(), timeout=4 * self.timeout + 5)

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
