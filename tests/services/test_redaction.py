"""Redaction of text that leaves the team: what goes, what stays, and the preview."""

from __future__ import annotations

import pytest

from desktop.services.redaction import (
    KnownAccount,
    KnownContact,
    RedactionOptions,
    Redactor,
    first_names,
)

JANE = KnownContact("Jane Whitfield", "Acme Freight Ltd", "CFO", "economic buyer")
OMAR = KnownContact("Omar Haddad", "Acme Freight Ltd", None, "champion")
ACME = KnownAccount("Acme Freight Ltd", "Logistics", "Mid-market", "201-500")


def redact(text: str, **options: object) -> str:
    return Redactor([JANE, OMAR], [ACME], RedactionOptions(**options))(text)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("call Jane Whitfield on Monday", "call [contact: CFO] on Monday"),
        ("Whitfield wants it; Jane agrees", "[contact: CFO] wants it; [contact: CFO] agrees"),
        ("Omar's team pushed back", "[contact: champion]'s team pushed back"),
        ("ask Priya Kapoor in finance", "ask [name] in finance"),
        ("Priya said no", "[name] said no"),
        ("Mark Thompson signs; Mark the date", "[name] signs; Mark the date"),
        ("Will they sign? Hope so.", "Will they sign? Hope so."),
        ("Dr. Okonkwo runs IT", "[name] runs IT"),
        ("The CFO and the VP Sales", "The CFO and the VP Sales"),
        ("mail jane.w+ops@acme-freight.co.uk now", "mail [email] now"),
        (
            "Acme Freight Ltd and Acme Freight",
            "a mid-market logistics company (201-500 employees) "
            "and a mid-market logistics company (201-500 employees)",
        ),
    ],
)
def test_people_and_contact_details_are_replaced(typed: str, shown: str) -> None:
    assert redact(typed) == shown


@pytest.mark.parametrize(
    "phone",
    [
        "+1 (415) 555-0199",
        "(415) 555-0199",
        "415.555.0199",
        "555-0134",
        "+44 20 7946 0958",
        "020 7946 0958",
        "+49 30 901820",
        "+33 1 42 68 53 00",
        "+91 98765 43210",
    ],
)
def test_phone_numbers_in_common_formats_are_replaced(phone: str) -> None:
    assert redact(f"ring {phone} today") == "ring [phone] today"


@pytest.mark.parametrize(
    "text",
    [
        "they have 2,000,000 in revenue",
        "the pilot starts 2024-03-15",
        "45000 seats, 10 500 users in Q3 2024",
        "budget of $45,000 for 12 months",
    ],
)
def test_numbers_that_are_not_phones_stay(text: str) -> None:
    assert redact(text, accounts=False) == text


def test_additions_and_keeps_are_honoured() -> None:
    text = "Project Falcon needs Jane Whitfield and Priya"
    assert redact(text, add=("project falcon",)) == "[redacted] needs [contact: CFO] and [name]"
    kept = redact(text, keep=("Priya", "Jane Whitfield"))
    assert kept == "Project Falcon needs Jane Whitfield and Priya"


def test_accounts_may_stay_named() -> None:
    redactor = Redactor([], [ACME], RedactionOptions(accounts=False))
    assert redactor("Acme Freight Ltd is keen") == "Acme Freight Ltd is keen"
    assert redactor.account("Acme Freight Ltd") == "Acme Freight Ltd"


def test_an_account_without_details_is_still_hidden() -> None:
    redactor = Redactor([], [KnownAccount("Nowhere Inc", None, None, None)])
    assert redactor.account("Nowhere Inc") == "[account]"
    assert redactor("Nowhere is keen; Nowhere Inc too") == "[account] is keen; [account] too"


def test_the_preview_counts_terms_with_examples() -> None:
    redactor = Redactor([JANE], [ACME])
    redactor("Jane Whitfield said the close takes nine days")
    redactor("Jane Whitfield again, mail jane@acme.io")
    redactor.account("Acme Freight Ltd")

    preview = redactor.preview()

    first = preview.terms[0]
    assert (first.term, first.count, first.category) == ("Jane Whitfield", 2, "contact")
    assert first.examples[0].startswith("Jane Whitfield said")
    assert preview.total == 4
    assert {t.category for t in preview.terms} == {"contact", "email", "account"}


def test_the_shipped_name_lists_load() -> None:
    names, also_words = first_names()
    assert {"Priya", "Jane", "Kwame", "Saoirse", "Tomás"} <= names
    assert {"Mark", "Hope"} <= also_words
    assert not {"The", "Monday", "May"} & (names | also_words)
