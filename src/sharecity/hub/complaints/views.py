"""Pages of the third-party complaint platform. Public (no login, mobile first): file a complaint, follow it with
the tracking code and secret, see each platform's response rate. The association's console under
/hub/complaints/: the queue, one complaint with its decisions, platforms' ODR commitments. Thin: reads are
``selectors``, writes ``services``, as in the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sharecity.hub.complaints import selectors, services
from sharecity.hub.complaints.api import complaint_out, evidence_for, tracked_out
from sharecity.hub.complaints.forms import CloseForm, FileForm, OdrForm, RefuseForm, TrackForm
from sharecity.hub.complaints.models import Evidence, Status, ThirdPartyComplaint
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.kernel.districts import DISTRICTS, district_name
from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.kernel.evidence import EVIDENCE_MAX_BYTES, EVIDENCE_MAX_FILES
from sharecity.kernel.timeutil import CITY_TZ

PAGE_SIZE = 50
SESSION_KEY = "tpc_tracked"  # tracking codes this browser opened with their secret
DEFAULT_CITY = "350200"


def _language() -> str:
    return get_language() or "zh-hans"


def _zh() -> bool:
    return _language().startswith("zh")


def _city(request) -> str:
    city = request.GET.get("city", "") or request.POST.get("city", "") or DEFAULT_CITY
    return city if any(d.city_code == city for d in DISTRICTS.values()) else DEFAULT_CITY


def _choices(city: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    from sharecity.hub.registry.selectors import registered_platform_names

    ids = Jurisdiction(city_code=city).platform_ids()
    platforms = sorted(((pid, name) for pid, name in registered_platform_names().items() if pid in ids),
                       key=lambda item: item[1])
    districts = [(code, district_name(code, language=_language())) for code, d in DISTRICTS.items()
                 if d.city_code == city]
    return platforms, districts


def _form_error(form, error: ShareCityError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


# --- public ------------------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def file_complaint(request):
    city = _city(request)
    platforms, districts = _choices(city)
    form = FileForm(request.POST or None, platforms=platforms, districts=districts)
    evidence_error = ""
    status = 200
    if request.method == "POST":
        files = request.FILES.getlist("evidence")
        if form.is_valid():
            try:
                filed = services.complaint_file(evidence=files, **form.cleaned_data)
            except ShareCityError as error:
                if error.field == "evidence":
                    evidence_error = str(error.message)
                else:
                    _form_error(form, error)
                status = error.http_status
            else:
                _remember(request, filed.complaint)
                return render(request, "hub_complaints/filed.html", {"complaint": filed.complaint,
                                                                     "secret": filed.secret})
        else:
            status = 400
    return render(request, "hub_complaints/file.html", {
        "form": form, "city": city, "evidence_error": evidence_error,
        "limits": selectors.limits_in_force(on=timezone.now().astimezone(CITY_TZ).date()),
        "max_files": EVIDENCE_MAX_FILES, "max_mb": EVIDENCE_MAX_BYTES // (1024 * 1024),
    }, status=status)


def _remember(request, complaint: ThirdPartyComplaint) -> None:
    codes = [code for code in request.session.get(SESSION_KEY, []) if code != complaint.tracking_code]
    request.session[SESSION_KEY] = [complaint.tracking_code, *codes][:20]


def _tracked_page(request, complaint: ThirdPartyComplaint):
    return render(request, "hub_complaints/tracked.html", {
        "complaint": complaint, "data": tracked_out(complaint), "zh": _zh(),
        "can_withdraw": complaint.status in (Status.FILED, Status.WITH_PLATFORM, Status.MEDIATION),
        "track_form": TrackForm(initial={"code": complaint.tracking_code}),
    })


@require_http_methods(["GET", "POST"])
def track(request):
    """The tracking form; posted with the code and secret, the complaint (and this browser remembers it)."""
    form = TrackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                complaint = selectors.complaint_track(code=form.cleaned_data["code"],
                                                      secret=form.cleaned_data["secret"])
            except NotFound as error:
                form.add_error(None, str(error.message))
                status = 404
            else:
                _remember(request, complaint)
                return redirect("tpc_public:tracked", code=complaint.tracking_code)
        else:
            status = 400
    return render(request, "hub_complaints/track.html", {"form": form}, status=status)


def _remembered(request, code: str) -> ThirdPartyComplaint:
    if code not in request.session.get(SESSION_KEY, []):
        raise Http404(_("Open the complaint with its tracking code and secret."))
    complaint = ThirdPartyComplaint.objects.filter(tracking_code=code).first()
    if complaint is None:
        raise Http404(_("Open the complaint with its tracking code and secret."))
    return complaint


@require_GET
def tracked(request, code: str):
    return _tracked_page(request, _remembered(request, code))


@require_POST
def withdraw(request):
    form = TrackForm(request.POST)
    if not form.is_valid():
        raise Http404(_("Open the complaint with its tracking code and secret."))
    try:
        complaint = services.complaint_withdraw(code=form.cleaned_data["code"], secret=form.cleaned_data["secret"])
    except NotFound:
        raise Http404(_("Open the complaint with its tracking code and secret.")) from None
    except ShareCityError as error:
        messages.error(request, str(error.message))
        return redirect("tpc_public:track")
    _remember(request, complaint)
    messages.success(request, _("You withdrew the complaint."))
    return redirect("tpc_public:tracked", code=complaint.tracking_code)


@require_GET
def complainant_evidence(request, code: str, evidence_id):
    complaint = _remembered(request, code)
    item = Evidence.objects.filter(complaint=complaint, public_id=evidence_id).first()
    if item is None:
        raise Http404(_("No such file."))
    return _file(item)


def _file(item: Evidence) -> HttpResponse:
    """The file as an attachment (at most 5 MB, read whole), never rendered inline."""
    with item.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(True, item.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def response_rates(request):
    city = request.GET.get("city", "")
    city = city if any(d.city_code == city for d in DISTRICTS.values()) else ""
    rows = selectors.platform_response_rows(city_code=city or None)
    for row in rows:
        row["rate_percent"] = None if row["response_rate"] is None else round(row["response_rate"] * 100, 1)
    return render(request, "hub_complaints/rates.html", {"rows": rows})


# --- the association's console -----------------------------------------------------------------------------------

def _viewer(request) -> selectors.Viewer:
    viewer = selectors.viewer_for(request.user)
    if viewer is None:
        raise PermissionDenied(_("Only the association's staff and regulators may see complaints."))
    return viewer


def _scope(viewer: selectors.Viewer) -> str:
    if viewer.staff is not None:
        return viewer.staff.association
    assert viewer.jurisdiction is not None
    return viewer.jurisdiction.label(language=_language())


@require_GET
def queue(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    viewer = _viewer(request)
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    rows = selectors.complaint_queue(viewer=viewer, status=status or None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    names = viewer.platform_names()
    now = timezone.now()
    return render(request, "hub_complaints/queue.html", {
        "scope": _scope(viewer), "page": page, "status": status, "statuses": Status.choices,
        "counts": selectors.counts_by_status(viewer=viewer), "is_staff": viewer.staff is not None,
        "items": [{"c": c, "platform_name": names.get(c.platform_id, c.platform_id),
                   "overdue": (c.status == Status.FILED and c.acceptance_due < now)
                   or (c.status == Status.WITH_PLATFORM and c.platform_due is not None and c.platform_due < now)}
                  for c in page.object_list],
    })


def _detail(request, viewer, complaint, *, refuse_form=None, close_form=None, status: int = 200):
    names = viewer.platform_names()
    return render(request, "hub_complaints/detail.html", {
        "c": complaint, "data": complaint_out(viewer, complaint), "zh": _zh(),
        "platform_name": names.get(complaint.platform_id, complaint.platform_id),
        "district": district_name(complaint.district_code, language=_language()),
        "refuse_form": refuse_form or RefuseForm(), "close_form": close_form or CloseForm(),
    }, status=status)


@require_GET
def detail(request, public_id):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    viewer = _viewer(request)
    try:
        complaint = selectors.complaint_get(viewer=viewer, public_id=public_id)
    except NotFound:
        raise Http404(_("No such complaint.")) from None
    return _detail(request, viewer, complaint)


ACTIONS = ("accept", "refuse", "close", "responded")


@require_POST
def action(request, public_id, action: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if action not in ACTIONS:
        raise Http404
    viewer = _viewer(request)
    try:
        complaint = selectors.complaint_get(viewer=viewer, public_id=public_id)
    except NotFound:
        raise Http404(_("No such complaint.")) from None
    if not viewer.decides(complaint):
        raise PermissionDenied(_("Only the association's staff decide on complaints."))
    refuse_form = RefuseForm(request.POST) if action == "refuse" else None
    close_form = CloseForm(request.POST) if action == "close" else None
    form = refuse_form or close_form
    if form is not None and not form.is_valid():
        return _detail(request, viewer, complaint, refuse_form=refuse_form, close_form=close_form, status=400)
    try:
        if action == "accept":
            services.complaint_accept(actor=request.user, complaint_id=complaint.public_id)
        elif action == "refuse":
            services.complaint_refuse(actor=request.user, complaint_id=complaint.public_id,
                                      reason=form.cleaned_data["reason"])
        elif action == "close":
            services.complaint_close(actor=request.user, complaint_id=complaint.public_id,
                                     outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"])
        else:
            services.platform_response_record(actor=request.user, complaint_id=complaint.public_id)
    except ShareCityError as error:
        if form is not None:
            _form_error(form, error)
        else:
            messages.error(request, str(error.message))
        complaint.refresh_from_db()
        return _detail(request, viewer, complaint, refuse_form=refuse_form, close_form=close_form,
                       status=error.http_status)
    messages.success(request, _("Saved; the complainant is told."))
    return redirect("hub_complaints:detail", public_id=complaint.public_id)


@require_http_methods(["GET", "POST"])
def odr(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    viewer = _viewer(request)
    names = viewer.platform_names()
    platforms = sorted(names.items(), key=lambda item: item[1])
    form = OdrForm(request.POST or None, platforms=platforms)
    status = 200
    if request.method == "POST":
        if viewer.staff is None:
            raise PermissionDenied(_("Only the association's staff record commitments."))
        if form.is_valid():
            try:
                services.odr_commitment_set(actor=request.user, platform_id=form.cleaned_data["platform_id"],
                                            committed=form.cleaned_data["committed"])
            except ShareCityError as error:
                _form_error(form, error)
                status = error.http_status
            else:
                messages.success(request, _("Saved."))
                return redirect("hub_complaints:odr")
        else:
            status = 400
    rows = [{"row": row, "name": names.get(row.platform_id, row.platform_id)}
            for row in selectors.odr_commitments(city_code=viewer.city_code) if row.platform_id in names]
    return render(request, "hub_complaints/odr.html", {"rows": rows, "form": form, "is_staff": viewer.staff is not None,
                                                       "scope": _scope(viewer)}, status=status)


@require_GET
def evidence(request, evidence_id):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        item = evidence_for(user=request.user, evidence_id=evidence_id)
    except NotFound:
        raise Http404(_("No such file.")) from None
    return _file(item)
