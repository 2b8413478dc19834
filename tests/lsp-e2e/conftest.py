"""End-to-end fixtures: a real `ottl-lsp` process driven over stdio by pytest-lsp.

The server binary comes from `$OTTL_LSP` (default `../../target/release/ottl-lsp`
relative to this folder); `ottlc`, used to derive some expectations, from `$OTTLC`
(default: next to the server binary).
"""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import subprocess
import time

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"

OTTL_LSP = str((HERE / os.environ.get("OTTL_LSP", "../../target/release/ottl-lsp")).resolve())
OTTLC = str((HERE / os.environ.get("OTTLC", str(pathlib.Path(OTTL_LSP).parent / "ottlc"))).resolve())


def _wait_for(path: str, seconds: float = 60.0) -> bool:
    """The binary may be missing for a moment while it is rebuilt."""
    deadline = time.monotonic() + seconds
    while not os.access(path, os.X_OK):
        if time.monotonic() > deadline:
            return False
        time.sleep(1)
    return True


def pytest_sessionstart(session):
    if not _wait_for(OTTL_LSP):
        raise pytest.UsageError(f"ottl-lsp binary not found or not executable: {OTTL_LSP} (set OTTL_LSP)")


# ---------------------------------------------------------------------------
# The client: pytest-lsp's, plus a record of every publishDiagnostics (with its
# version), so a test can wait for the diagnostics of one document version without
# racing against notifications that arrived earlier.
# ---------------------------------------------------------------------------


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]

    def publish_diagnostics(client: LanguageClient, params: types.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish_diagnostics
    register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(server_command=[OTTL_LSP], client_factory=make_client)


async def _session(lsp_client: LanguageClient, spec: str, options=None):
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(spec),
            initialization_options=options,
            workspace_folders=[types.WorkspaceFolder(uri=FIXTURES.as_uri(), name="fixtures")],
        )
    )
    lsp_client.init_result = result  # type: ignore[attr-defined]
    yield
    assert_alive(lsp_client)
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def vscode(lsp_client: LanguageClient):
    """VS Code 1.65: UTF-16 positions, snippets."""
    async for _ in _session(lsp_client, "visual-studio-code"):
        yield


@pytest_lsp.fixture(config=CONFIG)
async def neovim(lsp_client: LanguageClient):
    """Neovim 0.11: offers utf-8 first, so the server counts bytes; snippets."""
    async for _ in _session(lsp_client, "neovim@v0.11.0"):
        yield


@pytest_lsp.fixture(config=CONFIG)
async def neovim_plain(lsp_client: LanguageClient):
    """Neovim 0.10: UTF-16 only, no snippet support."""
    async for _ in _session(lsp_client, "neovim@v0.10.0"):
        yield


ENCODINGS = {"visual-studio-code": "utf-16", "neovim@v0.11.0": "utf-8"}


@pytest_lsp.fixture(config=CONFIG, params=list(ENCODINGS), ids=["vscode-utf16", "neovim-utf8"])
async def each_client(lsp_client: LanguageClient, request):
    """Both position encodings, in turn; `each_client.encoding` tells which."""
    lsp_client.encoding = ENCODINGS[request.param]  # type: ignore[attr-defined]
    async for _ in _session(lsp_client, request.param):
        yield


@pytest_lsp.fixture(config=CONFIG)
async def span_default(lsp_client: LanguageClient):
    """VS Code with the `ottl.defaultContext` setting at `span`."""
    async for _ in _session(lsp_client, "visual-studio-code", {"ottl": {"defaultContext": "span"}}):
        yield


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def assert_alive(client: LanguageClient):
    server = client._server  # the asyncio subprocess pygls started
    assert server is not None and server.returncode is None, f"ottl-lsp exited: {server and server.returncode}"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def uri_for(name: str) -> str:
    """A URI in the fixtures folder (the file need not exist)."""
    return (FIXTURES / name).as_uri()


async def wait_diagnostics(client: LanguageClient, uri: str, version: int | None = None, timeout: float = 10.0):
    """The diagnostics published for `uri` (at `version`, when given)."""
    deadline = time.monotonic() + timeout
    while True:
        for params in reversed(client.published):  # type: ignore[attr-defined]
            if params.uri == uri and (version is None or params.version == version):
                return list(params.diagnostics)
        if time.monotonic() > deadline:
            seen = [(p.uri, p.version) for p in client.published]  # type: ignore[attr-defined]
            raise AssertionError(f"no publishDiagnostics for {uri} version {version}; saw {seen}")
        await asyncio.sleep(0.02)


async def wait_published(client: LanguageClient, since: int, uri: str, timeout: float = 10.0) -> list[types.Diagnostic]:
    """The diagnostics of the first publishDiagnostics for `uri` after the first `since` ones."""
    deadline = time.monotonic() + timeout
    while True:
        for params in client.published[since:]:  # type: ignore[attr-defined]
            if params.uri == uri:
                return list(params.diagnostics)
        if time.monotonic() > deadline:
            raise AssertionError(f"no new publishDiagnostics for {uri}")
        await asyncio.sleep(0.02)


async def open_doc(
    client: LanguageClient, name: str, text: str, language_id: str = "ottl", version: int = 1
) -> tuple[str, list[types.Diagnostic]]:
    """Opens `text` as fixtures/`name` and returns its URI and first diagnostics."""
    uri = uri_for(name)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=version, text=text)
        )
    )
    return uri, await wait_diagnostics(client, uri, version)


def replace_text(client: LanguageClient, uri: str, version: int, text: str) -> None:
    """Sends `text` as the whole new content of `uri` at `version` (a full-document change)."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def pos(text: str, needle: str, *, encoding: str = "utf-16", after: bool = False, nth: int = 0) -> types.Position:
    """The position of the `nth` occurrence of `needle` in `text` (its end if `after`)."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    if after:
        index += len(needle)
    return offset_to_position(text, index, encoding)


def offset_to_position(text: str, index: int, encoding: str = "utf-16") -> types.Position:
    """A character offset of `text` as an LSP position in `encoding`."""
    before = text[:index]
    line = before.count("\n")
    prefix = before[before.rfind("\n") + 1 :]
    return types.Position(line=line, character=width(prefix, encoding))


def width(prefix: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(prefix.encode("utf-8"))
    if encoding == "utf-16":
        return len(prefix.encode("utf-16-le")) // 2
    return len(prefix)


def rng(sl: int, sc: int, el: int, ec: int) -> types.Range:
    return types.Range(start=types.Position(line=sl, character=sc), end=types.Position(line=el, character=ec))


def apply_edits(text: str, edits: list[types.TextEdit], encoding: str = "utf-16") -> str:
    """Applies LSP text edits (non-overlapping) to `text`."""

    def offset(p: types.Position) -> int:
        lines = text.split("\n")
        if p.line >= len(lines):
            return len(text)
        start = sum(len(l) + 1 for l in lines[: p.line])
        line = lines[p.line]
        counted = 0
        for i, ch in enumerate(line):
            if counted >= p.character:
                return start + i
            counted += width(ch, encoding)
        return start + len(line)

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def ottlc(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    if not _wait_for(OTTLC, 30):
        pytest.skip(f"ottlc not found at {OTTLC} (set OTTLC)")
    return subprocess.run([OTTLC, *args], input=stdin, capture_output=True, text=True, timeout=30)


def ottlc_check(path: pathlib.Path) -> list[dict]:
    """`ottlc check --format json` of a file: 1-based lines, columns in characters."""
    done = ottlc("check", "--format", "json", str(path))
    return json.loads(done.stdout)


def labels(items) -> list[str]:
    return [item.label for item in items]


def completion_items(result) -> list[types.CompletionItem]:
    if result is None:
        return []
    if isinstance(result, types.CompletionList):
        return list(result.items)
    return list(result)
