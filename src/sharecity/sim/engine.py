"""The city simulator: an agent-based synthetic city that drives the real market services.

People (consumers and providers) live in districts in proportion to the census; providers
list services on the city's platforms; consumers order them with the rhythms of ``cities``;
orders go through their transaction processes (pay, cancel, accept or decline, ship, check in,
return, deduct), people review each other and complain, platforms answer and resolve, rentals'
deposits are returned, providers are paid out every night. Misconduct is injected at the
configured rates and each instance is labelled (``MisconductLabel``) with its ground truth.

Everything goes through the market's services and the exchange: after each simulated hour the
simulator takes the market's timers, publishes due reviews, then pumps the exchange in process
(relay, hub intake, downlink), so the hub sees what platforms reported, dated in simulated time
(``sim.clock``). The hub is written to only by a regulator's service (the serious-dishonesty list).

One ``random.Random(seed)`` makes every choice, people and listings are iterated in a fixed order
and ids are seeded (``sim.clock``): the same seed, start and options give the same database.
Memory stays bounded: only the people, the listings and the pending actions of live orders are
held; events are counted, not kept.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from sharecity.kernel.errors import ShareCityError
from sharecity.kernel.ids import credit_code_with_check_char, resident_id_with_check_digit
from sharecity.kernel.models import User
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.sim import cities
from sharecity.sim.clock import SimClock, simulation
from sharecity.sim.models import MisconductKind, MisconductLabel, SimRun

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
MAX_DAYS = 3660
MAX_SCALE = 1000.0
# People and orders in proportion to the census times this: at 0.25 a Xiamen month is some 1,100 orders
# and 8,000 events, about 230 CPU-seconds on SQLite (docs/dev/simulator.md).
DEFAULT_SCALE = 0.25

# Demo texts of each leaf (title, description, price in fen) come from the demo's marketplace.
REVIEW_TEXTS = {
    5: ("非常满意，和描述一致，下次还来。", "服务周到，准时守约。", "体验很好，推荐给邻居。"),
    4: ("整体不错，有小瑕疵。", "服务可以，沟通顺畅。"),
    3: ("一般，价格偏高。", "基本符合描述，略有等待。"),
    2: ("不太满意，与描述有出入。",),
    1: ("很失望，和页面描述差距很大。",),
}
PROVIDER_REVIEW_TEXTS = ("买家守时，沟通顺畅。", "客户很有礼貌，爱惜物品。", "准时付款，好客户。")
COMPLAINTS = (
    ("not_as_described", "实际情况和页面描述不一致，照片与实物差别很大。", "refund"),
    ("access", "到了现场无法使用，联系服务方也没有回应。", "refund"),
    ("price", "结算时多收了费用，和下单时的价格不一致。", "refund"),
    ("other", "服务人员迟到了一个多小时，也没有提前告知。", "apology"),
    ("safety", "设施存在安全隐患，插座外露，希望平台处理。", "fix"),
)
RING_REVIEWS = ("宝贝太好了！五星好评！", "卖家超级好，强烈推荐！", "完美！下次还买！", "非常非常满意，好评！")
RING_STOCK = 200
# A service failure lasts this long and turns this share of the orders used then into complaints.
FAILURE_DAYS = 7
FAILURE_COMPLAINT_SHARE = 0.6
# A late return is recorded this many days after the end of use.
DEPOSIT_DELAY_DAYS = (6.0, 12.0)
REMOVAL_REASONS = ("房源与实际情况严重不符，经核实予以下架", "存在虚假宣传，平台依规则下架",
                   "多次被投诉且未整改，平台下架")


class SimError(ValueError):
    """A run's options are not usable; ``option`` names the one at fault."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option
        self.message = message


@dataclass
class Options:
    days: int
    seed: int
    city: str = "xiamen"
    scale: float = DEFAULT_SCALE
    start: dt.date | None = None
    misconduct: dict[str, float] = field(default_factory=dict)

    def check(self) -> None:
        if isinstance(self.days, bool) or not isinstance(self.days, int) or not 1 <= self.days <= MAX_DAYS:
            raise SimError("--days", f"a whole number of days from 1 to {MAX_DAYS}")
        if self.city not in cities.CITIES:
            raise SimError("--city", f"one of {', '.join(sorted(cities.CITIES))}")
        if not isinstance(self.scale, int | float) or not math.isfinite(self.scale) or not 0 < self.scale <= MAX_SCALE:
            raise SimError("--scale", f"a number above 0 and at most {MAX_SCALE:g}")
        unknown = sorted(set(self.misconduct) - set(cities.MISCONDUCT_DEFAULTS))
        if unknown:
            raise SimError("--misconduct", f"unknown kind {unknown[0]!r}; known: "
                           + ", ".join(sorted(cities.MISCONDUCT_DEFAULTS)))
        for name, value in self.misconduct.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                    or not 0 <= value <= 1000:
                raise SimError("--misconduct", f"{name} must be a number from 0 to 1000")
        for share in ("deposit_kept_share", "deposit_delayed_share"):
            if self.misconduct.get(share, 0) > 1:
                raise SimError("--misconduct", f"{share} is a share from 0 to 1")
        today = timezone.now().astimezone(CITY_TZ).date()
        if self.start is not None and self.start + dt.timedelta(days=self.days) > today:
            raise SimError("--start", "the simulated history must end by today (start + days <= today)")
        if self.start is not None and self.start < today - dt.timedelta(days=MAX_DAYS):
            raise SimError("--start", f"at most {MAX_DAYS} days ago")

    def rates(self) -> dict[str, float]:
        return {**cities.MISCONDUCT_DEFAULTS, **self.misconduct}


@dataclass
class Summary:
    run: SimRun
    events: Counter
    misconduct: Counter
    relayed: int
    applied: int
    seconds: float
    refusals: Counter = field(default_factory=Counter)

    @property
    def total_events(self) -> int:
        return sum(self.events.values())

    @property
    def events_per_second(self) -> float:
        return self.total_events / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        run = self.run
        lines = [f"Simulated {run.days} days of {cities.CITIES[run.city].name} ({run.city}) from {run.start_day}, "
                 f"seed {run.seed}, scale {run.scale:g}: run {run.pk}.",
                 f"Events: {self.total_events} in {self.seconds:.1f} s ({self.events_per_second:.0f} events/s)."]
        lines += [f"  {kind:<28} {count}" for kind, count in sorted(self.events.items())]
        if self.refusals:
            lines.append("Refused by the market (service: reason):")
            lines += [f"  {reason:<48} {count}" for reason, count in sorted(self.refusals.items())]
        lines.append(f"Misconduct labelled: {sum(self.misconduct.values())}")
        lines += [f"  {kind:<28} {count}" for kind, count in sorted(self.misconduct.items())]
        lines.append(f"Exchange: {self.relayed} facts relayed, {self.applied} applied at the hub.")
        return "\n".join(lines)


@dataclass
class Person:
    user: User
    district: str
    number: str = ""  # resident ID (providers)


@dataclass
class Place:
    """A platform of the run, its operator and its listings by leaf."""

    platform: object
    profile: cities.PlatformProfile
    operator: User
    listings: dict[str, list[int]] = field(default_factory=dict)  # leaf -> listing pks


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _legal_name(user: User) -> str:
    return "模拟" + user.username.rsplit("-", 1)[-1]


def _round_price(fen: float) -> int:
    step = 100 if fen >= 2000 else 10
    return max(step, round(fen / step) * step)


class City:
    """One run of the simulation (use ``simulate``)."""

    def __init__(self, *, run: SimRun, options: Options, clock: SimClock,
                 progress: Callable[[int, dict], None] | None = None) -> None:
        self.run, self.options, self.clock = run, options, clock
        # Runs are numbered in the database (not by primary key, which PostgreSQL does not roll back).
        self.number = SimRun.objects.filter(pk__lt=run.pk).count() + 1
        self.profile = cities.CITIES[options.city]
        self.rng = random.Random(options.seed)
        self.rates = options.rates()
        self.events: Counter = Counter()
        self.misconduct: Counter = Counter()
        self.refusals: Counter = Counter()  # refused service calls by the error's code
        self.relayed = self.applied = 0
        self.progress = progress
        self.actions: list = []
        self.sequence = itertools.count()
        self.places: dict[str, Place] = {}
        self.consumers: dict[str, list[Person]] = {}
        self.providers: list[Person] = []
        self.people = itertools.count(1)
        self.districts = [code for code, _population in self.profile.districts]
        self.district_weights = list(itertools.accumulate(population for _code, population in self.profile.districts))
        self.leaf_place: dict[str, str] = {leaf: place.key for place in self.profile.platforms for leaf in place.leaves}
        self.tampered: set[int] = set()  # listings a misconduct scenario is using
        self.deposit_kept: set[int] = set()  # orders whose provider will keep the deposit
        # (platform pk, district) → the service failure under way there: its label and its last moment.
        self.failures: dict[tuple[int, str], tuple[MisconductLabel, dt.datetime]] = {}
        self.ring_orders: dict[int, dict] = {}
        self.transport = None

    # --- helpers ---------------------------------------------------------------------------------

    def at(self, moment: dt.datetime, kind: str, *args) -> None:
        """Schedule an agent's action."""
        heapq.heappush(self.actions, (moment, next(self.sequence), kind, args))

    def count(self, kind: str, n: int = 1) -> None:
        self.events[kind] += n

    def try_(self, event: str, call: Callable, /, *args, **kwargs):
        """Call a service; a refusal is an event too (people are refused things)."""
        try:
            with transaction.atomic():
                result = call(*args, **kwargs)
        except ShareCityError as error:
            self.count(f"refused:{event}")
            self.refusals[f"{event}: {getattr(error, 'code', '') or type(error).__name__}"] += 1
            return None
        self.count(event)
        return result

    def district(self) -> str:
        return self.districts[bisect.bisect_right(self.district_weights,
                                                  self.rng.random() * self.district_weights[-1])]

    def label(self, kind: str, *, place: Place, listing=None, order=None, person: User | None = None,
              party_key: str = "", details: dict | None = None) -> MisconductLabel:
        self.misconduct[kind] += 1
        return MisconductLabel.objects.create(
            run=self.run, kind=kind, platform_slug=place.platform.slug,
            listing_ref=str(listing.public_id) if listing is not None else "",
            order_ref=str(order.public_id) if order is not None else "",
            account_ref=str(person.public_id) if person is not None else "", party_key=party_key,
            occurred_at=self.clock.now, details=details or {})

    def new_user(self, role: str) -> User:
        n = next(self.people)
        return User.objects.create_user(f"sim{self.number}-{role}{n}", password=None,
                                        display_name=f"{self.profile.name}{role}{n}")

    def resident_id(self, n: int) -> str:
        born = dt.date(1970, 1, 1) + dt.timedelta(days=(n * 7919) % 10_900)
        return resident_id_with_check_digit(f"{self.profile.id_region}{born:%Y%m%d}{n % 1000:03d}")

    # --- the city is built -----------------------------------------------------------------------

    def build(self) -> None:
        from sharecity.market.catalog.models import Category
        from sharecity.market.catalog.services import catalog_seed, platform_category_enable
        from sharecity.market.platforms.services import operator_add, platform_create

        catalog_seed()
        scale = self.options.scale
        tops = {c.code: c for c in Category.objects.filter(parent__isnull=True, is_active=True).order_by("code")}
        for index, spec in enumerate(self.profile.platforms, start=1):
            serial = f"91{self.profile.credit_region}MA{self.number % 100:02d}{index:05d}"[:17]
            operator = self.new_user("operator")
            platform = platform_create(
                actor=None, slug=f"sim{self.number}-{self.profile.key}-{spec.key}", name=spec.name,
                credit_code=credit_code_with_check_char(serial),
                sectors=sorted({tops[code].sector for code in spec.tops if code in tops}),
                city_code=self.profile.code)
            operator_add(actor=None, platform=platform, user=operator)
            for code in spec.tops:
                if code in tops:
                    platform_category_enable(actor=operator, platform=platform, category=tops[code], enabled=True,
                                             with_children=True)
            self.places[spec.key] = Place(platform=platform, profile=spec, operator=operator)
            self.count("platform_create")
        population = self.profile.population * scale
        for _n in range(max(20, round(population / cities.RESIDENTS_PER_CONSUMER))):
            person = Person(user=self.new_user("c"), district=self.district())
            self.consumers.setdefault(person.district, []).append(person)
        self.count("consumer_join", sum(len(people) for people in self.consumers.values()))
        weights = {leaf: profile.weight for leaf, profile in cities.LEAVES.items() if leaf in self.leaf_place}
        leaves = sorted(weights)
        for n in range(max(len(leaves), round(population / cities.RESIDENTS_PER_PROVIDER))):
            leaf = leaves[n] if n < len(leaves) else self.rng.choices(leaves, [weights[x] for x in leaves])[0]
            provider = self.provider_new(self.places[self.leaf_place[leaf]])
            if provider is None:
                continue
            for _listing in range(self.rng.choice((1, 1, 2, 3))):
                self.listing_new(provider, leaf)
                if self.rng.random() < 0.5:
                    other = self.rng.choice(leaves)
                    if self.leaf_place[other] == self.leaf_place[leaf]:
                        leaf = other
        self.pump()

    def provider_new(self, place: Place, *, district: str | None = None) -> Person | None:
        from sharecity.market.accounts.services import provider_verify

        user = self.new_user("p")
        number = self.resident_id(next(self.people))
        profile = self.try_("provider_verify", provider_verify, actor=user, user=user, kind="person",
                            legal_name=_legal_name(user), id_number=number, platform=place.platform)
        if profile is None:
            return None
        person = Person(user=user, district=district or self.district(), number=number)
        self.providers.append(person)
        return person

    def listing_text(self, leaf: str, district: str) -> tuple[str, str, int]:
        from sharecity.kernel.districts import district_name
        from sharecity.sim.demo_market import LEAF_LISTINGS

        title, description, price = LEAF_LISTINGS[leaf][:3]
        name = district_name(district)
        title = title.replace("鼓浪屿", name).replace("思明区", name).replace("厦门", self.profile.name[:2])
        description = description.replace("鼓浪屿", name).replace("思明区", name).replace("厦门", self.profile.name[:2])
        return f"{name} {title}"[:80], description, price

    def listing_new(self, provider: Person, leaf: str, *, title: str | None = None, description: str | None = None,
                    price_fen: int | None = None, licences: dict | None = None, capacity: int | None = None):
        from sharecity.market.catalog.models import Category
        from sharecity.market.listings.services import listing_create, listing_submit
        from sharecity.sim.demo_market import LEAF_LISTINGS, attributes_for, licences_for

        place = self.places[self.leaf_place[leaf]]
        category = Category.objects.get(code=leaf)
        default_title, default_description, base = self.listing_text(leaf, provider.district)
        process = category.default_process
        listing = self.try_(
            "listing_create", listing_create, actor=provider.user, platform=place.platform, provider=provider.user,
            category=category, title=title or default_title, description=description or default_description,
            attributes=attributes_for(category=category, platform=place.platform, given=LEAF_LISTINGS[leaf][3]),
            licences=licences_for(category=category, platform=place.platform) if licences is None else licences,
            district_code=provider.district,
            price_fen=price_fen or _round_price(base * self.rng.uniform(0.6, 1.6)), price_unit=category.default_unit,
            capacity=capacity or cities.LEAVES[leaf].stock, deposit_fen=50_000 if process == "rental_deposit" else 0,
            deposit_refund_days=3 if process == "rental_deposit" else 0)
        if listing is None:
            return None
        listing = self.try_("listing_submit", listing_submit, actor=provider.user, listing=listing)
        if listing is not None and listing.status == "published":
            place.listings.setdefault(leaf, []).append(listing.pk)
        return listing

    # --- the exchange and the market's clocks ------------------------------------------------------

    def pump(self) -> None:
        from sharecity.exchange.downlink import downlink_pump
        from sharecity.exchange.relay import relay_pump
        from sharecity.hub.intake.services import intake_pump
        from sharecity.hub.registry.keys import hub_public_keys
        from sharecity.market.directives.services import directives_receive

        for _round in range(1000):
            sent = relay_pump(transport=self.transport).sent
            report = intake_pump(transport=self.transport)
            down = downlink_pump(transport=self.transport, hub_receipt_keys=hub_public_keys,
                                 on_directives=directives_receive)
            self.relayed += sent
            self.applied += report.applied
            if not (sent or report.applied or report.duplicate or report.quarantined or down.directives
                    or down.receipts):
                break

    def sweep(self) -> None:
        from sharecity.market.availability.services import holds_expire, missed_release
        from sharecity.market.orders.services import timers_fire
        from sharecity.market.reviews.services import reviews_publish_due

        now = self.clock.now
        holds_expire(now=now)
        missed_release(now=now)
        self.count("timer", timers_fire(now=now, limit=1000))
        self.count("review_publish", reviews_publish_due(now=now))

    def payouts(self) -> None:
        from sharecity.market.payments.services import payout_run

        for key in sorted(self.places):
            self.count("payout", len(payout_run(platform=self.places[key].platform)))

    # --- orders ----------------------------------------------------------------------------------

    def slot(self, leaf: str, day: dt.date) -> tuple[dt.datetime | None, dt.datetime | None, int]:
        profile = cities.LEAVES[leaf]
        from sharecity.market.catalog.models import Category

        unit = Category.objects.filter(code=leaf).values_list("default_unit", flat=True).first()
        units = self.rng.randint(*profile.units)
        if unit == "hour":
            start = dt.datetime.combine(day, dt.time(self.rng.choice(profile.use_hours)), tzinfo=CITY_TZ)
            return start, start + units * HOUR, units
        if unit in ("day", "night"):
            start = dt.datetime.combine(day, dt.time(0), tzinfo=CITY_TZ)
            return start, start + units * DAY, units
        if unit == "month":
            from sharecity.market.availability.slots import add_months

            start = dt.datetime.combine(day, dt.time(0), tzinfo=CITY_TZ)
            return start, dt.datetime.combine(add_months(day, units), dt.time(0), tzinfo=CITY_TZ), units
        return None, None, 1

    def demand(self, hour_start: dt.datetime) -> None:
        """The orders placed in this hour, at random minutes."""
        local = hour_start.astimezone(CITY_TZ)
        daily = self.profile.population * self.options.scale / cities.RESIDENTS_PER_DAILY_ORDER
        total_weight = sum(cities.LEAVES[leaf].weight for leaf in self.leaf_place)
        for leaf in sorted(self.leaf_place):
            profile = cities.LEAVES[leaf]
            hours = cities.HOURS[profile.hours]
            mean = (daily * profile.weight / total_weight * cities.WEEK[profile.week][local.weekday()]
                    * hours[local.hour] / sum(hours))
            for _n in range(_poisson(self.rng, mean)):
                self.at(hour_start + dt.timedelta(minutes=self.rng.randrange(60)), "order", leaf)

    def consumer(self, district: str | None = None) -> Person:
        if district and district in self.consumers and self.rng.random() < 0.7:
            return self.rng.choice(self.consumers[district])
        return self.rng.choice(self.consumers[self.rng.choice(sorted(self.consumers))])

    def listing(self, leaf: str):
        from sharecity.market.listings.models import Listing

        pks = self.places[self.leaf_place[leaf]].listings.get(leaf) or []
        if not pks:
            return None
        pk = self.rng.choice(pks)
        listing = Listing.objects.select_related("platform", "category", "provider").get(pk=pk)
        if listing.status != "published":
            pks.remove(pk)
            return None
        return listing

    def act_order(self, leaf: str) -> None:
        from sharecity.market.orders.services import order_place

        listing = self.listing(leaf)
        if listing is None:
            return
        customer = self.consumer(listing.district_code).user
        profile = cities.LEAVES[leaf]
        today = self.clock.now.astimezone(CITY_TZ).date()
        day = today + dt.timedelta(days=self.rng.randint(*profile.lead_days))
        starts_at, ends_at, _units = self.slot(leaf, day)
        if starts_at is not None and starts_at <= self.clock.now:
            day += DAY
            starts_at, ends_at, _units = self.slot(leaf, day)
        order = self.try_("order_place", order_place, actor=customer, platform=listing.platform, listing=listing,
                          customer=customer, starts_at=starts_at, ends_at=ends_at)
        if order is None:
            return
        roll = self.rng.random()
        if roll < 0.03:
            self.at(self.clock.now + dt.timedelta(minutes=self.rng.randint(1, 10)), "step", order.pk, "abandon", "c")
        elif roll < 0.07:
            pass  # never paid: the payment window's timer expires it
        else:
            self.at(self.clock.now + dt.timedelta(minutes=self.rng.randint(1, 10)), "pay", order.pk)

    def order(self, pk: int):
        from sharecity.market.orders.models import Order

        return Order.objects.select_related("platform", "listing", "customer", "provider").filter(pk=pk).first()

    def act_step(self, pk: int, transition: str, side: str, data: dict | None = None):
        from sharecity.market.orders.services import order_transition

        order = self.order(pk)
        if order is None:
            return None
        actor = order.customer if side == "c" else order.provider if side == "p" else None
        if side == "o":
            actor = self.places_by_platform()[order.platform_id].operator
        return self.try_(f"order_{transition}", order_transition, actor=actor, order=order, transition=transition,
                         **(data or {}))

    def places_by_platform(self) -> dict[int, Place]:
        return {place.platform.pk: place for place in self.places.values()}

    def after_use(self, order, *, end: dt.datetime, ring: bool = False) -> None:
        """Reviews and complaints once an order is done."""
        if ring:
            return
        if self.rng.random() < 0.6:
            self.at(end + dt.timedelta(hours=self.rng.uniform(2, 72)), "review", order.pk, "c")
        if self.rng.random() < 0.3:
            self.at(end + dt.timedelta(hours=self.rng.uniform(2, 96)), "review", order.pk, "p")
        complains = self.rng.random() < 0.04
        failure = self.failures.get((order.platform_id, order.listing.district_code))
        if failure is not None and not complains and end <= failure[1] and self.rng.random() < FAILURE_COMPLAINT_SHARE:
            complains = True
        if complains:
            self.at(end + dt.timedelta(hours=self.rng.uniform(1, 48)), "complain", order.pk)
        if failure is not None and end <= failure[1]:
            label = failure[0]
            label.details["orders"].append(str(order.public_id))
            label.details["complained" if complains else "not_complained"] += 1
            label.save(update_fields=["details"])

    def act_pay(self, pk: int) -> None:
        order = self.act_step(pk, "pay", "c")
        if order is None:
            return
        now, process = self.clock.now, order.process
        starts_at = order.starts_at or now
        ends_at = order.ends_at or starts_at
        roll = self.rng.random()
        if process == "request_to_book":
            if roll < 0.05:
                self.at(now + dt.timedelta(hours=self.rng.uniform(0.2, 8)), "step", pk, "decline", "p")
                return
            if roll < 0.08:
                return  # the provider does not answer: the request expires
            self.at(now + dt.timedelta(hours=self.rng.uniform(0.2, 8)), "accepted", pk)
            return
        if process == "purchase_delivery":
            if roll < 0.03:
                self.at(now + dt.timedelta(hours=self.rng.uniform(0.5, 6)), "step", pk, "cancel", "c")
                return
            self.at(now + dt.timedelta(hours=self.rng.uniform(0.5, 30)), "ship", pk)
            return
        if process == "rental_deposit":
            self.at(max(starts_at, now) + dt.timedelta(hours=self.rng.uniform(1, 10)), "step", pk, "pick_up", "c")
            if roll < self.rates["deposit_delayed_share"]:
                self.deposit_delay(order, ends_at=ends_at)
                return
            self.at(ends_at + dt.timedelta(hours=self.rng.uniform(1, 12)), "returned", pk)
            return
        self.confirmed(order)

    def deposit_delay(self, order, *, ends_at: dt.datetime) -> None:
        """The item comes back on time, but the provider records the return days late: the deposit, refunded by
        the market's timer only once the return is recorded, is held past the end of use plus the refund days."""
        from sharecity.market.accounts.selectors import party_key

        returned_at = ends_at + dt.timedelta(days=self.rng.uniform(*DEPOSIT_DELAY_DAYS))
        self.at(returned_at, "returned", order.pk)
        self.label(MisconductKind.DEPOSIT_DELAYED, place=self.places_by_platform()[order.platform_id],
                   listing=order.listing, order=order, person=order.provider, party_key=party_key(order.provider),
                   details={"deposit_fen": order.deposit_fen, "ends_at": ends_at.isoformat(),
                            "return_recorded_at": returned_at.isoformat(),
                            "refund_days": order.listing.deposit_refund_days})

    def confirmed(self, order) -> None:
        """A confirmed booking: cancelled by one side now and then, checked in, then completed by its timer."""
        now = self.clock.now
        starts_at, ends_at = order.starts_at or now, order.ends_at or now
        roll = self.rng.random()
        if roll < 0.06 and starts_at - now > HOUR:
            self.at(now + (starts_at - now - HOUR) * self.rng.random(), "step", order.pk, "customer_cancel", "c")
            return
        if roll < 0.075 and starts_at > now:
            self.at(now + (starts_at - now) * self.rng.random(), "step", order.pk, "provider_cancel", "p")
            return
        if self.rng.random() < 0.5:
            self.at(max(starts_at, now) + dt.timedelta(minutes=self.rng.randint(0, 20)), "step", order.pk,
                    "check_in", "c")
        self.after_use(order, end=ends_at)

    def act_accepted(self, pk: int) -> None:
        order = self.act_step(pk, "accept", "p")
        if order is not None:
            self.confirmed(order)

    def act_ship(self, pk: int) -> None:
        order = self.act_step(pk, "ship", "p", {"tracking_no": f"SF{self.rng.randrange(10**11, 10**12)}"})
        if order is None:
            return
        ring = pk in self.ring_orders
        if ring or self.rng.random() < 0.85:
            self.at(self.clock.now + dt.timedelta(hours=self.rng.uniform(6, 96)), "receive", pk)
        self.after_use(order, end=self.clock.now + dt.timedelta(days=2), ring=ring)

    def act_receive(self, pk: int) -> None:
        order = self.act_step(pk, "confirm_receipt", "c")
        if order is not None and pk in self.ring_orders:
            self.ring_reviews(order)

    def act_returned(self, pk: int) -> None:
        order = self.act_step(pk, "return", "p")
        if order is None:
            return
        if pk in self.deposit_kept or self.rng.random() < self.rates["deposit_kept_share"]:
            self.at(self.clock.now + dt.timedelta(hours=self.rng.uniform(1, 24)), "keep_deposit", pk)
        elif self.rng.random() < 0.85:
            self.at(self.clock.now + dt.timedelta(hours=self.rng.uniform(1, 24)), "step", pk, "report_no_damage", "p")
        # otherwise the provider does nothing and the deadline's timer returns the deposit
        self.after_use(order, end=self.clock.now)

    def act_review(self, pk: int, side: str) -> None:
        from sharecity.market.reviews.services import review_submit

        order = self.order(pk)
        if order is None or order.completed_at is None:
            return
        if side == "c":
            rating = self.rng.choices((5, 4, 3, 2, 1), (55, 25, 10, 6, 4))[0]
            comment = self.rng.choice(REVIEW_TEXTS[rating])
            self.try_("review_customer", review_submit, actor=order.customer, order=order, rating=rating,
                      comment=comment)
        else:
            self.try_("review_provider", review_submit, actor=order.provider, order=order,
                      rating=self.rng.choices((5, 4, 3), (70, 25, 5))[0],
                      comment=self.rng.choice(PROVIDER_REVIEW_TEXTS))

    # --- complaints --------------------------------------------------------------------------------

    def act_complain(self, pk: int) -> None:
        from sharecity.market.complaints.services import complaint_file_order

        order = self.order(pk)
        if order is None:
            return
        category, description, remedy = self.rng.choice(COMPLAINTS)
        complaint = self.try_("complaint_file", complaint_file_order, actor=order.customer, order=order,
                              category=category, description=description, remedy=remedy)
        if complaint is None:
            return
        roll = self.rng.random()
        if roll < 0.1:  # never answered: the complainant escalates once the platform's time is up
            self.at(complaint.answer_due_at + dt.timedelta(hours=self.rng.uniform(1, 24)), "escalate", complaint.pk)
        elif roll < 0.2:  # answered late
            self.at(complaint.answer_due_at + dt.timedelta(hours=self.rng.uniform(1, 24)), "answer", complaint.pk)
        else:
            late = max(dt.timedelta(minutes=30), (complaint.answer_due_at - self.clock.now) * self.rng.random())
            self.at(self.clock.now + late, "answer", complaint.pk)

    def complaint(self, pk: int):
        from sharecity.market.complaints.models import Complaint

        return Complaint.objects.select_related("platform", "complainant", "order").filter(pk=pk).first()

    def act_answer(self, pk: int) -> None:
        from sharecity.market.complaints.services import complaint_answer

        complaint = self.complaint(pk)
        if complaint is None:
            return
        answer = self.rng.choice(("explanation", "refund_offered", "compensation_offered", "forwarded_to_provider",
                                  "rejected"))
        operator = self.places_by_platform()[complaint.platform_id].operator
        done = self.try_("complaint_answer", complaint_answer, actor=operator, complaint=complaint, answer=answer,
                         text="平台已核实情况并与服务方沟通，处理意见如下。")
        if done is None:
            return
        later = self.clock.now + dt.timedelta(hours=self.rng.uniform(1, 48))
        if self.rng.random() < 0.75:
            self.at(later, "accept_answer", pk)
        else:
            self.at(later, "refuse_answer", pk)

    def act_accept_answer(self, pk: int) -> None:
        from sharecity.market.complaints.services import complaint_accept

        complaint = self.complaint(pk)
        if complaint is not None:
            self.try_("complaint_accept", complaint_accept, actor=complaint.complainant, complaint=complaint)

    def act_refuse_answer(self, pk: int) -> None:
        from sharecity.market.complaints.services import complaint_refuse

        complaint = self.complaint(pk)
        if complaint is None or self.try_("complaint_refuse", complaint_refuse, actor=complaint.complainant,
                                          complaint=complaint) is None:
            return
        later = self.clock.now + dt.timedelta(hours=self.rng.uniform(1, 48))
        self.at(later, "escalate" if self.rng.random() < 0.6 else "resolve", pk)

    def act_escalate(self, pk: int) -> None:
        from sharecity.market.complaints.services import complaint_escalate

        complaint = self.complaint(pk)
        if complaint is not None and self.try_("complaint_escalate", complaint_escalate, actor=complaint.complainant,
                                               complaint=complaint) is not None:
            self.at(self.clock.now + dt.timedelta(days=self.rng.uniform(1, 5)), "resolve", pk)

    def act_resolve(self, pk: int) -> None:
        from sharecity.market.complaints.services import complaint_resolve

        complaint = self.complaint(pk)
        if complaint is not None:
            self.try_("complaint_resolve", complaint_resolve, actor=self.places_by_platform()[
                complaint.platform_id].operator, complaint=complaint,
                outcome=self.rng.choice(("upheld", "partly_upheld", "rejected", "settled")), note="协商处理完毕")

    # --- prices that vary ---------------------------------------------------------------------------

    def reprice(self) -> None:
        from sharecity.market.listings.models import Listing
        from sharecity.market.listings.services import listing_update

        for key in sorted(self.places):
            for leaf in sorted(self.places[key].listings):
                for pk in list(self.places[key].listings[leaf]):
                    if pk in self.tampered or self.rng.random() >= 0.03:
                        continue
                    listing = Listing.objects.select_related("platform", "category", "provider").get(pk=pk)
                    price = _round_price(listing.price_fen * self.rng.uniform(0.85, 1.15))
                    if listing.status == "published" and price != listing.price_fen:
                        self.try_("listing_price_change", listing_update, actor=listing.provider, listing=listing,
                                  price_fen=price)

    # --- misconduct -------------------------------------------------------------------------------

    def rings_build(self) -> None:
        from sharecity.market.accounts.selectors import party_key

        count = self.rates["fake_review_rings"]
        rings = 0 if count <= 0 else max(1, round(count * self.options.scale))
        place = self.places["life"]
        self.rings: list[list[tuple[Person, int]]] = []
        for ring_no in range(rings):
            members = []
            for _member in range(max(2, int(self.rates["ring_size"]))):
                person = self.provider_new(place)
                if person is None:
                    continue
                # A ring's items never run out: they exist to be "sold" to the ring.
                listing = self.listing_new(person, "second_hand", capacity=RING_STOCK)
                if listing is not None and listing.status == "published":
                    listing_pk = listing.pk
                    place.listings["second_hand"].remove(listing_pk)  # the ring's listings are for the ring
                    self.tampered.add(listing_pk)
                    members.append((person, listing_pk))
            if len(members) >= 2:
                self.rings.append(members)
                self.ring_keys = getattr(self, "ring_keys", {})
                self.ring_keys[ring_no] = sorted(party_key(person.user) for person, _pk in members)

    def ring_day(self, day_start: dt.datetime) -> None:
        for ring_no, members in enumerate(getattr(self, "rings", [])):
            for _n in range(_poisson(self.rng, self.rates["ring_orders_per_day"])):
                buyer, seller = self.rng.sample(members, 2)
                self.at(day_start + dt.timedelta(minutes=self.rng.randrange(8 * 60, 23 * 60)), "ring_order",
                        ring_no, buyer[0].user.pk, seller[1])

    def act_ring_order(self, ring_no: int, buyer_pk: int, listing_pk: int) -> None:
        from sharecity.market.listings.models import Listing
        from sharecity.market.orders.services import order_place

        listing = Listing.objects.select_related("platform", "category", "provider").get(pk=listing_pk)
        buyer = User.objects.get(pk=buyer_pk)
        order = self.try_("order_place", order_place, actor=buyer, platform=listing.platform, listing=listing,
                          customer=buyer)
        if order is None:
            return
        self.ring_orders[order.pk] = {"ring": ring_no}
        self.at(self.clock.now + dt.timedelta(minutes=self.rng.randint(1, 5)), "pay", order.pk)

    def ring_reviews(self, order) -> None:
        from sharecity.market.accounts.selectors import party_key
        from sharecity.market.reviews.services import review_submit

        first = self.try_("review_customer", review_submit, actor=order.customer, order=order, rating=5,
                          comment=self.rng.choice(RING_REVIEWS))
        second = self.try_("review_provider", review_submit, actor=order.provider, order=order, rating=5,
                           comment=self.rng.choice(RING_REVIEWS))
        ring_no = self.ring_orders.pop(order.pk)["ring"]
        self.label(MisconductKind.FAKE_REVIEW_RING, place=self.places["life"], listing=order.listing, order=order,
                   person=order.provider, party_key=party_key(order.provider), details={
                       "ring": ring_no, "members": self.ring_keys[ring_no],
                       "customer_key": party_key(order.customer), "reviews": int(first is not None)
                       + int(second is not None), "rating": 5})

    def misconduct_day(self, day_start: dt.datetime) -> None:
        """Schedule the day's misconduct at random moments of the day."""
        self.ring_day(day_start)
        for kind, rate in (("price_raise", "price_fraud_per_day"), ("unlicensed", "unlicensed_homestays_per_day"),
                           ("remove_for_repost", "reposts_per_day"), ("service_failure", "service_failures_per_day"),
                           ("cancellation_wave", "cancellation_waves_per_day")):
            for _n in range(_poisson(self.rng, self.rates[rate])):
                self.at(day_start + dt.timedelta(minutes=self.rng.randrange(8 * 60, 22 * 60)), kind)

    def any_listing(self, *, leaves: tuple[str, ...] | None = None):
        from sharecity.market.listings.models import Listing

        pool = sorted((leaf, pk) for place in self.places.values() for leaf, pks in place.listings.items()
                      for pk in pks if pk not in self.tampered and (leaves is None or leaf in leaves))
        if not pool:
            return None, None
        leaf, pk = self.rng.choice(pool)
        listing = Listing.objects.select_related("platform", "category", "provider").get(pk=pk)
        return (leaf, listing) if listing.status == "published" else (None, None)

    def act_price_raise(self) -> None:
        from sharecity.market.accounts.selectors import party_key
        from sharecity.market.listings.services import listing_update

        leaf, listing = self.any_listing()
        if listing is None:
            return
        original = listing.price_fen
        raised = _round_price(original * self.rng.uniform(1.3, 1.8))
        updated = self.try_("listing_price_change", listing_update, actor=listing.provider, listing=listing,
                            price_fen=raised)
        if updated is None:
            return
        self.tampered.add(listing.pk)
        place = self.places[self.leaf_place[leaf]]
        label = self.label(MisconductKind.PRICE_FRAUD, place=place, listing=listing, person=listing.provider,
                           party_key=party_key(listing.provider), details={
                               "original_fen": original, "raised_fen": raised,
                               "raised_at": self.clock.now.isoformat(), "discounted_fen": None,
                               "discounted_at": None, "title_before": listing.title})
        self.at(self.clock.now + dt.timedelta(hours=self.rng.uniform(24, 6 * 24)), "price_discount", label.pk)

    def act_price_discount(self, label_pk: int) -> None:
        from sharecity.market.listings.models import Listing
        from sharecity.market.listings.services import listing_update

        label = MisconductLabel.objects.get(pk=label_pk)
        listing = Listing.objects.select_related("platform", "category", "provider").get(
            public_id=label.listing_ref)
        discounted = _round_price(label.details["original_fen"] * self.rng.uniform(0.95, 1.05))
        title = ("限时折扣 " + listing.title)[:80]
        if self.try_("listing_price_change", listing_update, actor=listing.provider, listing=listing,
                     price_fen=discounted, title=title) is None:
            return
        percent = round(100 * (1 - discounted / label.details["raised_fen"]))
        label.details.update({"discounted_fen": discounted, "discounted_at": self.clock.now.isoformat(),
                              "title_after": title, "claimed_discount_percent": percent})
        label.save(update_fields=["details"])

    def act_unlicensed(self) -> None:
        from sharecity.market.accounts.selectors import party_key

        place = self.places["stay"]
        provider = self.provider_new(place)
        if provider is None:
            return
        invented = self.rng.random() < 0.5
        # The lodging category asks the special-industry licence (《旅馆业治安管理办法》第四条); this host has none:
        # either leaves it out, or types a number no police bureau issued.
        licences = {"special_industry_licence": f"闽公特旅字第{self.rng.randrange(10**5, 10**6)}号"} if invented else {}
        listing = self.listing_new(provider, "homestay", licences=licences)
        if listing is None:
            return
        self.tampered.add(listing.pk)  # no other scenario takes it over: its label stays true
        self.label(MisconductKind.UNLICENSED_HOMESTAY, place=place, listing=listing, person=provider.user,
                   party_key=party_key(provider.user), details={
                       "licence": "invented" if invented else "missing", "market_status": listing.status,
                       "market_reason": listing.status_reason[:500]})

    def act_keep_deposit(self, pk: int) -> None:
        from sharecity.market.accounts.selectors import party_key

        order = self.order(pk)
        if order is None:
            return
        done = self.act_step(pk, "report_damage", "p", {"deduction_fen": order.deposit_fen,
                                                        "reason": "设备有损坏，押金全部扣除"})
        if done is None:
            return
        self.label(MisconductKind.DEPOSIT_KEPT, place=self.places_by_platform()[order.platform_id],
                   listing=order.listing, order=order, person=order.provider, party_key=party_key(order.provider),
                   details={"deposit_fen": order.deposit_fen, "deducted_fen": order.deposit_fen,
                            "cause": "none: the item came back undamaged", "market_state": done.state})

    def act_remove_for_repost(self) -> None:
        from sharecity.market.listings.services import listing_remove

        leaf, listing = self.any_listing(leaves=("homestay", "short_rental", "house_cleaning", "second_hand",
                                                 "second_hand_electronics", "offpeak_parking"))
        if listing is None:
            return
        place = self.places[self.leaf_place[leaf]]
        reason = self.rng.choice(REMOVAL_REASONS)
        if self.try_("listing_remove", listing_remove, actor=place.operator, listing=listing, reason=reason) is None:
            return
        self.tampered.add(listing.pk)
        place.listings[leaf].remove(listing.pk)
        self.at(self.clock.now + dt.timedelta(hours=self.rng.uniform(12, 5 * 24)), "repost", listing.pk, reason)

    def act_repost(self, removed_pk: int, reason: str) -> None:
        from sharecity.market.accounts.selectors import party_key
        from sharecity.market.listings.models import Listing
        from sharecity.market.listings.services import listing_create, listing_submit

        removed = Listing.objects.select_related("platform", "category", "provider").get(pk=removed_pk)
        place = self.places_by_platform()[removed.platform_id]
        listing = self.try_(
            "listing_create", listing_create, actor=removed.provider, platform=removed.platform,
            provider=removed.provider, category=removed.category, title=removed.title,
            description=removed.description, attributes=removed.attributes, licences=removed.licences,
            district_code=removed.district_code, address=removed.address, price_fen=removed.price_fen,
            price_unit=removed.price_unit, capacity=removed.capacity, deposit_fen=removed.deposit_fen,
            deposit_refund_days=removed.deposit_refund_days)
        if listing is None:
            return
        listing = self.try_("listing_submit", listing_submit, actor=removed.provider, listing=listing) or listing
        self.tampered.add(listing.pk)
        self.label(MisconductKind.REPOSTED_LISTING, place=place, listing=listing, person=removed.provider,
                   party_key=party_key(removed.provider), details={
                       "removed_listing": str(removed.public_id), "removal_reason": reason,
                       "removed_at": removed.updated_at.isoformat() if hasattr(removed, "updated_at") else None,
                       "same_title": True, "same_description": True, "market_status": listing.status})

    def act_service_failure(self) -> None:
        """A platform's service fails in one district for a week (a subcontractor walks off, a dispatch system
        breaks): most of the orders used there in that week end in a complaint (``after_use``)."""
        from sharecity.market.listings.models import Listing

        place = self.places[self.rng.choice(sorted(self.places))]
        pks = sorted(pk for pks in place.listings.values() for pk in pks)
        if not pks:
            return
        # Where the platform has its providers: a listing drawn at random gives the district.
        district = Listing.objects.filter(pk=self.rng.choice(pks)).values_list("district_code", flat=True).first()
        if not district:
            return
        key = (place.platform.pk, district)
        if key in self.failures and self.failures[key][1] > self.clock.now:
            return
        until = self.clock.now + FAILURE_DAYS * DAY
        label = self.label(MisconductKind.SERVICE_FAILURE, place=place, details={
            "platform_id": place.platform.exchange_id, "district": district, "from": self.clock.now.isoformat(),
            "until": until.isoformat(), "orders": [], "complained": 0, "not_complained": 0})
        self.failures[key] = (label, until)

    def act_cancellation_wave(self) -> None:
        """A platform's providers in one district cancel their confirmed bookings on one day (say, to let the
        rooms again at a holiday's prices): the district where the platform has most bookings ahead."""
        from django.db.models import Count

        from sharecity.market.accounts.selectors import party_key
        from sharecity.market.orders.models import Order

        place = self.places[self.rng.choice(sorted(self.places))]
        ahead = Order.objects.filter(platform=place.platform, state="confirmed",
                                     starts_at__gt=self.clock.now + HOUR).exclude(pk__in=list(self.ring_orders))
        busiest = (ahead.values("listing__district_code").annotate(n=Count("pk"))
                   .order_by("-n", "listing__district_code").first())
        if busiest is None or busiest["n"] < self.rates["cancellation_wave_min_bookings"]:
            return
        district = busiest["listing__district_code"]
        cancelled = []
        for pk in ahead.filter(listing__district_code=district).order_by("pk").values_list("pk", flat=True):
            order = self.act_step(pk, "provider_cancel", "p")
            if order is not None:
                cancelled.append(order)
        if not cancelled:
            return
        self.label(MisconductKind.CANCELLATION_WAVE, place=place, person=cancelled[0].provider,
                   party_key=party_key(cancelled[0].provider), details={
                       "platform_id": place.platform.exchange_id, "district": district,
                       "day": self.clock.now.astimezone(CITY_TZ).date().isoformat(),
                       "orders": [str(order.public_id) for order in cancelled],
                       "providers": len({order.provider_id for order in cancelled})})

    def blacklist(self) -> None:
        """Officers of the city put people on the serious-dishonesty list before they try to onboard."""
        from sharecity.exchange.pseudonyms import party_key_for_identity
        from sharecity.hub.publicity.services import list_entry_add
        from sharecity.hub.registry.services import regulator_profile_set

        count = int(self.rates["blacklisted_providers"])
        if count <= 0:
            return
        officer = self.new_user("officer")
        regulator_profile_set(actor=None, user=officer, department=self.profile.regulator_department,
                              department_kind="development_reform", city_code=self.profile.code)
        today = self.clock.now.astimezone(CITY_TZ).date()
        self.blacklisted: list[tuple[User, str]] = []
        for _n in range(count):
            user = self.new_user("p")
            number = self.resident_id(next(self.people))
            list_entry_add(actor=officer, credit_list="black", subject_kind="person",
                           subject_identifier=party_key_for_identity(number),
                           legal_basis="《失信行为纠正后的信用信息修复管理办法》; 国家发展改革委令2025年第36号",
                           decided_on=today, effective_on=today, expires_on=today + dt.timedelta(days=3 * 365),
                           reason="严重失信：虚构房源骗取预订款，拒不退还", measures=["不得注册为平台服务提供者"])
            self.count("regulator_list_add")
            self.blacklisted.append((user, number))
        self.pump()  # credit_list.changed reaches the platforms through the exchange
        last = max(1, self.options.days * 24 - 1)
        for index in range(len(self.blacklisted)):
            self.at(self.clock.now + HOUR * self.rng.randint(1, last), "onboard", index)

    def act_onboard(self, index: int) -> None:
        from sharecity.exchange.pseudonyms import party_key_for_identity
        from sharecity.market.accounts.services import provider_verify

        user, number = self.blacklisted[index]
        place = self.places[self.rng.choice(sorted(self.places))]
        try:
            with transaction.atomic():
                provider_verify(actor=user, user=user, kind="person", legal_name=_legal_name(user), id_number=number,
                                platform=place.platform)
        except ShareCityError as error:
            self.count("refused:provider_verify")
            outcome, reason, code = "refused", str(error.message), getattr(error, "code", "")
        else:
            self.count("provider_verify")
            outcome, reason, code = "accepted", "", ""
        self.label(MisconductKind.BLACKLISTED_ONBOARDING, place=place, person=user,
                   party_key=party_key_for_identity(number), details={
                       "attempt": "provider_verify", "market_outcome": outcome, "refusal_code": code,
                       "refusal_reason": reason})

    # --- the run ---------------------------------------------------------------------------------

    HANDLERS = {
        "order": act_order, "pay": act_pay, "accepted": act_accepted, "ship": act_ship, "receive": act_receive,
        "returned": act_returned, "review": act_review, "complain": act_complain, "answer": act_answer,
        "accept_answer": act_accept_answer, "refuse_answer": act_refuse_answer, "escalate": act_escalate,
        "resolve": act_resolve, "ring_order": act_ring_order, "price_raise": act_price_raise,
        "price_discount": act_price_discount, "unlicensed": act_unlicensed, "keep_deposit": act_keep_deposit,
        "remove_for_repost": act_remove_for_repost, "repost": act_repost, "onboard": act_onboard,
        "service_failure": act_service_failure, "cancellation_wave": act_cancellation_wave,
        "step": act_step,
    }

    def play(self, start: dt.datetime, end: dt.datetime) -> None:
        hour = start
        hours = 0
        while hour < end:
            local = hour.astimezone(CITY_TZ)
            if local.hour == 0:
                self.misconduct_day(hour)
                self.reprice()
            if local.hour == 2:
                self.payouts()
            self.demand(hour)
            following = hour + HOUR
            while self.actions and self.actions[0][0] < following:
                moment, _seq, kind, args = heapq.heappop(self.actions)
                self.clock.set(moment)
                self.HANDLERS[kind](self, *args)
            self.clock.set(following - dt.timedelta(seconds=1))
            self.sweep()
            self.pump()
            hour = following
            hours += 1
            if self.progress is not None:
                self.progress(hours, {"events": sum(self.events.values()),
                                      "misconduct": sum(self.misconduct.values())})


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=CITY_TZ)


def simulate(options: Options, *, progress: Callable[[int, dict], None] | None = None,
             transport=None) -> Summary:
    """Run the simulation; ``progress(hours_done, counts)`` is called after each simulated hour."""
    options.check()
    today = timezone.now().astimezone(CITY_TZ).date()
    first = options.start or today - dt.timedelta(days=options.days)
    started = time.monotonic()
    run = SimRun.objects.create(seed=options.seed, city=options.city, scale=options.scale, days=options.days,
                                start_day=first, started_at=timezone.now(),
                                parameters={"misconduct": options.rates(), "start": first.isoformat()})
    start, end = day_start(first), day_start(first + dt.timedelta(days=options.days))
    with simulation(seed=options.seed, start=start) as clock:
        city = City(run=run, options=options, clock=clock, progress=progress)
        city.transport = transport
        city.build()
        city.rings_build()
        city.blacklist()
        city.play(start, end)
        clock.set(end - dt.timedelta(seconds=1))
        city.sweep()
        city.pump()
    seconds = time.monotonic() - started
    summary = Summary(run=run, events=city.events, misconduct=city.misconduct, relayed=city.relayed,
                      applied=city.applied, seconds=seconds, refusals=city.refusals)
    run.finished_at = timezone.now()
    run.events = dict(sorted(city.events.items()))
    run.misconduct = dict(sorted(city.misconduct.items()))
    run.relayed, run.applied = city.relayed, city.applied
    run.events_per_second = round(summary.events_per_second, 1)
    run.save()
    return summary
