"""Render pages of both PDFs, made from demo data, into docs/screenshots/ (needs pdftoppm).

    python scripts/report_screenshots.py

Everything happens in a temporary data folder: the 400-call demo over three months, the
insights of the last whole month (a page per section, found by its heading) and the
summary of the most annotated graded call.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from desktop.clock import local_today, utcnow
from desktop.demo import generate
from desktop.reports.call_summary import build_call_summary
from desktop.reports.insights_report import build_insights_report
from desktop.services import Services
from desktop.services.periods import Period
from desktop.services.redaction import RedactionOptions

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
#: (PDF, page number or a heading on the page, picture).
PAGES = (
    ("insights", 1, "report-insights-1.png"),
    ("insights", 2, "report-insights-2.png"),
    ("insights", 3, "report-insights-3.png"),
    ("insights", "Untagged pains", "report-insights-untagged.png"),
    ("insights", "Qualification", "report-insights-qualification.png"),
    ("insights", "Competitors", "report-insights-competitors.png"),
    ("insights", "In their words", "report-insights-words.png"),
    ("insights", "Won and lost", "report-insights-won-and-lost.png"),
    ("insights", "Quote bank", "report-insights-quote-bank.png"),
    ("insights", "Alignment between marketing and sales", "report-insights-alignment.png"),
    ("insights", "B. The calls counted", "report-insights-calls-appendix.png"),
    ("insights", "C. Every untagged note", "report-insights-untagged-appendix.png"),
    ("call", 1, "report-call-1.png"),
    ("call-redacted", 2, "report-call-2-redacted.png"),
)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        services = Services.open(f"sqlite:///{work / 'demo.db'}")
        generate(services, calls=400, months=3, seed=7)
        today = local_today(utcnow)
        month = Period.month(today.year, today.month).previous()
        pdfs = {name: work / f"{name}.pdf" for name in ("insights", "call", "call-redacted")}
        build_insights_report(
            services, month, None, pdfs["insights"],
            generated_by="Mo Marketer",
        )  # fmt: skip
        rows = [r for r in services.calls.page(limit=100) if r.grade is not None]
        call = max(rows, key=lambda r: r.note_count)
        build_call_summary(services, call.id, pdfs["call"])
        build_call_summary(services, call.id, pdfs["call-redacted"], redaction=RedactionOptions())
        services.close()
        for name, page, picture in PAGES:
            number = page if isinstance(page, int) else _find(pdfs[name], page)
            stem = work / "page"
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", str(number), "-l", str(number),
                 "-singlefile", str(pdfs[name]), str(stem)],
                check=True,
            )  # fmt: skip
            (stem.with_suffix(".png")).replace(OUT / picture)
            print(OUT / picture)


def _find(pdf: Path, heading: str) -> int:
    """The first page with a line that is the heading (not a mention of it)."""
    import pypdf

    for number, page in enumerate(pypdf.PdfReader(pdf).pages, start=1):
        if heading in (line.strip() for line in page.extract_text().splitlines()):
            return number
    raise SystemExit(f"no page of {pdf.name} says {heading!r}")


if __name__ == "__main__":
    main()
