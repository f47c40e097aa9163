"""What a case is about, found and decided through the subject's own context (listings for a listing and for a
listing's photo): used by the moderation page and the API alike."""

from __future__ import annotations

from sharecity.kernel.errors import NotFound
from sharecity.market.listings import selectors as listing_selectors
from sharecity.market.listings import services as listing_services
from sharecity.market.moderation.errors import CaseNotFound
from sharecity.market.moderation.models import ModerationCase, SubjectType
from sharecity.market.platforms.models import Platform


def subject_of(*, platform: Platform, case: ModerationCase):
    """The listing, or the photo (with its ``listing``), a case is about; None when it is gone or not decided
    here."""
    try:
        if case.subject_type == SubjectType.LISTING:
            return listing_selectors.listing_get(platform=platform, public_id=case.subject_id)
        if case.subject_type == SubjectType.PHOTO:
            return listing_selectors.photo_get(platform=platform, public_id=case.subject_id)
    except NotFound:
        return None
    return None


def photo_urls_of(*, case: ModerationCase, subject) -> dict[str, str] | None:
    """The photo's addresses by size (``display``, ``thumbnail``), for a photo case."""
    if case.subject_type != SubjectType.PHOTO or subject is None:
        return None
    return listing_selectors.photo_urls(subject.listing, subject)


def subject_decide(*, actor, platform: Platform, case: ModerationCase, approve: bool, reason: str):
    """Decide the case through its subject's context (which also records the case's decision)."""
    from django.utils.translation import gettext as _

    subject = subject_of(platform=platform, case=case)
    if subject is None:
        raise CaseNotFound(_("The content of this case no longer exists."), field="case_id")
    if case.subject_type == SubjectType.PHOTO:
        listing_services.listing_photo_decide(actor=actor, photo=subject, approve=approve, reason=reason)
    else:
        listing_services.listing_review_decide(actor=actor, listing=subject, approve=approve, reason=reason)
    return subject
