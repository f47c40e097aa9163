"""The identity review queue as an API read for the city's officers: ``/api/v1/hub/identity-reviews``."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.security import SessionAuth

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.hub.identity import selectors
from sharecity.hub.registry.jurisdiction import jurisdiction_for
from sharecity.kernel.errors import Forbidden


class ReviewFilters(Schema):
    reason: str = ""
    platform_id: str = ""


class IdentityReviewOut(Schema):
    platform_id: str
    review_id: str
    subject_key: str
    claimed_key: str
    subject_kind: str
    reason: str
    requested_at: dt.datetime
    claims: int


router = Router(auth=SessionAuth(), tags=["hub"])


@router.get("/hub/identity-reviews",
            response={200: list[IdentityReviewOut], **VALIDATION, 401: ErrorOut, 403: ErrorOut})
def identity_reviews(request, filters: Query[ReviewFilters]):
    """Verifications waiting for review, newest first (at most 500), of the platforms active or registered in
    the officer's city or district (hub operators: every city). Regulator staff and hub operators only."""
    if not selectors.may_review_identities(request.auth):
        raise Forbidden(_("Only regulator staff and hub operators may see identity reviews."), field=None,
                        code="hub.regulators_only")
    # Only the requests of platforms active or registered in the officer's city or district.
    reviews = selectors.identity_reviews(reason=filters.reason, platform_id=filters.platform_id,
                                         jurisdiction=jurisdiction_for(request.auth))[:500]
    return [{"platform_id": r.platform_id, "review_id": r.review_id, "subject_key": r.subject_key,
             "claimed_key": r.claimed_key, "subject_kind": r.subject_kind, "reason": r.reason,
             "requested_at": r.requested_at, "claims": r.claims} for r in reviews]
