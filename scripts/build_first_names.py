"""Rebuild `resources/names/`: the first names redaction looks for in note text.

Not run by the app. The names come from the `names-dataset` package (maintained; its
metadata says MIT and it ships the Apache 2.0 text, copied here as LICENSE): 727,000
first names with their popularity rank per country, from a public dataset of
social-network profiles. Loading it takes three seconds and about 1 GB of
memory, far too much for an export, so this script keeps what redaction needs once:
every name among the 500 most popular in at least one country, split in two lists:

- `first_names.txt`: names redacted wherever they stand capitalised in a note
  ("Priya said", "ask Jonah").
- `first_names_also_words.txt`: names that are also common English words ("Will",
  "May", "Mark", "Hope", "Data"): redacted only when a capitalised word follows, as a
  surname does ("Mark Thompson"), so "Will they sign?" stays as typed.

English stop words, months and weekdays are left out. A name counts as a word when
its lower-case form is in Webster's Second (the `english-words` package) and either
the capitalised form is not (a common noun, not a given name) or the word is common in
English text (`wordfreq` Zipf frequency 4.9 or more: "mark", "bill", not "jane").

    pip install names-dataset english-words wordfreq scikit-learn
    python scripts/build_first_names.py
"""

from __future__ import annotations

import gzip
import pickle
import re
import shutil
from pathlib import Path

import names_dataset
from english_words import get_english_words_set
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from wordfreq import zipf_frequency

TOP_PER_COUNTRY = 500
OUT = Path(__file__).resolve().parent.parent / "resources" / "names"
_NAME = re.compile(r"^[^\W\d_]{2,}(?:['-][^\W\d_]+)*$")
_CALENDAR = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday",
}  # fmt: skip


def main() -> None:
    package = Path(names_dataset.__file__).parent
    with gzip.open(package / "v3" / "first_names.pkl.gz") as handle:
        data = pickle.load(handle)
    web2 = get_english_words_set(["web2"], lower=False, alpha=True)
    names, words = [], []
    for name, info in data.items():
        ranks = info.get("rank") or {}
        if not ranks or min(ranks.values()) > TOP_PER_COUNTRY or not _NAME.match(name):
            continue
        lower = name.lower()
        if lower in ENGLISH_STOP_WORDS or lower in _CALENDAR:
            continue
        if lower in web2 and (name not in web2 or zipf_frequency(lower, "en") >= 4.9):
            words.append(name)
        else:
            names.append(name)
    OUT.mkdir(parents=True, exist_ok=True)
    header = "# From names-dataset (see LICENSE); made by scripts/build_first_names.py\n"
    for filename, items in (("first_names.txt", names), ("first_names_also_words.txt", words)):
        (OUT / filename).write_text(header + "\n".join(sorted(items)) + "\n", encoding="utf-8")
    site = Path(names_dataset.__file__).parent.parent
    for candidate in sorted(site.glob("names_dataset-*.dist-info/LICENSE")):
        shutil.copy(candidate, OUT / "LICENSE")
    print(f"{len(names)} names, {len(words)} names that are also words -> {OUT}")


if __name__ == "__main__":
    main()
