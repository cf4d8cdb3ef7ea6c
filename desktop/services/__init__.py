"""The use cases, callable without Qt: the CLI and the GUI are two faces of these.

Each method is one unit of work (one session, one transaction, finished before it
returns) and hands back frozen values from `desktop.services.values`.
"""

from __future__ import annotations

from desktop.services.alignment import AlignmentService
from desktop.services.backup import BackupService
from desktop.services.base import Clock
from desktop.services.calls import CallService
from desktop.services.definitions import DefinitionService
from desktop.services.insights import InsightsService
from desktop.services.notes import NoteService
from desktop.services.people import AccountService, PeopleService
from desktop.services.qualification import FrameworkService, QualificationService
from desktop.services.redaction import RedactionService
from desktop.services.review import ReviewService
from desktop.services.search import SearchService
from desktop.services.trash import TrashService
from desktop.services.trends import TrendService
from desktop.storage.database import Database, open_database
from desktop.storage.models import utcnow


class Services:
    """Every use case over one open database."""

    def __init__(self, db: Database, clock: Clock = utcnow) -> None:
        self.db = db
        self.clock = clock
        self.calls = CallService(db, clock)
        self.notes = NoteService(db, clock)
        self.people = PeopleService(db, clock)
        self.accounts = AccountService(db, clock)
        self.frameworks = FrameworkService(db, clock)
        self.qualification = QualificationService(db, clock)
        self.review = ReviewService(db, clock)
        self.definitions = DefinitionService(db, clock)
        self.search = SearchService(db, clock)
        self.insights = InsightsService(db, clock)
        self.alignment = AlignmentService(db, clock)
        self.trends = TrendService(db, clock)
        self.redaction = RedactionService(db, clock)
        self.trash = TrashService(db, clock)
        self.backups = BackupService(db, clock)

    @classmethod
    def open(
        cls, url: str, *, clock: Clock = utcnow, upgrade: bool = True, verify: bool = True
    ) -> Services:
        """Open the database (migrating it if needed) and make sure it has the shipped
        frameworks and starting definitions. `verify`: see `open_database`."""
        services = cls(open_database(url, upgrade=upgrade, verify=verify), clock)
        services.frameworks.ensure_builtin()
        services.definitions.ensure_defaults()
        return services

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()
