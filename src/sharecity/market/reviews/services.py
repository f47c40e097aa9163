from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import payload_build
from sharecity.kernel.errors import Conflict, InvalidInput
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record, fact_record
from sharecity.market.parking.errors import NotYourBooking, WrongState
from sharecity.market.parking.models import Booking, BookingState
from sharecity.market.parking.selectors import booking_party_role
from sharecity.market.platforms.selectors import is_operator
from sharecity.market.reviews import detect, errors
from sharecity.market.reviews.models import AuthorRole, HiddenReason, Review, ReviewFlag
from sharecity.market.reviews.orderlink import district_of, party_role

REVIEW_WINDOW_DAYS = 7
FLAG_LOOKBACK = dt.timedelta(days=30)
FLAG_LOOKBACK_ROWS = 5000

# What a hidden review's statement of reasons cites, by reason: (ground, legal reference).
HIDING_GROUNDS: dict[str, tuple[str, str]] = {
    HiddenReason.ILLEGAL: ("illegal_content", "《网络信息内容生态治理规定》第六条"),
    HiddenReason.PERSONAL_DATA: ("illegal_content", "《中华人民共和国个人信息保护法》第十条"),
    HiddenReason.COURT_ORDER: ("illegal_content", "人民法院或者主管部门依法作出的决定"),
    HiddenReason.ABUSIVE: ("terms_violation", "平台评价规则（《中华人民共和国电子商务法》第三十九条）"),
    HiddenReason.SPAM: ("terms_violation", "平台评价规则（《中华人民共和国电子商务法》第三十九条）"),
    HiddenReason.NOT_GENUINE: ("terms_violation", "平台评价规则（《中华人民共和国电子商务法》第十七条、第三十九条）"),
    HiddenReason.AUTHOR_REQUEST: ("terms_violation", "平台评价规则（作者本人申请）"),
}


def review_window() -> dt.timedelta:
    """How long after an order's completion its two sides may review it: the setting the orders
    context's ``close_reviews`` timer reads too (``SHARECITY_ORDER_REVIEW_WINDOW_DAYS``), default 7 days."""
    return dt.timedelta(days=getattr(settings, "SHARECITY_ORDER_REVIEW_WINDOW_DAYS", REVIEW_WINDOW_DAYS))


def _check_rating(rating, comment: str) -> None:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput(_("A rating is a whole number from 1 to 5."), field="rating")
    if len(comment) > 1000:
        raise InvalidInput(_("A comment has at most 1000 characters."), field="comment")


# --- the parking slice: reviews of a booking, published at once -------------------------------


@transaction.atomic
def review_create(*, actor: User, booking: Booking, rating: int, comment: str = "") -> Review:
    booking.refresh_from_db(fields=["state"])
    role = booking_party_role(booking=booking, user=actor)
    if role is None:
        raise NotYourBooking(_("You can only review your own bookings."), field="booking_id")
    if booking.state != BookingState.COMPLETED:
        raise WrongState(_("A booking can be reviewed once it is completed."), field="booking_id")
    _check_rating(rating, comment)
    subject_id = booking.space.provider_id if role == AuthorRole.CUSTOMER else booking.customer_id
    try:
        with transaction.atomic():
            review = Review.objects.create(platform=booking.platform, booking=booking, author=actor, author_role=role,
                                           subject_id=subject_id, rating=rating, comment=comment.strip(),
                                           published_at=timezone.now())
    except IntegrityError:
        raise Conflict(_("You have already reviewed this booking."), field="booking_id",
                       code="review.duplicate") from None
    fact_record(
        actor=actor, action="review.publish", target_type="review", target_id=review.public_id,
        platform_id=booking.platform.exchange_id, message_type="review.published",
        payload=payload_build("review.published", review_id=str(review.public_id), order_id=str(booking.public_id),
                              district=booking.space.district_code, author_role=role, rating=rating),
    )
    return review


# --- orders of the general engine: blind two-way reviews ----------------------------------------


def _clean_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return None


@transaction.atomic
def review_submit(*, actor: User, order, rating: int, comment: str = "", ip: str | None = None, device: str = "",
                  now: dt.datetime | None = None) -> Review:
    """One side's review of a completed order, kept from the other side until both are in or
    the review window closes (then published and reported as ``review.published``)."""
    from sharecity.market.orders.models import Order

    now = now or timezone.now()
    order = Order.objects.select_for_update(of=("self",)).select_related("listing", "platform").get(pk=order.pk)
    role = party_role(order=order, user=actor)
    if role not in (AuthorRole.CUSTOMER, AuthorRole.PROVIDER):
        raise errors.NotAParty(_("Only the customer and the provider of an order can review it."), field="order_id")
    if order.completed_at is None:
        raise errors.NotCompleted(_("An order can be reviewed once it is completed."), field="order_id")
    deadline = order.completed_at + review_window()
    if now > deadline:
        raise errors.WindowClosed(
            _("Reviews of an order are accepted for %(days)s days after it is completed; that time has passed.")
            % {"days": review_window().days}, field="order_id")
    comment = (comment or "").strip()
    _check_rating(rating, comment)
    subject_id = order.provider_id if role == AuthorRole.CUSTOMER else order.customer_id
    try:
        with transaction.atomic():
            review = Review.objects.create(
                platform=order.platform, order=order, author=actor, author_role=role, subject_id=subject_id,
                rating=rating, comment=comment, ip=_clean_ip(ip), device=(device or "")[:128],
            )
    except IntegrityError:
        raise errors.Duplicate(_("You have already reviewed this order."), field="order_id") from None
    audit_record(actor=actor, action="review.submit", target_type="review", target_id=review.public_id,
                 platform_id=order.platform.exchange_id,
                 data={"order_id": str(order.public_id), "author_role": role, "rating": rating})
    other = Review.objects.select_for_update().filter(order=order, published_at__isnull=True).exclude(pk=review.pk)
    if other.exists():
        for earlier in other:
            _publish(earlier, now=now)
        _publish(review, now=now)
    else:
        transaction.on_commit(lambda: _schedule_publication(order.pk, deadline))
    flags_detect(platform=order.platform, now=now)
    return review


def _schedule_publication(order_pk: int, deadline: dt.datetime) -> None:
    from sharecity.market.reviews.tasks import review_window_close, sweep_ensure

    review_window_close.using(run_after=deadline).enqueue(order_pk)
    sweep_ensure()


def _listing_rating(listing, rating: int, sign: int) -> None:
    """Add (sign 1) or take away (sign -1) a customer's rating in the listing's aggregate."""
    if listing is None:  # a task order whose provider has no listing in the category: no aggregate to move
        return
    try:
        from sharecity.market.listings import services as listing_services
    except ImportError:
        listing_services = None
    name = "listing_rating_add" if sign > 0 else "listing_rating_remove"
    if listing_services is not None and hasattr(listing_services, name):
        getattr(listing_services, name)(listing=listing, rating=rating)
        return
    # Until the listings context offers it: the same counter update it would make.
    from sharecity.market.listings.models import Listing

    Listing.objects.filter(pk=listing.pk).update(rating_sum=F("rating_sum") + sign * rating,
                                                 rating_count=F("rating_count") + sign)


def _publish(review: Review, *, now: dt.datetime) -> None:
    review.published_at = now
    review.save(update_fields=["published_at"])
    order = review.order
    if review.author_role == AuthorRole.CUSTOMER:
        _listing_rating(order.listing, review.rating, 1)
    fact_record(
        actor=None, action="review.publish", target_type="review", target_id=review.public_id,
        platform_id=review.platform.exchange_id, message_type="review.published",
        payload=payload_build("review.published", review_id=str(review.public_id), order_id=str(order.public_id),
                              district=district_of(order), author_role=review.author_role, rating=review.rating),
    )


def reviews_publish_due(*, now: dt.datetime | None = None, order_pk: int | None = None) -> int:
    """Publish every order review whose window has closed (the sweeper; idempotent). Returns how many."""
    now = now or timezone.now()
    due = Review.objects.filter(order__isnull=False, published_at__isnull=True,
                                order__completed_at__lte=now - review_window())
    if order_pk is not None:
        due = due.filter(order_id=order_pk)
    published = 0
    for order_id in sorted(set(due.values_list("order_id", flat=True))):
        with transaction.atomic():
            for review in (Review.objects.select_for_update(of=("self",)).select_related("order__listing", "platform")
                           .filter(order_id=order_id, published_at__isnull=True).order_by("id")):
                _publish(review, now=now)
                published += 1
    return published


# --- hiding (never deleting) ----------------------------------------------------------------------


@transaction.atomic
def review_hide(*, actor: User, review: Review, reason: str, note: str, now: dt.datetime | None = None) -> Review:
    """An operator stops showing a published review, with the reason recorded, audited and reported."""
    now = now or timezone.now()
    review = (Review.objects.select_for_update(of=("self",))
              .select_related("platform", "order__listing", "booking__space").get(pk=review.pk))
    if not is_operator(user=actor, platform=review.platform):
        raise errors.NotOperator(_("Only the platform's operator staff may hide a review."), field="review_id")
    if reason not in HiddenReason.values:
        raise errors.InvalidReview(_("Choose one of the listed reasons for hiding a review."), field="reason")
    note = (note or "").strip()
    if not 5 <= len(note) <= 2000:
        raise errors.InvalidReview(_("Write down the facts behind the decision in 5 to 2000 characters."),
                                   field="note")
    if review.published_at is None:
        raise errors.NotPublished(_("Only a published review can be hidden."), field="review_id")
    if review.hidden_at is not None:
        raise errors.AlreadyHidden(_("This review is already hidden."), field="review_id")
    review.hidden_at, review.hidden_reason, review.hidden_note, review.hidden_by = now, reason, note, actor
    review.save(update_fields=["hidden_at", "hidden_reason", "hidden_note", "hidden_by"])
    if review.order_id is not None:
        subject_ref, district = str(review.order.public_id), district_of(review.order)
        if review.author_role == AuthorRole.CUSTOMER:
            _listing_rating(review.order.listing, review.rating, -1)
    else:
        subject_ref, district = str(review.booking.public_id), review.booking.space.district_code
    ground, legal_reference = HIDING_GROUNDS[reason]
    fact_record(
        actor=actor, action="review.hide", target_type="review", target_id=review.public_id,
        platform_id=review.platform.exchange_id, message_type="review.hidden",
        payload=payload_build(
            "review.hidden", review_id=str(review.public_id), order_id=subject_ref, district=district, reason=reason,
            hidden_by="platform", hidden_at=now,
            statement_of_reasons={"ground": ground, "legal_reference": legal_reference, "facts": note,
                                  "automated_detection": review.flags.exists(), "automated_decision": False},
        ),
        audit_data={"reason": reason, "note": note},
    )
    return review


# --- suspicious patterns ---------------------------------------------------------------------------


def flags_detect(*, platform, now: dt.datetime | None = None,
                 thresholds: detect.Thresholds = detect.DEFAULT_THRESHOLDS) -> list[ReviewFlag]:
    """Look for rings and bursts among the platform's recent reviews; record what is new for moderators."""
    now = now or timezone.now()
    rows = (Review.objects.filter(platform=platform, created_at__gte=now - FLAG_LOOKBACK)
            .order_by("-id").values("id", "author_id", "subject_id", "order_id", "booking_id", "created_at", "ip",
                                    "device")[:FLAG_LOOKBACK_ROWS])
    facts = [detect.ReviewFact(review_id=r["id"], author_id=r["author_id"], subject_id=r["subject_id"],
                               order_id=r["order_id"] or -r["booking_id"], created_at=r["created_at"], ip=r["ip"],
                               device=r["device"]) for r in rows]
    touched = []
    for finding in detect.detect(facts, thresholds):
        flag, created = ReviewFlag.objects.get_or_create(platform=platform, kind=finding.kind, key=finding.key,
                                                         defaults={"detail": finding.detail})
        known = set(flag.reviews.values_list("id", flat=True))
        new = set(finding.review_ids) - known
        if not created and not new:
            continue
        flag.reviews.add(*new)
        flag.detail = finding.detail
        if flag.closed_at is not None and new:
            flag.closed_at, flag.closed_by, flag.closing_note = None, None, ""
        flag.save()
        audit_record(actor=None, action="review.flag", target_type="review_flag", target_id=flag.pk,
                     platform_id=platform.exchange_id, data={"kind": flag.kind, "key": flag.key,
                                                             "reviews": sorted(finding.review_ids)})
        touched.append(flag)
    return touched


@transaction.atomic
def flag_close(*, actor: User, flag: ReviewFlag, note: str = "") -> ReviewFlag:
    """A moderator has looked at the flag (and hidden what needed hiding)."""
    if not is_operator(user=actor, platform=flag.platform):
        raise errors.NotOperator(_("Only the platform's operator staff may handle review flags."), field="flag_id")
    flag.closed_at, flag.closed_by, flag.closing_note = timezone.now(), actor, (note or "").strip()[:1000]
    flag.save(update_fields=["closed_at", "closed_by", "closing_note", "updated_at"])
    audit_record(actor=actor, action="review.flag_close", target_type="review_flag", target_id=flag.pk,
                 platform_id=flag.platform.exchange_id, data={"note": flag.closing_note})
    return flag
