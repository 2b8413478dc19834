"""Diagnostics (publishDiagnostics) and quick fixes (codeAction) for `.ottl` files."""

from __future__ import annotations

import pytest
from lsprotocol import types as T

from conftest import (
    FIXTURES,
    fixture_text,
    open_doc,
    ottlc_check,
    pos,
    replace_text,
    rng,
    uri_for,
    wait_diagnostics,
    wait_published,
    width,
)

ERROR = T.DiagnosticSeverity.Error
WARNING = T.DiagnosticSeverity.Warning


def by_code(diagnostics, code):
    found = [d for d in diagnostics if d.code == code]
    assert found, f"no {code} in {[(d.code, d.range) for d in diagnostics]}"
    return found


async def test_open_publishes_exact_diagnostics_utf16(vscode):
    text = fixture_text("messy.ottl")
    uri = uri_for("messy.ottl")
    vscode.text_document_did_open(
        T.DidOpenTextDocumentParams(text_document=T.TextDocumentItem(uri=uri, language_id="ottl", version=1, text=text))
    )
    params = await vscode.wait_for_notification(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert params.uri == uri
    assert params.version == 1
    assert vscode.init_result.capabilities.position_encoding == T.PositionEncodingKind.Utf16

    got = sorted(((d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.severity) for d in params.diagnostics))
    assert got == sorted([
        ("E0100", 3, 9, 3, 15, ERROR),  # span.stauts.code
        ("E0110", 4, 0, 4, 10, ERROR),  # delete_kye
        # `set(span.attributes["deployment.note"], "🚀 café") where span.nmae`: the rocket is
        # one character but two UTF-16 code units, so `nmae` starts at 62, not 61.
        ("E0100", 5, 62, 5, 66, ERROR),
        ("W0004", 6, 15, 6, 23, WARNING),  # "server" stored in span.kind
        ("E0115", 7, 104, 7, 120, ERROR),  # STATUS_CODE_EROR
    ])

    for d in params.diagnostics:
        assert d.source == "ottl"
        assert d.code_description is not None and d.code_description.href == f"ottl-explain:{d.code}"

    stauts = by_code(params.diagnostics, "E0100")[0]
    assert stauts.message.startswith('segment "stauts" from path "span.stauts.code" is neither a valid path')
    assert stauts.message.endswith("\nhelp: did you mean `status`?")
    assert "did you mean `delete_key`?" in by_code(params.diagnostics, "E0110")[0].message
    assert "did you mean `name`?" in by_code(params.diagnostics, "E0100")[1].message
    assert "did you mean `STATUS_CODE_ERROR`?" in by_code(params.diagnostics, "E0115")[0].message
    assert by_code(params.diagnostics, "W0004")[0].message.startswith(
        "a String value cannot be stored in `span.kind`, which holds Int"
    )
    # the client's own record agrees
    assert list(vscode.diagnostics[uri]) == list(params.diagnostics)


async def test_utf8_client_gets_byte_columns(neovim):
    assert neovim.init_result.capabilities.position_encoding == T.PositionEncodingKind.Utf8
    text = fixture_text("messy.ottl")
    _, diagnostics = await open_doc(neovim, "messy.ottl", text)
    nmae = [d for d in diagnostics if d.range.start.line == 5]
    assert len(nmae) == 1
    # 🚀 is 4 bytes and é 2: `nmae` starts at byte 65 of the line (character 61, UTF-16 62).
    assert nmae[0].range == rng(5, 65, 5, 69)
    assert nmae[0].code == "E0100"
    # lines without non-ASCII text count the same in every encoding
    assert {(d.code, d.range.start.line, d.range.start.character) for d in diagnostics if d.range.start.line != 5} == {
        ("E0100", 3, 9),
        ("E0110", 4, 0),
        ("W0004", 6, 15),
        ("E0115", 7, 104),
    }


@pytest.mark.parametrize("name", ["messy.ottl", "broken.ottl"])
async def test_diagnostics_match_ottlc_check(each_client, name):
    client, encoding = each_client, each_client.encoding
    text = fixture_text(name)
    _, diagnostics = await open_doc(client, name, text)
    lines = text.split("\n")

    def lsp_range(entry):
        # ottlc: 1-based lines, 1-based columns counted in characters
        start = width(lines[entry["line"] - 1][: entry["column"] - 1], encoding)
        end = width(lines[entry["end_line"] - 1][: entry["end_column"] - 1], encoding)
        return (entry["line"] - 1, start, entry["end_line"] - 1, end)

    expected = sorted((e["code"], e["severity"], *lsp_range(e)) for e in ottlc_check(FIXTURES / name))
    assert expected, "ottlc found nothing: the fixture lost its errors"
    severity = {ERROR: "error", WARNING: "warning"}
    got = sorted(
        (d.code, severity[d.severity], d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
        for d in diagnostics
    )
    assert got == expected
    messages = {e["message"] for e in ottlc_check(FIXTURES / name)}
    for d in diagnostics:
        assert d.message.split("\nhelp: ")[0] in messages


async def test_syntax_errors_have_codes_ranges_and_related_information(vscode):
    text = fixture_text("broken.ottl")
    uri, diagnostics = await open_doc(vscode, "broken.ottl", text)
    assert len(diagnostics) == 2
    eq, unclosed = sorted(diagnostics, key=lambda d: d.range.start.line)
    assert (eq.code, eq.range) == ("E0011", rng(0, 43, 0, 44))
    assert eq.message.startswith("`=` is not a comparison")
    assert (unclosed.code, unclosed.range) == ("E0009", rng(1, 3, 1, 4))
    assert unclosed.message.startswith("unclosed `(`")
    # the secondary label ("expected `)` by here") comes as related information
    assert unclosed.related_information, unclosed
    assert all(info.location.uri == uri for info in unclosed.related_information)
    assert any(info.location.range.start.line == 1 for info in unclosed.related_information)


async def test_edits_republish_with_the_new_version(vscode):
    text = fixture_text("messy.ottl")
    uri, before = await open_doc(vscode, "messy.ottl", text)
    assert len(before) == 5
    # fix `stauts` in place
    vscode.text_document_did_change(
        T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[T.TextDocumentContentChangePartial(range=rng(3, 9, 3, 15), text="status")],
        )
    )
    after = await wait_diagnostics(vscode, uri, 2)
    assert len(after) == 4
    assert not [d for d in after if d.range.start.line == 3]
    # break line 1 (insert a `(` before `where`): a syntax error appears there
    replace_text(vscode, uri, 3, 'set(span.name, "x"\n')
    replaced = await wait_diagnostics(vscode, uri, 3)
    assert [(d.code, d.range) for d in replaced] == [("E0009", rng(0, 3, 0, 4))]


async def test_close_clears_diagnostics(vscode):
    text = fixture_text("messy.ottl")
    uri, diagnostics = await open_doc(vscode, "messy.ottl", text)
    assert diagnostics
    since = len(vscode.published)
    vscode.text_document_did_close(T.DidCloseTextDocumentParams(text_document=T.TextDocumentIdentifier(uri=uri)))
    assert await wait_published(vscode, since, uri) == []


async def test_default_context_setting_applies_to_unprefixed_files(vscode):
    text = 'set(name, "checkout") where kind == SPAN_KIND_SERVER\n'
    uri, diagnostics = await open_doc(vscode, "unprefixed.ottl", text)
    without = [d.code for d in diagnostics]
    assert without, "without a context, unprefixed paths cannot be checked"
    since = len(vscode.published)
    vscode.workspace_did_change_configuration(
        T.DidChangeConfigurationParams(settings={"ottl": {"defaultContext": "span"}})
    )
    assert await wait_published(vscode, since, uri) == []


async def test_explain_request(vscode):
    text = fixture_text("messy.ottl")
    _, diagnostics = await open_doc(vscode, "messy.ottl", text)
    href = diagnostics[0].code_description.href
    explanation = await vscode.protocol.send_request_async("ottl/explain", {"code": href.split(":", 1)[1]})
    assert explanation.startswith("# E0100: unknown path\n")
    assert await vscode.protocol.send_request_async("ottl/explain", {"code": href}) == explanation
    assert await vscode.protocol.send_request_async("ottl/explain", {"code": "E9999"}) is None


# ---------------------------------------------------------------------------
# Quick fixes
# ---------------------------------------------------------------------------


async def code_actions(client, uri, range_, diagnostics=()):
    return await client.text_document_code_action_async(
        T.CodeActionParams(
            text_document=T.TextDocumentIdentifier(uri=uri),
            range=range_,
            context=T.CodeActionContext(diagnostics=list(diagnostics)),
        )
    )


@pytest.mark.parametrize(
    "line, start, end, typo, replacement",
    [
        (3, 9, 15, "stauts", "status"),
        (4, 0, 10, "delete_kye", "delete_key"),
        (5, 62, 66, "nmae", "name"),
        (7, 104, 120, "STATUS_CODE_EROR", "STATUS_CODE_ERROR"),
    ],
)
async def test_quick_fix_replaces_the_typo(vscode, line, start, end, typo, replacement):
    text = fixture_text("messy.ottl")
    uri, diagnostics = await open_doc(vscode, "messy.ottl", text)
    diagnostic = next(d for d in diagnostics if d.range.start.line == line)
    actions = await code_actions(vscode, uri, diagnostic.range, [diagnostic])
    assert len(actions) == 1
    action = actions[0]
    assert action.kind == T.CodeActionKind.QuickFix
    assert action.title == f"Replace `{typo}` with `{replacement}`"
    assert action.is_preferred is True
    assert action.diagnostics and action.diagnostics[0].code == diagnostic.code
    assert action.diagnostics[0].range == diagnostic.range
    edits = action.edit.changes[uri]
    assert [(e.range, e.new_text) for e in edits] == [(rng(line, start, line, end), replacement)]

    # applying it removes the diagnostic
    vscode.text_document_did_change(
        T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[T.TextDocumentContentChangePartial(range=edits[0].range, text=edits[0].new_text)],
        )
    )
    after = await wait_diagnostics(vscode, uri, 2)
    assert not [d for d in after if d.range.start.line == line], after
    assert len(after) == len(diagnostics) - 1


async def test_quick_fix_with_a_cursor_inside_the_typo_utf8(neovim):
    text = fixture_text("messy.ottl")
    uri, _ = await open_doc(neovim, "messy.ottl", text)
    cursor = pos(text, "nmae", encoding="utf-8", after=True)
    cursor.character -= 2  # inside `nmae`
    actions = await code_actions(neovim, uri, T.Range(start=cursor, end=cursor))
    assert [a.title for a in actions] == ["Replace `nmae` with `name`"]
    assert actions[0].edit.changes[uri][0].range == rng(5, 65, 5, 69)


async def test_no_quick_fix_without_a_suggestion(vscode):
    text = fixture_text("messy.ottl")
    uri, diagnostics = await open_doc(vscode, "messy.ottl", text)
    warning = by_code(diagnostics, "W0004")[0]
    assert list(await code_actions(vscode, uri, warning.range, [warning])) == []
    # a clean line has none either
    assert list(await code_actions(vscode, uri, rng(1, 0, 1, 3))) == []
