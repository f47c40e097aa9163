"""The city simulator: misconduct labelled with its ground truth and its effect in the market, the hub
fed through the exchange, the same seed giving the same database, the command's output and errors."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection, transaction
from django.utils import timezone

from sharecity.cli import main
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.sim.digest import content_digest
from sharecity.sim.engine import Options, SimError, simulate
from sharecity.sim.models import MisconductKind, MisconductLabel

RATES = {"price_fraud_per_day": 3, "unlicensed_homestays_per_day": 3, "reposts_per_day": 3,
         "deposit_kept_share": 1, "fake_review_rings": 1, "ring_size": 3, "ring_orders_per_day": 4,
         "blacklisted_providers": 1}


def monday_a_week_back() -> dt.date:
    """The latest Monday whose six days end by today. The week's shape (weekday demand, rentals that start
    a day ahead and last days) decides which misconduct a six-day run can show: a run that began on another
    weekday had no rental back in time for a kept deposit."""
    latest = timezone.now().astimezone(CITY_TZ).date() - dt.timedelta(days=6)
    return latest - dt.timedelta(days=latest.weekday())


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """One small run with every kind of misconduct frequent, shared by the tests (rolled back after)."""
    with django_db_blocker.unblock(), transaction.atomic():
        # Rentals start a day or more ahead and last days: a week lets some come back.
        summary = simulate(Options(days=6, seed=5, scale=0.1, start=monday_a_week_back(), misconduct=RATES))
        yield summary
        transaction.set_rollback(True)


def labels(kind: str) -> list[MisconductLabel]:
    found = list(MisconductLabel.objects.filter(kind=kind))
    assert found, f"no {kind} label"
    return found


@pytest.mark.django_db
def test_price_fraud_raises_then_discounts_the_same_listing(city):
    from sharecity.market.listings.models import Listing

    for label in labels(MisconductKind.PRICE_FRAUD):
        details = label.details
        assert details["raised_fen"] > details["original_fen"]
        listing = Listing.objects.get(public_id=label.listing_ref)
        if details["discounted_at"]:
            assert details["discounted_fen"] < details["raised_fen"]
            assert listing.price_fen == details["discounted_fen"] and listing.title.startswith("限时折扣")


@pytest.mark.django_db
def test_unlicensed_homestays_are_refused_when_the_licence_is_missing(city):
    from sharecity.market.listings.models import Listing

    for label in labels(MisconductKind.UNLICENSED_HOMESTAY):
        listing = Listing.objects.get(public_id=label.listing_ref)
        assert listing.category.code == "homestay"
        assert listing.status == label.details["market_status"]
        if label.details["licence"] == "missing":
            assert "special_industry_licence" not in listing.licences
            assert listing.status == "rejected" and label.details["market_reason"]


@pytest.mark.django_db
def test_a_kept_deposit_is_deducted_whole(city):
    from sharecity.market.orders.models import Order

    for label in labels(MisconductKind.DEPOSIT_KEPT):
        order = Order.objects.get(public_id=label.order_ref)
        assert order.state == "settled" and order.deposit_fen > 0
        event = order.events.get(transition="report_damage")
        assert event.data["deduction_fen"] == order.deposit_fen == label.details["deducted_fen"]


@pytest.mark.django_db
def test_a_removed_listing_comes_back_with_the_same_text(city):
    from sharecity.market.listings.models import Listing

    for label in labels(MisconductKind.REPOSTED_LISTING):
        again = Listing.objects.get(public_id=label.listing_ref)
        removed = Listing.objects.get(public_id=label.details["removed_listing"])
        assert removed.status == "removed" and removed.provider_id == again.provider_id
        assert (again.title, again.description) == (removed.title, removed.description)


@pytest.mark.django_db
def test_a_review_ring_gives_itself_five_stars_both_ways(city):
    from sharecity.market.orders.models import Order

    for label in labels(MisconductKind.FAKE_REVIEW_RING):
        order = Order.objects.get(public_id=label.order_ref)
        assert label.details["customer_key"] in label.details["members"]
        assert label.party_key in label.details["members"]
        assert sorted(order.reviews.values_list("rating", flat=True)) == [5, 5]


@pytest.mark.django_db
def test_the_blacklisted_provider_is_refused_with_the_reason(city):
    from sharecity.market.accounts.models import CreditListChange, ProviderProfile

    [label] = labels(MisconductKind.BLACKLISTED_ONBOARDING)
    assert label.details["market_outcome"] == "refused"
    assert label.details["refusal_code"] == "credit.listed"
    assert "严重失信" in label.details["refusal_reason"] or "dishonesty" in label.details["refusal_reason"]
    assert not ProviderProfile.objects.filter(user__public_id=label.account_ref).exists()
    # The list reached every platform of the run through the exchange's downlink.
    assert CreditListChange.objects.filter(subject_key=label.party_key, credit_list="black").count() == 5


@pytest.mark.django_db
def test_the_hub_received_the_platforms_facts_through_the_exchange(city):
    from sharecity.hub.intake.models import ReceivedMessage
    from sharecity.kernel.models import OutboxMessage

    assert city.events["order_place"] > 30 and city.applied > 100
    uplink = OutboxMessage.objects.exclude(message_type="credit_list.changed")
    received = set(ReceivedMessage.objects.values_list("message_id", flat=True))
    assert {str(m) for m in uplink.values_list("message_id", flat=True)} <= {str(m) for m in received}
    for kind in ("order.created", "order.state_changed", "listing.published", "review.published"):
        assert uplink.filter(message_type=kind).exists(), kind
    # The hub's own selectors, scoped to the city, show the platforms' complaints and listings.
    from sharecity.hub.facts.selectors import complaints_list, listings_list
    from sharecity.hub.registry.jurisdiction import Jurisdiction
    from sharecity.market.complaints.models import Complaint
    from sharecity.market.listings.models import Listing

    xiamen = Jurisdiction(city_code="350200")
    filed = {str(c) for c in Complaint.objects.values_list("public_id", flat=True)}
    assert filed and filed == set(complaints_list(jurisdiction=xiamen).values_list("complaint_id", flat=True))
    published = {str(p) for p in Listing.objects.filter(published_at__isnull=False).values_list("public_id",
                                                                                                  flat=True)}
    assert published <= set(listings_list(jurisdiction=xiamen).values_list("listing_id", flat=True))
    assert not complaints_list(jurisdiction=Jurisdiction(city_code="120100")).exists()
    # Facts carry simulated time: nothing after the end of the run.
    last = OutboxMessage.objects.order_by("-created_at").first().created_at
    assert last.date() <= city.run.start_day + __import__("datetime").timedelta(days=city.run.days)


def _sequences_start_at(value: int) -> None:
    """PostgreSQL's sequences do not roll back with a run: each run starts them at the same value,
    so that ids (and what quotes them: audit entries, sources of records) come out the same."""
    if connection.vendor != "postgresql":
        return  # SQLite's rowids follow the rows, which the rollback took away
    with connection.cursor() as cursor:
        for sequence in connection.introspection.sequence_list():
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s, false)",
                           [connection.ops.quote_name(sequence["table"]), sequence["column"], value])


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_database_and_another_seed_another():
    def run(seed: int) -> str:
        _sequences_start_at(50_000_000)
        with transaction.atomic():
            simulate(Options(days=1, seed=seed, scale=0.03, start=None, misconduct={"price_fraud_per_day": 2}))
            digest = content_digest()
            transaction.set_rollback(True)
        return digest

    first = run(11)
    assert run(11) == first
    assert run(12) != first


@pytest.mark.django_db
def test_simulate_command_shows_progress_a_summary_and_writes_the_labels(tmp_path, capsys):
    out = tmp_path / "labels.jsonl"
    main(["simulate", "--days", "1", "--seed", "2", "--scale", "0.03", "--labels-out", str(out),
          "--misconduct", '{"price_fraud_per_day": 5}'])
    captured = capsys.readouterr()
    assert "simulated hours" in captured.err and "24/24" in captured.err
    assert "Events:" in captured.out and "events/s" in captured.out and "order_place" in captured.out
    assert "Misconduct labelled:" in captured.out and "facts relayed" in captured.out
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        label = json.loads(line)
        assert label["kind"] in MisconductKind.values and label["platform"].startswith("sim")


@pytest.mark.parametrize(("argv", "option"), [
    (["--days", "-3"], "--days"),
    (["--days", "0"], "--days"),
    (["--days", "2", "--city", "paris"], "--city"),
    (["--days", "2", "--scale", "nan"], "--scale"),
    (["--days", "2", "--scale", "-1"], "--scale"),
    (["--days", "2", "--scale", "1e9"], "--scale"),
    (["--days", "2", "--start", "2026-02-30"], "--start"),
    (["--days", "2", "--start", "yesterday"], "--start"),
    (["--days", "2", "--start", "2999-01-01"], "--start"),
    (["--days", "2", "--misconduct", "[1]"], "--misconduct"),
    (["--days", "2", "--misconduct", '{"arson": 1}'], "--misconduct"),
    (["--days", "2", "--misconduct", '{"price_fraud_per_day": -1}'], "--misconduct"),
    (["--days", "2", "--labels-out", "/nonexistent-dir/labels.jsonl"], "--labels-out"),
])
@pytest.mark.django_db
def test_hostile_options_exit_with_an_error_naming_the_option(argv, option, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["simulate", *argv])
    message = str(exited.value.code)
    assert message.startswith(f"error: {option}:"), message
    assert "Traceback" not in capsys.readouterr().err


def test_options_check_names_the_option():
    with pytest.raises(SimError) as error:
        Options(days=1, seed=1, city="atlantis").check()
    assert error.value.option == "--city"


@pytest.mark.django_db
def test_tianjin_is_simulated_in_its_own_districts():
    from sharecity.kernel.districts import district_get
    from sharecity.market.listings.models import Listing
    from sharecity.market.platforms.models import Platform

    summary = simulate(Options(days=1, seed=3, city="tianjin", scale=0.01, misconduct={"fake_review_rings": 0}))
    assert summary.run.city == "tianjin" and summary.events["listing_submit"] > 0
    platforms = Platform.objects.filter(slug__contains="-tianjin-")
    assert platforms.count() == 5 and set(platforms.values_list("city_code", flat=True)) == {"120100"}
    districts = set(Listing.objects.filter(platform__in=platforms).values_list("district_code", flat=True))
    assert districts and all(district_get(code).city_code == "120100" for code in districts)
