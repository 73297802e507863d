"""subsidy rates: the amount per case (以案定补) by source, dispute type and difficulty

Revision ID: a3f5c8e2d917
Revises: 5e0a7c3b9d14
Create Date: 2026-12-06 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3f5c8e2d917'
down_revision = '5e0a7c3b9d14'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subsidy_rate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=True),
    sa.Column('dispute_type', sa.String(length=8), nullable=True),
    sa.Column('difficulty', sa.String(length=16), nullable=True),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('any_outcome', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_rate')),
    sa.UniqueConstraint('source', 'dispute_type', 'difficulty', name='uq_subsidy_rate_source_type_difficulty')
    )


def downgrade():
    op.drop_table('subsidy_rate')
