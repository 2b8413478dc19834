"""Formatting (as `ottlc fmt`) and document symbols of `.ottl` files."""

from __future__ import annotations

from lsprotocol import types as T

from conftest import FIXTURES, apply_edits, fixture_text, open_doc, ottlc, rng

OPTIONS = T.FormattingOptions(tab_size=4, insert_spaces=True)


async def format_doc(client, uri):
    return await client.text_document_formatting_async(
        T.DocumentFormattingParams(text_document=T.TextDocumentIdentifier(uri=uri), options=OPTIONS)
    )


async def symbols(client, uri):
    return await client.text_document_document_symbol_async(
        T.DocumentSymbolParams(text_document=T.TextDocumentIdentifier(uri=uri))
    )


async def test_formatting_matches_ottlc_fmt(each_client):
    client, encoding = each_client, each_client.encoding
    text = fixture_text("messy.ottl")
    uri, _ = await open_doc(client, "messy.ottl", text)
    edits = await format_doc(client, uri)
    assert edits, "the messy file is not canonical, so formatting must change it"
    formatted = apply_edits(text, list(edits), encoding)

    done = ottlc("fmt", "--stdout", str(FIXTURES / "messy.ottl"))
    assert done.returncode == 0, done.stderr
    assert formatted == done.stdout

    # a few exact lines, so the comparison cannot pass on two equal wrong answers
    assert formatted.startswith("# Normalise HTTP server spans before they leave the gateway.\nset(\n")
    assert '\ndelete_kye(span.attributes, "http.request.header.authorization")\n' in formatted
    assert '\nset(span.attributes["deployment.note"], "🚀 café") where span.nmae == "GET /"\n' in formatted
    assert '\n) where span.attributes["http.route"] == nil\n' in formatted


async def test_formatting_a_canonical_file_changes_nothing(vscode):
    text = ottlc("fmt", "--stdout", str(FIXTURES / "messy.ottl")).stdout
    uri, _ = await open_doc(vscode, "canonical.ottl", text)
    assert list(await format_doc(vscode, uri) or []) == []


async def test_formatting_one_line(vscode):
    text = 'set( span.name,"x" )   where span.kind==SPAN_KIND_SERVER'
    uri, _ = await open_doc(vscode, "one.ottl", text)
    edits = list(await format_doc(vscode, uri))
    assert apply_edits(text, edits) == 'set(span.name, "x") where span.kind == SPAN_KIND_SERVER\n'


async def test_formatting_a_file_with_a_syntax_error_returns_no_edits(vscode):
    text = fixture_text("broken.ottl")
    uri, diagnostics = await open_doc(vscode, "broken.ottl", text)
    assert diagnostics
    edits = await format_doc(vscode, uri)
    assert edits is None or list(edits) == []
    # as `ottlc fmt` refuses it
    assert ottlc("fmt", "--stdout", str(FIXTURES / "broken.ottl")).returncode != 0


async def test_one_symbol_per_statement(vscode):
    text = fixture_text("messy.ottl")
    uri, _ = await open_doc(vscode, "messy.ottl", text)
    result = list(await symbols(vscode, uri))
    statements = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert len(result) == len(statements) == 7
    for line, (symbol, statement) in enumerate(zip(result, statements), start=1):
        assert isinstance(symbol, T.DocumentSymbol)
        assert symbol.kind == T.SymbolKind.Function
        one_line = " ".join(statement.split())
        short = one_line if len(one_line) <= 80 else one_line[:79] + "…"
        assert symbol.name == short
        # the whole statement, and its editor's name selected (UTF-16 columns)
        assert symbol.range == rng(line, 0, line, len(statement.encode("utf-16-le")) // 2)
        editor = statement.split("(")[0]
        assert symbol.selection_range == rng(line, 0, line, len(editor))
    assert result[3].name == 'delete_kye(span.attributes,"http.request.header.authorization")'
    assert result[4].range == rng(5, 0, 5, 77)  # 76 characters, 🚀 counts twice


async def test_symbols_of_multi_line_statements_and_conditions(vscode):
    text = (
        'set(\n    span.attributes["a"],\n    "b"\n) where span.name == "x"\n'
        'span.kind == SPAN_KIND_SERVER\n'
    )
    uri, _ = await open_doc(vscode, "multi.ottl", text)
    result = list(await symbols(vscode, uri))
    assert [s.name for s in result] == [
        'set( span.attributes["a"], "b" ) where span.name == "x"',
        "span.kind == SPAN_KIND_SERVER",
    ]
    assert result[0].range == rng(0, 0, 3, 24)
    assert result[0].selection_range == rng(0, 0, 0, 3)
    assert result[1].kind == T.SymbolKind.Boolean  # a condition
    assert result[1].range == rng(4, 0, 4, 29)


async def test_semantic_tokens(vscode):
    legend = vscode.init_result.capabilities.semantic_tokens_provider.legend.token_types
    text = 'set(span.name, "x") where span.kind == SPAN_KIND_SERVER # note\n'
    uri, _ = await open_doc(vscode, "tokens.ottl", text)
    result = await vscode.text_document_semantic_tokens_full_async(
        T.SemanticTokensParams(text_document=T.TextDocumentIdentifier(uri=uri))
    )
    data = list(result.data)
    assert len(data) % 5 == 0 and data
    tokens, line, col = [], 0, 0
    for i in range(0, len(data), 5):
        dl, ds, length, kind, _ = data[i : i + 5]
        line += dl
        col = ds if dl else col + ds
        tokens.append((text.split("\n")[line][col : col + length], legend[kind]))
    assert ("set", "method") in tokens or ("set", "function") in tokens
    assert ("SPAN_KIND_SERVER", "enumMember") in tokens
    assert ('"x"', "string") in tokens
    assert ("# note", "comment") in tokens
