"""Field definitions and the values a listing gives them: pure rules over plain data.

``values_clean`` turns what a form or API sent (strings included) into typed JSON values,
checking every rule of the definition; ``definition_clean`` checks a definition an operator
writes. Both raise ``InvalidAttribute``/``InvalidFieldDefinition`` naming the field and the rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sharecity.market.catalog.errors import FieldNameTaken, InvalidAttribute, InvalidFieldDefinition

FIELD_TYPES = ("int", "decimal", "text", "choice", "multichoice", "bool", "date")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
TRUE_WORDS = {"true", "1", "on", "yes", "y", "是", "有"}
FALSE_WORDS = {"false", "0", "off", "no", "n", "否", "无", ""}
EMPTY = (None, "", [], ())


def label(definition: dict) -> str:
    """The field's label in the active language."""
    english = (get_language() or "zh-hans").startswith("en")
    return (definition.get("label_en") if english else definition.get("label_zh")) or definition.get(
        "label_zh") or definition.get("label_en") or definition["name"]


def choice_values(definition: dict) -> list[str]:
    return [str(c["value"]) if isinstance(c, dict) else str(c) for c in definition.get("choices") or []]


def choice_label(definition: dict, value: Any) -> str:
    """A stored choice value (``badminton``) as its label in the active language (羽毛球); a value the
    field does not list, or a choice without labels, shows as it is."""
    english = (get_language() or "zh-hans").startswith("en")
    for choice in definition.get("choices") or []:
        if isinstance(choice, dict) and str(choice.get("value")) == str(value):
            return str((choice.get("label_en") if english else choice.get("label_zh")) or choice.get("label_zh")
                       or choice.get("label_en") or value)
    return str(value)


def _fail(definition: dict, message: str) -> InvalidAttribute:
    return InvalidAttribute(message, field=f"attributes.{definition['name']}")


def _number(definition: dict, raw: Any, *, whole: bool) -> int | float:
    name = label(definition)
    if isinstance(raw, bool):
        raise _fail(definition, _("%(field)s must be a number.") % {"field": name})
    try:
        number = Decimal(str(raw).strip().replace(",", "")) if not isinstance(raw, (int, float)) else Decimal(str(raw))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        message = _("%(field)s must be a whole number.") if whole else _("%(field)s must be a number.")
        raise _fail(definition, message % {"field": name})
    if whole and number != number.to_integral_value():
        raise _fail(definition, _("%(field)s must be a whole number.") % {"field": name})
    unit = definition.get("unit") or ""
    if definition.get("min") is not None and number < Decimal(str(definition["min"])):
        raise _fail(definition, _("%(field)s must be at least %(min)s%(unit)s.") % {
            "field": name, "min": definition["min"], "unit": unit and f" {unit}"})
    if definition.get("max") is not None and number > Decimal(str(definition["max"])):
        raise _fail(definition, _("%(field)s must be at most %(max)s%(unit)s.") % {
            "field": name, "max": definition["max"], "unit": unit and f" {unit}"})
    return int(number) if whole else float(number)


def _bool(definition: dict, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _fail(definition, _("%(field)s must be yes or no.") % {"field": label(definition)})


def _date(definition: dict, raw: Any) -> str:
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        day = raw
    else:
        try:
            day = dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise _fail(definition, _("%(field)s must be a date like 2026-05-01.") % {
                "field": label(definition)}) from None
    for bound, message in (("min", _("%(field)s must be on or after %(bound)s.")),
                           ("max", _("%(field)s must be on or before %(bound)s."))):
        if definition.get(bound):
            limit = dt.date.fromisoformat(str(definition[bound]))
            if (day < limit) if bound == "min" else (day > limit):
                raise _fail(definition, message % {"field": label(definition), "bound": limit.isoformat()})
    return day.isoformat()


def _text(definition: dict, raw: Any) -> str:
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise _fail(definition, _("%(field)s must be text.") % {"field": label(definition)})
    text = str(raw).strip()
    if definition.get("max_length") and len(text) > int(definition["max_length"]):
        raise _fail(definition, _("%(field)s may have at most %(max)s characters.") % {
            "field": label(definition), "max": definition["max_length"]})
    if definition.get("pattern") and not re.search(definition["pattern"], text):
        raise _fail(definition, _("%(field)s is not in the expected format.") % {"field": label(definition)})
    return text


def _choice(definition: dict, raw: Any) -> str:
    allowed = choice_values(definition)
    value = str(raw).strip()
    if value not in allowed:
        raise _fail(definition, _("%(field)s must be one of: %(choices)s.") % {
            "field": label(definition), "choices": ", ".join(allowed)})
    return value


def _multichoice(definition: dict, raw: Any) -> list[str]:
    if isinstance(raw, str):
        items = [part for part in re.split(r"[,，、\s]+", raw) if part]
    elif isinstance(raw, Iterable):
        items = [str(item).strip() for item in raw if str(item).strip()]
    else:
        raise _fail(definition, _("%(field)s must be a list of choices.") % {"field": label(definition)})
    cleaned: list[str] = []
    for item in items:
        value = _choice(definition, item)
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


def value_clean(definition: dict, raw: Any) -> Any:
    """One value, typed; ``None`` when it was left empty (required fields refuse that)."""
    if isinstance(raw, str):
        raw = raw.strip()
    kind = definition.get("type")
    empty = raw in EMPTY or (kind == "multichoice" and isinstance(raw, str) and not re.sub(r"[,，、\s]", "", raw))
    if empty:
        if definition.get("required"):
            raise _fail(definition, _("%(field)s is required.") % {"field": label(definition)})
        return None
    if kind == "int":
        return _number(definition, raw, whole=True)
    if kind == "decimal":
        return _number(definition, raw, whole=False)
    if kind == "bool":
        return _bool(definition, raw)
    if kind == "date":
        return _date(definition, raw)
    if kind == "choice":
        return _choice(definition, raw)
    if kind == "multichoice":
        values = _multichoice(definition, raw)
        if not values and definition.get("required"):
            raise _fail(definition, _("%(field)s is required.") % {"field": label(definition)})
        return values
    return _text(definition, raw)


def values_clean(definitions: list[dict], values: dict | None) -> dict:
    """Every value typed and checked against its definition; a name no definition has is refused."""
    values = dict(values or {})
    by_name = {d["name"]: d for d in definitions}
    for name in values:
        if name not in by_name:
            raise InvalidAttribute(_("%(name)s is not a field of this category.") % {"name": name},
                                   field=f"attributes.{name}")
    cleaned: dict = {}
    for definition in definitions:
        value = value_clean(definition, values.get(definition["name"]))
        if value is not None:
            cleaned[definition["name"]] = value
    return cleaned


def _definition_fail(message: str, key: str) -> InvalidFieldDefinition:
    return InvalidFieldDefinition(message, field=key)


def definition_clean(field: dict, *, taken: Iterable[str]) -> dict:
    """A field definition an operator wrote, normalised; refused when a rule of the format is broken."""
    name = str(field.get("name") or "").strip()
    if not NAME_PATTERN.match(name):
        raise _definition_fail(_("A field name has 2 to 40 lower-case letters, digits or underscores and "
                                 "starts with a letter."), "name")
    if name in set(taken):
        raise FieldNameTaken(_("This category already has a field named %(name)s.") % {"name": name}, field="name")
    kind = str(field.get("type") or "").strip()
    if kind not in FIELD_TYPES:
        raise _definition_fail(_("The type must be one of: %(types)s.") % {"types": ", ".join(FIELD_TYPES)}, "type")
    label_zh = str(field.get("label_zh") or "").strip()
    label_en = str(field.get("label_en") or "").strip()
    if not label_zh and not label_en:
        raise _definition_fail(_("Give the field a label."), "label_zh")
    if len(label_zh) > 40 or len(label_en) > 60:
        raise _definition_fail(_("A label has at most 40 Chinese or 60 English characters."), "label_zh")
    definition: dict = {"name": name, "label_zh": label_zh or label_en, "label_en": label_en or label_zh,
                        "type": kind, "required": bool(field.get("required"))}
    unit = str(field.get("unit") or "").strip()
    if len(unit) > 12:
        raise _definition_fail(_("A unit has at most 12 characters."), "unit")
    if unit:
        definition["unit"] = unit
    raw_choices = field.get("choices") or []
    if isinstance(raw_choices, str):
        raw_choices = [part for part in re.split(r"[,，、\n]+", raw_choices)]
    choice_list = []
    for item in raw_choices:
        value = (str(item.get("value", "")) if isinstance(item, dict) else str(item)).strip()
        if value and value not in [c["value"] for c in choice_list]:
            entry = {"value": value}
            if isinstance(item, dict):
                entry.update({k: item[k] for k in ("label_zh", "label_en") if item.get(k)})
            choice_list.append(entry)
    if kind in ("choice", "multichoice"):
        if len(choice_list) < 2:
            raise _definition_fail(_("A choice field needs at least two choices."), "choices")
        definition["choices"] = choice_list
    elif choice_list:
        raise _definition_fail(_("Only choice fields have choices."), "choices")
    for bound in ("min", "max"):
        if field.get(bound) in EMPTY:
            continue
        if kind in ("int", "decimal"):
            try:
                number = Decimal(str(field[bound]))
            except InvalidOperation:
                raise _definition_fail(_("The lower and upper limits must be numbers."), bound) from None
            definition[bound] = int(number) if kind == "int" or number == number.to_integral_value() else float(number)
        elif kind == "date":
            try:
                definition[bound] = dt.date.fromisoformat(str(field[bound])).isoformat()
            except ValueError:
                raise _definition_fail(_("The limits of a date field must be dates."), bound) from None
        else:
            raise _definition_fail(_("Only number and date fields have lower and upper limits."), bound)
    if "min" in definition and "max" in definition and str(definition["min"]) and (
            Decimal(str(definition["min"])) > Decimal(str(definition["max"])) if kind != "date"
            else definition["min"] > definition["max"]):
        raise _definition_fail(_("The lower limit is above the upper limit."), "min")
    if field.get("max_length") not in EMPTY:
        if kind != "text":
            raise _definition_fail(_("Only text fields have a maximum length."), "max_length")
        try:
            definition["max_length"] = int(field["max_length"])
        except (TypeError, ValueError):
            raise _definition_fail(_("The maximum length must be a whole number."), "max_length") from None
        if not 1 <= definition["max_length"] <= 2000:
            raise _definition_fail(_("The maximum length must be between 1 and 2000."), "max_length")
    if field.get("pattern"):
        if kind != "text":
            raise _definition_fail(_("Only text fields have a pattern."), "pattern")
        try:
            re.compile(str(field["pattern"]))
        except re.error:
            raise _definition_fail(_("The pattern is not a valid regular expression."), "pattern") from None
        definition["pattern"] = str(field["pattern"])
    definition["filterable"] = bool(field.get("filterable", kind in ("int", "decimal", "choice", "bool")))
    return definition
