"""statistics monthly summary: what each month adds to the figures, kept with the cases

Revision ID: 8b2d4f6e1a90
Revises: 5c1e8f3a9d27
Create Date: 2026-12-06 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b2d4f6e1a90'
down_revision = '5c1e8f3a9d27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stat_month',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('family', sa.String(length=16), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=9), nullable=False),
        sa.Column('dispute_type', sa.String(length=8), nullable=False),
        sa.Column('source', sa.String(length=32), nullable=False),
        sa.Column('mediator_id', sa.Integer(), nullable=False),
        sa.Column('n1', sa.Integer(), nullable=False),
        sa.Column('n2', sa.Integer(), nullable=False),
        sa.Column('n3', sa.Integer(), nullable=False),
        sa.Column('n4', sa.Integer(), nullable=False),
        sa.Column('cents', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_month')),
        sa.UniqueConstraint(
            'month', 'family', 'org_id', 'region', 'dispute_type', 'source', 'mediator_id',
            name='uq_stat_month',
        ),
    )
    # A database without cases has nothing to sum: the summary is complete, and marked so
    # (the figures read it). With cases, `flask stats rebuild` sums them and sets the mark;
    # until then the figures are counted from the cases themselves.
    bind = op.get_bind()
    if bind.execute(sa.text('SELECT count(*) FROM "case"')).scalar() == 0:
        bind.execute(
            sa.text(
                "INSERT INTO stat_month (month, family, org_id, region, dispute_type, source, "
                "mediator_id, n1, n2, n3, n4, cents) VALUES ('1900-01-01', '_ready', 0, '', '', "
                "'', 0, 1, 0, 0, 0, 0)"
            )
        )


def downgrade():
    op.drop_table('stat_month')
