"""The one exception family a user can cause; the CLI renders it as `Error: …` and exit 1."""

from __future__ import annotations

from .i18n import Text, english


class MsguError(Exception):
    """Anything a user can fix: bad input, unknown reference, unusable database.

    Raised with an `i18n.Message` when its text may also go into JSON (an import row's reason,
    a fetch's error): `str(error)` is the text in the interface language, as always, and
    `message` keeps the Message, so JSON and stored facts get its English (`english()`)."""

    def __init__(self, message: Text = "") -> None:
        super().__init__(str(message))
        self.message = message

    def english(self) -> str:
        return english(self.message)


class InvalidInput(MsguError):
    """A value given on the command line or in a file is not acceptable."""


class NotFound(MsguError):
    """A contact, topic, region or file that was named does not exist."""


class DatabaseError(MsguError):
    """The database file cannot be used (not a database, too new, damaged)."""


class ApiError(MsguError):
    """A remote API could not be reached or answered with an error."""

    def __init__(self, message: Text, *, url: str | None = None, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status
