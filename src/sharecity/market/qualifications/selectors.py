"""Reads of qualifications: what an instrument requires, who holds what, and whether a booking is covered."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.qualifications import rules
from sharecity.market.qualifications.errors import QualificationExpired, QualificationMissing
from sharecity.market.qualifications.models import Qualification, QualificationRequirement


def customer_rules(*, listing) -> list[dict]:
    """The qualifications a user of ``listing``'s category may be asked for (catalog rules held by the customer)."""
    from sharecity.market.catalog.selectors import licence_rules

    return [rule for rule in licence_rules(category=listing.category, platform=listing.platform)
            if rule.get("holder") == "customer" and rule.get("code")]


def rule_label(rule: dict) -> str:
    english = (get_language() or "zh-hans").startswith("en")
    return (rule.get("label_en") if english else rule.get("label_zh")) or rule.get("code", "")


def requirements_of(*, listing) -> list[dict]:
    """What booking ``listing`` requires: ``{"code", "label", "legal_reference"}`` for each code its owner set."""
    codes = set(QualificationRequirement.objects.filter(listing=listing).values_list("code", flat=True))
    if not codes:
        return []
    known = {rule["code"]: rule for rule in customer_rules(listing=listing)}
    return [{"code": code, "label": rule_label(known.get(code, {"code": code})),
             "legal_reference": known.get(code, {}).get("legal_reference", "")} for code in sorted(codes)]


def qualifications_recorded_by(*, platform, owner) -> QuerySet[Qualification]:
    return Qualification.objects.filter(platform=platform, owner=owner).select_related("holder")


def qualifications_held(*, platform, holder) -> QuerySet[Qualification]:
    return Qualification.objects.filter(platform=platform, holder=holder).select_related("owner")


def _day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CITY_TZ).date()


def booking_check(*, listing, customer, starts_at: dt.datetime, ends_at: dt.datetime | None) -> None:
    """Raise ``QualificationMissing`` or ``QualificationExpired`` (field ``qualifications.<code>``) unless the
    customer holds, from the listing's owner, a record valid on every day of the booking, for each qualification
    the instrument's rules require (国发〔2014〕70号: users are trained and assessed before running an instrument)."""
    first_day = _day(starts_at)
    # A booking ending at midnight uses the instrument up to the day before.
    last_day = _day(ends_at - dt.timedelta(microseconds=1)) if ends_at and ends_at > starts_at else first_day
    for required in requirements_of(listing=listing):
        records = [rules.Record(trained_on=q.trained_on, expires_on=q.expires_on)
                   for q in Qualification.objects.filter(platform=listing.platform, owner=listing.provider,
                                                         holder=customer, code=required["code"])]
        covered = rules.coverage(records=records, first_day=first_day, last_day=last_day)
        if covered.ok:
            continue
        field = f"qualifications.{required['code']}"
        names = {"name": required["label"]}
        if covered.problem == rules.MISSING:
            raise QualificationMissing(
                _("This instrument's rules require the qualification %(name)s, and its owner has not recorded one "
                  "for you: ask the owner for the training.") % names, field=field)
        record = covered.record
        if covered.problem == rules.EXPIRED:
            raise QualificationExpired(
                _("Your qualification %(name)s is valid until %(until)s, and this booking runs to %(last)s: renew the "
                  "training with the instrument's owner.") % {**names, "until": record.expires_on.isoformat(),
                                                               "last": last_day.isoformat()}, field=field)
        raise QualificationExpired(
            _("Your qualification %(name)s is valid from %(since)s, after this booking starts (%(first)s).")
            % {**names, "since": record.trained_on.isoformat(), "first": first_day.isoformat()}, field=field)


def member_find(*, platform, text: str):
    """The active member of ``platform`` whose mobile phone or user name is ``text`` (None when none or several)."""
    from django.db.models import Q

    from sharecity.market.platforms.models import PlatformMembership

    text = (text or "").strip()
    if not text:
        return None
    found = list(PlatformMembership.objects.select_related("user").filter(
        Q(user__phone=text) | Q(user__username=text), platform=platform, user__is_active=True)[:2])
    return found[0].user if len(found) == 1 else None


def owner_listings(*, platform, owner) -> list:
    """``owner``'s listings on ``platform`` whose category may ask its users for a qualification, with the choices."""
    from sharecity.market.listings.models import Listing

    rows = []
    for listing in (Listing.objects.filter(platform=platform, provider=owner).select_related("category", "platform")
                    .order_by("-id")[:100]):
        rules_ = customer_rules(listing=listing)
        if rules_:
            required = set(QualificationRequirement.objects.filter(listing=listing).values_list("code", flat=True))
            rows.append({"listing": listing, "choices": [(r["code"], rule_label(r)) for r in rules_],
                         "required": sorted(required)})
    return rows
