"""Consumer pages of the engine: search, a listing with its full price before commit, checkout,
my orders and an order with the steps its viewer may take. Thin: forms parse, services act."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.orders import engine, selectors, services
from sharecity.market.orders.forms import (
    BidForm,
    OrderForm,
    SearchForm,
    TaskForm,
    TransitionForm,
    order_form_initial,
)
from sharecity.market.orders.processes import PROCESSES
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import is_operator
from sharecity.market.platforms.web import platform_or_404

PAGE_SIZE = 20

ORDER_BUTTON = {
    "instant_booking": gettext_lazy("Book"),
    "request_to_book": gettext_lazy("Request to book"),
    "purchase_delivery": gettext_lazy("Buy"),
    "rental_deposit": gettext_lazy("Rent"),
}



def _zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def _categories(platform: Platform) -> list:
    from sharecity.market.catalog.selectors import categories_all, categories_enabled

    return categories_enabled(platform=platform) or list(categories_all())


def _category_name(category) -> str:
    return category.name_zh if _zh() else category.name_en


# --- search ---------------------------------------------------------------------------------------


@require_GET
def search(request, slug: str):
    from sharecity.market.listings.search import listing_search
    from sharecity.market.pricing.selectors import price_shown

    platform = platform_or_404(slug)
    categories = _categories(platform)
    form = SearchForm(request.GET or None, categories=categories)
    results, total, error, offset = [], 0, None, 0
    try:
        offset = max(int(request.GET.get("offset", 0)), 0)
    except ValueError:
        offset = 0
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        available = None
        if data.get("starts_at"):
            available = (data["starts_at"], data["ends_at"], data.get("quantity") or 1)
        try:
            page = listing_search(
                platform=platform, text=data.get("text") or "", category=data.get("category") or None,
                district=data.get("district") or None, price_min=data.get("price_min_fen"),
                price_max=data.get("price_max_fen"), available=available, sort=data.get("sort") or "relevance",
                limit=PAGE_SIZE, offset=offset,
            )
        except ShareCityError as failure:
            error = str(failure.message)
        else:
            total = page.total
            now = timezone.now()
            for listing in page.items:
                shown = price_shown(listing=listing, at=now)
                results.append({"listing": listing, "price_fen": shown.price_fen, "original_fen": shown.original_fen,
                                "original_label": shown.label, "category": _category_name(listing.category)})
    query = request.GET.copy()
    query.pop("offset", None)
    return render(request, "orders/search.html", {
        "platform": platform, "form": form, "results": results, "total": total, "error": error,
        "searched": form.is_bound, "next_offset": offset + PAGE_SIZE if offset + PAGE_SIZE < total else None,
        "query": query.urlencode(),
        "parking": _is_parking(form.cleaned_data.get("category") if form.is_bound and form.is_valid() else None),
    })


def _is_parking(code: str | None) -> bool:
    """Parking's categories: their pages explain how they differ from the parking platforms."""
    from sharecity.market.catalog.models import Category

    return bool(code) and Category.objects.filter(code=code, sector="parking").exists()


# --- a listing and its checkout --------------------------------------------------------------------


def _listing(platform: Platform, listing_id, user=None):
    from sharecity.market.listings.selectors import listing_get

    try:
        listing = listing_get(platform=platform, public_id=listing_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    if listing.status != "published" and not (
            user is not None and user.is_authenticated
            and (listing.provider_id == user.pk or is_operator(user=user, platform=platform))):
        raise Http404(_("This listing is not offered now."))
    return listing


def _attributes(listing) -> list[dict]:
    """The listing's attributes in the order of the category's fields, with labels and units."""
    from sharecity.market.catalog.fields import choice_label
    from sharecity.market.catalog.selectors import attribute_fields

    rows = []
    for definition in attribute_fields(category=listing.category, platform=listing.platform):
        value = listing.attributes.get(definition["name"])
        if value in (None, "", []):
            continue
        if isinstance(value, bool):
            value = _("Yes") if value else _("No")
        elif isinstance(value, list):
            value = "、".join(choice_label(definition, v) for v in value)
        elif definition.get("choices"):
            value = choice_label(definition, value)
        rows.append({"label": definition.get("label_zh" if _zh() else "label_en") or definition["name"],
                     "value": value, "unit": definition.get("unit", "")})
    return rows


def _quote(listing, form: OrderForm) -> dict:
    """The full price for what the form says (nothing is written), or the reason it cannot be had."""
    if not form.is_valid():
        return {"quote": None, "quote_problem": None}
    starts_at, ends_at = form.times()
    try:
        quote = services.order_quote(listing=listing, starts_at=starts_at, ends_at=ends_at,
                                     quantity=form.cleaned_data.get("quantity") or 1)
    except ShareCityError as error:
        return {"quote": None, "quote_problem": str(error.message)}
    problem = None
    if starts_at is not None:
        from sharecity.market.availability.selectors import is_available

        if not is_available(listing=listing, starts_at=starts_at, ends_at=ends_at,
                            quantity=form.cleaned_data.get("quantity") or 1):
            problem = _("Not available for this time; see the provider's calendar.")
    return {"quote": quote, "quote_problem": problem, "lines": _lines(quote.lines)}


def _lines(lines: list[dict]) -> list[dict]:
    key = "label_zh" if _zh() else "label_en"
    return [{"label": line.get(key) or line.get("label") or "", "fen": line.get("fen", line.get("amount_fen", 0))}
            for line in lines]


def _order_form(listing, data=None) -> OrderForm:
    from sharecity.market.orders.requirements import follow_up_rule

    process = services.process_of_listing(listing)
    now = timezone.now()
    return OrderForm(data, unit=listing.price_unit, capacity=listing.capacity,
                     with_message=process == "request_to_book",
                     follow_up=follow_up_rule(listing=listing, at=now) is not None,
                     today=now.astimezone(CITY_TZ).date(),
                     initial=order_form_initial(listing.price_unit, now))


def _listing_page(request, platform: Platform, listing, form: OrderForm, *, status: int = 200):
    from sharecity.market.orders.requirements import follow_up_notice, follow_up_rule
    from sharecity.market.payments.policies import policy_text
    from sharecity.market.pricing.selectors import price_shown
    from sharecity.market.qualifications.selectors import requirements_of
    from sharecity.market.reviews.selectors import provider_rating

    process = services.process_of_listing(listing)
    displayed = price_shown(listing=listing, at=timezone.now())
    price, original = displayed.price_fen, displayed.original_fen
    shown = form if form.is_bound else OrderForm(order_form_initial(listing.price_unit, timezone.now()),
                                                 unit=listing.price_unit, capacity=listing.capacity)
    rating = provider_rating(platform=platform, provider=listing.provider)
    return render(request, "orders/listing.html", {
        "platform": platform, "listing": listing, "form": form, "process": process,
        "process_label": PROCESSES[process].label if process in PROCESSES else process,
        "button": ORDER_BUTTON.get(process), "price_fen": price, "original_fen": original,
        "original_label": displayed.label, "attributes": _attributes(listing),
        "follow_up_notice": follow_up_notice() if follow_up_rule(listing=listing, at=timezone.now()) else "",
        "qualifications": requirements_of(listing=listing),
        "category": _category_name(listing.category),
        "provider_rating": rating,
        "policy": policy_text(listing.cancellation_policy, has_start=listing.price_unit != "item"),
        "time_based": listing.price_unit in ("hour", "day", "night", "month"),
        "parking": listing.category.sector == "parking",
        "is_own": request.user.is_authenticated and listing.provider_id == request.user.pk,
        **_quote(listing, shown),
    }, status=status)


@require_GET
def listing(request, slug: str, listing_id):
    platform = platform_or_404(slug)
    found = _listing(platform, listing_id, request.user)
    form = _order_form(found, request.GET if "quantity" in request.GET else None)
    return _listing_page(request, platform, found, form)


@require_GET
def quote(request, slug: str, listing_id):
    """htmx partial: the total, every fee included, for the chosen times and quantity."""
    platform = platform_or_404(slug)
    found = _listing(platform, listing_id, request.user)
    form = _order_form(found, request.GET)
    return render(request, "orders/_quote.html", {"listing": found, **_quote(found, form)})


@login_required
@require_POST
def checkout(request, slug: str, listing_id):
    """Place the order at the price shown; the customer pays on the order's page."""
    platform = platform_or_404(slug)
    found = _listing(platform, listing_id, request.user)
    form = _order_form(found, request.POST)
    if not form.is_valid():
        return _listing_page(request, platform, found, form, status=400)
    starts_at, ends_at = form.times()
    try:
        order = services.order_place(actor=request.user, platform=platform, listing=found, customer=request.user,
                                     starts_at=starts_at, ends_at=ends_at, quantity=form.cleaned_data["quantity"],
                                     message=form.cleaned_data.get("message") or "", **form.follow_up())
    except ShareCityError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, str(error.message))
        return _listing_page(request, platform, found, form, status=error.http_status)
    return redirect("orders:detail", slug=platform.slug, order_id=order.public_id)


# --- my orders and one order ----------------------------------------------------------------------


def _state_label(order) -> str:
    process = PROCESSES.get(order.process)
    if process is None or not process.has_state(order.state):
        return order.state
    return str(process.state(order.state).label or order.state)


def _public_state(order) -> str:
    process = PROCESSES.get(order.process)
    return process.state(order.state).public_state if process and process.has_state(order.state) else ""


def _title(order) -> str:
    return order.listing.title if order.listing is not None else order.task.title


def _unread(order, user) -> int:
    """Messages of the order's thread this user has not read (0 for who is not in the conversation)."""
    from sharecity.market.messaging.selectors import unread_count

    try:
        return unread_count(order=order, user=user)
    except ShareCityError:
        return 0


def _entry(order, user=None) -> dict:
    return {"order": order, "state_label": _state_label(order), "public_state": _public_state(order),
            "title": _title(order), "unread": _unread(order, user) if user is not None else 0}


@login_required
@require_GET
def mine(request, slug: str):
    platform = platform_or_404(slug)
    as_customer = [_entry(o, request.user)
                   for o in selectors.orders_of(platform=platform, user=request.user, role="customer")[:100]]
    as_provider = [_entry(o, request.user)
                   for o in selectors.orders_of(platform=platform, user=request.user, role="provider")[:100]]
    return render(request, "orders/mine.html", {
        "platform": platform, "as_customer": as_customer, "as_provider": as_provider,
    })


def _order_for(request, platform: Platform, order_id):
    try:
        order = selectors.order_get(platform=platform, public_id=order_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    role = selectors.order_party_role(order=order, user=request.user)
    if role is None:
        raise PermissionDenied(_("This is not your order."))
    return order, role


def _links(platform: Platform, order) -> list[dict]:
    """The trust pages of an order (reviews, messages, complaint, dispute), where those contexts offer them."""
    links = []
    for name, label in (("messaging:thread", _("Messages")), ("reviews:order_review", _("Reviews")),
                        ("complaints:order_complaint", _("Complaint")), ("disputes:open", _("Dispute"))):
        try:
            links.append({"url": reverse(name, args=[platform.slug, order.public_id]), "label": label})
        except NoReverseMatch:
            continue
    return links


def _trust_sections(platform: Platform, order, role: str, *, can_dispute: bool) -> list[dict]:
    """The trust sections loaded into the order's page (each fetched as a partial with htmx), where they apply:
    the reviews once the order is completed, the messages and a complaint for the two sides, and the
    dispute while the order's process allows one (or one is under way)."""
    from sharecity.market.disputes.selectors import open_dispute_of

    parties = role in ("customer", "provider")
    wanted = [
        ("messaging:thread", _("Messages"), parties),
        ("reviews:order_review", _("Reviews"), order.completed_at is not None),
        ("disputes:open", _("Dispute"),
         can_dispute or order.state == "disputed" or open_dispute_of(order=order) is not None),
        ("complaints:order_complaint", _("Complaint"), parties),
        ("invoices:order_invoices", _("Invoices"), order.completed_at is not None),
    ]
    sections = []
    for name, label, shown in wanted:
        if not shown:
            continue
        try:
            url = reverse(name, args=[platform.slug, order.public_id])
        except NoReverseMatch:
            continue
        sections.append({"name": name.split(":")[0], "label": label, "url": url})
    return sections


def _order_page(request, platform: Platform, order, role: str, *, error: str | None = None, status: int = 200):
    process = engine.process_get(order.process)
    now = timezone.now()
    facts = services.facts_for(order, now=now)
    actions = []
    milestones = list(order.milestones.all()) if order.process == "task_bidding" else []
    can_dispute = False
    for transition in engine.available(process, state=order.state, role=role, facts=facts):
        if transition.name == "dispute":
            can_dispute = True
            continue  # opened in the dispute section, with the reason
        if transition.name in ("deliver_milestone", "approve_milestone"):
            wanted = "open" if transition.name == "deliver_milestone" else "delivered"
            for milestone in milestones:
                if milestone.status == wanted:
                    actions.append({"name": transition.name, "label": f"{transition.label}: {milestone.title}",
                                    "milestone_id": milestone.pk})
            continue
        actions.append({"name": transition.name, "label": transition.label,
                        "needs": {"ship": "tracking", "report_damage": "deduction"}.get(transition.name, "")})
    return render(request, "orders/detail.html", {
        "platform": platform, "order": order, "role": role, "actions": actions, "error": error,
        "state_label": _state_label(order), "public_state": _public_state(order), "title": _title(order),
        "lines": _lines(order.price_lines), "events": selectors.order_history(order=order),
        "refunds": selectors.order_refunds(order=order),
        "timers": selectors.order_timers_pending(order=order), "milestones": milestones,
        "links": _links(platform, order), "process_label": process.label,
        "sections": _trust_sections(platform, order, role, can_dispute=can_dispute),
        "unread": _unread(order, request.user),
        "state_labels": {s.name: s.label for s in process.states},
        "transition_labels": {"place": _("Placed"), **{t.name: t.label for t in process.transitions}},
        "injury_cover": _injury_cover(order),
    }, status=status)


def _injury_cover(order) -> dict | None:
    """Whether the occupational-injury pilot covers this completed order (market.injury)."""
    from sharecity.market.injury.api import cover_data

    return cover_data(order) if order.completed_at is not None else None


@login_required
@require_GET
def detail(request, slug: str, order_id):
    platform = platform_or_404(slug)
    order, role = _order_for(request, platform, order_id)
    return _order_page(request, platform, order, role)


@login_required
@require_POST
def transition(request, slug: str, order_id, name: str):
    platform = platform_or_404(slug)
    order, role = _order_for(request, platform, order_id)
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        order = services.order_transition(actor=request.user, order=order, transition=name, **form.data_for(name))
    except ShareCityError as error:
        return _order_page(request, platform, order, role, error=str(error.message), status=error.http_status)
    messages.success(request, _("Done: %(state)s.") % {"state": _state_label(order)})
    return redirect("orders:detail", slug=platform.slug, order_id=order.public_id)


# --- tasks and bids -------------------------------------------------------------------------------


def _task_categories(platform: Platform) -> list:
    from sharecity.market.catalog.selectors import process_for

    return [c for c in _categories(platform) if process_for(category=c, platform=platform) == "task_bidding"]


def _tasks_page(request, platform: Platform, form: TaskForm | None = None, *, status: int = 200):
    categories = _task_categories(platform)
    if form is None and request.user.is_authenticated:
        form = TaskForm(categories=categories)
    return render(request, "orders/tasks.html", {
        "platform": platform, "tasks": selectors.tasks_open(platform=platform)[:100], "form": form,
    }, status=status)


@require_GET
def tasks(request, slug: str):
    return _tasks_page(request, platform_or_404(slug))


@login_required
@require_POST
def task_new(request, slug: str):
    from sharecity.market.catalog.selectors import category_get

    platform = platform_or_404(slug)
    form = TaskForm(request.POST, categories=_task_categories(platform))
    if not form.is_valid():
        return _tasks_page(request, platform, form, status=400)
    data = form.cleaned_data
    try:
        task = services.task_post(actor=request.user, platform=platform, customer=request.user,
                                  category=category_get(code=data["category"]), title=data["title"],
                                  description=data["description"], budget_fen=data["budget"],
                                  deadline=form.deadline_at(), district_code=data["district"])
    except ShareCityError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
        return _tasks_page(request, platform, form, status=error.http_status)
    return redirect("orders:task", slug=platform.slug, task_id=task.public_id)


def _task_page(request, platform: Platform, task, form: BidForm | None = None, *, status: int = 200):
    is_customer = request.user.is_authenticated and task.customer_id == request.user.pk
    bids = list(task.bids.select_related("provider"))
    own_bid = next((b for b in bids if request.user.is_authenticated and b.provider_id == request.user.pk), None)
    can_bid = request.user.is_authenticated and not is_customer and own_bid is None and task.status == "open"
    return render(request, "orders/task.html", {
        "platform": platform, "task": task, "is_customer": is_customer,
        "bids": bids if is_customer else ([own_bid] if own_bid else []), "bid_count": len(bids),
        "form": form or (BidForm() if can_bid else None), "order": task.orders.first(),
        "category": _category_name(task.category),
    }, status=status)


def _task(platform: Platform, task_id):
    try:
        return selectors.task_get(platform=platform, public_id=task_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None


@require_GET
def task(request, slug: str, task_id):
    platform = platform_or_404(slug)
    return _task_page(request, platform, _task(platform, task_id))


@login_required
@require_POST
def bid_new(request, slug: str, task_id):
    platform = platform_or_404(slug)
    found = _task(platform, task_id)
    form = BidForm(request.POST)
    if not form.is_valid():
        return _task_page(request, platform, found, form, status=400)
    data = form.cleaned_data
    try:
        services.bid_submit(actor=request.user, task=found, provider=request.user, amount_fen=data["amount"],
                            days=data["days"], milestone_plan=data["milestones"], message=data["message"])
    except ShareCityError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
        return _task_page(request, platform, found, form, status=error.http_status)
    messages.success(request, _("Your bid is in. The customer will choose."))
    return redirect("orders:task", slug=platform.slug, task_id=found.public_id)


@login_required
@require_POST
def bid_accept(request, slug: str, task_id, bid_id: int):
    platform = platform_or_404(slug)
    found = _task(platform, task_id)
    try:
        order = services.bid_accept(actor=request.user, bid=selectors.bid_get(task=found, bid_id=bid_id))
    except NotFound as error:
        raise Http404(str(error.message)) from None
    except ShareCityError as error:
        messages.error(request, str(error.message))
        return redirect("orders:task", slug=platform.slug, task_id=found.public_id)
    return redirect("orders:detail", slug=platform.slug, order_id=order.public_id)
