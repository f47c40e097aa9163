"""Listing photos go through the platform's moderators: a new or replacing photo is hidden from the public until
approved; the operator's queue shows it with its thumbnail; a rejected photo stays hidden and its provider reads
the reason. The same queue and decisions through the API, with hostile input answered 4xx."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sharecity.kernel.models import OutboxMessage
from sharecity.market.listings.models import ListingPhoto
from sharecity.market.listings.services import listing_photo_add, listing_photo_remove, listing_photo_replace
from sharecity.market.moderation.models import ModerationCase, StatementOfReasons
from tests import factories
from tests.market.engine_factories import make_listing
from tests.market.listings.test_photos import approved, photo_url, picture
from tests.market.moderation.helpers import make_operator

pytestmark = pytest.mark.django_db

SMALL = picture(size=(300, 300))


@pytest.fixture
def listing(platform, provider):
    return make_listing(platform, provider, category_code="hair_salon", title="社区理发店",
                        attributes={"services": ["cut"], "stylists": 2})


@pytest.fixture
def operator(platform):
    return make_operator(platform)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _public_page(listing) -> str:
    return Client().get(f"/p/{listing.platform.slug}/market/listings/{listing.public_id}/").content.decode()


def _queue(operator, platform) -> str:
    return _client(operator).get(f"/p/{platform.slug}/operator/moderation/").content.decode()


def _decide(operator, case, **form):
    return _client(operator).post(f"/p/{case.platform.slug}/operator/moderation/{case.public_id}/decide/", form)


def test_a_new_photo_is_hidden_from_the_public_and_queued_with_its_thumbnail(listing, provider, operator, platform):
    photo = listing_photo_add(actor=provider, listing=listing, data=SMALL, name="a.jpg")
    assert Client().get(photo_url(listing, photo)).status_code == 404
    assert photo_url(listing, photo, "thumbnail") not in _public_page(listing)
    public = Client().get(f"/api/v1/catalog/listings/{listing.public_id}", {"platform": platform.slug}).json()
    assert public["photos"] == []
    # The provider sees it, marked as waiting; the operator sees it in the queue with its thumbnail.
    mine = _client(provider).get(f"/p/{platform.slug}/listings/{listing.public_id}/photos/").content.decode()
    assert 'data-review="pending"' in mine and "尚未向公众展示" in mine
    queue = _queue(operator, platform)
    assert 'data-testid="case-photo"' in queue and photo_url(listing, photo, "thumbnail") in queue
    assert _client(operator).get(photo_url(listing, photo, "thumbnail")).status_code == 200


def test_an_approved_photo_is_shown_with_the_listing(listing, provider, operator):
    photo = listing_photo_add(actor=provider, listing=listing, data=SMALL, name="a.jpg")
    case = ModerationCase.objects.get(subject_type="photo", subject_id=str(photo.public_id))
    assert _decide(operator, case, decision="approve").status_code == 302
    assert photo_url(listing, photo, "thumbnail") in _public_page(listing)
    assert Client().get(photo_url(listing, photo)).status_code == 200
    assert 'data-testid="case-photo"' not in _queue(operator, listing.platform)


def test_a_rejected_photo_stays_hidden_and_its_provider_reads_the_reason(listing, provider, operator, platform):
    photo = listing_photo_add(actor=provider, listing=listing, data=SMALL, name="a.jpg")
    case = ModerationCase.objects.get(subject_type="photo", subject_id=str(photo.public_id))
    assert _decide(operator, case, decision="reject", reason="").status_code == 400  # a reason is required
    assert _decide(operator, case, decision="reject", reason="照片中含有联系电话。").status_code == 302
    assert Client().get(photo_url(listing, photo)).status_code == 404
    assert photo_url(listing, photo, "thumbnail") not in _public_page(listing)
    mine = _client(provider).get(f"/p/{platform.slug}/listings/{listing.public_id}/photos/").content.decode()
    assert 'data-review="rejected"' in mine and "照片中含有联系电话。" in mine
    (statement,) = StatementOfReasons.objects.filter(subject_type="photo", subject_id=str(photo.public_id))
    assert statement.decision == "rejected" and statement.facts == "照片中含有联系电话。"
    # The exchange's moderation.decision names listings, reviews and accounts: a photo is not reported.
    assert not OutboxMessage.objects.filter(message_type="moderation.decision").exists()


def test_replacing_an_approved_photo_of_a_live_listing_holds_the_new_one(listing, provider, operator):
    old = approved(listing_photo_add(actor=provider, listing=listing, data=SMALL, name="a.jpg"))
    new = listing_photo_replace(actor=provider, listing=listing, photo_id=old.public_id, data=picture(),
                                name="b.jpg")
    assert new.position == old.position and not ListingPhoto.objects.filter(pk=old.pk).exists()
    page = _public_page(listing)
    assert photo_url(listing, old, "thumbnail") not in page and photo_url(listing, new, "thumbnail") not in page
    assert ModerationCase.objects.filter(subject_type="photo", subject_id=str(new.public_id), status="open").exists()
    approved(new)
    assert photo_url(listing, new, "thumbnail") in _public_page(listing)


def test_replacing_on_the_photos_page(listing, provider, platform):
    old = approved(listing_photo_add(actor=provider, listing=listing, data=SMALL, name="a.jpg"))
    url = f"/p/{platform.slug}/listings/{listing.public_id}/photos/{old.public_id}/replace/"
    done = _client(provider).post(url, {"photo": SimpleUploadedFile("b.jpg", picture(), content_type="image/jpeg")})
    assert done.status_code == 302
    (new,) = ListingPhoto.objects.filter(listing=listing)
    assert new.review == "pending" and new.public_id != old.public_id
    stranger = _client(factories.make_provider(platform))
    other = f"/p/{platform.slug}/listings/{listing.public_id}/photos/{new.public_id}/replace/"
    assert stranger.post(other, {"photo": SimpleUploadedFile("c.jpg", SMALL)}).status_code == 404


def test_removing_a_waiting_photo_takes_it_out_of_the_queue(listing, provider, operator):
    photo = listing_photo_add(actor=provider, listing=listing, data=SMALL, name="a.jpg")
    listing_photo_remove(actor=provider, listing=listing, photo_id=photo.public_id)
    assert not ModerationCase.objects.filter(subject_type="photo").exists()
    assert 'data-testid="case-photo"' not in _queue(operator, listing.platform)


# --- the API -------------------------------------------------------------------------------------------------------


@pytest.fixture
def api(platform):
    key = factories.api_key(platform)

    def call(method, path, body=None, *, user=None, files=None, key_=None, slug=None):
        headers = {"X-API-Key": key_ or key}
        if user is not None:
            headers["X-Acting-User"] = str(user.public_id)
        url = f"/api/v1/p/{slug or platform.slug}{path}"
        if files is not None:
            return Client().post(url, files, headers=headers)
        if method == "GET":
            return Client().get(url, headers=headers)
        return Client().post(url, body, content_type="application/json", headers=headers)
    return call


def test_the_api_queue_shows_the_photo_and_the_decision_reaches_the_provider(api, listing, provider, operator):
    photo = listing_photo_add(actor=provider, listing=listing, data=SMALL, name="a.jpg")
    (case,) = [c for c in api("GET", "/moderation/cases", user=operator).json() if c["subject_type"] == "photo"]
    assert case["subject_id"] == str(photo.public_id) and case["listing_id"] == str(listing.public_id)
    assert case["thumbnail_url"].endswith(photo_url(listing, photo, "thumbnail"))
    assert api("POST", f"/moderation/cases/{case['id']}/decide", {"approve": False}, user=operator).json()[
        "field"] == "reason"
    decided = api("POST", f"/moderation/cases/{case['id']}/decide", {"approve": False, "reason": "画面模糊"},
                  user=operator)
    assert decided.status_code == 200 and decided.json()["outcome"] == "rejected"
    (mine,) = api("GET", f"/listings/{listing.public_id}/photos", user=provider).json()
    assert (mine["review"], mine["review_reason"]) == ("rejected", "画面模糊")
    again = api("POST", f"/moderation/cases/{case['id']}/decide", {"approve": True}, user=operator)
    assert again.status_code == 409


def test_the_api_replaces_a_photo_and_the_new_one_waits(api, listing, provider):
    old = approved(listing_photo_add(actor=provider, listing=listing, data=SMALL, name="a.jpg"))
    replaced = api("POST", f"/listings/{listing.public_id}/photos/{old.public_id}/replace", user=provider,
                   files={"photo": SimpleUploadedFile("b.png", picture("PNG"), content_type="image/png")})
    assert replaced.status_code == 201, replaced.content
    assert replaced.json()["review"] == "pending" and replaced.json()["id"] != str(old.public_id)


@pytest.mark.parametrize("body", [
    {"approve": "perhaps"}, {"approve": ["yes"]}, {}, {"approve": False, "reason": {"x": 1}}, [],
])
def test_wrong_types_in_a_decision_answer_4xx(api, listing, provider, operator, body):
    photo = listing_photo_add(actor=provider, listing=listing, data=SMALL, name="a.jpg")
    case = ModerationCase.objects.get(subject_id=str(photo.public_id))
    response = api("POST", f"/moderation/cases/{case.public_id}/decide", body, user=operator)
    assert 400 <= response.status_code < 500
    assert ListingPhoto.objects.get(pk=photo.pk).review == "pending"


def test_another_platforms_photo_and_case_are_not_found(api, listing, provider, operator):
    photo = listing_photo_add(actor=provider, listing=listing, data=SMALL, name="a.jpg")
    case = ModerationCase.objects.get(subject_id=str(photo.public_id))
    other = factories.make_platform()
    other_key = factories.api_key(other)
    other_operator = make_operator(other)
    decided = api("POST", f"/moderation/cases/{case.public_id}/decide", {"approve": True}, user=other_operator,
                  key_=other_key, slug=other.slug)
    assert decided.status_code == 404
    cases = api("GET", "/moderation/cases", user=other_operator, key_=other_key, slug=other.slug).json()
    assert cases == []
    replaced = api("POST", f"/listings/{listing.public_id}/photos/{photo.public_id}/replace", key_=other_key,
                   slug=other.slug, files={"photo": SimpleUploadedFile("b.jpg", SMALL)})
    assert replaced.status_code == 404
    made_up = api("POST", f"/listings/{listing.public_id}/photos/{uuid.uuid4()}/replace", user=provider,
                  files={"photo": SimpleUploadedFile("b.jpg", SMALL)})
    assert made_up.status_code == 404 and made_up.json()["field"] == "photo_id"
    assert ListingPhoto.objects.get(pk=photo.pk).review == "pending"


def test_a_provider_cannot_approve_their_own_photo(api, listing, provider):
    photo = listing_photo_add(actor=provider, listing=listing, data=SMALL, name="a.jpg")
    case = ModerationCase.objects.get(subject_id=str(photo.public_id))
    response = api("POST", f"/moderation/cases/{case.public_id}/decide", {"approve": True}, user=provider)
    assert response.status_code == 403
    not_a_picture = api("POST", f"/listings/{listing.public_id}/photos/{photo.public_id}/replace", user=provider,
                        files={"photo": SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>")})
    assert not_a_picture.status_code == 400 and not_a_picture.json()["field"] == "photo"
