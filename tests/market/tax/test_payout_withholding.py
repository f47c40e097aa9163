"""Tax withheld when the ledger releases a worker's money: the cumulative method of 国家税务总局公告2025年第16号
第一条, booked to the tax-payable account and recorded, payment by payment, in the withholding register."""

from __future__ import annotations

import uuid

import pytest

from sharecity.market.accounts.models import ProviderProfile, SubjectKind
from sharecity.market.payments import services
from sharecity.market.payments.gateway import OfflineGateway
from sharecity.market.payments.ledger import TAX_WITHHELD
from sharecity.market.payments.models import Posting
from sharecity.market.tax.models import Withholding, WithholdingMethod
from sharecity.market.tax.rules import MonthIncome, cumulative_withholding
from tests.market.engine_factories import category

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _gateway_reset():
    OfflineGateway.reset()
    yield
    OfflineGateway.reset()


def paid_and_released(platform, provider, customer, amount_fen: int, *, order_ref: str | None = None) -> str:
    order_ref = order_ref or str(uuid.uuid4())
    services.payment_collect(platform=platform, order_ref=order_ref, customer=customer, amount_fen=amount_fen)
    services.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="skills",
                            amount_fen=amount_fen)
    return order_ref


def booked_tax(platform, order_ref: str) -> int:
    return sum(p.amount_fen for p in Posting.objects.filter(entry__order_ref=order_ref, account__kind=TAX_WITHHELD,
                                                             amount_fen__gt=0))


def test_a_workers_payment_is_withheld_by_the_cumulative_method_and_booked_to_tax_payable(platform, provider,
                                                                                          customer):
    category("skills")
    order_ref = paid_and_released(platform, provider, customer, 800_000)  # no commission rule: ¥8,000 income
    (record,) = Withholding.objects.filter(provider=provider)
    # (8,000 − 1,600 − 5,000) × 3 % = 42.00
    assert (record.method, record.income_fen, record.months_counted, record.withheld_fen) == (
        WithholdingMethod.CUMULATIVE, 800_000, 1, 4_200)
    assert record.rate_bp == 300 and "2025年第16号" in record.source
    assert booked_tax(platform, order_ref) == 4_200


def test_payments_in_one_month_together_bear_what_one_payment_would(platform, provider, customer):
    category("skills")
    first = paid_and_released(platform, provider, customer, 500_000)
    second = paid_and_released(platform, provider, customer, 300_000)
    assert (booked_tax(platform, first), booked_tax(platform, second)) == (0, 4_200)
    month = Withholding.objects.filter(provider=provider).first().month
    (alone,) = cumulative_withholding([MonthIncome(month=month.replace(month=1), income_fen=800_000)])
    assert alone.withheld_fen == 4_200


def test_a_business_provider_is_not_withheld_and_the_register_says_why(platform, provider, customer):
    category("skills")
    ProviderProfile.objects.update_or_create(user=provider, defaults={"kind": SubjectKind.BUSINESS})
    order_ref = paid_and_released(platform, provider, customer, 800_000)
    (record,) = Withholding.objects.filter(provider=provider)
    assert (record.method, record.withheld_fen) == (WithholdingMethod.NOT_WITHHELD, 0)
    assert "第九条" in record.source
    assert booked_tax(platform, order_ref) == 0


def test_a_retried_release_withholds_once(platform, provider, customer):
    category("skills")
    order_ref = paid_and_released(platform, provider, customer, 800_000)
    services.escrow_release(platform=platform, order_ref=order_ref, provider=provider, category_code="skills",
                            amount_fen=800_000)
    assert Withholding.objects.filter(provider=provider).count() == 1
    assert booked_tax(platform, order_ref) == 4_200
