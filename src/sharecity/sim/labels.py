"""The misconduct labels of a run as JSON lines (one label an object a line), streamed."""

from __future__ import annotations

import json
import sys

from sharecity.sim.models import MisconductLabel, SimRun


def labels_write(*, run: SimRun, path: str) -> int:
    """Write ``run``'s labels to ``path`` (``-``: standard output); returns how many."""
    out = sys.stdout if path == "-" else open(path, "w", encoding="utf-8")
    written = 0
    try:
        for label in MisconductLabel.objects.filter(run=run).order_by("pk").iterator(chunk_size=2000):
            out.write(json.dumps(label.as_dict(), ensure_ascii=False, sort_keys=True) + "\n")
            written += 1
    finally:
        if out is not sys.stdout:
            out.close()
    return written
