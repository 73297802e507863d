"""leadership: leader responsibility (包案), supervision orders (督办单), meetings and their
decisions, leader reception days (领导接访日)

Revision ID: 29ad474284e5
Revises: a5c1e7d93b40
Create Date: 2026-12-06 11:19:29.571194

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '29ad474284e5'
down_revision = 'a5c1e7d93b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('outside', sa.Text(), nullable=True),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_meeting_org_id_organisation')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_meeting_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_org_id'), ['org_id'], unique=False)

    op.create_table('reception_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hours', sa.String(length=32), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('topics', sa.String(length=200), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_reception_slot_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['leader_id'], ['user_account.id'], name=op.f('fk_reception_slot_leader_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_reception_slot_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reception_slot'))
    )
    with op.batch_alter_table('reception_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reception_slot_day'), ['day'], unique=False)
        batch_op.create_index('ix_reception_slot_org_id_day', ['org_id', 'day'], unique=False)

    op.create_table('supervision_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('matter', sa.Text(), nullable=False),
    sa.Column('required_report', sa.Text(), nullable=False),
    sa.Column('issuer_org_id', sa.Integer(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('to_org_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decision', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_supervision_order_issued_by_id_user_account')),
    sa.ForeignKeyConstraint(['issuer_org_id'], ['organisation.id'], name=op.f('fk_supervision_order_issuer_org_id_organisation')),
    sa.ForeignKeyConstraint(['to_org_id'], ['organisation.id'], name=op.f('fk_supervision_order_to_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_order'))
    )
    with op.batch_alter_table('supervision_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_order_issuer_org_id'), ['issuer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_order_to_org_id'), ['to_org_id'], unique=False)

    op.create_table('meeting_participant',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_participant_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_meeting_participant_user_id_user_account')),
    sa.PrimaryKeyConstraint('meeting_id', 'user_id', name=op.f('pk_meeting_participant'))
    )
    op.create_table('supervision_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_supervision_report_author_id_user_account')),
    sa.ForeignKeyConstraint(['order_id'], ['supervision_order.id'], name=op.f('fk_supervision_report_order_id_supervision_order')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_supervision_report_reviewed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_report'))
    )
    with op.batch_alter_table('supervision_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_report_order_id'), ['order_id'], unique=False)

    op.create_table('lead_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('demand_done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('demand_note', sa.Text(), nullable=True),
    sa.Column('education_done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('education_note', sa.Text(), nullable=True),
    sa.Column('control_done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('control_note', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closing_note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['user_account.id'], name=op.f('fk_lead_assignment_assigned_by_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_lead_assignment_case_id_case')),
    sa.ForeignKeyConstraint(['leader_id'], ['user_account.id'], name=op.f('fk_lead_assignment_leader_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_lead_assignment_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_assignment'))
    )
    with op.batch_alter_table('lead_assignment', schema=None) as batch_op:
        batch_op.create_index('ix_lead_assignment_case_id', ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_assignment_leader_id'), ['leader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_assignment_org_id'), ['org_id'], unique=False)

    op.create_table('meeting_case',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_meeting_case_case_id_case')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_case_meeting_id_meeting')),
    sa.PrimaryKeyConstraint('meeting_id', 'case_id', name=op.f('pk_meeting_case'))
    )
    op.create_table('meeting_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_meeting_decision_case_id_case')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_decision_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_meeting_decision_owner_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_decision'))
    )
    with op.batch_alter_table('meeting_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_decision_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_decision_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_decision_owner_id'), ['owner_id'], unique=False)

    op.create_table('reception_booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('visitor_name', sa.String(length=64), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('matter', sa.Text(), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['booked_by_id'], ['user_account.id'], name=op.f('fk_reception_booking_booked_by_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_reception_booking_case_id_case')),
    sa.ForeignKeyConstraint(['slot_id'], ['reception_slot.id'], name=op.f('fk_reception_booking_slot_id_reception_slot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reception_booking'))
    )
    with op.batch_alter_table('reception_booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reception_booking_slot_id'), ['slot_id'], unique=False)

    op.create_table('supervision_case',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_supervision_case_case_id_case')),
    sa.ForeignKeyConstraint(['order_id'], ['supervision_order.id'], name=op.f('fk_supervision_case_order_id_supervision_order')),
    sa.PrimaryKeyConstraint('order_id', 'case_id', name=op.f('pk_supervision_case'))
    )
    op.create_table('lead_team',
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['lead_assignment.id'], name=op.f('fk_lead_team_assignment_id_lead_assignment')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_lead_team_user_id_user_account')),
    sa.PrimaryKeyConstraint('assignment_id', 'user_id', name=op.f('pk_lead_team'))
    )


def downgrade():
    op.drop_table('lead_team')
    op.drop_table('supervision_case')
    with op.batch_alter_table('reception_booking', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reception_booking_slot_id'))

    op.drop_table('reception_booking')
    with op.batch_alter_table('meeting_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_decision_owner_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_decision_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_decision_case_id'))

    op.drop_table('meeting_decision')
    op.drop_table('meeting_case')
    with op.batch_alter_table('lead_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_assignment_org_id'))
        batch_op.drop_index(batch_op.f('ix_lead_assignment_leader_id'))
        batch_op.drop_index('ix_lead_assignment_case_id')

    op.drop_table('lead_assignment')
    with op.batch_alter_table('supervision_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_report_order_id'))

    op.drop_table('supervision_report')
    op.drop_table('meeting_participant')
    with op.batch_alter_table('supervision_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_order_to_org_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_order_issuer_org_id'))

    op.drop_table('supervision_order')
    with op.batch_alter_table('reception_slot', schema=None) as batch_op:
        batch_op.drop_index('ix_reception_slot_org_id_day')
        batch_op.drop_index(batch_op.f('ix_reception_slot_day'))

    op.drop_table('reception_slot')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_org_id'))

    op.drop_table('meeting')
