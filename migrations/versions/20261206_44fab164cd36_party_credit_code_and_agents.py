"""party: an organisation's unified social credit code (indexed for the earlier-cases
lookup), and an agent's principal and authority

Revision ID: 44fab164cd36
Revises: 7d3e2a9c41b6
Create Date: 2026-12-06 02:56:46.615480

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '44fab164cd36'
down_revision = '7d3e2a9c41b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credit_code', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('principal_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('agent_authority', sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f('ix_party_credit_code'), ['credit_code'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_party_principal_id_party'), 'party', ['principal_id'], ['id'])


def downgrade():
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_party_principal_id_party'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_party_credit_code'))
        batch_op.drop_column('agent_authority')
        batch_op.drop_column('principal_id')
        batch_op.drop_column('credit_code')
