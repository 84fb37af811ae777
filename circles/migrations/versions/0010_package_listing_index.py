"""index for the package search without words: published packages, newest first, read from the index

Revision ID: 0010_package_listing_index
Revises: 0009_scale_indexes
Create Date: 2026-11-24 18:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010_package_listing_index'
down_revision = '0009_scale_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_workpackages_status_published', 'workpackages', ['status', 'published_at', 'id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_workpackages_status_published', table_name='workpackages')
