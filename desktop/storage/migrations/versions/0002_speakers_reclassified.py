"""Who said a note, a reviewer's reclassification, and criteria that are "open".

- `note_speakers`: the contact who said a note (reports attribute quotes to their role).
- `annotations.reclassified`: a reviewer's change of a note's kind, intensity or themes.
- an index on `search_docs.annotation_id`, without which deleting an annotation (and so
  purging the trash) scans the whole search table once per annotation.
- a criterion never asked is stored as `open` (it was `unknown`), the word the checklist
  and the CLI use.

The speaker has a table of its own: SQLite can add a column with a foreign key to `notes`
only inline, which its reflection cannot read back, and the alternative, a batch rebuild,
copies every note (minutes at a million) to add one mostly empty column.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "note_speakers",
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_note_speakers_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["notes.id"],
            name=op.f("fk_note_speakers_note_id_notes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("note_id", name=op.f("pk_note_speakers")),
    )
    op.create_index(
        op.f("ix_note_speakers_contact_id"), "note_speakers", ["contact_id"], unique=False
    )
    op.add_column("annotations", sa.Column("reclassified", sa.JSON(), nullable=True))
    op.create_index(
        op.f("ix_search_docs_annotation_id"), "search_docs", ["annotation_id"], unique=False
    )
    op.execute("UPDATE criterion_answers SET status = 'open' WHERE status = 'unknown'")


def downgrade() -> None:
    op.execute("UPDATE criterion_answers SET status = 'unknown' WHERE status = 'open'")
    op.drop_index(op.f("ix_search_docs_annotation_id"), table_name="search_docs")
    with op.batch_alter_table("annotations", recreate="never") as batch_op:
        batch_op.drop_column("reclassified")
    op.drop_index(op.f("ix_note_speakers_contact_id"), table_name="note_speakers")
    op.drop_table("note_speakers")
