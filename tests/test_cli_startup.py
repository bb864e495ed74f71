"""The command line as a Unix tool: plain help, lazy imports, quiet end on a closed pipe."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.testing import CliRunner

from msgu_cli.cli import COMMAND_MODULE, COMMAND_MODULES, app

MSGU = [sys.executable, "-m", "msgu_cli"]
COMMANDS = sorted(typer.main.get_command(app).commands)


def test_root_help_labels_values_and_leaves_flags_bare(invoke):
    result = invoke("--help")
    assert result.exit_code == 0
    assert "<str>" not in result.output and "<bool>" not in result.output
    assert "--db" in result.output and "FILE" in result.output
    [version_line] = [line for line in result.output.splitlines() if "--version" in line]
    assert version_line.split("--version")[1].split()[0] == "Print"


@pytest.mark.parametrize("command", COMMANDS)
def test_no_command_help_shows_python_type_names(invoke, command):
    result = invoke(command, "--help")
    assert result.exit_code == 0, result.output
    for python_type in ("<str>", "<bool>", "<int", "<Path>", "<list"):
        assert python_type not in result.output


def test_subcommand_help_shows_classic_value_labels(invoke):
    result = invoke("recommend", "--help")
    assert "INTEGER" in result.output and "PATH" in result.output and "TEXT" in result.output


@pytest.mark.parametrize(("command", "usage"), [
    (["import"], "msgu import [OPTIONS] SOURCE"),
    (["recommend"], "msgu recommend [OPTIONS] [INTERESTS]"),
    (["follow"], "msgu follow [OPTIONS] REF..."),
    (["refresh"], "msgu refresh [OPTIONS] [REF]..."),
])
def test_usage_line_names_arguments_in_capitals(invoke, command, usage):
    result = invoke(*command, "--help")
    assert usage in " ".join(result.output.split())


def _modules_after(args: list[str], db: Path, heavy: list[str] | None = None) -> set[str]:
    """The heavy modules (or those of `heavy`) a real `msgu ARGS` process has imported by the
    time it exits."""
    heavy = heavy or ["httpx", "sqlite_utils", "rich.table", "rich.console", "pydantic",
                      "snowballstemmer", "msgu_cli.clients.http", "openpyxl", "babel",
                      "msgu_cli.storage.migrations"]
    probe = (
        "import sys\n"
        f"sys.argv = ['msgu', *{args!r}]\n"
        "from msgu_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"heavy = {heavy!r}\n"
        "sys.stderr.write(' '.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env={**os.environ, "MSGU_DB": str(db)}, timeout=60)
    return set(done.stderr.split())


def test_version_imports_nothing_heavy(db_path):
    assert _modules_after(["--version"], db_path) == set()


def test_help_leaves_the_database_and_network_libraries_alone(db_path):
    loaded = _modules_after(["--help"], db_path)
    assert not loaded & {"httpx", "sqlite_utils", "pydantic", "msgu_cli.clients.http"}


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["list", "--help"]])
def test_option_value_completion_costs_nothing_at_start(db_path, args):
    """cli/completion is imported with the commands, but what it offers (the reference data,
    the vocabulary, the formats, the services that hold the platforms) loads only when a
    shell asks."""
    sources = ["msgu_cli.services.reference", "msgu_cli.storage.seeds", "msgu_cli.domain.geo",
               "msgu_cli.domain.vocabulary", "msgu_cli.formats", "msgu_cli.services.refresh",
               "msgu_cli.services.import_plan"]
    assert _modules_after(args, db_path, sources) == set()


def test_directory_commands_never_import_httpx(starter_db):
    for args in (["list", "--limit", "3"], ["search", "inondations"], ["show", "1"]):
        assert "httpx" not in _modules_after(args, starter_db)


@pytest.mark.parametrize("args", [
    ["list", "--limit", "3"], ["search", "inondations"], ["show", "1"],
    ["recommend", "--topic", "inondations"], ["recommend", "cartographie des zones inondables"],
])
def test_reading_commands_leave_the_migrations_and_heavy_libraries_alone(starter_db, args):
    """A read of an up-to-date directory loads neither sqlite-utils (its migrations only) nor
    the network, spreadsheet or catalogue libraries."""
    loaded = _modules_after(args, starter_db)
    assert not loaded & {"sqlite_utils", "msgu_cli.storage.migrations", "httpx", "openpyxl",
                         "babel"}


def test_a_database_that_needs_a_migration_still_gets_it(starter_db):
    """The other side of the light open: a pending migration is applied (sqlite-utils loads)."""
    conn = sqlite3.connect(starter_db)
    with conn:
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_verification_and_packs'")
    conn.close()
    assert {"sqlite_utils", "msgu_cli.storage.migrations"} <= _modules_after(["list"], starter_db)
    conn = sqlite3.connect(starter_db)
    names = [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations")]
    conn.close()
    assert "m008_verification_and_packs" in names
    assert "msgu_cli.storage.migrations" not in _modules_after(["list"], starter_db)


@pytest.mark.parametrize("args", [
    ["recommend", "--topic", "inondations"], ["recommend", "-t", "floods", "-t", "vost",
                                              "--limit", "5", "--region", "07"],
    ["recommend", "cartographie des zones inondables"], ["list", "--limit", "3"],
    ["search", "inondations"],
])
def test_reading_commands_leave_pydantic_alone(starter_db, args):
    """Typer's coercion (its pydantic adapters) is left for values that need it: an option not
    given, text, and plain digits for a number do not (cli/_coercion.py)."""
    loaded = _modules_after(args, starter_db)
    assert not loaded & {"pydantic", "rich.progress", "msgu_cli.services.transfer"}


def test_recommend_imports_no_other_command_module(starter_db):
    """main() imports the module of the command it runs, not the other eight."""
    loaded = _modules_after(["recommend", "--topic", "inondations"], starter_db,
                            [f"msgu_cli.cli.{m}" for m in COMMAND_MODULES])
    assert loaded == {"msgu_cli.cli.recommend"}


def test_each_command_is_where_main_looks_for_it():
    """cli.COMMAND_MODULE names the module that registers each command and group."""
    from msgu_cli.cli import root

    registered = {c.name: c.callback.__module__ for c in root.app.registered_commands}
    registered |= {g.name: g.typer_instance.registered_commands[0].callback.__module__
                   for g in root.app.registered_groups}
    assert {name: f"msgu_cli.cli.{module}" for name, module in COMMAND_MODULE.items()} == \
        registered


@pytest.mark.parametrize("args", [
    ["recommend", "--help"], ["recommend", "--bogus"], ["recommend", "-t", "inondations"],
    ["list", "--db", "{db}", "--limit", "2"], ["--db", "{db}", "show", "1"], ["recomend"],
    ["--help"], ["-h", "recommend"], ["profile", "show"], ["recommend", "--limit", "0"],
])
def test_the_app_reduced_to_the_named_command_answers_as_the_whole_one(starter_db, args):
    """main() builds only the command it runs (cli._for_the_named_command): same output, same
    status as the whole app, whatever the arguments."""
    from msgu_cli.cli import _for_the_named_command

    args = [a.replace("{db}", str(starter_db)) for a in args]
    runner = CliRunner(env={"MSGU_DB": str(starter_db)})
    whole = runner.invoke(app, args)
    reduced_app = _for_the_named_command(args)
    reduced = runner.invoke(reduced_app, args)
    assert (reduced.exit_code, reduced.output) == (whole.exit_code, whole.output)
    named = [word for word in args if word in COMMANDS][:1]
    if named and named != ["profile"] and "-h" not in args and "--help" not in args[:1]:
        assert [c.name for c in reduced_app.registered_commands] == named


def _looked_up(command: str, option: str):
    """A parameter of a real command, as the root group hands it out (cli/_help.py)."""
    root = typer.main.get_command(app)
    with typer.Context(root) as ctx:
        found = root.get_command(ctx, command)
    [param] = [p for p in found.params if p.name == option]
    return param, typer.Context(found)


def _coerced(runtime, value, param, ctx):
    try:
        return runtime.coerce(value, param=param, ctx=ctx)
    except BadParameter as error:
        return ("refused", error.message)


_NUMBERS = st.one_of(st.integers(-5, 10**7), st.from_regex(r"\A[ +\-0_]{0,2}[0-9_]{0,9}\Z"),
                     st.text(max_size=6), st.none())


@settings(deadline=None)  # the first example imports pydantic, slow on a loaded machine
@given(value=_NUMBERS)
def test_bounded_numbers_are_coerced_as_typer_does(value):
    param, ctx = _looked_up("list", "limit")
    typer_own = build_runtime_param(param.type_descriptor)
    assert _coerced(param.get_runtime_param(), value, param, ctx) == _coerced(
        typer_own, value, param, ctx)


@settings(deadline=None)
@given(value=st.one_of(st.lists(st.text(max_size=8), max_size=3).map(tuple), st.none()))
def test_repeated_text_is_coerced_as_typer_does(value):
    param, ctx = _looked_up("recommend", "topic")
    typer_own = build_runtime_param(param.type_descriptor)
    assert _coerced(param.get_runtime_param(), value, param, ctx) == _coerced(
        typer_own, value, param, ctx)


def _closed_pipe_run(args: list[str]) -> subprocess.CompletedProcess:
    """Run msgu with stdout a pipe whose reader is already gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([*MSGU, *args], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, timeout=60)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [
    ["export", "--format", "csv"], ["export", "--format", "json"], ["list"],
    ["show", "1"], ["recommend", "--topic", "inondations"], ["stats"],
])
def test_closed_stdout_pipe_ends_quietly(starter_db, dump, args):
    before = dump(starter_db)
    done = _closed_pipe_run(["--db", str(starter_db), *args])
    assert done.returncode in (0, 141)
    assert done.stderr == ""
    assert dump(starter_db) == before


def test_export_piped_to_head_prints_one_line_and_no_error(starter_db):
    child = subprocess.Popen([*MSGU, "--db", str(starter_db), "export", "--format", "csv"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = child.stdout.readline()
    child.stdout.close()  # what `head -1` does after its line
    errors = child.stderr.read()
    child.stderr.close()
    assert child.wait(timeout=60) in (0, 141)
    assert first.decode("utf-8-sig").startswith("id,name,kind")
    assert errors == b""
