"""The demo city: two parking platforms and two market platforms with every vertical, people in
every role, listings, bookings and orders in every stage.

Everything is created through the services, so the demo produces the same outbox facts
a real platform would, and the hub's dashboard fills up as the workers relay them.
Loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.ids import credit_code_with_check_char, resident_id_with_check_digit
from sharecity.kernel.models import User
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.accounts.services import provider_verify
from sharecity.market.parking.services import booking_create, space_create
from sharecity.market.parking.windows import WeeklyWindow
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.services import operator_add, platform_create, platform_members_from_activity
from sharecity.sim.demo_market import market_demo_load, market_demo_orders, market_demo_rides

DEMO_PASSWORD = "sharecity-demo"  # noqa: S105 - published demo credentials

WEEKDAY_DAYTIME = [WeeklyWindow(day, dt.time(8, 0), dt.time(18, 0)) for day in range(5)]
NIGHTS = [WeeklyWindow(day, dt.time(19, 0), dt.time(7, 0)) for day in range(7)]
ALL_WEEK = [WeeklyWindow(day, dt.time(0, 0), dt.time(0, 0)) for day in range(7)]

PLATFORMS = [
    {"slug": "ludao-parking", "name": "鹭岛共享停车", "serial": "91350200MA2YLD001", "city_code": "350200"},
    {"slug": "jinmen-parking", "name": "津门错峰停车", "serial": "91120101MA05JM002", "city_code": "120100"},
]

# (platform slug, provider username, title, district, address, size, fen per hour, windows)
SPACES = [
    (
        "ludao-parking",
        "provider",
        "湖滨南路小区地下车位 B2-018",
        "350203",
        "厦门市思明区湖滨南路 388 号",
        "standard",
        600,
        WEEKDAY_DAYTIME,
    ),
    (
        "ludao-parking",
        "provider",
        "中山医院旁写字楼夜间车位",
        "350203",
        "厦门市思明区湖滨东路 201 号",
        "large",
        500,
        NIGHTS,
    ),
    (
        "ludao-parking",
        "provider2",
        "湖里大道写字楼错峰车位 A-07",
        "350206",
        "厦门市湖里区湖里大道 45 号",
        "standard",
        400,
        NIGHTS,
    ),
    ("ludao-parking", "provider2", "集美学村小区车位", "350211", "厦门市集美区嘉庚路 9 号", "small", 300, ALL_WEEK),
    (
        "ludao-parking",
        "provider3",
        "海沧大道小区地面车位",
        "350205",
        "厦门市海沧区海沧大道 621 号",
        "standard",
        350,
        WEEKDAY_DAYTIME,
    ),
    (
        "ludao-parking",
        "provider3",
        "同安环城南路商场车位",
        "350212",
        "厦门市同安区环城南路 1 号",
        "large",
        250,
        ALL_WEEK,
    ),
    (
        "ludao-parking",
        "provider3",
        "翔安南路小区共享车位",
        "350213",
        "厦门市翔安区翔安南路 218 号",
        "standard",
        300,
        NIGHTS,
    ),
    (
        "jinmen-parking",
        "provider4",
        "五大道写字楼夜间车位",
        "120101",
        "天津市和平区成都道 100 号",
        "standard",
        800,
        NIGHTS,
    ),
    (
        "jinmen-parking",
        "provider4",
        "南开大学周边小区车位",
        "120104",
        "天津市南开区卫津路 94 号",
        "small",
        500,
        WEEKDAY_DAYTIME,
    ),
    (
        "jinmen-parking",
        "provider4",
        "泰达第三大街写字楼车位",
        "120116",
        "天津市滨海新区第三大街 51 号",
        "large",
        400,
        ALL_WEEK,
    ),
]

PEOPLE = [
    # username, display name, legal name, resident-ID prefix (region 350200/120101 valid for 1980s births)
    ("provider", "陈晓明", "陈晓明", "35020019850312041"),
    ("provider2", "林丽华", "林丽华", "35020019790921062"),
    ("provider3", "黄志强", "黄志强", "35020019880105083"),
    ("provider4", "王建国", "王建国", "12010119820716051"),
]


@dataclass
class DemoReport:
    created: bool
    logins: list[tuple[str, str]] = field(default_factory=list)
    history_days: int = 0

    def describe(self) -> str:
        lines = [
            "Demo city " + ("loaded." if self.created else "already loaded."),
            f"Demo logins (password: {DEMO_PASSWORD}):",
        ]
        lines += [f"  {username:<10} {role}" for username, role in self.logins]
        if self.history_days:
            lines.append(f"Simulated history: {self.history_days} days of Xiamen life before today "
                         "(sharecity simulate; SHARECITY_DEMO_SIM_DAYS).")
        return "\n".join(lines)


LOGINS = [
    ("consumer", "resident who books parking / 预订车位的市民"),
    ("provider", "verified resident who lists spaces / 出租车位的实名认证市民"),
    ("operator", "鹭岛共享停车, 鹭岛共享生活 and 津门生活服务 staff / 平台运营人员 (/p/ludao-share/operator/)"),
    ("maker", "verified provider of production capacity and skills / 生产能力与技能服务提供者"),
    ("host", "verified homestay host / 民宿房东"),
    ("driver", "verified ride-hailing driver and bike fleet / 网约车司机与单车投放"),
    ("regulator", "厦门市市场监督管理局 regulator, all of Xiamen / 厦门市监管人员 (/hub/; credit files /hub/credit/; "
                  "public lookup /credit/)"),
    ("regulator-siming", "思明区 district officer: Siming only / 思明区监管人员"),
    ("regulator-huli", "湖里区 district officer: Huli only / 湖里区监管人员"),
    ("regulator-tianjin", "天津市 city officer: Tianjin only / 天津市监管人员"),
    ("admin", "Django admin / 系统管理员 (/admin/)"),
]


def _user(username: str, display_name: str, **extra) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, password=DEMO_PASSWORD, display_name=display_name, **extra)
    return user


def _next_weekday_at(weekday: int, hour: int) -> dt.datetime:
    today = timezone.now().astimezone(CITY_TZ).date()
    days = (weekday - today.weekday()) % 7 or 7
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), tzinfo=CITY_TZ)


# People and orders of the demo's simulated history, in proportion to Xiamen's census: small, so that
# a few weeks take seconds.
DEMO_SIM_SCALE = 0.02


@transaction.atomic
def demo_load(*, history_days: int = 0) -> DemoReport:
    """Load the demo city; with ``history_days``, fill it with that many days of simulated Xiamen life
    before today (``sharecity.sim.engine``; the commands take it from ``SHARECITY_DEMO_SIM_DAYS``)."""
    if Platform.objects.filter(slug=PLATFORMS[0]["slug"]).exists():
        return DemoReport(created=False, logins=LOGINS)
    report = _demo_load()
    if history_days > 0:
        _history(days=history_days)
        report.history_days = history_days
    return report


def _history(*, days: int) -> None:
    """Simulated weeks of city life. The demo's own facts go to the hub first, at today's time: the
    simulation's clock runs in the past, and the hub refuses facts dated after its clock."""
    from sharecity.exchange.downlink import downlink_pump
    from sharecity.exchange.relay import relay_pump
    from sharecity.hub.intake.services import intake_pump
    from sharecity.hub.registry.keys import hub_public_keys
    from sharecity.market.directives.services import directives_receive
    from sharecity.sim.engine import Options, simulate

    while relay_pump().sent or intake_pump().applied:
        pass
    downlink_pump(hub_receipt_keys=hub_public_keys, on_directives=directives_receive)
    # A small city: the review ring orders less often than a city-sized one would, or it would be
    # most of the demo's orders.
    simulate(Options(days=days, seed=1, city="xiamen", scale=DEMO_SIM_SCALE,
                     misconduct={"ring_orders_per_day": 0.5}))
    # The regulator finds the history's risk warnings waiting (the worker's hourly scan would raise them too).
    from sharecity.hub.warnings.services import warnings_scan

    warnings_scan(force=True)


def _demo_load() -> DemoReport:
    admin = User.objects.filter(username="admin").first() or User.objects.create_superuser(
        "admin", password=DEMO_PASSWORD, display_name="系统管理员"
    )
    platforms = {
        spec["slug"]: platform_create(
            actor=admin,
            slug=spec["slug"],
            name=spec["name"],
            credit_code=credit_code_with_check_char(spec["serial"]),
            sectors=["parking"],
            city_code=spec["city_code"],
        )
        for spec in PLATFORMS
    }
    ludao = platforms["ludao-parking"]
    consumer = _user("consumer", "李小雨")
    operator = _user("operator", "鹭岛客服 周敏")
    operator_add(actor=admin, platform=ludao, user=operator)
    regulator = _user("regulator", "市场监管局 吴涛")
    regulator_profile_set(actor=admin, user=regulator, department="厦门市市场监督管理局")
    district_regulator = _user("regulator-siming", "思明区市场监管局 郑洁")
    regulator_profile_set(
        actor=admin, user=district_regulator, department="思明区市场监督管理局", district_code="350203"
    )
    # One more district and another city, so that the hub's scoping can be seen: each sees only its own.
    huli_regulator = _user("regulator-huli", "湖里区市场监管局 许明")
    regulator_profile_set(actor=admin, user=huli_regulator, department="湖里区市场监督管理局", district_code="350206")
    tianjin_regulator = _user("regulator-tianjin", "天津市市场监管委 刘洋")
    regulator_profile_set(actor=admin, user=tianjin_regulator, department="天津市市场监督管理委员会",
                          city_code="120100")
    providers = {}
    for username, display, legal, prefix in PEOPLE:
        person = _user(username, display)
        home = platforms["jinmen-parking"] if prefix.startswith("12") else ludao
        provider_verify(
            actor=person,
            user=person,
            kind="person",
            legal_name=legal,
            id_number=resident_id_with_check_digit(prefix),
            platform=home,
        )
        providers[username] = person
    spaces = []
    for slug, username, title, district, address, size, price, windows in SPACES:
        spaces.append(
            space_create(
                actor=providers[username],
                platform=platforms[slug],
                provider=providers[username],
                title=title,
                district_code=district,
                address=address,
                vehicle_size=size,
                price_per_hour_fen=price,
                windows=windows,
            )
        )
    # A few upcoming stays so the regulator's dashboard has bookings and turnover to show.
    monday_nine = _next_weekday_at(0, 9)
    booking_create(
        actor=consumer,
        platform=ludao,
        space_id=spaces[0].public_id,
        customer=consumer,
        starts_at=monday_nine,
        ends_at=monday_nine + dt.timedelta(hours=3),
    )
    night = _next_weekday_at(2, 20)
    booking_create(
        actor=consumer,
        platform=ludao,
        space_id=spaces[2].public_id,
        customer=consumer,
        starts_at=night,
        ends_at=night + dt.timedelta(hours=10),
    )
    tianjin_guest = _user("tianjin-guest", "赵静")
    booking_create(
        actor=tianjin_guest,
        platform=platforms["jinmen-parking"],
        space_id=spaces[9].public_id,
        customer=tianjin_guest,
        starts_at=monday_nine,
        ends_at=monday_nine + dt.timedelta(hours=8),
    )
    _parking_completed(platform=ludao, space=spaces[3], customer=consumer,
                       comments=("车位好找，出入口有保安指引。", "准时离场，车停得很规范。"))
    _parking_completed(platform=platforms["jinmen-parking"], space=spaces[9], customer=tianjin_guest,
                       comments=("写字楼地库干净，导航直接到车位。", "车主守时，提前留言告知离场时间。"))
    market = market_demo_load(admin=admin, operator=operator, password=DEMO_PASSWORD)
    market_demo_orders(market, consumer=consumer, tianjin_consumer=tianjin_guest)
    market_demo_rides(market, consumer=consumer)
    _invoices_demo()
    _vat_returns_demo()
    # The demo's people used their platforms themselves: the platforms' keys may act for them.
    for platform in Platform.objects.all():
        platform_members_from_activity(platform=platform)
    _publicity_demo(regulator=regulator, providers=providers)
    _enforcement_demo(officer=district_regulator, providers=providers)
    _public_space_demo(admin=admin, regulator=regulator, operator=operator)
    return DemoReport(created=True, logins=LOGINS)



def _parking_completed(*, platform: Platform, space, customer: User, comments: tuple[str, str]) -> None:
    """A stay in the current half hour, completed by the customer and reviewed by both sides (the parking
    slice publishes its reviews at once)."""
    from sharecity.market.parking.services import booking_complete
    from sharecity.market.reviews.services import review_create

    now = timezone.now().astimezone(CITY_TZ)
    starts_at = now.replace(minute=now.minute - now.minute % 30, second=0, microsecond=0)
    booking = booking_create(actor=customer, platform=platform, space_id=space.public_id, customer=customer,
                             starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=30))
    booking = booking_complete(actor=customer, booking=booking)
    review_create(actor=customer, booking=booking, rating=5, comment=comments[0])
    review_create(actor=space.provider, booking=booking, rating=5, comment=comments[1])


def _vat_returns_demo() -> None:
    """The VAT returns filed on the demo's workers' behalf for each month their payments were booked in."""
    from sharecity.kernel.errors import ShareCityError
    from sharecity.market.tax.models import Withholding
    from sharecity.market.tax.services import prepare_vat_returns

    for platform_id, month in Withholding.objects.values_list("platform_id", "month").distinct():
        try:
            prepare_vat_returns(platform=Platform.objects.get(pk=platform_id), month=month)
        except ShareCityError:
            continue  # a month outside the recorded VAT treatment: nothing to prepare


def _invoices_demo() -> None:
    """The e-invoices of the demo's completed orders (issued by the fake issuer, as the consumer would ask)."""
    from sharecity.kernel.errors import ShareCityError
    from sharecity.market.invoices.services import invoices_issue
    from sharecity.market.orders.models import Order

    for order in Order.objects.filter(completed_at__isnull=False).select_related("platform", "customer", "provider"):
        try:
            invoices_issue(actor=None, order=order)
        except ShareCityError:
            continue  # an unverified provider: no invoice can name the seller


def _enforcement_demo(*, officer: User, providers: dict[str, User]) -> None:
    """Two cases at Siming's bureau: a first price-tagging violation corrected in time, decided with
    education and no penalty (首违不罚), and an open case from a complaint waiting for a decision."""
    from sharecity.hub.enforcement.services import case_decide, case_open
    from sharecity.market.accounts.selectors import party_key

    today = timezone.now().astimezone(CITY_TZ).date()
    lenient = case_open(
        actor=officer, city_code="350200", district_code="350203", department="market_supervision",
        source_kind="inspection", source_ref="XM-SJ-0001", subject_kind="person",
        subject_ref=party_key(providers["provider2"]), platform_id=None,
        summary="网上抽查发现车位页面未标明计费单位，当场责令改正")
    case_decide(actor=officer, case_id=lenient.public_id, violation_code="PRICE-13-TAGGING",
                found_on=today - dt.timedelta(days=10), minor=True, correction_due=today - dt.timedelta(days=5),
                corrected_on=today - dt.timedelta(days=7))
    case_open(
        actor=officer, city_code="350200", district_code="350203", department="market_supervision",
        source_kind="complaint", source_ref="CP-DEMO-0001", subject_kind="person",
        subject_ref=party_key(providers["provider3"]), platform_id=None,
        summary="消费者投诉车位实际收费高于页面标价")


def _publicity_demo(*, regulator: User, providers: dict[str, User]) -> None:
    """A penalty with its repair notice, a red-list entry and a repair application waiting for the
    department, in Xiamen. The list entry reaches the platforms once the hub knows them (the
    publicity sweep tells platforms that joined after a change)."""
    from sharecity.hub.publicity.services import list_entry_add, penalty_record, repair_apply
    from sharecity.market.accounts.selectors import party_key

    today = timezone.now().astimezone(CITY_TZ).date()
    penalty = penalty_record(
        actor=regulator, subject_kind="person", subject_identifier=party_key(providers["provider3"]),
        decision_number=f"厦市监处罚〔{today.year}〕D001号", facts="车位页面未按规定明码标价，超标准收取停车费",
        law="《中华人民共和国价格法》", article="第十三条、第四十二条", severity="ordinary",
        decided_on=today - dt.timedelta(days=120), district_code="350203",
    )
    list_entry_add(
        actor=regulator, credit_list="red", subject_kind="person", subject_identifier=party_key(providers["provider"]),
        legal_basis="《厦门市社会信用条例》守信激励", decided_on=today, effective_on=today,
        expires_on=today + dt.timedelta(days=365), reason="连续三年无投诉、按时履约，评为诚信车位出租人",
        measures=["平台首页优先展示", "免收一个月服务费"],
    )
    repair_apply(
        decision_number=penalty.decision_number, subject_identifier=penalty.subject_identifier,
        performance="罚款已于处罚决定次日缴清", correction="已在全部车位页面公示收费标准并退还多收费用",
        commitment="本人承诺今后严格执行明码标价，如有违反自愿接受惩戒并向社会公开",
    )


BIKE_PLATFORMS = [
    # (slug, name, first 17 characters of the credit code, licence number, island and off-island fleets)
    ("ludao-bike", "鹭岛共享单车", "91350206MA2YLB004", "闽B2-20190412", (5200, 2100)),
    ("haixi-bike", "海西共享单车", "91350211MA2YHX005", "闽B2-20200731", (4100, 2600)),
]


def _public_space_demo(*, admin: User, regulator: User, operator: User) -> None:
    """Two shared-bike platforms in Xiamen with their licences, fleet reports by zone for the last quarter,
    the city's quarterly evaluation and a published quota allocation (厦府办〔2019〕13号 rank shares), and a rights
    holder's notice taken down and waiting to be forwarded: so the directory, the public quota table and the
    notices show data. The hub is given the platforms' messages as intake would apply them (the worker relays
    the same messages later; the hub keeps each once)."""
    from types import SimpleNamespace

    from django.core.files.uploadedfile import SimpleUploadedFile

    from sharecity.exchange.schemas import payload_validate
    from sharecity.hub.quota.services import allocation_publish, allocation_run, evaluation_compute, fleet_reported
    from sharecity.hub.registry.jurisdiction import jurisdiction_for
    from sharecity.hub.registry.services import licences_declared, platform_register
    from sharecity.kernel.models import OutboxMessage
    from sharecity.market.fleets.services import fleet_report
    from sharecity.market.listings.models import Listing, ListingStatus
    from sharecity.market.notices.services import notice_file, notice_take_down
    from sharecity.market.platforms.services import licences_declare

    def apply_at_hub(platform: Platform, message_type: str, handler) -> None:
        for message in OutboxMessage.objects.filter(platform_id=platform.exchange_id, message_type=message_type):
            handler(envelope=SimpleNamespace(platform_id=platform.exchange_id, message_id=message.message_id,
                                             sequence=0),
                    payload=payload_validate(message_type, message.schema_version, message.payload))

    def registered(*, envelope, payload) -> None:
        platform_register(platform_id=envelope.platform_id, name=payload.name, credit_code=payload.credit_code,
                          sectors=list(payload.sectors), public_key=payload.public_key,
                          message_id=str(envelope.message_id))

    today = timezone.now().astimezone(CITY_TZ).date()
    # The last complete quarter.
    this_quarter = (today.month - 1) // 3
    year, quarter = (today.year, this_quarter) if this_quarter else (today.year - 1, 4)
    start = dt.date(year, 3 * quarter - 2, 1)
    end = (dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)) - dt.timedelta(days=1)
    for index, (slug, name, serial, licence, fleets) in enumerate(BIKE_PLATFORMS):
        bikes = platform_create(actor=admin, slug=slug, name=name, credit_code=credit_code_with_check_char(serial),
                                sectors=["bike_sharing"], city_code="350200")
        operator_add(actor=admin, platform=bikes, user=operator)
        licences_declare(actor=operator, platform=bikes, licences=[
            {"kind": "value_added_telecom", "number": licence, "issued_by": "福建省通信管理局",
             "valid_from": dt.date(2019 + index, 4, 12), "valid_until": dt.date(2024 + index * 6, 4, 12)}])
        for zone, deployed in zip(("island", "off-island"), fleets, strict=True):
            fleet_report(actor=operator, platform=bikes, report_id=f"{year}Q{quarter}-{zone}", city="350200",
                         zone=zone, period_start=start.isoformat(), period_end=end.isoformat(),
                         vehicles_deployed=deployed, vehicles_good=deployed * (95 - 7 * index) // 100,
                         parking_checked=600, parking_compliant=570 - 90 * index, dispatch_requests=40,
                         dispatch_response_minutes=25 + 20 * index)
        apply_at_hub(bikes, "platform.registered", registered)
        apply_at_hub(bikes, "platform.licences_declared", licences_declared)
        apply_at_hub(bikes, "fleet.reported", fleet_reported)
    jurisdiction = jurisdiction_for(regulator)
    evaluation_compute(actor=regulator, jurisdiction=jurisdiction, city_code="350200", year=year, quarter=quarter)
    run = allocation_run(actor=regulator, jurisdiction=jurisdiction, city_code="350200", year=year, quarter=quarter,
                         method="rank-shares", options={"total": "12000", "reserve_new": "1000",
                                                        "shares": "0.6,0.4", "pass_mark": "60"})
    allocation_publish(actor=regulator, jurisdiction=jurisdiction, run_id=run.pk)

    # A trademark holder's notice against a listing of Tianjin's general market, taken down, not yet forwarded
    # (ludao-share keeps every listing published: it is the demo's one-listing-per-category showcase).
    listing = (Listing.objects.filter(platform__slug="jinmen-life", status=ListingStatus.PUBLISHED)
               .order_by("pk").first())
    if listing is not None:
        evidence = SimpleUploadedFile("registration.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
                                      content_type="image/png")
        notice, _secret = notice_file(
            platform=listing.platform, holder_name="厦门白鹭文创有限公司", holder_contact="0592-5550123",
            right_kind="trademark", registration_numbers=["第12345678号"],
            claim="该商品使用了我司注册商标“白鹭之光”的图样和文字，未经许可，请予删除。",
            listing_ids=[str(listing.public_id)], evidence=[evidence])
        notice_take_down(actor=operator, notice=notice, note="已核实商标注册证，先行下架")
