"""Writes of the evaluation duty: a city's own targets, designations, scheme versions and evaluation
runs. City-level officers only (a district bureau reads its city's evaluation but does not make it);
each write is audited in the transaction that makes it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.audit.services import audit_record
from sharecity.hub.evaluation import method, selectors
from sharecity.hub.evaluation.models import (
    Category,
    Designation,
    DesignationKind,
    EvaluationRun,
    IndicatorScheme,
    Measure,
    PolicyTarget,
)
from sharecity.hub.registry.jurisdiction import Jurisdiction, jurisdiction_required
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound

FUND_MAX_FEN = 10**14  # one trillion yuan: far above any city's special fund
INDICATORS_MAX = 20
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _city_officer(actor, *, action: str) -> Jurisdiction:
    jurisdiction = jurisdiction_required(actor)
    if not jurisdiction.is_city_level:
        raise Forbidden(_("Only city-level officers may %(action)s.") % {"action": action}, field=None,
                        code="evaluation.city_level_only")
    return jurisdiction


def _text(value, *, field: str, max_length: int, required: bool = True, multiline: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInput(_("Enter text."), field=field, code="evaluation.text")
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), field=field, code="evaluation.required")
    if len(value) > max_length:
        raise InvalidInput(_("At most %(n)d characters.") % {"n": max_length}, field=field, code="evaluation.too_long")
    text = value.replace("\r\n", "\n").replace("\n", "") if multiline else value
    if _CONTROL.search(text):
        raise InvalidInput(_("Control characters are not allowed."), field=field, code="evaluation.control_chars")
    return value


def _int(value, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(_("Enter a whole number."), field=field, code="evaluation.integer")
    if not low <= value <= high:
        raise InvalidInput(_("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high}, field=field,
                           code="evaluation.range")
    return value


# ---- targets ------------------------------------------------------------------------------------------------------

@transaction.atomic
def target_add(*, actor, code: str, name_zh: str, name_en: str, measure: str, target_value: int, target_year: int,
               source_document: str, source_article: str, category: str = "", designation_kinds=(),
               source_number: str = "", source_text: str = "", baseline_date: dt.date | None = None) -> PolicyTarget:
    """A goal of the officer's own city, with the document it comes from."""
    jurisdiction = _city_officer(actor, action=_("enter targets"))
    code = _text(code, field="code", max_length=40)
    if not _CODE.match(code):
        raise InvalidInput(_("Use lower-case letters, digits and underscores, starting with a letter."), field="code",
                           code="evaluation.code")
    if measure not in Measure.values:
        raise InvalidInput(_("Choose platforms or designations."), field="measure", code="evaluation.measure")
    if category not in Category.values:
        raise InvalidInput(_("Choose a known category."), field="category", code="evaluation.category")
    kinds = list(designation_kinds or [])
    if any(kind not in DesignationKind.values for kind in kinds) or len(kinds) > len(DesignationKind.values):
        raise InvalidInput(_("Choose known kinds of designation."), field="designation_kinds",
                           code="evaluation.designation_kind")
    if measure == Measure.DESIGNATIONS and not kinds:
        raise InvalidInput(_("Say which designations count toward the target."), field="designation_kinds",
                           code="evaluation.designation_kind")
    today = selectors.today()
    target = PolicyTarget(
        city_code=jurisdiction.city_code, code=code,
        name_zh=_text(name_zh, field="name_zh", max_length=120), name_en=_text(name_en, field="name_en",
                                                                                max_length=120),
        measure=measure, category=category if measure == Measure.PLATFORMS else "",
        designation_kinds=kinds if measure == Measure.DESIGNATIONS else [],
        target_value=_int(target_value, field="target_value", low=1, high=1_000_000),
        target_year=_int(target_year, field="target_year", low=2000, high=2100),
        baseline_date=baseline_date or today,
        source_document=_text(source_document, field="source_document", max_length=200),
        source_number=_text(source_number, field="source_number", max_length=60, required=False),
        source_article=_text(source_article, field="source_article", max_length=60),
        source_text=_text(source_text, field="source_text", max_length=300, required=False), created_by=actor)
    if not dt.date(2000, 1, 1) <= target.baseline_date <= dt.date(target.target_year, 12, 31):
        raise InvalidInput(_("Count from a day between 2000 and the end of the target year."), field="baseline_date",
                           code="evaluation.baseline")
    if PolicyTarget.objects.filter(city_code=target.city_code, code=code).exists():
        raise Conflict(_("The city already has a target with this code."), field="code", code="evaluation.duplicate")
    target.save()
    audit_record(actor=actor, action="evaluation.target_added", object_type="evaluation_target", object_id=target.pk,
                 detail={"city_code": target.city_code, "code": code, "measure": measure, "category": target.category,
                         "designation_kinds": target.designation_kinds, "target_value": target.target_value,
                         "target_year": target.target_year, "source_document": target.source_document,
                         "source_number": target.source_number, "source_article": target.source_article})
    return target


# ---- designations -------------------------------------------------------------------------------------------------

@transaction.atomic
def designation_add(*, actor, platform_id: str, kind: str, decision_reference: str, evidence: str,
                    recognised_on: dt.date) -> Designation:
    """Record that the city recognised a platform of its own as a headquarters or a national leader,
    with the decision that did so: what the exchange cannot tell the hub."""
    jurisdiction = _city_officer(actor, action=_("record designations"))
    platform_id = _text(platform_id, field="platform_id", max_length=64)
    if platform_id not in {p.platform_id for p in selectors.platforms_of_city(city_code=jurisdiction.city_code)}:
        raise NotFound(_("No platform registered in the city has this id."), field="platform_id",
                       code="evaluation.platform")
    if kind not in DesignationKind.values:
        raise InvalidInput(_("Choose regional headquarters, functional headquarters or national leader."),
                           field="kind", code="evaluation.designation_kind")
    if not dt.date(2000, 1, 1) <= recognised_on <= selectors.today():
        raise InvalidInput(_("Choose a day from 2000 to today."), field="recognised_on", code="evaluation.day")
    designation = Designation(
        city_code=jurisdiction.city_code, platform_id=platform_id, kind=kind,
        decision_reference=_text(decision_reference, field="decision_reference", max_length=120),
        evidence=_text(evidence, field="evidence", max_length=2000, multiline=True), recognised_on=recognised_on,
        created_by=actor)
    same = Designation.objects.filter(city_code=designation.city_code, platform_id=platform_id, kind=kind)
    if same.filter(withdrawn_on__isnull=True).exists():
        raise Conflict(_("The platform already holds this designation."), field="kind", code="evaluation.duplicate")
    # Designated again after a withdrawal: the new designation starts on or after the day the last one ended,
    # so the history has no two periods counting at once.
    last_end = same.order_by("-withdrawn_on").values_list("withdrawn_on", flat=True).first()
    if last_end is not None and recognised_on < last_end:
        raise InvalidInput(_("The platform's previous designation of this kind was withdrawn on %(day)s; "
                             "recognise it again from that day on.") % {"day": last_end.isoformat()},
                           field="recognised_on", code="evaluation.overlap")
    try:
        with transaction.atomic():
            designation.save()
    except IntegrityError:
        raise Conflict(_("The platform already holds this designation."), field="kind",
                       code="evaluation.duplicate") from None
    audit_record(actor=actor, action="evaluation.designation_added", object_type="evaluation_designation",
                 object_id=designation.pk, detail={"city_code": designation.city_code, "platform_id": platform_id,
                                                   "kind": kind, "decision_reference": designation.decision_reference,
                                                   "recognised_on": recognised_on.isoformat()})
    return designation


@transaction.atomic
def designation_withdraw(*, actor, designation_id: int, decision_reference: str,
                         withdrawn_on: dt.date) -> Designation:
    """Withdraw a designation of the officer's own city with the decision that did so, from
    ``withdrawn_on`` (not before it was recognised, not after today). The row stays as history; from
    that day it no longer counts toward the targets. Another city's designation is not found; a second
    withdrawal is a conflict. Audited like the designation itself."""
    jurisdiction = _city_officer(actor, action=_("withdraw designations"))
    designation_id = _int(designation_id, field="designation_id", low=1, high=2**63 - 1)
    designation = (Designation.objects.select_for_update()
                   .filter(pk=designation_id, city_code=jurisdiction.city_code).first())
    if designation is None:
        raise NotFound(_("The city has no designation with this id."), field="designation_id",
                       code="evaluation.designation")
    if designation.withdrawn_on is not None:
        raise Conflict(_("This designation was already withdrawn on %(day)s.") % {
            "day": designation.withdrawn_on.isoformat()}, field="designation_id", code="evaluation.withdrawn")
    reference = _text(decision_reference, field="decision_reference", max_length=120)
    if not isinstance(withdrawn_on, dt.date) or isinstance(withdrawn_on, dt.datetime):
        raise InvalidInput(_("Enter a date."), field="withdrawn_on", code="evaluation.day")
    if not designation.recognised_on <= withdrawn_on <= selectors.today():
        raise InvalidInput(_("Choose a day from the day it was recognised (%(day)s) to today.") % {
            "day": designation.recognised_on.isoformat()}, field="withdrawn_on", code="evaluation.day")
    designation.withdrawn_on = withdrawn_on
    designation.withdrawal_reference = reference
    designation.withdrawn_by = actor
    designation.withdrawn_at = timezone.now()
    designation.save(update_fields=["withdrawn_on", "withdrawal_reference", "withdrawn_by", "withdrawn_at"])
    audit_record(actor=actor, action="evaluation.designation_withdrawn", object_type="evaluation_designation",
                 object_id=designation.pk, detail={"city_code": designation.city_code,
                                                   "platform_id": designation.platform_id, "kind": designation.kind,
                                                   "decision_reference": reference,
                                                   "withdrawn_on": withdrawn_on.isoformat()})
    return designation


# ---- schemes ------------------------------------------------------------------------------------------------------

def indicators_validate(indicators) -> list[dict]:
    """The indicators of a scheme, checked: 1 to 20, each with a unique ``code``, a ``source`` (a figure
    of the statistics or a derived one, ``method.SOURCES``), a ``weight`` 1-100, a ``direction`` (higher or
    lower is better) and Chinese and English labels. Errors name the field, such as ``indicators.2.weight``."""
    if not isinstance(indicators, list) or not 1 <= len(indicators) <= INDICATORS_MAX:
        raise InvalidInput(_("Give 1 to %(n)d indicators.") % {"n": INDICATORS_MAX}, field="indicators",
                           code="evaluation.indicators")
    clean, seen = [], set()
    for position, item in enumerate(indicators):
        where = f"indicators.{position}"
        if not isinstance(item, dict):
            raise InvalidInput(_("Each indicator is an object."), field=where, code="evaluation.indicators")
        code = _text(item.get("code"), field=f"{where}.code", max_length=40)
        if not _CODE.match(code) or code in seen:
            raise InvalidInput(_("Use a unique code of lower-case letters, digits and underscores."),
                               field=f"{where}.code", code="evaluation.code")
        seen.add(code)
        source = item.get("source")
        if source not in method.SOURCES:
            raise InvalidInput(_("Choose a figure of the statistics or a derived one."), field=f"{where}.source",
                               code="evaluation.source")
        direction = item.get("direction")
        if direction not in method.DIRECTIONS:
            raise InvalidInput(_("Choose higher or lower is better."), field=f"{where}.direction",
                               code="evaluation.direction")
        clean.append({"code": code, "source": source, "direction": direction,
                      "weight": _int(item.get("weight"), field=f"{where}.weight", low=1, high=100),
                      "label_zh": _text(item.get("label_zh"), field=f"{where}.label_zh", max_length=60),
                      "label_en": _text(item.get("label_en"), field=f"{where}.label_en", max_length=60)})
    return clean


def _threshold(value) -> Decimal:
    try:
        threshold = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Enter a number from 0 to 100."), field="negative_threshold",
                           code="evaluation.threshold") from None
    if isinstance(value, bool) or not threshold.is_finite() or not 0 <= threshold <= 100 \
            or threshold != threshold.quantize(Decimal("0.01")):
        raise InvalidInput(_("Enter a number from 0 to 100, with at most two decimals."), field="negative_threshold",
                           code="evaluation.threshold")
    return threshold


@transaction.atomic
def scheme_add(*, actor, indicators, negative_threshold, effective_from: dt.date, note: str = "") -> IndicatorScheme:
    """A new version of the city's indicator scheme, in force from ``effective_from`` (today or later)."""
    jurisdiction = _city_officer(actor, action=_("change the evaluation scheme"))
    clean = indicators_validate(indicators)
    threshold = _threshold(negative_threshold)
    today = selectors.today()
    if not today <= effective_from <= today + dt.timedelta(days=3660):
        raise InvalidInput(_("The new version can take effect today at the earliest."), field="effective_from",
                           code="evaluation.effective_in_past")
    scheme = IndicatorScheme.objects.create(
        city_code=jurisdiction.city_code, effective_from=effective_from, indicators=clean,
        negative_threshold=threshold, note=_text(note, field="note", max_length=300, required=False), created_by=actor)
    audit_record(actor=actor, action="evaluation.scheme_added", object_type="evaluation_scheme", object_id=scheme.pk,
                 detail={"city_code": scheme.city_code, "effective_from": effective_from.isoformat(),
                         "negative_threshold": str(threshold), "indicators": clean, "note": scheme.note})
    return scheme


# ---- runs ---------------------------------------------------------------------------------------------------------

def quarter_check(year, quarter, *, today: dt.date) -> tuple[int, int]:
    year = _int(year, field="year", low=2000, high=today.year)
    quarter = _int(quarter, field="quarter", low=1, high=4)
    if selectors.quarter_bounds(year, quarter)[0] > today:
        raise InvalidInput(_("That quarter has not begun."), field="quarter", code="evaluation.future_quarter")
    return year, quarter


@transaction.atomic
def evaluation_run(*, actor, year: int, quarter: int, fund_fen: int, note: str = "") -> EvaluationRun:
    """Evaluate the officer's city's districts for a quarter under the scheme in force today, share out
    the special fund and list who loses support; stored as a new version, audited."""
    jurisdiction = _city_officer(actor, action=_("run the evaluation"))
    today = selectors.today()
    year, quarter = quarter_check(year, quarter, today=today)
    fund_fen = _int(fund_fen, field="fund", low=0, high=FUND_MAX_FEN)
    note = _text(note, field="note", max_length=300, required=False)
    city = jurisdiction.city_code
    scheme = selectors.scheme_in_force(city_code=city, on=today)
    if scheme is None:
        raise Conflict(_("No indicator scheme is in force."), field=None, code="evaluation.no_scheme")
    current, previous = selectors.district_figures(city_code=city, year=year, quarter=quarter)
    figures = {code: method.derive(current[code], previous[code]) for code in current}
    ordered, unallocated = method.evaluate(figures=figures, indicators=scheme.indicators,
                                           threshold=float(scheme.negative_threshold), fund_fen=fund_fen)
    _start, end = selectors.quarter_bounds(year, quarter)
    enterprises = selectors.negative_enterprises(city_code=city, on=min(end, today))
    districts = [{"code": r.code, "rank": r.rank, "index": r.index, "negative": r.negative,
                  "allocation_fen": r.allocation_fen, "allocation": r.allocation, "indicators": r.indicators,
                  "figures": {key: r.figures.get(key) for key in method.SOURCES}} for r in ordered]
    version = (EvaluationRun.objects.filter(city_code=city, year=year, quarter=quarter).aggregate(
        top=Max("version"))["top"] or 0) + 1
    try:
        with transaction.atomic():
            run = EvaluationRun.objects.create(
                city_code=city, year=year, quarter=quarter, version=version, scheme=scheme, fund_fen=fund_fen,
                indicators=scheme.indicators, negative_threshold=scheme.negative_threshold, districts=districts,
                enterprises=enterprises, unallocated_fen=unallocated, note=note, created_by=actor)
    except IntegrityError:
        raise Conflict(_("Another evaluation of this quarter was stored at the same moment; run it again."),
                       field=None, code="evaluation.concurrent") from None
    audit_record(actor=actor, action="evaluation.run", object_type="evaluation_run", object_id=run.pk,
                 detail={"city_code": city, "year": year, "quarter": quarter, "version": version,
                         "scheme": scheme.pk, "fund_fen": fund_fen, "unallocated_fen": unallocated,
                         "ranking": [[d["code"], d["index"], d["allocation_fen"]] for d in districts],
                         "negative_districts": [d["code"] for d in districts if d["negative"]],
                         "negative_enterprises": [e["platform_id"] for e in enterprises]})
    return run
