"""`ridealong export`: the PDFs from the command line, with the CLI's exit-code contract."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pypdf
import pytest

from desktop.cli import main
from desktop.config import ENV_DATABASE_URL
from desktop.domain import NoteKind
from desktop.services import Services
from tests.fakes import FakeClock


@pytest.fixture(autouse=True)
def _no_database_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    monkeypatch.setenv("RIDEALONG_CONFIG_DIR", str(tmp_path / "config"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def call_id(db_url: str, clock: FakeClock) -> str:
    services = Services.open(db_url, clock=clock)
    try:
        call = services.calls.start(
            "Acme", rep="Riley Rep", started_at=datetime(2024, 3, 5, 10).astimezone()
        )
        services.notes.add(call.id, NoteKind.PAIN, "Call Jane Whitfield at 415-555-0199 #close")
        return str(call.id)
    finally:
        services.close()


def test_export_call_and_month_write_pdfs_and_print_their_paths(
    capsys: pytest.CaptureFixture[str], db_url: str, call_id: str, tmp_path: Path
) -> None:
    call_pdf = tmp_path / "call.pdf"
    code, out, err = run(
        capsys, "--database-url", db_url, "export", "call", call_id, "-o", str(call_pdf)
    )
    assert (code, out, err) == (0, f"{call_pdf}\n", "")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(call_pdf).pages)
    assert "Call Jane Whitfield at 415-555-0199" in text

    month_pdf = tmp_path / "march.pdf"
    code, out, err = run(
        capsys, "--database-url", db_url, "export", "month", "2024-03", "-o", str(month_pdf),
        "--redact", "--rep", "riley rep", "--by", "Pat Lead",
    )  # fmt: skip
    assert (code, out, err) == (0, f"{month_pdf}\n", "")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(month_pdf).pages)
    assert "rep: riley rep" in text and "Pat Lead" in text
    assert "Whitfield" not in text and "555-0199" not in text


def test_redacting_by_role_hides_the_team_names_too(
    capsys: pytest.CaptureFixture[str], db_url: str, call_id: str, tmp_path: Path
) -> None:
    path = tmp_path / "march.pdf"
    code, out, err = run(
        capsys, "--database-url", db_url, "export", "month", "2024-03", "-o", str(path),
        "--redact", "--team-names", "role", "--rep", "Riley Rep", "--by", "Pat Lead",
    )  # fmt: skip
    assert (code, out, err) == (0, f"{path}\n", "")
    reader = pypdf.PdfReader(path)
    text = " ".join("".join(p.extract_text() for p in reader.pages).split())
    assert "rep: [rep A]" in text and "by [team member]" in text
    assert "Riley" not in text and "Pat Lead" not in text and "Whitfield" not in text
    assert reader.metadata is not None and reader.metadata["/Author"] == "[team member]"
    assert "Riley" not in reader.metadata["/Subject"]


def test_a_date_range_replaces_the_month(
    capsys: pytest.CaptureFixture[str], db_url: str, call_id: str, tmp_path: Path
) -> None:
    path = tmp_path / "week.pdf"
    code, out, _ = run(
        capsys, "--database-url", db_url, "export", "month", "2024-03",
        "--since", "2024-03-04", "--until", "2024-03-10", "-o", str(path),
    )  # fmt: skip
    assert code == 0 and out == f"{path}\n"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(path).pages)
    assert "04 March 2024 to 10 March 2024" in text


@pytest.mark.parametrize(
    "args",
    [
        ["export", "call", "not-a-uuid", "-o", "{out}/x.pdf"],
        ["export", "call", "00000000-0000-0000-0000-000000000000", "-o", "{out}/x.pdf"],
        ["export", "month", "2024-13", "-o", "{out}/x.pdf"],
        ["export", "month", "March", "-o", "{out}/x.pdf"],
        ["export", "month", "2024-03", "--since", "2024-02-30", "-o", "{out}/x.pdf"],
        [
            "export",
            "month",
            "2024-03",
            "--since",
            "2024-03-20",
            "--until",
            "2024-03-01",
            "-o",
            "{out}/x.pdf",
        ],
        ["export", "month", "2024-03", "--team-names", "role", "-o", "{out}/x.pdf"],
        ["export", "call", "{call}", "--redact", "--team-names", "none", "-o", "{out}/x.pdf"],
        ["export", "month", "2024-03", "-o", "{out}/missing/x.pdf"],
        ["export", "month", "2024-03", "-o", "{out}"],
        ["export", "month", "2024-03"],
        ["export", "call", "00000000-0000-0000-0000-000000000000"],
        ["export", "call", "00000000-0000-0000-0000-000000000000", "--format", "doc"],
        ["export", "call", "00000000-0000-0000-0000-000000000000", "--format", "md"],
        ["export", "call", "not-a-uuid", "--format", "md", "-o", "{out}/x.md"],
        ["export", "call", "00000000-0000-0000-0000-000000000000", "--format", "md", "-o", "{out}"],
    ],
)
def test_mistakes_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path, args: list[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    call = "00000000-0000-0000-0000-000000000000"
    code, stdout, err = run(
        capsys, "--database-url", sqlite_url, *(a.format(out=out, call=call) for a in args)
    )
    assert code == 2 and stdout == ""
    assert err.startswith("ridealong") and err.count("\n") == 1 and "Traceback" not in err
    assert list(out.iterdir()) == []


def test_export_call_as_markdown_prints_it_or_writes_a_file(
    capsys: pytest.CaptureFixture[str], db_url: str, call_id: str, tmp_path: Path
) -> None:
    code, out, err = run(
        capsys, "--database-url", db_url, "export", "call", call_id, "--format", "md"
    )
    assert code == 0 and err == ""
    assert out.startswith("# Acme — discovery call, 05 Mar 2024\n")
    assert "** Call Jane Whitfield at 415-555-0199 #close\n  - #close\n" in out
    assert (
        run(
            capsys, "--database-url", db_url, "export", "call", call_id, "--format", "md", "-o", "-"
        )[1]
        == out
    )

    path = tmp_path / "call.md"
    code, printed, err = run(
        capsys, "--database-url", db_url, "export", "call", call_id, "--format", "md",
        "-o", str(path), "--redact",
    )  # fmt: skip
    assert (code, printed, err) == (0, f"{path}\n", "")
    written = path.read_text(encoding="utf-8")
    assert "Whitfield" not in written and "555-0199" not in written and "Riley Rep" in written
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_export_call_without_a_format_is_still_a_pdf(
    capsys: pytest.CaptureFixture[str], db_url: str, call_id: str, tmp_path: Path
) -> None:
    path = tmp_path / "call.pdf"
    code, out, _ = run(
        capsys,
        "--database-url",
        db_url,
        "export",
        "call",
        call_id,
        "--format",
        "pdf",
        "-o",
        str(path),
    )
    assert code == 0 and out == f"{path}\n"
    assert pypdf.PdfReader(path).pages
