"""satisfaction and appointments: parties' answers after closing, their reports to the
mediator, and the centres' visiting slots (预约调解) with their bookings

Revision ID: c3f5a7e91d24
Revises: c5a7e9b31d48
Create Date: 2026-12-06 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3f5a7e91d24'
down_revision = 'c5a7e9b31d48'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('party_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.String(length=16), nullable=False),
    sa.Column('satisfaction', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_party_feedback_case_id_case')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_party_feedback_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_feedback')),
    sa.UniqueConstraint('party_id', name=op.f('uq_party_feedback_party_id'))
    )
    with op.batch_alter_table('party_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_party_feedback_case_id', ['case_id'], unique=False)
        batch_op.create_index('ix_party_feedback_answered_at', ['answered_at'], unique=False)

    op.create_table('party_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_party_report_case_id_case')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_party_report_party_id_party')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['user_account.id'], name=op.f('fk_party_report_handled_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_report'))
    )
    with op.batch_alter_table('party_report', schema=None) as batch_op:
        batch_op.create_index('ix_party_report_case_id', ['case_id'], unique=False)
        batch_op.create_index('ix_party_report_party_id', ['party_id'], unique=False)

    op.create_table('appointment_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_appointment_slot_org_id_organisation')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_appointment_slot_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_slot'))
    )
    with op.batch_alter_table('appointment_slot', schema=None) as batch_op:
        batch_op.create_index('ix_appointment_slot_day', ['day'], unique=False)
        batch_op.create_index('ix_appointment_slot_org_id_day', ['org_id', 'day'], unique=False)

    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['slot_id'], ['appointment_slot.id'], name=op.f('fk_appointment_slot_id_appointment_slot')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_appointment_case_id_case')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['user_account.id'], name=op.f('fk_appointment_handled_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment')),
    sa.UniqueConstraint('reference', name=op.f('uq_appointment_reference'))
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index('ix_appointment_slot_id', ['slot_id'], unique=False)
        batch_op.create_index('ix_appointment_case_id', ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index('ix_appointment_case_id')
        batch_op.drop_index('ix_appointment_slot_id')
    op.drop_table('appointment')
    with op.batch_alter_table('appointment_slot', schema=None) as batch_op:
        batch_op.drop_index('ix_appointment_slot_org_id_day')
        batch_op.drop_index('ix_appointment_slot_day')
    op.drop_table('appointment_slot')
    with op.batch_alter_table('party_report', schema=None) as batch_op:
        batch_op.drop_index('ix_party_report_party_id')
        batch_op.drop_index('ix_party_report_case_id')
    op.drop_table('party_report')
    with op.batch_alter_table('party_feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_party_feedback_answered_at')
        batch_op.drop_index('ix_party_feedback_case_id')
    op.drop_table('party_feedback')
