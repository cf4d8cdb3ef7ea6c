"""Initial schema: the whole data model and the full-text search index.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 00:34:53.571502
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from desktop.storage.search import backend_for

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "accounts",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("segment", sa.String(length=50), nullable=True),
        sa.Column("size", sa.String(length=50), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("name_key", name=op.f("uq_accounts_name_key")),
    )
    op.create_table(
        "frameworks",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frameworks")),
        sa.UniqueConstraint("key", name=op.f("uq_frameworks_key")),
    )
    op.create_table(
        "people",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("name_key", name=op.f("uq_people_name_key")),
    )
    op.create_table(
        "tags",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("name", name=op.f("uq_tags_name")),
    )
    op.create_table(
        "calls",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("rep_id", sa.Uuid(), nullable=True),
        sa.Column("marketer_id", sa.Uuid(), nullable=True),
        sa.Column("framework_id", sa.Uuid(), nullable=True),
        sa.Column("call_type", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=50), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=True),
        sa.Column("grade_reason", sa.Text(), nullable=True),
        sa.Column("graded_by_id", sa.Uuid(), nullable=True),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("grade_definitions_revision", sa.Integer(), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_calls_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["frameworks.id"], name=op.f("fk_calls_framework_id_frameworks")
        ),
        sa.ForeignKeyConstraint(
            ["graded_by_id"], ["people.id"], name=op.f("fk_calls_graded_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["marketer_id"], ["people.id"], name=op.f("fk_calls_marketer_id_people")
        ),
        sa.ForeignKeyConstraint(["rep_id"], ["people.id"], name=op.f("fk_calls_rep_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calls_account_started_at", ["account_id", "started_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_calls_marketer_id"), ["marketer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_rep_id"), ["rep_id"], unique=False)
        batch_op.create_index("ix_calls_started_at_id", ["started_at", "id"], unique=False)
        batch_op.create_index("ix_calls_status_started_at", ["status", "started_at"], unique=False)

    op.create_table(
        "contacts",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("deal_role", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_contacts_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_account_id"), ["account_id"], unique=False)

    op.create_table(
        "criteria",
        sa.Column("framework_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_criteria_framework_id_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criteria")),
        sa.UniqueConstraint("framework_id", "key", name=op.f("uq_criteria_framework_id")),
    )
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_criteria_framework_id"), ["framework_id"], unique=False
        )

    op.create_table(
        "definitions",
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("term_key", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_definitions_author_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_definitions")),
        sa.UniqueConstraint("term_key", "revision", name=op.f("uq_definitions_term_key")),
    )
    with op.batch_alter_table("definitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_definitions_revision"), ["revision"], unique=False)

    op.create_table(
        "call_contacts",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.id"],
            name=op.f("fk_call_contacts_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_call_contacts_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("call_id", "contact_id", name=op.f("pk_call_contacts")),
    )
    op.create_table(
        "criterion_answers",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("criterion_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("updated_by_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.id"],
            name=op.f("fk_criterion_answers_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["criteria.id"],
            name=op.f("fk_criterion_answers_criterion_id_criteria"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["people.id"], name=op.f("fk_criterion_answers_updated_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion_answers")),
        sa.UniqueConstraint("call_id", "criterion_id", name=op.f("uq_criterion_answers_call_id")),
    )
    with op.batch_alter_table("criterion_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_criterion_answers_criterion_id"), ["criterion_id"], unique=False
        )

    op.create_table(
        "notes",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("offset_ms", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("intensity", sa.Integer(), nullable=True),
        sa.Column("quote_worthy", sa.Boolean(), nullable=False),
        sa.Column("case_study", sa.Boolean(), nullable=False),
        sa.Column("messaging", sa.Boolean(), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("criterion_id", sa.Uuid(), nullable=True),
        sa.Column("review_status", sa.String(length=16), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "intensity IS NULL OR intensity BETWEEN 1 AND 5", name=op.f("ck_notes_intensity")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_notes_author_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_notes_call_id_calls"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["criteria.id"],
            name=op.f("fk_notes_criterion_id_criteria"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index("ix_notes_call_offset", ["call_id", "offset_ms"], unique=False)
        batch_op.create_index("ix_notes_kind_call", ["kind", "call_id"], unique=False)

    op.create_table(
        "annotations",
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("correction", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_annotations_author_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_annotations_note_id_notes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotations")),
    )
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_annotations_note_id"), ["note_id"], unique=False)

    op.create_table(
        "criterion_answer_notes",
        sa.Column("answer_id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["criterion_answers.id"],
            name=op.f("fk_criterion_answer_notes_answer_id_criterion_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["notes.id"],
            name=op.f("fk_criterion_answer_notes_note_id_notes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("answer_id", "note_id", name=op.f("pk_criterion_answer_notes")),
    )
    with op.batch_alter_table("criterion_answer_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_criterion_answer_notes_note_id"), ["note_id"], unique=False
        )

    op.create_table(
        "note_tags",
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_note_tags_note_id_notes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_note_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("note_id", "tag_id", name=op.f("pk_note_tags")),
    )
    with op.batch_alter_table("note_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_tags_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "search_docs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("annotation_id", sa.Uuid(), nullable=True),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotations.id"],
            name=op.f("fk_search_docs_annotation_id_annotations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_search_docs_note_id_notes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_docs")),
    )
    with op.batch_alter_table("search_docs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_docs_note_id"), ["note_id"], unique=False)
    bind = op.get_bind()
    backend_for(bind.dialect.name).install(bind)


def downgrade() -> None:
    bind = op.get_bind()
    backend_for(bind.dialect.name).uninstall(bind)

    with op.batch_alter_table("search_docs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_docs_note_id"))

    op.drop_table("search_docs")
    with op.batch_alter_table("note_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_tags_tag_id"))

    op.drop_table("note_tags")
    with op.batch_alter_table("criterion_answer_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criterion_answer_notes_note_id"))

    op.drop_table("criterion_answer_notes")
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_annotations_note_id"))

    op.drop_table("annotations")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index("ix_notes_kind_call")
        batch_op.drop_index("ix_notes_call_offset")

    op.drop_table("notes")
    with op.batch_alter_table("criterion_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criterion_answers_criterion_id"))

    op.drop_table("criterion_answers")
    op.drop_table("call_contacts")
    with op.batch_alter_table("definitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_definitions_revision"))

    op.drop_table("definitions")
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criteria_framework_id"))

    op.drop_table("criteria")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_account_id"))

    op.drop_table("contacts")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_status_started_at")
        batch_op.drop_index("ix_calls_started_at_id")
        batch_op.drop_index(batch_op.f("ix_calls_rep_id"))
        batch_op.drop_index(batch_op.f("ix_calls_marketer_id"))
        batch_op.drop_index("ix_calls_account_started_at")

    op.drop_table("calls")
    op.drop_table("tags")
    op.drop_table("people")
    op.drop_table("frameworks")
    op.drop_table("accounts")
