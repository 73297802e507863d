"""prevention: screening cadences and rounds, their findings, the watch list, risk warnings
and their response times

Revision ID: a5c1e7d93b40
Revises: c3d9e5a1b7f2
Create Date: 2026-12-06 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5c1e7d93b40'
down_revision = 'c3d9e5a1b7f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('screening_cadence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('cadence', sa.String(length=16), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_screening_cadence_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_cadence')),
    sa.UniqueConstraint('level', name=op.f('uq_screening_cadence_level')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_screening_cadence_organisation_id'))
    )
    op.create_table('screening_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('cadence', sa.String(length=16), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('nil_return', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['filed_by_id'], ['user_account.id'], name=op.f('fk_screening_round_filed_by_id_user_account')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_screening_round_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_round'))
    )
    with op.batch_alter_table('screening_round', schema=None) as batch_op:
        batch_op.create_index('ix_screening_round_org_period_end', ['organisation_id', 'period_end'], unique=False)

    op.create_table('watch_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('parties', sa.String(length=500), nullable=True),
    sa.Column('dispute_type', sa.String(length=16), nullable=True),
    sa.Column('risk_level', sa.String(length=16), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_watch_item_case_id_case')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_watch_item_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_watch_item_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['round_id'], ['screening_round.id'], name=op.f('fk_watch_item_round_id_screening_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watch_item'))
    )
    with op.batch_alter_table('watch_item', schema=None) as batch_op:
        batch_op.create_index('ix_watch_item_org_status', ['organisation_id', 'status', 'id'], unique=False)

    op.create_table('screening_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('watch_item_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_screening_finding_case_id_case')),
    sa.ForeignKeyConstraint(['round_id'], ['screening_round.id'], name=op.f('fk_screening_finding_round_id_screening_round')),
    sa.ForeignKeyConstraint(['watch_item_id'], ['watch_item.id'], name=op.f('fk_screening_finding_watch_item_id_watch_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_finding'))
    )
    with op.batch_alter_table('screening_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_finding_round_id'), ['round_id'], unique=False)

    op.create_table('warning_response_time',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warning_response_time')),
    sa.UniqueConstraint('level', name=op.f('uq_warning_response_time_level'))
    )
    op.create_table('risk_warning',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('watch_item_id', sa.Integer(), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('response_kind', sa.String(length=16), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_risk_warning_answered_by_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_risk_warning_case_id_case')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_risk_warning_org_id_organisation')),
    sa.ForeignKeyConstraint(['watch_item_id'], ['watch_item.id'], name=op.f('fk_risk_warning_watch_item_id_watch_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_warning'))
    )
    with op.batch_alter_table('risk_warning', schema=None) as batch_op:
        batch_op.create_index('ix_risk_warning_open', ['closed_at', 'answered_at', 'raised_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_warning_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_warning_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_warning_watch_item_id'), ['watch_item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('risk_warning', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_warning_watch_item_id'))
        batch_op.drop_index(batch_op.f('ix_risk_warning_org_id'))
        batch_op.drop_index(batch_op.f('ix_risk_warning_case_id'))
        batch_op.drop_index('ix_risk_warning_open')
    op.drop_table('risk_warning')
    op.drop_table('warning_response_time')
    with op.batch_alter_table('screening_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_finding_round_id'))
    op.drop_table('screening_finding')
    with op.batch_alter_table('watch_item', schema=None) as batch_op:
        batch_op.drop_index('ix_watch_item_org_status')
    op.drop_table('watch_item')
    with op.batch_alter_table('screening_round', schema=None) as batch_op:
        batch_op.drop_index('ix_screening_round_org_period_end')
    op.drop_table('screening_round')
    op.drop_table('screening_cadence')
