"""party messages: each party's thread with the mediator, requests to end mediation, shared files

Revision ID: c4a7e19d2f30
Revises: c3f5a7e91d24
Create Date: 2026-12-06 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a7e19d2f30'
down_revision = 'c3f5a7e91d24'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('party_submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('shared_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_party_submission_shared_by_id_user_account'), 'user_account', ['shared_by_id'], ['id'])

    op.create_table('case_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_message_case_id_case')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_case_message_party_id_party')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_case_message_author_id_user_account')),
    sa.ForeignKeyConstraint(['attachment_id'], ['party_submission.id'], name=op.f('fk_case_message_attachment_id_party_submission')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_message'))
    )
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.create_index('ix_case_message_case_party', ['case_id', 'party_id', 'id'], unique=False)

    op.create_table('end_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_end_request_case_id_case')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_end_request_party_id_party')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['user_account.id'], name=op.f('fk_end_request_handled_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_end_request'))
    )
    with op.batch_alter_table('end_request', schema=None) as batch_op:
        batch_op.create_index('ix_end_request_case_id', ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('end_request', schema=None) as batch_op:
        batch_op.drop_index('ix_end_request_case_id')
    op.drop_table('end_request')
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.drop_index('ix_case_message_case_party')
    op.drop_table('case_message')
    with op.batch_alter_table('party_submission', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_party_submission_shared_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('shared_by_id')
        batch_op.drop_column('shared_at')
