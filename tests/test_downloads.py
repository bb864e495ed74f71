"""`import URL` downloads, bounded whatever the server does: a running limit on the decompressed
body, one deadline for the whole request, and a URL's credentials never printed. Servers are
httpx.MockTransport handlers; bodies are generated lazily, so a 300 MB body costs nothing."""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator

import httpx
import pytest
from cli_results import refused
from transfer_checks import listed, ok

from msgu_cli.clients import http
from msgu_cli.clients.files import MAX_DOWNLOAD_BYTES, fetch_bytes, redacted
from msgu_cli.errors import ApiError

URL = "https://donnees.example.org/contacts.csv"
MB = 1024 * 1024


class Body:
    """A lazily generated body that counts how much of it the client asked for."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks, self.sent = chunks, 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.sent += len(chunk)
            yield chunk


def zeros(megabytes: int) -> Iterator[bytes]:
    block = b"0" * MB
    for _number in range(megabytes):
        yield block


def gzip_bomb(megabytes: int) -> Iterator[bytes]:
    """`megabytes` MB of zeros, gzip-compressed chunk by chunk (about 1 KB per MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * MB
    for _number in range(megabytes):
        if packed := packer.compress(block):
            yield packed
    yield packer.flush()


@pytest.fixture
def server(monkeypatch):
    """Route the CLI's one HTTP client to `handler` (set by each test)."""
    routes: dict[str, object] = {}
    real_factory = http.make_http_client

    def handler(request: httpx.Request) -> httpx.Response:
        answer = routes[str(request.url)]
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer  # type: ignore[return-value]

    monkeypatch.setattr(http, "make_http_client",
                        lambda **kw: real_factory(transport=httpx.MockTransport(handler)))
    return routes


def test_a_300_mb_body_stops_at_the_limit_without_being_read_whole(invoke, starter_db,
                                                                   db_path, dump, server):
    body = Body(zeros(300))
    server[URL] = httpx.Response(200, content=body, headers={"Content-Type": "text/csv"})
    before = dump(db_path)
    message = refused(invoke("import", URL))
    assert "larger than 50 MB" in message and URL in message
    assert MAX_DOWNLOAD_BYTES < body.sent <= MAX_DOWNLOAD_BYTES + 2 * MB
    assert dump(db_path) == before


def test_a_gzip_bomb_is_cut_at_the_decompressed_limit(invoke, starter_db, db_path, dump,
                                                      server):
    chunks = list(gzip_bomb(400))  # 400 MB once decompressed, about 400 KB on the wire
    body = Body(iter(chunks))
    server[URL] = httpx.Response(200, content=body, headers={"Content-Encoding": "gzip"})
    before = dump(db_path)
    message = refused(invoke("import", URL))
    assert "larger than 50 MB (uncompressed)" in message
    assert body.sent < sum(len(c) for c in chunks) / 2  # stopped early, not at the end
    assert dump(db_path) == before


def test_a_declared_length_over_the_limit_is_refused_before_reading(invoke, starter_db,
                                                                    server):
    body = Body(zeros(60))
    server[URL] = httpx.Response(200, content=body,
                                 headers={"Content-Length": str(60 * MB)})
    assert "larger than 50 MB" in refused(invoke("import", URL))
    assert body.sent <= MB  # at most the first chunk was ever produced


def test_a_server_dripping_bytes_fails_on_the_whole_request_deadline(invoke, starter_db,
                                                                     db_path, dump, server,
                                                                     monkeypatch):
    monkeypatch.setenv("MSGU_HTTP_TIMEOUT", "0.3")

    def drip() -> Iterator[bytes]:
        yield b"name\n"
        for number in range(10_000):  # 10,000 x 10 ms: far beyond the deadline if unbounded
            time.sleep(0.01)
            yield f"Poste {number}\n".encode()

    body = Body(drip())
    server[URL] = httpx.Response(200, content=body)
    before = dump(db_path)
    message = refused(invoke("import", URL))
    assert "timed out" in message and "MSGU_HTTP_TIMEOUT" in message
    assert body.sent < 10_000 * 8  # stopped while the server was still dripping
    assert dump(db_path) == before


def test_the_deadline_counts_from_the_start_of_the_request_to_the_end_of_the_body():
    now = [0.0]

    def clock() -> float:
        return now[0]

    def one_byte_a_second() -> Iterator[bytes]:
        for _number in range(100):
            now[0] += 1.0
            yield b"x"

    transport = httpx.MockTransport(lambda request: httpx.Response(
        200, content=Body(one_byte_a_second())))
    with httpx.Client(transport=transport) as client, pytest.raises(ApiError, match="timed out"):
        fetch_bytes(client, URL, timeout=10, clock=clock)
    assert now[0] == 11.0  # the byte that crossed the 10 s deadline was the last one read
    with httpx.Client(transport=transport) as client:  # a fast body of the same size is fine
        assert fetch_bytes(client, URL, timeout=1000, clock=clock) == b"x" * 100


SECRET_URL = "https://alice:s3cr%40t-pass@donnees.example.org/prive/contacts.csv"


@pytest.mark.parametrize("answer", [
    httpx.Response(404),
    httpx.Response(200, content=Body(zeros(60))),
    httpx.ConnectError("cannot connect to https://alice:s3cr@t-pass@donnees.example.org"),
    httpx.ReadTimeout("timed out reading s3cr@t-pass"),
])
def test_a_urls_user_name_and_password_are_never_printed(invoke, starter_db, server, answer):
    server[SECRET_URL] = answer
    result = invoke("import", SECRET_URL)
    message = refused(result)
    for secret in ("alice", "s3cr", "t-pass"):
        assert secret not in result.output
    assert "donnees.example.org" in message


def test_credentials_of_a_url_a_redirect_leads_to_are_never_printed(invoke, starter_db,
                                                                    server):
    target = "https://bob:hunter22@miroir.example.org/contacts.csv"
    server[URL] = httpx.Response(302, headers={"Location": target})
    server[target] = httpx.Response(503)
    result = invoke("import", URL)
    message = refused(result)
    assert "503" in message and "miroir.example.org" in message
    assert "bob" not in result.output and "hunter22" not in result.output


def test_a_good_download_still_imports(invoke, empty_db, server):
    server[URL] = httpx.Response(200, content=b"name,region\nCentre test,Estrie\n",
                                 headers={"Content-Encoding": "identity"})
    ok(invoke("import", URL))
    assert [c["name"] for c in listed(invoke)] == ["Centre test"]


def test_a_workbook_served_over_https_imports(invoke, empty_db, server, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Nom", "Région"])
    book.active.append(["Centre de services", 5])
    book.save(tmp_path / "annuaire.xlsx")
    url = "https://donnees.example.org/export?format=xlsx"  # no .xlsx in the name: the bytes
    server[url] = httpx.Response(200, content=(tmp_path / "annuaire.xlsx").read_bytes())
    ok(invoke("import", url))
    assert [(c["name"], c["region"]) for c in listed(invoke)] == [("Centre de services", "05")]


def test_redacted_replaces_user_information_everywhere():
    assert redacted("see https://u:p@h.example/x and http://tok@h2/") == \
        "see https://***@h.example/x and http://***@h2/"
    assert redacted("failed for s3cr@t", "https://me:s3cr%40t@h/") == "failed for ***"
    assert redacted("https://h.example/path?q=1") == "https://h.example/path?q=1"
