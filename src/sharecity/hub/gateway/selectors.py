"""Reads for the gateway: a platform's own quarantine, the hub operators' view of all of it."""

from __future__ import annotations

from sharecity.hub.intake import selectors as intake_selectors
from sharecity.hub.intake.models import QuarantinedMessage

RAW_EXCERPT_CHARS = 2000


def raw_excerpt(entry: QuarantinedMessage, *, limit: int = RAW_EXCERPT_CHARS) -> str:
    """The refused input as text, cut short: enough to see what was wrong and correct it."""
    text = bytes(entry.raw).decode("utf-8", errors="replace")
    return text if len(text) <= limit else text[:limit] + "…"


def quarantine_entry_as_dict(entry: QuarantinedMessage) -> dict:
    return {
        "id": entry.pk,
        "message_id": entry.message_id or None,
        "code": entry.code,
        "field": entry.field or None,
        "reason": entry.reason,
        "received_at": entry.received_at.isoformat(),
        "resolved_at": entry.resolved_at.isoformat() if entry.resolved_at else None,
        "raw": raw_excerpt(entry),
    }


def platform_quarantine(*, platform_id: str, status: str = "all", limit: int = 100) -> list[dict]:
    """Only the platform's own entries, newest first."""
    entries = intake_selectors.quarantine_list(platform_id=platform_id, status=status)[:limit]
    return [quarantine_entry_as_dict(entry) for entry in entries]


def hub_quarantine(*, status: str = "open", platform_id: str | None = None, code: str | None = None,
                   platform_ids: list[str] | None = None):
    """Every platform's entries for the hub's operators; an officer's jurisdiction passes
    ``platform_ids``, the platforms active or registered in it (input from an unknown sender
    belongs to no city: operators only)."""
    return intake_selectors.quarantine_list(platform_id=platform_id or None, status=status, code=code or None,
                                            platform_ids=platform_ids)
