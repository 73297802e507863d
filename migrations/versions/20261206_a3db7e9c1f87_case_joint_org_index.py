"""case joint organiser index: the joint mediations a centre organises, read by index

Revision ID: a3db7e9c1f87
Revises: f7aafa30be82
Create Date: 2026-12-06 12:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3db7e9c1f87'
down_revision = 'f7aafa30be82'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index('ix_case_joint_org_id_state', ['joint_org_id', 'state'], unique=False)


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_joint_org_id_state')
