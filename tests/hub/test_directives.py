"""Hub directives: issuing (regulators only, default deadlines in working days, audited and queued
down in one transaction), the platform's acknowledgement, and the regulators' pages."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.schemas import DirectiveAcknowledgedV1
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.directives.models import Directive, DirectiveStatus
from sharecity.hub.directives.selectors import directive_counts, directives_open, directives_overdue
from sharecity.hub.directives.services import directive_acknowledged, directive_issue
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.errors import Forbidden, InvalidInput
from sharecity.kernel.models import AuditEvent, OutboxMessage
from sharecity.kernel.timeutil import CITY_TZ, city_datetime
from sharecity.kernel.workdays import add_workdays
from tests import factories

pytestmark = pytest.mark.django_db

DEPARTMENT = "厦门市市场监督管理局"
LAW = "《电子商务法》第二十五条"
# The day before National Day: the next working days skip the whole Golden Week.
BEFORE_HOLIDAY = city_datetime(dt.date(2025, 9, 30), dt.time(10, 0))


@pytest.fixture
def registered():
    """A platform registered at the hub (its registration delivered through the exchange)."""
    platform = factories.make_platform(slug="ludao", name="鹭岛共享停车")
    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)
    return platform


@pytest.fixture
def regulator():
    user = factories.make_user("regulator")
    regulator_profile_set(actor=None, user=user, department=DEPARTMENT)
    return user


def assistance(regulator, platform_id: str, **overrides) -> Directive:
    fields = {"legal_reference": LAW, "case_id": "XM-2025-0931", "request": "提供该车位近三个月的订单记录",
              "order_ids": ["o-1"]}
    fields.update(overrides)
    return directive_issue(actor=regulator, platform_id=platform_id, directive_type="assistance.request", **fields)


def test_an_assistance_request_is_due_five_working_days_later_skipping_national_day(registered, regulator):
    directive = assistance(regulator, registered.exchange_id, now=BEFORE_HOLIDAY)
    due = add_workdays(dt.date(2025, 9, 30), 5)
    assert due > dt.date(2025, 10, 8)  # after the holiday, not five calendar days
    assert directive.deadline.astimezone(CITY_TZ).date() == due
    assert directive.deadline.astimezone(CITY_TZ).time() == dt.time(23, 59, 59)
    assert directive.department == DEPARTMENT
    assert directive.payload["issued_by"] == DEPARTMENT
    assert dt.datetime.fromisoformat(directive.payload["deadline"]) == directive.deadline


def test_each_type_has_its_default_deadline(registered, regulator):
    pid = registered.exchange_id
    start = BEFORE_HOLIDAY.date()
    recall = directive_issue(actor=regulator, platform_id=pid, directive_type="recall.order", now=BEFORE_HOLIDAY,
                             legal_reference=LAW, recall_id="R-1", product="某型号充电桩", reason="过热起火风险",
                             measures=["stop_sales"])
    assert recall.deadline.astimezone(CITY_TZ).date() == add_workdays(start, 3)
    listing = directive_issue(actor=regulator, platform_id=pid, directive_type="credit_list.changed",
                              now=BEFORE_HOLIDAY, legal_reference=LAW, subject_key="k" * 16, subject_kind="person",
                              credit_list="black", action="added", reason="严重失信", effective_at=BEFORE_HOLIDAY)
    assert listing.deadline.astimezone(CITY_TZ).date() == add_workdays(start, 2)
    inspection = directive_issue(actor=regulator, platform_id=pid, directive_type="inspection.result",
                                 now=BEFORE_HOLIDAY, legal_reference=LAW, case_id="C-1",
                                 inspection_kind="random_spot_check", subject_type="platform", subject_id=pid,
                                 result="fail", findings=[{"code": "A1", "description": "未公示收费标准"}],
                                 inspected_at=BEFORE_HOLIDAY)
    assert inspection.deadline.astimezone(CITY_TZ).date() == add_workdays(start, 10)
    emergency = directive_issue(actor=regulator, platform_id=pid, directive_type="emergency.order",
                                now=BEFORE_HOLIDAY, legal_reference="《突发事件应对法》", emergency_id="E-1",
                                level="II", districts=["350203"], sectors=["parking"],
                                measures=[{"kind": "suspend_service", "detail": "台风期间暂停地下车位"}],
                                effective_from=BEFORE_HOLIDAY)
    assert emergency.deadline - BEFORE_HOLIDAY == dt.timedelta(hours=4)


def test_issuing_writes_directive_audit_and_a_downward_outbox_row_together(registered, regulator):
    directive = assistance(regulator, registered.exchange_id)
    message = OutboxMessage.objects.get(message_id=directive.message_id)
    assert (message.direction, message.platform_id, message.message_type) == (
        "down", registered.exchange_id, "assistance.request")
    assert message.payload == directive.payload
    audit = AuditEvent.objects.get(action="hub.directive_issue")
    assert audit.actor == regulator and audit.target_id == str(directive.pk)


def test_only_regulators_issue_and_errors_name_the_field(registered, regulator):
    with pytest.raises(Forbidden):
        assistance(factories.make_user(), registered.exchange_id)
    with pytest.raises(InvalidInput) as error:
        assistance(regulator, registered.exchange_id, case_id="")
    assert error.value.field == "case_id"
    with pytest.raises(InvalidInput) as error:
        assistance(regulator, "not-registered")
    assert error.value.field == "platform_id"
    with pytest.raises(InvalidInput) as error:
        directive_issue(actor=regulator, platform_id=registered.exchange_id, directive_type="inspection.result",
                        legal_reference=LAW, case_id="C-2", inspection_kind="targeted", subject_type="platform",
                        subject_id="x", result="fail", findings=[], inspected_at=BEFORE_HOLIDAY)
    assert error.value.field == "findings"
    with pytest.raises(InvalidInput) as error:
        assistance(regulator, registered.exchange_id, deadline=BEFORE_HOLIDAY)
    assert error.value.field == "deadline"
    assert not Directive.objects.exists()
    assert not OutboxMessage.objects.filter(direction="down").exists()


def _ack(directive: Directive, *, platform_id: str, completed: bool, action: str = "已提供订单记录"):
    envelope = SimpleNamespace(platform_id=platform_id, message_id=str(uuid.uuid4()))
    payload = DirectiveAcknowledgedV1(directive_message_id=str(directive.message_id),
                                      directive_type=directive.directive_type,
                                      acknowledged_at=dt.datetime.now(dt.UTC), action_taken=action,
                                      completed=completed)
    return directive_acknowledged(envelope=envelope, payload=payload)


def test_acknowledgements_mark_the_directive_once_and_unknown_ones_are_ignored(registered, regulator, caplog):
    directive = assistance(regulator, registered.exchange_id)
    assert list(directives_open()) == [directive]
    _ack(directive, platform_id=registered.exchange_id, completed=False, action="正在整理")
    directive.refresh_from_db()
    assert directive.status == DirectiveStatus.ACKNOWLEDGED and directive.action_taken == "正在整理"
    first = directive.acknowledged_at
    _ack(directive, platform_id=registered.exchange_id, completed=True)
    directive.refresh_from_db()
    assert directive.status == DirectiveStatus.COMPLETED and directive.acknowledged_at == first
    _ack(directive, platform_id=registered.exchange_id, completed=False, action="迟到的副本")
    directive.refresh_from_db()
    assert directive.status == DirectiveStatus.COMPLETED and directive.action_taken == "已提供订单记录"
    # Another platform cannot answer for this one.
    other = assistance(regulator, registered.exchange_id)
    assert _ack(other, platform_id="someone-else", completed=True) is None
    other.refresh_from_db()
    assert other.status == DirectiveStatus.SENT
    assert "unknown directive" in caplog.text


def test_overdue_is_a_sent_directive_past_its_deadline(registered, regulator):
    late = assistance(regulator, registered.exchange_id, now=BEFORE_HOLIDAY)
    current = assistance(regulator, registered.exchange_id)
    assert list(directives_overdue()) == [late]
    assert directive_counts() == {"open": 2, "overdue": 1}
    _ack(late, platform_id=registered.exchange_id, completed=False)
    assert list(directives_overdue()) == []
    assert list(directives_open()) == [current]


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def client() -> Client:
    return Client(headers={"accept-language": "en"})


def test_regulator_issues_from_the_form_and_sees_it_in_the_list(client, registered, regulator):
    client.force_login(regulator)
    page = client.get(reverse("hub_directives:new", args=["assistance.request"]))
    assert page.status_code == 200
    assert 'name="platform_id__q"' in page.text and 'role="combobox"' in page.text and "5 working days" in page.text
    response = client.post(reverse("hub_directives:new", args=["assistance.request"]), {
        "platform_id": registered.exchange_id, "legal_reference": LAW, "case_id": "XM-1",
        "request": "提供订单记录", "order_ids": "o-1\no-2", "confidential": "on", "deadline": "",
    })
    directive = Directive.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("hub_directives:detail", args=[directive.message_id])
    assert directive.payload["order_ids"] == ["o-1", "o-2"] and directive.payload["confidential"] is True
    listing = client.get(reverse("hub_directives:list"))
    assert listing.status_code == 200
    assert str(directive.message_id) in listing.text
    assert "Sent, awaiting acknowledgement" in listing.text
    detail = client.get(reverse("hub_directives:detail", args=[directive.message_id]))
    assert "XM-1" in detail.text and "has not acknowledged" in detail.text


def test_the_form_shows_the_rule_at_fault(client, registered, regulator):
    client.force_login(regulator)
    response = client.post(reverse("hub_directives:new", args=["inspection.result"]), {
        "platform_id": registered.exchange_id, "legal_reference": LAW, "case_id": "C-9",
        "inspection_kind": "targeted", "subject_type": "platform", "subject_id": registered.exchange_id,
        "result": "fail",
        "findings": "", "inspected_at": "2026-01-05T10:00",
    })
    assert response.status_code == 400
    assert "a failed inspection names at least one finding" in response.text
    assert not Directive.objects.exists()


def test_overdue_directives_are_highlighted_and_counted_on_the_dashboard(client, registered, regulator):
    late = assistance(regulator, registered.exchange_id, now=BEFORE_HOLIDAY)
    client.force_login(regulator)
    listing = client.get(reverse("hub_directives:list"))
    assert f'data-message-id="{late.message_id}" class="overdue"' in listing.text
    assert 'data-testid="overdue-count">1<' in listing.text
    dashboard = client.get(reverse("monitoring:figures"))
    assert 'data-testid="directives-overdue">1<' in dashboard.text
    assert 'data-testid="directives-open">1<' in dashboard.text


def test_non_regulators_get_403_and_strangers_the_login_page(client, registered):
    client.force_login(factories.make_user())
    for url in (reverse("hub_directives:list"), reverse("hub_directives:new", args=["recall.order"])):
        assert client.get(url).status_code == 403
    response = client.post(reverse("hub_directives:new", args=["assistance.request"]), {
        "platform_id": registered.exchange_id, "legal_reference": LAW, "case_id": "XM-1", "request": "x",
    })
    assert response.status_code == 403
    assert "Only regulator staff" in response.text
    assert not Directive.objects.exists()
    anonymous = Client()
    assert anonymous.get(reverse("hub_directives:list")).status_code == 302


def test_an_unknown_type_is_not_found(client, regulator):
    client.force_login(regulator)
    assert client.get(reverse("hub_directives:new", args=["order.created"])).status_code == 404


def test_an_emergency_order_can_name_the_life_service_sectors():
    """A typhoon order reaches ride-hailing and shared bikes, not only the first slice's sectors."""
    from django.utils.translation import override

    from sharecity.hub.directives.forms import EmergencyOrderForm

    with override("zh-hans"):
        form = EmergencyOrderForm(jurisdiction=Jurisdiction(city_code="350200"))
        choices = {value: str(label) for value, label in form.fields["sectors"].choices}
    assert choices["ride_hailing"] == "网约车" and choices["bike_sharing"] == "共享单车"
    assert {"beauty", "laundry", "repair", "community_retail", "long_term_rental"} <= set(choices)
