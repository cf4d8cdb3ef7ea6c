"""The use cases, callable without Qt: the CLI and the GUI are two faces of these.

Each method is one unit of work (one session, one transaction, finished before it
returns) and hands back frozen values from `desktop.services.values`. Every use case is
imported on first use: a `ridealong` command pays only for the ones it runs.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from desktop.clock import Clock, utcnow
from desktop.storage.database import Database, describe, open_database

if TYPE_CHECKING:
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


class Services:
    """Every use case over one open database, each made (and its module imported) on
    first use."""

    def __init__(self, db: Database) -> None:
        self.db = db
        #: The time every use case reads; the window's timer and dates read it too.
        self.clock = db.clock

    @cached_property
    def calls(self) -> CallService:
        from desktop.services.calls import CallService

        return CallService(self.db)

    @cached_property
    def notes(self) -> NoteService:
        from desktop.services.notes import NoteService

        return NoteService(self.db)

    @cached_property
    def people(self) -> PeopleService:
        from desktop.services.people import PeopleService

        return PeopleService(self.db)

    @cached_property
    def accounts(self) -> AccountService:
        from desktop.services.people import AccountService

        return AccountService(self.db)

    @cached_property
    def frameworks(self) -> FrameworkService:
        from desktop.services.qualification import FrameworkService

        return FrameworkService(self.db)

    @cached_property
    def qualification(self) -> QualificationService:
        from desktop.services.qualification import QualificationService

        return QualificationService(self.db)

    @cached_property
    def review(self) -> ReviewService:
        from desktop.services.review import ReviewService

        return ReviewService(self.db)

    @cached_property
    def definitions(self) -> DefinitionService:
        from desktop.services.definitions import DefinitionService

        return DefinitionService(self.db)

    @cached_property
    def search(self) -> SearchService:
        from desktop.services.search import SearchService

        return SearchService(self.db)

    @cached_property
    def insights(self) -> InsightsService:
        from desktop.services.insights import InsightsService

        return InsightsService(self.db)

    @cached_property
    def competitors(self) -> CompetitorService:
        """The competitors the team keeps on its list (reports also know tagged ones)."""
        from desktop.services.competitors import CompetitorService

        return CompetitorService(self.db)

    @cached_property
    def alignment(self) -> AlignmentService:
        from desktop.services.alignment import AlignmentService

        return AlignmentService(self.db)

    @cached_property
    def trends(self) -> TrendService:
        from desktop.services.trends import TrendService

        return TrendService(self.db)

    @cached_property
    def ids(self) -> IdService:
        """Ids as typed: whole or a unique start (`ridealong call show 3f2a9c1d`)."""
        from desktop.services.ids import IdService

        return IdService(self.db)

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
        if not services._has_shipped():
            services.frameworks.ensure_builtin()
            services.definitions.ensure_defaults()
        return services

    def _has_shipped(self) -> bool:
        """Whether the shipped frameworks and the starting definitions are in, in one
        read: the use cases that add them (and their modules, a tenth of a command's
        start) load only when something is missing."""
        from sqlalchemy import select

        from desktop import shipped
        from desktop.storage import models as m

        keys = {
            shipped.read_json("frameworks", n)["key"] for n in shipped.names("frameworks", ".json")
        }
        with self.db.read() as s:
            have = set(s.scalars(select(m.Framework.key)))
            defined = s.scalar(select(m.Definition.id).limit(1)) is not None
        return defined and keys <= have

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
