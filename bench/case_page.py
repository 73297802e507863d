"""The staff case page with a city-sized organisation list: its weight, forms, statements and
time, at two scales.

    .venv/bin/python bench/case_page.py                       # 10 000 and 100 000 cases
    .venv/bin/python bench/case_page.py --scales 1000 20000 --villages 3000 --repeat 10

Each scale is a fresh SQLite world (bench/build_world.py) to which `--villages` village
committees are added across the city's townships (a city such as Jingzhou has about 3,000),
so that any list of organisations built with the page would show. Then, through the Flask test
client, the World's mediator opens one of their mediating cases (`--repeat` times, after a
warm-up), and the mediator and a clerk open the two forms that list organisations: transfer
(mediator) and dispatch (clerk, on an accepted case). Printed per scale: bytes of HTML,
number of <form> elements, SQL statements and median / p95 milliseconds.

Exit status 1 when the case page's statement count differs between the scales.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import harness
import sqlalchemy as sa
from build_world import build, make_app, sqlite_url


def add_villages(app, n: int) -> int:
    """`n` village regions with a village committee each, spread over the townships."""
    from extensions import db
    from models import Organisation, Region

    with app.app_context():
        townships = db.session.execute(
            sa.select(Region.id, Region.code).where(sa.func.length(Region.code) == 9)
        ).all()
        regions, orgs = [], []
        for i in range(n):
            parent_id, code = townships[i % len(townships)]
            regions.append(
                {
                    "code": f"{code}{900 + i // len(townships):03d}",
                    "name": f"基准村{i}",
                    "level": "village",
                    "parent_id": parent_id,
                }
            )
        db.session.execute(sa.insert(Region), regions)
        ids = dict(
            db.session.execute(
                sa.select(Region.code, Region.id).where(Region.name.like("基准村%"))
            ).all()
        )
        for i, r in enumerate(regions):
            orgs.append(
                {
                    "name": f"基准村{i}人民调解委员会",
                    "kind": "village_committee",
                    "region_id": ids[r["code"]],
                    "active": True,
                }
            )
        db.session.execute(sa.insert(Organisation), orgs)
        db.session.commit()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Organisation))
        db.session.remove()
    return total


def accepted_case(app) -> str:
    from extensions import db
    from models import Case

    with app.app_context():
        number = db.session.scalar(
            sa.select(Case.number)
            .where(Case.state == "accepted", Case.number.like("%-421022-%"))
            .order_by(Case.id)
            .limit(1)
        )
        db.session.remove()
    return number


def time_get(client, recorder, url: str, repeat: int, headers=None) -> dict:
    client.get(url, headers=headers)  # warm-up
    times, counts, body = [], set(), ""
    for _ in range(repeat):
        with recorder.capture() as seen:
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        counts.add(len(seen))
        body = response.get_data(as_text=True)
    ordered = sorted(times)
    return {
        "bytes": len(body.encode()),
        "forms": len(re.findall(r"<form\b", body)),
        "queries": "/".join(str(c) for c in sorted(counts)),
        "median": statistics.median(times),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
    }


def measure(cases: int, villages: int, repeat: int, workdir: Path) -> dict[str, dict]:
    url = sqlite_url(workdir / f"case-page-{cases}.sqlite3")
    build(url, cases, quiet=True)
    app = make_app(url)
    orgs = add_villages(app, villages)
    recorder = harness.install_recorder(app)
    targets = harness.find_targets(app)
    accepted = accepted_case(app)
    mediator, clerk = harness.login(app, "mediator"), harness.login(app, "clerk")
    htmx = {"HX-Request": "true"}
    number = targets.case_number
    out = {
        "case page [mediator]": time_get(mediator, recorder, f"/cases/{number}", repeat),
        "case page [clerk, accepted]": time_get(clerk, recorder, f"/cases/{accepted}", repeat),
    }
    opened = {
        "transfer form [mediator]": (mediator, f"/cases/{number}/panels/transfer?open=send"),
        "dispatch form [clerk]": (clerk, f"/cases/{accepted}/panels/dispatch?open=dispatch"),
    }
    for name, (client, path) in opened.items():
        if client.get(path, headers=htmx).status_code == 200:  # absent before the rework
            out[name] = time_get(client, recorder, path, repeat, htmx)
    print(f"  {cases} cases, {orgs} organisations")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs=2, default=[10_000, 100_000])
    parser.add_argument("--villages", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            results[scale] = measure(scale, args.villages, args.repeat, Path(tmp))
    small, big = args.scales
    print(
        f"\n| page | KB | forms | statements @{small:,} | statements @{big:,} "
        f"| median ms @{small:,} | median ms @{big:,} | p95 ms @{big:,} |"
    )
    print("|---|---|---|---|---|---|---|---|")
    failed = False
    for name, at_big in results[big].items():
        at_small = results[small][name]
        print(
            f"| {name} | {at_big['bytes'] / 1024:.1f} | {at_big['forms']} | {at_small['queries']} "
            f"| {at_big['queries']} | {at_small['median']:.1f} | {at_big['median']:.1f} "
            f"| {at_big['p95']:.1f} |"
        )
        # The mediator's case is the same kind of case at both scales; the clerk's accepted case
        # differs (its routing suggestion reads more or fewer rules), so only the first counts.
        failed |= name == "case page [mediator]" and at_small["queries"] != at_big["queries"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
