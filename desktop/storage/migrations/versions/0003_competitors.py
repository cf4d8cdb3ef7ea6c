"""The competitors the team keeps on its list.

- `competitors`: a competitor's name as the team typed it, and its key (casefolded,
  spaces and hyphens as one hyphen: the form its tag takes), unique. Reports count a
  listed competitor on every call that names it, whether or not a competitor note is
  tagged with it. A new table only: no existing row changes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "competitors",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competitors")),
        sa.UniqueConstraint("name_key", name=op.f("uq_competitors_name_key")),
    )


def downgrade() -> None:
    op.drop_table("competitors")
