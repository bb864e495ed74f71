"""Files msgu writes for people (exports, follow lists, backups): whole or not at all, and
never in place of something that is not a regular file.

A symlink is written through (its target gets the new content; the link stays a link), so
`export -o suivre.csv` keeps working where `suivre.csv` points into a synced folder. A folder,
a device, a pipe or a socket is refused: renaming over `/dev/null` as root would replace the
device with a plain file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..domain.text import shown
from ..errors import InvalidInput
from ..i18n import N_, Message
from ..storage.database import new_file_mode


def writable_target(path: Path, keep: Sequence[Path] = ()) -> Path:
    """The regular file that writing `path` replaces: `path`, or the file its symlink names;
    never one of the files in `keep` (the database itself)."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if target.exists() and any(k.exists() and target.samefile(k) for k in keep):
        raise InvalidInput(Message(N_(
            "{path} is the database itself: give another file name."), {"path": shown(path)}))
    if target.is_dir():
        raise InvalidInput(Message(N_(
            "{path} is a folder: give a file name."), {"path": shown(path)}))
    if target.exists() and not target.is_file():
        raise InvalidInput(Message(N_(
            "{path} is not a regular file (a device, a pipe or a socket): give the name of a "
            "file to write, or leave out --output to write to stdout."), {"path": shown(path)}))
    if not target.parent.is_dir():
        raise InvalidInput(Message(N_(
            "The folder {folder} does not exist."), {"folder": shown(target.parent)}))
    return target


@contextmanager
def replaced_atomically(path: Path, keep: Sequence[Path] = ()) -> Iterator[Path]:
    """A temporary file beside `path`'s target, to write; when the block succeeds it replaces
    the target (keeping the target's permissions), and otherwise it is removed. The files in
    `keep` are never replaced."""
    target = writable_target(path, keep)
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                        suffix=".partial")
    except OSError as error:
        raise _cannot_write(path, error) from None
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        os.chmod(partial, _mode_for(target))
        os.replace(partial, target)
    except OSError as error:
        raise _cannot_write(path, error) from None
    finally:
        partial.unlink(missing_ok=True)


def _mode_for(target: Path) -> int:
    """The target's own permissions, or those a new file gets (0666 less the umask)."""
    if target.exists():
        return stat.S_IMODE(target.stat().st_mode)
    return new_file_mode()


def _cannot_write(path: Path, error: OSError) -> InvalidInput:
    return InvalidInput(Message(N_("Cannot write {path}: {reason}."), {
        "path": shown(path), "reason": error.strerror or type(error).__name__}))
