"""document masked rendition: whether a version holds personal details, and its masked copy

Revision ID: d4b8e1f27a93
Revises: 4b4bdc291978
Create Date: 2026-12-06 12:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4b8e1f27a93'
down_revision = '4b4bdc291978'
branch_labels = None
depends_on = None


def upgrade():
    # Versions stored before have no masked copy and count as holding personal details: staff
    # who may not reveal them see that such a version exists, and generate a new one to read.
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('has_pii', sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column('masked_content', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('masked_size', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('masked_size')
        batch_op.drop_column('masked_content')
        batch_op.drop_column('has_pii')
