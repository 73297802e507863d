"""not accepted grounds: the screening exclusions found to apply (MOJ-2002 Art. 22)

Revision ID: 3f6b0d2c8e51
Revises: 74762997ac85
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f6b0d2c8e51'
down_revision = '74762997ac85'
branch_labels = None
depends_on = None


def upgrade():
    # A plain nullable ADD COLUMN: no table rebuild on SQLite; earlier refusals keep NULL.
    op.add_column('case', sa.Column('not_accepted_grounds', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('not_accepted_grounds')
