"""indexes for scale: the link tables looked up by their second column (meetings a circle is invited to,
circles and packages of a sector, circles of a region)

Revision ID: 0009_scale_indexes
Revises: 0008_progress
Create Date: 2026-11-24 12:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_scale_indexes'
down_revision = '0008_progress'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_meeting_circles_circle_id'), 'meeting_circles', ['circle_id'], unique=False)
    op.create_index(op.f('ix_circle_sectors_sector_code'), 'circle_sectors', ['sector_code'], unique=False)
    op.create_index(op.f('ix_circle_regions_region_code'), 'circle_regions', ['region_code'], unique=False)
    op.create_index(op.f('ix_workpackage_sectors_sector_code'), 'workpackage_sectors', ['sector_code'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_workpackage_sectors_sector_code'), table_name='workpackage_sectors')
    op.drop_index(op.f('ix_circle_regions_region_code'), table_name='circle_regions')
    op.drop_index(op.f('ix_circle_sectors_sector_code'), table_name='circle_sectors')
    op.drop_index(op.f('ix_meeting_circles_circle_id'), table_name='meeting_circles')
