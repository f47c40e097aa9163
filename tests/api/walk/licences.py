"""Licence routes in the tenant walk: a platform reads and replaces its own administrative licences only."""

from __future__ import annotations

from sharecity.market.platforms.models import PlatformLicence
from sharecity.market.platforms.services import licences_declare


def prepare(tenant) -> None:
    licences_declare(actor=None, platform=tenant.platform, machine=True, licences=[
        {"kind": "value_added_telecom", "number": f"闽B2-{tenant.platform.slug}", "issued_by": "福建省通信管理局",
         "valid_from": "2019-03-01", "valid_until": "2029-03-01"}])


BODIES = {
    ("PUT", "/p/{platform}/licences"): lambda t: {"licences": [
        {"kind": "other", "name": "越权许可证", "number": "X-1", "issued_by": "某局", "valid_from": "2020-01-01"}]},
}


def SNAPSHOT(platform):
    return {"licences": list(PlatformLicence.objects.filter(platform=platform).order_by("pk").values())}
