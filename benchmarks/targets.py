"""What the issues ask of the rows benchmarks/run.py measures, and whether a run met it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Target:
    """A bound on a row's ratio (`unit` "x") or on msgu's peak memory (`unit` "MB")."""

    limit: float
    unit: str = "x"
    strict: bool = False  # `<` rather than `<=`
    what: str = ""  # the target in words: the summary names those that have one

    def __str__(self) -> str:
        space = " " if self.unit == "MB" else ""
        return f"{'<' if self.strict else '<='} {self.limit:g}{space}{self.unit}"

    def met(self, value: float) -> bool:
        return value < self.limit if self.strict else value <= self.limit


class Measured(Protocol):
    group: str
    label: str
    targets: tuple[Target, ...]

    def value(self, target: Target) -> float | None: ...


def verdicts(rows: Iterable[Measured]) -> list[str]:
    """One line per issue target (those with `what`): the figure, the bound, met or not."""
    lines = []
    for row in rows:
        for target in row.targets:
            if not target.what:
                continue
            value = row.value(target)
            if value is None:
                lines.append(f"- {target.what}: FAILED to run ({row.group}, {row.label})")
                continue
            figure = f"{value:.0f} MB" if target.unit == "MB" else f"{value:.2f}x"
            state = "met" if target.met(value) else "NOT met"
            lines.append(f"- {target.what}: {figure} (target {target}): {state}")
    return lines


def shown(targets: Sequence[Target]) -> str:
    """The targets as the table's last column shows them."""
    return "; ".join(map(str, targets))
