"""Credit pages: the officers' file list, a file with its grade explained, the scorecard editor, and the
public credit lookup (no sign-in; the ``public`` rate limit applies to it as to every anonymous request)."""

from __future__ import annotations

import copy
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sharecity.hub.credit import selectors, services
from sharecity.hub.credit.forms import CommitmentForm, FulfilmentForm, HonourForm
from sharecity.hub.credit.models import RecordKind, SubjectKind
from sharecity.hub.credit.scoring import GRADES
from sharecity.hub.registry.jurisdiction import jurisdiction_required
from sharecity.kernel.districts import DISTRICTS, district_name
from sharecity.kernel.errors import ShareCityError
from sharecity.kernel.timeutil import CITY_TZ

PAGE_SIZE = 25
# Filtering by grade scores every file in scope: bounded so a page stays quick.
GRADE_FILTER_MAX = 2000
QUERY_MAX = 60


def _today() -> dt.date:
    return timezone.now().astimezone(CITY_TZ).date()


def _language() -> str:
    return get_language() or "zh-hans"


def _clean_query(value: str) -> str:
    value = (value or "")[:QUERY_MAX]
    return "".join(ch for ch in value if ch.isprintable()).strip()


@login_required
@require_GET
def file_list(request):
    jurisdiction = jurisdiction_required(request.user)
    q = _clean_query(request.GET.get("q", ""))
    kind = request.GET.get("kind", "")
    kind = kind if kind in SubjectKind.values else ""
    district = request.GET.get("district", "")
    district = district if jurisdiction.covers_district(district) and district in DISTRICTS else ""
    grade = request.GET.get("grade", "")
    grade = grade if grade in GRADES else ""
    subjects = selectors.subjects_search(jurisdiction=jurisdiction, q=q, kind=kind, district=district)
    today = _today()
    if grade:
        candidates = list(subjects[:GRADE_FILTER_MAX])
        grades = selectors.grades_for(candidates, as_of=today)
        subjects = [s for s in candidates if grades[s.pk] == grade]
    page = Paginator(subjects, PAGE_SIZE).get_page(request.GET.get("page"))
    page_grades = grades if grade else selectors.grades_for(list(page.object_list), as_of=today)
    language = _language()
    rows = [{"subject": s, "label": selectors.subject_label(s), "identifier": selectors.shown_identifier(s),
             "grade": page_grades[s.pk], "district": district_name(s.district_code, language=language)
             if s.district_code else ""} for s in page.object_list]
    return render(request, "hub_credit/list.html", {
        "jurisdiction_label": jurisdiction.label(language=language), "rows": rows, "page": page, "q": q,
        "kind": kind, "district": district, "grade": grade, "kinds": SubjectKind.choices, "grades": GRADES,
        "districts": [(code, district_name(code, language=language)) for code in jurisdiction.district_codes()],
        "may_edit_scorecard": jurisdiction.is_city_level or jurisdiction.is_operator,
    })


@login_required
@require_GET
def file_detail(request, subject_id: int):
    subject, jurisdiction = selectors.subject_for_officer(user=request.user, subject_id=subject_id)
    return render(request, "hub_credit/detail.html",
                  _detail_context(subject, jurisdiction, as_of=_as_of(request.GET.get("as_of"))))


def _as_of(value: str | None) -> dt.date:
    """The day a grade is asked for (a past grade is explained by the version then in force); today
    when absent, unreadable or ahead."""
    today = _today()
    try:
        day = dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return today
    return min(max(day, dt.date(2000, 1, 1)), today)


def _detail_context(subject, jurisdiction, *, as_of: dt.date | None = None, **forms) -> dict:
    language = _language()
    file_score = selectors.subject_score(subject=subject, as_of=as_of or _today())
    explanation = selectors.file_explanation(file_score, language=language, jurisdiction=jurisdiction)
    return {
        "subject": subject, "label": selectors.subject_label(subject),
        "identifier": selectors.shown_identifier(subject),
        "district": district_name(subject.district_code, language=language) if subject.district_code else "",
        "explanation": explanation,
        "list_status": selectors.public_list_status(subject, today=_today()),
        "commitment_form": forms.get("commitment_form") or CommitmentForm(),
        "honour_form": forms.get("honour_form") or HonourForm(),
        "fulfilment_form": FulfilmentForm(),
        "jurisdiction_label": jurisdiction.label(language=language),
    }


def _form_post(request, subject_id: int, form_class, name: str, action):
    subject, jurisdiction = selectors.subject_for_officer(user=request.user, subject_id=subject_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(subject, form.cleaned_data)
        except ShareCityError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Saved to the credit file."))
            return redirect("hub_credit:detail", subject_id=subject.pk)
    return render(request, "hub_credit/detail.html", _detail_context(subject, jurisdiction, **{name: form}),
                  status=400)


@login_required
@require_POST
def commitment_add(request, subject_id: int):
    return _form_post(request, subject_id, CommitmentForm, "commitment_form", lambda subject, data:
                      services.credit_commitment_add(actor=request.user, subject_id=subject.pk, **data))


@login_required
@require_POST
def honour_add(request, subject_id: int):
    return _form_post(request, subject_id, HonourForm, "honour_form", lambda subject, data:
                      services.credit_honour_add(actor=request.user, subject_id=subject.pk, **data))


@login_required
@require_POST
def fulfilment_set(request, subject_id: int, record_id: int):
    subject, _jurisdiction = selectors.subject_for_officer(user=request.user, subject_id=subject_id)
    form = FulfilmentForm(request.POST)
    if not form.is_valid() or not subject.records.filter(pk=record_id, kind="commitment").exists():
        messages.error(request, _("Choose how the commitment was kept."))
        return redirect("hub_credit:detail", subject_id=subject.pk)
    try:
        services.credit_commitment_fulfilment(actor=request.user, record_id=record_id, **form.cleaned_data)
    except ShareCityError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Saved to the credit file."))
    return redirect("hub_credit:detail", subject_id=subject.pk)


# --- the scorecard editor -------------------------------------------------------------------------------


def _tree_from_post(tree: dict, post) -> dict:
    """The tree in force with the numbers the form changed (weights, bases, points, grade minimums).
    A value that is not a whole number is kept as text, so the validation names its field."""

    def number(name: str, current):
        raw = post.get(name)
        if raw is None:
            return current
        try:
            return int(raw.strip())
        except ValueError:
            return raw[:20]

    tree = copy.deepcopy(tree)
    for i, indicator in enumerate(tree["indicators"]):
        indicator["weight"] = number(f"indicators.{i}.weight", indicator["weight"])
        indicator["base"] = number(f"indicators.{i}.base", indicator["base"])
        for j, rule in enumerate(indicator["rules"]):
            rule["points"] = number(f"indicators.{i}.rules.{j}.points", rule["points"])
    for i, grade in enumerate(tree["grades"]):
        grade["min"] = number(f"grades.{i}.min", grade["min"])
    return tree


@login_required
@require_http_methods(["GET", "POST"])
def scorecard_edit(request):
    jurisdiction = jurisdiction_required(request.user)
    today = _today()
    city_code = jurisdiction.city_code or ""
    tree, version = selectors.scorecard_tree(city_code=city_code, day=today)
    error = None
    if request.method == "POST":
        if jurisdiction.district_code:
            raise PermissionDenied(_("Only city-level officers may change the scorecard."))
        tree = _tree_from_post(tree, request.POST)
        try:
            effective_from = dt.date.fromisoformat((request.POST.get("effective_from") or "")[:10])
        except ValueError:
            error = {"field": "effective_from", "message": _("Enter the date the new version takes effect.")}
        else:
            try:
                services.scorecard_version_add(actor=request.user, tree=tree, effective_from=effective_from,
                                               note=request.POST.get("note", "")[:300])
            except ShareCityError as refused:
                error = {"field": refused.field, "message": str(refused.message)}
            else:
                messages.success(request, _("The new scorecard version is saved."))
                return redirect("hub_credit:scorecard")
    language = _language()
    return render(request, "hub_credit/scorecard.html", {
        "tree": tree, "version": version, "language": language, "error": error, "today": today,
        "versions": selectors.scorecard_versions(city_code=city_code)[:50],
        "may_edit": jurisdiction.is_city_level or jurisdiction.is_operator,
        "jurisdiction_label": jurisdiction.label(language=language),
        "zh": language.startswith("zh"), "record_kinds": dict(RecordKind.choices),
    }, status=400 if error else 200)


# --- the public lookup ----------------------------------------------------------------------------------


@require_GET
def public_lookup(request):
    q = _clean_query(request.GET.get("q", ""))
    today = _today()
    results = []
    for subject in selectors.public_search(q=q):
        file_score = selectors.subject_score(subject=subject, as_of=today)
        results.append({
            "label": selectors.subject_label(subject), "identifier": selectors.shown_identifier(subject),
            "kind": subject.get_kind_display(), "grade": file_score.scorecard.grade,
            "lists": selectors.public_list_status(subject, today=today),
            "records": selectors.public_records(subject, today=today),
        })
    return render(request, "hub_credit/public.html", {"q": q, "results": results, "searched": bool(q)})
