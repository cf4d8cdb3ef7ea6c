"""Render pages of both PDFs, made from demo data, into docs/screenshots/ (needs pdftoppm).

    python scripts/report_screenshots.py

Everything happens in a temporary data folder: 300 demo calls over three months, the
insights of the current month and the summary of its most annotated graded call.
"""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date
from pathlib import Path

from desktop.demo import generate
from desktop.reports.call_summary import build_call_summary
from desktop.reports.insights_report import build_insights_report
from desktop.services import Services
from desktop.services.periods import Period
from desktop.services.redaction import RedactionOptions

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
#: (PDF, page, picture): the cover, the summary, the pains, alignment; a call.
PAGES = (
    ("insights", 1, "report-insights-1.png"),
    ("insights", 2, "report-insights-2.png"),
    ("insights", 3, "report-insights-3.png"),
    ("insights", "Alignment between marketing and sales", "report-insights-alignment.png"),
    ("call", 1, "report-call-1.png"),
    ("call-redacted", 2, "report-call-2-redacted.png"),
)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        services = Services.open(f"sqlite:///{work / 'demo.db'}")
        generate(services, calls=300, months=3, seed=7)
        today = date.today()
        pdfs = {name: work / f"{name}.pdf" for name in ("insights", "call", "call-redacted")}
        build_insights_report(
            services, Period.month(today.year, today.month), None, pdfs["insights"],
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
    import pypdf

    for number, page in enumerate(pypdf.PdfReader(pdf).pages, start=1):
        if heading in page.extract_text():
            return number
    raise SystemExit(f"no page of {pdf.name} says {heading!r}")


if __name__ == "__main__":
    main()
