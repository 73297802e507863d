"""party access: the respondent's own code for the public door, and what they sent online

Revision ID: b81d4e6f2a05
Revises: a3f5c8e2d917
Create Date: 2026-12-06 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b81d4e6f2a05'
down_revision = 'a3f5c8e2d917'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('party_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=256), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_party_access_case_id_case')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_party_access_issued_by_id_user_account')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_party_access_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_access')),
    sa.UniqueConstraint('party_id', name=op.f('uq_party_access_party_id'))
    )
    op.create_index(op.f('ix_party_access_case_id'), 'party_access', ['case_id'], unique=False)
    op.create_table('party_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('account', sa.Text(), nullable=True),
    sa.Column('media_type', sa.String(length=64), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_party_submission_case_id_case')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_party_submission_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_submission'))
    )
    op.create_index(op.f('ix_party_submission_case_id'), 'party_submission', ['case_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_party_submission_case_id'), table_name='party_submission')
    op.drop_table('party_submission')
    op.drop_index(op.f('ix_party_access_case_id'), table_name='party_access')
    op.drop_table('party_access')
