"""Directives on the platform side: stored once as they arrive, a recall takes effect on the named
spaces, operator staff answer them through the outbox, and the operator's pages."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sharecity.exchange.envelope import GENESIS_HASH, Envelope, envelope_seal, keypair_generate
from sharecity.exchange.schemas import payload_build
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput
from sharecity.kernel.models import AuditEvent, OutboxMessage
from sharecity.market.directives.models import ReceivedDirective
from sharecity.market.directives.services import directive_acknowledge, directives_receive
from sharecity.market.parking.models import SpaceStatus
from sharecity.market.platforms.services import operator_add
from tests import factories

pytestmark = pytest.mark.django_db

PRIVATE_KEY, _PUBLIC = keypair_generate()
LAW = "《消费品召回管理暂行规定》第十二条"


def directive_envelope(platform, message_type: str, *, deadline: dt.datetime | None = None, sequence: int = 1,
                       **fields) -> Envelope:
    now = timezone.now()
    payload = payload_build(message_type, issued_by="厦门市市场监督管理局", legal_reference=LAW, issued_at=now,
                            deadline=deadline or now + dt.timedelta(days=3), **fields)
    return envelope_seal(private_key=PRIVATE_KEY, message_id=str(uuid.uuid4()), platform_id=platform.exchange_id,
                         type=message_type, schema_version=1, sequence=sequence, sent_at=now.isoformat(),
                         payload=payload, prev_hash=GENESIS_HASH)


def assistance(platform, **kwargs) -> Envelope:
    return directive_envelope(platform, "assistance.request", case_id="XM-7", request="提供订单记录", **kwargs)


@pytest.fixture
def operator(platform):
    user = factories.make_user()
    operator_add(actor=None, platform=platform, user=user)
    return user


def test_a_directive_is_stored_once_and_audited(platform):
    envelope = assistance(platform)
    assert len(directives_receive([envelope])) == 1
    assert directives_receive([envelope]) == []
    directive = ReceivedDirective.objects.get()
    assert directive.platform == platform and directive.directive_type == "assistance.request"
    assert directive.deadline == dt.datetime.fromisoformat(envelope.payload["deadline"])
    assert AuditEvent.objects.filter(action="directive.receive", target_id=envelope.message_id).count() == 1


def test_directives_for_platforms_not_hosted_here_are_skipped(platform):
    envelope = assistance(platform)
    stranger = Envelope(**{**envelope.as_dict(), "platform_id": str(uuid.uuid4())})
    assert directives_receive([stranger]) == []
    assert not ReceivedDirective.objects.exists()


def test_a_recall_suspends_the_named_spaces_and_reports_the_removal(platform, provider, space):
    other = factories.make_space(platform, provider, title="不受影响的车位")
    envelope = directive_envelope(platform, "recall.order", recall_id="R-9", product="某品牌地锁 X1 批次 2025-08",
                                  listing_ids=[str(space.public_id), "no-such-listing"], reason="遥控失灵，夹伤风险",
                                  measures=["remove_listings", "notify_buyers"])
    [directive] = directives_receive([envelope])
    space.refresh_from_db()
    other.refresh_from_db()
    assert space.status == SpaceStatus.REMOVED and other.status == SpaceStatus.PUBLISHED
    assert directive.automatic_actions == [{"listing_id": str(space.public_id), "action": "suspended"},
                                           {"listing_id": "no-such-listing", "action": "not_found"}]
    removed = OutboxMessage.objects.get(message_type="listing.removed")
    assert removed.payload["listing_id"] == str(space.public_id)
    assert removed.payload["removed_by"] == "authority"
    assert removed.payload["statement_of_reasons"]["legal_reference"] == LAW
    assert "R-9" in removed.payload["statement_of_reasons"]["facts"]
    assert AuditEvent.objects.filter(action="parking.space_suspend").count() == 1


def test_a_recall_that_only_asks_to_notify_buyers_leaves_listings_alone(platform, space):
    envelope = directive_envelope(platform, "recall.order", recall_id="R-10", product="某品牌地锁",
                                  listing_ids=[str(space.public_id)], reason="说明书有误", measures=["notify_buyers"])
    directives_receive([envelope])
    space.refresh_from_db()
    assert space.status == SpaceStatus.PUBLISHED
    assert not OutboxMessage.objects.filter(message_type="listing.removed").exists()


def test_operators_acknowledge_through_the_outbox(platform, operator):
    [directive] = directives_receive([assistance(platform)])
    directive_acknowledge(actor=operator, directive=directive, action_taken="正在整理记录", completed=False)
    directive_acknowledge(actor=operator, directive=directive, action_taken="已提供记录", completed=True)
    acks = list(OutboxMessage.objects.filter(message_type="directive.acknowledged").order_by("id"))
    assert [(m.direction, m.platform_id) for m in acks] == [("up", platform.exchange_id)] * 2
    assert acks[1].payload["directive_message_id"] == str(directive.message_id)
    assert acks[1].payload["completed"] is True and acks[1].payload["action_taken"] == "已提供记录"
    directive.refresh_from_db()
    assert directive.completed and directive.acknowledged_at is not None
    with pytest.raises(Conflict):
        directive_acknowledge(actor=operator, directive=directive, action_taken="再报一次", completed=True)


def test_only_operator_staff_acknowledge_and_an_answer_says_something(platform, operator, customer):
    [directive] = directives_receive([assistance(platform)])
    with pytest.raises(Forbidden):
        directive_acknowledge(actor=customer, directive=directive, action_taken="x", completed=True)
    with pytest.raises(InvalidInput) as error:
        directive_acknowledge(actor=operator, directive=directive, action_taken="  ", completed=False)
    assert error.value.field == "action_taken"
    assert not OutboxMessage.objects.filter(message_type="directive.acknowledged").exists()


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def client() -> Client:
    return Client(headers={"accept-language": "en"})


def test_the_operator_sees_deadlines_overdue_in_red_and_answers(client, platform, operator):
    late = assistance(platform, deadline=timezone.now() - dt.timedelta(hours=1))
    current = assistance(platform)
    directives_receive([late, current])
    client.force_login(operator)
    console = client.get(reverse("parking:operator", args=[platform.slug]))
    assert reverse("market_directives:list", args=[platform.slug]) in console.text
    page = client.get(reverse("market_directives:list", args=[platform.slug]))
    assert page.status_code == 200
    assert f'data-message-id="{late.message_id}" class="overdue"' in page.text
    assert f'data-message-id="{current.message_id}">' in page.text
    assert 'data-testid="overdue-count">1<' in page.text
    url = reverse("market_directives:detail", args=[platform.slug, late.message_id])
    detail = client.get(url)
    assert "XM-7" in detail.text and "Overdue" in detail.text
    refused = client.post(url, {"action_taken": ""})
    assert refused.status_code == 400
    response = client.post(url, {"action_taken": "已按要求提供订单记录", "completed": "on"})
    assert response.status_code == 302
    after = client.get(url)
    assert "已按要求提供订单记录" in after.text and 'data-testid="acknowledge-form"' not in after.text
    assert OutboxMessage.objects.filter(message_type="directive.acknowledged").count() == 1


def test_non_operators_get_403(client, platform, customer):
    envelope = assistance(platform)
    directives_receive([envelope])
    client.force_login(customer)
    assert client.get(reverse("market_directives:list", args=[platform.slug])).status_code == 403
    url = reverse("market_directives:detail", args=[platform.slug, envelope.message_id])
    response = client.post(url, {"action_taken": "冒充平台", "completed": "on"})
    assert response.status_code == 403
    assert not OutboxMessage.objects.filter(message_type="directive.acknowledged").exists()


# --- recall orders on every vertical ---------------------------------------------------------


def recall(platform, listing_ids: list[str], **kwargs) -> Envelope:
    return directive_envelope(platform, "recall.order", recall_id="R-11", product="某品牌电加热器 H2 批次 2026-03",
                              listing_ids=listing_ids, reason="过热起火风险", measures=["stop_sales"], **kwargs)


def test_a_recall_suspends_a_marketplace_listing_and_a_space_with_reasons_citing_the_order(
        platform, provider, space, customer):
    from sharecity.market.listings.models import ListingStatus
    from sharecity.market.listings.services import listing_reinstate
    from sharecity.market.moderation.models import StatementOfReasons
    from tests.market.engine_factories import make_listing

    listing = make_listing(platform, provider)
    spare = make_listing(platform, provider, title="不受影响的显微镜")
    [directive] = directives_receive([recall(platform, [str(listing.public_id), str(space.public_id)])])
    listing.refresh_from_db()
    space.refresh_from_db()
    spare.refresh_from_db()
    assert listing.status == ListingStatus.SUSPENDED and space.status == SpaceStatus.REMOVED
    assert spare.status == ListingStatus.PUBLISHED
    statement = StatementOfReasons.objects.get(subject_id=str(listing.public_id))
    assert statement.decision == "suspended" and statement.legal_reference == LAW
    assert "厦门市市场监督管理局" in statement.facts and "R-11" in statement.facts
    assert "厦门市市场监督管理局" in listing.status_reason  # the provider reads who ordered it
    removed = {m.payload["listing_id"]: m.payload for m in OutboxMessage.objects.filter(message_type="listing.removed")}
    assert set(removed) == {str(listing.public_id), str(space.public_id)}
    assert removed[str(listing.public_id)]["removed_by"] == "authority"
    assert removed[str(listing.public_id)]["statement_of_reasons"]["legal_reference"] == LAW
    assert directive.automatic_actions == [{"listing_id": str(listing.public_id), "action": "suspended"},
                                           {"listing_id": str(space.public_id), "action": "suspended"}]
    with pytest.raises(Forbidden):  # the provider cannot resume what the authority had taken down
        listing_reinstate(actor=provider, listing=listing)


def test_a_recall_delivered_again_or_repeated_changes_nothing_more(platform, provider, space):
    from sharecity.market.moderation.models import StatementOfReasons
    from tests.market.engine_factories import make_listing

    listing = make_listing(platform, provider)
    envelope = recall(platform, [str(listing.public_id), str(space.public_id)])
    directives_receive([envelope])
    assert directives_receive([envelope]) == []
    [again] = directives_receive([recall(platform, [str(listing.public_id), str(space.public_id)])])
    assert again.automatic_actions == [{"listing_id": str(listing.public_id), "action": "already_suspended"},
                                       {"listing_id": str(space.public_id), "action": "already_suspended"}]
    assert OutboxMessage.objects.filter(message_type="listing.removed").count() == 2
    assert StatementOfReasons.objects.filter(subject_id=str(listing.public_id)).count() == 1


def test_a_recall_ignores_other_platforms_listings_and_unknown_ids_and_says_so(
        client, platform, provider, operator):
    from sharecity.market.listings.models import ListingStatus
    from tests.market.engine_factories import make_listing

    elsewhere = factories.make_platform()
    foreign = make_listing(elsewhere, factories.make_provider(elsewhere))
    foreign_space = factories.make_space(elsewhere, factories.make_provider(elsewhere))
    ids = [str(foreign.public_id), str(foreign_space.public_id), "SKU-0001"]
    [directive] = directives_receive([recall(platform, ids)])
    foreign.refresh_from_db()
    foreign_space.refresh_from_db()
    assert foreign.status == ListingStatus.PUBLISHED and foreign_space.status == SpaceStatus.PUBLISHED
    assert [a["action"] for a in directive.automatic_actions] == ["not_found"] * 3
    assert not OutboxMessage.objects.filter(message_type="listing.removed").exists()
    client.force_login(operator)
    page = client.get(reverse("market_directives:detail", args=[platform.slug, directive.message_id]))
    assert page.status_code == 200
    assert "Not listings of this platform, ignored: " + ", ".join(ids) in page.text
