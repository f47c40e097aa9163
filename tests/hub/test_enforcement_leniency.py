"""The leniency list (免罚清单) with dated examples.

《中华人民共和国行政处罚法》(2021修订，2021-07-15施行) 第三十三条第一款: 初次违法且危害后果轻微并及时改正的，可以
不予行政处罚; 第三款: 依法不予行政处罚的，应当对当事人进行教育. The list makes it concrete per violation:
the row in force on the day the violation was found, its look-back period for "初次", its days to correct.
The default row for 《价格法》第十三条 (明码标价): in force from 2021-07-15, 24 months' look-back, 7 days to correct.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.credit.models import CreditRecord
from sharecity.hub.enforcement import leniency, services
from sharecity.hub.enforcement.models import LeniencyEntry, Violation
from sharecity.hub.publicity.models import PenaltyDecision
from sharecity.kernel.errors import Forbidden, InvalidInput
from tests.hub.enforcement_support import SIMING, at, officer, open_case

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
TAGGING = "PRICE-13-TAGGING"


@pytest.fixture
def siming():
    return officer("siming", district=SIMING, department="厦门市思明区市场监督管理局")


def decide(actor, case, *, found: str, due: str | None, corrected: str | None, minor: bool = True,
           code: str = TAGGING, decided: str = "2026-11-20", **penalty):
    return services.case_decide(actor=actor, case_id=case.public_id, violation_code=code, found_on=D(found),
                                minor=minor, correction_due=D(due) if due else None,
                                corrected_on=D(corrected) if corrected else None, now=at(decided), **penalty)


def test_the_catalogue_names_the_legal_basis_of_each_violation():
    licence = Violation.objects.get(code="ECL-15-LICENCE")
    assert (licence.law, licence.article) == ("《中华人民共和国电子商务法》", "第十五条")
    assert "第七十六条" in licence.penalty_article
    assert Violation.objects.get(code="ECL-81-PLATFORM-TERMS").penalty_article.endswith("第八十一条第一款第（一）项")
    assert Violation.objects.get(code=TAGGING).law == "《中华人民共和国价格法》"
    assert "总局令第32号" in Violation.objects.get(code="PROMO-19-BASE-PRICE").law
    entry = LeniencyEntry.objects.get(violation__code=TAGGING)
    assert entry.effective_from == D("2021-07-15") and "第三十三条" in entry.source


def test_a_first_minor_violation_corrected_on_time_gets_education_and_no_penalty(siming):
    # Found 2026-11-02 (Mon); the officer orders correction by 2026-11-06; corrected 2026-11-05.
    case = decide(siming, open_case(siming), found="2026-11-02", due="2026-11-06", corrected="2026-11-05")
    assert (case.outcome, case.leniency_reason, case.amount_fen) == ("education", "qualifies", None)
    assert case.leniency_entry.violation.code == TAGGING
    assert not PenaltyDecision.objects.exists() and not CreditRecord.objects.filter(kind="penalty").exists()
    entry = AuditEntry.objects.get(action="enforcement.case_decided")
    assert entry.detail_data["outcome"] == "education" and entry.detail_data["leniency"] == "qualifies"


def test_corrected_on_the_deadline_itself_is_in_time(siming):
    case = decide(siming, open_case(siming), found="2026-11-02", due="2026-11-06", corrected="2026-11-06")
    assert case.outcome == "education"


def test_corrected_late_is_penalised_and_the_penalty_goes_into_credit_with_its_publicity(siming):
    case = open_case(siming)
    with pytest.raises(InvalidInput) as error:  # no leniency: a fine is needed
        decide(siming, case, found="2026-11-02", due="2026-11-06", corrected="2026-11-07")
    assert error.value.field == "amount_fen" and "corrected_late" in str(error.value.message)
    case = decide(siming, case, found="2026-11-02", due="2026-11-06", corrected="2026-11-07",
                  amount_fen=2_000_00, decision_number="思市监罚〔2026〕101号")
    assert (case.outcome, case.leniency_reason, case.amount_fen) == ("penalty", "corrected_late", 200000)
    penalty = PenaltyDecision.objects.get(public_id=case.penalty_public_id)
    assert penalty.law == "《中华人民共和国价格法》" and penalty.article.startswith("第十三条")
    # An ordinary penalty decided on 2026-11-20 is shown 3 to 12 months (令2025年第36号; hub.credit.rules counts).
    assert (penalty.repair_from, penalty.display_until) == (D("2027-02-21"), D("2027-11-20"))
    record = CreditRecord.objects.get(kind="penalty")
    assert record.subject.identifier == case.subject_ref and record.display_until == D("2027-11-20")


def test_a_repeat_within_the_look_back_period_is_penalised_and_after_it_qualifies_again(siming):
    decide(siming, open_case(siming), found="2025-01-10", due="2025-01-15", corrected="2025-01-12",
           decided="2025-01-20")
    # 2026-11-02 is within 24 months of 2025-01-10: a repeat.
    repeat = decide(siming, open_case(siming), found="2026-11-02", due="2026-11-06", corrected="2026-11-05",
                    amount_fen=50000, decision_number="思市监罚〔2026〕102号")
    assert (repeat.outcome, repeat.leniency_reason) == ("penalty", "repeat")
    # 2027-11-03 is more than 24 months after 2025-01-10, but within 24 months of the repeat of 2026-11-02.
    again = decide(siming, open_case(siming), found="2027-11-03", due="2027-11-08", corrected="2027-11-05",
                   decided="2027-11-10", amount_fen=50000, decision_number="思市监罚〔2027〕1号")
    assert again.leniency_reason == "repeat"


def test_the_look_back_counts_from_the_same_day_months_earlier():
    entry = LeniencyEntry(look_back_months=24, correction_days=7, effective_from=D("2021-07-15"))
    kwargs = {"entries": [entry], "minor": True, "correction_due": D("2027-01-15"), "corrected_on": D("2027-01-12")}
    assert leniency.assess(found_on=D("2027-01-10"), earlier_found=[D("2025-01-10")], **kwargs).reason == "repeat"
    assert leniency.assess(found_on=D("2027-01-10"), earlier_found=[D("2025-01-09")], **kwargs).reason == "qualifies"
    assert leniency.months_before(D("2026-03-31"), 1) == D("2026-02-28")


def test_an_entry_not_yet_in_force_on_the_day_found_gives_no_leniency(siming):
    # Xiamen adds 《电子商务法》第十七条 (information disclosure) to its list from 2026-12-01.
    services.leniency_entry_add(actor=officer("xiamen"), violation_code="ECL-17-DISCLOSURE",
                                condition="初次违法、危害后果轻微，在责令改正期限内改正", look_back_months=12,
                                correction_days=10, effective_from=D("2026-12-01"),
                                source="厦门市市场监管领域免罚清单（示例，2026年版）")
    case = decide(siming, open_case(siming), code="ECL-17-DISCLOSURE", found="2026-11-16", due="2026-11-20",
                  corrected="2026-11-18", decided="2026-11-25", amount_fen=5000_00,
                  decision_number="思市监罚〔2026〕3号")
    assert (case.outcome, case.leniency_reason) == ("penalty", "no_entry")
    later = decide(siming, open_case(siming, subject_ref="pk-provider-enf-0002"), code="ECL-17-DISCLOSURE",
                   found="2026-12-01", due="2026-12-08", corrected="2026-12-04", decided="2026-12-10")
    assert later.outcome == "education" and later.leniency_entry.city_code == "350200"


def test_a_city_row_replaces_the_default_and_a_row_that_ended_no_longer_applies(siming):
    city = officer("xiamen")
    services.leniency_entry_add(actor=city, violation_code=TAGGING, condition="初次、轻微、及时改正",
                                look_back_months=12, correction_days=5, effective_from=D("2026-01-01"),
                                effective_until=D("2026-06-30"), source="厦门市市场监管领域免罚清单（示例）")
    # Found 2026-07-02: the city's only row ended 2026-06-30, so the violation is not on its list.
    case = decide(siming, open_case(siming), found="2026-07-02", due="2026-07-06", corrected="2026-07-03",
                  amount_fen=10000, decision_number="思市监罚〔2026〕7号")
    assert case.leniency_reason == "no_entry"
    with pytest.raises(InvalidInput) as error:  # 7 days to correct where the city's list allows 5
        decide(siming, open_case(siming, subject_ref="pk-provider-enf-0003"), found="2026-03-02", due="2026-03-09",
               corrected="2026-03-03")
    assert error.value.field == "correction_due"
    with pytest.raises(Forbidden):  # a district bureau does not edit the city's list
        services.leniency_entry_add(actor=siming, violation_code=TAGGING, condition="x", look_back_months=12,
                                    correction_days=5, effective_from=D("2026-01-01"), source="x")


def test_not_minor_or_never_corrected_is_penalised(siming):
    grave = decide(siming, open_case(siming), found="2026-11-02", due="2026-11-06", corrected="2026-11-03",
                   minor=False, amount_fen=1000, decision_number="思市监罚〔2026〕201号")
    assert grave.leniency_reason == "not_minor"
    never = decide(siming, open_case(siming, subject_ref="pk-provider-enf-0004"), found="2026-11-02",
                   due="2026-11-06", corrected=None, amount_fen=1000, decision_number="思市监罚〔2026〕202号")
    assert never.leniency_reason == "not_corrected"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"code": "NO-SUCH"}, "violation_code"),
    ({"found": "2026-12-01"}, "found_on"),
    ({"found": "0001-01-01"}, "found_on"),
    ({"corrected": "9999-12-31"}, "corrected_on"),
    ({"due": "2026-10-01"}, "correction_due"),
    ({"corrected": "2026-10-30"}, "corrected_on"),
    ({"minor": False, "amount_fen": -5, "decision_number": "x"}, "amount_fen"),
    ({"minor": False, "amount_fen": True, "decision_number": "x"}, "amount_fen"),
    ({"minor": False, "amount_fen": 100, "decision_number": "罚\x07"}, "decision_number"),
])
def test_bad_decisions_name_the_field(siming, kwargs, field):
    case = open_case(siming)
    body = {"found": "2026-11-02", "due": "2026-11-06", "corrected": "2026-11-05", **kwargs}
    with pytest.raises(InvalidInput) as error:
        decide(siming, case, **body)
    assert error.value.field == field
    case.refresh_from_db()
    assert case.status == "open"
