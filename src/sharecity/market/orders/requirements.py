"""What booking a listing asks of the customer beyond the price: rules of law, as plain data.

Online medical consultation is for follow-up visits only. Source: 《互联网诊疗管理办法（试行）》
（国家卫生健康委员会、国家中医药管理局，国卫医发〔2018〕25号）第十六条: online care covers follow-up visits of
some common and chronic diseases (常见病、慢性病复诊) after the patient was clearly diagnosed at a physical medical
institution (在实体医疗机构明确诊断), and no Internet diagnosis and treatment may be given to a first-visit patient
(不得对首诊患者开展互联网诊疗活动). So the patient confirms the prior offline diagnosis when booking: the
institution and the date, which cannot be in the future.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.orders.errors import FollowUpRequired

INSTITUTION_MAX = 100


@dataclass(frozen=True)
class FollowUpRule:
    sector: str                 # the catalog's sector code the rule applies to
    effective: dt.date          # in force from this day
    source: str


# The notice of 国卫医发〔2018〕25号 is dated 2018-07-17.
FOLLOW_UP_RULES: tuple[FollowUpRule, ...] = (
    FollowUpRule(sector="medical_consultation", effective=dt.date(2018, 7, 17),
                 source="《互联网诊疗管理办法（试行）》（国卫医发〔2018〕25号）第十六条"),
)


@dataclass(frozen=True)
class PriorDiagnosis:
    confirmed: bool
    institution: str
    diagnosed_on: dt.date | None


def follow_up_rule(*, listing, at: dt.datetime) -> FollowUpRule | None:
    """The follow-up-only rule in force for ``listing`` on ``at``'s city date, if any."""
    sector = getattr(listing.category, "sector", "")
    day = at.astimezone(CITY_TZ).date()
    for rule in FOLLOW_UP_RULES:
        if rule.sector == sector and rule.effective <= day:
            return rule
    return None


def follow_up_notice() -> str:
    return _("Online consultation here is for follow-up visits of common and chronic diseases already diagnosed at "
             "a hospital or clinic, never a first visit (Internet Diagnosis and Treatment Measures (Trial), "
             "国卫医发〔2018〕25号, Art. 16). When booking you confirm where and when you were diagnosed.")


def prior_diagnosis_clean(*, rule: FollowUpRule, prior: PriorDiagnosis, now: dt.datetime) -> PriorDiagnosis:
    """The prior offline diagnosis checked, or ``FollowUpRequired`` naming the field and the rule."""
    article = rule.source
    if prior.confirmed is not True:
        raise FollowUpRequired(
            _("Online consultation is only for a follow-up visit: confirm that a hospital or clinic diagnosed this "
              "condition before (%(rule)s: no online care for a first visit).") % {"rule": article},
            field="follow_up_confirmed")
    institution = prior.institution.strip() if isinstance(prior.institution, str) else ""
    if not institution:
        raise FollowUpRequired(
            _("Name the hospital or clinic that diagnosed the condition (%(rule)s).") % {"rule": article},
            field="prior_diagnosis_institution")
    if len(institution) > INSTITUTION_MAX or any(unicodedata.category(ch).startswith("C") for ch in institution):
        raise FollowUpRequired(_("The hospital or clinic's name is at most %(n)d characters of text.")
                               % {"n": INSTITUTION_MAX}, field="prior_diagnosis_institution")
    if not isinstance(prior.diagnosed_on, dt.date) or isinstance(prior.diagnosed_on, dt.datetime):
        raise FollowUpRequired(
            _("Give the date of the diagnosis at the hospital or clinic (%(rule)s).") % {"rule": article},
            field="prior_diagnosis_on")
    if prior.diagnosed_on > now.astimezone(CITY_TZ).date():
        raise FollowUpRequired(
            _("The diagnosis cannot be dated after today: online care follows a diagnosis already made (%(rule)s).")
            % {"rule": article}, field="prior_diagnosis_on")
    return PriorDiagnosis(confirmed=True, institution=institution, diagnosed_on=prior.diagnosed_on)
