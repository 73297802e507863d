"""After the agreement, and the end of the file: the signatures of a written agreement, the
follow-up visits, the joint application for judicial confirmation and the court's ruling; then,
for an archived case, the signed paper records, the file's mandatory documents and archiving.

`complete_file` is shared: benchmarks and tests fill a case file the same way."""

from __future__ import annotations

from datetime import datetime

from demo.plans import CasePlan
from demo.world import DemoWorld
from domain import confirmability, documents, serving
from domain.aftercare import apply_confirmation, record_follow_up, record_ruling
from domain.agreements import sign_agreement
from domain.clocks import local_today
from domain.closing import archive_case
from domain.records import sign_record
from extensions import db
from models import Case, ServiceMethod, User
from models.enums import (
    AgreementKind,
    DocumentKind,
    PartyRole,
    Performance,
    Ruling,
    Satisfaction,
    SignerKind,
)

# The scan of the parties' ID documents in an archived demo file: a 1×1 grey PNG.
DEMO_SCAN = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b550000000a49444154"
    "789c63f80f0001010100b138f6140000000049454e44ae426082"
)


def sign_and_follow_up(
    world: DemoWorld, case: Case, mediator: User, end: datetime, plan: CasePlan
) -> None:
    """Signatures of a written agreement, then (by plan) a follow-up visit and the joint
    application for judicial confirmation (PML Art. 33) with the court's ruling."""
    rng = world.rng
    agreement = case.agreement
    step = plan.aftercare or rng.choices(["unsigned", "signed", "visited"], weights=[15, 50, 35])[0]
    at = end
    if agreement.kind == AgreementKind.WRITTEN:
        signers = [("party", p) for p in case.parties if p.role != PartyRole.AGENT]
        signers += [("mediator", None), ("seal", None)]
        if step == "unsigned":  # some have signed, the rest are still to come
            signers = signers[: rng.randrange(1, len(signers) - 1)]
        for who, party in signers:
            at = world.clock.soon(at, rng.randrange(2, 20))
            kind = SignerKind.PARTY if who == "party" else SignerKind(who)
            world.clock.step(
                at,
                sign_agreement,
                case,
                mediator,
                version=None,
                signer=kind,
                party=party,
                signed_on=local_today(at),
                now=at,
            )
    if step == "unsigned":
        return
    if step.startswith("confirmation"):
        at = world.clock.after(at, 24, 120)
        county = world.regions[case.region_code[:6]].name
        application = world.clock.step(
            at,
            apply_confirmation,
            case,
            mediator,
            version=None,
            court=f"{county}人民法院",
            applied_on=local_today(at),
            all_parties_join=True,
            # The mediator read the terms with the parties: what the check suspects is cleared.
            confirmed_not=confirmability.check(case).to_confirm,
            now=at,
        )
        if step == "confirmation_ruled":
            at = world.clock.after(at, 72, 240)
            year, court_code = local_today(at).year, case.region_code[2:6]
            number = f"（{year}）鄂{court_code}民特{rng.randrange(10, 400)}号"
            world.clock.step(
                at,
                record_ruling,
                case,
                application,
                mediator,
                version=None,
                ruling=Ruling.CONFIRMED,
                ruling_number=number,
                ruled_on=local_today(at),
                now=at,
            )
    if step == "visited" or step == "confirmation_ruled":
        visit_at = world.clock.after(at, 48, 24 * 20)
        visit_all(world, case, mediator, visit_at)


def visit_all(world: DemoWorld, case: Case, mediator: User, at: datetime) -> None:
    """Every follow-up visit still due, made at `at`: the agreement performed, parties satisfied."""
    for visit in [v for v in case.follow_ups if v.done_at is None]:
        world.clock.step(
            at,
            record_follow_up,
            case,
            visit,
            mediator,
            version=None,
            visited_on=local_today(at),
            performance=Performance.PERFORMED,
            satisfaction=Satisfaction.SATISFIED,
            now=at,
        )


def archive(world: DemoWorld, case: Case, keeper: User) -> None:
    """Days after the outcome: the remaining visits, then the filing: the paper records
    signed, the file's documents complete, the case archived."""
    later = world.clock.after(world.clock.last_event(case), 24, 240)
    visit_all(world, case, keeper, later)
    filed = world.clock.after(later, 1, 48)
    for record in (*case.sessions, *case.investigations):  # signed paper records
        world.clock.step(filed, sign_record, case, record, keeper, version=None, now=filed)
    world.clock.step(filed, complete_file, case, keeper, now=filed)
    world.clock.step(filed, archive_case, case, keeper, version=None, now=filed)


def complete_file(
    case: Case,
    keeper: User,
    scan: bytes = DEMO_SCAN,
    *,
    now: datetime | None = None,
    serve: bool = True,
) -> None:
    """Put every mandatory document into the case file, as a committee does before archiving:
    generate, print, sign and mark signed what can be generated; upload `scan` for the rest
    (the parties' ID documents, and a mediation record when mediation ended before any
    session); and with `serve`, when mediation ended without agreement, serve the notice of
    termination on every party in person (PML Art. 26)."""
    db.session.flush()
    generated = {(s.kind, s.subject_id) for s in documents.applicable(case)}
    for subject in documents.mandatory(case):
        if documents.is_done(case, subject):
            continue
        key = (subject.kind, subject.subject_id)
        if subject.kind == DocumentKind.ID_PROOF or key not in generated:
            documents.upload(case, subject.kind, scan, keeper, subject.subject_id)
        else:
            doc = documents.generate(case, subject.kind, keeper, subject.subject_id)
            db.session.flush()
            documents.mark_signed(case, doc, keeper, now=now)
        db.session.flush()
    if serve:
        serve_notice(case, keeper, now=now)


def serve_notice(case: Case, keeper: User, *, now: datetime | None = None) -> None:
    """The notice of termination generated (when none is) and handed to every party not yet
    served, by `keeper`, on the day of `now`."""
    if not serving.owes_notice(case):
        return
    notices = documents.versions(case, DocumentKind.TERMINATION)
    notice = notices[-1] if notices else documents.generate(case, DocumentKind.TERMINATION, keeper)
    db.session.flush()
    for party in serving.to_serve(case):
        if serving.service_of(case, party) is None:
            serving.record_service(
                case,
                keeper,
                serving.ServiceData(
                    document_id=notice.id,
                    party_id=party.id,
                    method=ServiceMethod.IN_PERSON,
                    served_on=local_today(now),
                    served_by=keeper.name,
                ),
                version=None,
                now=now,
            )
