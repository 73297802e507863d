"""organisation committee: the people's mediation committee a centre, room or studio mediates under

Revision ID: e61c0a7f3b52
Revises: 3f6b0d2c8e51
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e61c0a7f3b52'
down_revision = '3f6b0d2c8e51'
branch_labels = None
depends_on = None


def upgrade():
    # Batch mode: SQLite adds a foreign key only by rebuilding the table.
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('committee_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_organisation_committee_id_organisation'),
            'organisation',
            ['committee_id'],
            ['id'],
        )


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_organisation_committee_id_organisation'), type_='foreignkey'
        )
        batch_op.drop_column('committee_id')
