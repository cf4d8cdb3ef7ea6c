"""The use cases, callable without Qt: the CLI and the GUI are two faces of these.

Each method is one unit of work (one session, one transaction, finished before it
returns) and hands back frozen values from `desktop.services.values`. The use cases a
command rarely needs (backups, trash, bundles, spreadsheets, redaction, live refresh)
are imported on first use: every `ridealong` command pays for what it imports.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from desktop.clock import Clock, utcnow
from desktop.services.alignment import AlignmentService
from desktop.services.calls import CallService
from desktop.services.competitors import CompetitorService
from desktop.services.definitions import DefinitionService
from desktop.services.ids import IdService
from desktop.services.insights import InsightsService
from desktop.services.notes import NoteService
from desktop.services.people import AccountService, PeopleService
from desktop.services.qualification import FrameworkService, QualificationService
from desktop.services.review import ReviewService
from desktop.services.search import SearchService
from desktop.services.trends import TrendService
from desktop.storage.database import Database, describe, open_database

if TYPE_CHECKING:
    from desktop.services.backup import BackupService
    from desktop.services.bundles import BundleService
    from desktop.services.live import LiveChanges
    from desktop.services.note_rows import NoteRowService
    from desktop.services.redaction import RedactionService
    from desktop.services.trash import TrashService


class Services:
    """Every use case over one open database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        #: The time every use case reads; the window's timer and dates read it too.
        self.clock = db.clock
        self.calls = CallService(db)
        self.notes = NoteService(db)
        self.people = PeopleService(db)
        self.accounts = AccountService(db)
        self.frameworks = FrameworkService(db)
        self.qualification = QualificationService(db)
        self.review = ReviewService(db)
        self.definitions = DefinitionService(db)
        self.search = SearchService(db)
        self.insights = InsightsService(db)
        #: The competitors the team keeps on its list (reports also know tagged ones).
        self.competitors = CompetitorService(db)
        self.alignment = AlignmentService(db)
        self.trends = TrendService(db)
        #: Ids as typed: whole or a unique start (`ridealong call show 3f2a9c1d`).
        self.ids = IdService(db)

    @cached_property
    def redaction(self) -> RedactionService:
        from desktop.services.redaction import RedactionService

        return RedactionService(self.db)

    @cached_property
    def trash(self) -> TrashService:
        from desktop.services.trash import TrashService

        return TrashService(self.db)

    @cached_property
    def note_rows(self) -> NoteRowService:
        """Every note of a period as a flat row, for spreadsheets (`export csv`)."""
        from desktop.services.note_rows import NoteRowService

        return NoteRowService(self.db)

    @cached_property
    def backups(self) -> BackupService:
        from desktop.services.backup import BackupService

        return BackupService(self.db)

    @cached_property
    def bundles(self) -> BundleService:
        """Bundle files: a call or a month to another laptop, without a server."""
        from desktop.services.bundles import BundleService

        return BundleService(self.db)

    @cached_property
    def live(self) -> LiveChanges | None:
        """Teammates' writes as they commit, on a team database (None on a file)."""
        if self.db.dialect != "postgresql":
            return None
        from desktop.services.live import LiveChanges

        return LiveChanges(self.db)

    @classmethod
    def open(
        cls, url: str, *, clock: Clock = utcnow, upgrade: bool = True, verify: bool = True
    ) -> Services:
        """Open the database (migrating it if needed) and make sure it has the shipped
        frameworks and starting definitions. `verify`: see `open_database`."""
        services = cls(open_database(url, upgrade=upgrade, verify=verify, clock=clock))
        services.frameworks.ensure_builtin()
        services.definitions.ensure_defaults()
        return services

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        live = self.__dict__.get("live")  # never started: nothing to stop
        if live is not None:
            live.close()
        self.db.close()

    @property
    def where(self) -> str:
        """Where the data is, for people (the window's title): a file path, or the
        server's URL without its password."""
        return describe(self.db.url)
