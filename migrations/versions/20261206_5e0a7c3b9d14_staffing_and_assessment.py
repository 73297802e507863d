"""staffing and assessment: the organisation registry, staffing norms, training records,
expert invitations, rubrics and assessments

Revision ID: 5e0a7c3b9d14
Revises: 29ad474284e5
Create Date: 2026-12-06 11:19:44.631875

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e0a7c3b9d14'
down_revision = '29ad474284e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rubric',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric'))
    )
    op.create_table('staffing_norm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_kind', sa.String(length=32), nullable=False),
    sa.Column('full_time_required', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staffing_norm')),
    sa.UniqueConstraint('org_kind', name=op.f('uq_staffing_norm_org_kind'))
    )
    op.create_table('rubric_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('max_points', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('scorer', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubric.id'], name=op.f('fk_rubric_section_rubric_id_rubric')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric_section'))
    )
    with op.batch_alter_table('rubric_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubric_section_rubric_id'), ['rubric_id'], unique=False)

    op.create_table('rubric_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('rule', sa.String(length=24), nullable=False),
    sa.Column('max_deduction', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('max_bonus', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['rubric_section.id'], name=op.f('fk_rubric_item_section_id_rubric_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric_item'))
    )
    with op.batch_alter_table('rubric_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubric_item_section_id'), ['section_id'], unique=False)

    op.create_table('assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_assessment_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_assessment_org_id_organisation')),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubric.id'], name=op.f('fk_assessment_rubric_id_rubric')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment'))
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_org_id_period_end', ['org_id', 'period_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_rubric_id'), ['rubric_id'], unique=False)

    op.create_table('staff_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('expert_field', sa.String(length=16), nullable=True),
    sa.Column('affiliation', sa.String(length=128), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_staff_member_org_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_staff_member_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_member')),
    sa.UniqueConstraint('user_id', name=op.f('uq_staff_member_user_id'))
    )
    with op.batch_alter_table('staff_member', schema=None) as batch_op:
        batch_op.create_index('ix_staff_member_org_id_kind', ['org_id', 'kind'], unique=False)

    op.create_table('assessment_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('computed', sa.Boolean(), nullable=False),
    sa.Column('entered', sa.Boolean(), nullable=False),
    sa.Column('deduction', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('bonus', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_assessment_line_assessment_id_assessment')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user_account.id'], name=op.f('fk_assessment_line_entered_by_id_user_account')),
    sa.ForeignKeyConstraint(['item_id'], ['rubric_item.id'], name=op.f('fk_assessment_line_item_id_rubric_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_line')),
    sa.UniqueConstraint('assessment_id', 'item_id', name=op.f('uq_assessment_line_assessment_id'))
    )
    with op.batch_alter_table('assessment_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_line_item_id'), ['item_id'], unique=False)

    op.create_table('training_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['staff_member.id'], name=op.f('fk_training_record_member_id_staff_member')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_training_record_org_id_organisation')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_training_record_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_record'))
    )
    with op.batch_alter_table('training_record', schema=None) as batch_op:
        batch_op.create_index('ix_training_record_member_held_on', ['member_id', 'held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_record_org_id'), ['org_id'], unique=False)

    op.create_table('expert_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('advice', sa.Text(), nullable=True),
    sa.Column('advice_on', sa.Date(), nullable=True),
    sa.Column('advice_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['advice_by_id'], ['user_account.id'], name=op.f('fk_expert_invitation_advice_by_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_expert_invitation_case_id_case')),
    sa.ForeignKeyConstraint(['expert_id'], ['staff_member.id'], name=op.f('fk_expert_invitation_expert_id_staff_member')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user_account.id'], name=op.f('fk_expert_invitation_invited_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_invitation'))
    )
    with op.batch_alter_table('expert_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_invitation_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_invitation_expert_id'), ['expert_id'], unique=False)



def downgrade():
    with op.batch_alter_table('expert_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_invitation_expert_id'))
        batch_op.drop_index(batch_op.f('ix_expert_invitation_case_id'))

    op.drop_table('expert_invitation')
    with op.batch_alter_table('training_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_record_org_id'))
        batch_op.drop_index('ix_training_record_member_held_on')

    op.drop_table('training_record')
    with op.batch_alter_table('assessment_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_line_item_id'))

    op.drop_table('assessment_line')
    with op.batch_alter_table('staff_member', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_member_org_id_kind')

    op.drop_table('staff_member')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_rubric_id'))
        batch_op.drop_index('ix_assessment_org_id_period_end')

    op.drop_table('assessment')
    with op.batch_alter_table('rubric_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubric_item_section_id'))

    op.drop_table('rubric_item')
    with op.batch_alter_table('rubric_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubric_section_rubric_id'))

    op.drop_table('rubric_section')
    op.drop_table('staffing_norm')
    op.drop_table('rubric')
