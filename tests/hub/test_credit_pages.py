"""Credit pages: scoped by jurisdiction, the explanation on the file, the scorecard editor, the public
lookup with personal data masked, and hostile input answered with 4xx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.credit import services
from sharecity.hub.credit.models import CreditSubject, ScorecardVersion
from tests.hub.credit_support import provider_key, slice_with_credit_facts
from tests.hub.test_credit_files import officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def files():
    the_slice, _ = slice_with_credit_facts(district="350203", name="鹭岛共享停车")
    provider = CreditSubject.objects.get(identifier=provider_key(the_slice))
    enterprise = CreditSubject.objects.get(kind="enterprise", platform_id=the_slice.platform_id)
    return provider, enterprise


def signed_in(client, user):
    client.force_login(user)
    return client


def test_list_and_detail_explain_the_grade(client, files):
    provider, enterprise = files
    signed_in(client, officer(district_code="350203"))
    page = client.get(reverse("hub_credit:list")).content.decode()
    assert f'data-subject-id="{provider.pk}"' in page and f'data-subject-id="{enterprise.pk}"' in page
    assert provider.identifier not in page  # masked
    detail = client.get(reverse("hub_credit:detail", args=[provider.pk])).content.decode()
    assert 'data-testid="explanation"' in detail and 'data-rule="complaint_upheld"' in detail
    assert 'data-testid="indicator-chart"' in detail and provider.identifier not in detail
    filtered = client.get(reverse("hub_credit:list"), {"kind": "enterprise", "grade": "A"}).content.decode()
    assert f'data-subject-id="{provider.pk}"' not in filtered


@pytest.mark.parametrize("where", [{"district_code": "350206"}, {"city_code": "120100"}])
def test_another_district_or_city_sees_nothing_and_gets_404(client, files, where):
    provider, enterprise = files
    signed_in(client, officer(**where))
    page = client.get(reverse("hub_credit:list")).content.decode()
    assert f'data-subject-id="{provider.pk}"' not in page
    for subject in (provider,) if "district_code" in where else (provider, enterprise):
        assert client.get(reverse("hub_credit:detail", args=[subject.pk])).status_code == 404
        response = client.post(reverse("hub_credit:honour_add", args=[subject.pk]),
                               {"issuer": "x", "title": "y", "awarded_on": "2026-01-01"})
        assert response.status_code == 404


def test_anonymous_and_non_regulators_are_kept_out(client, files):
    provider, _ = files
    assert client.get(reverse("hub_credit:list")).status_code == 302
    assert client.get(reverse("hub_credit:detail", args=[provider.pk])).status_code == 302
    signed_in(client, officer(district_code="350203"))
    from tests.factories import make_user

    client.force_login(make_user())
    assert client.get(reverse("hub_credit:list")).status_code == 403
    assert client.get(reverse("hub_credit:scorecard")).status_code == 403


def test_honour_and_commitment_forms_with_hostile_input(client, files):
    provider, _ = files
    signed_in(client, officer(district_code="350203"))
    url = reverse("hub_credit:honour_add", args=[provider.pk])
    for data in ({"issuer": "x" * 5000, "title": "t", "awarded_on": "2026-01-01"},
                 {"issuer": "厦门市", "title": "a\x00b", "awarded_on": "2026-01-01"},
                 {"issuer": "厦门市", "title": "t", "awarded_on": "not a date"},
                 {"issuer": ["a", "b"], "title": "t"}):
        assert client.post(url, data).status_code == 400
    good = {"issuer": "厦门市人民政府", "title": "诚信示范", "awarded_on": "2026-01-01"}
    assert client.post(url, good).status_code == 302
    response = client.post(reverse("hub_credit:commitment_add", args=[provider.pk]), {
        "commitment_type": "industry", "content": "承诺", "liability": "愿担责", "valid_from": "2026-02-01",
        "valid_until": "2026-01-01"})
    assert (response.status_code == 400 and "valid_until" in response.content.decode()) or response.status_code == 400
    assert provider.records.filter(kind="honour").count() == 1


def test_scorecard_editor_saves_a_version_audited_and_refuses_bad_numbers(client, files):
    provider, _ = files
    signed_in(client, officer(city_code="350200"))
    page = client.get(reverse("hub_credit:scorecard"))
    assert page.status_code == 200 and b'data-rule="complaint_upheld"' in page.content
    today = dt.date.today().isoformat()
    bad = client.post(reverse("hub_credit:scorecard"), {"indicators.0.weight": "abc", "effective_from": today})
    assert bad.status_code == 400 and b"indicators.0.weight" in bad.content
    bad = client.post(reverse("hub_credit:scorecard"), {"grades.0.min": "500", "effective_from": today})
    assert bad.status_code == 400 and b"grades.0.min" in bad.content
    bad = client.post(reverse("hub_credit:scorecard"), {"effective_from": "2000-01-01"})
    assert bad.status_code == 400 and b"effective_from" in bad.content
    audits = AuditEntry.objects.count()
    ok = client.post(reverse("hub_credit:scorecard"), {"grades.0.min": "99", "grades.1.min": "98",
                                                       "grades.2.min": "97", "effective_from": today, "note": "收紧"})
    assert ok.status_code == 302 and AuditEntry.objects.count() == audits + 1
    version = ScorecardVersion.objects.get()
    assert version.city_code == "350200" and version.tree["grades"][0]["min"] == 99
    detail = client.get(reverse("hub_credit:detail", args=[provider.pk])).content.decode()
    assert f"version {version.pk}" in detail or f"版本 {version.pk}" in detail or str(version.pk) in detail


def test_a_district_officer_cannot_change_the_scorecard(client, files):
    signed_in(client, officer(district_code="350203"))
    response = client.post(reverse("hub_credit:scorecard"), {"effective_from": dt.date.today().isoformat()})
    assert response.status_code == 403 and not ScorecardVersion.objects.exists()


def test_public_lookup_by_name_and_code_masks_and_shows_public_records_only(client, files):
    provider, enterprise = files
    services.credit_record_add(subject=enterprise, kind="penalty", severity="ordinary", title="未明码标价",
                               decided_on=dt.date.today(), source_type="test", source_id="p1", public=True,
                               decided_by="厦门市市场监督管理局")
    page = client.get(reverse("credit_public:lookup"), {"q": "鹭岛"}).content.decode()
    assert enterprise.identifier in page and "未明码标价" in page
    assert "安全事件" not in page  # the safety incident is not public
    by_code = client.get(reverse("credit_public:lookup"), {"q": enterprise.identifier}).content.decode()
    assert 'data-testid="public-result"' in by_code
    # A person is found only by exact key, and shown masked.
    by_key = client.get(reverse("credit_public:lookup"), {"q": provider.identifier}).content.decode()
    assert 'data-testid="public-result"' in by_key
    assert f"<code data-testid=\"public-identifier\">{provider.identifier}" not in by_key
    # Partial keys find nobody; names of persons are not searchable.
    assert 'data-testid="public-result"' not in client.get(
        reverse("credit_public:lookup"), {"q": provider.identifier[:6]}).content.decode()


@pytest.mark.parametrize("q", ["x" * 10000, "\x00\x01", "'; DROP TABLE x; --", "%", "<script>"])
def test_public_lookup_hostile_queries(client, files, q):
    response = client.get(reverse("credit_public:lookup"), {"q": q})
    assert response.status_code == 200
    if q == "<script>":
        assert b'value="&lt;script&gt;"' in response.content


def test_public_lookup_is_rate_limited(client, files, settings):
    settings.SHARECITY_RATE_LIMITS = {**settings.SHARECITY_RATE_LIMITS, "public": {"rate": "2/m"}}
    codes = [client.get(reverse("credit_public:lookup"), {"q": "鹭岛"}).status_code for _ in range(4)]
    assert codes[-1] == 429


@pytest.mark.parametrize("query", [{"page": "abc"}, {"page": "-5"}, {"district": "999999"}, {"q": "a\x00b" * 100},
                                   {"grade": "<b>"}, {"kind": "x" * 300}, {"district": "120101"}])
def test_list_hostile_filters_give_a_page_not_an_error(client, files, query):
    signed_in(client, officer(district_code="350203"))
    assert client.get(reverse("hub_credit:list"), query).status_code == 200


def test_pages_in_english(client, files):
    provider, _ = files
    signed_in(client, officer(city_code="350200"))
    client.cookies["django_language"] = "en"
    page = client.get(reverse("hub_credit:detail", args=[provider.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How the score was reached" in page and "Contract-keeping" in page
    assert "Credit lookup" in client.get(reverse("credit_public:lookup"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_openapi_documents_the_credit_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/hub/credit/subjects", "/api/v1/hub/credit/subjects/{subject_id}", "/api/v1/hub/credit/scorecard",
            "/api/v1/public/credit"} <= set(paths)


@pytest.mark.parametrize("as_of", ["abc", "1900-01-01", "2999-12-31", "2026-01-01"])
def test_detail_as_of_any_input_gives_a_page(client, files, as_of):
    provider, _ = files
    signed_in(client, officer(city_code="350200"))
    assert client.get(reverse("hub_credit:detail", args=[provider.pk]), {"as_of": as_of}).status_code == 200


def test_commitment_then_fulfilment_through_the_pages(client, files):
    provider, enterprise = files
    signed_in(client, officer(district_code="350203"))
    response = client.post(reverse("hub_credit:commitment_add", args=[provider.pk]), {
        "commitment_type": "industry", "content": "明码标价", "liability": "违诺接受失信惩戒",
        "valid_from": "2026-01-01", "valid_until": "2026-12-31"})
    assert response.status_code == 302
    record = provider.records.get(kind="commitment")
    url = reverse("hub_credit:fulfilment", args=[provider.pk, record.pk])
    for bad in ({"fulfilment": "mostly"}, {"fulfilment": "full", "note": "x" * 900}, {}):
        client.post(url, bad)
        record.refresh_from_db()
        assert record.detail["fulfilment"] == ""
    # The record through another file's address: refused, unchanged.
    client.post(reverse("hub_credit:fulfilment", args=[enterprise.pk, record.pk]), {"fulfilment": "none"})
    record.refresh_from_db()
    assert record.detail["fulfilment"] == ""
    assert client.post(url, {"fulfilment": "partial"}).status_code == 302
    record.refresh_from_db()
    assert record.detail["fulfilment"] == "partial" and record.polarity == -1
    client.force_login(officer(district_code="350206"))
    assert client.post(url, {"fulfilment": "full"}).status_code == 404
