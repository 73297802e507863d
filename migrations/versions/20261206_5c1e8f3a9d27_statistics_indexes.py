"""statistics indexes: one per counting date, covering the columns the figures read

Revision ID: 5c1e8f3a9d27
Revises: 4e8b8d2c30cd
Create Date: 2026-12-06 15:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5c1e8f3a9d27'
down_revision = '4e8b8d2c30cd'
branch_labels = None
depends_on = None

CASE_INDEXES = {
    'ix_case_stats_accepted': [
        'accepted_at', 'region_code', 'state', 'source', 'dispute_type', 'handling_org_id',
        'intake_org_id',
    ],
    'ix_case_stats_closed': [
        'closed_at', 'region_code', 'closure_reason', 'source', 'dispute_type',
        'handling_org_id', 'intake_org_id', 'amount',
    ],
    'ix_case_stats_due': [
        'state', 'due_on', 'region_code', 'dispute_type', 'source', 'handling_org_id',
        'intake_org_id',
    ],
    'ix_case_stats_created': [
        'created_at', 'region_code', 'state', 'channel', 'source', 'dispute_type',
        'handling_org_id', 'intake_org_id', 'accepted_at', 'closed_at',
    ],
}


def upgrade():
    # Plain CREATE INDEX: no table rebuild on SQLite.
    for name, columns in CASE_INDEXES.items():
        op.create_index(name, 'case', columns, unique=False)
    op.create_index(
        'ix_agreement_case_id_performance_status', 'agreement',
        ['case_id', 'performance_status'], unique=False,
    )
    op.create_index(
        'ix_follow_up_due_on_case_id_done_at', 'follow_up',
        ['due_on', 'case_id', 'done_at'], unique=False,
    )
    op.create_index('ix_follow_up_case_id_id', 'follow_up', ['case_id', 'id'], unique=False)
    # A director's scope: handled by their committee OR joint mediation by their centre.
    op.create_index(op.f('ix_case_joint_org_id'), 'case', ['joint_org_id'], unique=False)
    op.create_index(
        'ix_judicial_confirmation_ruled_on_ruling_case_id', 'judicial_confirmation',
        ['ruled_on', 'ruling', 'case_id'], unique=False,
    )


def downgrade():
    op.drop_index('ix_judicial_confirmation_ruled_on_ruling_case_id', table_name='judicial_confirmation')
    op.drop_index(op.f('ix_case_joint_org_id'), table_name='case')
    op.drop_index('ix_follow_up_case_id_id', table_name='follow_up')
    op.drop_index('ix_follow_up_due_on_case_id_done_at', table_name='follow_up')
    op.drop_index('ix_agreement_case_id_performance_status', table_name='agreement')
    for name in reversed(CASE_INDEXES):
        op.drop_index(name, table_name='case')
