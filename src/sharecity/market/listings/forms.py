"""Forms of the provider's listing pages. The category decides the fields: its attribute
schema (plus the platform's own fields) and its licence rules. Forms parse and shape input;
the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sharecity.kernel.districts import district_choices
from sharecity.kernel.errors import ShareCityError
from sharecity.kernel.money import format_yuan, parse_yuan
from sharecity.market.catalog.models import PriceUnit
from sharecity.market.listings.models import CancellationPolicy, Listing

FEE_ROWS = 3
FEE_PER = [("order", _("per order")), ("unit", _("per unit"))]


def _english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def _label(definition: dict) -> str:
    if _english():
        return definition.get("label_en") or definition.get("label_zh") or definition.get("name", "")
    return definition.get("label_zh") or definition.get("label_en") or definition.get("name", "")


def _choices(definition: dict) -> list[tuple[str, str]]:
    out = []
    for choice in definition.get("choices") or []:
        if isinstance(choice, dict):
            out.append((str(choice["value"]), _label(choice) or str(choice["value"])))
        else:
            out.append((str(choice), str(choice)))
    return out


def attribute_form_field(definition: dict) -> forms.Field:
    """The form field for one attribute definition: its type picks the widget; unit, bounds and
    choices come with it."""
    kind = definition.get("type", "text")
    required = bool(definition.get("required")) and kind != "bool"
    unit = definition.get("unit") or ""
    label = f"{_label(definition)}（{unit}）" if unit else _label(definition)
    common = {"label": label, "required": required, "help_text": definition.get("help_zh" if not _english()
                                                                                else "help_en", "")}
    attrs = {}
    for bound in ("min", "max"):
        if definition.get(bound) is not None:
            attrs[bound] = definition[bound]
    if kind == "int":
        return forms.IntegerField(widget=forms.NumberInput(attrs={**attrs, "step": 1}), **common)
    if kind == "decimal":
        return forms.DecimalField(widget=forms.NumberInput(attrs={**attrs, "step": "any"}), **common)
    if kind == "choice":
        return forms.ChoiceField(choices=[("", "—"), *_choices(definition)], **common)
    if kind == "multichoice":
        return forms.MultipleChoiceField(choices=_choices(definition), widget=forms.CheckboxSelectMultiple,
                                         **common)
    if kind == "bool":
        return forms.BooleanField(**{**common, "required": False})
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    text_attrs = {"maxlength": definition["max_length"]} if definition.get("max_length") else {}
    if definition.get("pattern"):
        text_attrs["pattern"] = definition["pattern"].lstrip("^").rstrip("$")
    return forms.CharField(widget=forms.TextInput(attrs=text_attrs), **common)


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (c.code, c.name_en if _english() else c.name_zh) for c in categories
        ]


class ListingForm(forms.Form):
    """Everything a provider enters about a listing, in the shape of its category."""

    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    district = forms.ChoiceField(label=_("District"))
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    price = forms.CharField(label=_("Price (¥)"), help_text=_("e.g. 380 or 380.50"))
    price_unit = forms.ChoiceField(label=_("Price unit"), choices=PriceUnit.choices)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, initial=1,
                                  help_text=_("seats, rooms or pieces available at the same time"))
    deposit = forms.CharField(label=_("Deposit (¥)"), required=False, initial="0")
    deposit_refund_days = forms.IntegerField(label=_("Deposit refunded within (days)"), min_value=0, initial=0,
                                             required=False)
    cancellation_policy = forms.ChoiceField(label=_("Cancellation policy"), choices=CancellationPolicy.choices,
                                            initial=CancellationPolicy.MODERATE)

    MAIN = ("title", "description", "district", "address")
    PRICE = ("price", "price_unit", "capacity", "deposit", "deposit_refund_days", "cancellation_policy")

    def __init__(self, *args, attribute_fields=(), licence_rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", "—"), *district_choices(language=get_language() or "zh-hans")]
        self.attribute_names = []
        for definition in attribute_fields:
            name = f"attr_{definition['name']}"
            self.fields[name] = attribute_form_field(definition)
            self.attribute_names.append((name, definition))
        self.licence_names = []
        for rule in licence_rules:
            if rule.get("holder", "listing") not in ("listing", "provider"):
                continue
            name = f"lic_{rule['code']}"
            if name in self.fields:
                continue
            self.fields[name] = forms.CharField(
                label=_label(rule), required=False, max_length=64,
                help_text=_("Needed to publish: %(reference)s") % {"reference": rule.get("legal_reference", "")},
            )
            self.licence_names.append((name, rule))
        for index in range(FEE_ROWS):
            self.fields[f"fee_label_{index}"] = forms.CharField(label=_("Fee"), required=False, max_length=40)
            self.fields[f"fee_amount_{index}"] = forms.CharField(label=_("Amount (¥)"), required=False)
            self.fields[f"fee_per_{index}"] = forms.ChoiceField(label=_("Charged"), choices=FEE_PER,
                                                                required=False)

    # --- groups for the template ---

    def _bound(self, names):
        return [self[name] for name in names]

    def main_fields(self):
        return self._bound(self.MAIN)

    def price_fields(self):
        return self._bound(self.PRICE)

    def attribute_fields(self):
        return self._bound(name for name, _definition in self.attribute_names)

    def licence_fields(self):
        return self._bound(name for name, _rule in self.licence_names)

    def fee_rows(self):
        return [(self[f"fee_label_{i}"], self[f"fee_amount_{i}"], self[f"fee_per_{i}"]) for i in range(FEE_ROWS)]

    # --- to the service ---

    def values(self) -> dict:
        """The service's keyword arguments. Money is parsed here (¥ → fen); errors name the form field."""
        data = self.cleaned_data
        attributes = {}
        for name, definition in self.attribute_names:
            value = data.get(name)
            if value in (None, "", []):
                if definition.get("type") == "bool":
                    attributes[definition["name"]] = False
                continue
            if isinstance(value, Decimal):
                value = str(value)
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            attributes[definition["name"]] = value
        fees = []
        for index in range(FEE_ROWS):
            label = (data.get(f"fee_label_{index}") or "").strip()
            amount = (data.get(f"fee_amount_{index}") or "").strip()
            if not label and not amount:
                continue
            fees.append({"label_zh": label, "label_en": label,
                         "fen": parse_yuan(amount, field=f"fee_amount_{index}") if amount else 0,
                         "per": data.get(f"fee_per_{index}") or "order"})
        return {
            "title": data["title"], "description": data.get("description") or "",
            "attributes": attributes,
            "licences": {rule["code"]: (data.get(name) or "").strip() for name, rule in self.licence_names},
            "district_code": data["district"], "address": data.get("address") or "",
            "price_fen": parse_yuan(data["price"], field="price"), "price_unit": data["price_unit"],
            "fees": fees, "capacity": data["capacity"],
            "deposit_fen": parse_yuan(data.get("deposit") or "0", field="deposit"),
            "deposit_refund_days": data.get("deposit_refund_days") or 0,
            "cancellation_policy": data["cancellation_policy"],
        }

    @staticmethod
    def initial_from(listing: Listing) -> dict:
        initial = {
            "title": listing.title, "description": listing.description, "district": listing.district_code,
            "address": listing.address, "price": format_yuan(listing.price_fen, symbol=False).replace(",", ""),
            "price_unit": listing.price_unit, "capacity": listing.capacity,
            "deposit": format_yuan(listing.deposit_fen, symbol=False).replace(",", ""),
            "deposit_refund_days": listing.deposit_refund_days, "cancellation_policy": listing.cancellation_policy,
        }
        for name, value in (listing.attributes or {}).items():
            initial[f"attr_{name}"] = value
        for code, number in (listing.licences or {}).items():
            initial[f"lic_{code}"] = number
        for index, fee in enumerate((listing.fees or [])[:FEE_ROWS]):
            initial[f"fee_label_{index}"] = fee.get("label_zh") or fee.get("label_en")
            initial[f"fee_amount_{index}"] = format_yuan(fee.get("fen", 0), symbol=False).replace(",", "")
            initial[f"fee_per_{index}"] = fee.get("per", "order")
        return initial


# Service field names → form field names.
FIELD_ALIASES = {"price_fen": "price", "district_code": "district", "deposit_fen": "deposit"}


def form_field_for(error_field: str | None) -> str | None:
    if not error_field:
        return None
    if error_field.startswith("attributes."):
        return f"attr_{error_field.split('.', 1)[1]}"
    if error_field.startswith("licences."):
        return f"lic_{error_field.split('.', 1)[1]}"
    if error_field.startswith("fees."):
        parts = error_field.split(".")
        if len(parts) >= 3 and parts[1].isdigit():
            return f"fee_{'amount' if parts[2] == 'fen' else 'label' if parts[2] == 'label' else 'per'}_{parts[1]}"
    return FIELD_ALIASES.get(error_field, error_field)


def add_service_error(form: forms.Form, error: ShareCityError) -> None:
    """Put a service error on the form field it names, or on the form as a whole."""
    field = form_field_for(error.field)
    form.add_error(field if field in form.fields else None, str(error.message))



class PhotoForm(forms.Form):
    """One picture to add; ``listings.photos`` checks what it really is."""

    photo = forms.FileField(label=_("Photo"),
                            help_text=_("JPEG, PNG or WebP, at most 8 MB, at least 200 pixels a side"),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
