"""The city's public side (no login) in one list: the home page's services and the footer's navigation
read it, in this order. An entry shows only when its URL name resolves, so a public page another part of
the project adds is linked by one line here (and tested for accessibility by one line in
tests/browser/test_accessibility.py::PUBLIC_PAGES)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PublicPage:
    url_name: str
    title: Promise
    summary: Promise
    testid: str


PUBLIC_PAGES: list[PublicPage] = [
    PublicPage("directory:list", _("Platform directory"),
               _("Every platform operating in the city: credit code, sectors, licences, credit grade."), "directory"),
    PublicPage("credit_public:lookup", _("Credit lookup"),
               _("An enterprise's credit grade, credit lists and public records."), "credit"),
    PublicPage("inspection_public:results", _("Inspection results"),
               _("Random spot checks of the city: plans, draws and published results."), "inspection"),
    PublicPage("credit_repair:apply", _("Credit repair"),
               _("Apply to repair a credit record and follow the application."), "credit-repair"),
    # Pages other parts of issue 15 add: each appears once its URL name resolves (set the name on merge).
    PublicPage("opendata:catalogue", _("Open data"),
               _("The city's datasets, in CSV, JSON and XLSX, through a CKAN-compatible API."), "opendata"),
    PublicPage("tpc_public:file", _("Complaints"),
               _("File a complaint about any platform and follow it with its tracking code."), "complaints"),
    PublicPage("quota_public:table", _("Public-space quotas"),
               _("Each operator's evaluation and vehicle quota by zone."), "quotas"),
    PublicPage("notices_public:home", _("Rights holders' notices"),
               _("Notify a platform of an infringing listing (E-Commerce Law, Articles 42 to 45)."), "notices"),
]


def public_links() -> list[dict]:
    """The public pages that exist in this deployment, with their paths."""
    links = []
    for page in PUBLIC_PAGES:
        try:
            url = reverse(page.url_name)
        except NoReverseMatch:
            continue
        links.append({"url": url, "title": page.title, "summary": page.summary, "testid": page.testid})
    return links
