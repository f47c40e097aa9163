"""People type amounts in yuan with two decimals; the forms keep fen and name the field they refuse."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from sharecity.market.complaints.forms import ResolveForm
from sharecity.market.disputes.forms import OpenForm
from sharecity.market.disputes.forms import ResolveForm as DisputeResolveForm
from sharecity.market.payments.forms import CommissionRuleForm, YuanField


class Amount(forms.Form):
    amount = YuanField(label="Refund (¥)")


@pytest.mark.parametrize(("typed", "fen"), [("12.50", 1_250), ("¥1,234.50", 123_450), (" 7 ", 700), ("0.01", 1),
                                            ("", 0), ("10000000", 1_000_000_000)])
def test_yuan_with_up_to_two_decimals_becomes_fen(typed, fen):
    form = Amount({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == fen


@pytest.mark.parametrize(("typed", "says"), [
    ("1.234", "Refund: at most two decimals (fen), such as 12.50."),
    ("-5", "Refund cannot be negative."),
    ("10000000.01", "Refund is at most ¥10,000,000.00."),
    ("1e3", "Refund: enter an amount in yuan, such as 12.50."),
    ("twelve", "Refund: enter an amount in yuan, such as 12.50."),
])
def test_three_decimals_negatives_and_absurd_amounts_are_refused_naming_the_field(typed, says):
    with translation.override("en"):
        form = Amount({"amount": typed})
        assert not form.is_valid()
        assert form.errors["amount"] == [says]


def test_the_chinese_message_names_the_field_too():
    with translation.override("zh-hans"):
        form = ResolveForm({"outcome": "upheld", "refund": "1.005"})
        assert not form.is_valid()
        assert form.errors["refund"][0].startswith("退款")


def test_no_money_form_of_complaints_disputes_or_commission_asks_for_fen():
    for form in (ResolveForm(), OpenForm(), DisputeResolveForm(), CommissionRuleForm()):
        for name, field in form.fields.items():
            assert not name.endswith("_fen")
            assert "fen" not in str(field.label).lower()


def test_the_complaint_outcome_form_takes_yuan():
    form = ResolveForm({"outcome": "partly_upheld", "refund": "45.50", "compensation": "10"})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["refund"], form.cleaned_data["compensation"]) == (4_550, 1_000)


def test_the_dispute_forms_take_yuan():
    form = DisputeResolveForm({"decision": "refund_partial", "refund": "50.5", "decision_text": "部分退款，理由如下。"})
    assert form.is_valid() and form.cleaned_data["refund"] == 5_050
    with translation.override("en"):
        form = OpenForm({"reason": "other", "description": "描述至少十个字的纠纷内容", "amount_claimed": "-1"})
        assert form.errors["amount_claimed"] == ["Amount claimed cannot be negative."]


def test_the_commission_form_takes_yuan_and_a_blank_cap_is_none():
    form = CommissionRuleForm({"category_code": "", "percent": "5", "fixed": "1.50", "minimum": "", "cap": ""})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["fixed_fen"], form.cleaned_data["minimum_fen"], form.cleaned_data["cap_fen"]) == (
        150, 0, None)
    form = CommissionRuleForm({"category_code": "", "percent": "5", "fixed": "1.505", "minimum": "0", "cap": ""})
    assert not form.is_valid() and "fixed" in form.errors
