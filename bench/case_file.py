"""Time the assembly of a big 卷宗 (domain.documents.assemble): a case with 8 sessions and 4
investigations with long texts, a written agreement in effect and a follow-up visit, built
through the domain functions in a scratch SQLite database; the file assembled --repeat times.

    .venv/bin/python bench/case_file.py            # prints pages and the median seconds
    .venv/bin/python bench/case_file.py --repeat 5 --max-seconds 2 --keep /tmp/file.pdf

Exit 1 when the median exceeds --max-seconds (default 2).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SESSIONS = 8
INVESTIGATIONS = 4
# Long record texts, as mediators write them (test data, Chinese by nature).
ACCOUNT = (
    "申请人称：被申请人在修建房屋时将排水沟堵塞，雨季积水漫入申请人院内，造成墙体受潮、"
    "部分家具损坏，多次协商未果。被申请人称：排水沟早已淤塞，并非修房所致，愿意共同清理。"
)
NOTES = (
    "调解员向双方释明相关法律规定及邻里相处之道，分别听取双方意见，核实现场情况，引导双方互谅互让。"
) * 6
RECORD = (
    "经现场查看，排水沟长约二十米，中段被建筑垃圾堵塞约三米，沟内积水明显。"
    "走访邻居三户，均证实雨后积水情况属实。"
) * 6


def build(app):
    """The scratch world and the big case, ready to archive (records signed)."""
    from demo.aftercare import complete_file
    from demo.small import SmallWorld
    from domain.aftercare import record_follow_up
    from domain.agreements import sign_agreement
    from domain.clocks import local_today
    from domain.mediation import AgreementData, record_agreement, record_session
    from domain.records import record_investigation, sign_record
    from extensions import db
    from models.enums import AgreementKind, Performance, Satisfaction, SessionMode, SignerKind

    world = SmallWorld()
    case = world.mediating_case(accepted_days_ago=25)
    mediator = world.mediator
    start = datetime.now(UTC) - timedelta(days=20)
    for i in range(INVESTIGATIONS):
        record_investigation(
            case,
            mediator,
            version=None,
            held_at=start + timedelta(days=i),
            place="新民村三组现场",
            investigators="张调解、李书记",
            interviewee=f"邻居{i + 1}",
            record=RECORD,
        )
    for i in range(SESSIONS):
        record_session(
            case,
            mediator,
            version=None,
            held_at=start + timedelta(days=INVESTIGATIONS + i),
            place="新民村人民调解委员会调解室",
            mode=SessionMode.IN_PERSON,
            notes=NOTES,
            participants="村民小组长王某",
            accounts=ACCOUNT * 3,
            result="双方同意继续协商。",
        )
    record_agreement(
        case,
        mediator,
        version=None,
        data=AgreementData(
            kind=AgreementKind.WRITTEN,
            terms=[
                "被申请人于十日内清理排水沟中段建筑垃圾",
                "被申请人赔偿申请人家具损失人民币贰仟元",
                "双方今后共同维护排水沟畅通",
            ],
            agreed_on=local_today(),
            performance_manner="自行履行",
            performance_deadline=local_today() + timedelta(days=10),
            facts=ACCOUNT * 2,
            issues="排水沟由谁清理，家具损失是否赔偿、赔偿多少。",
            responsibilities="被申请人负主要责任。",
        ),
    )
    db.session.flush()
    for party in case.parties:
        sign_agreement(
            case,
            mediator,
            version=None,
            signer=SignerKind.PARTY,
            party=party,
            signed_on=local_today(),
        )
    sign_agreement(
        case, mediator, version=None, signer=SignerKind.MEDIATOR, signed_on=local_today()
    )
    sign_agreement(case, mediator, version=None, signer=SignerKind.SEAL, signed_on=local_today())
    for r in (*case.sessions, *case.investigations):
        sign_record(case, r, mediator, version=None)
    visit = case.follow_ups[0]
    record_follow_up(
        case,
        visit,
        mediator,
        version=None,
        visited_on=local_today(),
        performance=Performance.PERFORMED,
        satisfaction=Satisfaction.SATISFIED,
    )
    complete_file(case, mediator)
    db.session.commit()
    return case, mediator


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=2.0)
    parser.add_argument("--keep", help="write the last assembled PDF here")
    args = parser.parse_args(argv)

    from flask_migrate import upgrade

    from app import create_app
    from config import TestingConfig
    from domain import documents
    from extensions import db

    with tempfile.TemporaryDirectory(prefix="jiefen-bench-") as tmp:

        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"  # noqa: S105 - a scratch DB
            QUERY_CODE_HASH_METHOD = "pbkdf2:sha256:1"

        app = create_app(Config)
        with app.app_context(), app.test_request_context():
            upgrade(directory=str(ROOT / "migrations"))
            case, mediator = build(app)
            documents.html_to_pdf(documents.render_html(case, documents.DocumentKind.COVER))
            times, bundle = [], None
            for _ in range(args.repeat):
                began = time.perf_counter()
                bundle = documents.assemble(case, mediator)
                times.append(time.perf_counter() - began)
                db.session.flush()
            median = statistics.median(times)
            print(
                f"case file: {len(case.sessions)} sessions, {len(case.investigations)} "
                f"investigations, {bundle.pages} pages, {bundle.size / 1e6:.2f} MB; "
                f"assemble median {median:.2f} s of {args.repeat} "
                f"({', '.join(f'{t:.2f}' for t in times)})"
            )
            if args.keep:
                Path(args.keep).write_bytes(bundle.content)
            return 0 if median <= args.max_seconds else 1


if __name__ == "__main__":
    sys.exit(main())
