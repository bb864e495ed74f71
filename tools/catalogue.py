"""The French catalogue, kept in step with the code: extract, update, compile (Babel).

    python tools/catalogue.py

1. extracts every `_()`, `N_()` and `ngettext()` message of src/msgu_cli into the template
   src/msgu_cli/locale/msgu.pot (a build product, not committed);
2. updates src/msgu_cli/locale/fr/LC_MESSAGES/msgu.po from it: new messages arrive with an
   empty msgstr for a translator, messages gone from the code leave (git keeps their text);
3. compiles msgu.po to msgu.mo next to it, the catalogue msgu reads at run time.

Then translate the empty msgstr entries and run it again. The wheel build compiles msgu.mo by
itself (hatch_build.py), so only msgu.po is committed. Babel comes with the `test` extra.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path("src") / "msgu_cli"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "msgu.pot"

# Location comments name the file, not the line: a line number would change the catalogue at
# every edit above a message. No wrapping, no fuzzy guesses and no obsolete entries keep the
# diff to what changed.
EXTRACT = ["extract", "--project=msgu", "--add-location=file", "--no-wrap", "--sort-by-file",
           "--add-comments=TRANSLATORS:", "--output-file", str(TEMPLATE), str(PACKAGE)]
UPDATE = ["update", "--domain=msgu", "--input-file", str(TEMPLATE), "--output-dir", str(LOCALE),
          "--locale=fr", "--no-wrap", "--no-fuzzy-matching", "--ignore-pot-creation-date",
          "--ignore-obsolete"]
COMPILE = ["compile", "--domain=msgu", "--directory", str(LOCALE), "--locale=fr", "--statistics"]


def pybabel(arguments: list[str]) -> None:
    """One `pybabel` command, run from the repository's root (paths in the .po are relative)."""
    status = CommandLineInterface().run(["pybabel", "--quiet", *arguments])
    if status:
        sys.exit(status)


def main() -> None:
    os.chdir(ROOT)
    for step in (EXTRACT, UPDATE, COMPILE):
        pybabel(step)


if __name__ == "__main__":
    main()
