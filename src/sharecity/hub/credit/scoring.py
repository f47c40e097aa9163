"""The explainable scorecard: pure Python over plain data, no ORM (selectors build the inputs).

A scorecard is data (``ScorecardVersion.tree``)::

    {"indicators": [{"code": "law", "name_zh": "遵纪守法", "name_en": "Law-abiding", "weight": 30, "base": 100,
                     "rules": [{"code": "penalty_serious", "label_zh": ..., "label_en": ..., "kind": "penalty",
                                "when": [["severity", "eq", "serious"]], "points": -60, "max_count": 0,
                                "within_days": 0}]}, ...],
     "grades": [{"grade": "A", "min": 90}, {"grade": "B", "min": 75}, {"grade": "C", "min": 60},
                {"grade": "D", "min": 0}]}

Each first-level indicator starts at its ``base`` (0..100); every record a rule matches adds the rule's
``points`` (at most ``max_count`` records per rule when set, only records of the last ``within_days``
days when set); the indicator's score is clamped to 0..100. The total is the weighted mean of the
indicators; the grade is the first whose ``min`` the total reaches. Every number comes back with the
records and the rule lines that produced it.

Records that count: decided on or before the day scored, not repaired, and still shown if they carry a
display period (国办发〔2025〕22号: information whose publicity ended or was repaired no longer weighs).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

RECORD_KINDS = ("penalty", "inspection", "complaint", "reviews", "commitment", "tax", "honour", "safety",
                "moderation", "verification")
ANY_KIND = "*"
OPERATORS = ("eq", "ne", "in", "gte", "lte")
# Fields a rule may test: the record's own, and the keys of its detail.
RECORD_FIELDS = ("severity", "polarity", "public")
GRADES = ("A", "B", "C", "D")


def _rule(code, zh, en, kind, when, points, *, max_count=0, within_days=0) -> dict:
    return {"code": code, "label_zh": zh, "label_en": en, "kind": kind, "when": when, "points": points,
            "max_count": max_count, "within_days": within_days}


# The default every city starts from. Points are judgement, not law: regulators tune them in the editor.
DEFAULT_TREE: dict[str, Any] = {
    "indicators": [
        {"code": "law", "name_zh": "遵纪守法", "name_en": "Law-abiding", "weight": 30, "base": 100, "rules": [
            _rule("penalty_serious", "严重失信行政处罚", "Penalty, serious dishonesty", "penalty",
                  [["severity", "eq", "serious"]], -60),
            _rule("penalty_ordinary", "一般失信行政处罚", "Penalty, ordinary dishonesty", "penalty",
                  [["severity", "eq", "ordinary"]], -30),
            _rule("penalty_light", "轻微失信行政处罚", "Penalty, light dishonesty", "penalty",
                  [["severity", "eq", "light"]], -10),
            _rule("inspection_fail", "抽查不合格", "Failed inspection", "inspection", [["result", "eq", "fail"]], -20),
            _rule("inspection_pass", "抽查合格", "Passed inspection", "inspection", [["result", "eq", "pass"]], 0),
        ]},
        {"code": "contract", "name_zh": "履约践诺", "name_en": "Contract-keeping", "weight": 25, "base": 80, "rules": [
            _rule("complaint_upheld", "投诉成立", "Complaint upheld", "complaint",
                  [["outcome", "in", ["upheld", "partly_upheld"]]], -10),
            _rule("complaint_settled", "投诉和解", "Complaint settled", "complaint",
                  [["outcome", "eq", "settled"]], -2),
            _rule("commitment_kept", "信用承诺全部履行", "Commitment fully kept", "commitment",
                  [["fulfilment", "eq", "full"]], 10),
            _rule("commitment_partial", "信用承诺部分履行", "Commitment partly kept", "commitment",
                  [["fulfilment", "eq", "partial"]], -10),
            _rule("commitment_broken", "信用承诺未履行", "Commitment not kept", "commitment",
                  [["fulfilment", "eq", "none"]], -30),
            _rule("reviews_good", "评价均分不低于4.5", "Mean rating 4.5 or above", "reviews",
                  [["mean", "gte", 4.5], ["count", "gte", 1]], 15),
            _rule("reviews_poor", "评价均分低于3", "Mean rating below 3", "reviews",
                  [["mean", "lte", 2.99], ["count", "gte", 1]], -15),
        ]},
        {"code": "qualification", "name_zh": "资质荣誉", "name_en": "Qualification and honours", "weight": 15,
         "base": 60, "rules": [
            _rule("verified", "已实名核验", "Identity verified", "verification", [], 20, max_count=1),
            _rule("honour", "表彰荣誉", "Honour", "honour", [], 10, max_count=2),
        ]},
        {"code": "social", "name_zh": "社会责任", "name_en": "Social responsibility", "weight": 15, "base": 80,
         "rules": [
            _rule("tax_filed", "按季报送涉税信息", "Quarterly tax report filed", "tax", [], 5, max_count=4,
                  within_days=400),
            _rule("safety_general", "一般安全事件", "Safety incident, general", "safety",
                  [["incident_severity", "eq", "general"]], -10),
            _rule("safety_grave", "较大及以上安全事件", "Safety incident, serious or worse", "safety",
                  [["incident_severity", "in", ["serious", "major", "extraordinary"]]], -40),
        ]},
        {"code": "risk", "name_zh": "监管风险", "name_en": "Regulatory risk", "weight": 15, "base": 100, "rules": [
            _rule("account_suspended", "账号被平台暂停", "Account suspended by a platform", "moderation",
                  [["decision", "eq", "suspended"]], -20),
            _rule("account_terminated", "账号被平台终止", "Account terminated by a platform", "moderation",
                  [["decision", "eq", "terminated"]], -50),
            _rule("recent_negative", "近90日负面记录", "Negative record in the last 90 days", ANY_KIND,
                  [["polarity", "lte", -1]], -5, max_count=6, within_days=90),
        ]},
    ],
    "grades": [{"grade": "A", "min": 90}, {"grade": "B", "min": 75}, {"grade": "C", "min": 60},
               {"grade": "D", "min": 0}],
}


class TreeError(ValueError):
    """A scorecard tree that cannot be scored; ``field`` is the path of the offending value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class RecordIn:
    """A record as the scorecard sees it."""

    id: int
    kind: str
    decided_on: dt.date
    title: str = ""
    severity: str = ""
    polarity: int = 0
    public: bool = False
    detail: dict = field(default_factory=dict)
    repaired: bool = False
    display_until: dt.date | None = None


@dataclass
class RuleLine:
    code: str
    label_zh: str
    label_en: str
    points_each: int
    record_ids: list[int]
    points: int

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en


@dataclass
class IndicatorScore:
    code: str
    name_zh: str
    name_en: str
    weight: int
    base: int
    score: int
    lines: list[RuleLine]

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


@dataclass
class Scorecard:
    as_of: dt.date
    total: float
    grade: str
    indicators: list[IndicatorScore]
    # The records that counted and those that did not, with why.
    counted: list[int]
    excluded: dict[int, str]
    # Which rule lines each record fed: record id -> [(indicator code, rule code, points)].
    by_record: dict[int, list[tuple[str, str, int]]]

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(), "total": self.total, "grade": self.grade,
            "indicators": [{
                "code": i.code, "name_zh": i.name_zh, "name_en": i.name_en, "weight": i.weight, "base": i.base,
                "score": i.score,
                "lines": [{"rule": line.code, "label_zh": line.label_zh, "label_en": line.label_en,
                           "points_each": line.points_each, "records": line.record_ids, "points": line.points}
                          for line in i.lines],
            } for i in self.indicators],
            "excluded": {str(key): value for key, value in self.excluded.items()},
        }


def _number(value: Any, path: str, *, low: float, high: float, integer: bool = True) -> Any:
    if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
        raise TreeError(path, f"{path} must be {'an integer' if integer else 'a number'}")
    if not low <= value <= high:
        raise TreeError(path, f"{path} must be between {low} and {high}")
    return value


def _text(value: Any, path: str, *, max_length: int, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > max_length:
        raise TreeError(path, f"{path} must be text of 1 to {max_length} characters")
    if any(ord(ch) < 32 or 0x7f <= ord(ch) <= 0x9f for ch in value):
        raise TreeError(path, f"{path} must not contain control characters")
    return value


def tree_validate(tree: Any) -> dict:
    """The tree, checked field by field; ``TreeError`` names the first bad path."""
    if not isinstance(tree, dict):
        raise TreeError("tree", "the scorecard must be an object")
    indicators = tree.get("indicators")
    if not isinstance(indicators, list) or not 1 <= len(indicators) <= 12:
        raise TreeError("indicators", "indicators must be a list of 1 to 12 indicators")
    codes: set[str] = set()
    total_weight = 0
    for i, indicator in enumerate(indicators):
        path = f"indicators.{i}"
        if not isinstance(indicator, dict):
            raise TreeError(path, f"{path} must be an object")
        code = _text(indicator.get("code"), f"{path}.code", max_length=40)
        if code in codes:
            raise TreeError(f"{path}.code", f"indicator code {code!r} is used twice")
        codes.add(code)
        _text(indicator.get("name_zh"), f"{path}.name_zh", max_length=60)
        _text(indicator.get("name_en"), f"{path}.name_en", max_length=60)
        total_weight += _number(indicator.get("weight"), f"{path}.weight", low=0, high=100)
        _number(indicator.get("base"), f"{path}.base", low=0, high=100)
        rules = indicator.get("rules")
        if not isinstance(rules, list) or len(rules) > 30:
            raise TreeError(f"{path}.rules", f"{path}.rules must be a list of at most 30 rules")
        rule_codes: set[str] = set()
        for j, rule in enumerate(rules):
            rpath = f"{path}.rules.{j}"
            if not isinstance(rule, dict):
                raise TreeError(rpath, f"{rpath} must be an object")
            rcode = _text(rule.get("code"), f"{rpath}.code", max_length=40)
            if rcode in rule_codes:
                raise TreeError(f"{rpath}.code", f"rule code {rcode!r} is used twice in {code}")
            rule_codes.add(rcode)
            _text(rule.get("label_zh"), f"{rpath}.label_zh", max_length=80)
            _text(rule.get("label_en"), f"{rpath}.label_en", max_length=80)
            if rule.get("kind") not in (*RECORD_KINDS, ANY_KIND):
                raise TreeError(f"{rpath}.kind", f"{rpath}.kind must be one of {', '.join(RECORD_KINDS)} or *")
            _number(rule.get("points"), f"{rpath}.points", low=-100, high=100)
            _number(rule.get("max_count", 0), f"{rpath}.max_count", low=0, high=1000)
            _number(rule.get("within_days", 0), f"{rpath}.within_days", low=0, high=3650)
            when = rule.get("when", [])
            if not isinstance(when, list) or len(when) > 5:
                raise TreeError(f"{rpath}.when", f"{rpath}.when must be a list of at most 5 conditions")
            for k, condition in enumerate(when):
                cpath = f"{rpath}.when.{k}"
                if not isinstance(condition, list) or len(condition) != 3:
                    raise TreeError(cpath, f"{cpath} must be [field, operator, value]")
                _text(condition[0], cpath, max_length=40)
                if condition[1] not in OPERATORS:
                    raise TreeError(cpath, f"{cpath}: the operator must be one of {', '.join(OPERATORS)}")
                value = condition[2]
                values = value if isinstance(value, list) else [value]
                if len(values) > 10 or not all(
                    (isinstance(v, str) and len(v) <= 40) or (isinstance(v, int | float) and abs(v) <= 1e6)
                    for v in values
                ):
                    raise TreeError(cpath, f"{cpath}: the value must be short text or a number, or a list of them")
    if total_weight <= 0:
        raise TreeError("indicators", "the weights must add up to more than 0")
    grades = tree.get("grades")
    names = [g.get("grade") if isinstance(g, dict) else None for g in grades] if isinstance(grades, list) else None
    if names != list(GRADES):
        raise TreeError("grades", "grades must list A, B, C and D in that order")
    previous = 101
    for i, grade in enumerate(grades):
        minimum = _number(grade.get("min"), f"grades.{i}.min", low=0, high=100)
        if minimum >= previous:
            raise TreeError(f"grades.{i}.min", "each grade's minimum must be below the one before it")
        previous = minimum
    if grades[-1]["min"] != 0:
        raise TreeError(f"grades.{len(grades) - 1}.min", "the lowest grade must start at 0")
    return tree


def _value(record: RecordIn, name: str) -> Any:
    if name in RECORD_FIELDS:
        return getattr(record, name)
    return record.detail.get(name)


def _holds(record: RecordIn, condition: list) -> bool:
    name, operator, expected = condition
    actual = _value(record, name)
    if operator == "eq":
        return actual == expected
    if operator == "ne":
        return actual != expected
    if operator == "in":
        return actual in (expected if isinstance(expected, list) else [expected])
    if actual is None or isinstance(actual, bool) or not isinstance(actual, int | float):
        return False
    if not isinstance(expected, int | float):
        return False
    return actual >= expected if operator == "gte" else actual <= expected


def _exclusion(record: RecordIn, as_of: dt.date) -> str:
    if record.decided_on > as_of:
        return "after"
    if record.repaired:
        return "repaired"
    if record.display_until is not None and record.display_until < as_of:
        return "display_ended"
    return ""


def grade_for(total: float, grades: list[dict]) -> str:
    for grade in grades:
        if total >= grade["min"]:
            return grade["grade"]
    return grades[-1]["grade"]


def score(*, tree: dict, records: list[RecordIn], as_of: dt.date) -> Scorecard:
    """The scorecard of one subject's records on ``as_of`` under ``tree``."""
    counted, excluded = [], {}
    for record in records:
        reason = _exclusion(record, as_of)
        if reason:
            excluded[record.id] = reason
        else:
            counted.append(record)
    # Oldest first, so that a capped rule counts the same records however the caller ordered them.
    counted.sort(key=lambda r: (r.decided_on, r.id))
    by_record: dict[int, list[tuple[str, str, int]]] = {}
    indicators = []
    weighted = 0.0
    weights = 0
    for indicator in tree["indicators"]:
        lines = []
        value = indicator["base"]
        for rule in indicator["rules"]:
            matched = []
            for record in counted:
                if rule["kind"] != ANY_KIND and record.kind != rule["kind"]:
                    continue
                if rule.get("within_days") and (as_of - record.decided_on).days > rule["within_days"]:
                    continue
                if all(_holds(record, condition) for condition in rule.get("when", [])):
                    matched.append(record.id)
            if rule.get("max_count"):
                # The most recent ones count: a cap keeps the newest evidence.
                matched = matched[-rule["max_count"]:]
            if not matched:
                continue
            points = rule["points"] * len(matched)
            value += points
            lines.append(RuleLine(code=rule["code"], label_zh=rule["label_zh"], label_en=rule["label_en"],
                                  points_each=rule["points"], record_ids=matched, points=points))
            for record_id in matched:
                by_record.setdefault(record_id, []).append((indicator["code"], rule["code"], rule["points"]))
        value = max(0, min(100, value))
        indicators.append(IndicatorScore(code=indicator["code"], name_zh=indicator["name_zh"],
                                         name_en=indicator["name_en"], weight=indicator["weight"],
                                         base=indicator["base"], score=value, lines=lines))
        weighted += indicator["weight"] * value
        weights += indicator["weight"]
    total = round(weighted / weights, 1) if weights else 0.0
    return Scorecard(as_of=as_of, total=total, grade=grade_for(total, tree["grades"]), indicators=indicators,
                     counted=[r.id for r in counted], excluded=excluded, by_record=by_record)
