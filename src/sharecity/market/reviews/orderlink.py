"""What the trust contexts (reviews, complaints, disputes, messaging) read of an order.

Through the orders context's selectors when it offers them; the fallbacks read the
``Order`` row itself (its parties and ``completed_at``) and never write it.
"""

from __future__ import annotations


def party_role(*, order, user) -> str | None:
    """"customer", "provider", "operator" or None for a user looking at an order."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        from sharecity.market.orders.selectors import order_party_role
    except ImportError:
        order_party_role = None
    if order_party_role is not None:
        return order_party_role(order=order, user=user)
    if order.customer_id == user.pk:
        return "customer"
    if order.provider_id == user.pk:
        return "provider"
    from sharecity.market.platforms.selectors import is_operator

    return "operator" if is_operator(user=user, platform=order.platform) else None


def order_get(*, platform, public_id):
    """The platform's order with this public id (NotFound ``order.not_found`` otherwise)."""
    try:
        from sharecity.market.orders.selectors import order_get as orders_order_get
    except ImportError:
        orders_order_get = None
    if orders_order_get is not None:
        return orders_order_get(platform=platform, public_id=public_id)
    from django.utils.translation import gettext as _

    from sharecity.kernel.errors import NotFound
    from sharecity.market.orders.models import Order

    order = Order.objects.select_related("listing", "platform").filter(platform=platform, public_id=public_id).first()
    if order is None:
        raise NotFound(_("No such order on this platform."), field="order_id", code="order.not_found")
    return order


def district_of(order) -> str:
    """The order's district: the task's for a task order (it may have no listing), else the listing's."""
    from sharecity.market.orders.services import order_district

    return order_district(order)


def order_for_party_or_404(request, platform, order_id):
    """The order for a screen: for its two sides and the platform's operator; to anyone else it
    does not exist (404, so its existence is not disclosed)."""
    from django.http import Http404
    from django.utils.translation import gettext as _

    from sharecity.kernel.errors import NotFound

    try:
        order = order_get(platform=platform, public_id=order_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    if party_role(order=order, user=request.user) is None:
        raise Http404(_("No such order on this platform."))
    return order
