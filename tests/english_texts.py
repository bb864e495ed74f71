"""For tests that check the texts people read: they read them in English, the msgids."""

from __future__ import annotations

import pytest

from msgu_cli import i18n


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch):
    """English texts for every test of a module that imports this fixture."""
    monkeypatch.setenv("MSGU_LANG", "en")
    i18n.reset()
    yield
    i18n.reset()
