"""Reads of the third-party complaint platform: who may see what, the queue, the tracking look-up, the time
limits in force, and each platform's response rate and time (plain rows for the open-data portal)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import statistics
import uuid

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sharecity.hub.complaints.errors import ComplaintNotFound
from sharecity.hub.complaints.models import AssociationStaff, OdrCommitment, Status, ThirdPartyComplaint, TimeLimit
from sharecity.hub.registry.jurisdiction import Jurisdiction, jurisdiction_for
from sharecity.kernel.crypto import subkey
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.kernel.workdays import workdays_between


def staff_of(user) -> AssociationStaff | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return AssociationStaff.objects.filter(user=user).first()


def secret_hash(secret: str) -> str:
    """Keyed hash of a tracking secret (HMAC-SHA256 under a key derived from the data key): the secret has
    96 random bits, so a fast keyed hash suffices, and a stolen table without the key tells nothing."""
    return hmac.new(subkey("tpc-tracking-secret"), secret.encode(), hashlib.sha256).hexdigest()


def limit_in_force(kind: str, *, on: dt.date) -> TimeLimit:
    row = TimeLimit.objects.filter(kind=kind, effective_from__lte=on).order_by("-effective_from").first()
    if row is None:
        raise RuntimeError(f"no time limit {kind} in force on {on}: load hub_complaints migration 0002")
    return row


def limits_in_force(*, on: dt.date) -> list[TimeLimit]:
    return [limit_in_force(kind, on=on) for kind in ("acceptance", "mediation", "odr_settlement")]


def odr_committed(*, platform_id: str, city_code: str) -> bool:
    return OdrCommitment.objects.filter(platform_id=platform_id, city_code=city_code, committed=True).exists()


def odr_commitments(*, city_code: str | None) -> QuerySet[OdrCommitment]:
    rows = OdrCommitment.objects.order_by("platform_id")
    return rows if city_code is None else rows.filter(city_code=city_code)


class Viewer:
    """Who looks at the queue: the association's staff of a city (all its complaints, and they decide), or a
    regulator (a city's or a district's complaints, read only) or a hub operator (every city, read only)."""

    def __init__(self, *, staff: AssociationStaff | None, jurisdiction: Jurisdiction | None) -> None:
        self.staff = staff
        self.jurisdiction = jurisdiction

    @property
    def city_code(self) -> str | None:
        if self.staff is not None:
            return self.staff.city_code
        return self.jurisdiction.city_code if self.jurisdiction is not None else None

    def filter(self, queryset: QuerySet) -> QuerySet:
        if self.staff is not None:
            return queryset.filter(city_code=self.staff.city_code)
        assert self.jurisdiction is not None
        return self.jurisdiction.filter_scoped(queryset)

    def sees(self, complaint: ThirdPartyComplaint) -> bool:
        if self.staff is not None:
            return complaint.city_code == self.staff.city_code
        assert self.jurisdiction is not None
        return self.jurisdiction.covers_scoped(complaint.city_code, complaint.district_code)

    def decides(self, complaint: ThirdPartyComplaint) -> bool:
        return self.staff is not None and complaint.city_code == self.staff.city_code

    def platform_names(self) -> dict[str, str]:
        from sharecity.hub.registry.selectors import registered_platform_names

        if self.staff is not None:
            ids = Jurisdiction(city_code=self.staff.city_code).platform_ids()
            return {pid: name for pid, name in registered_platform_names().items() if pid in ids}
        assert self.jurisdiction is not None
        return self.jurisdiction.platform_names()


def viewer_for(user) -> Viewer | None:
    staff = staff_of(user)
    if staff is not None:
        return Viewer(staff=staff, jurisdiction=None)
    jurisdiction = jurisdiction_for(user)
    return Viewer(staff=None, jurisdiction=jurisdiction) if jurisdiction is not None else None


def complaint_queue(*, viewer: Viewer, status: str | None = None) -> QuerySet[ThirdPartyComplaint]:
    rows = viewer.filter(ThirdPartyComplaint.objects.all())
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-filed_at", "-id")


def complaint_get(*, viewer: Viewer, public_id) -> ThirdPartyComplaint:
    """The complaint, or 404 alike for an unknown id and for one the viewer may not see."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise ComplaintNotFound(_("No such complaint."), field="public_id") from None
    complaint = ThirdPartyComplaint.objects.filter(public_id=public_id).first()
    if complaint is None or not viewer.sees(complaint):
        raise ComplaintNotFound(_("No such complaint."), field="public_id")
    return complaint


def complaint_track(*, code, secret) -> ThirdPartyComplaint:
    """The complaint of this tracking code and secret; the same 404 for an unknown code and a wrong secret."""
    if not isinstance(code, str) or not isinstance(secret, str) or len(code) > 16 or len(secret) > 64:
        raise ComplaintNotFound(_("No complaint has this tracking code and secret."), field="code")
    complaint = ThirdPartyComplaint.objects.filter(tracking_code=code.strip().upper()).first()
    expected = complaint.secret_hash if complaint is not None else ""
    given = secret_hash(secret.strip())
    if complaint is None or not expected or not hmac.compare_digest(expected, given):
        raise ComplaintNotFound(_("No complaint has this tracking code and secret."), field="code")
    return complaint


def counts_by_status(*, viewer: Viewer) -> dict[str, int]:
    rows = viewer.filter(ThirdPartyComplaint.objects.all())
    return {status: rows.filter(status=status).count() for status in Status.values}


def platform_response_rows(*, city_code: str | None = None) -> list[dict]:
    """Each platform's record on the third-party complaint platform, for the public table and the open-data
    portal: complaints accepted about it, how many it responded to (through online dispute resolution or in
    the association's mediation), the rate, and the mean and median working days from acceptance to its first
    response on the official calendar. Plain rows, ordered by platform name; ``city_code`` None: every city.

    Columns: platform_id, platform_name, city_code, complaints, responded, response_rate (0..1, 4 decimals,
    None without complaints), median_workdays and mean_workdays (None without responses)."""
    from sharecity.hub.registry.selectors import registered_platform_names

    names = registered_platform_names()
    rows = ThirdPartyComplaint.objects.filter(accepted_at__isnull=False)
    if city_code is not None:
        rows = rows.filter(city_code=city_code)
    grouped: dict[tuple[str, str], list[tuple[dt.datetime, dt.datetime | None]]] = {}
    for platform_id, city, accepted_at, responded_at in rows.values_list(
            "platform_id", "city_code", "accepted_at", "platform_responded_at"):
        grouped.setdefault((platform_id, city), []).append((accepted_at, responded_at))
    result = []
    for (platform_id, city), items in grouped.items():
        days = [workdays_between(accepted.astimezone(CITY_TZ).date(), responded.astimezone(CITY_TZ).date())
                for accepted, responded in items if responded is not None]
        result.append({
            "platform_id": platform_id, "platform_name": names.get(platform_id, platform_id), "city_code": city,
            "complaints": len(items), "responded": len(days),
            "response_rate": round(len(days) / len(items), 4) if items else None,
            "median_workdays": statistics.median(days) if days else None,
            "mean_workdays": round(statistics.fmean(days), 2) if days else None,
        })
    return sorted(result, key=lambda row: (row["platform_name"], row["city_code"]))
