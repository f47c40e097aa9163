"""The Chinese catalogue is complete: every translatable string has a zh-Hans translation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

SOURCE = Path(__file__).resolve().parents[1] / "src" / "sharecity"
CATALOGUE = SOURCE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def test_every_catalogue_entry_is_translated_and_compiled():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    assert untranslated == []
    with translation.override("zh-hans"):
        for entry in catalogue:
            if entry.obsolete or entry.msgid_plural or entry.msgctxt:
                continue
            assert translation.gettext(entry.msgid) == entry.msgstr, f"django.mo is stale for {entry.msgid!r}"


def test_catalogue_covers_every_string_in_the_source(tmp_path: Path):
    if shutil.which("xgettext") is None:
        if IN_CI:
            pytest.fail("CI=true but gettext's xgettext is missing")
        pytest.skip("needs gettext (xgettext) to extract strings")
    copy = tmp_path / "sharecity"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete",
         "-i", "migrations/*"],
        cwd=copy, check=True, capture_output=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "sharecity.settings"},
    )
    extracted = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    committed = {entry.msgid for entry in polib.pofile(str(CATALOGUE)) if entry.translated()}
    missing = sorted(entry.msgid for entry in extracted if entry.msgid not in committed)
    assert missing == [], "run makemessages -l zh_Hans and translate these"


def test_interface_language_switches():
    with translation.override("zh-hans"):
        assert translation.gettext("Off-peak parking") == "错峰停车"
    with translation.override("en"):
        assert translation.gettext("Off-peak parking") == "Off-peak parking"
