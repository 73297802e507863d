"""region and organisation versions: two administrators editing the same one, a stale form is refused

Revision ID: 659c17a6e670
Revises: 51facbdfcbc0
Create Date: 2026-12-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '659c17a6e670'
down_revision = '51facbdfcbc0'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows start at version 1, as new ones do.
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_column('version')
