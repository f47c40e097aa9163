"""Reads of the facts read model, always through the officer's jurisdiction.

A fact that happened in a district is seen by the officers of that district and of its city.
A fact that did not say where (a removal of a listing the hub never saw published, a subject
without a district, a moderation decision on an account) is seen by hub operators, and by the
officers of every city and district where its platform is active.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharecity.hub.facts.models import (
    HIGHLIGHTED_SEVERITIES,
    ComplaintFact,
    ComplaintStatus,
    EscalatedTo,
    EscalationReason,
    FollowUpNote,
    ListingChange,
    ListingFact,
    ListingRemoval,
    ListingState,
    ModerationFact,
    ModerationKind,
    RefundFact,
    SafetyIncident,
    Severity,
    SubjectFact,
)
from sharecity.hub.monitoring.rules import sector_label
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.registry.selectors import registered_platform_names
from sharecity.kernel import limits
from sharecity.kernel.districts import DISTRICTS
from sharecity.kernel.errors import InvalidInput, NotFound
from sharecity.kernel.timeutil import CITY_TZ

# How long a platform may take to answer a complaint before the hub shows it as overdue. The
# platforms' own time limits are theirs (the market's default is 48 hours) and are not reported;
# this is the city's yardstick for highlighting, set per deployment.
DEFAULT_ANSWER_HOURS = 48


def answer_hours() -> int:
    return int(getattr(settings, "SHARECITY_HUB_COMPLAINT_ANSWER_HOURS", DEFAULT_ANSWER_HOURS))


def scoped(queryset: QuerySet, jurisdiction: Jurisdiction) -> QuerySet:
    """The rows this jurisdiction may see (see the module's docstring)."""
    if jurisdiction.is_operator:
        return queryset
    in_district = jurisdiction.filter_districts(queryset, "district_code")
    unplaced = jurisdiction.filter_platforms(queryset.filter(district_code=""), "platform_id")
    return in_district | unplaced


# --- filters -----------------------------------------------------------------------------------------

LISTS = ("listings", "complaints", "moderation", "incidents", "subjects")

STATUSES: dict[str, list[tuple[str, str]]] = {
    "listings": list(ListingState.choices),
    "complaints": [*ComplaintStatus.choices, ("overdue", gettext_lazy("Overdue, unanswered"))],
    "moderation": [(kind.value, kind.label) for kind in ModerationKind],
    "incidents": [*Severity.choices, ("highlighted", gettext_lazy("Major or extraordinary"))],
    "subjects": [("verified", gettext_lazy("Verified")), ("unverified", gettext_lazy("Not verified"))],
}

_PLATFORM = re.compile(limits.PLATFORM_ID_PATTERN)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Filters:
    platform: str = ""
    category: str = ""
    district: str = ""
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    if len(value) > limits.DATE_TEXT_MAX_LENGTH or not _DATE.fullmatch(value):
        raise InvalidInput(_("Give the date as YYYY-MM-DD."), field=field, code="facts.invalid_date")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("There is no such date."), field=field, code="facts.invalid_date") from None
    # Beyond these a day in city time cannot be turned into UTC and back (year 1, year 9999).
    if not 1900 <= day.year <= 2999:
        raise InvalidInput(_("Give a date between the years 1900 and 2999."), field=field, code="facts.invalid_date")
    return day


def filters_parse(kind: str, data) -> Filters:
    """Filters from query parameters (strings), refused with the field at fault."""
    def text(name: str) -> str:
        value = data.get(name) or ""
        if not isinstance(value, str):
            raise InvalidInput(_("Give %(field)s as text.") % {"field": name}, field=name, code="facts.invalid_filter")
        return value.strip()

    platform, category, district, status = text("platform"), text("category"), text("district"), text("status")
    if platform and not _PLATFORM.fullmatch(platform):
        raise InvalidInput(_("A platform id is 1 to 64 letters, digits, dots, colons, dashes or underscores."),
                           field="platform", code="facts.invalid_platform")
    if len(category) > limits.CATEGORY_CODE_MAX_LENGTH:
        raise InvalidInput(_("A category is at most %(limit)s characters.")
                           % {"limit": limits.CATEGORY_CODE_MAX_LENGTH}, field="category",
                           code="facts.invalid_category")
    if district and district not in DISTRICTS:
        raise InvalidInput(_("Unknown district code: use a GB/T 2260 code of a Xiamen or Tianjin district."),
                           field="district", code="facts.invalid_district")
    if status and status not in dict(STATUSES[kind]):
        raise InvalidInput(_("Unknown status; one of: %(values)s.") % {"values": ", ".join(dict(STATUSES[kind]))},
                           field="status", code="facts.invalid_status")
    date_from, date_to = _date(text("date_from"), "date_from"), _date(text("date_to"), "date_to")
    if date_from and date_to and date_to < date_from:
        raise InvalidInput(_("The end date is before the start date."), field="date_to", code="facts.invalid_date")
    return Filters(platform=platform, category=category, district=district, status=status, date_from=date_from,
                   date_to=date_to)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=CITY_TZ)


def _common(queryset: QuerySet, filters: Filters, *, date_field: str, category_field: str = "category") -> QuerySet:
    if filters.platform:
        queryset = queryset.filter(platform_id=filters.platform)
    if filters.category:
        queryset = queryset.filter(**{category_field: filters.category})
    if filters.district:
        queryset = queryset.filter(district_code=filters.district)
    if filters.date_from:
        queryset = queryset.filter(**{f"{date_field}__gte": _day_start(filters.date_from)})
    if filters.date_to:
        queryset = queryset.filter(**{f"{date_field}__lt": _day_start(filters.date_to + dt.timedelta(days=1))})
    return queryset


def overdue_q(now: dt.datetime | None = None) -> Q:
    """Complaints still without an answer, and unresolved, past the city's yardstick."""
    limit = (now or timezone.now()) - dt.timedelta(hours=answer_hours())
    return Q(answered_at__isnull=True, resolved_at__isnull=True, filed_at__lt=limit)


# --- lists ---------------------------------------------------------------------------------------------


def listings_list(*, jurisdiction: Jurisdiction, filters: Filters = Filters()) -> QuerySet:
    rows = _common(scoped(ListingFact.objects.all(), jurisdiction), filters, date_field="published_at")
    if filters.status:
        rows = rows.filter(state=filters.status)
    return rows.order_by("-updated_at", "-id")


def complaints_list(*, jurisdiction: Jurisdiction, filters: Filters = Filters()) -> QuerySet:
    rows = _common(scoped(ComplaintFact.objects.all(), jurisdiction), filters, date_field="filed_at")
    if filters.status == "overdue":
        rows = rows.filter(overdue_q())
    elif filters.status:
        rows = rows.filter(status=filters.status)
    return rows.order_by("-filed_at", "-id")


def moderation_list(*, jurisdiction: Jurisdiction, filters: Filters = Filters()) -> QuerySet:
    rows = _common(scoped(ModerationFact.objects.all(), jurisdiction), filters, date_field="decided_at",
                   category_field="subject_type")
    if filters.status:
        rows = rows.filter(kind=filters.status)
    return rows.order_by("-decided_at", "-id")


def incidents_list(*, jurisdiction: Jurisdiction, filters: Filters = Filters()) -> QuerySet:
    rows = _common(scoped(SafetyIncident.objects.all(), jurisdiction), filters, date_field="occurred_at")
    if filters.status == "highlighted":
        rows = rows.filter(severity__in=HIGHLIGHTED_SEVERITIES)
    elif filters.status:
        rows = rows.filter(severity=filters.status)
    return rows.order_by("-occurred_at", "-id")


def subjects_list(*, jurisdiction: Jurisdiction, filters: Filters = Filters()) -> QuerySet:
    rows = _common(scoped(SubjectFact.objects.all(), jurisdiction), filters, date_field="registered_at",
                   category_field="subject_kind")
    if filters.status == "verified":
        rows = rows.filter(verified_at__isnull=False)
    elif filters.status == "unverified":
        rows = rows.filter(verified_at__isnull=True)
    return rows.order_by("-updated_at", "-id")


LIST_SELECTORS = {"listings": listings_list, "complaints": complaints_list, "moderation": moderation_list,
                  "incidents": incidents_list, "subjects": subjects_list}
MODELS = {"listings": ListingFact, "complaints": ComplaintFact, "moderation": ModerationFact,
          "incidents": SafetyIncident, "subjects": SubjectFact}


def fact_get(kind: str, *, jurisdiction: Jurisdiction, fact_id: int):
    """One fact, or NotFound when it does not exist or lies outside the jurisdiction."""
    model = MODELS[kind]
    row = scoped(model.objects.all(), jurisdiction).filter(pk=fact_id).first() if 0 < fact_id < 2**63 else None
    if row is None:
        raise NotFound(_("No such %(what)s.") % {"what": model._meta.verbose_name}, field="id",
                       code="facts.not_found")
    return row


def complaint_get(*, jurisdiction: Jurisdiction, fact_id: int) -> ComplaintFact:
    return fact_get("complaints", jurisdiction=jurisdiction, fact_id=fact_id)


def incident_get(*, jurisdiction: Jurisdiction, fact_id: int) -> SafetyIncident:
    return fact_get("incidents", jurisdiction=jurisdiction, fact_id=fact_id)


def is_overdue(complaint: ComplaintFact, now: dt.datetime | None = None) -> bool:
    limit = (now or timezone.now()) - dt.timedelta(hours=answer_hours())
    return (complaint.answered_at is None and complaint.resolved_at is None and complaint.filed_at is not None
            and complaint.filed_at < limit)


def counts(*, jurisdiction: Jurisdiction) -> dict[str, int]:
    listings = scoped(ListingFact.objects.all(), jurisdiction).aggregate(
        live=Count("id", filter=Q(state=ListingState.LIVE)), removed=Count("id", filter=Q(state=ListingState.REMOVED)))
    complaints = scoped(ComplaintFact.objects.all(), jurisdiction).aggregate(
        total=Count("id"), open=Count("id", filter=~Q(status=ComplaintStatus.RESOLVED)),
        overdue=Count("id", filter=overdue_q()), escalated=Count("id", filter=Q(status=ComplaintStatus.ESCALATED)))
    moderation = scoped(ModerationFact.objects.all(), jurisdiction).aggregate(
        decisions=Count("id", filter=Q(kind=ModerationKind.DECISION)),
        hidden_reviews=Count("id", filter=Q(kind=ModerationKind.REVIEW_HIDDEN)))
    incidents = scoped(SafetyIncident.objects.all(), jurisdiction).aggregate(
        total=Count("id"), highlighted=Count("id", filter=Q(severity__in=HIGHLIGHTED_SEVERITIES)))
    subjects = scoped(SubjectFact.objects.all(), jurisdiction).aggregate(
        total=Count("id"), verified=Count("id", filter=Q(verified_at__isnull=False)))
    return {
        "listings_live": listings["live"], "listings_removed": listings["removed"],
        "complaints": complaints["total"], "complaints_open": complaints["open"],
        "complaints_overdue": complaints["overdue"], "complaints_escalated": complaints["escalated"],
        "moderation_decisions": moderation["decisions"], "hidden_reviews": moderation["hidden_reviews"],
        "incidents": incidents["total"], "incidents_highlighted": incidents["highlighted"],
        "subjects": subjects["total"], "subjects_verified": subjects["verified"],
    }


# --- what a detail page shows beside the fact ----------------------------------------------------------


def listing_changes(listing: ListingFact) -> QuerySet:
    return ListingChange.objects.filter(platform_id=listing.platform_id, listing_id=listing.listing_id)


def listing_removals(listing: ListingFact) -> QuerySet:
    return ListingRemoval.objects.filter(platform_id=listing.platform_id, listing_id=listing.listing_id)


def removals_matching(*, provider_key: str, title: str, jurisdiction: Jurisdiction | None = None,
                      exclude_listing: ListingFact | None = None) -> QuerySet:
    """Earlier removals of a listing by the same provider with the same title, on any platform's
    listing id: a removed listing published again under a new id shows up here."""
    if not provider_key or not title:
        return ListingRemoval.objects.none()
    rows = ListingRemoval.objects.filter(provider_key=provider_key, title=title)
    if exclude_listing is not None:
        rows = rows.exclude(platform_id=exclude_listing.platform_id, listing_id=exclude_listing.listing_id)
    if jurisdiction is not None:
        rows = scoped(rows, jurisdiction)
    return rows.order_by("-removed_at")


def moderation_of(*, platform_id: str, subject_type: str, subject_id: str, jurisdiction: Jurisdiction) -> QuerySet:
    return scoped(ModerationFact.objects.filter(platform_id=platform_id, subject_type=subject_type,
                                                subject_id=subject_id), jurisdiction)


def notes_of(fact) -> QuerySet:
    field = "complaint" if isinstance(fact, ComplaintFact) else "incident"
    return FollowUpNote.objects.filter(**{field: fact}).select_related("author")


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def complaint_timeline(complaint: ComplaintFact) -> list[dict]:
    """What happened to a complaint, in time order: filing, answer, escalations, resolution, the refunds
    the platform reported for it (``order.refunded``), notes."""
    events: list[dict] = []
    if complaint.filed_at:
        events.append({"kind": "filed", "at": complaint.filed_at})
    if complaint.answered_at:
        events.append({"kind": "answered", "at": complaint.answered_at, "answer": complaint.answer,
                       "summary": complaint.answer_summary, "response_seconds": complaint.response_seconds})
    for escalation in complaint.escalations or []:
        events.append({"kind": "escalated", "at": dt.datetime.fromisoformat(escalation["at"]),
                       "to": _label(EscalatedTo, escalation["to"]),
                       "reason": _label(EscalationReason, escalation["reason"])})
    if complaint.resolved_at:
        events.append({"kind": "resolved", "at": complaint.resolved_at, "outcome": complaint.outcome,
                       "refund_fen": complaint.refund_fen, "compensation_fen": complaint.compensation_fen,
                       "satisfied": complaint.complainant_satisfied})
    for refund in RefundFact.objects.filter(platform_id=complaint.platform_id, complaint_id=complaint.complaint_id):
        events.append({"kind": "refunded", "at": refund.refunded_at, "amount_fen": refund.amount_fen,
                       "from_escrow_fen": refund.from_escrow_fen, "from_provider_fen": refund.from_provider_fen,
                       "receivable_fen": refund.receivable_fen, "refund_id": refund.refund_id})
    for note in notes_of(complaint):
        events.append({"kind": "note", "at": note.created_at, "text": note.text, "department": note.department,
                       "author": note.author.get_username() if note.author else ""})
    return sorted(events, key=lambda event: event["at"])


def subject_kinds(*, platform_id: str, subject_keys: set[str]) -> dict[str, str]:
    """Subject key -> ``person`` or ``business`` as the platform last reported it, for the keys the hub knows."""
    if not subject_keys:
        return {}
    return dict(SubjectFact.objects.filter(platform_id=platform_id, subject_key__in=sorted(subject_keys))
                .values_list("subject_key", "subject_kind"))


# --- pickers: platforms, listings and subjects by name ------------------------------------------------

LOOKUP_LIMIT = 20
LOOKUP_KINDS = ("platforms", "listings", "subjects", "credit_subjects")


@dataclass(frozen=True)
class Choice:
    """Something an officer picks in a form: ``key`` goes into the directive (a platform id, the
    platform's listing id, a subject's pseudonymous key); ``label`` and ``secondary`` are what the
    officer reads. ``platform_id`` is the platform it belongs to (the platform itself for a platform)."""

    key: str
    label: str
    secondary: str
    platform_id: str


def _language() -> str:
    return translation.get_language() or "zh-hans"


def _sectors_shown(sectors) -> str:
    return "、".join(sector_label(code, language=_language()) for code in (sectors or [])[:3] if isinstance(code, str))


def lookup_platforms(*, jurisdiction: Jurisdiction, q: str = "", keys: list[str] | None = None,
                     limit: int = LOOKUP_LIMIT) -> list[Choice]:
    """Registered platforms of the jurisdiction whose name contains ``q`` (or whose id is ``q``), by name;
    with ``keys``, exactly those of them."""
    from sharecity.hub.registry.models import RegisteredPlatform

    names = jurisdiction.platform_names()
    wanted = set(names) if keys is None else set(keys) & set(names)
    needle = q.strip().casefold()
    if needle and keys is None:
        wanted = {pid for pid in wanted if needle in names[pid].casefold() or needle == pid.casefold()}
    rows = (RegisteredPlatform.objects.filter(platform_id__in=sorted(wanted)).order_by("name", "platform_id")
            .values_list("platform_id", "name", "credit_code", "sectors"))
    return [Choice(key=pid, label=name, secondary=" · ".join(part for part in (code, _sectors_shown(sectors)) if part),
                   platform_id=pid)
            for pid, name, code, sectors in rows[:limit]]


def _listing_choice(fact: ListingFact, names: dict[str, str]) -> Choice:
    district = DISTRICTS.get(fact.district_code)
    where = ""
    if district is not None:
        where = district.name_zh if _language().startswith("zh") else district.name_en
    state = "" if fact.state == ListingState.LIVE else str(fact.get_state_display())
    return Choice(key=fact.listing_id, label=fact.title or fact.listing_id,
                  secondary=" · ".join(part for part in (names.get(fact.platform_id, fact.platform_id), where, state,
                                                         fact.listing_id) if part),
                  platform_id=fact.platform_id)


def lookup_listings(*, jurisdiction: Jurisdiction, q: str = "", platform_id: str = "", keys: list[str] | None = None,
                    limit: int = LOOKUP_LIMIT) -> list[Choice]:
    """Listings of the jurisdiction (of ``platform_id`` when given) whose title contains ``q`` or whose
    listing id is ``q``, those still live first; with ``keys``, the listings of those ids."""
    rows = scoped(ListingFact.objects.all(), jurisdiction)
    if platform_id:
        rows = rows.filter(platform_id=platform_id)
    if keys is not None:
        rows = rows.filter(listing_id__in=keys)
    elif q.strip():
        rows = rows.filter(Q(title__icontains=q.strip()) | Q(listing_id=q.strip()))
    rows = rows.annotate(not_live=Case(When(state=ListingState.LIVE, then=Value(0)), default=Value(1))).order_by(
        "not_live", "-published_at", "-id")
    names = registered_platform_names()
    return [_listing_choice(fact, names) for fact in rows[:limit]]


def lookup_subjects(*, jurisdiction: Jurisdiction, q: str = "", platform_id: str = "", keys: list[str] | None = None,
                    limit: int = LOOKUP_LIMIT) -> list[Choice]:
    """Subjects (operators and providers) of the jurisdiction as the hub knows them: by pseudonymous key
    and platform, never by identity. ``q`` matches a part of the key or a word of the title of one of
    their listings; with ``keys``, the subjects of those keys."""
    rows = scoped(SubjectFact.objects.all(), jurisdiction)
    listings = scoped(ListingFact.objects.exclude(provider_key=""), jurisdiction)
    if platform_id:
        rows = rows.filter(platform_id=platform_id)
        listings = listings.filter(platform_id=platform_id)
    if keys is not None:
        rows = rows.filter(subject_key__in=keys)
    elif q.strip():
        providers = listings.filter(title__icontains=q.strip()).values_list("provider_key", flat=True)[:200]
        rows = rows.filter(Q(subject_key__icontains=q.strip()) | Q(subject_key__in=list(providers)))
    subjects = list(rows.order_by("-registered_at", "-id")[:limit])
    titles: dict[tuple[str, str], list[str]] = {}
    for pid, key, title in (listings.filter(provider_key__in=[s.subject_key for s in subjects])
                            .exclude(title="").order_by("-published_at", "-id")
                            .values_list("platform_id", "provider_key", "title")[:500]):
        titles.setdefault((pid, key), []).append(title)
    names = registered_platform_names()
    found = []
    for subject in subjects:
        offered = titles.get((subject.platform_id, subject.subject_key), [])[:2]
        secondary = [names.get(subject.platform_id, subject.platform_id)]
        if offered:
            secondary.append(_("offers: %(titles)s") % {"titles": "、".join(offered)})
        found.append(Choice(key=subject.subject_key,
                            label=f"{subject.get_subject_kind_display()} {subject.subject_key}",
                            secondary=" · ".join(secondary), platform_id=subject.platform_id))
    return found


def lookup_credit_subjects(*, jurisdiction: Jurisdiction, q: str = "", keys: list[str] | None = None,
                           limit: int = LOOKUP_LIMIT) -> list[Choice]:
    """Credit files of the jurisdiction (hub.credit): an enterprise by a part of its name or its credit code, a
    person or business by its key (the start or all of it), shown masked as the credit pages show them. The key
    is the file's number."""
    from sharecity.hub.credit.selectors import subject_label, subjects_scoped, subjects_search

    if keys is not None:
        numbers = [int(key) for key in keys if key.isdigit() and len(key) <= 15]
        rows = subjects_scoped(jurisdiction).filter(pk__in=numbers)
    else:
        rows = subjects_search(jurisdiction=jurisdiction, q=q.strip())
    names = registered_platform_names()
    found = []
    for subject in rows.order_by("kind", "name", "identifier")[:limit]:
        district = DISTRICTS.get(subject.district_code)
        where = (district.name_zh if _language().startswith("zh") else district.name_en) if district else ""
        secondary = [str(subject.get_kind_display()), where, names.get(subject.platform_id, "")]
        found.append(Choice(key=str(subject.pk), label=subject_label(subject),
                            secondary=" · ".join(part for part in secondary if part), platform_id=subject.platform_id))
    return found


def lookup(kind: str, *, jurisdiction: Jurisdiction, q: str = "", platform_id: str = "",
           keys: list[str] | None = None, limit: int = LOOKUP_LIMIT) -> list[Choice]:
    """``lookup_platforms``, ``lookup_listings`` or ``lookup_subjects`` by ``kind``. A ``platform_id``
    outside the jurisdiction is not found (whether it exists elsewhere is not told)."""
    if platform_id and (platform_id not in registered_platform_names()
                        or not jurisdiction.covers_platform(platform_id)):
        raise NotFound(_("No such platform in your jurisdiction."), field="platform")
    if kind == "platforms":
        return lookup_platforms(jurisdiction=jurisdiction, q=q, keys=keys, limit=limit)
    if kind == "credit_subjects":
        return lookup_credit_subjects(jurisdiction=jurisdiction, q=q, keys=keys, limit=limit)
    finder = lookup_listings if kind == "listings" else lookup_subjects
    return finder(jurisdiction=jurisdiction, q=q, platform_id=platform_id, keys=keys, limit=limit)
