"""agreement disputed issues: a written agreement states the disputed issues apart from the facts

Revision ID: f7aafa30be82
Revises: 9ee8a9df6c7c
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f7aafa30be82'
down_revision = '9ee8a9df6c7c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issues', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_column('issues')
