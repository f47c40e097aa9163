"""The payments pages: a provider's payouts, commission settings and overdue deposits for operators."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from sharecity.market.payments import selectors, services
from sharecity.market.payments.models import CommissionRule
from sharecity.market.platforms.services import operator_add
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(platform):
    user = factories.make_user()
    operator_add(actor=None, platform=platform, user=user)
    return user


def _released(platform, provider, customer, amount=20_000):
    ref = str(uuid.uuid4())
    services.payment_collect(platform=platform, order_ref=ref, customer=customer, amount_fen=amount)
    services.escrow_release(platform=platform, order_ref=ref, provider=provider, category_code="x", amount_fen=amount)
    return ref


def test_provider_sees_balance_commission_chart_and_payouts(client, platform, provider, customer, operator):
    services.commission_rule_save(actor=operator, platform=platform, percent_bp=1_000)
    _released(platform, provider, customer)
    services.payout_run(platform=platform)
    _released(platform, provider, customer, amount=5_000)
    client.force_login(provider)
    response = client.get(reverse("payments:payouts", args=[platform.slug]), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="payable">¥45.00<' in page                 # ¥50 less 10 %
    assert 'data-testid="commission">¥25.00<' in page
    assert 'data-testid="paid-out">¥180.00<' in page
    assert "<svg" in page and "¥250.00" in page                      # this week's bar
    assert "offline-payout-" in page


def test_payouts_need_a_login(client, platform):
    response = client.get(reverse("payments:payouts", args=[platform.slug]))
    assert response.status_code == 302


def test_operator_adds_and_edits_a_rule_and_errors_name_the_field(client, platform, operator):
    client.force_login(operator)
    url = reverse("payments:commission", args=[platform.slug])
    response = client.post(url, {"category_code": "", "percent": "5.5", "fixed": "1.00", "minimum": "", "cap": "20"})
    assert response.status_code == 302
    rule = CommissionRule.objects.get(platform=platform)
    assert (rule.percent_bp, rule.fixed_fen, rule.minimum_fen, rule.cap_fen) == (550, 100, 0, 2_000)
    assert selectors.commission_for(platform=platform, category_code="any", amount_fen=10_000) == 650

    response = client.post(reverse("payments:commission_edit", args=[platform.slug, rule.pk]),
                           {"category_code": "", "percent": "3", "fixed": "0", "minimum": "5", "cap": "1"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["form"].errors == {"cap": ["The cap cannot be lower than the minimum."]}

    response = client.post(url, {"category_code": "", "percent": "1", "fixed": "0", "minimum": "0", "cap": ""},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "category_code" in response.context["form"].errors

    response = client.post(url, {"category_code": "x", "percent": "150", "fixed": "abc"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"percent", "fixed"}


def test_the_commission_page_says_tax_is_withheld_by_law_and_offers_no_rate(client, platform, operator):
    client.force_login(operator)
    response = client.get(reverse("payments:commission", args=[platform.slug]), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="withholding-rule"' in html and "2025 No. 16" in html
    assert 'data-action="save-tax"' not in html


def test_others_may_not_open_operator_pages(client, platform, provider):
    client.force_login(provider)
    for name in ("payments:commission", "payments:deposits_overdue"):
        assert client.get(reverse(name, args=[platform.slug])).status_code == 403


def test_overdue_deposits_page_lists_late_refunds(client, platform, customer, operator):
    ref = str(uuid.uuid4())
    services.payment_collect(platform=platform, order_ref=ref, customer=customer, amount_fen=1_000, deposit_fen=8_800)
    services.deposit_due_set(platform=platform, order_ref=ref, due_at=timezone.now() - dt.timedelta(days=2, hours=1))
    client.force_login(operator)
    page = client.get(reverse("payments:deposits_overdue", args=[platform.slug])).content.decode()
    assert f'data-order="{ref}"' in page and "¥88.00" in page
