"""The two PDFs, read back: what a sceptical reader would check, on SQLite and PostgreSQL.

Each test builds a small, explicit month through the services, writes the PDF and
extracts its text with pypdf. Text is compared without whitespace (lines wrap anywhere)
and after NFKC (Arabic comes back as its presentation forms).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pypdf
import pytest

from desktop.domain import CriterionStatus, Grade, NoteKind, Verdict
from desktop.errors import Cancelled, NotFound, UserError
from desktop.progress import CancelToken
from desktop.reports.call_summary import build_call_summary
from desktop.reports.insights_report import build_insights_report, preview_insights_redaction
from desktop.services import Services
from desktop.services.insights import RANKING_RULES
from desktop.services.periods import InsightFilters, Period
from desktop.services.redaction import RedactionOptions

MARCH = Period.month(2024, 3)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the PDFs (the SQLite database lives in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2024, month, day, hour).astimezone()


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Text as compared: NFKC, no whitespace at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def contains(haystack: str, needle: str) -> bool:
    return flat(needle) in flat(haystack)


def start(services: Services, account: str, when: datetime, **kwargs: object):
    kwargs.setdefault("rep", "Riley Rep")
    kwargs.setdefault("marketer", "Mo Marketer")
    return services.calls.start(account, started_at=when, **kwargs)  # type: ignore[arg-type]


def note(services: Services, call_id, kind: NoteKind, text: str, **details: object):
    details.setdefault("offset_ms", 60_000)
    return services.notes.add(call_id, kind, text, **details)  # type: ignore[arg-type]


def march_report(
    services: Services, path: Path, filters: InsightFilters | None = None, **kwargs: object
) -> str:
    build_insights_report(services, MARCH, filters, path, generated_by="Pat Lead", **kwargs)  # type: ignore[arg-type]
    return pdf_text(path)


# -- the month -----------------------------------------------------------------------

QUOTES = {
    "confirmed": "We rebuild the board deck by hand every single month",
    "corrected": "Finance exports three spreadsheets before anyone sees a number",
    "unreviewed": "Our reports are stale before the meeting starts",
    "disputed": "They said reporting is totally fine actually",
}


@pytest.fixture
def month(services: Services) -> Services:
    """Five calls in March 2024 (one more in February) with known themes and reviews."""
    services.accounts.ensure("Acme Freight", industry="Logistics", segment="Mid-market")
    calls = [start(services, f"Account {i}", at(3, i + 2)) for i in range(4)]
    calls.append(start(services, "Acme Freight", at(3, 20), framework="bant"))
    made = {}
    for c, (status, text) in zip(calls, QUOTES.items(), strict=False):
        made[status] = note(
            services, c.id, NoteKind.PAIN, text, tags=["manual-reporting"], intensity=4
        )
    services.review.annotate(made["confirmed"].id, Verdict.CONFIRMED, "Riley Rep")
    services.review.annotate(
        made["corrected"].id, Verdict.CORRECTED, "Riley Rep", correction="Finance exports four"
    )
    services.review.annotate(made["disputed"].id, Verdict.DISPUTED, "Riley Rep")
    note(services, calls[0].id, NoteKind.PAIN, "Connectors break weekly #integrations")
    note(services, calls[4].id, NoteKind.PAIN, "The ERP sync fails at night #integrations")
    note(services, calls[1].id, NoteKind.PAIN, "Pricing is opaque #price")
    feb = start(services, "Old Co", at(2, 20))
    note(services, feb.id, NoteKind.PAIN, "Too expensive #price")
    note(services, feb.id, NoteKind.PAIN, "Too expensive again #price")
    for c in calls[:2]:
        note(
            services,
            c.id,
            NoteKind.OBJECTION,
            "Security review will take a quarter #security",
            response="Offered the SOC 2 report",
        )
    note(services, calls[2].id, NoteKind.COMPETITOR, "Trialling Rivalsoft #rivalsoft")
    note(
        services,
        calls[3].id,
        NoteKind.QUOTE,
        "This would give me my Sundays back",
        quote_worthy=True,
    )
    services.review.grade(calls[0].id, Grade.SQL, "Riley Rep", "Pain and budget confirmed")
    services.review.grade(calls[1].id, Grade.MQL, "Riley Rep")
    services.qualification.set_status(calls[4].id, "budget", CriterionStatus.ANSWERED)
    return services


def test_insights_pdf_ranks_themes_with_k_of_n_counts(month: Services, out: Path) -> None:
    text = march_report(month, out / "march.pdf")

    assert contains(text, "What prospects told us — March 2024")
    assert contains(text, "Generated") and contains(text, "by Pat Lead")
    assert contains(text, "none: all calls")
    # pains, ranked by distinct calls: 4, then 2, then 1
    assert contains(text, "February 2024, the calendar month before")
    assert contains(text, "vs February 2024")
    assert "vs previous" not in text
    # the disputed "manual reporting" note counts nowhere
    assert contains(text, "1 Manual reporting 3 of 5")
    assert contains(text, "2 Integrations 2 of 5")
    assert contains(text, "3 Price 1 of 5")
    assert contains(text, "raised on 3 of 5 calls")
    assert "%" not in text.split("Lead grades")[1].split("Objections")[0]  # n < 10: counts only
    # trend: price was on one call in February too; integrations are new
    assert contains(text, "Price 1 of 5 1 3.0 ■ same") or contains(text, "■ same")
    assert contains(text, "● new")
    # objections, with the rep's answer and the SQL calls among those raising it
    # quoted as said: the inline tag is the marketer's, not the prospect's
    assert contains(text, "“Security review will take a quarter”")
    assert contains(text, "Offered the SOC 2 report")
    assert contains(text, "1 of those 2 calls was graded SQL")
    assert contains(text, "Rivalsoft")
    # the lead grades, against the period before
    assert contains(text, "SQL 1 of 5 calls 0 of 1 calls +1")


def test_quotes_show_their_status_and_never_a_disputed_note(month: Services, out: Path) -> None:
    text = march_report(month, out / "march.pdf")

    for status in ("confirmed", "corrected", "unreviewed"):
        assert contains(text, QUOTES[status])
    assert not contains(text, QUOTES["disputed"])
    assert contains(text, "✓ confirmed by the rep")
    assert contains(text, "✎ corrected by the rep")
    assert contains(text, "Rep's correction: Finance exports four")
    assert contains(text, "not yet reviewed")
    # confirmed first
    flat_text = flat(text)
    assert flat_text.index(flat(QUOTES["confirmed"])) < flat_text.index(flat(QUOTES["corrected"]))
    # the quote bank
    assert contains(text, "This would give me my Sundays back")


def test_insights_pdf_has_coverage_alignment_appendix_and_metadata(
    month: Services, out: Path
) -> None:
    path = out / "march.pdf"
    text = march_report(month, path)

    assert contains(text, "BANT — 1 call")
    assert contains(text, "Budget 1 of 1 1 of 1")
    assert contains(text, "Never covered this period: Authority, Need, Timeline.")
    assert contains(
        text, "Too many questions for one call. Calls using BANT got through 1.0 of its 4"
    )
    assert contains(text, "Alignment between marketing and sales")
    assert contains(text, "Reps confirmed 1 of 3 reviewed notes, corrected")
    assert contains(text, "Mo Marketer → Riley Rep")
    assert contains(text, "Sales-qualified lead")  # the definitions in force
    assert contains(text, RANKING_RULES[:120])
    assert contains(text, "No deal closed in March 2024")
    reader = pypdf.PdfReader(path)
    assert reader.metadata is not None
    assert reader.metadata.title == "Ride-along insights — March 2024"
    assert reader.metadata.author == "Pat Lead"
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Summary" in outline and "Pains" in outline and "Appendix" in outline
    pages = len(reader.pages)
    assert contains(reader.pages[-1].extract_text(), f"Page {pages} of {pages}")


def test_regenerating_a_month_gives_the_same_numbers(month: Services, out: Path) -> None:
    first = march_report(month, out / "one.pdf")
    later = start(month, "April Co", at(4, 2))
    note(month, later.id, NoteKind.PAIN, "April pain #manual-reporting")
    second = march_report(month, out / "two.pdf")

    def numbers(text: str) -> str:
        body = text.split("Generated", 2)
        return re.sub(r"\d\d:\d\d", "", body[0] + body[-1].split("\n", 1)[-1])

    assert numbers(first) == numbers(second)


def test_filters_narrow_the_report_and_show_on_the_cover(month: Services, out: Path) -> None:
    text = march_report(month, out / "acme.pdf", InsightFilters(account="acme freight"))

    assert contains(text, "account: acme freight")
    assert contains(text, "1 Integrations 1 of 1")
    assert not contains(text, QUOTES["confirmed"])


def test_wins_and_losses_once_outcomes_exist(month: Services, out: Path) -> None:
    from desktop.domain import Outcome

    month.accounts.set_outcome("Account 0", Outcome.WON, on=date(2024, 3, 25))
    month.accounts.set_outcome("Account 1", Outcome.LOST, on=date(2024, 3, 28))
    month.accounts.set_outcome("Old Co", Outcome.WON, on=date(2024, 3, 30))  # called in Feb
    month.accounts.set_outcome("Account 2", Outcome.LOST, on=date(2024, 4, 2))  # April's
    text = march_report(month, out / "march.pdf")

    section = text.split("Won and lost")[1]
    assert contains(section, "3 deals closed in March 2024: 2 won, 1 lost.")
    assert contains(section, "Account 0 Won 25 Mar 2024 1 02 Mar 2024")
    assert contains(section, "Old Co Won 30 Mar 2024 1 20 Feb 2024")
    assert "Account 2" not in section.split("Win rate")[0]
    assert contains(section, "Won in March 2024: 2 of 3 decided deals")
    assert contains(section, "every deal decided so far (the base): 2 of 4 decided deals")
    assert contains(section, "Too few decided deals to conclude anything")
    assert contains(section, "Security Objection 1 1 0 2")
    assert contains(section, "Price Pain 1 1 0 2")


# -- the call summary ----------------------------------------------------------------


@pytest.fixture
def one_call(services: Services):
    services.accounts.ensure(
        "Acme Freight", industry="Logistics", segment="Mid-market", size="201-500"
    )
    services.accounts.ensure_contact(
        "Acme Freight", "Jane Whitfield", title="CFO", deal_role="economic buyer"
    )
    call = start(services, "Acme Freight", at(3, 12), contacts=["Jane Whitfield"], framework="bant")
    pain = note(
        services, call.id, NoteKind.PAIN, "Month-end close takes nine days", intensity=5,
        tags=["close"], quote_worthy=True, offset_ms=125_000,
    )  # fmt: skip
    question = note(
        services, call.id, NoteKind.QUESTION, "Is there budget?", answer="Yes, 40k this year",
        offset_ms=300_000,
    )  # fmt: skip
    services.qualification.link_note(question.id, "budget")
    objection = note(
        services, call.id, NoteKind.OBJECTION, "We tried a tool like this before",
        response="Showed the migration plan", offset_ms=610_000,
    )  # fmt: skip
    services.review.annotate(pain.id, Verdict.CONFIRMED, "Riley Rep", comment="Heard it twice")
    services.review.annotate(
        objection.id, Verdict.CORRECTED, "Riley Rep", correction="They tried two tools"
    )
    services.calls.end(call.id, ended_at=at(3, 12, 13))
    services.calls.set_next_step(call.id, "Send the ROI model by Friday")
    services.review.grade(call.id, Grade.SQL, "Riley Rep", "Budget and pain confirmed")
    return call


def test_call_summary_shows_the_call_as_reviewed(services: Services, one_call, out: Path) -> None:
    path = out / "call.pdf"
    info = build_call_summary(services, one_call.id, path)
    text = pdf_text(path)

    assert info.path == path and info.pages >= 1 and not info.redacted
    for expected in (
        "Acme Freight",
        "Logistics, Mid-market (201-500 employees)",
        "Jane Whitfield — CFO (economic buyer)",
        "Riley Rep / Mo Marketer",
        "12:00–13:00 (60 min)",
        "SQL — graded by Riley Rep",
        "against the definitions of revision 1",
        "Budget and pain confirmed",
        "Sales-qualified lead",
        "Budget Is there budget",
        "answered Yes, 40k this year",
        "02:05 Month-end close takes nine days",
        "●●●●● intensity 5",
        "★ quote-worthy",
        "#close",
        "✓ Confirmed",
        "“Heard it twice” — Riley Rep",
        "10:10 We tried a tool like this before",
        "Rep's response: Showed the migration plan",
        "✎ Corrected",
        "Correction: They tried two tools",
        "Send the ROI model by Friday",
    ):
        assert contains(text, expected), expected
    flat_text = flat(text)
    assert flat_text.index(flat("Pains (1)")) < flat_text.index(flat("Objections (1)"))
    reader = pypdf.PdfReader(path)
    assert reader.metadata is not None and "Acme Freight" in (reader.metadata.title or "")


def test_an_unknown_call_is_not_found(services: Services, out: Path) -> None:
    import uuid

    with pytest.raises(NotFound):
        build_call_summary(services, uuid.uuid4(), out / "x.pdf")
    assert list(out.iterdir()) == []


# -- text safety ---------------------------------------------------------------------

LONG = " ".join(f"w{i:05d}" for i in range(16_667))[:100_000]
HOSTILE = {
    "<b>not bold</b> & &amp; </para> <font name='x'> <unclosed": None,
    "emoji 😀 and 🚀 and ✓": None,
    "Arabic: الميزانية مجمدة حتى الربع الثالث": "الميزانية مجمدة حتى الربع الثالث",
    "中文：预算冻结到第三季度。日本語もある": None,
    "bell\x07 and tab\there": "bell[U+0007] and tab    here",
    "Ünïcödé accents — “quotes” Ωμέγα Привет": None,
}


@pytest.fixture
def hostile_call(services: Services):
    call = start(services, "Hostile Ltd", at(3, 15))
    for i, text in enumerate([*HOSTILE, LONG]):
        note(services, call.id, NoteKind.PAIN, text, tags=["hostile"], quote_worthy=True,
             offset_ms=1000 * i)  # fmt: skip
    return call


def test_hostile_note_texts_come_out_as_typed(services: Services, hostile_call, out: Path) -> None:
    build_call_summary(services, hostile_call.id, out / "call.pdf")
    call_text = pdf_text(out / "call.pdf")
    report_text = march_report(services, out / "march.pdf")

    for typed, shown in HOSTILE.items():
        assert contains(call_text, shown or typed), typed
        assert contains(report_text, shown or typed), typed
    # the 100,000-character note, whole and in order in the call summary
    words = re.findall(r"w\d{5}", call_text)
    assert words == re.findall(r"w\d{5}", LONG)
    # trimmed with a visible marker where a quote must stay short
    assert re.search(r"trimmed: [\d,]+ more characters", report_text)
    assert contains(report_text, LONG[:500])


def test_tall_texts_run_across_pages_instead_of_failing(services: Services, out: Path) -> None:
    from desktop.domain import Outcome

    services.accounts.ensure("Tall Co")
    call = start(services, "Tall Co", at(3, 9), framework="bant")
    many_lines = "".join(f"line {i}\n" for i in range(3000))
    for kind in (NoteKind.PAIN, NoteKind.QUOTE):
        note(services, call.id, kind, many_lines, tags=["tall"], quote_worthy=True)
    note(services, call.id, NoteKind.OBJECTION, "short #tall", response=many_lines)
    services.qualification.set_status(
        call.id, "budget", CriterionStatus.ANSWERED, answer=many_lines
    )
    services.accounts.set_outcome("Tall Co", Outcome.LOST, reason=many_lines)

    build_call_summary(services, call.id, out / "call.pdf")
    text = march_report(services, out / "march.pdf")

    call_text = pdf_text(out / "call.pdf")
    assert re.findall(r"line (\d+)", call_text).count("2999") >= 2  # both notes, whole
    assert "trimmed" in text and "trimmed" in call_text  # the answer and the reason


def test_hostile_names_come_out_as_typed(services: Services, out: Path) -> None:
    account, rep, contact = "<b>Acme & Sons</b>", "Riley <i>Rep", "Jo </para> O'Neil"
    services.accounts.ensure_contact(account, contact, title="CFO & <CEO>")
    call = start(services, account, at(3, 9), rep=rep, marketer="Mo & <Co>", contacts=[contact])
    pain = note(services, call.id, NoteKind.PAIN, "Pain #tall", quote_worthy=True)
    services.review.annotate(pain.id, Verdict.CONFIRMED, rep, comment="Fine <b>")
    services.definitions.set("SQL", "Sales-qualified & <confirmed>", by="Pat <Lead>")
    services.review.grade(call.id, Grade.SQL, rep, "Because <reasons> & more")

    build_call_summary(services, call.id, out / "call.pdf")
    call_text = pdf_text(out / "call.pdf")
    report_text = march_report(services, out / "march.pdf")

    for typed in (account, rep, contact, "CFO & <CEO>", "Mo & <Co>", "Because <reasons> & more",
                  "Sales-qualified & <confirmed>", f"graded by {rep}", "Fine <b>"):  # fmt: skip
        assert contains(call_text, typed), typed
    for typed in (account, f"Mo & <Co> → {rep}", "Sales-qualified & <confirmed>"):
        assert contains(report_text, typed), typed


SHOWN_WHEN_REDACTED = (
    "[contact: CFO]",
    "[email]",
    "[phone]",
    "[name]",
    "[redacted]",
    "mid-market logistics company",
    "from IT agreed",
    "Will they sign?",
)


def test_redaction_hides_people_and_contact_details(services: Services, out: Path) -> None:
    services.accounts.ensure(
        "Acme Freight", industry="Logistics", segment="Mid-market", size="201-500"
    )
    services.accounts.ensure_contact("Acme Freight", "Jane Whitfield", title="CFO")
    call = start(services, "Acme Freight", at(3, 12), contacts=["Jane Whitfield"])
    typed = (
        "Call Jane Whitfield on Monday at jane.whitfield@acmefreight.com or +1 (415) 555-0199; "
        "Priya Kapoor from IT agreed. Acme Freight wants Project Falcon live in Q3. Will they sign?"
    )
    note(services, call.id, NoteKind.PAIN, typed, tags=["speed"], quote_worthy=True)
    services.calls.set_next_step(call.id, "Email priya@acmefreight.com, ring 020 7946 0958")
    options = RedactionOptions(add=("Project Falcon",), keep=("IT",))

    build_call_summary(services, call.id, out / "call.pdf", redaction=options)
    march_report(services, out / "march.pdf", redaction=options)

    for name in ("call.pdf", "march.pdf"):
        text = pdf_text(out / name)
        for secret in ("Whitfield", "jane.whitfield@", "555-0199", "Priya", "Kapoor",
                       "Acme Freight", "Project Falcon", "7946"):  # fmt: skip
            assert secret not in text, (name, secret)
        for shown in SHOWN_WHEN_REDACTED:
            assert contains(text, shown), (name, shown)


def test_the_redaction_preview_lists_what_will_go(services: Services, out: Path) -> None:
    services.accounts.ensure_contact("Acme Freight", "Jane Whitfield", title="CFO")
    call = start(services, "Acme Freight", at(3, 12), contacts=["Jane Whitfield"])
    note(
        services, call.id, NoteKind.PAIN, "Jane Whitfield hates the close #close", quote_worthy=True
    )
    note(services, call.id, NoteKind.PAIN, "Ask Jane Whitfield and Omar Haddad #close")

    options = RedactionOptions(keep=("Omar Haddad",))
    preview = preview_insights_redaction(services, MARCH, None, options)

    terms = {t.term: t for t in preview.terms}
    assert terms["Jane Whitfield"].count >= 2  # both notes
    assert terms["Jane Whitfield"].placeholder == "[contact: CFO]"
    assert "Omar Haddad" not in terms and "Omar" not in terms
    assert any("hates the close" in e for e in terms["Jane Whitfield"].examples)
    assert list(out.iterdir()) == []  # a preview writes nothing


# -- long work -----------------------------------------------------------------------


def test_progress_reaches_the_end_and_cancel_leaves_no_file(month: Services, out: Path) -> None:
    seen: list[tuple[int, int]] = []
    build_insights_report(
        month, MARCH, None, out / "done.pdf", generated_by="x",
        progress=lambda d, t: seen.append((d, t)),
    )  # fmt: skip
    assert seen[-1][0] == seen[-1][1] and seen == sorted(seen)

    token = CancelToken()

    def cancel_midway(done: int, total: int) -> None:
        if done > total // 2:
            token.cancel()

    with pytest.raises(Cancelled):
        build_insights_report(
            month, MARCH, None, out / "cancelled.pdf", generated_by="x",
            progress=cancel_midway, cancel=token,
        )  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == ["done.pdf"]


def test_a_cancelled_call_summary_leaves_no_file(services: Services, one_call, out: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        build_call_summary(services, one_call.id, out / "call.pdf", cancel=token)
    assert list(out.iterdir()) == []


def test_an_unwritable_path_is_a_user_error(services: Services, out: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        build_insights_report(services, MARCH, None, out / "missing" / "x.pdf", generated_by="x")
    with pytest.raises(UserError, match="folder"):
        build_insights_report(services, MARCH, None, out, generated_by="x")


def test_an_empty_month_still_makes_a_report(services: Services, out: Path) -> None:
    text = march_report(services, out / "empty.pdf")

    assert contains(text, "No ride-along calls were logged in this period")
    assert contains(text, "No pain notes were tagged with a theme")
