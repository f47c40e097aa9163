"""The regulator's facts pages and API: what an officer sees of what platforms reported, only
within their jurisdiction; hostile filters refused naming the field; acting on a fact (a directive
prefilled from it, a follow-up note that is audited)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from sharecity.exchange.schemas import DirectiveAcknowledgedV1
from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.directives.services import directive_acknowledged, directive_issue
from sharecity.hub.facts.models import ComplaintFact, FollowUpNote, ListingFact, SafetyIncident
from sharecity.hub.registry.services import regulator_profile_set
from tests import factories
from tests.hub.hostile import ExternalPlatform
from tests.hub.test_facts_intake import every_type, send

pytestmark = pytest.mark.django_db

KINDS = ("listings", "complaints", "moderation", "incidents", "subjects")


@pytest.fixture
def platform():
    """A homestay platform in Huli (350206) that reported one of every fact."""
    platform = ExternalPlatform.onboard("鹭岛民宿")
    send(platform, every_type())
    return platform


def officer(username: str, **where) -> Client:
    user = factories.make_user(username)
    regulator_profile_set(actor=None, user=user, department="厦门市市场监督管理局", **where)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def huli():
    return officer("huli", district_code="350206")


@pytest.fixture
def siming():
    return officer("siming", district_code="350203")


@pytest.fixture
def tianjin():
    return officer("tianjin", city_code="120100")


@pytest.fixture
def hub_operator():
    user = factories.make_user("operator")
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def ids(platform) -> dict[str, int]:
    from sharecity.hub.facts.selectors import MODELS

    return {kind: MODELS[kind].objects.filter(platform_id=platform.platform_id).first().pk for kind in KINDS}


# --- pages -----------------------------------------------------------------------------------------------


def test_an_officer_sees_the_index_lists_and_details_of_their_district(platform, huli):
    page = huli.get(reverse("hub_facts:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="count-complaints">1<' in html and 'data-testid="count-incidents">1<' in html
    for kind, fact_id in ids(platform).items():
        assert huli.get(reverse("hub_facts:list", args=[kind])).status_code == 200, kind
        detail = huli.get(reverse("hub_facts:detail", args=[kind, fact_id]))
        assert detail.status_code == 200, kind
    incidents = huli.get(reverse("hub_facts:list", args=["incidents"])).content.decode()
    assert 'data-testid="highlighted"' in incidents
    complaint = huli.get(reverse("hub_facts:detail", args=["complaints", ids(platform)["complaints"]])).content.decode()
    for kind in ("filed", "answered", "escalated", "resolved"):
        assert f'data-kind="{kind}"' in complaint
    assert "退一晚房费" in complaint


def test_another_districts_or_citys_officer_sees_nothing(platform, siming, tianjin):
    for client in (siming, tianjin):
        assert 'data-testid="count-complaints">0<' in client.get(reverse("hub_facts:index")).content.decode()
        for kind, fact_id in ids(platform).items():
            listing = client.get(reverse("hub_facts:list", args=[kind])).content.decode()
            assert 'data-fact="' not in listing, kind
            assert client.get(reverse("hub_facts:detail", args=[kind, fact_id])).status_code == 404, kind
            assert client.get(f"/api/v1/hub/facts/{kind}/{fact_id}").status_code == 404, kind
            assert client.get(f"/api/v1/hub/facts/{kind}").json()["count"] == 0, kind
        response = client.post(reverse("hub_facts:note_add", args=["complaints", ids(platform)["complaints"]]),
                               {"text": "越权记录"})
        assert response.status_code == 404
    assert not FollowUpNote.objects.exists()


def test_strangers_go_to_login_and_non_regulators_are_refused(platform):
    anonymous = Client()
    assert anonymous.get(reverse("hub_facts:index")).status_code == 302
    assert anonymous.get(reverse("hub_facts:list", args=["complaints"])).status_code == 302
    assert anonymous.get("/api/v1/hub/facts/complaints").status_code == 401
    citizen = Client()
    citizen.force_login(factories.make_user())
    assert citizen.get(reverse("hub_facts:index")).status_code == 403
    assert citizen.get(reverse("hub_facts:detail", args=["complaints", ids(platform)["complaints"]])).status_code == 403
    refused = citizen.get("/api/v1/hub/facts/complaints")
    assert refused.status_code == 403 and refused.json()["code"] == "hub.regulators_only"


def test_filters_narrow_the_lists_and_bad_ones_are_refused_naming_the_field(platform, huli):
    listing = reverse("hub_facts:list", args=["complaints"])
    assert 'data-fact="C-1"' in huli.get(listing, {"status": "resolved", "district": "350206"}).content.decode()
    assert 'data-fact="C-1"' not in huli.get(listing, {"status": "filed"}).content.decode()
    assert 'data-fact="C-1"' not in huli.get(listing, {"platform": "another-platform"}).content.decode()
    for params, field in [({"status": "nonsense"}, "status"), ({"district": "999999"}, "district"),
                          ({"date_from": "2026-13-01"}, "date_from"), ({"date_from": "yesterday"}, "date_from"),
                          ({"date_from": "2026-12-02", "date_to": "2026-12-01"}, "date_to"),
                          ({"date_from": "0001-01-01"}, "date_from"), ({"date_to": "9999-12-31"}, "date_to"),
                          ({"platform": "x" * 65}, "platform"), ({"platform": "a b"}, "platform"),
                          ({"category": "c" * 65}, "category")]:
        page = huli.get(listing, params)
        assert page.status_code == 400 and f'data-field="{field}"' in page.content.decode(), params
        api = huli.get("/api/v1/hub/facts/complaints", params)
        assert api.status_code == 400 and api.json()["field"] == field, params
    for params, field in [({"limit": "abc"}, "limit"), ({"limit": "0"}, "limit"), ({"limit": "100000"}, "limit"),
                          ({"offset": "-1"}, "offset")]:
        api = huli.get("/api/v1/hub/facts/complaints", params)
        assert api.status_code == 422 and api.json()["field"] == field, params
    control = huli.get("/api/v1/hub/facts/complaints", {"category": "a\x00b"})
    assert control.status_code == 400 and control.json()["code"] == "input.control_character"
    # Page numbers past the end or not numbers show a page, never an error.
    assert huli.get(listing, {"page": "9999"}).status_code == 200
    assert huli.get(listing, {"page": "abc"}).status_code == 200


def test_unknown_ids_are_not_found(huli):
    for kind in KINDS:
        assert huli.get(f"/hub/facts/{kind}/999999/").status_code == 404
        assert huli.get(f"/hub/facts/{kind}/{'9' * 19}/").status_code == 404
        assert huli.get(f"/api/v1/hub/facts/{kind}/999999").status_code == 404
        assert huli.get(f"/api/v1/hub/facts/{kind}/{'9' * 30}").status_code == 422
        assert huli.get(f"/api/v1/hub/facts/{kind}/abc").status_code in (404, 422)


# --- acting on a fact --------------------------------------------------------------------------------------


def test_a_follow_up_note_is_recorded_shown_and_audited(platform, huli):
    complaint_id = ids(platform)["complaints"]
    response = huli.post(reverse("hub_facts:note_add", args=["complaints", complaint_id]),
                         {"text": "已电话联系平台，要求三日内回访投诉人"})
    assert response.status_code == 302
    page = huli.get(reverse("hub_facts:detail", args=["complaints", complaint_id])).content.decode()
    assert "已电话联系平台" in page and 'data-kind="note"' in page
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry.action == "facts.complaint_note_added" and entry.object_id == str(complaint_id)
    assert entry.actor_name == "huli"
    note = FollowUpNote.objects.get()
    assert (note.district_code, note.city_code, note.department) == ("350206", "350200", "厦门市市场监督管理局")

    # Empty or oversize: refused on the form, nothing recorded.
    for text, status in [("   ", 400), ("长" * 4001, 400)]:
        refused = huli.post(reverse("hub_facts:note_add", args=["complaints", complaint_id]), {"text": text})
        assert refused.status_code == status and 'data-testid="note-error"' in refused.content.decode()
    assert FollowUpNote.objects.count() == 1


def test_notes_through_the_api(platform, huli):
    incident_id = ids(platform)["incidents"]
    url = f"/api/v1/hub/facts/incidents/{incident_id}/notes"
    created = huli.post(url, json.dumps({"text": "已通知应急管理局"}), content_type="application/json")
    assert created.status_code == 201 and created.json()["text"] == "已通知应急管理局"
    detail = huli.get(f"/api/v1/hub/facts/incidents/{incident_id}").json()
    assert detail["highlighted"] is True and [note["text"] for note in detail["notes"]] == ["已通知应急管理局"]
    for body, status, field in [({"text": ""}, 400, "text"), ({"text": "x" * 4001}, 422, "text"), ({}, 422, "text"),
                                ({"text": 5}, 422, "text"), ("[]", 422, "text")]:
        data = body if isinstance(body, str) else json.dumps(body)
        response = huli.post(url, data, content_type="application/json")
        assert response.status_code == status and response.json()["field"] == field, body
    assert FollowUpNote.objects.count() == 1
    assert huli.post(f"/api/v1/hub/facts/incidents/{incident_id}/notes", "{bad", content_type="application/json"
                     ).status_code == 400


def test_the_api_lists_and_details_carry_what_the_pages_show(platform, huli, hub_operator):
    listing = huli.get("/api/v1/hub/facts/listings").json()
    assert listing["count"] == 1 and listing["items"][0]["state"] == "removed"
    detail = huli.get(f"/api/v1/hub/facts/listings/{listing['items'][0]['id']}").json()
    assert detail["changes"][0]["aspects"] == ["price", "photos"] and detail["removals"][0]["removed_by"] == "platform"
    complaint = huli.get(f"/api/v1/hub/facts/complaints/{ids(platform)['complaints']}").json()
    assert [event["kind"] for event in complaint["timeline"]] == ["filed", "answered", "escalated", "resolved"]
    assert complaint["response_seconds"] == 1800
    counts = hub_operator.get("/api/v1/hub/facts/counts").json()
    assert counts["complaints"] == 1 and counts["incidents_highlighted"] == 1 and counts["hidden_reviews"] == 1
    paged = huli.get("/api/v1/hub/facts/moderation", {"limit": 1, "offset": 1}).json()
    assert paged["count"] == 2 and len(paged["items"]) == 1
    schema = hub_operator.get("/api/v1/openapi.json").json()
    for kind in KINDS:
        assert f"/api/v1/hub/facts/{kind}" in schema["paths"] and f"/api/v1/hub/facts/{kind}/{{fact_id}}" in schema[
            "paths"]


def test_overdue_unanswered_complaints_are_highlighted(platform, huli):
    send(platform, [("complaint.filed", {"complaint_id": "C-late", "order_id": "O-5", "district": "350206",
                                         "category": "noise", "complainant_key": "pk-guest-000005"})])
    late = ComplaintFact.objects.get(complaint_id="C-late")
    # hostile.SENT_AT, 2026-11-23: long past the 48 hours.
    assert late.status == "filed"
    overdue = huli.get(reverse("hub_facts:list", args=["complaints"]), {"status": "overdue"}).content.decode()
    assert 'data-fact="C-late"' in overdue and 'class="overdue"' in overdue and 'data-fact="C-1"' not in overdue
    assert huli.get("/api/v1/hub/facts/complaints", {"status": "overdue"}).json()["items"][0]["overdue"] is True
    detail = huli.get(reverse("hub_facts:detail", args=["complaints", late.pk])).content.decode()
    assert 'data-testid="overdue"' in detail


def test_directives_are_prefilled_from_a_fact(platform, huli):
    listing = ListingFact.objects.get()
    page = huli.get(reverse("hub_facts:detail", args=["listings", listing.pk])).content.decode()
    assert "recall.order" in page and "listing_ids=L-1" in page
    form = huli.get(reverse("hub_directives:new", args=["recall.order"]),
                    {"platform": platform.platform_id, "listing_ids": "L-1", "product": "海景房"}).content.decode()
    # The listing and its platform come chosen, shown by name, their keys in hidden inputs.
    assert 'name="listing_ids" value="L-1"' in form and 'value="海景房"' in form
    assert f'name="platform_id" value="{platform.platform_id}"' in form
    incident = SafetyIncident.objects.get()
    page = huli.get(reverse("hub_facts:detail", args=["incidents", incident.pk])).content.decode()
    assert "assistance.request" in page and "case_id=SI-I-1" in page


def test_an_assistance_requests_reply_is_shown_on_its_directive_and_its_complaint(huli):
    platform = factories.make_platform(name="鹭岛共享停车")
    from sharecity.exchange.relay import relay_pump
    from sharecity.exchange.transports.local import LocalTransport
    from sharecity.hub.intake.services import intake_pump

    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)
    regulator = factories.make_user("assist")
    regulator_profile_set(actor=None, user=regulator, department="厦门市市场监督管理局")
    directive = directive_issue(actor=regulator, platform_id=platform.exchange_id, directive_type="assistance.request",
                                legal_reference="《电子商务法》第二十五条", case_id="TS-C-1", request="提供订单记录")
    url = reverse("hub_directives:detail", args=[directive.message_id])
    # A city bureau's directive is read in the city's bureau, not by a district's (hub_directives' scoping).
    assert huli.get(url).status_code == 404
    city = Client()
    city.force_login(regulator)
    assert 'data-testid="assistance-reply-missing"' in city.get(url).content.decode()
    directive_acknowledged(
        envelope=SimpleNamespace(platform_id=platform.exchange_id, message_id=str(uuid.uuid4())),
        payload=DirectiveAcknowledgedV1(directive_message_id=str(directive.message_id),
                                        directive_type="assistance.request", acknowledged_at=dt.datetime.now(dt.UTC),
                                        action_taken="已提供订单记录和聊天记录\n共 3 份", completed=True))
    page = city.get(url).content.decode()
    assert 'data-testid="assistance-reply"' in page and "已提供订单记录和聊天记录\n共 3 份" in page


def test_a_listing_published_again_after_a_removal_is_flagged(platform, huli):
    from tests.hub.hostile import listing as listing_payload
    from tests.hub.test_facts_intake import REASONS, at

    send(platform, [
        ("listing.published", listing_payload(listing_id="L-bad", title="无证民宿", district="350206",
                                              provider_key="pk-bad-000001")),
        ("listing.removed", {"listing_id": "L-bad", "removed_at": at(-10), "removed_by": "authority",
                             "statement_of_reasons": REASONS}),
        ("listing.published", listing_payload(listing_id="L-again", title="无证民宿", district="350206",
                                              provider_key="pk-bad-000001")),
    ])
    again = ListingFact.objects.get(listing_id="L-again")
    page = huli.get(reverse("hub_facts:detail", args=["listings", again.pk])).content.decode()
    assert 'data-testid="removed-before"' in page
    detail = huli.get(f"/api/v1/hub/facts/listings/{again.pk}").json()
    assert [row["listing_id"] for row in detail["removed_before"]] == ["L-bad"]
    removed = huli.get(reverse("hub_facts:detail", args=["listings", ListingFact.objects.get(listing_id="L-bad").pk]))
    assert "《电子商务法》第二十九条" in removed.content.decode()


def test_facts_without_a_district_are_seen_where_the_platform_is_active(platform, huli, siming, hub_operator):
    send(platform, [("listing.removed", {"listing_id": "L-never-seen", "removed_at": "2026-11-23T08:00:00+00:00",
                                         "removed_by": "provider"})])
    unplaced = ListingFact.objects.get(listing_id="L-never-seen")
    assert unplaced.district_code == ""
    for client, status in [(hub_operator, 200), (huli, 200), (siming, 404)]:
        assert client.get(reverse("hub_facts:detail", args=["listings", unplaced.pk])).status_code == status
    subjects = huli.get("/api/v1/hub/facts/subjects", {"category": "business", "status": "verified"}).json()
    assert subjects["count"] == 1 and subjects["items"][0]["sectors"] == ["homestay"]
    hidden = huli.get("/api/v1/hub/facts/moderation", {"status": "review_hidden"}).json()
    assert [item["reason"] for item in hidden["items"]] == ["abusive"]


def test_the_reply_to_a_request_about_a_complaint_shows_on_the_complaint(huli):
    platform = factories.make_platform(name="鹭岛共享停车")
    from sharecity.exchange.relay import relay_pump
    from sharecity.exchange.transports.local import LocalTransport
    from sharecity.hub.intake.services import intake_pump

    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)
    complaint = ComplaintFact.objects.create(platform_id=platform.exchange_id, complaint_id="C-77",
                                             district_code="350206", city_code="350200", status="filed")
    regulator = factories.make_user("assist2")
    regulator_profile_set(actor=None, user=regulator, department="厦门市市场监督管理局")
    directive = directive_issue(actor=regulator, platform_id=platform.exchange_id, directive_type="assistance.request",
                                legal_reference="《电子商务法》第二十五条", case_id="TS-C-77", request="提供订单记录")
    directive_acknowledged(
        envelope=SimpleNamespace(platform_id=platform.exchange_id, message_id=str(uuid.uuid4())),
        payload=DirectiveAcknowledgedV1(directive_message_id=str(directive.message_id),
                                        directive_type="assistance.request", acknowledged_at=dt.datetime.now(dt.UTC),
                                        action_taken="订单记录已上传", completed=True))
    page = huli.get(reverse("hub_facts:detail", args=["complaints", complaint.pk])).content.decode()
    assert 'data-testid="directive-reply"' in page and "订单记录已上传" in page
    detail = huli.get(f"/api/v1/hub/facts/complaints/{complaint.pk}").json()
    assert [(item["status"], item["reply"]) for item in detail["assistance"]] == [("completed", "订单记录已上传")]
