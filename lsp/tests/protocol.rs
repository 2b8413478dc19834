//! The server in-process, spoken to over the real wire format (Content-Length framing, JSON-RPC)
//! through an in-memory pipe: every capability once, on `.ottl` and on collector YAML.

mod support;

use serde_json::{Value, json};
use support::client::Client;

/// The labels of a completion list.
#[allow(clippy::unwrap_used, reason = "test helper: a completion answer that is not a list of labelled items fails the test")]
fn labels(completions: &Value) -> Vec<&str> {
    completions.as_array().unwrap().iter().map(|item| item["label"].as_str().unwrap()).collect()
}

fn range(line: u32, start: u32, end: u32) -> Value {
    json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": end}})
}

const RULES: &str =
    "set(span.attributes[\"env\"], \"prod\")\nset(span.stauts.code, STATUS_CODE_ERROR) where span.kind == SPAN_KIND_SERVER\n";

#[tokio::test]
async fn diagnostics_with_codes_links_and_quick_fixes() {
    let mut client = Client::start(json!({})).await.unwrap();
    let uri = "file:///rules.ottl";
    let diagnostics = client.open(uri, "ottl", RULES).await.unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let typo = &diagnostics[0];
    assert_eq!(typo["range"], range(1, 9, 15), "the misspelled segment");
    assert_eq!(typo["source"], "ottl");
    let code = typo["code"].as_str().unwrap();
    assert_eq!(typo["codeDescription"]["href"], format!("ottl-explain:{code}"));
    assert!(typo["message"].as_str().unwrap().contains("did you mean `status`?"), "{typo}");

    let explanation = client.request("ottl/explain", json!({"code": code})).await.unwrap();
    assert!(explanation.as_str().unwrap().starts_with(&format!("# {code}: ")), "{explanation}");

    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range(1, 10, 10), "context": {"diagnostics": []}}),
        )
        .await
        .unwrap();
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["edit"]["changes"][uri][0], json!({"range": range(1, 9, 15), "newText": "status"}));

    // Fix it with an incremental edit: the diagnostics go away.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": range(1, 9, 15), "text": "status"}]}),
        )
        .await
        .unwrap();
    assert_eq!(client.diagnostics(uri).await.unwrap(), Vec::<Value>::new());
}

#[tokio::test]
async fn completion_hover_and_signatures_where_the_cursor_is() {
    let mut client = Client::start(json!({})).await.unwrap();
    let uri = "file:///typing.ottl";
    let text = "set(span.attributes[\"http.route\"], \"x\")\nset(span.\nset(span.attributes[\"\nset(span.kind, SPAN_KIND_SERVER) where span.kind == \nset(span.name, Concat([span.name, \"x\"], \n\n";
    client.open(uri, "ottl", text).await.unwrap();

    let after_span = client.at("textDocument/completion", uri, 1, 9).await.unwrap();
    let names = labels(&after_span);
    for field in ["name", "attributes", "status", "kind"] {
        assert!(names.contains(&field), "{field} missing from {names:?}");
    }

    let keys = client.at("textDocument/completion", uri, 2, 21).await.unwrap();
    assert_eq!(labels(&keys), ["http.route"]);

    let enums = client.at("textDocument/completion", uri, 3, 52).await.unwrap();
    let first = enums.as_array().unwrap().iter().min_by_key(|i| i["sortText"].as_str().unwrap().to_string()).unwrap();
    assert!(first["label"].as_str().unwrap().starts_with("SPAN_KIND_"), "{first}");

    let in_call = client.at("textDocument/completion", uri, 4, 40).await.unwrap();
    assert!(labels(&in_call).contains(&"delimiter ="), "{:?}", labels(&in_call));

    let fresh = "file:///fresh.ottl";
    client.open(fresh, "ottl", "set(span.name, \"a\")\n\n").await.unwrap();
    let line_start = client.at("textDocument/completion", fresh, 1, 0).await.unwrap();
    let set = line_start.as_array().unwrap().iter().find(|i| i["label"] == "set").unwrap();
    assert_eq!(set["textEdit"]["newText"], "set(${1:target}, ${2:value})");
    assert_eq!(set["insertTextFormat"], 2, "a snippet");

    let hover = client.at("textDocument/hover", uri, 3, 1).await.unwrap();
    assert!(hover["contents"]["value"].as_str().unwrap().contains("set(target: Setter, value: Getter)"), "{hover}");
    assert_eq!(hover["range"], range(3, 0, 3));
    let hover = client.at("textDocument/hover", uri, 3, 20).await.unwrap();
    assert!(hover["contents"]["value"].as_str().unwrap().contains("SPAN_KIND_SERVER = 2"), "{hover}");
    let hover = client.at("textDocument/hover", uri, 0, 10).await.unwrap();
    assert!(hover["contents"]["value"].as_str().unwrap().contains("span.attributes: Map<String, Any>"), "{hover}");

    let help = client.at("textDocument/signatureHelp", uri, 4, 40).await.unwrap();
    assert!(help["signatures"][0]["label"].as_str().unwrap().starts_with("Concat("), "{help}");
    assert_eq!(help["activeParameter"], 1);
}

#[tokio::test]
async fn formatting_symbols_and_tokens() {
    let mut client = Client::start(json!({"defaultContext": "log"})).await.unwrap();
    let uri = "file:///messy.ottl";
    client
        .open(uri, "ottl", "set( attributes[\"a\"],1 )   where body==nil\n\n\n# note\nkeep_keys(attributes,[\"a\"])\n")
        .await
        .unwrap();
    let edits = client
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
        )
        .await
        .unwrap();
    assert_eq!(edits[0]["newText"], "set(attributes[\"a\"], 1) where body == nil\n\n# note\nkeep_keys(attributes, [\"a\"])\n");
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}})).await.unwrap();
    assert_eq!(symbols.as_array().unwrap().len(), 2);
    assert_eq!(symbols[1]["selectionRange"], range(4, 0, 9));
    let tokens = client.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri}})).await.unwrap();
    // First token: `set`, a method (index 3 of the legend), at 0:0, three long.
    assert_eq!(tokens["data"].as_array().unwrap()[..5], [json!(0), json!(0), json!(3), json!(3), json!(0)]);

    let broken = "file:///broken.ottl";
    client.open(broken, "ottl", "set(attributes[\"a\"], \n").await.unwrap();
    let edits = client
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": broken}, "options": {"tabSize": 4, "insertSpaces": true}}),
        )
        .await
        .unwrap();
    assert_eq!(edits, json!([]), "broken text is never rewritten");
}

const CONFIG: &str = "processors:
  transform:
    trace_statements:
      - context: span
        statements:
          - set(attributes[\"env\"], \"prod\") where nme == \"x\"
          - set(span.
";

#[tokio::test]
async fn collector_yaml_at_its_own_positions() {
    let mut client = Client::start(json!({})).await.unwrap();
    let uri = "file:///collector.yaml";
    let diagnostics = client.open(uri, "yaml", CONFIG).await.unwrap();
    let unknown = diagnostics.iter().find(|d| d["message"].as_str().unwrap().contains("did you mean `name`?")).unwrap();
    assert_eq!(unknown["range"], range(5, 49, 52), "{diagnostics:?}");

    let completions = client.at("textDocument/completion", uri, 6, 21).await.unwrap();
    let names = labels(&completions);
    assert!(names.contains(&"status") && names.contains(&"name"), "{names:?}");
    assert_eq!(completions[0]["textEdit"]["range"], range(6, 21, 21));

    let hover = client.at("textDocument/hover", uri, 5, 13).await.unwrap();
    assert!(hover["contents"]["value"].as_str().unwrap().contains("set(target"), "{hover}");
    assert_eq!(client.at("textDocument/hover", uri, 1, 4).await.unwrap(), Value::Null, "not OTTL");

    let outside_ottl = client.at("textDocument/completion", uri, 0, 3).await.unwrap();
    assert_eq!(outside_ottl, Value::Null);
}

#[tokio::test]
async fn every_keystroke_gets_an_answer() {
    let mut client = Client::start(json!({})).await.unwrap();
    let uri = "file:///typed.ottl";
    client.open(uri, "ottl", "").await.unwrap();
    let statement = "set(span.attributes[\"é😀\"], Concat([span.name, \"x\"], delimiter = \"-\")) where span.kind == SPAN_KIND_SERVER and not IsMatch(span.name, \"^a\")";
    let mut character = 0u32;
    let mut last = Vec::new();
    for (version, c) in statement.chars().enumerate() {
        let at = json!({"line": 0, "character": character});
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version + 2}, "contentChanges": [{"range": {"start": at, "end": at}, "text": c.to_string()}]}),
            )
            .await.unwrap();
        character += c.len_utf16() as u32;
        last = client.diagnostics(uri).await.unwrap();
        for method in ["textDocument/completion", "textDocument/hover", "textDocument/signatureHelp"] {
            client.at(method, uri, 0, character).await.unwrap();
            client.at(method, uri, 7, 99).await.unwrap();
        }
    }
    assert_eq!(last, Vec::<Value>::new(), "the finished statement is clean");
}

#[tokio::test]
async fn yaml_quick_fixes_only_where_the_text_goes_in_as_it_is() {
    let mut client = Client::start(json!({})).await.unwrap();
    let uri = "file:///fixes.yaml";
    let yaml = "processors:\n  filter:\n    logs:\n      log_record:\n        - severity_number < 9 || IsMatch(body, 'debug')\n";
    let diagnostics = client.open(uri, "yaml", yaml).await.unwrap();
    assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range(4, 0, 60), "context": {"diagnostics": []}}),
        )
        .await
        .unwrap();
    let edits: Vec<&Value> = actions.as_array().unwrap().iter().map(|a| &a["edit"]["changes"][uri][0]).collect();
    assert_eq!(edits, [&json!({"range": range(4, 30, 32), "newText": "or"})], "no quotes written into YAML");
}

#[tokio::test]
async fn a_test_file_follows_the_rule_file_it_tests_as_the_editor_has_it() {
    let mut client = Client::start(json!({})).await.unwrap();
    // Neither file is on disk: the test file reads its rule file from the editor.
    let rules = "file:///nowhere/logs.ottl";
    client.open(rules, "ottl", "set(log.attributes[\"level\"], \"info\")\n").await.unwrap();
    let test = "file:///nowhere/logs.ottl-test.yaml";
    let text = "rules: logs.ottl\ntests:\n  - name: l\n    input: {log: {body: hi}}\n    expect:\n      conditions:\n        - attributes[\"level\"] == \"info\"\n";
    assert_eq!(client.open(test, "yaml", text).await.unwrap(), Vec::<Value>::new());
    let hover = client.at("textDocument/hover", test, 6, 11).await.unwrap();
    assert!(hover["contents"]["value"].as_str().unwrap().starts_with("```ottl\nattributes: Map"), "{hover}");

    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": rules, "version": 2}, "contentChanges": [{"text": "set(span.attributes[\"level\"], \"info\")\n"}]}),
        )
        .await
        .unwrap();
    let diagnostics = client.diagnostics(test).await.unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "E0920");
    assert_eq!(diagnostics[0]["range"], range(2, 10, 11), "the test's name");
}
