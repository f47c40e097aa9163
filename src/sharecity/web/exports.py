"""Tables as Excel workbooks and pages as PDF documents, for any app that shows a table or a report.

Excel through openpyxl; PDF through WeasyPrint, which lays Chinese text out with the fonts
fontconfig finds (the deployment installs fonts-wqy-microhei; ``PDF_FONT_FAMILY`` names it first).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from django.http import HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_FONT_FAMILY = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'
# Excel refuses sheet titles longer than 31 characters or holding any of []:*?/\
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 cannot hold: openpyxl raises on them, so a hostile value could not be exported.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A cell starting with one of these is a formula to Excel and to LibreOffice (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    """One worksheet: a title, column headings and rows of plain values (str, int, float, date, None).
    ``money_columns`` are indexes of columns given in fen, written as yuan with two decimals."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    money_columns: frozenset[int] = field(default_factory=frozenset)


def _cell(value: object, *, money: bool) -> object:
    if value is None:
        return None
    if money and isinstance(value, int):
        return value / 100
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone().replace(tzinfo=None)
    if isinstance(value, (int, float, dt.date)):
        return value
    text = _XML_ILLEGAL.sub("", str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def xlsx_bytes(*, sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one worksheet per sheet, headings bold and frozen, money as 0.00."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for number, sheet in enumerate(sheets, start=1):
        title = _SHEET_TITLE_FORBIDDEN.sub(" ", sheet.title).strip()[:31] or f"Sheet{number}"
        if title in used:
            title = f"{title[:27]} ({number})"
        used.add(title)
        worksheet = workbook.create_sheet(title)
        worksheet.append([_cell(header, money=False) for header in sheet.headers])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
        for row in sheet.rows:
            worksheet.append([_cell(value, money=index in sheet.money_columns) for index, value in enumerate(row)])
        for index in sheet.money_columns:
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = "#,##0.00"
        for index, header in enumerate(sheet.headers, start=1):
            letter = worksheet.cell(row=1, column=index).column_letter
            worksheet.column_dimensions[letter].width = max(10, min(40, 2 * len(str(header)) + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _disposition(filename: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename) or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(*, filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets=sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _disposition(filename)
    return response


def pdf_from_html(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of an HTML document (A4 unless its CSS says otherwise); images and stylesheets are
    resolved against ``base_url``, so give one only for the app's own static files."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(*, filename: str, pdf: bytes, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = _disposition(filename)
    response["Content-Disposition"] = disposition.replace("attachment", "inline", 1) if inline else disposition
    return response
