"""The quarterly report's files: the identity form and the income form (国务院令第810号 第四条; form names from
国家税务总局公告2025年第15号) as CSV (UTF-8 with BOM, so that Excel reads the Chinese headings) and as one XLSX
workbook with a sheet per form, and the ``tax.quarterly_report`` payloads (in parts) with the identities sealed.

The column set is the decree's and the announcement's items; the official forms' exact column order could not be
verified from their text, so a column's heading names the item it holds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from sharecity.market.tax.selectors import ProviderIncome, QuarterData
from sharecity.web.exports import Sheet, xlsx_bytes

FORMS = ("identity", "income")
ROWS_PER_PART = 500  # well under the schema's 1,000 and the outbox's 900,000 bytes with sealed fields

IDENTITY_HEADERS = ("序号", "主体类型", "姓名或名称", "身份证件类型", "身份证件号码或统一社会信用代码",
                    "平台内账号标识", "经营地行政区划代码", "是否已实名核验", "收入信息是否免于报送", "免报依据")
INCOME_HEADERS = ("序号", "姓名或名称", "身份证件号码或统一社会信用代码", "所属期起", "所属期止", "订单数",
                  "收入总额", "退款金额", "收入净额", "平台收取佣金", "已扣缴个人所得税")
_INCOME_MONEY = frozenset({6, 7, 8, 9, 10})


def _kind(row: ProviderIncome) -> str:
    return "从业人员" if row.subject_kind == "person" else "经营者"


def _id_type(row: ProviderIncome) -> str:
    if not row.verified:
        return "未实名核验"
    return "居民身份证" if row.subject_kind == "person" else "统一社会信用代码"


def identity_rows(data: QuarterData) -> list[tuple]:
    return [(n, _kind(p), p.legal_name, _id_type(p), p.id_number, p.public_id, p.district,
             "是" if p.verified else "否", "是" if p.income_exempt else "否",
             data.exemption_source if p.income_exempt else "")
            for n, p in enumerate(data.providers, start=1)]


def income_rows(data: QuarterData) -> list[tuple]:
    first, last = data.quarter.first_day.isoformat(), data.quarter.last_day.isoformat()
    return [(n, p.legal_name, p.id_number, first, last, p.order_count, p.gross_fen, p.refunds_fen, p.net_fen,
             p.commission_fen, p.withheld_tax_fen)
            for n, p in enumerate(data.reported, start=1)]


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _safe(value: object) -> object:
    # A cell starting with = + - @ is a formula to a spreadsheet (CSV injection): quote it as text.
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def csv_bytes(data: QuarterData, *, form: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if form == "identity":
        writer.writerow(IDENTITY_HEADERS)
        writer.writerows([[_safe(v) for v in row] for row in identity_rows(data)])
    else:
        writer.writerow(INCOME_HEADERS)
        for row in income_rows(data):
            writer.writerow([_yuan(v) if i in _INCOME_MONEY else _safe(v) for i, v in enumerate(row)])
    return ("\ufeff" + buffer.getvalue()).encode()


def workbook_bytes(data: QuarterData) -> bytes:
    return xlsx_bytes(sheets=[
        Sheet(title="身份信息报送表", headers=IDENTITY_HEADERS, rows=identity_rows(data)),
        Sheet(title="收入信息报送表", headers=INCOME_HEADERS, rows=income_rows(data), money_columns=_INCOME_MONEY),
    ])


def file_name(data: QuarterData, *, form: str, ext: str) -> str:
    label = {"identity": "身份信息", "income": "收入信息", "all": "涉税信息", "dpi": "OECD-DPI"}[form]
    return f"{data.platform.slug}-{data.quarter.label}-{label}.{ext}"


def payload_parts(data: QuarterData, *, report_id: str, recipient_key_id: str,
                  seal: Callable[[str, str], dict]) -> list[dict]:
    """The ``tax.quarterly_report`` v1 payloads of the quarter, ``ROWS_PER_PART`` providers each, every part
    repeating the totals. Every provider is listed (its identity is always reported); an exempt worker's income
    (第四条第二款) is sent as zero and left out of the totals' sums of income. ``seal(value, field)`` seals one
    identity field to the tax department's key."""
    reported = {p.user_id for p in data.reported}
    rows = []
    for p in data.providers:
        shown = p.user_id in reported
        rows.append({
            "provider_key": p.provider_key, "subject_kind": p.subject_kind,
            "legal_name": seal(p.legal_name, "legal_name"), "id_number": seal(p.id_number, "id_number"),
            "district": p.district, "order_count": p.order_count if shown else 0,
            "gross_fen": p.gross_fen if shown else 0, "refunds_fen": p.refunds_fen if shown else 0,
            "commission_fen": p.commission_fen if shown else 0, "withheld_tax_fen": p.withheld_tax_fen if shown else 0,
        })
    totals = {"provider_count": len(rows), **{key: sum(r[key] for r in rows) for key in (
        "order_count", "gross_fen", "refunds_fen", "commission_fen", "withheld_tax_fen")}}
    chunks = [rows[i:i + ROWS_PER_PART] for i in range(0, len(rows), ROWS_PER_PART)] or [[]]
    return [{"report_id": report_id, "year": data.quarter.year, "quarter": data.quarter.quarter, "part": n,
             "parts": len(chunks), "recipient_key_id": recipient_key_id, "totals": totals, "providers": chunk}
            for n, chunk in enumerate(chunks, start=1)]


# --- the month's VAT returns filed on workers' behalf ------------------------------------------------------------

VAT_HEADERS = ("序号", "平台内账号标识", "姓名", "所属期", "版本", "笔数", "含税收入", "不含税销售额", "是否免征",
               "征收率", "应纳增值税额", "连续12个月累计收入", "是否引导登记为一般纳税人", "依据")
_VAT_MONEY = frozenset({6, 7, 10, 11})


def vat_rows(data) -> list[tuple]:
    return [(n, str(r.provider.public_id), data.names[r.provider_id], f"{r.month:%Y-%m}", r.version, r.payments,
             r.income_fen, r.sales_fen, "是" if r.exempt else "否", r.levy_rate_percent, r.vat_fen,
             r.twelve_months_fen, "是" if r.guide_to_register else "否", r.source)
            for n, r in enumerate(data.returns, start=1)]


def vat_csv_bytes(data) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(VAT_HEADERS)
    for row in vat_rows(data):
        writer.writerow([_yuan(v) if i in _VAT_MONEY else _safe(v) for i, v in enumerate(row)])
    return ("\ufeff" + buffer.getvalue()).encode()


def vat_workbook_bytes(data) -> bytes:
    return xlsx_bytes(sheets=[Sheet(title="增值税代办申报", headers=VAT_HEADERS, rows=vat_rows(data),
                                    money_columns=_VAT_MONEY)])
