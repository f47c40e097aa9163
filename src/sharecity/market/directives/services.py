"""Directives from the city, on the platform side: stored as they arrive, answered by operator staff.

``directives_receive`` is the callback of ``exchange.downlink.downlink_pump``: it runs inside
the transaction that advances the downlink chain, so a directive is taken exactly once.
A recall order that names this platform's listings and asks to remove them or stop sales
takes effect at once: the listings (any vertical, parking spaces included) are suspended with a
statement of reasons citing the order and reported as ``listing.removed``.
``directive_acknowledge`` answers through the outbox (``directive.acknowledged``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.envelope import Envelope
from sharecity.exchange.schemas import DIRECTIVE_TYPES, payload_build, payload_validate
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record, fact_record
from sharecity.market.accounts.services import credit_list_change_record
from sharecity.market.complaints.services import complaint_from_referral, complaint_withdrawn_by_referral
from sharecity.market.directives.models import ReceivedDirective
from sharecity.market.directives.selectors import platform_for_exchange_id
from sharecity.market.fleets.services import quota_assigned_record
from sharecity.market.listings.selectors import listing_get
from sharecity.market.listings.services import listing_suspend_by_authority
from sharecity.market.parking.models import SpaceStatus
from sharecity.market.parking.selectors import space_get
from sharecity.market.parking.services import space_suspend
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import is_operator

logger = logging.getLogger(__name__)

RECALL_REMOVES = {"remove_listings", "stop_sales"}
MAX_ACTION_LENGTH = 4000


@transaction.atomic
def directives_receive(envelopes: list[Envelope]) -> list[ReceivedDirective]:
    """Store each directive for the platform it is addressed to, once; returns the new ones.

    Directives for platforms this deployment does not host, and messages that are not
    directives, are logged and skipped.
    """
    stored = []
    for envelope in envelopes:
        if envelope.type not in DIRECTIVE_TYPES:
            logger.warning("downlink message %s of type %s is not a directive; skipped", envelope.message_id,
                           envelope.type)
            continue
        platform = platform_for_exchange_id(envelope.platform_id)
        if platform is None:
            logger.info("directive %s is for platform %s, not hosted here; skipped", envelope.message_id,
                        envelope.platform_id)
            continue
        try:
            payload = payload_validate(envelope.type, envelope.schema_version, envelope.payload)
        except InvalidInput as error:
            logger.warning("directive %s refused: %s", envelope.message_id, error.message)
            continue
        directive, created = ReceivedDirective.objects.get_or_create(
            message_id=envelope.message_id,
            defaults={"platform": platform, "directive_type": envelope.type, "payload": envelope.payload,
                      "deadline": payload.deadline},  # type: ignore[attr-defined]
        )
        if not created:
            continue
        audit_record(actor=None, actor_label=str(envelope.payload.get("issued_by", "hub")),
                     action="directive.receive", target_type="received_directive", target_id=envelope.message_id,
                     platform_id=envelope.platform_id,
                     data={"type": envelope.type, "deadline": envelope.payload.get("deadline"),
                           "sequence": envelope.sequence})
        if envelope.type == "recall.order":
            _recall_take_effect(directive)
        elif envelope.type == "credit_list.changed":
            credit_list_change_record(platform=platform, message_id=envelope.message_id, payload=payload.model_dump())
        elif envelope.type == "complaint.referred":
            complaint_from_referral(platform=platform, message_id=envelope.message_id, payload=payload)
        elif envelope.type == "quota.assigned":
            quota_assigned_record(platform=platform, message_id=envelope.message_id, payload=payload)
        elif envelope.type == "complaint.withdrawn":
            closed = complaint_withdrawn_by_referral(platform=platform, payload=payload)
            _acknowledge_by_system(directive, action_taken=(
                "投诉人已撤回投诉，平台已按撤回结案。" if closed is not None
                else "本平台未收到该投诉的转交，无需处理。"))
        stored.append(directive)
    return stored


def _recall_take_effect(directive: ReceivedDirective) -> None:
    """Suspend every listing of this platform a recall order names, on any vertical, when it asks to remove
    them or stop sales. Ids that are not this platform's listings (another platform's, or unknown) are
    noted in ``automatic_actions`` and in the drafted answer (``recall_summary``), never an error: the
    order binds only what this platform offers. A second order naming a listing already down changes nothing."""
    payload = directive.payload
    if not RECALL_REMOVES.intersection(payload.get("measures", [])):
        return
    facts = f"{payload['recall_id']}: {payload['product']}. {payload['reason']}"[:3800]
    actions = []
    for listing_id in payload.get("listing_ids", []):
        actions.append({"listing_id": listing_id,
                        "action": _recall_one(directive, listing_id=listing_id, facts=facts)})
    if actions:
        directive.automatic_actions = actions
        directive.save(update_fields=["automatic_actions"])


def _recall_one(directive: ReceivedDirective, *, listing_id: str, facts: str) -> str:
    """What the recall did to one named listing: suspended, already_suspended or not_found."""
    payload = directive.payload
    try:
        listing = listing_get(platform=directive.platform, public_id=listing_id)
    except NotFound:
        listing = None
    if listing is not None:
        changed = listing_suspend_by_authority(listing=listing, issued_by=payload["issued_by"],
                                               legal_reference=payload["legal_reference"], facts=facts)
        return "suspended" if changed else "already_suspended"
    try:
        space = space_get(platform=directive.platform, public_id=listing_id, include_removed=True)
    except (NotFound, ValidationError, ValueError):
        return "not_found"
    if space.status == SpaceStatus.REMOVED:
        return "already_suspended"
    space_suspend(actor=None, space=space, statement_of_reasons={
        "ground": "illegal_content",
        "legal_reference": payload["legal_reference"],
        "facts": f"{payload['issued_by']} {facts}"[:4000],
        "automated_detection": False,
        "automated_decision": True,
    })
    return "suspended"


def recall_summary(directive: ReceivedDirective) -> str:
    """The operator's answer drafted from what the platform did on receipt, for them to complete."""
    counts: dict[str, list[str]] = {}
    for item in directive.automatic_actions or []:
        counts.setdefault(item.get("action", ""), []).append(str(item.get("listing_id", "")))
    parts = []
    if counts.get("suspended"):
        parts.append(_("Suspended on receipt: %(ids)s.") % {"ids": ", ".join(counts["suspended"])})
    if counts.get("already_suspended"):
        parts.append(_("Already suspended: %(ids)s.") % {"ids": ", ".join(counts["already_suspended"])})
    if counts.get("not_found"):
        parts.append(_("Not listings of this platform, ignored: %(ids)s.") % {"ids": ", ".join(counts["not_found"])})
    return " ".join(parts)


@transaction.atomic
def _acknowledge_by_system(directive: ReceivedDirective, *, action_taken: str) -> None:
    """Acknowledge, as completed, a directive the platform carries out on receipt (a withdrawn complaint
    closed): the same ``directive.acknowledged`` an operator would send, by no one."""
    now = timezone.now()
    directive.acknowledged_at, directive.action_taken = now, action_taken
    directive.completed, directive.completed_at = True, now
    directive.save(update_fields=["acknowledged_at", "action_taken", "completed", "completed_at"])
    fact_record(
        actor=None, action="directive.acknowledge", target_type="received_directive", target_id=directive.message_id,
        platform_id=directive.platform.exchange_id, message_type="directive.acknowledged",
        payload=payload_build("directive.acknowledged", directive_message_id=str(directive.message_id),
                              directive_type=directive.directive_type, acknowledged_at=now,
                              action_taken=action_taken, completed=True, completed_at=now),
    )


def directive_acknowledge(*, actor: User, directive: ReceivedDirective, action_taken: str, completed: bool,
                          now: dt.datetime | None = None) -> ReceivedDirective:
    """The platform tells the city what it did. Operator staff only; may be sent again until completed."""
    platform: Platform = directive.platform
    if not is_operator(user=actor, platform=platform):
        raise Forbidden(_("Only the platform's operator staff may answer its directives."), field="directive")
    directive = ReceivedDirective.objects.select_for_update().get(pk=directive.pk)
    if directive.completed:
        raise Conflict(_("This directive is already reported as completed."), field="directive")
    action_taken = (action_taken or "").strip()
    if not action_taken:
        raise InvalidInput(_("Say what the platform did or will do."), field="action_taken")
    if len(action_taken) > MAX_ACTION_LENGTH:
        raise InvalidInput(_("At most 4,000 characters."), field="action_taken")
    now = now or timezone.now()
    directive.acknowledged_at = directive.acknowledged_at or now
    directive.action_taken = action_taken
    directive.completed = completed
    directive.completed_at = now if completed else None
    directive.save(update_fields=["acknowledged_at", "action_taken", "completed", "completed_at"])
    fact_record(
        actor=actor, action="directive.acknowledge", target_type="received_directive", target_id=directive.message_id,
        platform_id=platform.exchange_id, message_type="directive.acknowledged",
        payload=payload_build("directive.acknowledged", directive_message_id=str(directive.message_id),
                              directive_type=directive.directive_type, acknowledged_at=now,
                              action_taken=action_taken, completed=completed,
                              completed_at=now if completed else None),
    )
    return directive
