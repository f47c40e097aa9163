"""The city's datasets, built from the hub's duties through their selectors only (this app writes none of
their tables). Each ``register`` call below is one dataset of the catalogue (``catalog``)."""

from __future__ import annotations

import datetime as dt
import statistics as stats
from collections import defaultdict

from sharecity.hub.opendata.catalog import BuildContext, Built, DatasetSpec, Field, register
from sharecity.kernel.districts import CITIES
from sharecity.kernel.timeutil import CITY_TZ

PLAN = "厦府办〔2019〕13号《厦门市促进共享经济健康发展实施方案》四(三)5 推动政务数据开放"


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(CITY_TZ).isoformat(timespec="seconds")
    return value.isoformat()


def _cities_of(codes) -> tuple[str, ...]:
    found = {code[:4] + "00" for code in codes if code}
    return tuple(sorted(code for code in found if code in CITIES))


# ---- the platform directory --------------------------------------------------------------------------------


def platform_directory(ctx: BuildContext) -> Built:
    from sharecity.hub.evaluation.selectors import designations, negative_enterprises, platforms_of_city
    from sharecity.hub.monitoring.rules import sector_label
    from sharecity.hub.quota.selectors import published_evaluations
    from sharecity.hub.registry.models import RegisteredPlatform
    from sharecity.hub.registry.selectors import credit_code_division, current_licences
    from sharecity.kernel.licences import KINDS_BY_CODE, required_kinds

    platform_ids = list(RegisteredPlatform.objects.values_list("platform_id", flat=True))
    # Each platform's declared licences (《中华人民共和国电子商务法》第十五条) and its latest published quarterly
    # evaluation per city (hub.quota), as the public directory shows them.
    licences = current_licences(platform_ids=platform_ids)
    evaluations = published_evaluations(platform_ids=platform_ids)
    rows = []
    for city_code in CITIES:
        negative = {row["platform_id"] for row in negative_enterprises(city_code=city_code, on=ctx.today)}
        recognised: dict[str, list[str]] = defaultdict(list)
        for d in designations(city_code=city_code).filter(recognised_on__lte=ctx.today):
            if d.withdrawn_on is None or d.withdrawn_on > ctx.today:
                recognised[d.platform_id].append(d.kind)
        for platform in platforms_of_city(city_code=city_code):
            sectors = list(platform.sectors or [])
            held = licences.get(platform.platform_id)
            expired = [row for row in held or [] if row.valid_until is not None and row.valid_until < ctx.today]
            valid_kinds = {row.kind for row in held or [] if row not in expired and row.valid_from <= ctx.today}
            evaluation = next((e for e in evaluations.get(platform.platform_id, []) if e["city_code"] == city_code),
                              None)
            rows.append(
                {
                    "city_code": city_code,
                    "platform_id": platform.platform_id,
                    "name": platform.name,
                    "credit_code": platform.credit_code,
                    "registration_division": credit_code_division(platform.credit_code),
                    "sectors": ";".join(sectors),
                    "sectors_zh": ";".join(sector_label(s) for s in sectors),
                    "designations": ";".join(sorted(recognised.get(platform.platform_id, []))),
                    "negative_list": platform.platform_id in negative,
                    "registered_on": _iso(platform.registered_at.astimezone(CITY_TZ).date()),
                    "licences_declared": held is not None,
                    "licences": ";".join(
                        f"{KINDS_BY_CODE[row.kind].name_zh if row.kind in KINDS_BY_CODE else row.name} {row.number}"
                        f" ({row.issued_by}, {_iso(row.valid_from)}–{_iso(row.valid_until) or ''})"
                        for row in held or []),
                    "licences_expired": ";".join(row.number for row in expired),
                    "licences_missing": ";".join(kind.code for kind in required_kinds(sectors, on=ctx.today)
                                                 if kind.code not in valid_kinds),
                    "evaluation_quarter": f"{evaluation['year']}Q{evaluation['quarter']}" if evaluation else None,
                    "evaluation_score": f"{evaluation['score']:.2f}" if evaluation else None,
                    "evaluation_rank": evaluation["rank"] if evaluation else None,
                }
            )
    return Built(rows=rows, spatial=_cities_of(r["city_code"] for r in rows) or tuple(CITIES), temporal_end=ctx.today)


register(
    DatasetSpec(
        name="platform-directory",
        title_zh="共享经济平台企业名录",
        title_en="Directory of sharing-economy platforms",
        publisher="market-supervision",
        groups=("directory",),
        tags=("平台", "platforms", "名录"),
        frequency="daily",
        notes_zh="在本市登记(统一社会信用代码第3-8位为本市登记机关,GB 32100-2015 4.3)的平台企业:名称、代码、行业、"
        "认定(总部、龙头)及是否列入不予支持的负面清单(天津实施意见 六(二)),平台申报的行政许可(电子商务法第十五条)"
        "及最近公布的季度服务质量评价。",
        notes_en="Platform enterprises registered in the city (the registration authority in characters 3-8 of the "
        "credit "
        "code, GB 32100-2015 4.3): name, code, sectors, recognitions, whether on the negative list, the "
        "administrative licences the platform declared (E-Commerce Law Art. 15) and its latest published quarterly "
        "evaluation.",
        source=PLAN,
        primary_key=("city_code", "platform_id"),
        fields=(
            Field("city_code", "string", "城市代码(GB/T 2260)", "City (GB/T 2260)"),
            Field("platform_id", "string", "平台标识", "Platform id"),
            Field("name", "string", "名称", "Name"),
            Field("credit_code", "string", "统一社会信用代码", "Unified social credit code"),
            Field("registration_division", "string", "登记机关区划", "Registration authority's division"),
            Field("sectors", "string", "行业代码", "Sector codes"),
            Field("sectors_zh", "string", "行业", "Sectors"),
            Field("designations", "string", "认定", "Recognitions"),
            Field("negative_list", "boolean", "负面清单", "On the negative list"),
            Field("registered_on", "date", "登记日期", "Registered on"),
            Field("licences_declared", "boolean", "是否申报行政许可", "Administrative licences declared"),
            Field("licences", "string", "行政许可(名称 编号(发证机关,有效期))", "Administrative licences (title "
                  "number (issued by, valid from–until))"),
            Field("licences_expired", "string", "已过期许可证编号", "Numbers of expired licences"),
            Field("licences_missing", "string", "行业所需但未申报有效的许可", "Licences the sectors require, not "
                  "declared valid", "sharecity.kernel.licences kind codes"),
            Field("evaluation_quarter", "string", "最近公布的季度评价", "Latest published quarterly evaluation"),
            Field("evaluation_score", "string", "评价得分", "Evaluation score (out of 100)"),
            Field("evaluation_rank", "integer", "评价排名", "Rank in the city that quarter (1 the best)"),
        ),
        build=platform_directory,
    )
)


# ---- inspections (双随机、一公开) ----------------------------------------------------------------------------


def inspection_plans(ctx: BuildContext) -> Built:
    from sharecity.hub.inspection.selectors import plans_for
    from sharecity.hub.registry.jurisdiction import Jurisdiction

    rows = []
    for plan in plans_for(jurisdiction=Jurisdiction(city_code=None)):
        if plan.state == "draft":  # a draft is not public (inspection.selectors.public_plan_get)
            continue
        rows.append(
            {
                "plan_id": plan.pk,
                "city_code": plan.city_code,
                "district_code": plan.district_code,
                "title": plan.title,
                "departments": ";".join(plan.departments or []),
                "sector": plan.sector,
                "period_start": _iso(plan.period_start),
                "period_end": _iso(plan.period_end),
                "state": plan.state,
                "seed_commitment": plan.seed_commitment,
                "pools_hash": plan.pools_hash,
                "draw_digest": plan.draw_digest,
                "seed": plan.seed if plan.state == "revealed" else "",
                "committed_at": _iso(plan.committed_at),
                "drawn_at": _iso(plan.drawn_at),
                "revealed_at": _iso(plan.revealed_at),
            }
        )
    rows.sort(key=lambda r: r["plan_id"])
    starts = [r["period_start"] for r in rows]
    ends = [r["period_end"] for r in rows]
    return Built(
        rows=rows,
        spatial=_cities_of(r["city_code"] for r in rows),
        temporal_start=dt.date.fromisoformat(min(starts)) if starts else None,
        temporal_end=dt.date.fromisoformat(max(ends)) if ends else None,
    )


register(
    DatasetSpec(
        name="inspection-plans",
        title_zh="双随机抽查计划",
        title_en="Random inspection plans",
        publisher="market-supervision",
        groups=("supervision",),
        tags=("双随机一公开", "inspection"),
        frequency="daily",
        notes_zh="已承诺的抽查计划,含种子承诺、名录哈希与抽取摘要,揭示种子后任何人可复算抽取。",
        notes_en="Committed inspection plans with the seed commitment, pool hash and draw digest; once the seed is "
        "revealed anyone can recompute the draw.",
        source=PLAN + ";国市监信发〔2022〕6号(双随机、一公开)",
        primary_key=("plan_id",),
        fields=(
            Field("plan_id", "integer", "计划编号", "Plan id"),
            Field("city_code", "string", "城市", "City"),
            Field("district_code", "string", "区", "District"),
            Field("title", "string", "名称", "Title"),
            Field("departments", "string", "部门", "Departments"),
            Field("sector", "string", "行业", "Sector"),
            Field("period_start", "date", "开始", "Period start"),
            Field("period_end", "date", "结束", "Period end"),
            Field("state", "string", "状态", "State"),
            Field("seed_commitment", "string", "种子承诺", "Seed commitment"),
            Field("pools_hash", "string", "名录哈希", "Pools hash"),
            Field("draw_digest", "string", "抽取摘要", "Draw digest"),
            Field("seed", "string", "种子", "Seed"),
            Field("committed_at", "datetime", "承诺时间", "Committed"),
            Field("drawn_at", "datetime", "抽取时间", "Drawn"),
            Field("revealed_at", "datetime", "揭示时间", "Revealed"),
        ),
        build=inspection_plans,
    )
)


def inspection_results(ctx: BuildContext) -> Built:
    from sharecity.hub.inspection.selectors import published_results, task_late

    rows = []
    for task in published_results(limit=100_000):
        subject = task.pool_subject
        enterprise = subject.kind == "enterprise"
        rows.append(
            {
                "result_id": task.pk,
                "plan_id": task.plan_id,
                "plan_title": task.plan.title,
                "city_code": task.plan.city_code,
                "district_code": subject.district_code,
                "subject_kind": subject.kind,
                # A person or business on a platform is not named (the hub knows only a pseudonymous key).
                "subject": subject.label if enterprise else "",
                "risk_class": subject.risk_class,
                "items_checked": ";".join(task.items_checked or []),
                "inspected_on": _iso(task.inspected_on),
                "violation_found": task.violation_found,
                "findings": task.findings if enterprise else "",
                "publish_due": _iso(task.publish_due),
                "published_on": _iso(task.published_at.astimezone(CITY_TZ).date()),
                "late": task_late(task, on=ctx.today),
            }
        )
    rows.sort(key=lambda r: r["result_id"])
    days = [r["inspected_on"] for r in rows if r["inspected_on"]]
    return Built(
        rows=rows,
        spatial=_cities_of(r["city_code"] for r in rows),
        temporal_start=dt.date.fromisoformat(min(days)) if days else None,
        temporal_end=dt.date.fromisoformat(max(days)) if days else None,
    )


register(
    DatasetSpec(
        name="inspection-results",
        title_zh="双随机抽查结果",
        title_en="Random inspection results",
        publisher="market-supervision",
        groups=("supervision",),
        tags=("双随机一公开", "inspection"),
        frequency="daily",
        notes_zh="已公示的抽查结果(检查后20个工作日内公示,逾期标注)。个人和个体经营者不具名。",
        notes_en="Published results (within 20 working days of the inspection; late ones flagged). Persons and "
        "businesses on platforms are not named.",
        source=PLAN + ";国市监信发〔2022〕6号(双随机、一公开)",
        primary_key=("result_id",),
        fields=(
            Field("result_id", "integer", "结果编号", "Result id"),
            Field("plan_id", "integer", "计划编号", "Plan id"),
            Field("plan_title", "string", "计划", "Plan"),
            Field("city_code", "string", "城市", "City"),
            Field("district_code", "string", "区", "District"),
            Field("subject_kind", "string", "对象类型", "Subject kind"),
            Field("subject", "string", "检查对象", "Subject"),
            Field("risk_class", "string", "风险分类", "Risk class"),
            Field("items_checked", "string", "检查事项", "Items checked"),
            Field("inspected_on", "date", "检查日期", "Inspected on"),
            Field("violation_found", "boolean", "发现违法", "Violation found"),
            Field("findings", "string", "结果", "Findings"),
            Field("publish_due", "date", "应公示日期", "Publish by"),
            Field("published_on", "date", "公示日期", "Published on"),
            Field("late", "boolean", "逾期公示", "Published late"),
        ),
        build=inspection_results,
    )
)


# ---- public credit -----------------------------------------------------------------------------------------


def credit_penalties(ctx: BuildContext) -> Built:
    from sharecity.hub.publicity.selectors import penalties_shown_publicly

    rows = []
    # Only what the public may see (public, not repaired, within the display period), of enterprises.
    for p in penalties_shown_publicly(on=ctx.today).filter(subject_kind="enterprise").order_by("decided_on", "id"):
        rows.append(
            {
                "decision_number": p.decision_number,
                "subject": p.subject_name,
                "credit_code": p.subject_identifier,
                "law": p.law,
                "article": p.article,
                "severity": p.severity,
                "decided_on": _iso(p.decided_on),
                "department": p.department,
                "city_code": p.city_code,
                "district_code": p.district_code,
                "display_until": _iso(p.display_until),
            }
        )
    days = [r["decided_on"] for r in rows]
    return Built(
        rows=rows,
        spatial=_cities_of(r["city_code"] for r in rows),
        temporal_start=dt.date.fromisoformat(min(days)) if days else None,
        temporal_end=dt.date.fromisoformat(max(days)) if days else None,
    )


register(
    DatasetSpec(
        name="credit-penalties",
        title_zh="行政处罚信息公示",
        title_en="Administrative penalties shown publicly",
        publisher="development-reform",
        groups=("credit",),
        tags=("信用", "credit", "行政处罚"),
        frequency="daily",
        notes_zh="对平台企业的行政处罚决定,在公示期内且未修复的;期满或修复后自动停止公示。",
        notes_en="Penalty decisions against platform enterprises within their display period and not repaired; they "
        "leave the dataset when the period ends or the record is repaired.",
        source=PLAN.replace("5 推动政务数据开放", "6 完善信用体系建设"),
        primary_key=("decision_number",),
        fields=(
            Field("decision_number", "string", "决定书文号", "Decision number"),
            Field("subject", "string", "当事人", "Subject"),
            Field("credit_code", "string", "统一社会信用代码", "Credit code"),
            Field("law", "string", "法律依据", "Law"),
            Field("article", "string", "条款", "Article"),
            Field("severity", "string", "严重程度", "Severity"),
            Field("decided_on", "date", "决定日期", "Decided on"),
            Field("department", "string", "处罚机关", "Department"),
            Field("city_code", "string", "城市", "City"),
            Field("district_code", "string", "区", "District"),
            Field("display_until", "date", "公示截止", "Shown until"),
        ),
        build=credit_penalties,
    )
)


def credit_lists(ctx: BuildContext) -> Built:
    from sharecity.hub.publicity.selectors import list_entries
    from sharecity.hub.registry.jurisdiction import Jurisdiction
    from sharecity.hub.registry.selectors import registered_platform_names

    names = registered_platform_names()
    from sharecity.hub.evaluation.selectors import platforms_of_city

    by_code = {p.credit_code: p.platform_id for c in CITIES for p in platforms_of_city(city_code=c)}
    rows = []
    entries = (
        list_entries(jurisdiction=Jurisdiction(city_code=None), status="active")
        .filter(subject_kind="enterprise", effective_on__lte=ctx.today)
        .exclude(expires_on__lt=ctx.today)
    )
    for e in entries.order_by("effective_on", "id"):
        rows.append(
            {
                "list": e.credit_list,
                "subject": names.get(by_code.get(e.subject_identifier, ""), ""),
                "credit_code": e.subject_identifier,
                "legal_basis": e.legal_basis,
                "department": e.department,
                "decided_on": _iso(e.decided_on),
                "effective_on": _iso(e.effective_on),
                "expires_on": _iso(e.expires_on),
                "city_code": e.city_code,
            }
        )
    return Built(rows=rows, spatial=_cities_of(r["city_code"] for r in rows), temporal_end=ctx.today)


register(
    DatasetSpec(
        name="credit-lists",
        title_zh="守信红名单与严重失信主体名单",
        title_en="Red list and serious-dishonesty list",
        publisher="development-reform",
        groups=("credit",),
        tags=("信用", "credit", "红黑名单"),
        frequency="daily",
        notes_zh="今日有效的企业名单条目(已生效、未到期、未移出)。",
        notes_en="Enterprise list entries in effect today.",
        source=PLAN.replace("5 推动政务数据开放", "6 完善信用体系建设"),
        fields=(
            Field("list", "string", "名单", "List"),
            Field("subject", "string", "企业", "Enterprise"),
            Field("credit_code", "string", "统一社会信用代码", "Credit code"),
            Field("legal_basis", "string", "依据", "Legal basis"),
            Field("department", "string", "认定部门", "Department"),
            Field("decided_on", "date", "认定日期", "Decided on"),
            Field("effective_on", "date", "生效日期", "Effective"),
            Field("expires_on", "date", "到期日期", "Expires"),
            Field("city_code", "string", "城市", "City"),
        ),
        build=credit_lists,
    )
)


# ---- monthly statistics by district and sector (protected) ----------------------------------------------------

MONTHS_BACK = 24
STAT_NOISED = ("orders", "completed", "active_providers", "active_customers")
STAT_ROUNDED = {"turnover_yuan": 1000}


def _month_add(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def monthly_statistics(ctx: BuildContext) -> Built:
    from sharecity.hub.monitoring.selectors import statistics
    from sharecity.hub.opendata.privacy import method, release_cells, rule_in_force
    from sharecity.hub.registry.jurisdiction import Jurisdiction
    from sharecity.kernel.districts import DISTRICTS

    # Only closed months: a month is released once, after its last day (privacy.release_cells).
    end = ctx.today.replace(day=1) - dt.timedelta(days=1)
    start = _month_add(end.replace(day=1), -(MONTHS_BACK - 1))
    rule = rule_in_force(ctx.today)
    cells = []
    for code, district in DISTRICTS.items():
        for row in statistics(
            jurisdiction=Jurisdiction(city_code=district.city_code),
            start=start,
            end=end,
            period="month",
            group_by="sector",
            district_code=code,
        ):
            f = row.figures
            cells.append(
                (
                    row.period_start,
                    f"{code}|{row.key}",
                    {
                        "orders": f["orders"],
                        "completed": f["completed"],
                        "turnover_yuan": round((f["turnover_fen"] or 0) / 100),
                        "active_providers": f["active_providers"],
                        "active_customers": f["active_customers"],
                    },
                    {"providers": f["active_providers"], "customers": f["active_customers"]},
                )
            )
    released = release_cells(
        dataset="monthly-statistics", cells=cells, noised=STAT_NOISED, rule=rule, rounded=STAT_ROUNDED
    )
    from sharecity.hub.monitoring.rules import sector_label

    rows = []
    for (period, key), cell in sorted(released.items(), key=lambda item: (item[0][0], item[0][1])):
        if not start <= period <= end:
            continue
        district_code, sector = key.split("|", 1)
        rows.append(
            {
                "month": period.strftime("%Y-%m"),
                "city_code": DISTRICTS[district_code].city_code if district_code in DISTRICTS else "",
                "district_code": district_code,
                "sector": sector,
                "sector_zh": sector_label(sector),
                **cell.values,
                "suppressed": cell.suppressed,
            }
        )
    months = [r["month"] for r in rows]
    return Built(
        rows=rows,
        spatial=tuple(sorted({r["district_code"] for r in rows})),
        temporal_start=dt.date.fromisoformat(min(months) + "-01") if months else None,
        temporal_end=(_month_add(dt.date.fromisoformat(max(months) + "-01"), 1) - dt.timedelta(days=1))
        if months
        else None,
        privacy=method(rule, noised=STAT_NOISED, rounded=STAT_ROUNDED),
    )


register(
    DatasetSpec(
        name="monthly-statistics",
        title_zh="共享经济分区分行业月度统计",
        title_en="Monthly statistics by district and sector",
        publisher="statistics",
        groups=("economy",),
        tags=("统计", "statistics", "区", "行业"),
        frequency="monthly",
        notes_zh="每个区、行业、月份的订单数、完成数、交易额(千元取整)、活跃服务提供者与消费者人数。小单元整格隐藏,"
        "计数加差分隐私噪声,月份结束后发布一次。",
        notes_en="Orders, completed orders, turnover (to the nearest 1,000 yuan), active providers and customers per "
        "district, sector and month. Small cells are suppressed, counts carry differential-privacy noise, and a "
        "month is released once after it closes.",
        source=PLAN,
        primary_key=("month", "district_code", "sector"),
        fields=(
            Field("month", "string", "月份", "Month"),
            Field("city_code", "string", "城市", "City"),
            Field("district_code", "string", "区(GB/T 2260)", "District (GB/T 2260)"),
            Field("sector", "string", "行业代码", "Sector"),
            Field("sector_zh", "string", "行业", "Sector name"),
            Field("orders", "integer", "订单数", "Orders"),
            Field("completed", "integer", "完成数", "Completed"),
            Field("turnover_yuan", "integer", "交易额(元)", "Turnover (yuan)"),
            Field("active_providers", "integer", "活跃服务提供者", "Active providers"),
            Field("active_customers", "integer", "活跃消费者", "Active customers"),
            Field("suppressed", "boolean", "已隐藏", "Suppressed"),
        ),
        build=monthly_statistics,
    )
)


# ---- complaints by platform with response time ------------------------------------------------------------


def complaint_statistics(ctx: BuildContext) -> Built:
    from sharecity.hub.facts.selectors import answer_hours, complaints_list
    from sharecity.hub.registry.jurisdiction import Jurisdiction
    from sharecity.hub.registry.selectors import registered_platform_names

    names = registered_platform_names()
    limit = answer_hours() * 3600
    groups: dict[tuple[str, str, str], dict] = {}
    rows_in = (
        complaints_list(jurisdiction=Jurisdiction(city_code=None))
        .filter(filed_at__isnull=False)
        .values_list("platform_id", "city_code", "filed_at", "answered_at", "response_seconds", "resolved_at")
    )
    for platform_id, city_code, filed_at, answered_at, seconds, resolved_at in rows_in.iterator():
        month = filed_at.astimezone(CITY_TZ).strftime("%Y-%m")
        g = groups.setdefault(
            (month, city_code, platform_id), {"filed": 0, "answered": 0, "in_time": 0, "resolved": 0, "times": []}
        )
        g["filed"] += 1
        if answered_at is not None:
            g["answered"] += 1
            if seconds is None:
                seconds = max(0, int((answered_at - filed_at).total_seconds()))
            g["times"].append(seconds)
            g["in_time"] += seconds <= limit
        g["resolved"] += resolved_at is not None
    rows = []
    for (month, city_code, platform_id), g in sorted(groups.items()):
        times = g["times"]
        rows.append(
            {
                "month": month,
                "city_code": city_code,
                "platform_id": platform_id,
                "platform": names.get(platform_id, platform_id),
                "filed": g["filed"],
                "answered": g["answered"],
                "answered_share": round(g["answered"] / g["filed"], 4),
                "answered_within_limit": g["in_time"],
                "limit_hours": answer_hours(),
                "median_response_hours": round(stats.median(times) / 3600, 2) if times else None,
                "mean_response_hours": round(sum(times) / len(times) / 3600, 2) if times else None,
                "resolved": g["resolved"],
            }
        )
    months = [r["month"] for r in rows]
    return Built(
        rows=rows,
        spatial=_cities_of(r["city_code"] for r in rows),
        temporal_start=dt.date.fromisoformat(min(months) + "-01") if months else None,
        temporal_end=ctx.today if months else None,
    )


register(
    DatasetSpec(
        name="complaint-statistics",
        title_zh="平台投诉处理与响应时间统计",
        title_en="Complaints by platform and response time",
        publisher="market-supervision",
        groups=("consumers",),
        tags=("投诉", "complaints", "响应时间"),
        frequency="daily",
        notes_zh="按平台和月份(投诉提交月份)统计投诉受理、答复、答复率与答复时长;不含投诉人信息。",
        notes_en="Complaints filed, answered, answer rate and response time per platform and month filed; nothing "
        "about "
        "complainants.",
        source=PLAN + ";四(一)3 完善社会监督",
        primary_key=("month", "city_code", "platform_id"),
        fields=(
            Field("month", "string", "月份", "Month"),
            Field("city_code", "string", "城市", "City"),
            Field("platform_id", "string", "平台标识", "Platform id"),
            Field("platform", "string", "平台", "Platform"),
            Field("filed", "integer", "投诉数", "Filed"),
            Field("answered", "integer", "已答复", "Answered"),
            Field("answered_share", "number", "答复率", "Answer rate"),
            Field("answered_within_limit", "integer", "时限内答复", "Answered within the limit"),
            Field("limit_hours", "integer", "答复时限(小时)", "Limit (hours)"),
            Field("median_response_hours", "number", "答复时长中位数(小时)", "Median response (hours)"),
            Field("mean_response_hours", "number", "平均答复时长(小时)", "Mean response (hours)"),
            Field("resolved", "integer", "已办结", "Resolved"),
        ),
        build=complaint_statistics,
    )
)


# --- public-space quotas (hub.quota) ------------------------------------------------------------------------


def quota_allocations(ctx: BuildContext) -> Built:
    from sharecity.hub.quota.selectors import published_allocations_rows

    rows = published_allocations_rows()
    days = [dt.date.fromisoformat(r["effective_from"]) for r in rows]
    return Built(rows=rows, spatial=_cities_of(r["city_code"] for r in rows),
                 temporal_start=min(days) if days else None, temporal_end=ctx.today if days else None)


register(
    DatasetSpec(
        name="quota-allocations",
        title_zh="互联网租赁自行车投放配额",
        title_en="Shared-bike fleet quotas",
        publisher="transport",
        groups=("public-space",),
        tags=("配额", "quota", "共享单车"),
        frequency="quarterly",
        notes_zh="每次公布的配额分配：各运营企业按区域的车辆配额，以及所用的分配规则；不含个人信息。",
        notes_en="Every published allocation: each operator's vehicles by zone, with the rule used; no personal data.",
        source=PLAN + ";四(四)3 合理利用公共资源(评价结果与企业投放规模挂钩)",
        primary_key=("allocation_id", "platform_id", "zone"),
        fields=(
            Field("allocation_id", "string", "分配编号", "Allocation"),
            Field("city_code", "string", "城市代码", "City code"),
            Field("city", "string", "城市", "City"),
            Field("year", "integer", "年度", "Year"),
            Field("quarter", "integer", "季度", "Quarter"),
            Field("effective_from", "date", "生效日期", "In force from"),
            Field("method", "string", "分配规则", "Method"),
            Field("platform_id", "string", "平台标识", "Platform id"),
            Field("platform", "string", "平台", "Platform"),
            Field("zone", "string", "区域代码", "Zone code"),
            Field("zone_name_zh", "string", "区域", "Zone (Chinese)"),
            Field("zone_name_en", "string", "区域(英文)", "Zone"),
            Field("vehicles", "integer", "车辆配额", "Vehicles"),
            Field("published_at", "datetime", "公布时间", "Published"),
        ),
        build=quota_allocations,
    )
)


# --- the third-party complaint platform (hub.complaints) ------------------------------------------------------


def complaint_platform_responses(ctx: BuildContext) -> Built:
    from sharecity.hub.complaints.selectors import platform_response_rows

    rows = [{**row, "median_workdays": float(row["median_workdays"]) if row["median_workdays"] is not None
             else None} for row in platform_response_rows()]
    return Built(rows=rows, spatial=_cities_of(r["city_code"] for r in rows),
                 temporal_start=None, temporal_end=ctx.today if rows else None)


register(
    DatasetSpec(
        name="complaint-platform-responses",
        title_zh="第三方投诉平台：各平台响应率与响应时长",
        title_en="Third-party complaints: each platform's response rate and time",
        publisher="industry-association",
        groups=("consumers",),
        tags=("投诉", "complaints", "响应率"),
        frequency="daily",
        notes_zh="第三方投诉平台受理的投诉中，各平台作出响应的比例和所用工作日（官方节假日日历）；不含投诉人信息。",
        notes_en="Of the complaints the third-party platform accepted, the share each platform responded to and "
        "the working days it took (official holiday calendar); nothing about complainants.",
        source=PLAN + ";四(一)3 完善社会监督（第三方投诉平台）",
        primary_key=("platform_id", "city_code"),
        fields=(
            Field("platform_id", "string", "平台标识", "Platform id"),
            Field("platform_name", "string", "平台", "Platform"),
            Field("city_code", "string", "城市", "City"),
            Field("complaints", "integer", "受理投诉数", "Complaints accepted"),
            Field("responded", "integer", "已响应", "Responded"),
            Field("response_rate", "number", "响应率", "Response rate"),
            Field("median_workdays", "number", "响应工作日中位数", "Median working days"),
            Field("mean_workdays", "number", "平均响应工作日", "Mean working days"),
        ),
        build=complaint_platform_responses,
    )
)
