"""Every request gets an answer: typing character by character, YAML that does not parse,
empty files, positions past the end, unknown documents. No error response, no crash."""

from __future__ import annotations

from lsprotocol import types as T

from conftest import (
    FIXTURES,
    assert_alive,
    completion_items,
    fixture_text,
    labels,
    open_doc,
    ottlc_check,
    replace_text,
    rng,
    wait_diagnostics,
)

STATEMENT = 'set(span.attributes["note 🚀"], Concat([span.name, "é"], delimiter = "-")) where span.kind == SPAN_KIND_SERVER'


def text_document(uri):
    return T.TextDocumentIdentifier(uri=uri)


async def every_request(client, uri, position):
    """Sends every position request and the document requests; pytest-lsp raises on an
    error response, so returning means each was answered."""
    await client.text_document_completion_async(T.CompletionParams(text_document=text_document(uri), position=position))
    await client.text_document_hover_async(T.HoverParams(text_document=text_document(uri), position=position))
    await client.text_document_signature_help_async(T.SignatureHelpParams(text_document=text_document(uri), position=position))
    await client.text_document_code_action_async(
        T.CodeActionParams(
            text_document=text_document(uri), range=T.Range(start=position, end=position), context=T.CodeActionContext(diagnostics=[])
        )
    )
    await client.text_document_formatting_async(
        T.DocumentFormattingParams(text_document=text_document(uri), options=T.FormattingOptions(tab_size=4, insert_spaces=True))
    )
    await client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=text_document(uri)))
    await client.text_document_semantic_tokens_full_async(T.SemanticTokensParams(text_document=text_document(uri)))


def units(text: str, encoding: str) -> int:
    return len(text.encode("utf-8")) if encoding == "utf-8" else len(text.encode("utf-16-le")) // 2


async def test_typing_a_statement_character_by_character(each_client):
    client, encoding = each_client, each_client.encoding
    header = 'set(span.attributes["http.route"], "/")\n'
    uri, _ = await open_doc(client, "typing.ottl", header)
    typed = ""
    version = 1
    for ch in STATEMENT:
        # insert `ch` at the end of line 1, counted in the negotiated encoding
        at = T.Position(line=1, character=units(typed, encoding))
        version += 1
        client.text_document_did_change(
            T.DidChangeTextDocumentParams(
                text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=at, end=at), text=ch)],
            )
        )
        typed += ch
        cursor = T.Position(line=1, character=units(typed, encoding))
        await client.text_document_completion_async(T.CompletionParams(text_document=text_document(uri), position=cursor))
        await client.text_document_hover_async(T.HoverParams(text_document=text_document(uri), position=cursor))
        await client.text_document_signature_help_async(
            T.SignatureHelpParams(text_document=text_document(uri), position=cursor)
        )
    # the server's text is the text typed: the final statement is clean
    assert await wait_diagnostics(client, uri, version) == []
    symbols = await client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=text_document(uri)))
    assert [s.name for s in symbols][1] == STATEMENT[:79] + "…"
    assert symbols[1].range == rng(1, 0, 1, units(STATEMENT, encoding))
    # positions after the non-ASCII text line up with the server's copy of the text
    end = units(STATEMENT, encoding)
    hover = await client.text_document_hover_async(
        T.HoverParams(text_document=text_document(uri), position=T.Position(line=1, character=end - 1))
    )
    assert hover.contents.value.startswith("```ottl\nSPAN_KIND_SERVER = 2\n```")
    assert hover.range == rng(1, end - len("SPAN_KIND_SERVER"), 1, end)
    assert_alive(client)


async def test_midway_states_answer_sensibly(vscode):
    """A few of the intermediate states, with exact answers."""
    uri, _ = await open_doc(vscode, "midway.ottl", "set(span.")
    items = await vscode.text_document_completion_async(
        T.CompletionParams(text_document=text_document(uri), position=T.Position(line=0, character=9))
    )
    assert "name" in labels(completion_items(items))
    # type `na` and delete it again, then type `kind`
    version = 1
    for change in [
        (rng(0, 9, 0, 9), "na"),
        (rng(0, 9, 0, 11), ""),
        (rng(0, 9, 0, 9), "kind, SPAN_KIND_SERVER)"),
    ]:
        version += 1
        vscode.text_document_did_change(
            T.DidChangeTextDocumentParams(
                text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[T.TextDocumentContentChangePartial(range=change[0], text=change[1])],
            )
        )
    assert await wait_diagnostics(vscode, uri, version) == []
    hover = await vscode.text_document_hover_async(
        T.HoverParams(text_document=text_document(uri), position=T.Position(line=0, character=20))
    )
    assert hover.contents.value.startswith("```ottl\nSPAN_KIND_SERVER = 2\n```")


async def test_several_changes_in_one_notification(vscode):
    uri, _ = await open_doc(vscode, "multi.ottl", 'set(span.name, "é")\n')
    vscode.text_document_did_change(
        T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                T.TextDocumentContentChangePartial(range=rng(0, 17, 0, 17), text="🚀"),  # after é
                T.TextDocumentContentChangePartial(range=rng(1, 0, 1, 0), text="set(span.stauts.code, 1)"),
            ],
        )
    )
    diagnostics = await wait_diagnostics(vscode, uri, 2)
    assert [(d.code, d.range) for d in diagnostics] == [("E0100", rng(1, 9, 1, 15))]
    symbols = await vscode.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=text_document(uri)))
    assert [s.name for s in symbols] == ['set(span.name, "é🚀")', "set(span.stauts.code, 1)"]


async def test_yaml_that_does_not_parse(vscode):
    text = fixture_text("invalid.yaml")
    uri, diagnostics = await open_doc(vscode, "invalid.yaml", text, language_id="yaml")
    [expected] = ottlc_check(FIXTURES / "invalid.yaml")
    assert len(diagnostics) == 1
    d = diagnostics[0]
    assert d.code == expected["code"] == "E0900"
    assert d.range == rng(expected["line"] - 1, expected["column"] - 1, expected["end_line"] - 1, expected["end_column"] - 1)
    assert d.range == rng(13, 9, 13, 10)
    assert d.message.startswith("invalid YAML: while parsing a block mapping")
    lines = text.split("\n")
    for line in (0, 11, 12, 13, 40):
        for character in (0, 14, len(lines[line]) if line < len(lines) else 3, 500):
            await every_request(vscode, uri, T.Position(line=line, character=character))
    # no regions: nothing to format
    edits = await vscode.text_document_formatting_async(
        T.DocumentFormattingParams(text_document=text_document(uri), options=T.FormattingOptions(tab_size=2, insert_spaces=True))
    )
    assert edits is None or list(edits) == []
    # fixing the indentation brings the OTTL back
    fixed = text.replace("         - delete_key", "          - delete_key")
    replace_text(vscode, uri, 2, fixed)
    assert await wait_diagnostics(vscode, uri, 2) == []
    hover = await vscode.text_document_hover_async(
        T.HoverParams(text_document=text_document(uri), position=T.Position(line=13, character=13))
    )
    assert hover.contents.value.startswith("```ottl\ndelete_key(")
    assert_alive(vscode)


async def test_empty_files(each_client):
    client = each_client
    for name, language in [("empty.ottl", "ottl"), ("empty.yaml", "yaml")]:
        uri, diagnostics = await open_doc(client, name, "", language_id=language)
        assert diagnostics == []
        for position in [T.Position(line=0, character=0), T.Position(line=3, character=7)]:
            await every_request(client, uri, position)
        symbols = await client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=text_document(uri)))
        assert symbols is None or list(symbols) == []
        edits = await client.text_document_formatting_async(
            T.DocumentFormattingParams(text_document=text_document(uri), options=T.FormattingOptions(tab_size=4, insert_spaces=True))
        )
        assert edits is None or list(edits) == []
    # an empty .ottl file: the editors are offered where the first statement goes
    uri = (FIXTURES / "empty.ottl").as_uri()
    items = await client.text_document_completion_async(
        T.CompletionParams(text_document=text_document(uri), position=T.Position(line=0, character=0))
    )
    assert {"set", "delete_key"} <= set(labels(completion_items(items)))
    assert_alive(client)


async def test_positions_past_the_end(vscode):
    text = fixture_text("messy.ottl")
    uri, _ = await open_doc(vscode, "messy.ottl", text)
    for position in [
        T.Position(line=1, character=10_000),  # past the end of a line
        T.Position(line=len(text.split("\n")) - 1, character=0),  # the last, empty line
        T.Position(line=500, character=0),  # past the end of the file
        T.Position(line=500, character=500),
        T.Position(line=5, character=41),  # inside 🚀's surrogate pair
    ]:
        await every_request(vscode, uri, position)
    yaml = fixture_text("collector.yaml")
    yuri, _ = await open_doc(vscode, "collector.yaml", yaml, language_id="yaml")
    for position in [T.Position(line=22, character=42), T.Position(line=22, character=10_000), T.Position(line=999, character=1)]:
        await every_request(vscode, yuri, position)
    assert_alive(vscode)


async def test_edits_past_the_end_are_clamped(vscode):
    uri, _ = await open_doc(vscode, "clamp.ottl", 'set(span.name, "a")')
    vscode.text_document_did_change(
        T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[T.TextDocumentContentChangePartial(range=rng(9, 0, 9, 5), text="\nset(span.stauts, 1)")],
        )
    )
    diagnostics = await wait_diagnostics(vscode, uri, 2)
    assert [(d.code, d.range) for d in diagnostics] == [("E0100", rng(1, 9, 1, 15))]
    assert_alive(vscode)


async def test_requests_for_an_unknown_document(vscode):
    uri = (FIXTURES / "never-opened.ottl").as_uri()
    position = T.Position(line=0, character=0)
    assert await vscode.text_document_completion_async(T.CompletionParams(text_document=text_document(uri), position=position)) is None
    assert await vscode.text_document_hover_async(T.HoverParams(text_document=text_document(uri), position=position)) is None
    await every_request(vscode, uri, position)
    # a change for it is ignored
    replace_text(vscode, uri, 2, "set(")
    await every_request(vscode, uri, position)
    assert_alive(vscode)


async def test_garbage_text(vscode):
    text = "\x00\x01 ) ] } ((( [[[ \"unterminated\n\t\t\\u{zz} 0x 1e999999 ### ~~~ ¿¡ 😀😀\r\n"
    uri, diagnostics = await open_doc(vscode, "garbage.ottl", text)
    assert diagnostics, "garbage must be reported"
    assert all(d.source == "ottl" and d.code for d in diagnostics)
    for line in range(4):
        for character in range(0, 40, 3):
            await every_request(vscode, uri, T.Position(line=line, character=character))
    assert_alive(vscode)
