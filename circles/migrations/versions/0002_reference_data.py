"""Load the reference data (sectors, provinces, labour-market regions, municipalities).

Revision ID: 0002_reference_data
Revises: 0001_foundation
"""
from alembic import op

from circles.reference.services import load_reference_data

revision = "0002_reference_data"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    # Idempotent upsert; later changes to the shipped files come through `flask load-reference`.
    load_reference_data(op.get_bind())


def downgrade():
    for table in ("municipalities", "regions", "provinces", "sectors"):
        op.execute(f"DELETE FROM {table}")
