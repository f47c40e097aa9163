"""The regulator's audit log: every hub-side action appends one chained entry in its own
transaction; entries cannot be changed through the model; ``sharecity audit verify`` names the
first entry edited, removed or moved behind the model's back (raw SQL), from the database or an export."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from sharecity.cli import main as cli_main
from sharecity.exchange.keys import keypair_generate
from sharecity.hub.audit.chain import GENESIS_HASH, chain_verify, entry_hash
from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.audit.selectors import audit_rows, audit_verify
from sharecity.hub.audit.services import audit_record
from sharecity.hub.directives.services import directive_issue
from sharecity.hub.gateway.models import IngestKey
from sharecity.hub.gateway.services import external_platform_onboard, ingest_key_revoke
from sharecity.hub.registry.services import platform_key_rotate, regulator_profile_set
from sharecity.kernel.errors import Conflict, InvalidInput
from tests import factories

pytestmark = pytest.mark.django_db

DEPARTMENT = "厦门市市场监督管理局"


def public_key() -> str:
    return keypair_generate()[1]


def new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(sequence__gt=since))


def head() -> int:
    return AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


@pytest.fixture
def regulator():
    user = factories.make_user("xm-regulator")
    with transaction.atomic():
        regulator_profile_set(actor=None, user=user, department=DEPARTMENT)
    return user


@pytest.fixture
def external(regulator):
    platform, _raw = external_platform_onboard(actor=regulator, name="外部停车平台", sectors=["parking"],
                                               credit_code=factories.credit_code(), public_key=public_key(),
                                               platform_id="ext-1")
    return platform


def chain(count: int = 4) -> None:
    with transaction.atomic():
        for number in range(count):
            audit_record(actor=None, action="test.step", object_type="thing", object_id=number,
                         detail={"n": number, "text": "第" + str(number)})


# Column names are constants here (the table's own), never input.
COLUMNS = {name: AuditEntry._meta.get_field(name).column for name in (
    "occurred_at", "actor_id", "actor_name", "action", "object_type", "object_id", "detail", "prev_hash",
    "entry_hash")}


def raw_sql(sql: str, params: list) -> None:
    """Bypass the model's guard, as someone with the database's password could."""
    assert AuditEntry._meta.db_table == "hub_audit_auditentry"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# ---- every regulator action appends exactly one entry ---------------------------------------------------------

def test_a_directive_appends_one_entry_naming_the_regulator(external, regulator):
    before = head()
    directive = directive_issue(actor=regulator, platform_id="ext-1", directive_type="assistance.request",
                                legal_reference="《电子商务法》第二十五条", case_id="XM-1", request="提供订单记录",
                                order_ids=["o-1"])
    [entry] = new_entries(before)
    assert (entry.action, entry.actor_id, entry.actor_name) == ("directive.issued", regulator.pk, "xm-regulator")
    assert (entry.object_type, entry.object_id) == ("hub_directive", str(directive.message_id))
    assert entry.detail_data["platform_id"] == "ext-1"
    assert entry.detail_data["payload"]["case_id"] == "XM-1"


def test_a_refused_directive_appends_nothing(external, regulator):
    before = head()
    with pytest.raises(InvalidInput):
        directive_issue(actor=regulator, platform_id="ext-1", directive_type="assistance.request",
                        legal_reference="x", case_id="", request="r", order_ids=["o-1"])
    assert new_entries(before) == []


def test_setting_a_regulator_profile_appends_one_entry(regulator):
    admin = factories.make_user("hub-admin")
    officer = factories.make_user("officer")
    before = head()
    with transaction.atomic():
        regulator_profile_set(actor=admin, user=officer, department=DEPARTMENT, district_code="350203")
    [entry] = new_entries(before)
    assert (entry.action, entry.actor_id, entry.actor_name) == ("regulator.profile_set", admin.pk, "hub-admin")
    assert entry.detail_data == {"username": "officer", "department": DEPARTMENT, "district": "350203",
                                 "city": "350200", "department_kind": "market_supervision"}


def test_onboarding_an_external_platform_records_registration_and_key(regulator):
    before = head()
    external_platform_onboard(actor=regulator, name="外部平台", credit_code=factories.credit_code(),
                              sectors=["parking"], public_key=public_key(), platform_id="ext-2")
    entries = new_entries(before)
    assert [(e.action, e.actor_name) for e in entries] == [("platform.registered", "xm-regulator"),
                                                          ("ingest_key.issued", "xm-regulator")]
    assert "key_fingerprint" in entries[0].detail_data
    # The raw key is never in the log, only its public prefix.
    assert set(entries[1].detail_data) == {"platform_id", "label", "prefix"}


def test_revoking_an_ingest_key_appends_one_entry(external, regulator):
    key = IngestKey.objects.get(platform_id="ext-1")
    before = head()
    ingest_key_revoke(actor=regulator, key=key)
    [entry] = new_entries(before)
    assert (entry.action, entry.actor_id, entry.object_id) == ("ingest_key.revoked", regulator.pk, str(key.pk))


def test_an_operator_key_rotation_appends_one_entry(external, regulator):
    before = head()
    platform_key_rotate(actor=regulator, platform_id="ext-1", public_key=public_key(), effective_sequence=1,
                        reason="私钥泄露")
    [entry] = new_entries(before)
    assert (entry.action, entry.actor_id, entry.object_id) == ("key.rotated", regulator.pk, "ext-1")
    assert entry.detail_data["source"] == "operator"
    assert entry.detail_data["reason"] == "私钥泄露"


def test_the_register_command_names_the_operator_not_the_system(capsys):
    before = head()
    call_command("gateway_register", "--name", "命令行平台", "--credit-code", factories.credit_code(),
                 "--sectors", "parking", f"--public-key={public_key()}", "--platform-id", "cli-1")
    entries = new_entries(before)
    assert [e.action for e in entries] == ["platform.registered", "ingest_key.issued"]
    assert all(e.actor_id is None and e.actor_name.startswith("operator ") and "gateway_register" in e.actor_name
               for e in entries)


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="test.step", object_type="thing", object_id=1, detail={})
    assert not AuditEntry.objects.exists()


# ---- append-only through the model ----------------------------------------------------------------------------

def test_the_model_refuses_to_change_or_remove_an_entry():
    chain(2)
    entry = AuditEntry.objects.get(sequence=1)
    entry.action = "forged"
    for attempt in (entry.save, entry.delete, lambda: AuditEntry.objects.filter(sequence=1).update(action="forged"),
                    lambda: AuditEntry.objects.all().delete(),
                    lambda: AuditEntry.objects.bulk_create([AuditEntry(sequence=9)])):
        with pytest.raises(Conflict) as error:
            attempt()
        assert error.value.code == "audit.append_only"
    assert AuditEntry.objects.get(sequence=1).action == "test.step"
    assert audit_verify().intact


# ---- verification ---------------------------------------------------------------------------------------------

def test_a_fresh_chain_verifies_and_links_to_genesis():
    chain(4)
    verdict = audit_verify()
    assert verdict.intact and verdict.count == 4
    rows = list(audit_rows())
    assert rows[0]["prev_hash"] == GENESIS_HASH
    assert [row["prev_hash"] for row in rows[1:]] == [row["entry_hash"] for row in rows[:-1]]
    assert verdict.head == rows[-1]["entry_hash"]
    assert verdict.describe() == f"4 entries, chain intact, head {rows[-1]['entry_hash']}"


def test_an_empty_log_verifies():
    assert audit_verify().describe() == f"0 entries, chain intact, head {GENESIS_HASH}"


EDITS = {
    "occurred_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    "actor_id": 4242,
    "actor_name": "someone else",
    "action": "test.other",
    "object_type": "other",
    "object_id": "999",
    "detail": '{"n":2,"text":"改过"}',
    "prev_hash": "f" * 64,
    "entry_hash": "e" * 64,
}


@pytest.mark.parametrize("field", sorted(EDITS))
def test_editing_any_field_of_an_entry_with_sql_is_named(field):
    chain(4)
    statement = "UPDATE hub_audit_auditentry SET " + COLUMNS[field] + " = %s WHERE sequence = 3"  # noqa: S608
    raw_sql(statement, [EDITS[field]])

    verdict = audit_verify()

    assert not verdict.intact
    assert verdict.bad_sequence == 3
    assert verdict.problem.startswith("broken link" if field == "prev_hash" else "edited")


@pytest.mark.parametrize("sequence", [1, 4])
def test_editing_the_first_or_last_entry_is_named(sequence):
    chain(4)
    raw_sql("UPDATE hub_audit_auditentry SET action = %s WHERE sequence = %s", ["forged", sequence])
    verdict = audit_verify()
    assert (verdict.bad_sequence, verdict.problem.split(":")[0]) == (sequence, "edited")


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link():
    chain(4)
    row = next(r for r in audit_rows() if r["sequence"] == 2)
    forged = {**row, "detail": '{"n":1,"text":"改过"}'}
    raw_sql("UPDATE hub_audit_auditentry SET detail = %s, entry_hash = %s WHERE sequence = 2",
            [forged["detail"], entry_hash(forged)])
    verdict = audit_verify()
    assert (verdict.bad_sequence, verdict.problem.split(":")[0]) == (3, "broken link")


@pytest.mark.parametrize(("removed", "named", "problem"), [
    ([2], 2, "missing: entry 2 was removed"),
    ([2, 3], 2, "missing: entries 2 to 3 were removed"),
    ([1], 1, "missing: entry 1 was removed"),
])
def test_removing_entries_with_sql_names_the_gap(removed, named, problem):
    chain(4)
    for sequence in removed:
        raw_sql("DELETE FROM hub_audit_auditentry WHERE sequence = %s", [sequence])
    verdict = audit_verify()
    assert (verdict.bad_sequence, verdict.problem) == (named, problem)


def test_renumbering_to_hide_a_removal_breaks_the_link():
    chain(4)
    raw_sql("DELETE FROM hub_audit_auditentry WHERE sequence = 2", [])
    raw_sql("UPDATE hub_audit_auditentry SET sequence = sequence - 1 WHERE sequence > 2", [])
    verdict = audit_verify()
    assert (verdict.bad_sequence, verdict.problem.split(":")[0]) == (2, "broken link")


def test_rows_out_of_order_are_named():
    chain(3)
    rows = list(audit_rows())
    verdict = chain_verify([rows[0], rows[2], rows[1]])
    assert (verdict.bad_sequence, verdict.problem.split(":")[0]) == (2, "missing")
    verdict = chain_verify([rows[0], rows[1], rows[1], rows[2]])
    assert (verdict.bad_sequence, verdict.problem.split(":")[0]) == (2, "reordered")


# ---- the command line -----------------------------------------------------------------------------------------

def test_cli_verify_exits_0_with_a_summary_then_1_naming_the_edited_entry(capsys):
    chain(3)
    cli_main(["audit", "verify"])
    assert "3 entries, chain intact, head " in capsys.readouterr().out

    raw_sql("UPDATE hub_audit_auditentry SET actor_name = %s WHERE sequence = 2", ["mallory"])
    with pytest.raises(SystemExit) as exit_:
        cli_main(["audit", "verify"])
    assert exit_.value.code == 1
    assert "entry 2: edited" in capsys.readouterr().err


def test_cli_verifies_an_export_without_the_database(tmp_path, capsys):
    chain(3)
    path = tmp_path / "audit.jsonl"
    cli_main(["audit", "export", "--out", str(path)])
    head_hash = list(audit_rows())[-1]["entry_hash"]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    capsys.readouterr()

    cli_main(["audit", "verify", "--file", str(path)])
    assert f"3 entries, chain intact, head {head_hash}" in capsys.readouterr().out

    tampered = tmp_path / "tampered.jsonl"
    row = json.loads(lines[0])
    row["object_id"] = "other"
    tampered.write_text("\n".join([json.dumps(row, ensure_ascii=False), *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        cli_main(["audit", "verify", "--file", str(tampered)])
    assert exit_.value.code == 1
    assert "entry 1: edited" in capsys.readouterr().err

    # Cutting entries off the end leaves a chain intact in itself; a head recorded earlier catches it.
    truncated = tmp_path / "truncated.jsonl"
    truncated.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    cli_main(["audit", "verify", "--file", str(truncated)])
    with pytest.raises(SystemExit) as exit_:
        cli_main(["audit", "verify", "--file", str(truncated), "--expect-head", head_hash])
    assert exit_.value.code == 1
    assert "missing: the recorded head" in capsys.readouterr().err

    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("not json\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        cli_main(["audit", "verify", "--file", str(garbage)])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        cli_main(["audit", "verify", "--file", str(tmp_path / "absent.jsonl")])
    assert exit_.value.code == 2


# ---- concurrency (PostgreSQL: real concurrent transactions) ---------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_the_chain():
    threads_count, each = 8, 5
    start = threading.Barrier(threads_count)
    failed: list[str] = []

    def append(worker: int) -> None:
        try:
            start.wait()
            for step in range(each):
                with transaction.atomic():
                    audit_record(actor=None, action="test.concurrent", object_type="worker", object_id=worker,
                                 detail={"step": step})
        except Exception as error:  # reported below with the other threads' failures
            failed.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failed == []
    verdict = audit_verify()
    assert verdict.intact and verdict.count == threads_count * each


# ---- hub staff editing records in the admin ----------------------------------------------------------------

@pytest.fixture
def staff_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    superuser = get_user_model().objects.create_superuser("hub-operator", "op@example.org", "pw-for-tests-123")
    client = Client()
    client.force_login(superuser)
    return client, superuser


def test_changing_a_regulator_profile_in_the_admin_appends_one_entry(staff_client, regulator):
    from sharecity.hub.registry.models import RegulatorProfile

    client, superuser = staff_client
    profile = RegulatorProfile.objects.get(user=regulator)
    before = head()
    response = client.post(f"/admin/hub_registry/regulatorprofile/{profile.pk}/change/",
                           {"user": regulator.pk, "department": DEPARTMENT, "district_code": "350206",
                            "department_kind": "market_supervision", "city_code": "350200"})
    assert response.status_code == 302
    [entry] = new_entries(before)
    assert (entry.action, entry.actor_id, entry.actor_name) == ("admin.changed", superuser.pk, "hub-operator")
    assert (entry.object_type, entry.object_id) == ("hub_registry.regulatorprofile", str(profile.pk))
    assert entry.detail_data == {"fields": ["district_code"], "values": {"district_code": "350206"}}
    assert audit_verify().intact


def test_deleting_in_the_admin_one_by_one_or_in_bulk_appends_one_entry_each(staff_client, regulator):
    from sharecity.hub.registry.models import RegulatorProfile

    client, superuser = staff_client
    others = [factories.make_user(f"officer-{n}") for n in range(2)]
    with transaction.atomic():
        for user in others:
            regulator_profile_set(actor=superuser, user=user, department=DEPARTMENT)
    profiles = list(RegulatorProfile.objects.order_by("pk"))
    before = head()
    assert client.post(f"/admin/hub_registry/regulatorprofile/{profiles[0].pk}/delete/",
                       {"post": "yes"}).status_code == 302
    bulk = {"action": "delete_selected", "post": "yes", "_selected_action": [p.pk for p in profiles[1:]]}
    assert client.post("/admin/hub_registry/regulatorprofile/", bulk).status_code == 302
    entries = new_entries(before)
    assert sorted((e.action, e.object_id) for e in entries) == sorted(("admin.deleted", str(p.pk)) for p in profiles)
    assert all(e.actor_id == superuser.pk for e in entries)
    assert not RegulatorProfile.objects.exists()


# ---- the audit page ---------------------------------------------------------------------------------------------

def test_the_audit_page_is_for_hub_operators_and_shows_a_broken_chain(staff_client, regulator):
    from django.test import Client

    client, _superuser = staff_client
    anonymous = Client().get("/hub/audit/")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    someone = Client()
    someone.force_login(factories.make_user())
    assert someone.get("/hub/audit/").status_code == 403
    # An officer reads their city's entries (tests/hub/test_jurisdiction.py), without the chain's length.
    regulator_client = Client()
    regulator_client.force_login(regulator)
    officer_page = regulator_client.get("/hub/audit/")
    assert officer_page.status_code == 200 and 'data-testid="chain-intact"' in officer_page.content.decode()

    page = client.get("/hub/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert 'data-testid="chain-intact"' in page.content.decode()
    assert "哈希链完整" in page.content.decode()
    assert "regulator.profile_set" in page.content.decode()

    raw_sql("UPDATE hub_audit_auditentry SET actor_name = %s WHERE sequence = 1", ["mallory"])
    body = client.get("/hub/audit/").content.decode()
    assert 'data-testid="chain-broken"' in body
    assert "edited: its fields do not match its hash" in body


def test_a_row_missing_a_field_or_with_a_forged_type_is_named_not_a_crash():
    chain(2)
    rows = list(audit_rows())
    without = {key: value for key, value in rows[1].items() if key != "detail"}
    assert chain_verify([rows[0], without]).describe() == "entry 2: malformed: no detail"
    assert chain_verify([{**rows[0], "sequence": True}, rows[1]]).problem.startswith("malformed")
    assert chain_verify([{**rows[0], "occurred_at": 12}, rows[1]]).problem.startswith("edited")
