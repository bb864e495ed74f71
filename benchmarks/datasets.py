"""The benchmarks' data sets: generated directories (benchmarks/datagen.py), cached between runs.

Each size is made once, in a child process, and kept under the system's temporary folder,
keyed by the generator's source and the schema's migrations.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class DataSet:
    contacts: int
    db: Path  # the whole directory: profile, circle of trust, follow graph
    plain_db: Path  # the same without profile and circle of trust: no network signal
    csv: Path  # the same contacts as an import file


def data_folder() -> Path:
    """Generated data is cached here, keyed by the generator's source and the schema's
    migrations, between runs: a database made by a build with other migrations would be
    refused (or upgraded) by this one."""
    sources = (HERE / "datagen.py", HERE.parent / "src" / "msgu_cli" / "storage" / "migrations.py")
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / "msgu-bench" / digest


def dataset(contacts: int, edges: int, seed: int = 0) -> DataSet:
    """The cached data set, made once. Safe when several runs (test suites) start together:
    each makes its files in a folder of its own, and the first to finish publishes them."""
    folder = data_folder() / f"{contacts}-{edges}-{seed}"
    data = DataSet(contacts, folder / "full.db", folder / "plain.db", folder / "import.csv")
    if all(p.exists() for p in (data.db, data.plain_db, data.csv)):
        return data
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=folder, prefix="making-"))
    try:
        made = _make_dataset(work, contacts, edges, seed)
        for mine, published in zip((made.csv, made.plain_db, made.db),
                                   (data.csv, data.plain_db, data.db), strict=True):
            with contextlib.suppress(FileExistsError):  # another run published it first
                os.link(mine, published)
    finally:
        shutil.rmtree(work)
    return data


def _make_dataset(work: Path, contacts: int, edges: int, seed: int) -> DataSet:
    """Generated in a child: the harness stays small, and so does what each timed child
    inherits from it at fork (Linux counts that in the child's peak memory)."""
    data = DataSet(contacts, work / "full.db", work / "plain.db", work / "import.csv")
    subprocess.run([sys.executable, str(HERE / "datagen.py"), str(data.db), "--contacts",
                    str(contacts), "--edges", str(edges), "--seed", str(seed), "--csv",
                    str(data.csv)], check=True)
    shutil.copyfile(data.db, data.plain_db)
    conn = sqlite3.connect(data.plain_db)
    with conn:
        conn.execute("DELETE FROM profile")
        conn.execute("UPDATE contacts SET status = 'none' WHERE status IN "
                     "('following', 'follows-back', 'met', 'collaborating')")
    conn.close()
    return data
