"""Completion in `.ottl` files: fields, attribute keys, editors, enum symbols, named arguments."""

from __future__ import annotations

from collections import Counter

from lsprotocol import types as T

from conftest import completion_items, labels, open_doc, pos, rng

# Every statement ends where the cursor goes; they are kept on separate lines of one file so
# the attribute keys of the other lines are "used elsewhere in the document".
TYPING = (
    'set(span.attributes["http.route"], span.attributes["http.target"]) where span.attributes["http.route"] == nil\n'  # 0
    'set(span.attributes["http.route"], "/")\n'  # 1
    "set(span.\n"  # 2
    'set(span.name, "x") where span.\n'  # 3
    'set(span.name, "x") where span.status.\n'  # 4
    'set(span.attributes["\n'  # 5
    'set(span.name, "x") where span.kind == \n'  # 6
    'set(span.name, Concat([span.name, "x"], \n'  # 7
)


async def complete(client, uri, position):
    result = await client.text_document_completion_async(
        T.CompletionParams(text_document=T.TextDocumentIdentifier(uri=uri), position=position)
    )
    return completion_items(result)


def end_of(line: int) -> T.Position:
    return T.Position(line=line, character=len(TYPING.split("\n")[line]))


def item(items, label):
    found = [i for i in items if i.label == label]
    assert found, f"{label!r} not in {labels(items)}"
    return found[0]


async def test_fields_after_span_dot(vscode):
    uri, _ = await open_doc(vscode, "typing.ottl", TYPING)
    items = await complete(vscode, uri, end_of(2))
    names = labels(items)
    for field in ["name", "attributes", "status", "kind"]:
        assert field in names
    assert len(names) == len(set(names)), Counter(names)
    name = item(items, "name")
    assert name.kind == T.CompletionItemKind.Field
    assert name.detail == "String"
    assert name.text_edit.range == rng(2, 9, 2, 9)
    assert name.text_edit.new_text == "name"
    assert item(items, "kind").kind == T.CompletionItemKind.Enum
    assert item(items, "attributes").detail == "Map<String, Any>"
    # nothing of another context, no converters
    assert "severity_number" not in names and "Concat" not in names


async def test_fields_after_span_dot_in_a_condition(vscode):
    uri, _ = await open_doc(vscode, "typing.ottl", TYPING)
    names = labels(await complete(vscode, uri, end_of(3)))
    assert {"name", "attributes", "status", "kind"} <= set(names)


async def test_fields_after_a_nested_dot(vscode):
    uri, _ = await open_doc(vscode, "typing.ottl", TYPING)
    names = labels(await complete(vscode, uri, end_of(4)))
    assert sorted(names) == ["code", "message"]


async def test_partial_word_is_replaced(vscode):
    text = "set(span.na"
    uri, _ = await open_doc(vscode, "partial.ottl", text)
    items = await complete(vscode, uri, T.Position(line=0, character=11))
    name = item(items, "name")
    assert name.text_edit.range == rng(0, 9, 0, 11), "the completion replaces `na`"


async def test_attribute_keys_used_elsewhere(vscode):
    uri, _ = await open_doc(vscode, "typing.ottl", TYPING)
    items = await complete(vscode, uri, end_of(5))
    # most used first: http.route is written 4 times, http.target once
    assert labels(sorted(items, key=lambda i: i.sort_text)) == ["http.route", "http.target"]
    route = item(items, "http.route")
    # inside the string: the bare key replaces what follows the quote
    assert route.text_edit.new_text == "http.route"
    assert route.text_edit.range == rng(5, 21, 5, 21)
    assert route.detail == "attribute key used in this document"


async def test_attribute_keys_after_a_bracket_are_quoted(vscode):
    text = 'set(span.attributes["env"], "prod")\nset(span.name, "x") where span.attributes['
    uri, _ = await open_doc(vscode, "keys.ottl", text)
    items = await complete(vscode, uri, pos(text, "attributes[", after=True, nth=1))
    assert [(i.label, i.text_edit.new_text) for i in items] == [("env", '"env"')]


async def test_partly_typed_key_is_replaced(vscode):
    text = 'set(span.attributes["http.method"], "GET")\nset(span.attributes["http.m'
    uri, _ = await open_doc(vscode, "keys.ottl", text)
    end = len('set(span.attributes["http.m')
    items = await complete(vscode, uri, T.Position(line=1, character=end))
    method = item(items, "http.method")
    assert method.text_edit.range == rng(1, 21, 1, end)
    assert method.text_edit.new_text == "http.method"


async def test_editors_at_line_start_as_snippets(vscode):
    text = 'set(span.name, "a")\n\n'
    uri, _ = await open_doc(vscode, "fresh.ottl", text)
    items = await complete(vscode, uri, T.Position(line=1, character=0))
    names = labels(items)
    assert {"set", "delete_key", "keep_keys", "replace_pattern"} <= set(names)
    set_ = item(items, "set")
    assert set_.insert_text_format == T.InsertTextFormat.Snippet
    assert set_.text_edit.new_text == "set(${1:target}, ${2:value})"
    assert set_.text_edit.range == rng(1, 0, 1, 0)
    assert set_.kind == T.CompletionItemKind.Method
    assert set_.detail == "set(target: Setter, value: Getter)"
    delete_key = item(items, "delete_key")
    assert delete_key.text_edit.new_text == "delete_key(${1:target}, ${2:key})"
    # optional parameters are left out of the snippet
    assert item(items, "truncate_all").text_edit.new_text == "truncate_all(${1:target}, ${2:limit})"
    # every editor is offered as a snippet
    for item_ in items:
        if item_.kind == T.CompletionItemKind.Method:
            assert item_.insert_text_format == T.InsertTextFormat.Snippet


async def test_editors_without_snippet_support(neovim_plain):
    text = 'set(span.name, "a")\n\n'
    uri, _ = await open_doc(neovim_plain, "fresh.ottl", text)
    items = await complete(neovim_plain, uri, T.Position(line=1, character=0))
    set_ = item(items, "set")
    assert set_.insert_text_format == T.InsertTextFormat.PlainText
    assert set_.text_edit.new_text == "set"
    assert "${" not in item(items, "delete_key").text_edit.new_text


async def test_enum_symbols_after_a_comparison(vscode):
    uri, _ = await open_doc(vscode, "typing.ottl", TYPING)
    items = await complete(vscode, uri, end_of(6))
    symbols = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
               "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"]
    ordered = sorted(items, key=lambda i: i.sort_text)
    # the span kind's symbols come before every other candidate
    assert set(labels(ordered[: len(symbols)])) == set(symbols)
    server = item(items, "SPAN_KIND_SERVER")
    assert server.kind == T.CompletionItemKind.EnumMember
    assert server.detail == "= 2"
    assert server.text_edit.range == rng(6, 39, 6, 39)
    # other values may follow, but each candidate is offered once
    duplicates = [label for label, n in Counter(labels(items)).items() if n > 1]
    assert duplicates == [], f"offered twice: {duplicates}"


async def test_named_arguments_inside_a_call(vscode):
    uri, _ = await open_doc(vscode, "typing.ottl", TYPING)
    items = await complete(vscode, uri, end_of(7))
    delimiter = item(items, "delimiter =")
    assert delimiter.text_edit.new_text == "delimiter = "
    assert delimiter.kind == T.CompletionItemKind.Variable
    assert delimiter.detail == "StringGetter"
    assert "vals =" in labels(items)


async def test_named_arguments_not_given_yet(vscode):
    text = 'flatten(span.attributes, depth = 2, '
    uri, _ = await open_doc(vscode, "named.ottl", text)
    items = await complete(vscode, uri, T.Position(line=0, character=len(text)))
    named = sorted(l for l in labels(items) if l.endswith(" ="))
    assert named == ["prefix =", "resolve_conflicts =", "target ="]
    assert item(items, "prefix =").detail == "string (optional)"


async def test_where_after_an_editor_call(vscode):
    text = 'set(span.name, "x") '
    uri, _ = await open_doc(vscode, "where.ottl", text)
    items = await complete(vscode, uri, T.Position(line=0, character=len(text)))
    assert labels(items) == ["where"]
    assert items[0].kind == T.CompletionItemKind.Keyword


async def test_completion_with_utf8_positions(neovim):
    text = 'set(span.attributes["🚀"], "é") where span.'
    uri, _ = await open_doc(neovim, "utf8.ottl", text)
    end = len(text.encode("utf-8"))
    items = await complete(neovim, uri, T.Position(line=0, character=end))
    name = item(items, "name")
    assert name.text_edit.range == rng(0, end, 0, end)
    keys = await complete(neovim, uri, T.Position(line=0, character=len('set(span.attributes[')))
    assert [(i.label, i.text_edit.new_text) for i in keys] == [("🚀", '"🚀"')]
