"""OTTL inside a collector config (languageId "yaml"): diagnostics at YAML positions,
completion, hover, signature help, formatting in place, symbols and quick fixes."""

from __future__ import annotations

from lsprotocol import types as T

from conftest import (
    FIXTURES,
    apply_edits,
    completion_items,
    fixture_text,
    labels,
    open_doc,
    ottlc_check,
    pos,
    replace_text,
    rng,
    wait_diagnostics,
    width,
)

NAME = "collector.yaml"

# A config being typed: a span group whose last statement is `- set(span.`.
TYPING_YAML = """\
processors:
  transform/typing:
    error_mode: ignore
    trace_statements:
      - context: span
        statements:
          - set(span.attributes["http.route"], "/")
          - set(span.
"""


async def open_yaml(client, text=None, name=NAME):
    return await open_doc(client, name, fixture_text(NAME) if text is None else text, language_id="yaml")


async def test_yaml_diagnostics_exact(vscode):
    uri, diagnostics = await open_yaml(vscode)
    got = sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) for d in diagnostics)
    assert got == [
        ("E0011", 43, 36, 43, 37),  # `=` in the filter condition
        ("E0100", 21, 16, 21, 22),  # stauts, in a plain scalar
        # nmae, in a single-quoted scalar after "🚀 café": character 64, UTF-16 65
        ("E0100", 22, 65, 22, 69),
        ("E0115", 36, 33, 36, 53),  # SEVERITY_NUMBER_EROR
    ]
    stauts = next(d for d in diagnostics if d.range.start.line == 21)
    assert stauts.message.endswith("\nhelp: did you mean `status`?")
    assert stauts.code_description.href == "ottl-explain:E0100"
    assert stauts.source == "ottl"


async def test_yaml_diagnostics_match_ottlc_check(each_client):
    client, encoding = each_client, each_client.encoding
    text = fixture_text(NAME)
    _, diagnostics = await open_yaml(client)
    lines = text.split("\n")

    def lsp_range(e):
        return (
            e["line"] - 1,
            width(lines[e["line"] - 1][: e["column"] - 1], encoding),
            e["end_line"] - 1,
            width(lines[e["end_line"] - 1][: e["end_column"] - 1], encoding),
        )

    expected = sorted((e["code"], *lsp_range(e)) for e in ottlc_check(FIXTURES / NAME))
    assert len(expected) == 4
    got = sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) for d in diagnostics)
    assert got == expected
    if encoding == "utf-8":
        assert ("E0100", 22, 68, 22, 72) in got  # 🚀 is 4 bytes, é 2


async def test_yaml_quick_fix(vscode):
    uri, diagnostics = await open_yaml(vscode)
    nmae = next(d for d in diagnostics if d.range.start.line == 22)
    actions = list(
        await vscode.text_document_code_action_async(
            T.CodeActionParams(
                text_document=T.TextDocumentIdentifier(uri=uri), range=nmae.range, context=T.CodeActionContext(diagnostics=[nmae])
            )
        )
    )
    assert [a.title for a in actions] == ["Replace `nmae` with `name`"]
    assert [(e.range, e.new_text) for e in actions[0].edit.changes[uri]] == [(rng(22, 65, 22, 69), "name")]


async def test_yaml_completion_after_span_dot(vscode):
    uri, _ = await open_yaml(vscode, TYPING_YAML, "typing.yaml")
    line = TYPING_YAML.split("\n")[7]
    result = await vscode.text_document_completion_async(
        T.CompletionParams(text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=7, character=len(line)))
    )
    items = completion_items(result)
    names = labels(items)
    for field in ["name", "attributes", "status", "kind"]:
        assert field in names, names
    name = next(i for i in items if i.label == "name")
    assert name.text_edit.range == rng(7, len(line), 7, len(line))


async def test_yaml_completion_of_keys_and_editors(vscode):
    text = TYPING_YAML.replace("          - set(span.\n", '          - set(span.attributes["\n')
    uri, _ = await open_yaml(vscode, text, "typing.yaml")
    line = text.split("\n")[7]
    result = await vscode.text_document_completion_async(
        T.CompletionParams(text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=7, character=len(line)))
    )
    assert labels(completion_items(result)) == ["http.route"]


async def test_yaml_completion_in_a_fixture_statement(vscode):
    text = fixture_text(NAME)
    uri, _ = await open_yaml(vscode)
    # after `where ` of line 22 (`- set(stauts.code, ...) where attributes[...]`): a span path
    at = pos(text, "where attributes[\"http.status_code\"]")
    at.character += len("where ")
    result = await vscode.text_document_completion_async(
        T.CompletionParams(text_document=T.TextDocumentIdentifier(uri=uri), position=at)
    )
    names = labels(completion_items(result))
    assert "attributes" in names and "IsMatch" in names


async def test_yaml_hover_on_functions_and_paths(vscode):
    text = fixture_text(NAME)
    uri, _ = await open_yaml(vscode)

    async def hover(position):
        return await vscode.text_document_hover_async(
            T.HoverParams(text_document=T.TextDocumentIdentifier(uri=uri), position=position)
        )

    concat = await hover(pos(text, "Concat("))
    assert concat.contents.value.startswith(
        "```ottl\nConcat(vals: []StringLikeGetter, delimiter: StringGetter) -> String\n```"
    )
    assert concat.range == rng(20, 22, 20, 28)

    replace = await hover(pos(text, "replace_pattern"))
    assert replace.contents.value.startswith("```ottl\nreplace_pattern(target: GetSetter, regex_pattern: StringGetter")
    assert replace.range == rng(35, 12, 35, 27)

    # a path in the single-quoted scalar, after non-ASCII text: `nmae` is unknown, `set` is known
    assert (await hover(pos(text, "nmae"))) is None
    set_ = await hover(pos(text, "set(attributes[\"deployment.note\"]"))
    assert set_.contents.value.startswith("```ottl\nset(target: Setter, value: Getter)\n```")
    assert set_.range == rng(22, 13, 22, 16)

    name = await hover(pos(text, "name,Concat"))
    assert name.contents.value.startswith("```ottl\nname: String\n```")
    severity = await hover(pos(text, "severity_number, SEVERITY"))
    assert severity.contents.value.startswith("```ottl\nseverity_number: Int\n```")
    # the YAML around the OTTL has no hover
    assert (await hover(pos(text, "error_mode"))) is None
    assert (await hover(pos(text, "context: span"))) is None


async def signature_at(client, uri, line, character):
    return await client.text_document_signature_help_async(
        T.SignatureHelpParams(
            text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=line, character=character)
        )
    )


async def test_yaml_signature_help(vscode):
    text = TYPING_YAML.replace("          - set(span.\n", '          - set(span.name, Concat([span.name, "x"],\n')
    uri, _ = await open_yaml(vscode, text, "typing.yaml")
    line = text.split("\n")[7]
    result = await signature_at(vscode, uri, 7, len(line))
    assert result.signatures[0].label == "Concat(vals: []StringLikeGetter, delimiter: StringGetter) -> String"
    assert result.active_parameter == 1
    first = await signature_at(vscode, uri, 7, line.index("Concat(") + len("Concat("))
    assert first.signatures[0].label.startswith("Concat(") and first.active_parameter == 0
    outer = await signature_at(vscode, uri, 7, line.index("span.name"))
    assert outer.signatures[0].label == "set(target: Setter, value: Getter)" and outer.active_parameter == 0


# The user types `, ` or `== ` (the server lists " " as a trigger character): in a plain
# scalar the space typed last is not part of the YAML value, but the cursor after it is
# still in the statement.
TRAILING_SPACE_YAML = """processors:
  transform/typing:
    trace_statements:
      - context: span
        statements:
          - set(span.name, Concat([span.name, "x"], 
          - set(span.name, "x") where span.kind == 
          - 'set(span.name, "x") where span.kind == '
"""


async def test_yaml_signature_help_after_a_typed_space_in_a_plain_scalar(vscode):
    uri, _ = await open_yaml(vscode, TRAILING_SPACE_YAML, "typing.yaml")
    line = TRAILING_SPACE_YAML.split("\n")[5]
    assert line.endswith(", ")
    result = await signature_at(vscode, uri, 5, len(line))
    assert result is not None, "no signature help after `, ` at the end of a plain scalar"
    assert result.signatures[0].label.startswith("Concat(") and result.active_parameter == 1


async def test_yaml_enum_completion_after_a_typed_space(vscode):
    uri, _ = await open_yaml(vscode, TRAILING_SPACE_YAML, "typing.yaml")
    lines = TRAILING_SPACE_YAML.split("\n")

    async def complete(line, character):
        result = await vscode.text_document_completion_async(
            T.CompletionParams(
                text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=line, character=character)
            )
        )
        return sorted(completion_items(result), key=lambda i: i.sort_text)

    # single-quoted: the space is inside the scalar
    quoted = await complete(7, len(lines[7]) - 1)
    assert quoted and quoted[0].label.startswith("SPAN_KIND_")
    assert quoted[0].text_edit.range == rng(7, len(lines[7]) - 1, 7, len(lines[7]) - 1)
    # plain: the same place must give the same answer
    plain = await complete(6, len(lines[6]))
    assert plain, "no completion after `== ` at the end of a plain scalar"
    assert plain[0].label.startswith("SPAN_KIND_")


async def test_yaml_formatting_rewrites_safe_scalars_only(each_client):
    client, encoding = each_client, each_client.encoding
    text = fixture_text(NAME)
    uri, _ = await open_yaml(client)
    edits = list(
        await client.text_document_formatting_async(
            T.DocumentFormattingParams(text_document=T.TextDocumentIdentifier(uri=uri), options=T.FormattingOptions(tab_size=2, insert_spaces=True))
        )
    )
    # one edit per rewritten scalar, each within its own line
    assert all(e.range.start.line == e.range.end.line for e in edits)
    assert sorted(e.range.start.line for e in edits) == [20, 24, 25, 44]
    formatted = apply_edits(text, edits, encoding)
    expected = text.replace(
        '          - set( name,Concat([attributes["http.method"], attributes["http.route"]], " ") )   where kind==SPAN_KIND_SERVER\n',
        '          - set(name, Concat([attributes["http.method"], attributes["http.route"]], " ")) where kind == SPAN_KIND_SERVER\n',
    ).replace(
        """          - 'set(attributes["env"],"prod")  where resource.attributes["k8s.namespace.name"]=="default"'\n""",
        """          - 'set(attributes["env"], "prod") where resource.attributes["k8s.namespace.name"] == "default"'\n""",
    ).replace(
        '          - "truncate_all(attributes,  4096)"\n',
        '          - "truncate_all(attributes, 4096)"\n',
    ).replace(
        """        - 'attributes["http.route"]=="/livez"'\n""",
        """        - 'attributes["http.route"] == "/livez"'\n""",
    )
    assert formatted != text
    assert formatted == expected
    # left alone: the escaped double-quoted scalar and the plain scalar folded over two lines
    assert '          - "set(attributes[\\"tier\\"],  \\"gold\\")"\n' in formatted
    assert '            where attributes["http.url"]  ==  nil\n' in formatted

    # formatting the result again changes nothing, and the diagnostics are the same
    replace_text(client, uri, 2, formatted)
    after = await wait_diagnostics(client, uri, 2)
    assert sorted(d.code for d in after) == ["E0011", "E0100", "E0100", "E0115"]
    again = await client.text_document_formatting_async(
        T.DocumentFormattingParams(text_document=T.TextDocumentIdentifier(uri=uri), options=T.FormattingOptions(tab_size=2, insert_spaces=True))
    )
    assert list(again or []) == []


async def test_yaml_symbols_grouped_by_component(vscode):
    uri, _ = await open_yaml(vscode)
    result = list(
        await vscode.text_document_document_symbol_async(
            T.DocumentSymbolParams(text_document=T.TextDocumentIdentifier(uri=uri))
        )
    )
    names = [s.name for s in result]
    assert names == ["processors/transform/normalize", "processors/transform/scrub_logs", "processors/filter/health"]
    assert all(s.kind == T.SymbolKind.Module for s in result)
    normalize = result[0]
    children = normalize.children
    # one condition and nine statements
    assert len(children) == 10
    assert children[0].name == "kind == SPAN_KIND_SERVER"
    assert children[0].detail == "span"
    statement = 'set(attributes["http.route"], attributes["http.target"]) where attributes["http.route"] == nil'
    assert children[1].name == statement[:79] + "…"  # shortened to 80 characters
    assert children[1].range == rng(19, 12, 19, 12 + len(statement))
    assert children[1].selection_range == rng(19, 12, 19, 15)
    filter_ = next(s for s in result if "filter/health" in s.name)
    assert len(filter_.children) == 3


async def test_non_collector_yaml_gets_no_diagnostics(vscode):
    text = "name: CI\non:\n  push:\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
    uri, diagnostics = await open_yaml(vscode, text, "ci.yaml")
    assert diagnostics == []


STYLES_YAML = """\
processors:
  transform/styles:
    trace_statements:
      - context: span
        statements:
          - "set(attributes[\\"tier\\"], \\"g\\u00e9\\") where nmae == \\"x\\""
          - set(attributes["http.url"], attributes["url.full"])
            where  nmae == nil
          - >-
            set(attributes["a"], "b")
            where stauts.code == 1
          - |
            set(attributes["a"], "b") where kind == SPAN_KIND_SERVRE
"""


async def test_yaml_scalar_styles_map_back_to_the_file(vscode):
    """Escapes, a folded plain scalar, `>-` and `|` block scalars: each diagnostic covers
    exactly the typo as written in the file, and its quick fix replaces it."""
    text = STYLES_YAML
    assert '\\\\' not in text and '\\"tier\\"' in text  # one backslash before each quote in the YAML
    uri, diagnostics = await open_yaml(vscode, text, "styles.yaml")
    lines = text.split("\n")
    found = sorted(
        (d.range.start.line, d.code, lines[d.range.start.line][d.range.start.character : d.range.end.character])
        for d in diagnostics
        if d.range.start.line == d.range.end.line
    )
    assert found == [
        (5, "E0100", "nmae"),  # after \" and \u00e9 escapes
        (7, "E0100", "nmae"),  # second line of a plain scalar
        (10, "E0100", "stauts"),  # folded block scalar
        (12, "E0115", "SPAN_KIND_SERVRE"),  # literal block scalar
    ]
    assert len(diagnostics) == 4
    fixed = text
    for d in diagnostics:
        actions = await vscode.text_document_code_action_async(
            T.CodeActionParams(
                text_document=T.TextDocumentIdentifier(uri=uri), range=d.range, context=T.CodeActionContext(diagnostics=[d])
            )
        )
        [action] = list(actions)
        [edit] = action.edit.changes[uri]
        assert edit.range == d.range
    for old, new in [("nmae", "name"), ("stauts", "status"), ("SERVRE", "SERVER")]:
        fixed = fixed.replace(old, new)
    replace_text(vscode, uri, 2, fixed)
    assert await wait_diagnostics(vscode, uri, 2) == []
    # hover inside the literal block scalar
    kind = await vscode.text_document_hover_async(
        T.HoverParams(text_document=T.TextDocumentIdentifier(uri=uri), position=pos(fixed, "kind =="))
    )
    assert kind.contents.value.startswith("```ottl\nkind: Int\n```")
    assert kind.range == rng(12, 44, 12, 48)
