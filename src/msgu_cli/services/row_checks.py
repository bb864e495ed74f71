"""An import's rows, read and checked a chunk at a time: here, or in a second process.

Checking a row (import_plan.check_row) is a pure function of the row and the reference data,
and with reading the file it is half of a large import's time; the other half is SQLite's,
in the process that holds the write transaction. On Linux with two CPUs or more, a big CSV
is therefore read and checked by a forked child while this process matches and writes the
chunks the child has already sent: same rows, same order, same results, the wall time of
the slower half. The child never touches the database, and whatever stops the import here
(a bad row, Ctrl-C, an error) stops the child too.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Iterator
from dataclasses import fields as dataclass_fields
from operator import attrgetter
from typing import IO, Any

from ..domain.models import Account, Contact
from ..formats.records import RawRow
from .fields import FieldError
from .import_plan import Checked, check_row
from .reference import Reference

# A file this long is worth a second process (forking and sending rows cost ~20 ms).
PARALLEL_FROM_ROWS = 5000
_PIPE_BUFFER = 1 << 16
_ROWS, _END, _FAILED, _CRASHED = range(4)

Chunk = list[tuple[RawRow, Checked]]


def _check(row: RawRow, ref: Reference) -> Checked:
    """The row's Contact and created topics, the FieldError against it, or why it cannot be
    read at all."""
    if row.problem:
        return row.problem
    try:
        return check_row(row.fields, ref)
    except FieldError as error:
        return error


def checked_chunks(rows: Iterator[RawRow], ref: Reference, *, size: int,
                   parallel: bool, keep_fields: bool = True) -> Iterator[Chunk]:
    """Lists of at most `size` (row, checked) pairs, in file order. `parallel`: read and check
    in a child process when this machine can (see module docstring). Rows from the child keep
    their fields only when `keep_fields` (an update merges them; nothing else reads them)."""
    if parallel and can_fork():
        return _from_child(rows, ref, size, keep_fields)
    return _here(rows, ref, itertools.repeat(size))


def can_fork() -> bool:
    """A second process helps only with a second CPU, and fork is safe on Linux (macOS'
    system libraries are not fork-safe; Windows has no fork)."""
    if not sys.platform.startswith("linux"):
        return False
    return len(os.sched_getaffinity(0)) > 1


def _here(rows: Iterator[RawRow], ref: Reference, sizes: Iterator[int]) -> Iterator[Chunk]:
    while chunk := list(itertools.islice(rows, next(sizes))):
        yield [(row, _check(row, ref)) for row in chunk]


def _growing(size: int) -> Iterator[int]:
    """The child's chunk sizes: small first, so that this process starts writing early (the
    plan matches chunks of any size exactly as one after the other)."""
    return itertools.chain((max(1, size // part) for part in (8, 4, 2)), itertools.repeat(size))


def _from_child(rows: Iterator[RawRow], ref: Reference, size: int,
                keep_fields: bool) -> Iterator[Chunk]:
    readable, writable = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process to spare (a limit on processes or memory): check them here
        os.close(readable)
        os.close(writable)
        yield from _here(rows, ref, itertools.repeat(size))
        return
    if pid == 0:  # the child: never returns
        os.close(readable)
        _child(rows, ref, size, keep_fields, writable)
    os.close(writable)
    try:
        with open(readable, "rb", buffering=_PIPE_BUFFER) as pipe:
            yield from _received(pipe)
    finally:
        _stop(pid)


def _received(pipe: IO[bytes]) -> Iterator[Chunk]:
    while True:  # one pickle per chunk: the child's pickler forgets each chunk once sent
        try:
            kind, payload = pickle.load(pipe)
        except EOFError:  # killed (out of memory, a signal) before it could say why
            raise RuntimeError("the process checking the import's rows stopped without a "
                               "word; nothing was imported") from None
        if kind == _END:
            return
        if kind == _FAILED:
            raise payload
        if kind == _CRASHED:
            raise RuntimeError(f"checking the import's rows failed:\n{payload}")
        yield [(RawRow(line, fields or {}), checked) for line, fields, checked in payload]


def _stop(pid: int) -> None:
    """The child is done, or is stopped: it holds nothing a kill could lose."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _child(rows: Iterator[RawRow], ref: Reference, size: int, keep_fields: bool,
           writable: int) -> None:
    """Read, check and send every chunk, then the end (or the error that stopped reading);
    leave with os._exit, so that nothing of the parent's (buffers, atexit) runs twice."""
    status = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        with open(writable, "wb", buffering=_PIPE_BUFFER) as pipe:
            pickler = _pickler(pipe)
            try:
                for chunk in _here(rows, ref, _growing(size)):
                    pickler.dump((_ROWS, [(row.line, row.fields if keep_fields else None,
                                           checked) for row, checked in chunk]))
                    pickler.clear_memo()
                    pipe.flush()
                pickler.dump((_END, None))
            except Exception as error:  # the reader's InvalidInput, or a bug: sent whole
                pickler.dump(_failure(error))
    except BaseException:  # the parent went away (broken pipe): nobody to tell
        status = 1
    finally:
        os._exit(status)


def _failure(error: Exception) -> tuple[int, Any]:
    """The error as this process will raise it, or its traceback when it cannot travel."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return _CRASHED, "".join(traceback.format_exception(error))
    return _FAILED, error


def _pickler(pipe: IO[bytes]) -> pickle.Pickler:
    """Contacts sent as the values their constructor takes, and an import's accounts (nothing
    fetched yet) as three: a third of the bytes of pickle's default for frozen dataclasses."""
    pickler = pickle.Pickler(pipe, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {Contact: _contact, Account: _account}
    return pickler


_CONTACT_VALUES = attrgetter(*(f.name for f in dataclass_fields(Contact)))
_ACCOUNT_VALUES = attrgetter(*(f.name for f in dataclass_fields(Account)))
_ADDRESS = 3  # platform, handle, url: the first three of Account's fields
_NOTHING_FETCHED = _ACCOUNT_VALUES(Account("", ""))[_ADDRESS:]


def _contact(contact: Contact) -> tuple[type, tuple]:
    return Contact, _CONTACT_VALUES(contact)


def _account(account: Account) -> tuple[type, tuple]:
    values = _ACCOUNT_VALUES(account)
    return Account, values[:_ADDRESS] if values[_ADDRESS:] == _NOTHING_FETCHED else values
