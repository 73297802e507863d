"""`flask stats`: the dashboard's figures on the command line (Flask's CLI runner)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from extensions import db
from tests.domain.test_statistics import JINGZHOU, build_jingzhou, mixed_world


def run(runner, *args):
    result = runner.invoke(args=["stats", *args])
    return result


def test_jingzhou_as_csv(world, runner):
    build_jingzhou(world)
    db.session.commit()
    result = run(runner, "--from", "2021-03-01", "--to", "2021-11-30", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 1
    total = rows[0]
    assert total["scope"] == "Total"
    assert (total["accepted"], total["mediated"], total["successful"]) == ("802", "802", "666")
    assert total["mediation_rate"] == "100.00"
    assert total["success_rate"] == "83.04"
    assert total["success_rate_of_accepted"] == "83.04"
    assert (total["confirmed"], total["confirmation_rate"]) == ("100", "15.02")
    assert (total["accepted_application"], total["accepted_initiative"]) == ("500", "25")
    assert (total["accepted_court"], total["accepted_petition"]) == ("276", "1")
    assert total["response_rate"] == ""  # no online application: no rate


def test_by_source_as_a_table(world, runner):
    build_jingzhou(world)
    db.session.commit()
    result = run(runner, "--from", "2021-03-01", "--to", "2021-11-30", "--by", "source")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2021-03-01 to 2021-11-30, whole database"
    success = next(line for line in lines if line.startswith("Success rate "))
    assert success.split()[-1] == "83.04%"  # the total comes last
    assert "Court delegated or entrusted" in lines[1]
    assert "Success rate: successful ÷ mediated" in result.output
    assert JINGZHOU.start.isoformat() in result.output


@pytest.mark.parametrize("by", ["source", "type", "level", "organisation", "region", "mediator"])
def test_every_breakdown_totals(world, runner, by):
    month = mixed_world(world)
    db.session.commit()
    result = run(
        runner, "--from", month.start.isoformat(), "--to", month.end.isoformat(), "--by", by,
        "--format", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[-1][by] == "Total" and rows[-1]["accepted"] == "7"
    assert sum(int(r["accepted"]) for r in rows[:-1]) == 7


def test_region_narrows(world, runner):
    month = mixed_world(world)
    db.session.commit()
    args = ["--from", month.start.isoformat(), "--to", month.end.isoformat(), "--format", "csv"]
    result = run(runner, *args, "--region", "421087", "--by", "region")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["region"], r["accepted"]) for r in rows] == [("新江口街道", "2"), ("Total", "2")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-12-01", "--to", "2026-01-01"], "ends before it starts"),
        (["--from", "1000-01-01"], "a date of 1900 to 2100"),
        (["--from", "2000-01-01", "--to", "2020-01-01"], "at most 10 years"),
        (["--region", "42a"], "4 to 15 digits"),
        (["--by", "planet"], "Invalid value for '--by'"),
        (["--from", "2026-02-30"], "Invalid value for '--from'"),
    ],
)
def test_bad_options(world, runner, args, message):
    result = run(runner, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_default_period_is_this_year(world, runner):
    result = run(runner)
    assert result.exit_code == 0, result.output
    assert "whole database" in result.output.splitlines()[0]


def test_the_dashboards_workbook(world, runner, tmp_path):
    """--format xlsx --output FILE: the dashboard's sheets, the Jingzhou bulletin's figures."""
    build_jingzhou(world)
    db.session.commit()
    path = tmp_path / "stats.xlsx"
    result = run(
        runner, "--from", "2021-03-01", "--to", "2021-11-30", "--format", "xlsx",
        "--output", str(path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    assert book.sheetnames[:2] == ["Key figures", "By month"] and len(book.sheetnames) == 7
    key = book["Key figures"]
    first = int(key.freeze_panes[1:])
    names = [c.value for c in key[first - 2]]
    row = dict(zip(names, [c.value for c in key[first]], strict=True))
    assert row["Period"] == "Chosen period (2021-03-01 to 2021-11-30)"
    assert (row["Accepted"], row["Mediated"], row["Mediated successfully"]) == (802, 802, 666)
    assert row["Success rate"] == 83.04
    assert key["B3"].value == "The whole database"
    assert key["B6"].value == "The command line (flask stats)"
    by_source = book["By source"]
    total = [c.value for c in list(by_source.iter_rows())[-1]]
    assert total == ["Total", 802, 802, 666, 83.04]


def test_a_breakdown_as_one_sheet(world, runner, tmp_path):
    month = mixed_world(world)
    db.session.commit()
    path = tmp_path / "by-region.xlsx"
    result = run(
        runner, "--from", month.start.isoformat(), "--to", month.end.isoformat(),
        "--by", "region", "--region", "421087", "--format", "xlsx", "--output", str(path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    assert book.sheetnames == ["Place"]
    sheet = book["Place"]
    assert sheet["B3"].value == "Cases of 荆州市松滋市"
    first = int(sheet.freeze_panes[1:])
    rows = [[c.value for c in r][:2] for r in sheet.iter_rows(min_row=first)]
    assert rows == [["新江口街道", 2], ["Total", 2]]


@pytest.mark.parametrize(
    "args",
    [["--format", "xlsx"], ["--format", "csv", "--output", "x.xlsx"]],
)
def test_xlsx_needs_an_output_file(world, runner, args):
    result = run(runner, *args)
    assert result.exit_code != 0
    assert "--format xlsx writes to --output FILE" in result.output
