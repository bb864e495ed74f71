"""Wheel build hook: compiles the interface catalogues (msgu.po -> msgu.mo) into the package.

Only the .po sources are committed; every wheel (and an editable install, which reads the
source tree) gets the compiled catalogue, so a plain `pip install .` from a fresh clone speaks
French. Babel, the hook's one dependency, is fetched like any build requirement.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE = Path("src") / "msgu_cli" / "locale"


class CatalogueBuildHook(BuildHookInterface):
    PLUGIN_NAME = "catalogue"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for source in sorted((Path(self.root) / LOCALE).glob("*/LC_MESSAGES/*.po")):
            with source.open("rb") as po:
                catalogue = read_po(po)
            with source.with_suffix(".mo").open("wb") as mo:
                write_mo(mo, catalogue)
            # Compiled catalogues are not in git (.gitignore): name them for the wheel.
            build_data["artifacts"].append(source.with_suffix(".mo").relative_to(self.root)
                                           .as_posix())
