"""Rebuild `resources/names/`: the names and words redaction reads note text with.

Not run by the app. Two sources, both installed only to run this script:

- the `names-dataset` package (maintained; its metadata says MIT and it ships the
  Apache 2.0 text, copied here as LICENSE): 727,000 first names and 980,000 surnames
  with their popularity rank per country, from a public dataset of social-network
  profiles. Loading it takes five seconds and about 1 GB of memory, far too much for
  an export, so this script keeps what redaction needs once;
- SCOWL, the spell-checker word lists behind Debian's `wamerican` and `wbritish`
  (`/usr/share/dict/*-english`; permissive licence, notice in LICENSE-SCOWL): its
  lower-case entries are English words as a note writer types them, so "grace",
  "mark" and "park" are words, "arjun", "kim" and "li" are not. `wordfreq` (Zipf
  frequency 3.0 or more) keeps the words people actually write.

It writes:
- `first_names.txt`: names among the 1,000 most popular first names in a country (2,000
  in an English-speaking one) that are not English words ("Priya", "Imani", "Isla"):
  redacted wherever they stand;
- `first_names_also_words.txt`: first names among the 500 most popular of a country
  that are words ("Will", "Mark", "Grace", "Hope"): a person only where the sentence
  says so ("Grace said", "Mark Thompson", "ask Hope");
- `surnames.txt`: surnames among the 1,000 most popular of a country (1,500 in an
  English-speaking one) that are not words ("Nakamura", "Okafor", "Nguyen");
- `surnames_also_words.txt`: surnames among the 300 most popular of a country (500 in
  an English-speaking one) that are words ("Brown", "Park", "Young"), like the first
  names that are words;
- `words.txt`: the English words, for names typed in notes that no list holds (a
  recorded contact's surname "Park" needs the sentence to say it is a person).

English stop words, months and weekdays are never names here. `places.txt` (countries,
states and cities that are also given names) and `not_people.txt` (products and
companies sales calls name) are written by hand, not by this script.

    apt-get install wamerican wbritish
    pip install names-dataset wordfreq
    PYTHONPATH=. python scripts/build_name_lists.py
"""

from __future__ import annotations

import gzip
import pickle
import re
import shutil
from pathlib import Path

import names_dataset
from wordfreq import zipf_frequency

from desktop.services.name_finder import fold

OUT = Path(__file__).resolve().parent.parent / "resources" / "names"
DICTIONARIES = ("/usr/share/dict/american-english", "/usr/share/dict/british-english")
ENGLISH_SPEAKING = {"US", "GB", "CA", "AU", "IE", "NZ", "ZA"}
#: (rank anywhere, rank in an English-speaking country) a name must reach.
TOP_FIRST = (1000, 2000)
TOP_FIRST_ALSO_WORDS = (500, 500)
TOP_SURNAMES = (1000, 1500)
TOP_SURNAMES_ALSO_WORDS = (300, 500)
MIN_ZIPF = 3.0
_NAME = re.compile(r"^[^\W\d_]{2,}(?:['’-][^\W\d_]+)*$")
_NEVER = set(
    """january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday a an the and or but
    of to in on at for with from by as is are was were be been it its this that these those
    we they he she you i me us him her them our their his my your not no yes so if then
    than too very can would should could may might must do does did has have had""".split()  # noqa: SIM905
)


def words() -> set[str]:
    found: set[str] = set()
    for path in DICTIONARIES:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.isalpha() and line.islower() and zipf_frequency(line, "en") >= MIN_ZIPF:
                found.add(line)
    return found


def popular(path: Path, top: tuple[int, int]) -> list[str]:
    with gzip.open(path) as handle:
        data = pickle.load(handle)
    kept = []
    for name, info in data.items():
        ranks = info.get("rank") or {}
        if not ranks or not _NAME.match(name) or name.lower() in _NEVER:
            continue
        english = min((r for c, r in ranks.items() if c in ENGLISH_SPEAKING), default=10**9)
        if min(ranks.values()) <= top[0] or english <= top[1]:
            kept.append(name)
    return kept


def write(filename: str, source: str, items: set[str]) -> None:
    """The names as redaction compares them (`fold`: lower case, no accents or
    apostrophes), so that the app reads them without folding 25,000 of them."""
    header = (
        f"# {source}; made by scripts/build_name_lists.py. Folded: lower case, without\n"
        "# accents or apostrophes, as redaction compares names.\n"
    )
    keys = {fold(item) for item in items}
    (OUT / filename).write_text(header + "\n".join(sorted(keys)) + "\n", encoding="utf-8")
    print(f"{filename}: {len(keys)}")


def main() -> None:
    package = Path(names_dataset.__file__).parent / "v3"
    english = words()
    first = popular(package / "first_names.pkl.gz", TOP_FIRST)
    first_words = set(popular(package / "first_names.pkl.gz", TOP_FIRST_ALSO_WORDS))
    surnames = popular(package / "last_names.pkl.gz", TOP_SURNAMES)
    surname_words = set(popular(package / "last_names.pkl.gz", TOP_SURNAMES_ALSO_WORDS))
    OUT.mkdir(parents=True, exist_ok=True)
    names = "From names-dataset (see LICENSE) and SCOWL (see LICENSE-SCOWL)"
    write("first_names.txt", names, {n for n in first if n.lower() not in english})
    write(
        "first_names_also_words.txt",
        names,
        {n for n in first_words if n.lower() in english},
    )
    write("surnames.txt", names, {n for n in surnames if n.lower() not in english})
    write(
        "surnames_also_words.txt",
        names,
        {n for n in surname_words if n.lower() in english},
    )
    write("words.txt", "From SCOWL (see LICENSE-SCOWL), common ones by wordfreq", english)
    site = Path(names_dataset.__file__).parent.parent
    for candidate in sorted(site.glob("names_dataset-*.dist-info/LICENSE")):
        shutil.copy(candidate, OUT / "LICENSE")
    shutil.copy("/usr/share/doc/wamerican/copyright", OUT / "LICENSE-SCOWL")


if __name__ == "__main__":
    main()
