"""application submission token: one case per submitted form

Revision ID: 9ee8a9df6c7c
Revises: a5d83c1e07b2
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9ee8a9df6c7c'
down_revision = 'a5d83c1e07b2'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN and a unique index: no table rebuild on SQLite.
    op.add_column('case', sa.Column('submission_hash', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_case_submission_hash'), 'case', ['submission_hash'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_case_submission_hash'), table_name='case')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('submission_hash')
