"""``sharecity tax withhold`` prints what the payouts' code withholds, in yuan with two decimals."""

from __future__ import annotations

import json

import pytest

from sharecity.cli import main


def run(capsys, *args):
    main(["tax", "withhold", *args])
    return json.loads(capsys.readouterr().out)


def test_the_cumulative_method_prints_each_months_withholding(capsys):
    out = run(capsys, "--method", "cumulative", "--monthly", "6000,8000,3000", "--start", "2026-01")
    assert out["withheld"] == ["0.00", "36.00", "0.00"]
    assert out["total_withheld"] == "36.00"
    assert out["months"][1]["months_counted"] == 2
    assert out["months"][1]["rate"] == "3%" and "2025年第16号" in out["source"]


def test_the_gap_rule_is_a_setting_and_an_option(capsys, settings):
    settings.SHARECITY_TAX_GAP_RULE = "months_with_income"
    assert run(capsys, "--method", "cumulative", "--monthly", "6000,0,6000", "--start", "2026-01")["withheld"] == [
        "0.00", "0.00", "0.00"]
    assert run(capsys, "--method", "cumulative", "--monthly", "6000,0,6000", "--start", "2026-01",
               "--gap-rule", "restart")["withheld"][2] == "138.00"


def test_the_per_payment_method_prints_one_amount(capsys):
    out = run(capsys, "--method", "per-payment", "--amount", "3000", "--date", "2026-12-07")
    assert (out["expenses"], out["taxable"], out["rate"], out["withheld"]) == ("800.00", "2200.00", "20%", "440.00")


@pytest.mark.parametrize(("args", "field"), [
    (["--method", "cumulative"], "monthly"),
    (["--method", "cumulative", "--monthly", "6000,abc"], "monthly"),
    (["--method", "cumulative", "--monthly", "6000.001"], "monthly"),
    (["--method", "cumulative", "--monthly", "-5"], "monthly"),
    (["--method", "cumulative", "--monthly", ",".join(["1"] * 13)], "monthly"),
    (["--method", "cumulative", "--monthly", "6000", "--start", "2026-13"], "start"),
    (["--method", "cumulative", "--monthly", "6000", "--start", "2025-09"], "month"),
    (["--method", "cumulative", "--monthly", "6000,1", "--other-deductions", "1"], "other-deductions"),
    (["--method", "cumulative", "--monthly", "6000\x00"], "monthly"),
    (["--method", "per-payment"], "amount"),
    (["--method", "per-payment", "--amount", "1,2"], "amount"),
    (["--method", "per-payment", "--amount", "0"], "amount"),
    (["--method", "per-payment", "--amount", "100", "--date", "7/12/2026"], "date"),
])
def test_bad_input_exits_2_naming_the_option(capsys, args, field):
    with pytest.raises(SystemExit) as exited:
        main(["tax", "withhold", *args])
    assert exited.value.code == 2
    assert capsys.readouterr().err.startswith(f"error: {field}:")
