"""Hostile input on every endpoint of the third-party complaint platform and on its exchange messages: oversize
text and files, control characters, wrong types, replays, another city's association staff, a regulator trying
to decide, wrong secrets (404 like an unknown code, never 403), answers about another platform's referral."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sharecity.exchange.schemas import payload_validate
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.complaints import services
from sharecity.hub.complaints.models import Status, ThirdPartyComplaint
from sharecity.hub.intake.services import Outcome, intake_receive
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.errors import InvalidInput
from tests import factories
from tests.hub.hostile import ExternalPlatform
from tests.hub.tpc_support import SIMING, client_of, filing, png, staff, uplink

pytestmark = pytest.mark.django_db

FILE_URL = "/api/v1/complaints"
TRACK_URL = "/api/v1/complaints/track"


@pytest.fixture
def world():
    platform = factories.make_platform(slug="ludao-life", name="鹭岛共享生活")
    tianjin = factories.make_platform(slug="jinmen", name="津门生活服务",
                                      credit_code_=factories.credit_code(division="120101"))
    uplink(LocalTransport())
    association = staff()
    tianjin_staff = staff("tianjin-assoc", city="120100", association="天津市共享经济行业协会")
    officer = factories.make_user("officer")
    regulator_profile_set(actor=None, user=officer, department="厦门市市场监督管理局", city_code="350200")
    filed = services.complaint_file(**filing(platform.exchange_id), evidence=[png()])
    return platform, tianjin, association, tianjin_staff, officer, filed


def file_api(data: dict, files: list | None = None):
    return client_of().post(FILE_URL, {**data, **({"evidence": files} if files else {})})


@pytest.mark.parametrize(("override", "field"), [
    ({"description": "太短"}, "description"),
    ({"description": "多" * 2001}, "description"),
    ({"category": "bribery"}, "category"),
    ({"desired_outcome": "bribe"}, "desired_outcome"),
    ({"district_code": "999999"}, "district_code"),
    ({"platform_id": "no-such-platform"}, "platform_id"),
    ({"platform_id": "x" * 5000}, "platform_id"),
    ({"contact": "call me maybe"}, "contact"),
])
def test_filing_refuses_bad_fields_naming_them(world, override, field):
    platform = world[0]
    before = ThirdPartyComplaint.objects.count()
    response = file_api({**filing(platform.exchange_id), **override})
    assert response.status_code in (400, 422), response.content
    assert response.json()["field"] == field
    assert ThirdPartyComplaint.objects.count() == before


@pytest.mark.parametrize("value", ["押金\x00未退", "押金\x1b[31m未退还的情况说明", "押金\u0085未退还的情况说明"])
def test_filing_refuses_control_characters(world, value):
    platform = world[0]
    response = file_api(filing(platform.exchange_id, description=value))
    assert response.status_code == 400
    assert ThirdPartyComplaint.objects.count() == 1


def test_filing_refuses_a_platform_of_another_city(world):
    _platform, tianjin = world[0], world[1]
    response = file_api(filing(tianjin.exchange_id, district_code=SIMING))
    assert response.status_code == 400 and response.json()["field"] == "platform_id"


@pytest.mark.parametrize(("files", "rule"), [
    ([png(size=5 * 1024 * 1024 + 1)], "larger than 5 MB"),
    ([png(name="fake.png", size=None).__class__("fake.png", b"MZ\x90\x00 not a picture", "image/png")], "JPEG"),
    ([png(f"p{n}.png") for n in range(6)], "at most 5"),
    ([png(name="empty.png").__class__("empty.png", b"", "image/png")], "empty"),
])
def test_evidence_files_are_checked_by_size_count_and_content(world, files, rule):
    platform = world[0]
    response = client_of(language="en").post(FILE_URL, {**filing(platform.exchange_id), "evidence": files})
    assert response.status_code == 400 and response.json()["field"] == "evidence"
    assert rule.lower() in response.json()["message"].lower()
    assert ThirdPartyComplaint.objects.count() == 1


def test_filing_through_the_api_gives_a_code_and_secret_that_open_it(world):
    platform = world[0]
    response = file_api(filing(platform.exchange_id), [png()])
    assert response.status_code == 201
    body = response.json()
    tracked = client_of().post(TRACK_URL, json.dumps({"code": body["tracking_code"], "secret": body["secret"]}),
                               content_type="application/json")
    assert tracked.status_code == 200
    data = tracked.json()
    assert data["status"] == "filed" and len(data["evidence"]) == 1 and data["notices"][0]["kind"] == "filed"
    assert "contact" not in data and "13800138000" not in tracked.text


def test_a_wrong_secret_is_the_same_404_as_an_unknown_code(world):
    filed = world[5]
    code = filed.complaint.tracking_code
    answers = []
    for body in ({"code": code, "secret": "wrong-secret"}, {"code": "TSAAAAAAAAAA", "secret": filed.secret},
                 {"code": code, "secret": ""}):
        response = client_of().post(TRACK_URL, json.dumps(body), content_type="application/json")
        answers.append((response.status_code, response.json()["message"]))
    assert len(set(answers)) == 1 and answers[0][0] == 404
    for body in ({"code": code, "secret": 12345}, {"code": [code], "secret": filed.secret},
                 {"code": code * 5, "secret": filed.secret}, {"code": code, "secret": "s\x00"}):
        response = client_of().post(TRACK_URL, json.dumps(body), content_type="application/json")
        assert response.status_code in (400, 404, 422), body
    # The page answers alike, and a page of a code this browser never opened is 404 too.
    page = client_of().post(reverse("tpc_public:track"), {"code": code, "secret": "wrong-secret"})
    assert page.status_code == 404
    assert client_of().get(reverse("tpc_public:tracked", args=[code])).status_code == 404
    # Withdrawing with a wrong secret changes nothing.
    response = client_of().post("/api/v1/complaints/withdraw", json.dumps({"code": code, "secret": "nope"}),
                                content_type="application/json")
    assert response.status_code == 404
    filed.complaint.refresh_from_db()
    assert filed.complaint.status == Status.FILED


def test_another_citys_association_staff_get_404_and_a_regulator_reads_but_cannot_decide(world):
    _platform, _tianjin, association, tianjin_staff, officer, filed = world
    complaint = filed.complaint
    detail = f"/api/v1/hub/complaints/{complaint.public_id}"
    accept = f"{detail}/accept"
    tianjin = client_of(tianjin_staff)
    for url in (detail,):
        assert tianjin.get(url).status_code == 404
    assert tianjin.post(accept).status_code == 404
    assert tianjin.get(reverse("hub_complaints:detail", args=[complaint.public_id])).status_code == 404
    assert tianjin.post(reverse("hub_complaints:action", args=[complaint.public_id, "accept"])).status_code == 404
    evidence = complaint.evidence.get()
    assert tianjin.get(reverse("hub_complaints:evidence", args=[evidence.public_id])).status_code == 404
    assert tianjin.get(f"/api/v1/hub/complaints/evidence/{evidence.public_id}").status_code == 404
    assert complaint.tracking_code not in tianjin.get("/api/v1/hub/complaints").text
    # Xiamen's regulator reads it (contact masked) and may not decide.
    reader = client_of(officer)
    read = reader.get(detail)
    assert read.status_code == 200 and read.json()["contact"] == "138****8000" and not read.json()["can_decide"]
    assert reader.post(accept).status_code == 403
    assert reader.get(reverse("hub_complaints:evidence", args=[evidence.public_id])).status_code == 200
    download = reader.get(f"/api/v1/hub/complaints/evidence/{evidence.public_id}")
    assert download.status_code == 200 and download.content.startswith(b"\x89PNG")
    assert download["Content-Disposition"].startswith("attachment")
    # The association's staff see the contact whole and decide.
    mine = client_of(association)
    assert mine.get(detail).json()["contact"] == "13800138000"
    assert mine.post(accept).status_code == 200
    # A replayed decision is refused without change.
    again = mine.post(accept)
    assert again.status_code == 409 and again.json()["code"] == "tpc.wrong_status"
    # Anonymous visitors and people without a role get nothing.
    assert client_of().get(detail).status_code == 401
    assert client_of(factories.make_user("someone")).get(detail).status_code == 403


def test_decisions_refuse_bad_input(world):
    _platform, _tianjin, association, _t, _o, filed = world
    mine = client_of(association)
    base = f"/api/v1/hub/complaints/{filed.complaint.public_id}"
    for url, body, field in ((f"{base}/refuse", {"reason": "x"}, "reason"),
                             (f"{base}/refuse", {"reason": "不属\x07于受理范围"}, None),
                             (f"{base}/refuse", {"reason": 42}, "reason"),
                             (f"{base}/close", {"outcome": "nonsense"}, None)):
        response = mine.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code in (400, 409, 422), (url, body, response.content)
        if field:
            assert response.json()["field"] == field
    assert mine.post("/api/v1/hub/complaints/not-a-uuid/accept").status_code in (404, 422)
    odr = mine.post("/api/v1/hub/complaints/odr", json.dumps({"platform_id": "ghost", "committed": True}),
                    content_type="application/json")
    assert odr.status_code == 400 and odr.json()["field"] == "platform_id"
    odr = mine.post("/api/v1/hub/complaints/odr", json.dumps({"platform_id": world[1].exchange_id,
                                                               "committed": True}), content_type="application/json")
    assert odr.status_code == 400  # a Tianjin platform is not Xiamen's association's business
    filed.complaint.refresh_from_db()
    assert filed.complaint.status == Status.FILED


def test_the_referral_message_refuses_hostile_payloads():
    good = {"issued_by": "厦门市共享经济行业协会", "legal_reference": "《电子商务法》第六十三条",
            "issued_at": "2026-10-09T10:00:00+08:00", "deadline": "2026-10-23T23:59:59+08:00",
            "referral_id": "5b1f0c1e-4f0b-4e63-9d6a-1c2b3d4e5f60", "district": SIMING, "category": "refund",
            "description": "押金未退", "desired_outcome": "refund"}
    payload_validate("complaint.referred", 1, good)
    for change, field in (({"description": "x" * 4001}, "payload.description"),
                          ({"description": "押金\x00未退"}, "payload.description"),
                          ({"referral_id": "id\nwith newline"}, "payload.referral_id"),
                          ({"district": 350203}, "payload.district"),
                          ({"category": "bribery"}, "payload.category"),
                          ({"evidence_files": "3"}, "payload.evidence_files"),
                          ({"contact": "13800138000"}, "payload.contact")):
        with pytest.raises(InvalidInput) as caught:
            payload_validate("complaint.referred", 1, {**good, **change})
        assert caught.value.field == field


def test_an_answer_about_another_platforms_referral_changes_nothing_and_replays_are_harmless(world):
    platform, _tianjin, association, _t, _o, filed = world
    services.odr_commitment_set(actor=association, platform_id=platform.exchange_id, committed=True)
    complaint = services.complaint_accept(actor=association, complaint_id=filed.complaint.public_id)
    assert complaint.status == Status.WITH_PLATFORM
    outsider = ExternalPlatform.onboard("外部平台")
    resolved = {"complaint_id": "c-1", "district": SIMING, "resolved_at": "2026-12-01T10:00:00+08:00",
                "outcome": "settled", "referral_id": str(complaint.public_id)}
    assert intake_receive(outsider.batch(outsider.good(1, message_type="complaint.resolved", payload=resolved))) \
        is Outcome.APPLIED
    complaint.refresh_from_db()
    assert complaint.status == Status.WITH_PLATFORM and complaint.platform_responded_at is None
    # A referral id that is no UUID, or none, is ignored too.
    for referral in ("not-a-uuid", None):
        body = {**resolved, "referral_id": referral}
        assert intake_receive(outsider.batch(outsider.good(1, message_type="complaint.resolved", payload=body))) \
            is Outcome.APPLIED
    complaint.refresh_from_db()
    assert complaint.status == Status.WITH_PLATFORM


def test_an_odr_statement_with_wrong_types_is_quarantined_and_changes_nothing():
    from sharecity.hub.complaints.models import OdrCommitment

    outsider = ExternalPlatform.onboard("外部平台")
    for payload in ({"committed": "yes", "stated_at": "2026-12-01T10:00:00+08:00"},
                    {"committed": True, "stated_at": "2999-01-01T00:00:00+08:00"},
                    {"committed": True, "stated_at": "2026-12-01T10:00:00+08:00", "cities": ["350200"]}):
        delivery = outsider.batch([outsider.seal(message_type="odr.commitment", payload=payload)])
        assert intake_receive(delivery) is Outcome.QUARANTINED
    assert not OdrCommitment.objects.exists()
    good = {"committed": True, "stated_at": "2026-12-01T10:00:00+08:00"}
    assert intake_receive(outsider.batch(outsider.good(1, message_type="odr.commitment", payload=good))) \
        is Outcome.APPLIED
    assert OdrCommitment.objects.get(platform_id=outsider.platform_id).committed
    # An older statement replayed later does not undo a newer one.
    old = {"committed": False, "stated_at": "2026-11-01T10:00:00+08:00"}
    assert intake_receive(outsider.batch(outsider.good(1, message_type="odr.commitment", payload=old))) \
        is Outcome.APPLIED
    assert OdrCommitment.objects.get(platform_id=outsider.platform_id).committed
