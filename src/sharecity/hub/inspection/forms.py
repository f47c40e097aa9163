"""Reading the inspection pages' form posts into the services' arguments; a bad value is refused with
the field it came from (the services check the rules)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms as django_forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from sharecity.hub.facts.forms import PickerField, PickerFormMixin
from sharecity.kernel.errors import InvalidInput, NotFound

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^\d{1,12}$")


def text(data, name: str, *, max_length: int = 2000) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise InvalidInput(_("Give %(field)s as text.") % {"field": name}, field=name, code="inspection.not_text")
    if len(value) > max_length:
        raise InvalidInput(_("At most %(count)d characters.") % {"count": max_length}, field=name,
                           code="inspection.too_long")
    return value


def date(data, name: str) -> dt.date:
    value = text(data, name, max_length=10).strip()
    if not _DATE.fullmatch(value):
        raise InvalidInput(_("Give the date as YYYY-MM-DD."), field=name, code="inspection.date")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("There is no such date."), field=name, code="inspection.date") from None
    if not 2000 <= day.year <= 2100:
        raise InvalidInput(_("Give a date between the years 2000 and 2100."), field=name, code="inspection.date")
    return day


def integer(data, name: str, *, default: int | None = None, low: int = 0, high: int = 10**9) -> int:
    value = text(data, name, max_length=12).strip()
    if not value and default is not None:
        return default
    if not _INT.fullmatch(value) or not low <= int(value) <= high:
        raise InvalidInput(_("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
                           field=name, code="inspection.number")
    return int(value)


def choices(data, name: str, *, limit: int = 50) -> list[str]:
    values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
    if len(values) > limit or any(len(v) > 60 for v in values):
        raise InvalidInput(_("Too many or too long choices."), field=name, code="inspection.choices")
    return [v.strip() for v in values if v.strip()]


def flag(data, name: str) -> bool:
    return text(data, name, max_length=5) in ("on", "true", "1", "yes")


def ratios(data) -> dict[str, int] | None:
    given = {}
    for risk_class in "ABCD":
        name = f"ratio_{risk_class}"
        if text(data, name, max_length=12).strip():
            given[risk_class] = integer(data, name, low=0, high=10_000)
    return given or None


class SubjectPickForm(PickerFormMixin, django_forms.Form):
    """A credit subject picked by name (an inspection plan's pointer, an inspector's declared connection):
    ``subject_id`` is the chosen file's number; without JavaScript, the typed name or key is resolved."""

    subject_id = PickerField(label=_lazy("Credit subject"), kind="credit_subjects")


def subject_picked(data, *, jurisdiction) -> int:
    """The credit subject's number from a picker: 400 for a malformed value, 404 for a file outside the
    jurisdiction or unknown (whether it exists elsewhere is not told)."""
    keys = data.getlist("subject_id") if hasattr(data, "getlist") else [data.get("subject_id", "")]
    if any(key and not _INT.fullmatch(key.strip()) for key in keys):
        raise InvalidInput(_("Choose the credit subject from the list."), field="subject_id", code="inspection.number")
    form = SubjectPickForm(data, jurisdiction=jurisdiction)
    if form.is_valid():
        return int(form.cleaned_data["subject_id"])
    error = form.errors.as_data().get("subject_id", [None])[0]
    message = " ".join(error.messages) if error is not None else _("Choose the credit subject from the list.")
    if error is not None and error.code == "unknown":
        raise NotFound(message, field="subject_id", code="inspection.subject")
    raise InvalidInput(message, field="subject_id", code="inspection.subject")
