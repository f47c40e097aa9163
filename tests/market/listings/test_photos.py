"""Listing photos: what is accepted, what is served (re-encoded, without metadata, with the right headers), and to
whom: hostile uploads are refused naming the field, and one platform cannot read another's unpublished photos."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.translation import override
from PIL import Image

from sharecity.market.listings.errors import InvalidPhoto
from sharecity.market.listings.models import ListingPhoto, ListingStatus
from sharecity.market.listings.photos import PHOTO_MAX_BYTES, PHOTOS_PER_LISTING, photo_process
from sharecity.market.listings.services import listing_photo_add, listing_photo_remove
from sharecity.market.platforms.services import operator_add
from tests import factories
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db

GPS_TAG = 0x8825


def picture(fmt="JPEG", size=(1600, 1200), *, mode="RGB", exif=False) -> bytes:
    image = Image.new(mode, size, (200, 80, 40) if mode == "RGB" else (200, 80, 40, 128))
    out = io.BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam Inc."  # Make
        data[0x0112] = 6  # Orientation: rotated 90° clockwise
        data[GPS_TAG] = {2: (24.0, 27.0, 0.0), 1: "N"}  # where it was taken
        options["exif"] = data.tobytes()
    image.save(out, format=fmt, **options)
    return out.getvalue()


@pytest.fixture
def listing(platform, provider):
    return make_listing(platform, provider, category_code="hair_salon", title="社区理发店",
                        attributes={"services": ["cut"], "stylists": 2})


def approved(photo):
    """A moderator approves the photo, so the public sees it."""
    from sharecity.market.listings.services import listing_photo_decide
    from tests.market.moderation.helpers import make_operator

    return listing_photo_decide(actor=make_operator(photo.listing.platform), photo=photo, approve=True)


def photo_url(listing, photo, size="display") -> str:
    return f"/p/{listing.platform.slug}/listings/{listing.public_id}/photos/{photo.public_id}/{size}.jpg"


# --- what is accepted ---------------------------------------------------------------------------------------------


def test_a_phone_picture_is_turned_upright_resized_and_stripped_of_its_metadata():
    processed = photo_process(picture(exif=True), name="IMG_0001.jpg")
    display = Image.open(io.BytesIO(processed.display))
    # Orientation 6: the 1600×1200 sensor image is shown 1200 wide and 1600 high, scaled to 1280 at most.
    assert (display.width, display.height) == (960, 1280) == (processed.width, processed.height)
    assert not display.getexif() and b"SpyCam" not in processed.display and b"Exif" not in processed.display
    thumbnail = Image.open(io.BytesIO(processed.thumbnail))
    assert max(thumbnail.size) == 400 and thumbnail.format == "JPEG"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_and_served_as_jpeg(fmt):
    processed = photo_process(picture(fmt, mode="RGBA"), name=f"photo.{fmt.lower()}")
    assert Image.open(io.BytesIO(processed.display)).format == "JPEG"


@pytest.mark.parametrize(("data", "rule"), [
    (b"", "empty"),
    (b"GIF89a" + b"\x00" * 500, "not a JPEG, PNG or WebP"),
    (b"<html><script>alert(1)</script></html>", "not a JPEG, PNG or WebP"),
    (b"%PDF-1.7\n" + b"0" * 500, "not a JPEG, PNG or WebP"),
    # A polyglot: JPEG's first bytes, then a web page. It is not a picture Pillow can decode.
    (b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>" * 20, "could not be read"),
    # PNG's first bytes on a JPEG: the format must be the one the first bytes claim.
    (b"\x89PNG\r\n\x1a\n" + picture()[8:], "could not be read"),
    (picture(size=(100, 100)), "at least 200 pixels"),
    (picture("PNG", size=(8001, 200)), "largest side may be 8000"),
])
def test_hostile_or_unusable_files_are_refused_naming_the_rule(data, rule):
    with override("en"), pytest.raises(InvalidPhoto) as refused:
        photo_process(data, name="x.jpg")
    assert refused.value.field == "photo" and rule in str(refused.value.message)


def test_a_file_over_the_size_limit_is_refused_before_it_is_decoded():
    with override("en"), pytest.raises(InvalidPhoto) as refused:
        photo_process(b"\xff\xd8\xff" + b"\x00" * PHOTO_MAX_BYTES, name="huge.jpg")
    assert "larger than 8 MB" in str(refused.value.message)


def test_a_picture_with_a_file_appended_is_served_without_it(listing, provider):
    payload = b"PK\x03\x04<html><script>alert(document.cookie)</script>"
    photo = approved(listing_photo_add(actor=provider, listing=listing, data=picture("PNG") + payload,
                                       name="cat.png"))
    served = Client().get(photo_url(listing, photo))
    assert served.status_code == 200 and payload not in served.content and b"<script" not in served.content


# --- who may add, and how many -------------------------------------------------------------------------------------


def test_only_the_provider_adds_photos_and_at_most_nine(listing, provider, platform):
    stranger = factories.make_provider(platform)
    from sharecity.market.listings.errors import InvalidListing, NotYourListing

    with pytest.raises(NotYourListing):
        listing_photo_add(actor=stranger, listing=listing, data=picture(), name="a.jpg")
    small = picture(size=(300, 300))
    for _ in range(PHOTOS_PER_LISTING):
        listing_photo_add(actor=provider, listing=listing, data=small, name="a.jpg")
    with pytest.raises(InvalidListing) as refused:
        listing_photo_add(actor=provider, listing=listing, data=small, name="a.jpg")
    assert refused.value.field == "photo"
    first = listing.photos.order_by("position").first()
    listing_photo_remove(actor=provider, listing=listing, photo_id=first.public_id)
    assert list(listing.photos.values_list("position", flat=True)) == list(range(PHOTOS_PER_LISTING - 1))


# --- serving -------------------------------------------------------------------------------------------------------


def test_a_published_listings_photo_is_public_cached_and_typed(listing, provider):
    photo = approved(listing_photo_add(actor=provider, listing=listing, data=picture(), name="a.jpg"))
    response = Client().get(photo_url(listing, photo))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "immutable" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    assert Client().get(photo_url(listing, photo), headers={"If-None-Match": response["ETag"]}).status_code == 304
    thumbnail = Client().get(photo_url(listing, photo, "thumbnail"))
    assert max(Image.open(io.BytesIO(thumbnail.content)).size) == 400
    assert Client().get(photo_url(listing, photo, "original")).status_code == 404


def test_an_unpublished_listings_photo_is_seen_by_its_provider_and_staff_only(platform, provider):
    draft = make_listing(platform, provider, category_code="hair_salon", title="草稿", status=ListingStatus.DRAFT,
                         attributes={"services": ["cut"], "stylists": 2})
    photo = listing_photo_add(actor=provider, listing=draft, data=picture(), name="a.jpg")
    url = photo_url(draft, photo)
    assert Client().get(url).status_code == 404
    stranger = Client()
    stranger.force_login(factories.make_user())
    assert stranger.get(url).status_code == 404
    own = Client()
    own.force_login(provider)
    answer = own.get(url)
    assert answer.status_code == 200 and answer["Cache-Control"] == "private, no-store"
    staff = factories.make_user()
    operator_add(actor=None, platform=platform, user=staff)
    operator = Client()
    operator.force_login(staff)
    assert operator.get(url).status_code == 200


def test_another_platforms_photo_is_not_served_through_this_platform(listing, provider):
    photo = listing_photo_add(actor=provider, listing=listing, data=picture(), name="a.jpg")
    other = factories.make_platform()
    staff = factories.make_user()
    operator_add(actor=None, platform=other, user=staff)
    client = Client()
    client.force_login(staff)
    wrong = f"/p/{other.slug}/listings/{listing.public_id}/photos/{photo.public_id}/display.jpg"
    assert client.get(wrong).status_code == 404
    made_up = f"/p/{listing.platform.slug}/listings/{listing.public_id}/photos/{uuid.uuid4()}/display.jpg"
    assert client.get(made_up).status_code == 404


# --- pages ---------------------------------------------------------------------------------------------------------


def test_the_provider_uploads_on_the_photos_page_and_the_listing_page_shows_them(listing, provider):
    client = Client()
    client.force_login(provider)
    page = f"/p/{listing.platform.slug}/listings/{listing.public_id}/photos/"
    assert client.get(page).status_code == 200
    refused = client.post(page, {"photo": SimpleUploadedFile("x.jpg", b"<html>not a picture</html>")})
    assert refused.status_code == 400 and "不是 JPEG" in refused.content.decode()
    done = client.post(page, {"photo": SimpleUploadedFile("a.jpg", picture(), content_type="image/jpeg")})
    assert done.status_code == 302
    photo = ListingPhoto.objects.get(listing=listing)
    held = Client().get(f"/p/{listing.platform.slug}/market/listings/{listing.public_id}/").content.decode()
    assert photo_url(listing, photo, "thumbnail") not in held  # not before a moderator approves it
    approved(photo)
    shown = Client().get(f"/p/{listing.platform.slug}/market/listings/{listing.public_id}/").content.decode()
    assert 'data-testid="listing-photos"' in shown and photo_url(listing, photo, "thumbnail") in shown


def test_someone_elses_photos_page_is_not_found(listing, platform):
    client = Client()
    client.force_login(factories.make_provider(platform))
    assert client.get(f"/p/{platform.slug}/listings/{listing.public_id}/photos/").status_code == 404


# --- the API -------------------------------------------------------------------------------------------------------


@pytest.fixture
def api(platform):
    key = factories.api_key(platform)

    def call(method, path, *, user=None, files=None, key_=None):
        headers = {"X-API-Key": key_ or key}
        if user is not None:
            headers["X-Acting-User"] = str(user.public_id)
        url = f"/api/v1/p/{platform.slug}{path}"
        if method == "POST":
            return Client().post(url, files or {}, headers=headers)
        return Client().generic(method, url, headers=headers)
    return call


def test_the_api_adds_lists_and_removes_photos_and_the_public_listing_returns_their_urls(api, listing, provider):
    added = api("POST", f"/listings/{listing.public_id}/photos", user=provider,
                files={"photo": SimpleUploadedFile("a.png", picture("PNG"), content_type="image/png")})
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["display_url"].endswith(f"/photos/{body['id']}/display.jpg") and body["width"] == 1280
    assert [(p["id"], p["review"]) for p in api("GET", f"/listings/{listing.public_id}/photos",
                                                  user=provider).json()] == [(body["id"], "pending")]
    approved(ListingPhoto.objects.get(public_id=body["id"]))
    public = Client().get(f"/api/v1/catalog/listings/{listing.public_id}", {"platform": listing.platform.slug}).json()
    assert [p["thumbnail_url"] for p in public["photos"]] == [body["thumbnail_url"]]
    assert Client().get(body["display_url"]).status_code == 200
    removed = api("DELETE", f"/listings/{listing.public_id}/photos/{body['id']}", user=provider)
    assert removed.status_code == 204 and not ListingPhoto.objects.exists()


@pytest.mark.parametrize(("files", "field"), [
    ({}, "photo"),
    ({"photo": SimpleUploadedFile("a.gif", b"GIF89a" + b"\x00" * 100, content_type="image/gif")}, "photo"),
    ({"photo": SimpleUploadedFile("a.jpg", b"\xff\xd8\xff<script>", content_type="image/jpeg")}, "photo"),
])
def test_hostile_api_uploads_answer_4xx_naming_the_field(api, listing, provider, files, field):
    response = api("POST", f"/listings/{listing.public_id}/photos", user=provider, files=files)
    assert 400 <= response.status_code < 500 and field in response.content.decode()


def test_another_platforms_key_cannot_add_to_or_list_this_listings_photos(api, listing, provider):
    other = factories.make_platform()
    other_key = factories.api_key(other)
    response = Client().post(f"/api/v1/p/{other.slug}/listings/{listing.public_id}/photos",
                             {"photo": SimpleUploadedFile("a.jpg", picture())}, headers={"X-API-Key": other_key})
    assert response.status_code == 404
    assert api("GET", f"/listings/{listing.public_id}/photos", key_=other_key).status_code in (401, 403)
