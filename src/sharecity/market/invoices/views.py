"""E-invoice pages: an order's invoices (a section of the order's page) and one invoice, printable, as PDF, XML
or JSON. Thin: the service issues, the selectors read."""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.market.invoices import selectors, services
from sharecity.market.invoices.export import invoice_data, invoice_xml
from sharecity.market.orders import selectors as order_selectors
from sharecity.market.platforms.web import platform_or_404


class BuyerForm(forms.Form):
    buyer_name = forms.CharField(label=_("Buyer's name (invoice title)"), max_length=120, required=False)
    buyer_tax_id = forms.CharField(label=_("Buyer's taxpayer number (a business)"), max_length=18, required=False)


def _order(request, platform, order_id):
    try:
        order = order_selectors.order_get(platform=platform, public_id=order_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    role = order_selectors.order_party_role(order=order, user=request.user)
    if role is None:
        raise PermissionDenied(_("This is not your order."))
    return order, role


def _invoice(request, slug: str, invoice_id):
    platform = platform_or_404(slug)
    try:
        invoice = selectors.invoice_get(platform=platform, public_id=invoice_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    role = order_selectors.order_party_role(order=invoice.order, user=request.user)
    if not selectors.invoice_visible(invoice=invoice, role=role):
        raise Http404(_("No such invoice on this platform."))
    return invoice


@login_required
@require_http_methods(["GET", "POST"])
def order_invoices(request, slug: str, order_id):
    platform = platform_or_404(slug)
    order, role = _order(request, platform, order_id)
    form = BuyerForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.invoices_issue(actor=request.user, order=order,
                                    buyer_name=form.cleaned_data["buyer_name"] if role == "customer" else "",
                                    buyer_tax_id=form.cleaned_data["buyer_tax_id"] if role == "customer" else "")
            return redirect("orders:detail", slug=platform.slug, order_id=order.public_id)
        except ShareCityError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error.message))
            status = error.http_status
    invoices = [i for i in selectors.invoices_of_order(order=order) if selectors.invoice_visible(invoice=i, role=role)]
    context = {"platform": platform, "order": order, "role": role, "invoices": invoices, "form": form,
               "can_request": order.completed_at is not None}
    partial = getattr(request, "htmx", False) or request.GET.get("partial")
    return render(request, "invoices/_order.html" if partial else "invoices/order.html", context, status=status)


@login_required
@require_GET
def invoice_page(request, slug: str, invoice_id):
    invoice = _invoice(request, slug, invoice_id)
    return render(request, "invoices/invoice.html", {"invoice": invoice, "data": invoice_data(invoice)})


@login_required
@require_GET
def invoice_download(request, slug: str, invoice_id, fmt: str):
    invoice = _invoice(request, slug, invoice_id)
    if fmt == "xml":
        response = HttpResponse(invoice_xml(invoice), content_type="application/xml; charset=utf-8")
    elif fmt == "pdf":
        from weasyprint import HTML  # the stack's PDF renderer, with the Chinese fonts installed

        page = render_to_string("invoices/invoice.html", {"invoice": invoice, "data": invoice_data(invoice)},
                                request=request)
        response = HttpResponse(HTML(string=page).write_pdf(), content_type="application/pdf")
    elif fmt == "json":
        response = HttpResponse(json.dumps(invoice_data(invoice), ensure_ascii=False, indent=2),
                                content_type="application/json; charset=utf-8")
    else:
        raise Http404(_("No such format."))
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.{fmt}"'
    return response
