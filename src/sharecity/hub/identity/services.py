"""Writes of the identity review queue: filled by intake from ``identity.review_requested``."""

from __future__ import annotations

from sharecity.hub.identity.models import IdentityReview


def review_requested(*, envelope, payload) -> None:
    """Queue the request once: a message sent again (same platform, same review) changes nothing."""
    IdentityReview.objects.get_or_create(
        platform_id=envelope.platform_id,
        review_id=payload.review_id,
        defaults={
            "subject_key": payload.subject_key,
            "claimed_key": payload.claimed_key,
            "subject_kind": payload.subject_kind,
            "reason": payload.reason,
            "requested_at": payload.requested_at,
        },
    )
