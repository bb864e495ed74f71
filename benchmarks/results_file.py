"""benchmarks/RESULTS.md holds one section per harness (speed from run.py, quality from
quality.py): each rewrites its own section and leaves the others as they are."""

from __future__ import annotations

import re
from pathlib import Path


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def replace_section(path: Path, name: str, text: str) -> None:
    """Put `text` between the section's markers in `path` (appended when the file lacks them)."""
    start, end = _markers(name)
    block = f"{start}\n{text.rstrip()}\n{end}"
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(current):
        updated = pattern.sub(lambda _match: block, current, count=1)
    else:
        updated = (current.rstrip() + "\n\n" if current.strip() else "") + block
    path.write_text(updated.rstrip() + "\n", encoding="utf-8")
