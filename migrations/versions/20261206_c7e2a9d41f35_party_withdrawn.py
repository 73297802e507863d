"""party withdrawn: a party marked withdrawn from the dispute stays in the file

Revision ID: c7e2a9d41f35
Revises: 659c17a6e670
Create Date: 2026-12-06 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7e2a9d41f35'
down_revision = '659c17a6e670'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
