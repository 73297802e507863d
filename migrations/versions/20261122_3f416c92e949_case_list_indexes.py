"""case list indexes: oversight newest first, director queue, mediator scope lookup

Found with bench/plans.py at 100 000 cases:
- oversight newest first (ORDER BY created_at DESC, id DESC) had no index to read in order:
  ix_case_created_at_id, and ix_case_dispute_type_created_at_id for the dispute-type filter;
- the director's queue (handling_org_id = ? AND state = ? ORDER BY due_on, id) filtered the
  whole state after ix_case_state_due_on: ix_case_handling_org_id_state_due_on_id;
- the desk queue (state = ? ORDER BY created_at, id): with the new created_at index PostgreSQL
  preferred walking all cases oldest first to an Incremental Sort over ix_case_state_created_at;
  ix_case_state_created_at_id gives the whole order and replaces it (its prefix);
- the mediator's scope (EXISTS ... case_mediator.case_id = case.id AND user_id = ? AND active)
  scanned all of the mediator's links once per case row: ix_case_mediator_user_id_active_case_id
  makes it one lookup, and replaces ix_case_mediator_user_id_active (its prefix).

Revision ID: 3f416c92e949
Revises: e0f5675fc1ca
Create Date: 2026-11-22 17:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3f416c92e949'
down_revision = 'e0f5675fc1ca'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index('ix_case_created_at_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_case_dispute_type_created_at_id', ['dispute_type', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_case_handling_org_id_state_due_on_id', ['handling_org_id', 'state', 'due_on', 'id'], unique=False)
        batch_op.create_index('ix_case_state_created_at_id', ['state', 'created_at', 'id'], unique=False)
        batch_op.drop_index('ix_case_state_created_at')

    with op.batch_alter_table('case_mediator', schema=None) as batch_op:
        batch_op.create_index('ix_case_mediator_user_id_active_case_id', ['user_id', 'active', 'case_id'], unique=False)
        batch_op.drop_index('ix_case_mediator_user_id_active')


def downgrade():
    with op.batch_alter_table('case_mediator', schema=None) as batch_op:
        batch_op.create_index('ix_case_mediator_user_id_active', ['user_id', 'active'], unique=False)
        batch_op.drop_index('ix_case_mediator_user_id_active_case_id')

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index('ix_case_state_created_at', ['state', 'created_at'], unique=False)
        batch_op.drop_index('ix_case_state_created_at_id')
        batch_op.drop_index('ix_case_handling_org_id_state_due_on_id')
        batch_op.drop_index('ix_case_dispute_type_created_at_id')
        batch_op.drop_index('ix_case_created_at_id')
