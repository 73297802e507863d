"""scheduled sessions (调解安排) and each party's answer

Revision ID: c5a7e9b31d48
Revises: c4e7a1f9d352
Create Date: 2026-12-06 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5a7e9b31d48'
down_revision = 'c4e7a1f9d352'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scheduled_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('place', sa.String(length=128), nullable=True),
    sa.Column('video_url', sa.String(length=512), nullable=True),
    sa.Column('bring', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_scheduled_session_case_id_case')),
    sa.ForeignKeyConstraint(['replaces_id'], ['scheduled_session.id'], name=op.f('fk_scheduled_session_replaces_id_scheduled_session')),
    sa.ForeignKeyConstraint(['record_id'], ['mediation_session.id'], name=op.f('fk_scheduled_session_record_id_mediation_session')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_scheduled_session_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_session'))
    )
    with op.batch_alter_table('scheduled_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduled_session_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_scheduled_session_status_starts_at', ['status', 'starts_at'], unique=False)

    op.create_table('session_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['scheduled_session.id'], name=op.f('fk_session_response_session_id_scheduled_session')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_session_response_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_response')),
    sa.UniqueConstraint('session_id', 'party_id', name=op.f('uq_session_response_session_id'))
    )
    with op.batch_alter_table('session_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_response_session_id'), ['session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('session_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_response_session_id'))
    op.drop_table('session_response')
    with op.batch_alter_table('scheduled_session', schema=None) as batch_op:
        batch_op.drop_index('ix_scheduled_session_status_starts_at')
        batch_op.drop_index(batch_op.f('ix_scheduled_session_case_id'))
    op.drop_table('scheduled_session')
