"""schemathesis against the demo city served on PostgreSQL: every operation of the market API and of the
exchange's HTTPS gateway, with a platform's key, and the hub's operations with a city officer's session,
examples, coverage, fuzzing and the stateful phase
(links schemathesis infers from the schema). There must be no server error, no response that breaks
its documented schema and no undocumented status code.

The run is bounded (``SHARECITY_SCHEMATHESIS_EXAMPLES`` cases per operation and phase, default 15) and
repeatable (``SHARECITY_SCHEMATHESIS_SEED``). Its summary is printed, and written to
``$SHARECITY_ARTIFACTS/schemathesis-<api>.json`` when that is set. Rate limits are off for the run:
they have their own tests (tests/deploy), and here every request must reach the API.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sharecity.exchange.envelope import keypair_generate
from sharecity.hub.gateway.services import external_platform_onboard
from sharecity.kernel.models import User
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.services import api_key_issue
from sharecity.sim.demo import demo_load
from tests.factories import credit_code

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CHECKS = ("not_a_server_error", "response_schema_conformance", "status_code_conformance")
EXAMPLES = int(os.environ.get("SHARECITY_SCHEMATHESIS_EXAMPLES", "15"))
SEED = os.environ.get("SHARECITY_SCHEMATHESIS_SEED", "20261206")
PLATFORM = "ludao-share"  # the demo's market platform with a listing in every category
ACTING_USER = "consumer"  # the demo's resident who orders on it
REGULATOR = "regulator"  # the demo's market-supervision officer for all of Xiamen


@dataclass
class Summary:
    api: str
    operations: set[str] = field(default_factory=set)
    examples: int = 0
    by_phase: Counter = field(default_factory=Counter)
    failures: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (operation, check, code) -> message
    errors: list[str] = field(default_factory=list)

    def failed(self, check: str) -> list[str]:
        return [f"{operation}: {code} {message}" for (operation, name, code), message in sorted(self.failures.items())
                if name == check]

    def describe(self) -> str:
        lines = [f"schemathesis on {self.api}: {len(self.operations)} operations, {self.examples} examples "
                 f"({', '.join(f'{phase} {count}' for phase, count in sorted(self.by_phase.items()))}), seed {SEED}"]
        for check in CHECKS:
            lines.append(f"  {check}: {len(self.failed(check))} failures")
            lines += [f"    {line}" for line in self.failed(check)]
        lines.append(f"  errors: {len(self.errors)}")
        lines += [f"    {line}" for line in self.errors]
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {"api": self.api, "seed": SEED, "operations": sorted(self.operations), "examples": self.examples,
                "by_phase": dict(self.by_phase), "errors": self.errors,
                "failures": {check: self.failed(check) for check in CHECKS}}


def summary_read(api: str, events: Path) -> Summary:
    summary = Summary(api=api)
    for line in events.read_text().splitlines():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if finished is None:
            continue
        recorder = finished.get("recorder", {})
        operation = recorder.get("label", "?")
        if finished["status"] == "error":
            summary.errors.append(f"{operation} ({finished['phase']})")
        cases = len(recorder.get("cases", {}))
        if cases:
            summary.operations.add(operation)
            summary.examples += cases
            summary.by_phase[finished["phase"]] += cases
        for case_id, checks in recorder.get("checks", {}).items():
            for check in checks:
                if check["status"] != "failure":
                    continue
                failure = check.get("failure_info", {}).get("failure", {})
                # A stateful step names the operation it called; a scenario's label may name a whole chain.
                key = (failure.get("operation", operation), check["name"], failure.get("code", "?"))
                message = " ".join(str(failure.get("message", "")).split())
                request = (recorder.get("interactions", {}).get(case_id) or {}).get("request")
                if request and check["name"] == "not_a_server_error":
                    message = f"{message} {_request_text(request)}".strip()
                summary.failures.setdefault(key, message)
    return summary


def _request_text(request: dict) -> str:
    """What was sent, short enough for a CI log: method, URL and the start of the body."""
    text = f"{request.get('method')} {request.get('uri')}"
    body = request.get("body")
    if isinstance(body, dict) and "$base64" in body:
        text += " " + base64.b64decode(body["$base64"]).decode("utf-8", errors="replace")[:400]
    return text


def schemathesis_run(*, api: str, url: str, headers: dict[str, str], tmp_path: Path,
                     parameters: dict[str, str] | None = None,
                     path_regex: str = "") -> tuple[Summary, str, subprocess.CompletedProcess]:
    work = tmp_path / api
    work.mkdir()
    config = work / "schemathesis.toml"
    config.write_text("[parameters]\n" + "".join(f'"{name}" = "{value}"\n' for name, value in
                                                 (parameters or {}).items()))
    events = work / "events.ndjson"
    command = [shutil.which("st", path=str(Path(sys.executable).parent)) or "st", "--config-file", str(config),
               "run", url, "--checks", ",".join(CHECKS), "--max-examples", str(EXAMPLES), "--seed", SEED,
               # One worker: hypothesis's source inspection is not thread-safe on Python 3.11 (a run with two
               # reported "AST constructor recursion depth mismatch"). too_slow depends on the machine's load,
               # not on the API: CI must not fail on timing.
               "--workers", "1", "--suppress-health-check", "too_slow",
               "--continue-on-failure", "--generation-database", "none", "--no-color",
               "--report", "ndjson", "--report-ndjson-path", str(events)]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    if path_regex:
        command += ["--include-path-regex", path_regex]
    result = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=900, check=False)
    assert events.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    summary = summary_read(api, events)
    text = summary.describe()
    artifacts = os.environ.get("SHARECITY_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        (Path(artifacts) / f"schemathesis-{api}.json").write_text(json.dumps(summary.as_dict(), indent=2,
                                                                             ensure_ascii=False))
        (Path(artifacts) / f"schemathesis-{api}.txt").write_text(result.stdout)
    return summary, text, result


@pytest.fixture
def demo_city(settings):
    from tests.seeds import migration_seeds_restore

    settings.SHARECITY_RATE_LIMITS = {scope: {"rate": "off", "burst": None} for scope in settings.SHARECITY_RATE_LIMITS}
    migration_seeds_restore()  # the demo decides a case by the catalogue; an earlier transactional test flushed it
    demo_load()


def _report(capsys, text: str) -> None:
    with capsys.disabled():
        print("\n" + text, flush=True)


def _assert_clean(summary: Summary, result) -> None:
    assert summary.errors == [], result.stdout[-5000:]
    assert summary.failed("not_a_server_error") == []
    assert summary.failed("response_schema_conformance") == []
    assert summary.failed("status_code_conformance") == []
    assert result.returncode == 0, result.stdout[-5000:]


@pytest.mark.parametrize("acting", [False, True], ids=["platform", "acting-user"])
def test_the_market_api_has_no_server_error_and_keeps_to_its_schema(demo_city, live_server, tmp_path, capsys,
                                                                    acting):
    """Once as the platform itself, once acting for a resident who orders on it."""
    platform = Platform.objects.get(slug=PLATFORM)
    _, key = api_key_issue(actor=None, platform=platform, label="schemathesis")
    headers = {"X-API-Key": key}
    if acting:
        headers["X-Acting-User"] = str(User.objects.get(username=ACTING_USER).public_id)
    summary, text, result = schemathesis_run(
        api="market-" + ("acting" if acting else "platform"), url=f"{live_server.url}/api/v1/openapi.json",
        headers=headers, tmp_path=tmp_path, parameters={"path.platform": PLATFORM},
    )
    _report(capsys, text)
    assert len(summary.operations) >= 30  # every operation was called, not skipped
    _assert_clean(summary, result)


def test_the_exchange_gateway_has_no_server_error_and_keeps_to_its_schema(demo_city, live_server, tmp_path, capsys):
    _, public_key = keypair_generate()
    _, key = external_platform_onboard(actor=None, name="外部共享平台", credit_code=credit_code(),
                                       sectors=["parking"], public_key=public_key)
    summary, text, result = schemathesis_run(
        api="exchange", url=f"{live_server.url}/exchange/v1/openapi.json", headers={"X-Exchange-Key": key},
        tmp_path=tmp_path,
    )
    _report(capsys, text)
    assert len(summary.operations) == 6
    _assert_clean(summary, result)


def test_the_hub_api_has_no_server_error_and_keeps_to_its_schema(demo_city, live_server, tmp_path, capsys):
    """The regulator's operations (and the public credit window and published inspections) with a city
    officer's session, as the
    hub's pages call them: session cookie plus the CSRF token the pages send."""
    from django.test import Client

    officer = User.objects.get(username=REGULATOR)
    client = Client()
    client.force_login(officer)
    csrf = "schemathesisCsrfToken0123456789a"  # 32 characters of the token alphabet
    headers = {"Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}", "X-CSRFToken": csrf}
    # The session and the token work: a read is answered, and a write with a bad body is judged on its body
    # (422), not refused for want of a login (401) or a token (403); else the run would test only refusals.
    import requests

    assert requests.get(f"{live_server.url}/api/v1/hub/credit/subjects", headers=headers, timeout=30).status_code == 200
    assert requests.post(f"{live_server.url}/api/v1/hub/publicity/penalties", json={}, headers=headers,
                         timeout=30).status_code == 422
    summary, text, result = schemathesis_run(
        api="hub-regulator", url=f"{live_server.url}/api/v1/openapi.json", headers=headers, tmp_path=tmp_path,
        path_regex=r"^/api/v1/(hub|public|inspection)/",
    )
    _report(capsys, text)
    assert len(summary.operations) >= 25  # every hub operation was called, not skipped
    _assert_clean(summary, result)
