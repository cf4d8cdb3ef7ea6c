"""Redaction of text that leaves the team: what goes, what stays, and the preview."""

from __future__ import annotations

import pytest

from desktop.services import Services
from desktop.services.name_finder import fold, lexicon
from desktop.services.redaction import (
    KnownAccount,
    KnownContact,
    KnownMember,
    RedactionOptions,
    Redactor,
)

JANE = KnownContact("Jane Whitfield", "Acme Freight Ltd", "CFO", "economic buyer")
OMAR = KnownContact("Omar Haddad", "Acme Freight Ltd", None, "champion")
ACME = KnownAccount("Acme Freight Ltd", "Logistics", "Mid-market", "201-500")
BRAMBLE = KnownAccount("Bramble Health", "Healthcare", "SMB", "11-50")
ACME_SHOWN = "a mid-market logistics company (201-500 employees)"
BRAMBLE_SHOWN = "a small-business healthcare company (11-50 employees)"

#: Contacts whose names are the hard cases: shared first names, names that are words,
#: a curly apostrophe, an accent, a two-letter surname.
HARD = [
    KnownContact("Arjun Mehta", "Acme Freight Ltd", "Ops Lead", None),
    KnownContact("Arjun Rao", "Bramble Health", "CTO", None),
    KnownContact("Grace Park", "Bramble Health", "VP Finance", None),
    KnownContact("Will Young", "Bramble Health", "Buyer", None),
    KnownContact("Mark Thompson", "Bramble Health", None, "champion"),
    KnownContact("Siobhan O’Connor", "Acme Freight Ltd", "COO", None),
    KnownContact("Lucía Álvarez", "Acme Freight Ltd", "Sales Manager", None),
    KnownContact("Li Na", "Bramble Health", "IT Manager", None),
    KnownContact("Do Van", "Bramble Health", "Analyst", None),
]
TEAM = [
    KnownMember("Yuki Tanaka", "marketer"),
    KnownMember("Sam Okafor", "rep"),
    KnownMember("Riley Cho", "rep"),
    KnownMember("Dana Moreau", "both"),
]


def redact(text: str, **options: object) -> str:
    return Redactor([JANE, OMAR], [ACME], RedactionOptions(**options))(text)  # type: ignore[arg-type]


def hard(text: str, team: str = "keep", report: tuple[str, ...] = ("Acme Freight Ltd",)) -> str:
    redactor = Redactor(
        [JANE, OMAR, *HARD],
        [ACME, BRAMBLE],
        RedactionOptions(team=team),  # type: ignore[arg-type]
        team=TEAM,
        report_accounts=report,
        not_people=["Dealgrove"],
    )
    return redactor(text)


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
        ("Acme Freight Ltd and Acme Freight", f"{ACME_SHOWN} and {ACME_SHOWN}"),
    ],
)
def test_people_and_contact_details_are_replaced(typed: str, shown: str) -> None:
    assert redact(typed) == shown


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        # the four that leaked
        ("Arjun is off sick", "[contact: Ops Lead] is off sick"),
        ("Quinn compared us to Dealgrove", "[name] compared us to Dealgrove"),
        ("Imani: we re-key every order", "[name]: we re-key every order"),
        ("Isla pushed back on price", "[name] pushed back on price"),
        # any case, any accent, either apostrophe
        ("arjun wants a pilot", "[contact: Ops Lead] wants a pilot"),
        ("ARJUN WANTS A PILOT", "[contact: Ops Lead] WANTS A PILOT"),
        ("per siobhan the budget is frozen", "per [contact: COO] the budget is frozen"),
        ("O'Connor signs; OConnor too", "[contact: COO] signs; [contact: COO] too"),
        ("Alvarez runs the warehouse", "[contact: Sales Manager] runs the warehouse"),
        ("ÁLVAREZ and lucia", "[contact: Sales Manager] and [contact: Sales Manager]"),
        # a two-letter surname and given name
        ("Li Na owns the integration", "[contact: IT Manager] owns the integration"),
        ("Li asked; Na agreed", "[contact: IT Manager] asked; [contact: IT Manager] agreed"),
        ("Do was on mute. Do they care?", "[contact: Analyst] was on mute. Do they care?"),
        # names that are words: gone where they are names, kept where they are words
        ("Will said the board meets in May", "[contact: Buyer] said the board meets in May"),
        ("Will they renew? We will see.", "Will they renew? We will see."),
        ("Mark wants SSO", "[contact: champion] wants SSO"),
        ("Mark this one as urgent", "Mark this one as urgent"),
        ("Grace from procurement asked", "[contact: VP Finance] from procurement asked"),
        ("a grace period of 30 days", "a grace period of 30 days"),
        ("Park will run the review", "[contact: VP Finance] will run the review"),
        ("park the idea near the office park", "park the idea near the office park"),
        ("spoke to Young; young teams", "spoke to [contact: Buyer]; young teams"),
        # tags and labels as the report prints them
        ("#arjun-mehta", "#[contact: Ops Lead]"),
        ("concerns from siobhan", "concerns from [contact: COO]"),
        # accounts: the report's and any other recorded one, in any case
        ("they compared us with Bramble Health", f"they compared us with {BRAMBLE_SHOWN}"),
        ("bramble is keen; acme freight too", f"{BRAMBLE_SHOWN} is keen; {ACME_SHOWN} too"),
    ],
)  # fmt: skip
def test_every_recorded_name_goes_wherever_it_is_written(typed: str, shown: str) -> None:
    assert hard(typed) == shown


def test_a_shared_first_name_goes_with_the_placeholder_the_report_can_tell() -> None:
    # Two Arjuns: in a report about Acme only the Acme one can be meant.
    assert hard("Arjun signs", report=("Acme Freight Ltd",)) == "[contact: Ops Lead] signs"
    assert hard("Arjun signs", report=("Bramble Health",)) == "[contact: CTO] signs"
    both = ("Acme Freight Ltd", "Bramble Health")
    assert hard("Arjun signs", report=both) == "[contact] signs"
    assert hard("Arjun Rao signs", report=both) == "[contact: CTO] signs"


@pytest.mark.parametrize(
    ("typed", "kept", "by_role"),
    [
        ("Yuki: they hate the CRM", "Yuki: they hate the CRM", "[marketer A]: they hate the CRM"),
        ("Sam Okafor asked; Sam too", "Sam Okafor asked; Sam too", "[rep B] asked; [rep B] too"),
        ("riley cho and Dana Moreau", "riley cho and Dana Moreau", "[rep A] and [team member A]"),
    ],
)  # fmt: skip
def test_team_names_are_kept_or_replaced_by_role_everywhere(
    typed: str, kept: str, by_role: str
) -> None:
    assert hard(typed) == kept
    assert hard(typed, team="role") == by_role


def test_a_team_member_is_printed_by_name_or_by_role() -> None:
    keep = Redactor(team=TEAM)
    role = Redactor(options=RedactionOptions(team="role"), team=TEAM)
    assert keep.person("Sam Okafor") == "Sam Okafor"
    assert role.person("sam okafor") == "[rep B]"
    assert role.person("Someone Else") == "[team member]"
    assert role.preview().terms[0].category == "team"
    assert RedactionOptions().team == "keep"


def test_a_prospect_sharing_a_team_members_first_name_is_still_hidden() -> None:
    sam = KnownContact("Sam Lee", "Acme Freight Ltd", "CEO", None)
    redactor = Redactor([sam], [ACME], team=[KnownMember("Sam Okafor", "rep")])
    assert redactor("Sam said yes; Sam Okafor too") == "[contact: CEO] said yes; Sam Okafor too"


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
        "+55 11 91234-5678",
        "(11) 91234-5678",
        "+34 612 34 56 78",
        "612 34 56 78",
        "1-800-FLOWERS",
        "1-800-GOT-JUNK",
        "(800) CONTACTS",
    ],
)
def test_phone_numbers_in_common_formats_are_replaced(phone: str) -> None:
    assert redact(f"ring {phone} today") == "ring [phone] today"


@pytest.mark.parametrize(
    "email",
    [
        "jane(at)acme(dot)com",
        "jane (at) acme (dot) co (dot) uk",
        "jane [at] acme [dot] com",
        "jane at acme dot com",
        "jane.w AT acme-freight DOT io",
        "jane@acme(dot)com",
        "jane{at}acme.com",
    ],
)
def test_written_out_email_addresses_are_replaced(email: str) -> None:
    assert redact(f"mail {email} today") == "mail [email] today"


@pytest.mark.parametrize(
    "text",
    [
        "they have 2,000,000 in revenue",
        "the pilot starts 2024-03-15",
        "45000 seats, 10 500 users in Q3 2024",
        "budget of $45,000 for 12 months",
        "ISO-27001 and SOC 2, 401-K plans, the 365-DAY plan",
        "we meet at noon; look at the data. Com is short for comms",
        "the top 3 at Acme dot matrix printers",
    ],
)
def test_numbers_and_words_that_are_not_contact_details_stay(text: str) -> None:
    assert redact(text, accounts=False) == text


def test_competitors_and_products_are_not_people() -> None:
    text = "Veloxa offered a discount; Okta, Gong and Salesforce came up"
    redactor = Redactor(not_people=["Veloxa"])
    assert redactor(text) == text


def test_additions_and_keeps_are_honoured() -> None:
    text = "Project Falcon needs Jane Whitfield and Priya"
    assert redact(text, add=("project falcon",)) == "[redacted] needs [contact: CFO] and [name]"
    kept = redact(text, keep=("Priya", "Jane Whitfield"))
    assert kept == "Project Falcon needs Jane Whitfield and Priya"


def test_accounts_may_stay_named() -> None:
    redactor = Redactor([], [ACME], RedactionOptions(accounts=False))
    assert redactor("Acme Freight Ltd is keen") == "Acme Freight Ltd is keen"
    assert redactor.account("Acme Freight Ltd") == "Acme Freight Ltd"


def test_a_label_names_an_account_short() -> None:
    redactor = Redactor([JANE], [ACME])
    assert redactor.label("acme-freight-delays") == "[account]-delays"
    assert redactor.label("concerns from jane") == "concerns from [contact: CFO]"
    assert redactor("acme freight delays") == f"{ACME_SHOWN} delays"


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


def test_the_redactor_knows_every_recorded_contact_account_and_team_member(
    services: Services,
) -> None:
    services.accounts.ensure("Acme Freight Ltd", industry="Logistics", segment="Mid-market")
    services.accounts.ensure("Bramble Health", industry="Healthcare", segment="SMB")
    services.accounts.ensure_contact("Acme Freight Ltd", "Arjun Mehta", title="COO")
    services.accounts.ensure_contact("Bramble Health", "Imani Okafor", title="CFO")
    services.calls.start("Acme Freight Ltd", rep="Riley Cho", marketer="Yuki Tanaka")

    redactor = services.redaction.redactor(["Acme Freight Ltd"], RedactionOptions(team="role"))

    text = "Arjun and Imani: Bramble Health is cheaper, said Yuki to Riley"
    assert redactor(text) == (
        "[contact: COO] and [contact: CFO]: a small-business healthcare company is cheaper, "
        "said [marketer A] to [rep A]"
    )


def test_the_shipped_name_lists_load() -> None:
    lex = lexicon()
    assert {fold(n) for n in ("Priya", "Jane", "Kwame", "Saoirse", "Tomás", "Imani", "Isla")} <= (
        lex.first
    )
    assert {"mark", "hope", "will", "grace"} <= lex.also_words
    assert {"nakamura", "okafor", "oconnor", "alvarez"} <= lex.surnames
    assert not {"the", "monday", "may"} & (lex.first | lex.also_words | lex.surnames)
    assert {"paris", "jordan"} <= lex.places and "okta" in lex.not_people
