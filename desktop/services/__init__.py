"""The use cases, callable without Qt: the CLI and the GUI are two faces of these.

Each method is one unit of work (one session, one transaction, finished before it
returns) and hands back frozen values from `desktop.services.values`.
"""

from __future__ import annotations

from desktop.clock import Clock, utcnow
from desktop.services.alignment import AlignmentService
from desktop.services.backup import BackupService
from desktop.services.bundles import BundleService
from desktop.services.calls import CallService
from desktop.services.competitors import CompetitorService
from desktop.services.definitions import DefinitionService
from desktop.services.ids import IdService
from desktop.services.insights import InsightsService
from desktop.services.live import LiveChanges
from desktop.services.note_rows import NoteRowService
from desktop.services.notes import NoteService
from desktop.services.people import AccountService, PeopleService
from desktop.services.qualification import FrameworkService, QualificationService
from desktop.services.redaction import RedactionService
from desktop.services.review import ReviewService
from desktop.services.search import SearchService
from desktop.services.trash import TrashService
from desktop.services.trends import TrendService
from desktop.storage.database import Database, describe, open_database


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
        self.redaction = RedactionService(db)
        self.trash = TrashService(db)
        #: Every note of a period as a flat row, for spreadsheets (`export csv`).
        self.note_rows = NoteRowService(db)
        self.backups = BackupService(db)
        #: Bundle files: a call or a month to another laptop, without a server.
        self.bundles = BundleService(db)
        #: Ids as typed: whole or a unique start (`ridealong call show 3f2a9c1d`).
        self.ids = IdService(db)
        #: Teammates' writes as they commit, on a team database (None on a file).
        self.live = LiveChanges(db) if db.dialect == "postgresql" else None

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
        if self.live is not None:
            self.live.close()
        self.db.close()

    @property
    def where(self) -> str:
        """Where the data is, for people (the window's title): a file path, or the
        server's URL without its password."""
        return describe(self.db.url)
