"""`flask stats`: the dashboard's figures on the command line (Flask's CLI runner)."""

from __future__ import annotations

import csv
import io

import pytest

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
