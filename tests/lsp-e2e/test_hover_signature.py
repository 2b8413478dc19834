"""Hover (functions, paths, enum symbols, named arguments) and signature help."""

from __future__ import annotations

import pytest
from lsprotocol import types as T

from conftest import fixture_text, open_doc, pos, rng

# From compiler/src/registry/functions.rs, as `display_signature` prints them.
SET = "set(target: Setter, value: Getter)"
CONCAT = "Concat(vals: []StringLikeGetter, delimiter: StringGetter) -> String"
DELETE_KEY = "delete_key(target: GetSetter, key: StringGetter)"
FLATTEN = "flatten(target: GetSetter, prefix?: string, depth?: int64, resolve_conflicts?: bool)"


async def hover(client, uri, position):
    return await client.text_document_hover_async(
        T.HoverParams(text_document=T.TextDocumentIdentifier(uri=uri), position=position)
    )


async def signature(client, uri, position):
    return await client.text_document_signature_help_async(
        T.SignatureHelpParams(text_document=T.TextDocumentIdentifier(uri=uri), position=position)
    )


def markdown(result) -> str:
    assert result is not None, "no hover"
    assert result.contents.kind == T.MarkupKind.Markdown
    return result.contents.value


# ---------------------------------------------------------------------------
# Hover
# ---------------------------------------------------------------------------


async def test_hover_on_editor_name(vscode):
    text = fixture_text("messy.ottl")
    uri, _ = await open_doc(vscode, "messy.ottl", text)
    result = await hover(vscode, uri, T.Position(line=1, character=1))
    value = markdown(result)
    assert value.startswith(f"```ottl\n{SET}\n```\n\nWrites `value` into `target`.")
    assert 'Example:\n```ottl\nset(attributes["env"], "prod")\n```' in value
    assert result.range == rng(1, 0, 1, 3)


async def test_hover_on_converter_name(vscode):
    text = fixture_text("messy.ottl")
    uri, _ = await open_doc(vscode, "messy.ottl", text)
    result = await hover(vscode, uri, pos(text, "Concat", after=True))  # at its last character's end
    value = markdown(result)
    assert value.startswith(f"```ottl\n{CONCAT}\n```\n\nJoins the string forms of the values with `delimiter`.")
    assert result.range == rng(2, 17, 2, 23)


async def test_hover_on_a_typo_function_says_nothing(vscode):
    text = fixture_text("messy.ottl")
    uri, _ = await open_doc(vscode, "messy.ottl", text)
    assert await hover(vscode, uri, T.Position(line=4, character=3)) is None  # delete_kye


async def test_hover_on_path_segments(vscode):
    text = fixture_text("messy.ottl")
    uri, _ = await open_doc(vscode, "messy.ottl", text)
    name = await hover(vscode, uri, pos(text, "name ,"))
    assert markdown(name) == "```ottl\nspan.name: String\n```\n\nThe span's name."
    assert name.range == rng(2, 10, 2, 14)

    kind = await hover(vscode, uri, pos(text, "kind =="))
    value = markdown(kind)
    assert value.startswith("```ottl\nspan.kind: Int\n```\n\nThe span kind as an int (SPAN_KIND_*).")
    assert "`SPAN_KIND_SERVER` = 2" in value and "`SPAN_KIND_CLIENT` = 3" in value

    prefix = await hover(vscode, uri, pos(text, "span.name"))
    assert markdown(prefix).startswith("```ottl\nspan\n```\n\nThe context prefix")
    assert prefix.range == rng(2, 5, 2, 9)

    attributes = await hover(vscode, uri, T.Position(line=1, character=10))
    assert markdown(attributes).startswith("```ottl\nspan.attributes: Map<String, Any>\n```")


async def test_hover_on_enum_symbol(vscode):
    text = fixture_text("messy.ottl")
    uri, _ = await open_doc(vscode, "messy.ottl", text)
    result = await hover(vscode, uri, pos(text, "SPAN_KIND_SERVER"))
    assert markdown(result).startswith("```ottl\nSPAN_KIND_SERVER = 2\n```")
    assert result.range == rng(2, 115, 2, 131)
    error = await hover(vscode, uri, pos(text, "STATUS_CODE_ERROR"))
    assert markdown(error).startswith("```ottl\nSTATUS_CODE_ERROR = 2\n```")


async def test_hover_on_named_argument(vscode):
    text = 'set(span.name, Concat([span.name, "x"], delimiter = "-"))'
    uri, _ = await open_doc(vscode, "named.ottl", text)
    result = await hover(vscode, uri, pos(text, "delimiter"))
    assert markdown(result) == "```ottl\ndelimiter: StringGetter\n```\n\nA required parameter of `Concat`."
    assert result.range == rng(0, 40, 0, 49)


async def test_hover_after_non_ascii_text_utf8(neovim):
    text = 'set(span.attributes["🚀"], "é") where span.name == "x"'
    uri, _ = await open_doc(neovim, "utf8.ottl", text)
    at = pos(text, "name", encoding="utf-8")
    result = await hover(neovim, uri, at)
    assert markdown(result).startswith("```ottl\nspan.name: String\n```")
    start = len(text[: text.index("name")].encode("utf-8"))
    assert result.range == rng(0, start, 0, start + 4)


async def test_hover_after_non_ascii_text_utf16(vscode):
    text = 'set(span.attributes["🚀"], "é") where span.name == "x"'
    uri, _ = await open_doc(vscode, "utf16.ottl", text)
    result = await hover(vscode, uri, pos(text, "name", encoding="utf-16"))
    start = len(text[: text.index("name")].encode("utf-16-le")) // 2
    assert result.range == rng(0, start, 0, start + 4)


async def test_no_hover_on_blank_or_comment(vscode):
    text = fixture_text("messy.ottl")
    uri, _ = await open_doc(vscode, "messy.ottl", text)
    assert await hover(vscode, uri, T.Position(line=0, character=5)) is None  # the comment
    assert await hover(vscode, uri, pos(text, ",span.attributes")) is None  # the comma


# ---------------------------------------------------------------------------
# Signature help
# ---------------------------------------------------------------------------


def only_signature(result):
    assert result is not None, "no signature help"
    assert result.active_signature == 0
    assert len(result.signatures) == 1
    return result.signatures[0]


def parameter_labels(sig) -> list[str]:
    # label offsets are UTF-16 code units into the label (ASCII here)
    return [sig.label[p.label[0] : p.label[1]] for p in sig.parameters]


@pytest.mark.parametrize(
    "text, name, label, active",
    [
        ("set(", "set", SET, 0),
        ("set(span.name, ", "set", SET, 1),
        ('set(span.name, Concat([span.name, "x"], ', "Concat", CONCAT, 1),
        ('set(span.name, Concat([span.name, "x"], " "', "Concat", CONCAT, 1),
        ('set(span.name, Concat([span.name, "x"], " ")', "set", SET, 1),  # past Concat's `)`
        ("delete_key(span.attributes, ", "delete_key", DELETE_KEY, 1),
        ("flatten(span.attributes, ", "flatten", FLATTEN, 1),
        ('flatten(span.attributes, "k8s", 4, ', "flatten", FLATTEN, 3),
    ],
)
async def test_active_parameter_by_position(vscode, text, name, label, active):
    uri, _ = await open_doc(vscode, "sig.ottl", text)
    result = await signature(vscode, uri, T.Position(line=0, character=len(text)))
    sig = only_signature(result)
    assert sig.label == label
    assert sig.active_parameter == active
    assert result.active_parameter == active


@pytest.mark.parametrize(
    "text, active",
    [
        # named arguments: the parameter is found by its name, not by its position
        ("set(value = ", 1),
        ('set(value = "x", target = ', 0),
        ("flatten(span.attributes, depth = ", 2),
        ("flatten(span.attributes, resolveConflicts = ", 3),  # camelCase spelling
        ('Concat(delimiter = "-", vals = ', 0),
    ],
)
async def test_active_parameter_by_name(vscode, text, active):
    uri, _ = await open_doc(vscode, "sig.ottl", text)
    result = await signature(vscode, uri, T.Position(line=0, character=len(text)))
    sig = only_signature(result)
    assert sig.active_parameter == active, sig.label
    assert result.active_parameter == active


async def test_signature_parameters_and_documentation(vscode):
    text = 'set(span.name, Concat([span.name, "x"], '
    uri, _ = await open_doc(vscode, "sig.ottl", text)
    sig = only_signature(await signature(vscode, uri, T.Position(line=0, character=len(text))))
    assert parameter_labels(sig) == ["vals: []StringLikeGetter", "delimiter: StringGetter"]
    assert sig.documentation.kind == T.MarkupKind.Markdown
    assert sig.documentation.value == "Joins the string forms of the values with `delimiter`."


async def test_signature_outside_a_call(vscode):
    text = 'set(span.name, "x") where span.kind == SPAN_KIND_SERVER'
    uri, _ = await open_doc(vscode, "sig.ottl", text)
    assert await signature(vscode, uri, T.Position(line=0, character=len(text))) is None


async def test_signature_after_non_ascii_utf8(neovim):
    text = 'set(span.attributes["🚀"], Concat(["é", span.name], '
    uri, _ = await open_doc(neovim, "sig.ottl", text)
    sig = only_signature(await signature(neovim, uri, T.Position(line=0, character=len(text.encode("utf-8")))))
    assert sig.label == CONCAT
    assert sig.active_parameter == 1
