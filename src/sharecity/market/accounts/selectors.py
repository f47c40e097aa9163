from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sharecity.exchange.pseudonyms import party_key_for_account
from sharecity.kernel.models import User
from sharecity.market.accounts.errors import CreditListed
from sharecity.market.accounts.models import CreditList, CreditListChange, ProviderProfile


def provider_profile_for(user) -> ProviderProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ProviderProfile.objects.filter(user=user).first()


def party_key(user: User) -> str:
    """The pseudonym under which the hub sees this person.

    A verified person is keyed by their identity number under the city's key, so every
    platform reports them under the same key and the hub links them without learning who
    they are; anyone else by their account.
    """
    profile = provider_profile_for(user)
    if profile is not None and profile.party_key:
        return profile.party_key
    return party_key_for_account(str(user.public_id))


def credit_listing_in_effect(*, platform, subject_keys: Iterable[str], credit_list: str = CreditList.BLACK,
                             now: dt.datetime | None = None) -> CreditListChange | None:
    """The entry that puts one of these subjects on the list at ``now`` on this platform, if any: the
    latest change that has taken effect is an addition that has not expired."""
    now = now or timezone.now()
    for key in {key for key in subject_keys if key}:
        latest = (CreditListChange.objects
                  .filter(platform=platform, subject_key=key, credit_list=credit_list, effective_at__lte=now)
                  .order_by("-effective_at", "-id").first())
        if latest is not None and latest.added and (latest.expires_at is None or now < latest.expires_at):
            return latest
    return None


def credit_listed_check(*, platform, subject_keys: Iterable[str], doing: str,
                        now: dt.datetime | None = None) -> None:
    """Refuse, saying why, what a subject on the serious-dishonesty list may not do on the platform.

    The platform applies the joint punishment the city's directive names (its own ``legal_reference``),
    as the State Council's guidance on joint rewards and punishments asks (国发〔2016〕33号) and the
    Xiamen plan asks of platforms: 协同有关部门实施失信联合惩戒措施 (厦府办〔2019〕13号 四(二)1; see
    also 四(三)6, 大力推动守信联合激励和失信联合惩戒). Red and watch lists restrict nothing here.
    """
    entry = credit_listing_in_effect(platform=platform, subject_keys=subject_keys, credit_list=CreditList.BLACK,
                                     now=now)
    if entry is None:
        return
    until = (formats.date_format(timezone.localtime(entry.expires_at), "Y-m-d") if entry.expires_at is not None
             else _("it is lifted"))
    raise CreditListed(
        _("You are on the %(list)s of %(department)s (%(reference)s) until %(until)s, so you cannot %(doing)s "
          "on this platform.") % {"list": entry.get_credit_list_display(), "department": entry.issued_by,
                                  "reference": entry.legal_reference, "until": until, "doing": doing},
        field="provider",
    )


def identity_expiry(*, user, sector: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When ``user``'s verification stops holding in ``sector`` (None: it does not expire there, or none)."""
    from sharecity.market.accounts import recheck

    now = now or timezone.now()
    rule = recheck.rule_for(sector=sector, at=now)
    profile = provider_profile_for(user)
    if rule is None or profile is None:
        return None
    return recheck.expires_at(verified_at=profile.verified_at, rule=rule)


def identity_current_check(*, user, sector: str, doing: str, now: dt.datetime | None = None) -> None:
    """Refuse what a provider whose verification ran out in ``sector`` may not do until verified again."""
    from sharecity.market.accounts.errors import IdentityRecheckDue

    now = now or timezone.now()
    expiry = identity_expiry(user=user, sector=sector, now=now)
    if expiry is not None and expiry <= now:
        raise IdentityRecheckDue(
            _("The provider's real-name verification for this kind of service ran out on %(date)s (the platform "
              "verifies it again every year here), so they cannot %(doing)s until verified again.")
            % {"date": formats.date_format(timezone.localtime(expiry), "Y-m-d"), "doing": doing},
            field="provider")


def recheck_rows(*, platform, user=None, now: dt.datetime | None = None) -> list[dict]:
    """Each (provider, vertical) of ``platform`` whose verification expires there, soonest first: ``{"user",
    "sector", "expires_at", "expired", "reminded_at"}``. ``user``: only that provider's."""
    from sharecity.market.accounts import recheck
    from sharecity.market.accounts.models import IdentityRecheckReminder
    from sharecity.market.listings.models import Listing

    now = now or timezone.now()
    listings = Listing.objects.filter(platform=platform, category__sector__in=recheck.sectors())
    if user is not None:
        listings = listings.filter(provider=user)
    rows = []
    for provider_id, sector in listings.values_list("provider_id", "category__sector").distinct():
        profile = ProviderProfile.objects.select_related("user").filter(user_id=provider_id).first()
        rule = recheck.rule_for(sector=sector, at=now)
        if profile is None or rule is None:
            continue
        expiry = recheck.expires_at(verified_at=profile.verified_at, rule=rule)
        reminder = IdentityRecheckReminder.objects.filter(user_id=provider_id, sector=sector,
                                                          expires_at=expiry).first()
        rows.append({"user": profile.user, "sector": sector, "expires_at": expiry, "expired": expiry <= now,
                     "reminded_at": reminder.reminded_at if reminder else None, "source": rule.source})
    return sorted(rows, key=lambda row: row["expires_at"])
