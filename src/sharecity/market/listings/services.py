"""Writes of listings: the lifecycle draft → (pending review) → published / rejected → suspended / removed.

Every submission and every edit of a live listing is screened (``moderation.screening``):
clear cases are decided automatically, unclear ones wait in the platform's review queue.
Each restriction comes with a statement of reasons the provider sees and the hub receives.

``published_at`` is set while the hub knows the listing as live: it is set when
``listing.published`` is reported and cleared when ``listing.removed`` is.
"""

from __future__ import annotations

import math

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import payload_build
from sharecity.kernel.districts import district_get
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record, fact_record
from sharecity.market.accounts.errors import NotVerifiedProvider
from sharecity.market.accounts.models import SubjectKind
from sharecity.market.accounts.selectors import credit_listed_check, party_key, provider_profile_for
from sharecity.market.catalog import selectors as catalog_selectors
from sharecity.market.catalog import services as catalog_services
from sharecity.market.catalog.models import Category, PriceUnit
from sharecity.market.listings.errors import CategoryNotEnabled, InvalidListing, NotYourListing, WrongState
from sharecity.market.listings.models import CancellationPolicy, Listing, ListingStatus
from sharecity.market.listings.text import attribute_words, search_text_for
from sharecity.market.moderation import screening
from sharecity.market.moderation import services as moderation
from sharecity.market.moderation.models import Decision, StatementOfReasons, SubjectType
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import is_operator

MAX_PRICE_FEN = 100_000_000  # ¥1,000,000.00
MAX_CAPACITY = 10_000
MAX_DEPOSIT_FEN = 10_000_000
MAX_REFUND_DAYS = 90
MAX_DESCRIPTION = 5000
PLATFORM_RULES = "平台服务协议和交易规则（《中华人民共和国电子商务法》第三十二条）"
# What a provider may change with listing_update, and the aspect of listing.changed each belongs to.
EDITABLE = {
    "title": "title", "description": "description", "attributes": "attributes", "licences": "attributes",
    "district_code": "district", "address": "district", "latitude": "district", "longitude": "district",
    "price_fen": "price", "price_unit": "price", "fees": "price", "capacity": "attributes",
    "deposit_fen": "attributes", "deposit_refund_days": "attributes", "cancellation_policy": "attributes",
}
SCREENED = {"title", "description", "attributes", "licences"}


# --- checks ------------------------------------------------------------------------------------


def _whole(value, *, field: str, low: int, high: int, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidListing(message, field=field)
    return value


def _fees_clean(fees) -> list[dict]:
    if not isinstance(fees, list | tuple):
        raise InvalidListing(_("Fees are a list."), field="fees")
    cleaned, codes = [], set()
    for index, fee in enumerate(fees):
        where = f"fees.{index}"
        if not isinstance(fee, dict):
            raise InvalidListing(_("Each fee has a name, an amount and what it is charged per."), field=where)
        label_zh = str(fee.get("label_zh") or "").strip()
        label_en = str(fee.get("label_en") or "").strip()
        if not (label_zh or label_en) or len(label_zh) > 40 or len(label_en) > 40:
            raise InvalidListing(_("Each fee has a name of 1 to 40 characters."), field=f"{where}.label")
        code = str(fee.get("code") or label_en or label_zh).strip().lower()[:40]
        if code in codes:
            raise InvalidListing(_("Two fees have the same name."), field=f"{where}.label")
        codes.add(code)
        fen = _whole(fee.get("fen"), field=f"{where}.fen", low=1, high=MAX_PRICE_FEN,
                     message=_("A fee is between ¥0.01 and ¥1,000,000.00."))
        per = fee.get("per") or "order"
        if per not in ("order", "unit"):
            raise InvalidListing(_("A fee is charged per order or per unit."), field=f"{where}.per")
        cleaned.append({"code": code, "label_zh": label_zh or label_en, "label_en": label_en or label_zh,
                        "fen": fen, "per": per})
    return cleaned


def _licences_clean(licences) -> dict[str, str]:
    if licences in (None, ""):
        return {}
    if not isinstance(licences, dict):
        raise InvalidListing(_("Licences are given as licence: number."), field="licences")
    cleaned = {}
    for code, number in licences.items():
        number = str(number or "").strip()
        if len(number) > 64:
            raise InvalidListing(_("A licence number has at most 64 characters."), field=f"licences.{code}")
        if number:
            cleaned[str(code)] = number
    return cleaned


def _fields_clean(*, category: Category, platform: Platform, data: dict) -> dict:
    """Check and shape every field of a listing (all of them, as they will be stored)."""
    title = str(data.get("title") or "").strip()
    if not 1 <= len(title) <= 120:
        raise InvalidListing(_("A title has 1 to 120 characters."), field="title")
    description = str(data.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise InvalidListing(_("A description has at most 5,000 characters."), field="description")
    attributes = catalog_services.attributes_clean(category=category, platform=platform,
                                                   values=data.get("attributes") or {})
    district_get(data.get("district_code") or "", field="district_code")
    address = str(data.get("address") or "").strip()
    if len(address) > 200:
        raise InvalidListing(_("An address has at most 200 characters."), field="address")
    latitude, longitude = data.get("latitude"), data.get("longitude")
    if (latitude is None) != (longitude is None):
        raise InvalidListing(_("Give both the latitude and the longitude, or neither."), field="latitude")
    if latitude is not None:
        for name, value, bound in (("latitude", latitude, 90), ("longitude", longitude, 180)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                    or not -bound <= value <= bound:
                raise InvalidListing(_("The %(name)s is a number between -%(bound)s and %(bound)s.")
                                     % {"name": name, "bound": bound}, field=name)
    price_fen = _whole(data.get("price_fen"), field="price_fen", low=1, high=MAX_PRICE_FEN,
                       message=_("The price is between ¥0.01 and ¥1,000,000.00."))
    price_unit = data.get("price_unit") or category.default_unit
    if price_unit not in PriceUnit.values:
        raise InvalidListing(_("The price is per hour, day, night, month or item."), field="price_unit")
    capacity = _whole(data.get("capacity", 1), field="capacity", low=1, high=MAX_CAPACITY,
                      message=_("The capacity is a whole number from 1 to 10,000."))
    deposit_fen = _whole(data.get("deposit_fen", 0), field="deposit_fen", low=0, high=MAX_DEPOSIT_FEN,
                         message=_("The deposit is between ¥0.00 and ¥100,000.00."))
    refund_days = _whole(data.get("deposit_refund_days", 0), field="deposit_refund_days", low=0,
                         high=MAX_REFUND_DAYS, message=_("The deposit is refunded within 0 to 90 days."))
    if deposit_fen and not refund_days:
        # E-commerce Law Art. 21: the way and the time limit of the refund are stated.
        raise InvalidListing(_("A listing that takes a deposit states within how many days it is refunded."),
                             field="deposit_refund_days")
    policy = data.get("cancellation_policy") or CancellationPolicy.MODERATE
    if policy not in CancellationPolicy.values:
        raise InvalidListing(_("The cancellation policy is flexible, moderate or strict."),
                             field="cancellation_policy")
    return {
        "title": title, "description": description, "attributes": attributes,
        "licences": _licences_clean(data.get("licences")), "district_code": data["district_code"],
        "address": address, "latitude": latitude, "longitude": longitude, "price_fen": price_fen,
        "price_unit": price_unit, "fees": _fees_clean(data.get("fees") or []), "capacity": capacity,
        "deposit_fen": deposit_fen, "deposit_refund_days": refund_days, "cancellation_policy": policy,
    }


def search_text_of(listing: Listing) -> str:
    """What search matches: the title, description and attribute values, and the names of the category and
    the categories above it (in both languages), so that a category word (家政, 停车) finds its listings."""
    names = [name for node in catalog_selectors.category_ancestors(listing.category)
             for name in (node.name_zh, node.name_en)]
    return search_text_for(title=listing.title, description=listing.description,
                           values=[*attribute_words(listing.attributes or {}, catalog_selectors.attribute_fields(
                               category=listing.category, platform=listing.platform)), *names])



def _is_provider(actor: User | None, listing: Listing) -> bool:
    return actor is not None and actor.pk == listing.provider_id


def _is_operator(actor: User | None, listing: Listing) -> bool:
    return actor is not None and is_operator(user=actor, platform=listing.platform)


def _require_provider(actor: User | None, listing: Listing) -> None:
    if not _is_provider(actor, listing):
        raise NotYourListing(_("Only the listing's provider may do this."), field="listing")


def _wrong_state(listing: Listing, action: str) -> WrongState:
    return WrongState(_("A listing that is %(status)s cannot be %(action)s.")
                      % {"status": listing.get_status_display(), "action": action}, field="status")


def _locked(listing: Listing) -> Listing:
    """Lock the listing's row and bring the caller's instance up to date (the caller sees the outcome)."""
    Listing.objects.select_for_update().filter(pk=listing.pk).values_list("pk", flat=True).get()
    listing.refresh_from_db()
    return listing


def _audit(actor: User | None, listing: Listing, action: str, **data) -> None:
    audit_record(actor=actor, action=f"listing.{action}", target_type="listing", target_id=listing.public_id,
                 platform_id=listing.platform.exchange_id, data={"status": listing.status, **data})


def _set_status(listing: Listing, status: str, reason: str = "") -> None:
    listing.status = status
    listing.status_reason = reason
    listing.save(update_fields=["status", "status_reason", "published_at", "updated_at"])


# --- screening and its outcomes ----------------------------------------------------------------


def listing_screen(*, listing: Listing) -> screening.ScreenResult:
    """What the automated screening says of the listing as it stands (nothing is written)."""
    profile = provider_profile_for(listing.provider)
    trademarks = [profile.legal_name] if profile is not None and profile.kind == SubjectKind.BUSINESS else []
    # Free text the provider wrote; choice codes and numbers say nothing an advertisement could.
    text_fields = {f["name"] for f in catalog_selectors.attribute_fields(category=listing.category,
                                                                          platform=listing.platform)
                   if f.get("type", "text") == "text"}
    text_values = {k: v for k, v in (listing.attributes or {}).items() if k in text_fields and isinstance(v, str)}
    return screening.screen(
        text=f"{listing.title}\n{listing.description}".strip(),
        licence_rules=catalog_selectors.licence_rules(category=listing.category, platform=listing.platform),
        licences=listing.licences or {}, attributes=text_values, trademarks=trademarks,
    )


def _publish(actor: User | None, listing: Listing) -> None:
    """Make the listing live, telling the hub unless it already knows it as live. A provider on the
    serious-dishonesty list cannot bring a listing online (the joint measures of the city's directive);
    a live listing they edit stays as it is."""
    if listing.status != ListingStatus.PUBLISHED:
        credit_listed_check(platform=listing.platform, subject_keys=[party_key(listing.provider)],
                            doing=_("publish listings"))
    already_live = listing.published_at is not None
    if not already_live:
        listing.published_at = timezone.now()
    _set_status(listing, ListingStatus.PUBLISHED)
    if already_live:
        _audit(actor, listing, "publish")
        return
    fact_record(
        actor=actor, action="listing.publish", target_type="listing", target_id=listing.public_id,
        platform_id=listing.platform.exchange_id, message_type="listing.published",
        payload=payload_build(
            "listing.published", listing_id=str(listing.public_id), category=listing.category.code,
            district=listing.district_code, provider_key=party_key(listing.provider), price_fen=listing.price_fen,
            price_unit=listing.price_unit, title=listing.title[:200],
        ),
    )


def _take_down(actor: User | None, listing: Listing, *, removed_by: str,
               statement: StatementOfReasons | None) -> None:
    """Tell the hub the listing is no longer live (when it knew it as live)."""
    if listing.published_at is None:
        return
    listing.published_at = None
    listing.save(update_fields=["published_at", "updated_at"])
    fact_record(
        actor=actor, action="listing.take_down", target_type="listing", target_id=listing.public_id,
        platform_id=listing.platform.exchange_id, message_type="listing.removed",
        payload=payload_build(
            "listing.removed", listing_id=str(listing.public_id), removed_at=timezone.now(), removed_by=removed_by,
            statement_of_reasons=moderation.statement_payload(statement) if statement is not None else None,
        ),
    )


def _reject(actor: User | None, listing: Listing, *, ground: str, legal_reference: str, facts: str,
            automated: bool, case=None) -> StatementOfReasons:
    statement = moderation.statement_issue(
        actor=actor, platform=listing.platform, subject_type=SubjectType.LISTING, subject_id=str(listing.public_id),
        decision=Decision.REJECTED, ground=ground, legal_reference=legal_reference, facts=facts,
        automated_detection=True, automated_decision=automated, case=case,
        district=listing.district_code,
    )
    _set_status(listing, ListingStatus.REJECTED, facts)
    _take_down(actor, listing, removed_by="platform", statement=statement)
    return statement


def _moderate(actor: User | None, listing: Listing) -> screening.ScreenResult:
    """Screen the listing and act on the verdict: publish, reject with reasons, or queue for a human."""
    result = listing_screen(listing=listing)
    if result.verdict == screening.REJECT:
        ground, reference, facts = screening.summarise(result.rejected)
        _reject(actor, listing, ground=ground, legal_reference=reference, facts=facts, automated=True)
    elif result.verdict == screening.REVIEW:
        moderation.case_open(platform=listing.platform, subject_type=SubjectType.LISTING,
                             subject_id=str(listing.public_id), text=result.text,
                             findings=result.findings_data(), actor=actor)
        _set_status(listing, ListingStatus.PENDING_REVIEW)
    else:
        _publish(actor, listing)
    return result


# --- the lifecycle -----------------------------------------------------------------------------


@transaction.atomic
def listing_create(*, actor: User, platform: Platform, provider: User, category: Category, title: str,
                   description: str, attributes: dict, licences: dict, district_code: str, address: str = "",
                   latitude: float | None = None, longitude: float | None = None, price_fen: int,
                   price_unit: str, fees=(), capacity: int = 1, deposit_fen: int = 0, deposit_refund_days: int = 0,
                   cancellation_policy: str = CancellationPolicy.MODERATE) -> Listing:
    """A draft listing of a verified provider in a category the platform has enabled."""
    if actor is None or (actor.pk != provider.pk and not is_operator(user=actor, platform=platform)):
        raise NotYourListing(_("Only the provider may create their listing."), field="provider")
    if provider_profile_for(provider) is None:
        raise NotVerifiedProvider(_("Verify your real name before creating a listing."), field="provider")
    if category.pk not in {c.pk for c in catalog_selectors.categories_enabled(platform=platform)}:
        raise CategoryNotEnabled(_("This platform does not offer the category %(name)s.")
                                 % {"name": category.name_zh}, field="category")
    data = _fields_clean(category=category, platform=platform, data={
        "title": title, "description": description, "attributes": attributes, "licences": licences,
        "district_code": district_code, "address": address, "latitude": latitude, "longitude": longitude,
        "price_fen": price_fen, "price_unit": price_unit, "fees": list(fees), "capacity": capacity,
        "deposit_fen": deposit_fen, "deposit_refund_days": deposit_refund_days,
        "cancellation_policy": cancellation_policy,
    })
    listing = Listing(platform=platform, provider=provider, category=category, status=ListingStatus.DRAFT,
                      process=catalog_selectors.process_for(category=category, platform=platform), **data)
    listing.search_text = search_text_of(listing)
    listing.save()
    _audit(actor, listing, "create", category=category.code)
    return listing


@transaction.atomic
def listing_update(*, actor: User, listing: Listing, **changes) -> Listing:
    """Change a listing. An edit of a live listing is screened again and reported as listing.changed."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(_("This cannot be changed on a listing."), field=unknown[0], code="listing.not_editable")
    listing = _locked(listing)
    _require_provider(actor, listing)
    if listing.status in (ListingStatus.PENDING_REVIEW, ListingStatus.REMOVED):
        raise _wrong_state(listing, _("edited"))
    current = {name: getattr(listing, name) for name in EDITABLE}
    data = _fields_clean(category=listing.category, platform=listing.platform, data={**current, **changes})
    changed = [name for name in EDITABLE if data[name] != current[name]]
    if not changed:
        return listing
    for name in changed:
        setattr(listing, name, data[name])
    listing.search_text = search_text_of(listing)
    listing.save()
    _audit(actor, listing, "update", changed=changed)
    if listing.published_at is None:
        return listing  # the hub does not know it as live: nothing to report
    aspects = sorted({EDITABLE[name] for name in changed})
    fact_record(
        actor=actor, action="listing.change", target_type="listing", target_id=listing.public_id,
        platform_id=listing.platform.exchange_id, message_type="listing.changed",
        payload=payload_build(
            "listing.changed", listing_id=str(listing.public_id), changed=aspects, changed_at=timezone.now(),
            category=listing.category.code if "category" in aspects else None,
            district=listing.district_code if "district" in aspects else None,
            price_fen=listing.price_fen if "price" in aspects else None,
            price_unit=listing.price_unit if "price" in aspects else None,
            title=listing.title[:200] if "title" in aspects else None,
        ),
        audit_data={"changed": changed},
    )
    if listing.status == ListingStatus.PUBLISHED and SCREENED & set(changed):
        _moderate(actor, listing)
    return listing


@transaction.atomic
def listing_submit(*, actor: User, listing: Listing) -> Listing:
    """Send a draft (or a rejected listing, corrected) to moderation: it is published, rejected
    with a statement of reasons, or queued for a moderator."""
    listing = _locked(listing)
    _require_provider(actor, listing)
    if listing.status not in (ListingStatus.DRAFT, ListingStatus.REJECTED):
        raise _wrong_state(listing, _("submitted"))
    # A provider whose verification ran out in this vertical publishes nothing there until verified again.
    from sharecity.market.accounts.selectors import identity_current_check

    identity_current_check(user=listing.provider, sector=listing.category.sector, doing=_("publish"))
    _audit(actor, listing, "submit")
    _moderate(actor, listing)
    return listing


@transaction.atomic
def listing_review_decide(*, actor: User, listing: Listing, approve: bool, reason: str = "") -> Listing:
    """A moderator decides a listing waiting in the review queue."""
    from sharecity.market.moderation.selectors import open_case_for

    listing = _locked(listing)
    moderation.moderator_check(actor=actor, platform=listing.platform)
    if listing.status != ListingStatus.PENDING_REVIEW:
        raise _wrong_state(listing, _("reviewed"))
    case = open_case_for(platform=listing.platform, subject_type=SubjectType.LISTING,
                         subject_id=str(listing.public_id))
    if case is None:
        case = moderation.case_open(platform=listing.platform, subject_type=SubjectType.LISTING,
                                    subject_id=str(listing.public_id), text=listing.title, findings=[], actor=actor)
    case = moderation.case_decide(actor=actor, case=case, approve=approve, reason=reason)
    if approve:
        _publish(actor, listing)
        if reason.strip() or StatementOfReasons.objects.filter(
                subject_type=SubjectType.LISTING, subject_id=str(listing.public_id)).exists():
            moderation.statement_issue(
                actor=actor, platform=listing.platform, subject_type=SubjectType.LISTING,
                subject_id=str(listing.public_id), decision=Decision.APPROVED, ground=_ground(case.findings),
                legal_reference=_reference(case.findings),
                facts=reason.strip() or _("A moderator checked the listing and approved it."),
                automated_detection=True, automated_decision=False, case=case, district=listing.district_code,
            )
        return listing
    _reject(actor, listing, ground=_ground(case.findings), legal_reference=_reference(case.findings),
            facts=reason.strip(), automated=False, case=case)
    return listing


def _ground(findings: list[dict]) -> str:
    return screening.summarise(findings)[0] if findings else screening.TERMS_VIOLATION


def _reference(findings: list[dict]) -> str:
    return screening.summarise(findings)[1] if findings else PLATFORM_RULES


@transaction.atomic
def listing_suspend(*, actor: User, listing: Listing, reason: str) -> Listing:
    """Take a live listing offline for a while: the provider pauses it, or the platform suspends it
    (with a statement of reasons)."""
    listing = _locked(listing)
    by_operator = _is_operator(actor, listing)
    if not by_operator:
        _require_provider(actor, listing)
    if listing.status != ListingStatus.PUBLISHED:
        raise _wrong_state(listing, _("suspended"))
    reason = (reason or "").strip()
    if by_operator and not _is_provider(actor, listing):
        if not reason:
            raise InvalidListing(_("Give the reason for the suspension; the provider will read it."), field="reason")
        moderation.statement_issue(
            actor=actor, platform=listing.platform, subject_type=SubjectType.LISTING,
            subject_id=str(listing.public_id), decision=Decision.SUSPENDED, ground=screening.TERMS_VIOLATION,
            legal_reference=PLATFORM_RULES, facts=reason, automated_detection=False, automated_decision=False,
            district=listing.district_code,
        )
        _set_status(listing, ListingStatus.SUSPENDED, reason)
        _audit(actor, listing, "suspend", by="platform")
        return listing
    _set_status(listing, ListingStatus.SUSPENDED, reason)
    _audit(actor, listing, "suspend", by="provider")
    return listing


@transaction.atomic
def listing_suspend_by_authority(*, listing: Listing, issued_by: str, legal_reference: str, facts: str) -> bool:
    """Take a listing off the platform because an authority ordered it (a recall order), with a statement
    of reasons citing the order, and tell the hub it is down (``removed_by`` authority). Only a moderator
    may put it back (``listing_reinstate``). Returns False when it already stood suspended by the platform
    or removed, so a second order naming it changes nothing."""
    listing = _locked(listing)
    if listing.status == ListingStatus.REMOVED or (
            listing.status == ListingStatus.SUSPENDED and _suspended_by_platform(listing)):
        return False
    statement = moderation.statement_issue(
        actor=None, platform=listing.platform, subject_type=SubjectType.LISTING, subject_id=str(listing.public_id),
        decision=Decision.SUSPENDED, ground=screening.ILLEGAL_CONTENT, legal_reference=legal_reference,
        facts=f"{issued_by}: {facts}", automated_detection=False, automated_decision=True,
        district=listing.district_code,
    )
    _set_status(listing, ListingStatus.SUSPENDED, statement.facts)
    _audit(None, listing, "suspend", by="authority", issued_by=issued_by)
    _take_down(None, listing, removed_by="authority", statement=statement)
    return True


def _suspended_by_platform(listing: Listing) -> bool:
    latest = StatementOfReasons.objects.filter(subject_type=SubjectType.LISTING,
                                               subject_id=str(listing.public_id)).order_by("-created_at", "-id").first()
    return latest is not None and latest.decision == Decision.SUSPENDED


@transaction.atomic
def listing_reinstate(*, actor: User, listing: Listing, reason: str = "") -> Listing:
    """Put a suspended listing back online: the provider resumes what they paused; only the platform
    lifts its own suspension (with a statement)."""
    listing = _locked(listing)
    if listing.status != ListingStatus.SUSPENDED:
        raise _wrong_state(listing, _("reinstated"))
    if _suspended_by_platform(listing):
        moderation.moderator_check(actor=actor, platform=listing.platform)
        moderation.statement_issue(
            actor=actor, platform=listing.platform, subject_type=SubjectType.LISTING,
            subject_id=str(listing.public_id), decision=Decision.RESTORED, ground=screening.TERMS_VIOLATION,
            legal_reference=PLATFORM_RULES, facts=(reason or "").strip() or _("The suspension was lifted."),
            automated_detection=False, automated_decision=False, district=listing.district_code,
        )
        _publish(actor, listing)
        return listing
    _require_provider(actor, listing)
    _audit(actor, listing, "resume")
    _moderate(actor, listing)  # it may have been edited while paused
    return listing


@transaction.atomic
def listing_remove(*, actor: User, listing: Listing, reason: str) -> Listing:
    """Take a listing down for good: withdrawn by its provider, or removed by the platform with a
    statement of reasons."""
    listing = _locked(listing)
    by_platform = _is_operator(actor, listing) and not _is_provider(actor, listing)
    if not by_platform:
        _require_provider(actor, listing)
    if listing.status == ListingStatus.REMOVED:
        raise _wrong_state(listing, _("removed"))
    reason = (reason or "").strip()
    statement = None
    if by_platform:
        if not reason:
            raise InvalidListing(_("Give the reason for the removal; the provider will read it."), field="reason")
        statement = moderation.statement_issue(
            actor=actor, platform=listing.platform, subject_type=SubjectType.LISTING,
            subject_id=str(listing.public_id), decision=Decision.REMOVED, ground=screening.TERMS_VIOLATION,
            legal_reference=PLATFORM_RULES, facts=reason, automated_detection=False, automated_decision=False,
            district=listing.district_code,
        )
    _set_status(listing, ListingStatus.REMOVED, reason)
    _audit(actor, listing, "remove", by="platform" if by_platform else "provider")
    _take_down(actor, listing, removed_by="platform" if by_platform else "provider", statement=statement)
    return listing


# --- ratings (called by reviews when a customer's review is published or hidden) ---------------


def _rating_check(rating: int) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidListing(_("A rating is a whole number from 1 to 5."), field="rating")
    return rating


@transaction.atomic
def listing_rating_add(*, listing: Listing, rating: int) -> None:
    """Count a published customer rating in the listing's aggregate (one UPDATE, no lost update)."""
    rating = _rating_check(rating)
    Listing.objects.filter(pk=listing.pk).update(rating_sum=F("rating_sum") + rating,
                                                 rating_count=F("rating_count") + 1)


@transaction.atomic
def listing_rating_remove(*, listing: Listing, rating: int) -> None:
    """Take a rating out of the aggregate (its review was hidden by the platform)."""
    rating = _rating_check(rating)
    Listing.objects.filter(pk=listing.pk, rating_count__gt=0, rating_sum__gte=rating).update(
        rating_sum=F("rating_sum") - rating, rating_count=F("rating_count") - 1)


# --- rights holders' notices (called by market.notices) -----------------------------------------

# The necessary measure on a rights holder's notice and its end after a counter-notice.
NOTICE_MEASURE_LAW = "《中华人民共和国电子商务法》第四十二条第二款"
NOTICE_END_LAW = "《中华人民共和国电子商务法》第四十三条第二款"


@transaction.atomic
def listing_take_down_on_notice(*, actor: User, listing: Listing, facts: str) -> bool:
    """The platform's necessary measure on a rights holder's notice (电子商务法第四十二条第二款: 删除、屏蔽、
    断开链接、终止交易和服务): a live listing is suspended, hidden from search and booking, with a statement
    of reasons the provider reads, and the hub is told it is down. False when it was not live."""
    listing = _locked(listing)
    moderation.moderator_check(actor=actor, platform=listing.platform)
    if listing.status != ListingStatus.PUBLISHED:
        return False
    statement = moderation.statement_issue(
        actor=actor, platform=listing.platform, subject_type=SubjectType.LISTING, subject_id=str(listing.public_id),
        decision=Decision.SUSPENDED, ground=screening.ILLEGAL_CONTENT, legal_reference=NOTICE_MEASURE_LAW,
        facts=facts, automated_detection=False, automated_decision=False, district=listing.district_code,
    )
    _set_status(listing, ListingStatus.SUSPENDED, statement.facts)
    _audit(actor, listing, "suspend", by="notice")
    _take_down(actor, listing, removed_by="platform", statement=statement)
    return True


@transaction.atomic
def listing_restore_after_notice(*, actor: User | None, listing: Listing, facts: str) -> bool:
    """End the measure a notice led to (电子商务法第四十三条第二款: 及时终止所采取的措施): the listing goes back
    online with a statement. ``actor`` None is the system at the end of the period. A listing suspended
    since for another reason (a later statement) is left as it is: False."""
    listing = _locked(listing)
    if actor is not None:
        moderation.moderator_check(actor=actor, platform=listing.platform)
    latest = StatementOfReasons.objects.filter(subject_type=SubjectType.LISTING,
                                               subject_id=str(listing.public_id)).order_by("-created_at", "-id").first()
    if listing.status != ListingStatus.SUSPENDED or latest is None or latest.decision != Decision.SUSPENDED \
            or latest.legal_reference != NOTICE_MEASURE_LAW:
        return False
    moderation.statement_issue(
        actor=actor, platform=listing.platform, subject_type=SubjectType.LISTING, subject_id=str(listing.public_id),
        decision=Decision.RESTORED, ground=screening.ILLEGAL_CONTENT, legal_reference=NOTICE_END_LAW, facts=facts,
        automated_detection=False, automated_decision=actor is None, district=listing.district_code,
    )
    _publish(actor, listing)
    return True


# --- photos --------------------------------------------------------------------------------------------------------


def _photo_hold(actor: User, listing: Listing, photo) -> None:
    """Put a new or replacing photo in the platform's review queue: it is not shown to the public until a
    moderator approves it (the automatic checks of ``listings.photos`` only say it is a sound picture)."""
    moderation.case_open(platform=listing.platform, subject_type=SubjectType.PHOTO, subject_id=str(photo.public_id),
                         text=listing.title, findings=[], actor=actor)


@transaction.atomic
def listing_photo_add(*, actor: User, listing: Listing, data: bytes, name: str = "photo"):
    """Add a photo to the provider's listing (``listings.photos`` checks and re-encodes it); at most
    ``PHOTOS_PER_LISTING``. It waits for a moderator before the public sees it. Photos are the provider's own
    presentation, audited, not facts of the exchange."""
    from sharecity.market.listings.models import ListingPhoto
    from sharecity.market.listings.photos import PHOTOS_PER_LISTING, photo_process

    _require_provider(actor, listing)
    listing = _locked(listing)
    if listing.status == ListingStatus.REMOVED:
        raise _wrong_state(listing, _("illustrated"))
    count = ListingPhoto.objects.filter(listing=listing).count()
    if count >= PHOTOS_PER_LISTING:
        raise InvalidListing(_("A listing has at most %(count)s photos; remove one first.")
                             % {"count": PHOTOS_PER_LISTING}, field="photo")
    processed = photo_process(data, name=name)
    photo = ListingPhoto.objects.create(
        listing=listing, position=count, display=processed.display, thumbnail=processed.thumbnail,
        width=processed.width, height=processed.height, sha256=processed.sha256, uploaded_by=actor)
    _audit(actor, listing, "photo_added", photo=str(photo.public_id), sha256=processed.sha256)
    _photo_hold(actor, listing, photo)
    return photo


def _own_photo(listing: Listing, photo_id):
    from sharecity.market.listings.errors import PhotoNotFound
    from sharecity.market.listings.models import ListingPhoto

    photo = ListingPhoto.objects.filter(listing=listing, public_id=photo_id).first()
    if photo is None:
        raise PhotoNotFound(_("No such photo of this listing."), field="photo_id")
    return photo


@transaction.atomic
def listing_photo_replace(*, actor: User, listing: Listing, photo_id, data: bytes, name: str = "photo"):
    """Put a new picture in place of one of the listing's photos. The new one (a new id) takes the old one's
    place and waits for a moderator like any new photo; the old one is gone."""
    from sharecity.market.listings.models import ListingPhoto
    from sharecity.market.listings.photos import photo_process

    _require_provider(actor, listing)
    listing = _locked(listing)
    if listing.status == ListingStatus.REMOVED:
        raise _wrong_state(listing, _("illustrated"))
    old = _own_photo(listing, photo_id)
    processed = photo_process(data, name=name)
    position = old.position
    _photo_forget(actor, listing, old)
    photo = ListingPhoto.objects.create(
        listing=listing, position=position, display=processed.display, thumbnail=processed.thumbnail,
        width=processed.width, height=processed.height, sha256=processed.sha256, uploaded_by=actor)
    _audit(actor, listing, "photo_replaced", photo=str(photo.public_id), replaced=str(photo_id),
           sha256=processed.sha256)
    _photo_hold(actor, listing, photo)
    return photo


def _photo_forget(actor: User, listing: Listing, photo) -> None:
    """Delete a photo and withdraw its undecided review case (there is nothing left to decide)."""
    moderation.case_withdraw(platform=listing.platform, subject_type=SubjectType.PHOTO,
                             subject_id=str(photo.public_id), actor=actor)
    photo.delete()


@transaction.atomic
def listing_photo_remove(*, actor: User, listing: Listing, photo_id) -> None:
    from sharecity.market.listings.models import ListingPhoto

    _require_provider(actor, listing)
    listing = _locked(listing)
    photo = _own_photo(listing, photo_id)
    _photo_forget(actor, listing, photo)
    for position, remaining in enumerate(ListingPhoto.objects.filter(listing=listing).order_by("position", "id")):
        if remaining.position != position:
            ListingPhoto.objects.filter(pk=remaining.pk).update(position=position)
    _audit(actor, listing, "photo_removed", photo=str(photo_id))


@transaction.atomic
def listing_photo_decide(*, actor: User, photo, approve: bool, reason: str = ""):
    """A moderator decides a photo waiting in the review queue: approved, it is shown with the listing;
    rejected, it stays hidden and the provider reads the reason (a statement of reasons, kept by the platform:
    the exchange's ``moderation.decision`` names listings, reviews and accounts, not photos, so the hub is not
    told about a photo)."""
    from sharecity.market.listings.errors import PhotoNotFound
    from sharecity.market.listings.models import ListingPhoto, PhotoReview
    from sharecity.market.moderation.selectors import open_case_for

    listing = photo.listing
    moderation.moderator_check(actor=actor, platform=listing.platform)
    photo = ListingPhoto.objects.select_for_update().filter(pk=photo.pk).first()
    if photo is None:
        raise PhotoNotFound(_("No such photo of this listing."), field="photo_id")
    if photo.review != PhotoReview.PENDING:
        raise WrongState(_("This photo has already been decided."), field="photo")
    case = open_case_for(platform=listing.platform, subject_type=SubjectType.PHOTO, subject_id=str(photo.public_id))
    if case is None:
        case = moderation.case_open(platform=listing.platform, subject_type=SubjectType.PHOTO,
                                    subject_id=str(photo.public_id), text=listing.title, findings=[], actor=actor)
    case = moderation.case_decide(actor=actor, case=case, approve=approve, reason=reason)
    photo.review = PhotoReview.APPROVED if approve else PhotoReview.REJECTED
    photo.review_reason = case.reason
    photo.save(update_fields=["review", "review_reason"])
    if not approve:
        moderation.statement_issue(
            actor=actor, platform=listing.platform, subject_type=SubjectType.PHOTO, subject_id=str(photo.public_id),
            decision=Decision.REJECTED, ground=screening.TERMS_VIOLATION, legal_reference=PLATFORM_RULES,
            facts=case.reason, automated_detection=False, automated_decision=False, case=case,
            district=listing.district_code)
    _audit(actor, listing, "photo_decided", photo=str(photo.public_id), review=photo.review)
    return photo
