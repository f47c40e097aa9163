"""The hub exports a platform's log; `sharecity exchange verify` checks it without any database,
prints a message's inclusion proof, and names the line and rule of any tampering."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sharecity.cli import main as cli_main
from sharecity.exchange.batches import batch_parse, raw_parse
from sharecity.exchange.envelope import keypair_generate
from sharecity.exchange.logfile import log_verify_file
from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.intake.models import ReceivedMessage, SignedTreeHead
from sharecity.hub.intake.services import intake_pump, intake_receive
from sharecity.hub.registry.keys import hub_public_keys
from tests.factories import make_platform, make_provider, make_space

pytestmark = pytest.mark.django_db


def deliver(*, one_by_one: bool = False) -> None:
    transport = LocalTransport()
    relay_pump(transport=transport)
    if not one_by_one:
        intake_pump(transport=transport)
        return
    # A simple client sends each envelope on its own, without a batch.
    deliveries = transport.fetch(limit=100)
    for delivery in deliveries:
        for envelope in batch_parse(raw_parse(delivery.data)).envelopes:
            intake_receive(envelope.to_bytes(), transport="test")
    transport.ack(deliveries)


@pytest.fixture
def activity():
    """Platform, provider and a space in one batch; two spaces sent singly; two more in a batch."""
    platform = make_platform()
    provider = make_provider(platform)
    make_space(platform, provider)
    deliver()
    make_space(platform, provider, title="第二个车位")
    make_space(platform, provider, title="第三个车位")
    deliver(one_by_one=True)
    make_space(platform, provider, title="第四个车位")
    make_space(platform, provider, title="第五个车位")
    deliver()
    other = make_platform()  # another platform's messages stay out of this log
    make_provider(other)
    deliver()
    return platform.exchange_id


def run_verify(*args: str, tmp_path) -> subprocess.CompletedProcess:
    """As a regulator would, on a copy of the file: a fresh process whose database cannot even be opened."""
    env = {**os.environ, "SHARECITY_VAR_DIR": str(tmp_path / "regulator-var"),
           "SHARECITY_DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-dir' / 'none.sqlite3'}"}
    return subprocess.run([sys.executable, "-m", "sharecity.cli", "exchange", "verify", *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_export_then_verify_without_a_database(activity, tmp_path):
    platform_id = activity
    path = tmp_path / "log.jsonl"
    cli_main(["exchange", "export", "--platform", platform_id, "--out", str(path)])

    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert records[0]["format"] == "sharecity-exchange-log" and records[0]["platform_id"] == platform_id
    assert [record["kind"] for record in records[1:5]] == ["batch", "envelope", "envelope", "batch"]
    assert [len(record["envelopes"]) for record in (records[1], records[4])] == [3, 2]
    receipts = [record for record in records[1:] if record["kind"] == "receipt"]
    assert [r["tree_size"] for r in receipts] == list(
        SignedTreeHead.objects.filter(platform_id=platform_id).order_by("id").values_list("tree_size", flat=True)
    ) == [3, 4, 5, 7]
    assert log_verify_file(path).ok

    fourth = ReceivedMessage.objects.get(platform_id=platform_id, sequence=4)
    done = run_verify(str(path), "--message-id", str(fourth.message_id), tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK: sequences, hash chain" in done.stdout
    assert f"inclusion proof for message {fourth.message_id}" in done.stdout
    assert "leaf index  3" in done.stdout and "tree size   7" in done.stdout
    assert f"leaf        {fourth.envelope_hash}" in done.stdout
    assert "verifies    yes" in done.stdout

    done = run_verify(str(path), "--json", "--message-id", str(fourth.message_id), tmp_path=tmp_path)
    result = json.loads(done.stdout)
    assert done.returncode == 0 and result["ok"] and result["envelopes"] == 7 and result["acknowledged"] == 7
    assert result["proof"]["verified"] and result["proof"]["root_hash"] == receipts[-1]["root_hash"]
    assert result["proof"]["audit_path"]

    # A verifier that pins the hub's published keys rather than trusting the file's header.
    (key_id, hub_key), = hub_public_keys().items()
    assert run_verify(str(path), "--hub-key", f"{key_id}={hub_key}", tmp_path=tmp_path).returncode == 0
    done = run_verify(str(path), "--hub-key", f"{key_id}={keypair_generate()[1]}", tmp_path=tmp_path)
    assert done.returncode == 1 and "[header]" in done.stdout and "[receipt_signature]" in done.stdout


def test_tampering_with_the_exported_file_fails_naming_line_and_rule(activity, tmp_path):
    path = tmp_path / "log.jsonl"
    call_command("exchange_export", "--platform", activity, "--out", str(path))
    lines = path.read_text(encoding="utf-8").splitlines()

    batch = json.loads(lines[4])  # line 5: the batch of sequences 6-7
    batch["envelopes"][0]["payload"]["title"] = "改过的车位"
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text("\n".join([*lines[:4], json.dumps(batch, ensure_ascii=False), *lines[5:]]) + "\n",
                        encoding="utf-8")
    done = run_verify(str(tampered), tmp_path=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "line 5, sequence 6: [envelope_hash]" in done.stdout
    assert "[batch_root]" in done.stdout and "[receipt_root]" in done.stdout

    # A message removed: line 3 (sequence 4, sent on its own) is gone.
    removed = tmp_path / "removed.jsonl"
    removed.write_text("\n".join([*lines[:2], *lines[3:]]) + "\n", encoding="utf-8")
    done = run_verify(str(removed), "--json", tmp_path=tmp_path)
    assert done.returncode == 1
    problems = {(p["line"], p["sequence"], p["rule"]) for p in json.loads(done.stdout)["problems"]}
    assert {(3, 5, "sequence"), (3, 5, "chain")} <= problems
    assert {rule for _, _, rule in problems} >= {"receipt_root", "receipt_size"}

    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("hello\n", encoding="utf-8")
    assert run_verify(str(garbage), tmp_path=tmp_path).returncode == 2
    assert run_verify(str(tmp_path / "missing.jsonl"), tmp_path=tmp_path).returncode == 2


def test_the_commands_exit_codes_in_process(activity, tmp_path):
    path = tmp_path / "log.jsonl"
    call_command("exchange_export", "--platform", activity, "--out", str(path))
    call_command("exchange_verify", str(path))  # passes: no error
    path.write_text(path.read_text(encoding="utf-8").replace('"sequence":2,', '"sequence":9,'), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("exchange_verify", str(path))
    assert caught.value.returncode == 1
    with pytest.raises(CommandError) as caught:
        call_command("exchange_verify", str(tmp_path / "missing.jsonl"))
    assert caught.value.returncode == 2
    with pytest.raises(CommandError, match="not registered"):
        call_command("exchange_export", "--platform", "no-such-platform", "--out", str(tmp_path / "x.jsonl"))
    assert not (tmp_path / "x.jsonl").exists()
