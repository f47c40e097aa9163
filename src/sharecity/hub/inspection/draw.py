"""The draw of a random inspection plan, as a pure function of the seed and the frozen pools.

No ORM, no clock, no ``random``: ``draw(seed_hex, pools)`` gives the same tasks on every machine for
the same input, so anyone holding the revealed seed and the published pools can recompute it
(``sharecity inspection verify PLAN``). Every choice is an ordering by
``HMAC-SHA256(seed, label)``: before the seed is revealed nobody can predict it, after it everybody
can check it; the commitment ``sha256(seed)`` is published before the draw, so the seed cannot be
changed after seeing the pools.

Rules (sources beside each step):

- Subjects are drawn per credit risk class at the plan's ratio for that class (国市监信发〔2022〕6号
  《关于推进企业信用风险分类管理进一步提升监管效能的意见》 二(四): "对信用风险低的A类企业，合理降低抽查
  比例和频次，除投诉举报、大数据监测发现问题、转办交办案件线索及法律法规另有规定外，根据实际情况可不主动
  实施现场检查"; B 类 "按常规比例和频次"; C 类 "适当提高"; D 类 "大幅提高抽查比例和频次，必要时主动实施现场
  检查"). ``count = ceil(ratio × class size)``. Class A (``pointed_only``) is drawn only among subjects a
  complaint, a data signal or a referral points to, at most that count. In other classes a pointed subject
  comes first.
- Key items are checked on every drawn subject; a general item on at most ``ceil(cap × tasks)`` of them
  (chosen by HMAC order), and every visit checks at least one item (国市监信发〔2022〕6号 二(四); the
  随机抽查事项清单 distinguish 重点检查事项 and 一般检查事项).
- Each task gets at least ``inspectors_per_task`` (≥ 2) inspectors and, in a joint plan, one of each
  department drawn from that department's own pool (进一次门、查多项事: 国发〔2019〕5号 《关于在市场监管领域
  全面推行部门联合“双随机、一公开”监管的意见》). An inspector connected to the subject, or (when the plan
  says so) living in its district, is recused (《中华人民共和国行政处罚法》(2021 修订) 第四十三条: 执法人员与
  案件有直接利害关系或者有其他关系可能影响公正执法的，应当回避). Among the others the least loaded comes
  first, then HMAC order.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field

CLASSES = ("A", "B", "C", "D")
BASIS_POINTS = 10_000  # ratios are in hundredths of a percent


class DrawError(ValueError):
    """The pools cannot give a valid draw; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SubjectRow:
    subject_id: int
    risk_class: str
    district_code: str
    pointed: bool = False


@dataclass(frozen=True)
class InspectorRow:
    inspector_id: int
    department_kind: str
    residence_district_code: str
    connected_subject_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ItemRow:
    code: str
    department_kind: str
    kind: str  # "general" or "key"
    cap_bp: int | None = None


@dataclass(frozen=True)
class Pools:
    subjects: tuple[SubjectRow, ...]
    inspectors: tuple[InspectorRow, ...]
    items: tuple[ItemRow, ...]
    ratios_bp: dict[str, int]
    pointed_only: tuple[str, ...] = ("A",)
    on_site: tuple[str, ...] = ("D",)
    departments: tuple[str, ...] = ()
    inspectors_per_task: int = 2
    recuse_residence: bool = False

    def canonical(self) -> bytes:
        """The pools as canonical JSON (sorted rows and keys): what ``pools_hash`` covers."""
        data = {
            "subjects": sorted((asdict(s) for s in self.subjects), key=lambda s: s["subject_id"]),
            "inspectors": sorted(({**asdict(i), "connected_subject_ids": sorted(i.connected_subject_ids)}
                                  for i in self.inspectors), key=lambda i: i["inspector_id"]),
            "items": sorted((asdict(i) for i in self.items), key=lambda i: i["code"]),
            "ratios_bp": {k: int(v) for k, v in sorted(self.ratios_bp.items())},
            "pointed_only": sorted(self.pointed_only), "on_site": sorted(self.on_site),
            "departments": sorted(self.departments), "inspectors_per_task": self.inspectors_per_task,
            "recuse_residence": self.recuse_residence,
        }
        return canonical_json(data)

    def digest(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


@dataclass(frozen=True)
class DrawnTask:
    rank: int
    subject_id: int
    risk_class: str
    on_site: bool
    item_codes: tuple[str, ...]
    inspector_ids: tuple[int, ...]


@dataclass
class DrawResult:
    tasks: list[DrawnTask] = field(default_factory=list)

    def canonical(self) -> bytes:
        return canonical_json([{**asdict(t), "item_codes": list(t.item_codes), "inspector_ids": list(t.inspector_ids)}
                               for t in self.tasks])

    def digest(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


def canonical_json(data) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seed_commitment(seed_hex: str) -> str:
    """What the plan publishes before the draw: sha256 of the seed's bytes, hex."""
    return hashlib.sha256(_seed_bytes(seed_hex)).hexdigest()


def _seed_bytes(seed_hex: str) -> bytes:
    try:
        seed = bytes.fromhex(seed_hex)
    except ValueError:
        raise DrawError("seed", "the seed is not hexadecimal") from None
    if len(seed) < 16:
        raise DrawError("seed", "the seed must be at least 16 bytes")
    return seed


def _ceil_share(bp: int, count: int) -> int:
    return (bp * count + BASIS_POINTS - 1) // BASIS_POINTS


def draw(seed_hex: str, pools: Pools) -> DrawResult:
    """The plan's tasks: which subjects, in which order, with which items and inspectors."""
    seed = _seed_bytes(seed_hex)

    def key(label: str) -> bytes:
        return hmac.new(seed, label.encode(), hashlib.sha256).digest()

    if pools.inspectors_per_task < 2:
        raise DrawError("inspectors_per_task", "at least two inspectors per task")
    chosen: list[SubjectRow] = []
    for risk_class in CLASSES:
        members = [s for s in pools.subjects if s.risk_class == risk_class]
        if not members:
            continue
        ratio = int(pools.ratios_bp.get(risk_class, 0))
        if not 0 <= ratio <= BASIS_POINTS:
            raise DrawError(f"ratios_bp.{risk_class}", "a ratio is between 0 and 10000 (100%)")
        count = _ceil_share(ratio, len(members))
        if risk_class in pools.pointed_only:
            eligible = sorted((s for s in members if s.pointed), key=lambda s: key(f"subject|{s.subject_id}"))
        else:
            eligible = sorted(members, key=lambda s: (not s.pointed, key(f"subject|{s.subject_id}")))
            count = max(count, sum(1 for s in members if s.pointed))
        chosen.extend(eligible[:count])
    chosen.sort(key=lambda s: key(f"task|{s.subject_id}"))

    items = sorted(pools.items, key=lambda i: i.code)
    departments = sorted(set(pools.departments) or {i.department_kind for i in pools.inspectors})
    item_sets: dict[int, list[str]] = {s.subject_id: [i.code for i in items if i.kind == "key"] for s in chosen}
    general = [i for i in items if i.kind != "key"]
    for item in general:
        limit = len(chosen) if item.cap_bp is None else _ceil_share(int(item.cap_bp), len(chosen))
        for subject in sorted(chosen, key=lambda s: key(f"item|{item.code}|{s.subject_id}"))[:limit]:
            item_sets[subject.subject_id].append(item.code)
    for subject in chosen:
        if not item_sets[subject.subject_id]:
            if not general:
                raise DrawError("items", "the plan has no items to check")
            first = min(general, key=lambda i: key(f"item|{i.code}|{subject.subject_id}"))
            item_sets[subject.subject_id].append(first.code)

    need = max(pools.inspectors_per_task, len(departments))
    load: dict[int, int] = {i.inspector_id: 0 for i in pools.inspectors}
    tasks: list[DrawnTask] = []
    for rank, subject in enumerate(chosen, start=1):
        free = [i for i in pools.inspectors
                if subject.subject_id not in i.connected_subject_ids
                and not (pools.recuse_residence and i.residence_district_code
                         and i.residence_district_code == subject.district_code)]

        def order(i: InspectorRow, subject_id: int = subject.subject_id) -> tuple[int, bytes]:
            return load[i.inspector_id], key(f"inspector|{subject_id}|{i.inspector_id}")

        team: list[InspectorRow] = []
        for department in departments:
            candidates = sorted((i for i in free if i.department_kind == department), key=order)
            if not candidates:
                raise DrawError("inspectors", f"no inspector of {department} is free of recusal for subject "
                                              f"{subject.subject_id}")
            team.append(candidates[0])
        for inspector in sorted((i for i in free if i not in team), key=order):
            if len(team) >= need:
                break
            team.append(inspector)
        if len(team) < need:
            raise DrawError("inspectors", f"only {len(team)} inspectors are free of recusal for subject "
                                          f"{subject.subject_id}; {need} are needed")
        for inspector in team:
            load[inspector.inspector_id] += 1
        tasks.append(DrawnTask(rank=rank, subject_id=subject.subject_id, risk_class=subject.risk_class,
                               on_site=subject.risk_class in pools.on_site,
                               item_codes=tuple(sorted(item_sets[subject.subject_id])),
                               inspector_ids=tuple(sorted(i.inspector_id for i in team))))
    return DrawResult(tasks=tasks)
