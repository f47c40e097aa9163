"""The month end of a platform over its ledger (``services.month_end_run``, ``sharecity tax month-end``): the
columnar run that ``bench/month_end.py`` times, on real payouts."""

from __future__ import annotations

import json
import uuid

import pytest
from django.utils import timezone

from sharecity.cli import main
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.accounts.models import ProviderProfile, SubjectKind
from sharecity.market.payments import services as payments
from sharecity.market.payments.gateway import OfflineGateway
from sharecity.market.payments.models import CommissionRule
from sharecity.market.tax.models import VatReturn, Withholding
from sharecity.market.tax.services import month_end_run
from tests import factories
from tests.market.engine_factories import category

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _gateway_reset():
    OfflineGateway.reset()
    yield
    OfflineGateway.reset()


def this_month():
    return timezone.now().astimezone(CITY_TZ).date().replace(day=1)


def paid(platform, provider, customer, amount_fen: int) -> None:
    order_ref = str(uuid.uuid4())
    payments.payment_collect(platform=platform, order_ref=order_ref, customer=customer, amount_fen=amount_fen)
    payments.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="skills",
                            amount_fen=amount_fen)


@pytest.fixture
def world():
    category("skills")
    platform = factories.make_platform()
    CommissionRule.objects.create(platform=platform, category_code="", percent_bp=1000)  # 10% commission
    small, large, business = (factories.make_provider(platform) for _ in range(3))
    ProviderProfile.objects.filter(user=business).update(kind=SubjectKind.BUSINESS)
    customer = factories.make_user(platform=platform)
    paid(platform, small, customer, 3_000_00)
    paid(platform, large, customer, 20_000_00)
    paid(platform, large, customer, 150_000_00)  # two payments, and past the VAT exemption
    paid(platform, business, customer, 50_000_00)
    return {"platform": platform, "small": small, "large": large, "business": business}


def test_the_run_recomputes_what_the_payouts_withheld_and_totals_the_month(world):
    run = month_end_run(platform=world["platform"], month=this_month())
    register = sum(Withholding.objects.filter(platform=world["platform"], method="cumulative")
                   .values_list("withheld_fen", flat=True))
    check = run["withholding_check"]
    assert check["workers"] == 2 and check["differing_workers"] == []  # the business files its own tax
    assert check["register_withheld_fen"] == check["recomputed_withheld_fen"] == register > 0
    totals = run["totals"]
    assert (totals["workers"], totals["orders"], totals["gross_fen"]) == (2, 3, 173_000_00)
    assert totals["commission_fen"] == 17_300_00 and totals["net_fen"] == totals["income_fen"] - register
    # 170,000 yuan from one worker: sales 168,316.83 > 100,000, taxed in full at 1%.
    assert (totals["vat_exempt"], totals["vat_fen"]) == (1, 170_000_00 - 168_316_83)


def test_a_payout_that_withheld_the_wrong_amount_is_named(world):
    row = Withholding.objects.filter(provider=world["large"]).order_by("id").last()
    Withholding.objects.filter(pk=row.pk).update(withheld_fen=row.withheld_fen + 1)
    run = month_end_run(platform=world["platform"], month=this_month())
    assert run["withholding_check"]["differing_workers"] == [str(world["large"].public_id)]


def test_preparing_writes_the_vat_returns_the_run_agrees_with(world):
    before = month_end_run(platform=world["platform"], month=this_month())
    assert before["vat_check"]["returns_in_force"] == 0
    assert len(before["vat_check"]["workers_without_return"]) == 2
    after = month_end_run(platform=world["platform"], month=this_month(), prepare=True)
    assert VatReturn.objects.filter(platform=world["platform"]).count() == 2
    assert after["vat_check"] == {"returns_in_force": 2, "workers_without_return": [], "differing_workers": []}


def test_the_command_prints_the_month_in_yuan(world, capsys):
    main(["tax", "month-end", "--month", f"{this_month():%Y-%m}", "--platform", world["platform"].slug])
    out = json.loads(capsys.readouterr().out)
    (platform,) = out["platforms"]
    assert platform["platform"] == world["platform"].slug
    assert platform["totals"]["gross_yuan"] == "173000.00" and platform["totals"]["workers"] == 2
    assert platform["withholding_check"]["differing_workers"] == []


@pytest.mark.parametrize(("args", "field"), [
    (["--month", "2026-13"], "month"), (["--month", "next"], "month"), (["--month", "2999-01"], "month"),
    (["--month", "2026-01", "--platform", "no-such\x00platform"], "platform"),
])
def test_bad_options_exit_2_naming_the_option(world, capsys, args, field):
    with pytest.raises(SystemExit) as stopped:
        main(["tax", "month-end", *args])
    assert stopped.value.code == 2 and capsys.readouterr().err.startswith(f"error: {field}:")
