"""Monitoring read models, updated by intake handlers inside intake's transaction."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from sharecity.hub.facts.selectors import subject_kinds
from sharecity.hub.monitoring.models import ActivityStat, ComplaintClock, DailyParty, DailyStat, OrderFact
from sharecity.hub.monitoring.rules import resolved_in_time, sector_of
from sharecity.kernel.timeutil import CITY_TZ

NO_DISTRICT = "000000"


def subject_registered(*, envelope, payload) -> None:
    facts_apply([(subject_registered, envelope, payload)])


def subject_verified(*, envelope, payload) -> None:
    facts_apply([(subject_verified, envelope, payload)])


def listing_published(*, envelope, payload) -> None:
    facts_apply([(listing_published, envelope, payload)])


def order_created(*, envelope, payload) -> None:
    facts_apply([(order_created, envelope, payload)])


def order_state_changed(*, envelope, payload) -> None:
    facts_apply([(order_state_changed, envelope, payload)])


def order_refunded(*, envelope, payload) -> None:
    facts_apply([(order_refunded, envelope, payload)])


def review_published(*, envelope, payload) -> None:
    facts_apply([(review_published, envelope, payload)])


def complaint_filed(*, envelope, payload) -> None:
    facts_apply([(complaint_filed, envelope, payload)])


def complaint_resolved(*, envelope, payload) -> None:
    facts_apply([(complaint_resolved, envelope, payload)])


def city_day(moment: dt.datetime | str) -> dt.date:
    """The city's calendar day (Asia/Shanghai) of a moment, given as an aware datetime or ISO 8601 text."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return moment.astimezone(CITY_TZ).date()


class _Daily:
    """The day-grain increments of one delivery (``DailyStat`` and ``DailyParty``), summed before writing."""

    def __init__(self) -> None:
        self.stats: dict[tuple[dt.date, str, str, str], Counter[str]] = defaultdict(Counter)
        self.parties: dict[tuple[dt.date, str, str, str, str, str], list[int]] = {}

    def add(self, day: dt.date, platform_id: str, district: str, sector: str, **increments: int) -> None:
        counter = self.stats[(day, platform_id, district, sector)]
        for name, value in increments.items():
            counter[name] += value

    def party(self, day: dt.date, platform_id: str, district: str, sector: str, role: str, key: str, *,
              orders: int = 0, income_fen: int = 0) -> None:
        row = self.parties.setdefault((day, platform_id, district, sector, role, key), [0, 0])
        row[0] += orders
        row[1] += income_fen


def facts_apply(calls: list[tuple[Callable, Any, Any]]) -> None:
    """The same effect as calling each ``handler(envelope=..., payload=...)`` in turn, for a whole
    delivery at once: orders are read and written in bulk and the counters of each platform and
    district are summed first and written with one UPDATE each (intake's hot path).

    The day-grain statistics (``DailyStat``, ``DailyParty``) are rules ``recompute`` follows too:
    the day of a fact is the platform's time of it in city time (``changed_at`` of a state change,
    ``resolved_at`` of a resolution, else the envelope's ``sent_at``); an order counts once when
    created, a completion or cancellation once per change into that state (an order the hub does
    not know is not counted), refunds and deposits taken or settled by every state change that carries them,
    and every refund outside a state change (``order.refunded``, on the day of its ``refunded_at``)
    (each is a distinct movement of money at the platform; a replayed message is dropped by intake
    by its id); a rating is a customer's review, in the sector of its order when the hub knows the
    order; a complaint counts once when filed and once when resolved, in the sector of its order,
    resolved in time by ``rules.resolved_in_time``; a party's ``is_person`` is the kind the platform
    last reported for that key (subject.registered or subject.verified), written to earlier days too.
    """
    bumps: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    daily = _Daily()
    wanted: dict[str, set[str]] = defaultdict(set)
    complaints_wanted: dict[str, set[str]] = defaultdict(set)
    for handler, envelope, payload in calls:
        if handler in _BY_ORDER:
            wanted[envelope.platform_id].add(payload.order_id)
        elif handler in (complaint_filed, complaint_resolved):
            complaints_wanted[envelope.platform_id].add(payload.complaint_id)
        if handler is complaint_filed:
            wanted[envelope.platform_id].add(payload.order_id)
    orders: dict[tuple[str, str], Any] = {}
    for platform_id, order_ids in wanted.items():
        for order in _orders_lock(platform_id=platform_id, order_ids=order_ids):
            orders[(platform_id, order.order_id)] = order
    clocks: dict[tuple[str, str], ComplaintClock] = {}
    for platform_id, complaint_ids in complaints_wanted.items():
        for clock in ComplaintClock.objects.filter(platform_id=platform_id, complaint_id__in=sorted(complaint_ids)):
            clocks[(platform_id, clock.complaint_id)] = clock
    new: dict[tuple[str, str], Any] = {}
    changed: set[tuple[str, str]] = set()
    clocks_changed: set[tuple[str, str]] = set()
    kinds: dict[tuple[str, str], str] = {}
    for handler, envelope, payload in calls:
        platform_id = envelope.platform_id
        if handler is order_created:
            key = (platform_id, payload.order_id)
            if key in orders:
                continue
            orders[key] = new[key] = _Order(
                pk=None, platform_id=platform_id, order_id=payload.order_id, category=payload.category,
                district_code=payload.district, amount_fen=payload.amount_fen, state=payload.state,
                customer_key=payload.customer_key, provider_key=payload.provider_key, listing_id=payload.listing_id,
            )
            bumps[(platform_id, payload.district)]["bookings"] += 1
            day, sector = city_day(envelope.sent_at), sector_of(payload.category)
            daily.add(day, platform_id, payload.district, sector, orders=1)
            daily.party(day, platform_id, payload.district, sector, "provider", payload.provider_key, orders=1)
            daily.party(day, platform_id, payload.district, sector, "customer", payload.customer_key, orders=1)
        elif handler is order_state_changed:
            day = city_day(payload.changed_at or envelope.sent_at)
            sector = sector_of(payload.category)
            money = {"refunds_fen": payload.refund_fen or 0, "deposits_held_fen": payload.deposit_held_fen or 0,
                     "deposits_returned_fen": payload.deposit_returned_fen or 0,
                     "deposits_deducted_fen": payload.deposit_deducted_fen or 0}
            if any(money.values()):
                daily.add(day, platform_id, payload.district, sector, **money)
            key = (platform_id, payload.order_id)
            order = orders.get(key)
            if order is None or order.state == payload.state:
                continue
            previous = order.state
            order.state = payload.state
            order.amount_fen = payload.amount_fen
            if key not in new:
                changed.add(key)
            if payload.state == "completed" and previous != "completed":
                counter = bumps[(platform_id, payload.district)]
                counter["completed"] += 1
                counter["turnover_fen"] += payload.amount_fen
                daily.add(day, platform_id, payload.district, sector, completed=1, turnover_fen=payload.amount_fen)
                daily.party(day, platform_id, payload.district, sector, "provider", order.provider_key,
                            income_fen=payload.amount_fen)
            elif payload.state == "cancelled":
                daily.add(day, platform_id, payload.district, sector, cancelled=1)
        elif handler is order_refunded:
            daily.add(city_day(payload.refunded_at), platform_id, payload.district, sector_of(payload.category),
                      refunds_fen=payload.amount_fen)
        elif handler is review_published:
            bumps[(platform_id, payload.district)]["reviews"] += 1
            if payload.author_role == "customer":
                order = orders.get((platform_id, payload.order_id))
                daily.add(city_day(envelope.sent_at), platform_id, payload.district,
                          sector_of(order.category if order is not None else ""), ratings=1, rating_sum=payload.rating)
        elif handler is complaint_filed:
            bumps[(platform_id, payload.district)]["complaints"] += 1
            key = (platform_id, payload.complaint_id)
            clock = clocks.get(key)
            if clock is None:
                clock = clocks[key] = ComplaintClock(platform_id=platform_id, complaint_id=payload.complaint_id)
            if clock.filed_on is None:
                order = orders.get((platform_id, payload.order_id))
                clock.sector = sector_of(order.category if order is not None else "")
                clock.filed_on = city_day(envelope.sent_at)
                clocks_changed.add(key)
                daily.add(clock.filed_on, platform_id, payload.district, clock.sector, complaints=1)
        elif handler is complaint_resolved:
            key = (platform_id, payload.complaint_id)
            clock = clocks.get(key)
            if clock is None:
                clock = clocks[key] = ComplaintClock(platform_id=platform_id, complaint_id=payload.complaint_id)
            if clock.resolved_on is None:
                clock.resolved_on = city_day(payload.resolved_at)
                clocks_changed.add(key)
                daily.add(clock.resolved_on, platform_id, payload.district, clock.sector if clock.filed_on else "",
                          complaints_resolved=1,
                          complaints_resolved_in_time=int(resolved_in_time(clock.filed_on, clock.resolved_on)))
        elif handler in (subject_registered, subject_verified):
            kinds[(platform_id, payload.subject_key)] = payload.subject_kind
            if handler is subject_verified:
                bumps[(platform_id, NO_DISTRICT)]["verified_subjects"] += 1
        elif handler is listing_published:
            bumps[(platform_id, payload.district)]["listings"] += 1
            daily.add(city_day(envelope.sent_at), platform_id, payload.district, sector_of(payload.category),
                      listings_published=1)
        else:  # another duty's handler, passed along (tests hand over a message's every handler)
            handler(envelope=envelope, payload=payload)
    if new:
        _orders_insert(list(new.values()))
    if changed:
        _orders_update([orders[key] for key in changed])
    if bumps:
        _counters_add(bumps)
    if clocks_changed:
        _clocks_write([clocks[key] for key in sorted(clocks_changed)])
    if daily.stats:
        _daily_add(daily.stats)
    if daily.parties:
        _parties_add(daily.parties, kinds=kinds)
    if kinds:
        _kinds_write(kinds)


_COUNTERS = ("listings", "bookings", "completed", "turnover_fen", "reviews", "complaints", "verified_subjects")
_STAT_TABLE = ActivityStat._meta.db_table


def _counters_add(bumps: dict[tuple[str, str], Counter[str]]) -> None:
    """Add to the counters of each (platform, district), creating the rows that do not exist yet.
    Keys in a fixed order, so that concurrent intakes lock rows in the same order (no deadlock)."""
    keys = sorted(bumps)
    if not _postgres():
        ActivityStat.objects.bulk_create(
            [ActivityStat(platform_id=platform_id, district_code=district) for platform_id, district in keys],
            ignore_conflicts=True,
        )
        for platform_id, district in keys:
            ActivityStat.objects.filter(platform_id=platform_id, district_code=district).update(
                **{name: F(name) + value for name, value in bumps[(platform_id, district)].items() if value}
            )
        return
    unknown = set().union(*bumps.values()) - set(_COUNTERS)
    if unknown:
        raise ValueError(f"no such counter: {sorted(unknown)}")
    # One upsert for all of them: a statement per district cost intake more than the counting.
    columns = ", ".join(_COUNTERS)
    arrays = ", ".join("%s::bigint[]" for _ in _COUNTERS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_STAT_TABLE} (platform_id, district_code, {columns}, updated_at) "  # noqa: S608
            f"SELECT platform_id, district_code, {columns}, %s FROM unnest(%s::text[], %s::text[], {arrays}) "
            f"AS v(platform_id, district_code, {columns}) "
            "ON CONFLICT (platform_id, district_code) DO UPDATE SET "
            + ", ".join(f"{name} = {_STAT_TABLE}.{name} + EXCLUDED.{name}" for name in _COUNTERS)
            + ", updated_at = EXCLUDED.updated_at",
            [timezone.now(), [platform_id for platform_id, _ in keys], [district for _, district in keys],
             *([bumps[key][name] for key in keys] for name in _COUNTERS)],
        )


_BY_ORDER = (order_created, order_state_changed, review_published)
# Intake groups the calls of these handlers per delivery and passes them to ``facts_apply``.
for _handler in (subject_registered, subject_verified, listing_published, order_created, order_state_changed,
                 order_refunded, review_published, complaint_filed, complaint_resolved):
    _handler.apply_many = facts_apply  # type: ignore[attr-defined]


@dataclass(slots=True)
class _Order:
    """An order as ``facts_apply`` reads and writes it (plain data: no model instance per row)."""

    pk: int | None
    platform_id: str
    order_id: str
    state: str
    amount_fen: int
    category: str = ""
    district_code: str = ""
    customer_key: str = ""
    provider_key: str = ""
    listing_id: str = ""


_ORDER_TABLE = OrderFact._meta.db_table


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _orders_lock(*, platform_id: str, order_ids: set[str]) -> list[_Order]:
    """The platform's orders among ``order_ids``, locked for update."""
    if not _postgres():
        return [_Order(pk=order.pk, platform_id=platform_id, order_id=order.order_id, state=order.state,
                       amount_fen=order.amount_fen, category=order.category, provider_key=order.provider_key)
                for order in OrderFact.objects.select_for_update().filter(platform_id=platform_id,
                                                                          order_id__in=order_ids)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, order_id, state, amount_fen, category, provider_key FROM {_ORDER_TABLE} "  # noqa: S608
                       "WHERE platform_id = %s AND order_id = ANY(%s::text[]) FOR UPDATE",
                       [platform_id, sorted(order_ids)])
        return [_Order(pk=pk, platform_id=platform_id, order_id=order_id, state=state, amount_fen=amount,
                       category=category, provider_key=provider)
                for pk, order_id, state, amount, category, provider in cursor.fetchall()]


_ORDER_COLUMNS = ("platform_id", "order_id", "category", "district_code", "amount_fen", "state", "customer_key",
                  "provider_key", "listing_id", "created_at", "updated_at")


def _orders_insert(orders: list[_Order]) -> None:
    """New orders (none of them exists: each was looked for under the lock): COPY on PostgreSQL."""
    now = timezone.now()
    if not _postgres():
        OrderFact.objects.bulk_create(
            [OrderFact(platform_id=o.platform_id, order_id=o.order_id, category=o.category,
                       district_code=o.district_code, amount_fen=o.amount_fen, state=o.state,
                       customer_key=o.customer_key, provider_key=o.provider_key, listing_id=o.listing_id)
             for o in orders],
            batch_size=500,
        )
        return
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {_ORDER_TABLE} ({', '.join(_ORDER_COLUMNS)}) FROM STDIN"
    ) as copy:
        for o in orders:
            copy.write_row((o.platform_id, o.order_id, o.category, o.district_code, o.amount_fen, o.state,
                            o.customer_key, o.provider_key, o.listing_id, now, now))


def _orders_update(orders: list[_Order]) -> None:
    """Write the new state and amount of existing orders: one statement over arrays."""
    now = timezone.now()
    if not _postgres():
        updated = []
        for o in orders:
            updated.append(OrderFact(pk=o.pk, state=o.state, amount_fen=o.amount_fen, updated_at=now))
        OrderFact.objects.bulk_update(updated, ["state", "amount_fen", "updated_at"], batch_size=500)
        return
    orders = sorted(orders, key=lambda o: o.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_ORDER_TABLE} AS o SET state = v.state, amount_fen = v.amount_fen, updated_at = %s "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::text[], %s::bigint[]) AS v(id, state, amount_fen) WHERE o.id = v.id",
            [now, [o.pk for o in orders], [o.state for o in orders], [o.amount_fen for o in orders]],
        )


# ---- the day grain ---------------------------------------------------------------------------------------------

DAILY_COUNTERS = ("listings_published", "orders", "completed", "cancelled", "turnover_fen", "refunds_fen",
                  "complaints", "complaints_resolved", "complaints_resolved_in_time", "ratings", "rating_sum",
                  "deposits_held_fen", "deposits_returned_fen", "deposits_deducted_fen")
_DAILY_KEY = ("day", "platform_id", "district_code", "sector")
_DAILY_TABLE = DailyStat._meta.db_table
_PARTY_TABLE = DailyParty._meta.db_table
_PARTY_KEY = ("day", "platform_id", "district_code", "sector", "role", "party_key")


def _upsert(table: str, key: tuple[str, ...], types: tuple[str, ...], columns: tuple[str, ...], rows: list[tuple],
            *, added: tuple[str, ...], coalesced: tuple[str, ...] = ()) -> None:
    """Insert ``rows`` (key then columns), adding ``added`` columns to those of an existing row and keeping
    an existing ``coalesced`` value where the new one is NULL. One statement over arrays on PostgreSQL."""
    names = (*key, *columns)
    sets = ", ".join([*(f"{name} = {table}.{name} + EXCLUDED.{name}" for name in added),
                      *(f"{name} = COALESCE(EXCLUDED.{name}, {table}.{name})" for name in coalesced)])
    conflict = f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}"
    with connection.cursor() as cursor:
        if _postgres():
            arrays = ", ".join(f"%s::{kind}[]" for kind in types)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(names)}) SELECT * FROM unnest({arrays}) {conflict}",  # noqa: S608
                [list(column) for column in zip(*rows, strict=True)])
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('%s' for _ in names)}) "  # noqa: S608
                f"{conflict.replace('EXCLUDED.', 'excluded.')}", rows)


def _daily_add(stats: dict[tuple[dt.date, str, str, str], Counter[str]]) -> None:
    unknown = set().union(*stats.values()) - set(DAILY_COUNTERS)
    if unknown:
        raise ValueError(f"no such counter: {sorted(unknown)}")
    keys = sorted(stats)  # a fixed order: concurrent intakes lock rows in the same order
    _upsert(_DAILY_TABLE, _DAILY_KEY, ("date", "text", "text", "text", *("bigint" for _ in DAILY_COUNTERS)),
            DAILY_COUNTERS, [(*key, *(stats[key][name] for name in DAILY_COUNTERS)) for key in keys],
            added=DAILY_COUNTERS)


def _is_person(kind: str | None) -> bool | None:
    return None if kind is None else kind == "person"


def _parties_add(parties: dict[tuple, list[int]], *, kinds: dict[tuple[str, str], str]) -> None:
    """Add the parties' orders and income; a party's kind is the one reported in this delivery, else the one
    the hub's facts hold (the platform's last report), else unknown."""
    unknown: dict[str, set[str]] = defaultdict(set)
    for _day, platform_id, _district, _sector, _role, key in parties:
        if (platform_id, key) not in kinds:
            unknown[platform_id].add(key)
    known = dict(kinds)
    for platform_id, keys in unknown.items():
        for key, kind in subject_kinds(platform_id=platform_id, subject_keys=keys).items():
            known[(platform_id, key)] = kind
    rows = [(*key, _is_person(known.get((key[1], key[5]))), *parties[key]) for key in sorted(parties)]
    _upsert(_PARTY_TABLE, _PARTY_KEY, ("date", "text", "text", "text", "text", "text", "boolean", "bigint", "bigint"),
            ("is_person", "orders", "income_fen"), rows, added=("orders", "income_fen"), coalesced=("is_person",))


def _kinds_write(kinds: dict[tuple[str, str], str]) -> None:
    """A subject's kind, as just reported, on every day it was active (a kind learnt after its first orders)."""
    keys = sorted(kinds)
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f"UPDATE {_PARTY_TABLE} AS p SET is_person = v.is_person "  # noqa: S608
                "FROM unnest(%s::text[], %s::text[], %s::boolean[]) AS v(platform_id, party_key, is_person) "
                "WHERE p.platform_id = v.platform_id AND p.party_key = v.party_key "
                "AND p.is_person IS DISTINCT FROM v.is_person",
                [[p for p, _ in keys], [k for _, k in keys], [_is_person(kinds[key]) for key in keys]])
        else:
            cursor.executemany(
                f"UPDATE {_PARTY_TABLE} SET is_person = %s WHERE platform_id = %s AND party_key = %s "  # noqa: S608
                "AND is_person IS NOT %s",
                [(_is_person(kinds[key]), *key, _is_person(kinds[key])) for key in keys])


def _clocks_write(clocks: list[ComplaintClock]) -> None:
    ComplaintClock.objects.bulk_create([clock for clock in clocks if clock.pk is None], batch_size=500)
    ComplaintClock.objects.bulk_update([clock for clock in clocks if clock.pk is not None],
                                       ["sector", "filed_on", "resolved_on"], batch_size=500)
