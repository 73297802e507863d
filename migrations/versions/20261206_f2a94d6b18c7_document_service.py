"""document service: which party was served which version of a document, how and when

Revision ID: f2a94d6b18c7
Revises: e61c0a7f3b52
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2a94d6b18c7'
down_revision = 'e61c0a7f3b52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'document_service',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('party_id', sa.Integer(), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=False),
        sa.Column('served_on', sa.Date(), nullable=False),
        sa.Column('served_by', sa.String(length=64), nullable=False),
        sa.Column('recipient', sa.String(length=64), nullable=True),
        sa.Column('refused_to_sign', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['case_id'], ['case.id'], name=op.f('fk_document_service_case_id_case')
        ),
        sa.ForeignKeyConstraint(
            ['document_id'], ['document.id'], name=op.f('fk_document_service_document_id_document')
        ),
        sa.ForeignKeyConstraint(
            ['party_id'], ['party.id'], name=op.f('fk_document_service_party_id_party')
        ),
        sa.ForeignKeyConstraint(
            ['recorded_by_id'],
            ['user_account.id'],
            name=op.f('fk_document_service_recorded_by_id_user_account'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_service')),
        sa.UniqueConstraint('document_id', 'party_id', name='uq_document_service_party'),
    )
    op.create_index(
        op.f('ix_document_service_case_id'), 'document_service', ['case_id'], unique=False
    )


def downgrade():
    op.drop_index(op.f('ix_document_service_case_id'), table_name='document_service')
    op.drop_table('document_service')
