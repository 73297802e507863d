"""ledger (台账): the record of each export and import, and imported cases marked with the
import that brought them in and their mediator's name as the ledger wrote it

Revision ID: 4e8b8d2c30cd
Revises: f2a94d6b18c7
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4e8b8d2c30cd'
down_revision = 'f2a94d6b18c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ledger_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('via', sa.String(length=8), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('file_format', sa.String(length=8), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('full_details', sa.Boolean(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_ledger_log_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_log'))
    )
    with op.batch_alter_table('ledger_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_log_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ledger_import_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('ledger_mediator', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_case_ledger_import_id_ledger_log'), 'ledger_log', ['ledger_import_id'], ['id'])



def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_ledger_import_id_ledger_log'), type_='foreignkey')
        batch_op.drop_column('ledger_mediator')
        batch_op.drop_column('ledger_import_id')

    with op.batch_alter_table('ledger_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_log_user_id'))

    op.drop_table('ledger_log')
