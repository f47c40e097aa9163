"""``sharecity quota allocate``: the published allocations as JSON, and bad input refused with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sharecity.cli import main

XIAMEN = "platform,score,new_entrant\nmobike,77.2,0\nhellobike,73.9,no\nofo,50,\njiujiu,40,0\nqingju,34,1\n"
RANK = ["--method", "rank-shares", "--total", "160000", "--reserve-new", "10000", "--shares", "0.5,0.3,0.2",
        "--pass-mark", "60", "--zones", "island=3,off-island=1"]


def run(capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        main(["quota", "allocate", *argv])
        raise SystemExit(0)
    out = capsys.readouterr()
    return exit_.value.code or 0, out.out, out.err


def test_rank_shares_prints_xiamen_2019_allocation(tmp_path):
    """Run as a user runs it (a separate process): Xiamen 2019's published figures come out."""
    scores = tmp_path / "scores.csv"
    scores.write_text(XIAMEN, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sharecity.cli", "quota", "allocate", *RANK, "--scores",
                           str(scores)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["allocations"]["mobike"] == {"island": 56250, "off-island": 18750, "total": 75000}
    assert result["allocations"]["hellobike"] == {"island": 33750, "off-island": 11250, "total": 45000}
    assert result["allocations"]["qingju"] == {"island": 7500, "off-island": 2500, "total": 10000}
    assert result["allocations"]["ofo"]["total"] == 0
    assert result["allocated"] == 130000


def test_penalty_ladder_with_published_defaults(tmp_path, capsys):
    scores = tmp_path / "tianjin.csv"
    scores.write_text("platform,quota,score,prior_failures\ngood,40000,92,0\nonce,30000,59,0\n"
                      "twice,20000,55,1\nthrice,10000,40,2\n", encoding="utf-8")
    code, out, err = run(capsys, ["--method", "penalty-ladder", "--zones", "all=1", "--scores", str(scores)])
    assert code == 0, err
    totals = {platform: zones["total"] for platform, zones in json.loads(out)["allocations"].items()}
    assert totals == {"good": 62000, "once": 24000, "twice": 14000, "thrice": 0}


@pytest.mark.parametrize(("csv_text", "argv", "named"), [
    (XIAMEN, ["--shares", "0.5,0.3,0.4"], "shares"),
    (XIAMEN, ["--total", "-5"], "total"),
    (XIAMEN, ["--reserve-new", "200000"], "reserve_new"),
    (XIAMEN, ["--zones", "island"], "zones"),
    (XIAMEN, ["--zones", "total=1"], "zones"),
    (XIAMEN, ["--pass-mark", "abc"], "pass_mark"),
    ("platform,score\nmobike,-1\n", [], ":2:score"),
    ("platform,score\nmobike,101\n", [], "scores.mobike.score"),
    ("platform,score\nmo\x07bike,70\n", [], ":2:platform"),
    ("platform,score,new_entrant\nmobike,70,maybe\n", [], ":2:new_entrant"),
    ("platform,points\nmobike,70\n", [], ":1"),
    ("platform,score\nmobike,70\nmobike,71\n", [], "appears twice"),
    ("platform,score\n", [], "no rows"),
])
def test_bad_input_exits_2_naming_field_and_rule(tmp_path, capsys, csv_text, argv, named):
    scores = tmp_path / "scores.csv"
    scores.write_text(csv_text, encoding="utf-8")
    options = dict(zip(RANK[::2], RANK[1::2], strict=True))
    options.update(dict(zip(argv[::2], argv[1::2], strict=True)))
    code, out, err = run(capsys, [*[x for pair in options.items() for x in pair], "--scores", str(scores)])
    assert code == 2
    assert out == ""
    assert named in err and "rule:" in err


def test_missing_or_oversize_file(tmp_path, capsys):
    code, _out, err = run(capsys, [*RANK, "--scores", str(tmp_path / "nope.csv")])
    assert code == 2 and "--scores" in err
    big = tmp_path / "big.csv"
    big.write_bytes(b"platform,score\n" + b"x,1\n" * 300_000)
    code, _out, err = run(capsys, [*RANK, "--scores", str(big)])
    assert code == 2 and "rule: size" in err
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    code, _out, err = run(capsys, [*RANK, "--scores", str(binary)])
    assert code == 2 and "rule: encoding" in err
