"""Pickers: form fields where an officer chooses a platform, a listing or a subject by its name, never by
typing an internal id.

The widget is a text input with a list of matches under it (``hub_facts/picker.js`` fills it as the officer
types, from ``/api/v1/hub/lookup/...``) and a hidden input per chosen item that carries its key. Without
JavaScript the typed text is sent as it is and the form resolves it on the server: one match is taken, none
or several are refused with the field named and the candidates listed. Either way the form checks that every
key is one the officer's jurisdiction holds (``PickerFormMixin.pickers_resolve``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharecity.hub.facts import selectors
from sharecity.hub.facts.selectors import Choice
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.kernel import limits
from sharecity.kernel.errors import NotFound

TEXT_MAX = 200
PICKS_MAX = 50
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Several names typed without JavaScript: one per line, or separated by semicolons.
_SEPARATORS = re.compile(r"[\n;；]")

KIND_NOUNS = {
    "platforms": gettext_lazy("platform"),
    "listings": gettext_lazy("listing"),
    "subjects": gettext_lazy("operator or provider"),
    "credit_subjects": gettext_lazy("credit subject"),
}


@dataclass
class Picked:
    """What a picker sent: the keys of the items chosen from the list and what was typed."""

    keys: list[str] = field(default_factory=list)
    text: str = ""

    def __bool__(self) -> bool:
        return bool(self.keys or self.text.strip())


def picked_from(value) -> Picked:
    """A picker's value from a form's data (``Picked``) or from an initial value (a key, several keys as a
    list or one per line)."""
    if isinstance(value, Picked):
        return value
    if value is None or value == "":
        return Picked()
    values = value if isinstance(value, list | tuple) else str(value).splitlines()
    return Picked(keys=[str(item).strip() for item in values if str(item).strip()])


class PickerWidget(forms.Widget):
    template_name = "facts/picker.html"

    class Media:
        js = ["hub_facts/picker.js"]

    def __init__(self, *, kind: str = "", kinds: dict[str, str] | None = None, kind_field: str = "",
                 multiple: bool = False, platform_field: str = "", attrs=None) -> None:
        super().__init__(attrs)
        self.kind, self.kinds, self.kind_field = kind, kinds or {}, kind_field
        self.multiple, self.platform_field = multiple, platform_field
        # Set by the form: key -> Choice for the keys shown (with the form's jurisdiction and platform).
        self.labels: Callable[[list[str]], dict[str, Choice]] = lambda keys: {}

    def value_from_datadict(self, data, files, name) -> Picked:
        keys = data.getlist(name) if hasattr(data, "getlist") else [data[name]] if name in data else []
        return Picked(keys=[str(key) for key in keys if key], text=str(data.get(f"{name}__q", "")))

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and f"{name}__q" not in data

    def id_for_label(self, id_: str) -> str:
        return id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        picked = picked_from(value)
        known = self.labels(picked.keys[:PICKS_MAX]) if picked.keys else {}
        chosen = [known[key] for key in dict.fromkeys(picked.keys) if key in known]
        text = picked.text
        if not text and chosen and not self.multiple:
            text = chosen[0].label
        sources = {"": reverse(f"api-v1:lookup_{self.kind}")} if self.kind else {
            value: reverse(f"api-v1:lookup_{kind}") for value, kind in self.kinds.items()}
        context["picker"] = {
            "name": name, "text": text, "chosen": chosen if self.multiple else chosen[:1],
            "multiple": self.multiple, "sources": json.dumps(sources), "kind_field": self.kind_field,
            "platform_field": self.platform_field, "text_max": TEXT_MAX,
        }
        return context


class PickerField(forms.Field):
    """A platform, a listing or a subject (or several, ``multiple``) chosen by name. ``kind`` is one of
    ``selectors.LOOKUP_KINDS``; or ``kind_field`` names the form's field whose value chooses the kind through
    ``kinds`` (value -> kind). ``platform_field``: listings and subjects of the platform chosen there.
    ``free_values``: values of ``kind_field`` for which a typed text that matches nothing is taken as it is (a
    credit code; a pseudonymous key the hub has not seen in a fact yet); the list still offers what it knows.
    ``cleaned_data`` holds ``Picked`` until the form resolves it to a key (a list of keys if ``multiple``)."""

    widget = PickerWidget

    def __init__(self, *, kind: str = "", kinds: dict[str, str] | None = None, kind_field: str = "",
                 multiple: bool = False, platform_field: str = "", free_values: frozenset[str] = frozenset(),
                 **kwargs) -> None:
        self.kind, self.kinds, self.kind_field = kind, kinds or {}, kind_field
        self.multiple, self.platform_field, self.free_values = multiple, platform_field, frozenset(free_values)
        kwargs.setdefault("widget", PickerWidget(kind=kind, kinds=kinds, kind_field=kind_field, multiple=multiple,
                                                 platform_field=platform_field))
        super().__init__(**kwargs)

    def to_python(self, value) -> Picked:
        picked = picked_from(value)
        if len(picked.text) > TEXT_MAX:
            raise ValidationError(_("%(field)s: at most %(max)d characters.") % {"field": self.label, "max": TEXT_MAX},
                                  code="max_length")
        if len(picked.keys) > PICKS_MAX:
            raise ValidationError(_("%(field)s: at most %(max)d items.") % {"field": self.label, "max": PICKS_MAX},
                                  code="max_items")
        if any(len(key) > limits.IDENTIFIER_MAX_LENGTH for key in picked.keys) or any(
                _CONTROL.search(part) for part in [picked.text, *picked.keys]):
            raise ValidationError(_("%(field)s: choose from the list or type a name.") % {"field": self.label},
                                  code="invalid")
        return picked

    def validate(self, value: Picked) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def kind_for(self, cleaned_data: dict) -> str | None:
        return self.kind or self.kinds.get(cleaned_data.get(self.kind_field) or "")


class PickerFormMixin:
    """For a form with ``PickerField``s (put it before ``forms.Form``): the form takes the officer's
    ``jurisdiction`` (and, for a form without a platform field, the ``platform_id`` whose listings and subjects
    are picked), sets its pickers up once its fields exist, and resolves them when it is cleaned."""

    jurisdiction: Jurisdiction
    # Listings and subjects of this platform, for a form that has no platform field (an order on a case).
    picker_platform: str = ""

    def __init__(self, *args, jurisdiction: Jurisdiction, platform_id: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pickers_setup(jurisdiction, platform_id=platform_id)

    def clean(self) -> dict:
        cleaned = super().clean()
        self.pickers_resolve()
        return cleaned

    def pickers_setup(self, jurisdiction: Jurisdiction, *, platform_id: str = "") -> None:
        self.jurisdiction, self.picker_platform = jurisdiction, platform_id
        for form_field in self.fields.values():
            if isinstance(form_field, PickerField):
                form_field.widget.labels = self._labels_for(form_field)

    def _raw(self, name: str) -> str:
        """A field's value as sent (bound) or proposed (initial), for the widgets of another field."""
        if self.is_bound:
            return str(self.data.get(name, ""))
        value = self.initial.get(name, self.fields[name].initial if name in self.fields else "")
        return str(value or "")

    def _labels_for(self, form_field: PickerField) -> Callable[[list[str]], dict[str, Choice]]:
        def labels(keys: list[str]) -> dict[str, Choice]:
            kind = form_field.kind or form_field.kinds.get(self._raw(form_field.kind_field))
            platform = self.picker_platform
            if form_field.platform_field:
                resolved = getattr(self, "cleaned_data", {}).get(form_field.platform_field)
                platform = resolved if isinstance(resolved, str) else self._raw(form_field.platform_field)
            if kind is None:
                return {}
            try:
                found = selectors.lookup(kind, jurisdiction=self.jurisdiction, keys=keys, limit=PICKS_MAX,
                                         platform_id="" if kind == "platforms" else platform)
            except NotFound:
                return {}
            return {choice.key: choice for choice in found}
        return labels

    def pickers_resolve(self) -> None:
        """Each picker's keys checked and its typed names resolved, in the order of the fields (a platform
        before the listings of that platform); an error names the field."""
        for name, form_field in self.fields.items():
            if not isinstance(form_field, PickerField) or name not in self.cleaned_data:
                continue
            picked = self.cleaned_data[name]
            kind = form_field.kind_for(self.cleaned_data)
            platform = self.picker_platform
            if form_field.platform_field:
                if form_field.platform_field in self.errors or form_field.platform_field not in self.cleaned_data:
                    self.cleaned_data.pop(name)  # the platform is refused already; its listings cannot be checked
                    continue
                platform = self.cleaned_data.get(form_field.platform_field) or ""
            if kind is None:
                if self.cleaned_data.get(form_field.kind_field) in form_field.free_values:
                    self.cleaned_data[name] = (picked.text.strip() or (picked.keys or [""])[0])
                else:
                    self.cleaned_data.pop(name)
                continue
            free = bool(form_field.kind_field) and (
                self.cleaned_data.get(form_field.kind_field) in form_field.free_values)
            try:
                keys = self._resolve(form_field, kind, picked, "" if kind == "platforms" else platform, free=free)
            except ValidationError as error:
                self.add_error(name, error)
                continue
            self.cleaned_data[name] = keys if form_field.multiple else (keys[0] if keys else "")
            if form_field.platform_field and not platform and kind != "platforms" and keys:
                self._platform_from_choice(name, form_field, kind, keys)

    def _platform_from_choice(self, name: str, form_field: PickerField, kind: str, keys: list[str]) -> None:
        """No platform given: the platform of the listings or subjects chosen, when that is one."""
        platforms = {choice.platform_id for choice in selectors.lookup(kind, jurisdiction=self.jurisdiction,
                                                                       keys=keys, limit=PICKS_MAX)}
        if len(platforms) == 1:
            self.cleaned_data[form_field.platform_field] = platforms.pop()
        elif platforms:  # none: a key typed as it is (``free_values``), on no platform the hub knows
            self.add_error(form_field.platform_field, _("%(field)s: choose the platform of %(what)s.") % {
                "field": self.fields[form_field.platform_field].label, "what": form_field.label})

    def _resolve(self, form_field: PickerField, kind: str, picked: Picked, platform: str, *,
                 free: bool = False) -> list[str]:
        noun = KIND_NOUNS[kind]
        found = {choice.key: choice for choice in selectors.lookup(
            kind, jurisdiction=self.jurisdiction, keys=picked.keys, limit=PICKS_MAX, platform_id=platform)
        } if picked.keys else {}
        unknown = [key for key in picked.keys if key not in found]
        if unknown and not free:
            message = (_("%(field)s: “%(value)s” is no %(kind)s of this platform in your jurisdiction.") if platform
                       else _("%(field)s: “%(value)s” is no %(kind)s in your jurisdiction."))
            raise ValidationError(message % {"field": form_field.label, "value": unknown[0][:64], "kind": noun},
                                  code="unknown")
        keys = list(dict.fromkeys(picked.keys))
        terms = [term.strip() for term in _SEPARATORS.split(picked.text) if term.strip()] if picked.text else []
        if picked.keys and not form_field.multiple:
            terms = []  # a key chosen from the list wins over the text it shows
        if not form_field.multiple and len(terms) > 1:
            raise ValidationError(_("%(field)s: choose one %(kind)s.") % {"field": form_field.label, "kind": noun},
                                  code="several")
        for term in terms:
            try:
                keys.append(self._resolve_term(form_field, kind, term, platform, noun))
            except ValidationError as error:
                if not (free and error.code == "unknown"):
                    raise
                keys.append(term[:limits.IDENTIFIER_MAX_LENGTH])
        if form_field.required and not keys:
            raise ValidationError(form_field.error_messages["required"], code="required")
        return list(dict.fromkeys(keys))

    def _resolve_term(self, form_field: PickerField, kind: str, term: str, platform: str, noun) -> str:
        exact = selectors.lookup(kind, jurisdiction=self.jurisdiction, keys=[term], limit=2, platform_id=platform)
        if len(exact) == 1:
            return exact[0].key
        matches = selectors.lookup(kind, jurisdiction=self.jurisdiction, q=term, limit=selectors.LOOKUP_LIMIT,
                                   platform_id=platform)
        named = [choice for choice in matches if choice.label == term]
        if len(matches) == 1 or len(named) == 1:
            return (named or matches)[0].key
        if not matches:
            raise ValidationError(_("%(field)s: no %(kind)s in your jurisdiction matches “%(text)s”.") % {
                "field": form_field.label, "kind": noun, "text": term[:60]}, code="unknown")
        shown = "；".join(f"{choice.label}（{choice.secondary}）" for choice in matches[:5])
        raise ValidationError(_("%(field)s: “%(text)s” matches several: %(matches)s. Type more of the name or "
                                "pick one from the list.") % {"field": form_field.label, "text": term[:60],
                                                              "matches": shown}, code="ambiguous")
