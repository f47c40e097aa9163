"""The quarter's report as an OECD DPI XML message (Model Rules for Reporting by Platform Operators; EU DAC7),
for a platform that also reports abroad. Built with lxml; ``schemas/oecd-dpi/`` holds the schema it validates
against (``SOURCE.md`` says where it comes from).

Mapping (our decision, beside the schema's definitions):
- each provider with income reported in the quarter (the same rows as the income form) is a ReportableSeller:
  a person as IndividualSeller (TIN = resident ID number issued by CN, BirthDate from the ID number's digits 7-14,
  GB 11643; name split as family name = first character, the rest as first name, which misreads compound
  surnames), a business as EntitySeller (TIN = unified social credit code);
- rentals of immovable property (sectors homestay, parking, long_term_rental) go in ImmovableProperty, one
  PropertyListing per district, with PropertyType DPI909 (parking space) for parking and DPI910 (other, named in
  OtherPropertyType) otherwise; every other sector is PersonalServices;
- amounts in CNY yuan (whole yuan, rounded half up, as the schema's MonAmnt is an integer); the quarter's figures go
  in the matching ConsQn/NumbQn/FeesQn/TaxQn, the other quarters 0. Consideration is the net income (收入净额),
  Fees the platform's commission, Taxes the income tax withheld.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from lxml import etree

from sharecity.market.tax.selectors import ProviderIncome, QuarterData

NS = "urn:oecd:ties:dpi:v1"
STF = "urn:oecd:ties:dpistf:v1"
SCHEMA = Path(__file__).parent / "schemas" / "oecd-dpi" / "DPIXML_v1.0.xsd"
PROPERTY_SECTORS = {"homestay": "DPI910", "long_term_rental": "DPI910", "parking": "DPI909"}
PROPERTY_NAMES = {"homestay": "民宿 homestay", "long_term_rental": "长租住房 long-term rental"}
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _e(parent, tag: str, text: object = None, ns: str = NS, **attrs) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _ILLEGAL.sub("", str(text))[:200] or "-"
    return element


def _yuan(fen: int) -> int:
    return int((Decimal(fen) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _quarterly(parent, tag: str, prefix: str, value: int, quarter: int, *, money: bool) -> None:
    group = _e(parent, tag)
    for n in range(1, 5):
        amount = value if n == quarter else 0
        if money:
            _e(group, f"{prefix}Q{n}", amount, currCode="CNY")
        else:
            _e(group, f"{prefix}Q{n}", amount)


def _figures(parent, *, net_fen: int, orders: int, commission_fen: int, tax_fen: int, quarter: int) -> None:
    _quarterly(parent, "Consideration", "Cons", _yuan(net_fen), quarter, money=True)
    _quarterly(parent, "NumberOfActivities", "Numb", orders, quarter, money=False)
    _quarterly(parent, "Fees", "Fees", _yuan(commission_fen), quarter, money=True)
    _quarterly(parent, "Taxes", "Tax", _yuan(tax_fen), quarter, money=True)


def _address(parent, text: str) -> None:
    address = _e(parent, "Address", legalAddressType="OECD301")
    _e(address, "CountryCode", "CN")
    _e(address, "AddressFree", text)


def _birth_date(id_number: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(id_number[6:14], "%Y%m%d").date() if len(id_number) == 18 else None
    except ValueError:
        return None


def _tin(parent, number: str) -> None:
    if number:
        _e(parent, "TIN", number, issuedBy="CN")
    else:
        _e(parent, "TIN", "NOTIN", unknown="true")


def _seller(body, row: ProviderIncome, *, data: QuarterData, doc_prefix: str) -> None:
    seller = _e(body, "ReportableSeller")
    identity = _e(seller, "Identity")
    place = f"中国 行政区划 {row.district}"
    if row.subject_kind == "person":
        standard = _e(_e(identity, "IndividualSeller"), "Standard")
        party = _e(standard, "IndSellerID")
        _e(party, "ResCountryCode", "CN")
        _tin(party, row.id_number)
        name = _e(party, "Name", nameType="OECD202")
        legal = row.legal_name.strip() or "-"
        _e(name, "FirstName", legal[1:] or "NFN")
        _e(name, "LastName", legal[:1])
        _address(party, place)
        born = _birth_date(row.id_number)
        info = _e(party, "BirthInfo")
        _e(info, "BirthDate", (born or dt.date(1900, 1, 1)).isoformat())
    else:
        standard = _e(_e(identity, "EntitySeller"), "Standard")
        party = _e(standard, "EntSellerID")
        _e(party, "ResCountryCode", "CN")
        _tin(party, row.id_number)
        _e(party, "Name", row.legal_name or "-")
        _address(party, place)
    activities = _e(seller, "RelevantActivities")
    q = data.quarter.quarter
    property_sectors = sorted(s for s in row.sectors if s in PROPERTY_SECTORS)
    if property_sectors:
        immovable = _e(activities, "ImmovableProperty")
        sector = property_sectors[0]
        listing = _e(immovable, "PropertyListing")
        _address(listing, place)
        _figures(listing, net_fen=row.net_fen, orders=row.order_count, commission_fen=row.commission_fen,
                 tax_fen=row.withheld_tax_fen, quarter=q)
        _e(listing, "PropertyType", PROPERTY_SECTORS[sector])
        if PROPERTY_SECTORS[sector] == "DPI910":
            _e(listing, "OtherPropertyType", PROPERTY_NAMES[sector])
    else:
        services = _e(activities, "PersonalServices")
        _figures(services, net_fen=row.net_fen, orders=row.order_count, commission_fen=row.commission_fen,
                 tax_fen=row.withheld_tax_fen, quarter=q)
    _doc_spec(seller, f"{doc_prefix}-{row.public_id}")


def _doc_spec(parent, ref: str) -> None:
    spec = _e(parent, "DocSpec")
    _e(spec, "DocTypeIndic", "OECD1", ns=STF)
    _e(spec, "DocRefId", ref, ns=STF)


def dpi_xml(data: QuarterData, *, message_ref: str, now: dt.datetime) -> bytes:
    """The DPI message (new data, DPI401) of one platform and quarter; ReportingPeriod is the quarter's last day."""
    root = etree.Element(f"{{{NS}}}DPI_OECD", nsmap={"dpi": NS, "stf": STF}, version="1.0")
    spec = _e(root, "MessageSpec")
    _e(spec, "TransmittingCountry", "CN")
    _e(spec, "ReceivingCountry", "CN")
    _e(spec, "MessageType", "DPI")
    _e(spec, "MessageRefId", message_ref)
    _e(spec, "MessageTypeIndic", "DPI401")
    _e(spec, "ReportingPeriod", data.quarter.last_day.isoformat())
    _e(spec, "Timestamp", now.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z")
    body = _e(root, "DPIBody")
    operator = _e(body, "PlatformOperator")
    _e(operator, "ResCountryCode", "CN")
    _e(operator, "TIN", data.platform.credit_code, issuedBy="CN")
    _e(operator, "Name", data.platform.name)
    _e(operator, "PlatformBusinessName", data.platform.name)
    _address(operator, f"中国 行政区划 {data.platform.city_code}")
    _doc_spec(operator, f"{message_ref}-RPO")
    for row in data.reported:
        _seller(body, row, data=data, doc_prefix=message_ref)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@cache
def dpi_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))
