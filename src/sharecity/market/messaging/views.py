"""An order's message thread: the page, the htmx-polled list, sending."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sharecity.kernel.errors import Forbidden, NotFound, ShareCityError
from sharecity.market.messaging import selectors, services
from sharecity.market.messaging.forms import MessageForm
from sharecity.market.platforms.selectors import platform_get
from sharecity.market.reviews.orderlink import order_get


def _context(request, platform, order, form=None) -> dict:
    items = selectors.thread_messages(order=order, user=request.user)
    services.thread_mark_read(actor=request.user, order=order)
    return {"platform": platform, "order": order, "items": items, "form": form or MessageForm(),
            "me": request.user.pk}


@login_required
@require_http_methods(["GET", "POST"])
def thread(request, slug: str, order_id):
    try:
        platform = platform_get(slug=slug)
        order = order_get(platform=platform, public_id=order_id)
        selectors.participant_role(order=order, user=request.user)
    except (NotFound, Forbidden) as error:
        # Who is not in the conversation does not learn the order exists.
        raise Http404(str(error.message)) from None
    form = None
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                services.message_send(actor=request.user, order=order, body=form.cleaned_data["body"])
            except ShareCityError as error:
                form.add_error("body" if error.field == "body" else None, str(error.message))
                status = error.http_status
            else:
                form = None
                if not request.htmx:
                    return redirect("messaging:thread", slug=platform.slug, order_id=order.public_id)
        else:
            status = 400
    context = _context(request, platform, order, form)
    if request.htmx and request.GET.get("list"):
        return render(request, "messaging/_messages.html", context)
    if request.htmx or request.GET.get("partial"):
        return render(request, "messaging/_thread.html", context, status=status)
    return render(request, "messaging/thread.html", context, status=status)
