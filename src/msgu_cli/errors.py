"""The one exception family a user can cause; the CLI renders it as `Error: …` and exit 1."""


class MsguError(Exception):
    """Anything a user can fix: bad input, unknown reference, unusable database."""


class InvalidInput(MsguError):
    """A value given on the command line or in a file is not acceptable."""


class NotFound(MsguError):
    """A contact, topic, region or file that was named does not exist."""


class DatabaseError(MsguError):
    """The database file cannot be used (not a database, too new, damaged)."""


class ApiError(MsguError):
    """A remote API could not be reached or answered with an error."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status
