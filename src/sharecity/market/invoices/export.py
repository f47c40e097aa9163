"""An invoice as plain data (JSON), as XML and as a printable page: the same fields in each."""

from __future__ import annotations

from xml.etree import ElementTree as etree

from sharecity.market.invoices.models import Invoice


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def invoice_data(invoice: Invoice) -> dict:
    return {
        "id": str(invoice.public_id), "number": invoice.number, "issued_on": invoice.issued_on.isoformat(),
        "invoice_type": invoice.invoice_type, "colour": invoice.colour, "party": invoice.party,
        "issued_by": invoice.issued_by, "order_id": str(invoice.order.public_id),
        "reverses_number": invoice.reverses.number if invoice.reverses_id else "",
        "seller": {"name": invoice.seller_name, "tax_id": invoice.seller_tax_id},
        "buyer": {"name": invoice.buyer_name, "tax_id": invoice.buyer_tax_id},
        "items": [{**item, "amount": yuan(item["amount_fen"]), "tax": yuan(item["tax_fen"]),
                   "unit_price": yuan(item["unit_price_fen"])} for item in invoice.items],
        "rate_kind": invoice.rate_kind, "rate": f"{invoice.rate * 100:g}%",
        "amount_fen": invoice.amount_fen, "tax_fen": invoice.tax_fen, "total_fen": invoice.total_fen,
        "amount": yuan(invoice.amount_fen), "tax": yuan(invoice.tax_fen), "total": yuan(invoice.total_fen),
        "total_in_words": invoice.total_in_words, "notes": invoice.notes, "issuer": invoice.issuer_name,
        "rate_source": invoice.rate_source,
        "ledger_entry_ids": sorted(entry.pk for entry in invoice.ledger_entries.all()),
    }


def invoice_xml(invoice: Invoice) -> bytes:
    data = invoice_data(invoice)
    root = etree.Element("Invoice", number=data["number"], colour=data["colour"])
    for name in ("issued_on", "invoice_type", "issued_by", "order_id", "reverses_number"):
        etree.SubElement(root, name).text = data[name]
    for side in ("seller", "buyer"):
        node = etree.SubElement(root, side)
        etree.SubElement(node, "name").text = data[side]["name"]
        etree.SubElement(node, "tax_id").text = data[side]["tax_id"]
    items = etree.SubElement(root, "items")
    for item in data["items"]:
        node = etree.SubElement(items, "item")
        for name in ("name", "specification", "unit", "quantity", "unit_price", "amount", "tax"):
            etree.SubElement(node, name).text = str(item[name])
    for name in ("rate_kind", "rate", "amount", "tax", "total", "total_in_words", "notes", "issuer"):
        etree.SubElement(root, name).text = data[name]
    entries = etree.SubElement(root, "ledger_entries")
    for pk in data["ledger_entry_ids"]:
        etree.SubElement(entries, "entry", id=str(pk))
    etree.indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
