"""library entry: the typical-case library (典型案例库), anonymised closed cases

Revision ID: b8d2e4f61a07
Revises: b81d4e6f2a05
Create Date: 2026-12-06 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d2e4f61a07'
down_revision = 'b81d4e6f2a05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('library_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=15), nullable=False),
    sa.Column('dispute_type', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('mediation', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('lesson', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_library_entry_case_id_case')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_library_entry_org_id_organisation')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_library_entry_region_id_region')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user_account.id'], name=op.f('fk_library_entry_proposed_by_id_user_account')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_library_entry_reviewed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_entry'))
    )
    with op.batch_alter_table('library_entry', schema=None) as batch_op:
        batch_op.create_index('ix_library_entry_case_id', ['case_id'], unique=False)
        batch_op.create_index('ix_library_entry_region_code', ['region_code'], unique=False)
        batch_op.create_index('ix_library_entry_status_published', ['status', 'published_at', 'id'], unique=False)
        batch_op.create_index('ix_library_entry_org_status', ['org_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('library_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_library_entry_org_status')
        batch_op.drop_index('ix_library_entry_status_published')
        batch_op.drop_index('ix_library_entry_region_code')
        batch_op.drop_index('ix_library_entry_case_id')

    op.drop_table('library_entry')
