"""matter record: the append-only record of matters that are not cases (screening rounds,
warnings, supervision, meetings...)

Revision ID: c3d9e5a1b7f2
Revises: 8b2d4f6e1a90
Create Date: 2026-12-06 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d9e5a1b7f2'
down_revision = '8b2d4f6e1a90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('matter_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_kind', sa.String(length=32), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_matter_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_matter_event_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_event'))
    )
    with op.batch_alter_table('matter_event', schema=None) as batch_op:
        batch_op.create_index('ix_matter_event_matter', ['matter_kind', 'matter_id', 'id'], unique=False)
        batch_op.create_index('ix_matter_event_org_id_id', ['org_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('matter_event', schema=None) as batch_op:
        batch_op.drop_index('ix_matter_event_org_id_id')
        batch_op.drop_index('ix_matter_event_matter')

    op.drop_table('matter_event')
