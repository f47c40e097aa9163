"""The officers' page of real-name verifications waiting for review."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sharecity.hub.identity import selectors
from sharecity.hub.identity.models import ReviewReason
from sharecity.hub.registry.jurisdiction import jurisdiction_for
from sharecity.hub.registry.selectors import registered_platform_names

PAGE_SIZE = 50


@require_GET
def reviews(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not selectors.may_review_identities(request.user):
        raise PermissionDenied(_("Only regulator staff and hub operators may see identity reviews."))
    reason = request.GET.get("reason", "")
    if reason not in ReviewReason.values:
        reason = ""
    jurisdiction = jurisdiction_for(request.user)
    reviews = selectors.identity_reviews(reason=reason, jurisdiction=jurisdiction)
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    names = registered_platform_names()
    rows = [{"review": review, "platform": names.get(review.platform_id, review.platform_id)}
            for review in page.object_list]
    return render(request, "identity/reviews.html", {
        "rows": rows, "page": page, "reason": reason, "reasons": ReviewReason.choices,
    })
