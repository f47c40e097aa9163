"""The warning rules: plain functions of the facts (``feed.Facts``), a rule's parameters (a
``RuleSetting``'s ``params``) and the moment of the scan, each returning ``Finding``s. No ORM here;
``services.warnings_scan`` turns findings into warnings. Each rule's source is cited in ``policy``
and beside the rule.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sharecity.hub.warnings.feed import Facts, Listing, Order
from sharecity.kernel.districts import DISTRICTS
from sharecity.kernel.timeutil import CITY_TZ

DAY = dt.timedelta(days=1)


@dataclass
class Finding:
    rule: str
    subject_kind: str
    subject_ref: str
    platform_id: str
    district_code: str
    city_code: str
    explanation: dict
    evidence: list[dict]
    dedupe_key: str
    severity: str = ""  # empty: the setting's severity
    at: dt.datetime | None = None  # when what was found happened (picks the setting in effect)
    extra: dict = field(default_factory=dict)


def city_of(district: str) -> str:
    return DISTRICTS[district].city_code if district in DISTRICTS else ""


def _day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CITY_TZ).date()


def _yuan(fen: int) -> str:
    return f"{fen / 100:.2f}"


def _most(values) -> str:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else ""


# --- complaint rate far above its own baseline (厦府办〔2019〕13号, 风险预警) ----------------------------------


def complaint_rate(facts: Facts, params: dict, now: dt.datetime) -> list[Finding]:
    """For each platform, category (the market's root code) and district of a city: the complaints per order
    of the last ``window_days`` against its own rate over the ``baseline_days`` before, raised when at least
    ``min_complaints`` complaints and ``ratio`` times the baseline rate (a baseline with no complaints counts
    as one, so a first handful is not infinitely above it)."""
    window, baseline = params["window_days"] * DAY, params["baseline_days"] * DAY
    start, base_start = now - window, now - window - baseline
    orders: Counter = Counter()
    complaints: Counter = Counter()
    evidence: dict = defaultdict(list)

    def dims(platform_id: str, category: str, district: str):
        city = city_of(district)
        if not city:
            return []
        return [("platform", platform_id, city, ""), ("category", category.split(".", 1)[0], city, ""),
                ("district", district, city, district)]

    for order in facts.orders.values():
        if order.created_at is None or order.created_at < base_start or order.created_at >= now:
            continue
        period = "w" if order.created_at >= start else "b"
        for dim in dims(order.platform_id, order.category, order.district):
            orders[dim, period] += 1
    for complaint in facts.complaints:
        if complaint.at < base_start or complaint.at >= now:
            continue
        period = "w" if complaint.at >= start else "b"
        for dim in dims(complaint.platform_id, complaint.category, complaint.district):
            complaints[dim, period] += 1
            if period == "w":
                evidence[dim].append(complaint)
    findings = []
    week = now.astimezone(CITY_TZ).isocalendar()
    for (dim, period), count in sorted(complaints.items()):
        if period != "w" or count < params["min_complaints"] or orders[dim, "w"] < params["min_orders"]:
            continue
        rate = count / orders[dim, "w"]
        base_rate = max(complaints[dim, "b"], 1) / max(orders[dim, "b"], params["min_orders"])
        if rate < params["ratio"] * base_rate:
            continue
        kind, ref, city, district = dim
        platform = ref if kind == "platform" else ""
        zh = (f"近{params['window_days']}天投诉率 {rate:.1%}（{count} 件投诉 / {orders[dim, 'w']} 笔订单），"
              f"是此前{params['baseline_days']}天自身基线 {base_rate:.1%} 的 {rate / base_rate:.1f} 倍"
              f"（阈值 {params['ratio']} 倍）。")
        en = (f"Complaint rate over the last {params['window_days']} days is {rate:.1%} ({count} complaints / "
              f"{orders[dim, 'w']} orders), {rate / base_rate:.1f} times its own baseline of {base_rate:.1%} "
              f"over the {params['baseline_days']} days before (threshold {params['ratio']}×).")
        findings.append(Finding(
            rule="complaint_rate", subject_kind=kind, subject_ref=ref, platform_id=platform, district_code=district,
            city_code=city, explanation={"zh": zh, "en": en}, at=now,
            evidence=[{"kind": "complaint", "ref": f"{c.platform_id}/{c.complaint_id}",
                       "description": f"{_day(c.at)} {c.category} order {c.order_id}"} for c in evidence[dim][:50]],
            dedupe_key=f"complaint_rate:{city}:{kind}:{ref}:{week.year}-W{week.week:02d}"))
    return findings


# --- a discount from a price not held for seven days ---------------------------------------------------------
# 《规范促销行为暂行规定》(总局令第32号) 第十九条: a discount with no stated base is measured from the lowest
# price of the seven days before the promotion; 《明码标价和禁止价格欺诈规定》(总局令第56号) 第十三条 (the
# comparison price may not exceed that lowest price) and 第十九条第(三)项 (a false discount is price fraud).


def false_discount(facts: Facts, params: dict, now: dt.datetime) -> list[Finding]:
    """A price raised by at least ``min_raise_percent`` and then cut by at least ``min_drop_percent`` within
    ``window_days``: the cut is a "discount" from a price that was not the lowest of the seven days before it."""
    window = params["window_days"] * DAY
    findings = []
    for listing in facts.listings.values():
        prices = sorted(listing.prices)
        for i in range(1, len(prices)):
            raised_at, raised = prices[i]
            before = prices[i - 1][1]
            if before <= 0 or raised < before * (1 + params["min_raise_percent"] / 100):
                continue
            for cut_at, cut in prices[i + 1:]:
                if cut_at - raised_at >= window or cut_at > now:
                    break
                if cut <= raised * (1 - params["min_drop_percent"] / 100):
                    lowest = _lowest_before(prices, cut_at, window)
                    findings.append(_false_discount(listing, before, raised, raised_at, cut, cut_at, lowest, params))
                    break
    return findings


def _lowest_before(prices: list[tuple[dt.datetime, int]], moment: dt.datetime, window: dt.timedelta) -> int:
    """The lowest price in effect at any time in the ``window`` before ``moment`` (a price is in effect from
    its change to the next)."""
    in_effect = [price for k, (since, price) in enumerate(prices) if since < moment
                 and (k + 1 == len(prices) or prices[k + 1][0] > moment - window)]
    return min(in_effect)


def _false_discount(listing: Listing, before: int, raised: int, raised_at: dt.datetime, cut: int,
                    cut_at: dt.datetime, lowest: int, params: dict) -> Finding:
    claimed = round(100 * (1 - cut / raised))
    days = (cut_at - raised_at).total_seconds() / 86400
    zh = (f"房源/商品价格于 {_day(raised_at)} 由 {_yuan(before)} 元提高到 {_yuan(raised)} "
          f"元（+{round(100 * (raised / before - 1))}%），"
          f"{days:.1f} 天后于 {_day(cut_at)} 降到 {_yuan(cut)} 元，相当于\u201c优惠 {claimed}%\u201d"
          f"；但降价前七日内最低价为 "
          f"{_yuan(lowest)} 元，降价基准未满七日（总局令第32号第十九条；总局令第56号第十三条、第十九条第(三)项）。")
    en = (f"The price was raised on {_day(raised_at)} from {_yuan(before)} to {_yuan(raised)} yuan and cut "
          f"{days:.1f} days later, on {_day(cut_at)}, to {_yuan(cut)} yuan, a 'discount' of {claimed}%; but the "
          f"lowest price of the seven days before the cut was {_yuan(lowest)} yuan: the discount's base was not "
          f"held for seven days (SAMR Order 73 Art. 19; SAMR Order 56 Arts. 13 and 19(3)).")
    ref = f"{listing.platform_id}/{listing.listing_id}"
    return Finding(
        rule="false_discount", subject_kind="listing", subject_ref=listing.listing_id, platform_id=listing.platform_id,
        district_code=listing.district, city_code=city_of(listing.district), explanation={"zh": zh, "en": en},
        at=cut_at, evidence=[
            {"kind": "listing.changed", "ref": ref, "description": f"{raised_at.isoformat()} "
                                           f"price {before} → {raised} fen"},
            {"kind": "listing.changed", "ref": ref, "description": f"{cut_at.isoformat()} price {raised} → {cut} fen"}],
        dedupe_key=f"false_discount:{ref}:{cut_at.isoformat()}")


# --- rings of accounts that buy from and review each other ----------------------------------------------------
# 《反不正当竞争法》第八条; 《网络交易监督管理办法》(总局令第37号) 第十四条 (fake transactions and reviews).


def review_ring(facts: Facts, params: dict, now: dt.datetime) -> list[Finding]:
    """Accounts on one platform that are each other's customers and providers: a pair with orders both ways is
    mutual; connected groups of mutual pairs of at least ``min_members`` accounts with at least
    ``min_mutual_orders`` orders among them are raised, one warning per account."""
    pairs: dict[tuple[str, str, str], list[Order]] = defaultdict(list)
    for order in facts.orders.values():
        if order.customer_key and order.provider_key and order.customer_key != order.provider_key \
                and order.created_at is not None and order.created_at <= now:
            pairs[order.platform_id, order.customer_key, order.provider_key].append(order)
    reviews = defaultdict(list)
    for review in facts.reviews:
        reviews[review.platform_id, review.order_id].append(review)
    neighbours: dict[tuple[str, str], set[str]] = defaultdict(set)
    for platform_id, customer, provider in pairs:
        if (platform_id, provider, customer) in pairs:
            neighbours[platform_id, customer].add(provider)
    findings = []
    seen: set[tuple[str, str]] = set()
    for start in sorted(neighbours):
        if start in seen:
            continue
        platform_id, members = start[0], set()
        todo = [start[1]]
        while todo:
            key = todo.pop()
            if key in members:
                continue
            members.add(key)
            todo.extend(neighbours[platform_id, key] - members)
        seen |= {(platform_id, key) for key in members}
        orders = [o for (pid, c, p), os in pairs.items() if pid == platform_id and c in members and p in members
                  for o in os]
        if len(members) < params["min_members"] or len(orders) < params["min_mutual_orders"]:
            continue
        ring_reviews = [r for o in orders for r in reviews[platform_id, o.order_id]]
        five = sum(1 for r in ring_reviews if r.rating == 5)
        district = _most(o.district for o in orders)
        for key in sorted(members):
            zh = (f"账户与同平台另外 {len(members) - 1} 个账户互为买卖双方：{len(members)} 个账户之间共 "
                  f"{len(orders)} 笔订单、"
                  f"{len(ring_reviews)} 条评价（其中五星 {five} 条），疑似互相刷单刷评。")
            en = (f"The account and {len(members) - 1} other accounts of the platform buy from and sell to each other: "
                  f"{len(orders)} orders and {len(ring_reviews)} reviews ({five} five-star) among {len(members)} "
                  f"accounts, a likely ring of fake orders and reviews.")
            findings.append(Finding(
                rule="review_ring", subject_kind="account", subject_ref=key, platform_id=platform_id,
                district_code=district, city_code=city_of(district), explanation={"zh": zh, "en": en}, at=now,
                evidence=[{"kind": "order", "ref": f"{o.platform_id}/{o.order_id}",
                           "description": f"{o.customer_key[:12]}… → {o.provider_key[:12]}…, ratings "
                           + (",".join(str(r.rating) for r in reviews[platform_id, o.order_id]) or "—")}
                          for o in sorted(orders, key=lambda o: o.order_id)[:50]],
                extra={"members": sorted(members)},
                dedupe_key=f"review_ring:{platform_id}:{key}"))
    return findings


# --- homestays without a lodging licence (《旅馆业治安管理办法》第四条) ----------------------------------------


def unlicensed_homestay(facts: Facts, params: dict, now: dt.datetime, *, licensed: set[tuple[str, str]]
                        ) -> list[Finding]:
    """Live homestay listings whose provider holds no licence of the city's register (``licensed``: (city
    code, holder key) of the licences valid now). The exchange carries no licence number: the register,
    imported from the public security bureau, is what the hub checks against."""
    findings = []
    categories = set(params["categories"])
    for listing in facts.listings.values():
        leaf = listing.category.rsplit(".", 1)[-1]
        city = city_of(listing.district)
        if not listing.published or (leaf not in categories and listing.category not in categories) or not city:
            continue
        if listing.removals and listing.removals[-1][0] >= listing.published[-1]:
            continue  # no longer live
        if (city, listing.provider_key) in licensed:
            continue
        zh = (f"民宿房源\u201c{listing.title}\u201d于 {_day(listing.published[0])} 上架，"
              f"其经营者在本市特种行业（旅馆业）"
              f"许可登记中没有有效许可证（《旅馆业治安管理办法》第四条）。")
        en = (f"The homestay listing '{listing.title}', live since {_day(listing.published[0])}, belongs to a provider "
              f"with no valid special-industry (lodging) licence in the city's register (Hotel Industry Public "
              f"Security Measures, Art. 4).")
        findings.append(Finding(
            rule="unlicensed_homestay", subject_kind="listing", subject_ref=listing.listing_id,
            platform_id=listing.platform_id, district_code=listing.district, city_code=city,
            explanation={"zh": zh, "en": en}, at=listing.published[0],
            evidence=[{"kind": "listing.published", "ref": f"{listing.platform_id}/{listing.listing_id}",
                       "description": f"{listing.published[0].isoformat()} {listing.category} provider "
                                      f"{listing.provider_key[:16]}…"}],
            dedupe_key=f"unlicensed_homestay:{listing.platform_id}/{listing.listing_id}"))
    return findings


# --- deposits (《电子商务法》第二十一条) ---------------------------------------------------------------------


def _deposit_evidence(order: Order) -> list[dict]:
    return [{"kind": "order", "ref": f"{order.platform_id}/{order.order_id}",
             "description": f"deposit held {order.deposit_held_fen} fen, returned {order.deposit_returned_fen}, "
                            f"deducted {order.deposit_deducted_fen}"
                            f"; ends {order.ends_at.isoformat() if order.ends_at else '—'}"
                            f"; settled {order.settled_at.isoformat() if order.settled_at else '—'}"}]


def deposit_overdue(facts: Facts, params: dict, now: dt.datetime) -> list[Finding]:
    """Deposits held and not settled (returned or deducted) within ``refund_days`` after the order's end,
    or settled only after that."""
    findings = []
    for order in facts.orders.values():
        if order.deposit_held_fen <= 0 or order.ends_at is None:
            continue
        due = order.ends_at + params["refund_days"] * DAY
        late = order.settled_at > due if order.settled_at is not None else now > due
        if not late:
            continue
        city = city_of(order.district)
        if not city:
            continue
        settled = (f"实际于 {_day(order.settled_at)} 才结算。" if order.settled_at else "至今未退还。")
        zh = (f"订单押金 {_yuan(order.deposit_held_fen)} 元应在使用结束后 {params['refund_days']} 天内"
              f"（{_day(due)} 前）退还或结算，{settled}（《电子商务法》第二十一条）")
        settled = (f"it was settled only on {_day(order.settled_at)}." if order.settled_at
                   else "it has not been returned.")
        en = (f"The order's deposit of {_yuan(order.deposit_held_fen)} yuan was due back within "
              f"{params['refund_days']} days of the end of use (by {_day(due)}); {settled} (E-Commerce Law Art. 21)")
        findings.append(Finding(
            rule="deposit_overdue", subject_kind="order", subject_ref=order.order_id, platform_id=order.platform_id,
            district_code=order.district, city_code=city, explanation={"zh": zh, "en": en}, at=due,
            evidence=_deposit_evidence(order), dedupe_key=f"deposit_overdue:{order.platform_id}/{order.order_id}"))
    return findings


def deposit_kept(facts: Facts, params: dict, now: dt.datetime) -> list[Finding]:
    """Deposits of which at least ``min_share_percent`` was kept (deducted); high severity when the same provider
    kept ``repeat_for_high`` or more."""
    kept = [o for o in facts.orders.values() if o.deposit_held_fen > 0 and o.settled_at is not None
            and o.settled_at <= now
            and o.deposit_deducted_fen * 100 >= params["min_share_percent"] * o.deposit_held_fen]
    by_provider = Counter((o.platform_id, o.provider_key) for o in kept)
    findings = []
    for order in kept:
        city = city_of(order.district)
        if not city:
            continue
        repeats = by_provider[order.platform_id, order.provider_key]
        zh = (f"服务方扣下订单全部押金 {_yuan(order.deposit_deducted_fen)} 元（{_day(order.settled_at)}）；"
              f"该服务方在本平台共有 {repeats} 笔订单押金被全额扣除。"
              f"请核实扣押金是否有正当理由（《电子商务法》第二十一条）。")
        en = (f"The provider kept the whole deposit of {_yuan(order.deposit_deducted_fen)} "
              f"yuan ({_day(order.settled_at)}); "
              f"the provider kept the whole deposit on {repeats} order(s) of this platform. Check that there was cause "
              f"(E-Commerce Law Art. 21).")
        findings.append(Finding(
            rule="deposit_kept", subject_kind="order", subject_ref=order.order_id, platform_id=order.platform_id,
            district_code=order.district, city_code=city, explanation={"zh": zh, "en": en}, at=order.settled_at,
            severity="high" if repeats >= params["repeat_for_high"] else "",
            evidence=_deposit_evidence(order), extra={"provider_key": order.provider_key},
            dedupe_key=f"deposit_kept:{order.platform_id}/{order.order_id}"))
    return findings


# --- a removed listing posted again (《电子商务法》第二十九条) ---------------------------------------------------


def _norm(title: str) -> str:
    return "".join(title.split()).lower()


def reposted_listing(facts: Facts, params: dict, now: dt.datetime) -> list[Finding]:
    """A listing published by a provider after the platform or an authority removed a listing of the same
    provider with the same title (or the same listing), within ``within_days``."""
    removed: dict[tuple[str, str, str], list[tuple[dt.datetime, Listing]]] = defaultdict(list)
    for listing in facts.listings.values():
        for at, by in listing.removals:
            if by in ("platform", "authority") and listing.provider_key:
                removed[listing.platform_id, listing.provider_key, _norm(listing.title)].append((at, listing))
    findings = []
    for listing in facts.listings.values():
        for published in listing.published:
            if published > now:
                continue
            earlier = [(at, old) for at, old in removed.get((listing.platform_id, listing.provider_key,
                                                              _norm(listing.title)), [])
                       if at < published and published - at <= params["within_days"] * DAY]
            if not earlier:
                continue
            at, old = max(earlier, key=lambda pair: pair[0])
            city = city_of(listing.district)
            if not city:
                continue
            same = old.listing_id == listing.listing_id
            by = "平台" if dict(old.removals).get(at) == "platform" else "主管部门"
            zh = (f"\u201c{listing.title}\u201d于 {_day(at)} 被{by}"
                  f"下架，"
                  f"同一经营者于 {_day(published)} 以{'同一房源/商品' if same else '新的房源/商品'}"
                  f"重新上架，标题相同。")
            en = (f"'{listing.title}' was removed on {_day(at)} and "
                  f"the same provider posted it again on {_day(published)} "
                  f"({'the same listing' if same else 'as a new listing'}, same title).")
            findings.append(Finding(
                rule="reposted_listing", subject_kind="listing", subject_ref=listing.listing_id,
                platform_id=listing.platform_id, district_code=listing.district, city_code=city,
                explanation={"zh": zh, "en": en}, at=published,
                evidence=[{"kind": "listing.removed", "ref": f"{old.platform_id}/{old.listing_id}",
                           "description": f"{at.isoformat()} removed"},
                          {"kind": "listing.published", "ref": f"{listing.platform_id}/{listing.listing_id}",
                           "description": f"{published.isoformat()} published, provider {listing.provider_key[:16]}…"}],
                dedupe_key=f"reposted_listing:{listing.platform_id}/{listing.listing_id}:{published.isoformat()}"))
    return findings


# --- bursts of cancellations (厦府办〔2019〕13号, 风险预警) ---------------------------------------------------------


def cancellation_burst(facts: Facts, params: dict, now: dt.datetime) -> list[Finding]:
    """A day on which a platform's cancellations in a district reach ``min_cancellations`` and ``ratio``
    times its daily mean over the ``baseline_days`` before (a mean below one counts as one)."""
    daily: Counter = Counter()
    orders_of: dict = defaultdict(list)
    for order in facts.orders.values():
        if order.cancelled_at is not None and order.cancelled_at <= now and order.district:
            key = (order.platform_id, order.district, _day(order.cancelled_at))
            daily[key] += 1
            orders_of[key].append(order)
    findings = []
    for (platform_id, district, day), count in sorted(daily.items()):
        if count < params["min_cancellations"]:
            continue
        base = sum(daily.get((platform_id, district, day - dt.timedelta(days=n)), 0)
                   for n in range(1, params["baseline_days"] + 1)) / params["baseline_days"]
        if count < params["ratio"] * max(base, 1.0):
            continue
        city = city_of(district)
        if not city:
            continue
        zh = (f"{day} 平台在本区取消订单 {count} 笔，是此前{params['baseline_days']}天日均 {base:.1f} 笔的"
              f" {count / max(base, 1.0):.1f} 倍（阈值 {params['ratio']} 倍）。")
        en = (f"On {day} the platform's orders in the district saw {count} cancellations, {count / max(base, 1.0):.1f} "
              f"times its daily mean of {base:.1f} over the {params['baseline_days']} days before "
              f"(threshold {params['ratio']}×).")
        findings.append(Finding(
            rule="cancellation_burst", subject_kind="platform", subject_ref=platform_id, platform_id=platform_id,
            district_code=district, city_code=city, explanation={"zh": zh, "en": en},
            at=dt.datetime.combine(day, dt.time(12), tzinfo=CITY_TZ),
            evidence=[{"kind": "order", "ref": f"{o.platform_id}/{o.order_id}",
                       "description": f"cancelled {o.cancelled_at.isoformat()}"} for o in orders_of[
                platform_id, district, day][:50]],
            dedupe_key=f"cancellation_burst:{platform_id}:{district}:{day}"))
    return findings


# --- the statistical detector: providers far from the crowd -----------------------------------------------------

FEATURES = {
    "mutual_share": ("互为买卖的订单占比", "share of orders with an account that also sold to the customer"),
    "own_purchases": ("本人作为买家的订单数", "orders the provider placed as a customer"),
    "five_star_share": ("收到五星评价占比", "share of five-star reviews received"),
    "deposit_kept_share": ("押金全额扣除占比", "share of deposits kept whole"),
    "max_price_jump": ("最大单次涨价幅度", "largest single price rise"),
    "complaints_per_order": ("每单投诉数", "complaints per order"),
    "cancel_share": ("取消订单占比", "share of orders cancelled"),
}


def robust_z(values: list[float]) -> list[float]:
    """(x - median) / (1.4826 × MAD), falling back to 1.2533 × the mean absolute deviation when more than
    half the values are equal (MAD 0); all zeros when every value is the same."""
    median = statistics.median(values)
    deviations = [abs(v - median) for v in values]
    scale = 1.4826 * statistics.median(deviations)
    if scale == 0:
        scale = 1.2533 * statistics.fmean(deviations)
    if scale == 0:
        return [0.0] * len(values)
    return [(v - median) / scale for v in values]


def provider_features(facts: Facts, now: dt.datetime) -> dict[tuple[str, str], dict[str, float]]:
    orders_by: dict[tuple[str, str], list[Order]] = defaultdict(list)
    bought: Counter = Counter()
    pairs = set()
    for order in facts.orders.values():
        if order.created_at is None or order.created_at > now or not order.provider_key:
            continue
        orders_by[order.platform_id, order.provider_key].append(order)
        bought[order.platform_id, order.customer_key] += 1
        pairs.add((order.platform_id, order.customer_key, order.provider_key))
    ratings: dict = defaultdict(list)
    order_provider = {(o.platform_id, o.order_id): o.provider_key for o in facts.orders.values()}
    for review in facts.reviews:
        if review.author_role == "customer":
            ratings[review.platform_id, order_provider.get((review.platform_id, review.order_id), "")].append(
                review.rating)
    complaints: Counter = Counter()
    for complaint in facts.complaints:
        complaints[complaint.platform_id, order_provider.get((complaint.platform_id, complaint.order_id), "")] += 1
    jumps: dict = defaultdict(float)
    for listing in facts.listings.values():
        prices = sorted(listing.prices)
        for (_t0, p0), (_t1, p1) in itertools.pairwise(prices):
            if p0 > 0:
                key = (listing.platform_id, listing.provider_key)
                jumps[key] = max(jumps[key], p1 / p0 - 1)
    features = {}
    for key, orders in orders_by.items():
        platform_id, provider = key
        n = len(orders)
        deposits = [o for o in orders if o.deposit_held_fen > 0 and o.settled_at is not None]
        features[key] = {
            "orders": float(n),
            "mutual_share": sum(1 for o in orders if (platform_id, provider, o.customer_key) in pairs) / n,
            "own_purchases": float(bought[platform_id, provider]),
            "five_star_share": (sum(1 for r in ratings[key] if r == 5) / len(ratings[key])) if ratings[key] else 0.0,
            "deposit_kept_share": (sum(1 for o in deposits if o.deposit_deducted_fen >= o.deposit_held_fen)
                                   / len(deposits)) if deposits else 0.0,
            "max_price_jump": jumps.get(key, 0.0),
            "complaints_per_order": complaints[key] / n,
            "cancel_share": sum(1 for o in orders if o.cancelled_at is not None) / n,
        }
    return features


def outlier(facts: Facts, params: dict, now: dt.datetime) -> list[Finding]:
    """Providers (with at least ``min_orders`` orders) whose robust z-score on a feature (``FEATURES``) reaches
    ``z`` among the providers of their platform (at least ``min_providers`` of them), on the high side."""
    features = provider_features(facts, now)
    by_platform: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for (platform_id, provider), values in features.items():
        if values["orders"] >= params["min_orders"]:
            by_platform[platform_id].append((provider, values))
    districts: dict = defaultdict(list)
    for order in facts.orders.values():
        districts[order.platform_id, order.provider_key].append(order.district)
    findings = []
    month = now.astimezone(CITY_TZ).strftime("%Y-%m")
    for platform_id, rows in sorted(by_platform.items()):
        if len(rows) < params["min_providers"]:
            continue
        flagged: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
        for name in FEATURES:
            values = [row[name] for _p, row in rows]
            for (provider, row), z in zip(rows, robust_z(values), strict=True):
                if z >= params["z"] and math.isfinite(z):
                    flagged[provider].append((name, row[name], z))
        for provider, hits in sorted(flagged.items()):
            district = _most(districts[platform_id, provider])
            city = city_of(district)
            if not city:
                continue
            zh = "服务方以下指标远离本平台其他服务方（稳健 z 分数）：" + "；".join(
                f"{FEATURES[n][0]} {v:.2f}（z={z:.1f}）" for n, v, z in hits) + "。规则未必覆盖，请人工核查。"
            en = "The provider stands far from the platform's other providers (robust z-score) on: " + "; ".join(
                f"{FEATURES[n][1]} {v:.2f} (z={z:.1f})" for n, v, z in hits) + ". No rule may cover it: have a look."
            findings.append(Finding(
                rule="outlier", subject_kind="account", subject_ref=provider, platform_id=platform_id,
                district_code=district, city_code=city, explanation={"zh": zh, "en": en}, at=now,
                evidence=[{"kind": "feature", "ref": n, "description": f"{v:.3f}, z {z:.1f} "
                                                 f"among {len(rows)} providers"}
                          for n, v, z in hits],
                dedupe_key=f"outlier:{platform_id}:{provider}:{month}"))
    return findings


RULES = {
    "complaint_rate": complaint_rate,
    "false_discount": false_discount,
    "review_ring": review_ring,
    "deposit_overdue": deposit_overdue,
    "deposit_kept": deposit_kept,
    "reposted_listing": reposted_listing,
    "cancellation_burst": cancellation_burst,
    "outlier": outlier,
}  # unlicensed_homestay also takes the licence register: services.warnings_scan calls it itself
