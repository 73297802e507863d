"""risk flags and police reports (PML Art. 25)

A case's risk flags, the reports made to the police or the grassroots government, and whether
one is owed.

Revision ID: 74762997ac85
Revises: a3db7e9c1f87
Create Date: 2026-12-06 08:23:54.855258

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '74762997ac85'
down_revision = 'a3db7e9c1f87'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_risk_flag',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('flag', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_risk_flag_case_id_case')),
    sa.PrimaryKeyConstraint('case_id', 'flag', name=op.f('pk_case_risk_flag'))
    )
    op.create_index('ix_case_risk_flag_flag_case_id', 'case_risk_flag', ['flag', 'case_id'], unique=False)

    op.create_table('police_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('recipient_kind', sa.String(length=16), nullable=False),
    sa.Column('recipient_name', sa.String(length=128), nullable=False),
    sa.Column('received_by', sa.String(length=64), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=True),
    sa.Column('risk_level', sa.String(length=16), nullable=False),
    sa.Column('risk_flags', sa.JSON(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_police_report_case_id_case')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user_account.id'], name=op.f('fk_police_report_reported_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_police_report'))
    )
    op.create_index(op.f('ix_police_report_case_id'), 'police_report', ['case_id'], unique=False)

    # A plain ADD COLUMN and indexes: no rebuild of the case table on SQLite.
    op.add_column('case', sa.Column('police_report_owed', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index('ix_case_police_report_owed_created_at_id', 'case', ['police_report_owed', 'created_at', 'id'], unique=False)
    op.create_index('ix_case_risk_level_created_at_id', 'case', ['risk_level', 'created_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_case_risk_level_created_at_id', table_name='case')
    op.drop_index('ix_case_police_report_owed_created_at_id', table_name='case')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('police_report_owed')

    op.drop_index(op.f('ix_police_report_case_id'), table_name='police_report')
    op.drop_table('police_report')
    op.drop_index('ix_case_risk_flag_flag_case_id', table_name='case_risk_flag')
    op.drop_table('case_risk_flag')
