"""`ottlc test` files (`NAME.ottl-test.yaml`): diagnostics as `ottlc check` gives them,
completion and hover inside expectations in the context `ottlc test` checks them in (the
item of the pipeline's signal, the rule file's context, or the prefix written), and
diagnostics that follow the edits of the rule file they test while it is open."""

from __future__ import annotations

from lsprotocol import types as T

from conftest import (
    FIXTURES,
    completion_items,
    fixture_text,
    labels,
    open_doc,
    ottlc_check,
    pos,
    replace_text,
    rng,
    wait_published,
)

TRACES = "test-files/traces.ottl-test.yaml"
LOGS = "test-files/logs.ottl-test.yaml"
RULES = "test-files/logs.ottl"


async def open_test_file(client, name, text=None):
    return await open_doc(client, name, fixture_text(name) if text is None else text, language_id="yaml")


async def complete(client, uri, position):
    result = await client.text_document_completion_async(
        T.CompletionParams(text_document=T.TextDocumentIdentifier(uri=uri), position=position)
    )
    return labels(completion_items(result))


async def hover(client, uri, position):
    return await client.text_document_hover_async(
        T.HoverParams(text_document=T.TextDocumentIdentifier(uri=uri), position=position)
    )


def summary(diagnostics):
    return [(d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) for d in diagnostics]


async def test_a_path_typo_in_an_expectation_is_E0100_where_it_is_written(vscode):
    _, diagnostics = await open_test_file(vscode, TRACES)
    # `span.atributes` on line 14 (0-based 13): the segment `atributes`.
    assert summary(diagnostics) == [("E0100", 13, 15, 13, 24)]
    assert diagnostics[0].message.endswith("\nhelp: did you mean `attributes`?")
    expected = [(e["code"], e["line"] - 1, e["column"] - 1, e["end_line"] - 1, e["end_column"] - 1) for e in ottlc_check(FIXTURES / TRACES)]
    assert summary(diagnostics) == expected


async def test_a_test_file_naming_processors_is_no_collector_config(vscode):
    # `processors:` would make a config of it; the expectation's typo is found all the same.
    text = fixture_text(TRACES).replace("pipeline: traces", "processors: [transform/tier, filter/health]")
    _, diagnostics = await open_test_file(vscode, TRACES, text)
    assert summary(diagnostics) == [("E0100", 13, 15, 13, 24)]


async def test_completion_offers_the_paths_of_the_inferred_context(vscode):
    # A traces pipeline: after `span.`, the span's fields; unprefixed, the span's too.
    text = fixture_text(TRACES).replace('        - span.atributes["http.route"] == "/checkout"\n', "        - span.\n        - k\n")
    uri, _ = await open_test_file(vscode, TRACES, text)
    fields = await complete(vscode, uri, pos(text, "- span.", after=True))
    for field in ["name", "attributes", "status", "kind", "trace_id"]:
        assert field in fields, f"{field} missing from {fields}"
    assert "body" not in fields
    unprefixed = await complete(vscode, uri, pos(text, "- k", after=True))
    assert "kind" in unprefixed and "severity_number" not in unprefixed, unprefixed

    # A logs rule file: `log.` gives a log record's fields; unprefixed, the log's too.
    text = fixture_text(LOGS).replace('        - log.body == "started"\n', "        - log.\n        - s\n")
    uri, _ = await open_test_file(vscode, LOGS, text)
    fields = await complete(vscode, uri, pos(text, "- log.", after=True))
    for field in ["body", "severity_number", "attributes", "trace_id"]:
        assert field in fields, f"{field} missing from {fields}"
    unprefixed = await complete(vscode, uri, pos(text, "- s", after=True))
    assert "severity_number" in unprefixed and "kind" not in unprefixed, unprefixed


async def test_attribute_keys_come_from_the_target_and_the_inputs(vscode):
    text = fixture_text(LOGS).replace('        - log.body == "started"\n', '        - log.attributes["\n')
    uri, _ = await open_test_file(vscode, LOGS, text)
    keys = await complete(vscode, uri, pos(text, '- log.attributes["', after=True))
    assert "level" in keys and "component" in keys, keys


async def test_hover_on_a_path_in_an_expectation_shows_its_type(vscode):
    text = fixture_text(TRACES)
    uri, _ = await open_test_file(vscode, TRACES, text)
    status = await hover(vscode, uri, pos(text, "code == STATUS"))
    assert status is not None
    assert status.contents.value.startswith("```ottl\nspan.status.code: Int\n```"), status.contents.value
    assert status.range == rng(11, 22, 11, 26)
    tier = await hover(vscode, uri, pos(text, 'attributes["tier"]'))
    assert tier is not None and tier.contents.value.startswith("```ottl\nattributes: Map<String, Any>\n```"), tier.contents.value
    # An enum symbol's value needs the context: the span's, from the traces pipeline.
    unset = await hover(vscode, uri, pos(text, "STATUS_CODE_UNSET"))
    assert unset is not None and unset.contents.value.startswith("```ottl\nSTATUS_CODE_UNSET = 0\n```"), unset.contents.value


async def test_diagnostics_follow_an_edit_of_the_rule_file_open_in_the_editor(vscode):
    rules_text = fixture_text(RULES)
    rules_uri, _ = await open_doc(vscode, RULES, rules_text)
    test_uri, diagnostics = await open_test_file(vscode, LOGS)
    assert diagnostics == []

    # The rules now work on spans: the test's log input no longer fits them.
    published = len(vscode.published)
    replace_text(vscode, rules_uri, 2, 'set(span.attributes["level"], "info")\n')
    diagnostics = await wait_published(vscode, published, test_uri)
    codes = [d.code for d in diagnostics]
    assert "E0920" in codes, codes
    assert "the pipeline takes traces" in next(d.message for d in diagnostics if d.code == "E0920")

    # Undone in the editor: the test file is clean again, before anything is saved.
    published = len(vscode.published)
    replace_text(vscode, rules_uri, 3, rules_text)
    assert await wait_published(vscode, published, test_uri) == []
