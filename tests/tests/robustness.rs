//! Malformed input never panics, hangs or overflows the stack: every front-end entry point
//! (`parse_statement`, `parse_condition`, `parse_value`, `document::parse_document`,
//! `format::format_document`) returns diagnostics instead, and every diagnostic points
//! inside the input, on character boundaries.

use std::time::Instant;

use ottl_grammar::document::parse_document;
use ottl_grammar::format::format_document;
use ottl_grammar::lexer::{Token, lex};
use ottl_grammar::parse::{MAX_NESTING, MAX_OPERATORS};
use ottl_grammar::{Code, Diagnostic, Parsed, Span, parse_condition, parse_statement, parse_value, printer};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

// ---------------------------------------------------------------------------------------
// Checks shared by every test
// ---------------------------------------------------------------------------------------

fn check_span(src: &str, span: Span, what: &str) {
    assert!(span.start <= span.end, "{what}: span {span:?} is reversed\ninput: {src:?}");
    assert!(span.end <= src.len(), "{what}: span {span:?} ends past the input ({} bytes)\ninput: {src:?}", src.len());
    assert!(src.is_char_boundary(span.start), "{what}: span {span:?} starts inside a character\ninput: {src:?}");
    assert!(src.is_char_boundary(span.end), "{what}: span {span:?} ends inside a character\ninput: {src:?}");
}

fn check_diagnostics(src: &str, diagnostics: impl IntoIterator<Item = impl std::borrow::Borrow<Diagnostic>>, what: &str) {
    for d in diagnostics {
        let d = d.borrow();
        let label = format!("{what}: {} {}", d.code.as_str(), d.message);
        check_span(src, d.primary.span, &label);
        for secondary in &d.secondary {
            check_span(src, secondary.span, &label);
        }
    }
}

/// Whether the lexer alone already proves `src` invalid: a character no token starts
/// with, an unterminated string, or brackets that do not match.
fn lexically_invalid(src: &str) -> bool {
    let mut open = Vec::new();
    for (token, _) in lex(src) {
        match token {
            Token::Error(_) | Token::UnterminatedString(_) | Token::SingleQuoted(_) => return true,
            Token::LParen => open.push(')'),
            Token::LBracket => open.push(']'),
            Token::LBrace => open.push('}'),
            Token::RParen | Token::RBracket | Token::RBrace => {
                let closer = match token {
                    Token::RParen => ')',
                    Token::RBracket => ']',
                    _ => '}',
                };
                if open.pop() != Some(closer) {
                    return true;
                }
            }
            _ => {}
        }
    }
    !open.is_empty()
}

/// A snippet parse: diagnostics well placed, a missing tree explained by an error, an
/// input the lexer already rejects reported as an error, and a clean parse stable under
/// printing.
fn check_snippet<T>(
    src: &str,
    parsed: &Parsed<T>,
    what: &str,
    print: impl Fn(&T) -> String,
    reparse: impl Fn(&str) -> Parsed<T>,
) {
    check_diagnostics(src, parsed.syntax_diagnostics(), what);
    if parsed.node.is_none() {
        assert!(parsed.has_errors(), "{what}: no tree and no error\ninput: {src:?}\n{:#?}", parsed.diagnostics);
    }
    let code_is_empty = lex(src).iter().all(|(t, _)| matches!(t, Token::Comment(_)));
    if code_is_empty || lexically_invalid(src) {
        assert!(parsed.has_errors(), "{what}: invalid input accepted\ninput: {src:?}\n{:#?}", parsed.diagnostics);
    }
    if !parsed.has_errors()
        && let Some(node) = &parsed.node
    {
        let printed = print(node);
        let again = reparse(&printed);
        assert!(
            !again.has_errors(),
            "{what}: printed form of a clean parse does not parse\ninput: {src:?}\nprinted: {printed:?}\n{:#?}",
            again.diagnostics
        );
        assert_eq!(print(again.node.as_ref().unwrap()), printed, "{what}: printing is not stable\ninput: {src:?}");
    }
}

/// Runs `src` through every entry point; returns whether the statement parse had errors.
fn exercise(src: &str) -> bool {
    let statement = parse_statement(src);
    check_snippet(src, &statement, "parse_statement", printer::statement, parse_statement);
    let condition = parse_condition(src);
    check_snippet(src, &condition, "parse_condition", printer::expr, parse_condition);
    let value = parse_value(src);
    check_snippet(src, &value, "parse_value", printer::expr, parse_value);
    exercise_document(src);
    statement.has_errors()
}

fn exercise_document(src: &str) -> bool {
    let document = parse_document(src);
    for item in &document.items {
        check_span(src, item.span, "document item");
        check_diagnostics(src, item.parsed.syntax_diagnostics(), "parse_document");
        if item.parsed.node.is_none() {
            assert!(item.parsed.has_errors(), "parse_document: item without tree or error\ninput: {src:?}");
        }
    }
    for comment in &document.comments {
        check_span(src, *comment, "document comment");
    }
    let document_has_errors = document.items.iter().any(|item| item.parsed.has_errors());
    if lexically_invalid(src) {
        assert!(document_has_errors, "parse_document: invalid input accepted\ninput: {src:?}");
    }
    match format_document(src) {
        Err(errors) => {
            assert!(!errors.is_empty(), "format_document: Err without errors\ninput: {src:?}");
            assert!(document_has_errors, "format_document refused a document without errors\ninput: {src:?}");
            check_diagnostics(src, &errors, "format_document");
        }
        Ok(formatted) => {
            assert!(!document_has_errors, "format_document accepted a document with errors\ninput: {src:?}");
            let again = format_document(&formatted);
            assert!(
                again.is_ok(),
                "formatted text does not format\ninput: {src:?}\nformatted: {formatted:?}\n{:#?}",
                again.err()
            );
            assert_eq!(again.unwrap(), formatted, "formatting is not idempotent\ninput: {src:?}");
        }
    }
    document_has_errors
}

fn errors_with(diagnostics: &[Diagnostic], code: Code) -> bool {
    diagnostics.iter().any(|d| d.code == code)
}

// ---------------------------------------------------------------------------------------
// Random input
// ---------------------------------------------------------------------------------------

const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "\\",
    "\\\"",
    "==",
    "!=",
    ">",
    ">=",
    "<",
    "<=",
    "=",
    "+",
    "-",
    "*",
    "/",
    ",",
    ".",
    ":",
    "_",
    "where",
    "and",
    "or",
    "not",
    "in",
    "nil",
    "true",
    "false",
    "set(",
    "keep(",
    "Int(",
    "len(",
    "replace_pattern(",
    "attributes[\"",
    "span.",
    "resource.attributes[\"k\"]",
    "x",
    "Y",
    "SPAN_KIND",
    "Sha256",
    "0x",
    "0xab",
    "0xa",
    "1",
    "-1",
    "1.5",
    "1.5e",
    "1e3",
    "9999999999999999999999",
    ".5",
    "=>",
    "(a, _) =>",
    "::",
    "StatusCode::",
    "#",
    "# c\n",
    "\n",
    "\r\n",
    "\t",
    " ",
    "  ",
    "ü",
    "😀",
    "\u{0}",
    "|",
    "||",
    "&&",
    "!",
    "'",
    ";",
    "\"abc\"",
    "\"\\x4\"",
    "\"\\u00e9\"",
    "\"\\q\"",
    "{\"a\": 1}",
    "<error>",
];

fn fragment_soup() -> impl Strategy<Value = String> {
    vec(select(FRAGMENTS), 0..40).prop_map(|parts| parts.concat())
}

/// Valid statements, conditions and values, one or several lines each.
const VALID: &[&str] = &[
    "resource.attributes[\"user.email\"] != nil > set(\n    resource.attributes[\"user.email\"],\n    SHA256(resource.attributes[\"user.email\"])\n)",
    "len(span.attributes[\"http.url\"]) > 100 > set(span.attributes[\"http.url\"], truncate(span.attributes[\"http.url\"], 100, \"...\"))",
    "set(attributes[\"env\"], \"prod\") where resource.attributes[\"k8s\"] != nil",
    "set(\n  span.status.code,\n  StatusCode::Error\n) where span.attributes[\"http.status_code\"] >= 500 and not IsMatch(name, \"^GET\")",
    "keep_keys(attributes, [\"a\", \"b\"]) # trailing comment",
    "set(x, {\"a\": [1, -2.5, 0xAB, nil], \"b\": {\"c\": true}})",
    "set(attributes[\"n\"], (Int(attributes[\"x\"]) + 2) * -3 / 4.0e2 - -1)",
    "merge_maps(cache, ParseJSON(body), \"upsert\") where body != nil or (name in [\"a\", \"b\"] and kind not in [1, 2])",
    "set(attributes[\"h\"], Hash(body, Sha256, options = {\"salt\": \"\\u00e9\\n\\\"\"}))",
    "replace_all_matches(attributes, \"*pass*\", \"***\")",
    "set(x, Filter(items, (_, v) => v > 1))",
    "name == \"a\"\nset(y, 2)\n# comment\n\nIsMatch(name, \"b\")",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_bytes(bytes in vec(any::<u8>(), 0..200)) {
        let src = String::from_utf8_lossy(&bytes).into_owned();
        exercise(&src);
    }

    #[test]
    fn random_strings(src in any::<String>()) {
        exercise(&src);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    #[test]
    fn random_token_soup(src in fragment_soup()) {
        exercise(&src);
    }

    /// A valid statement with one random edit: a fragment inserted, or a range deleted.
    #[test]
    fn mutated_statements(
        which in 0..VALID.len(),
        at in any::<prop::sample::Index>(),
        len in 0usize..12,
        insert in prop::option::of(select(FRAGMENTS)),
    ) {
        let base = VALID[which];
        let boundaries: Vec<usize> = (0..=base.len()).filter(|&i| base.is_char_boundary(i)).collect();
        let start = boundaries[at.index(boundaries.len())];
        let end = boundaries.iter().copied().filter(|&b| b >= start).nth(len).unwrap_or(base.len());
        let src = match insert {
            Some(fragment) => format!("{}{fragment}{}", &base[..start], &base[start..]),
            None => format!("{}{}", &base[..start], &base[end..]),
        };
        exercise(&src);
    }
}

// ---------------------------------------------------------------------------------------
// Truncation
// ---------------------------------------------------------------------------------------

#[test]
fn valid_inputs_are_valid() {
    for src in VALID {
        assert!(!exercise_document(src), "{src}: {:#?}", parse_document(src).diagnostics().collect::<Vec<_>>());
        assert!(!parse_document(src).items.is_empty());
    }
}

#[test]
fn every_prefix_of_a_valid_input() {
    for src in VALID {
        for end in (0..=src.len()).filter(|&i| src.is_char_boundary(i)) {
            let prefix = &src[..end];
            let statement_errors = exercise(prefix);
            if prefix.trim().is_empty() {
                assert!(statement_errors, "empty prefix {prefix:?} accepted");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Deep nesting and long chains, on a small stack
// ---------------------------------------------------------------------------------------

const SMALL_STACK: usize = 256 * 1024;
/// The main thread's usual stack, for checks of what is parsed rather than of the stack.
const LARGE_STACK: usize = 8 * 1024 * 1024;

/// Runs `f` on a thread with `stack` bytes of stack: a stack overflow aborts the process.
fn on_stack(name: &str, stack: usize, f: impl FnOnce() + Send + 'static) {
    let started = Instant::now();
    std::thread::Builder::new()
        .name(name.to_string())
        .stack_size(stack)
        .spawn(f)
        .expect("spawn")
        .join()
        .unwrap_or_else(|_| panic!("{name} panicked"));
    eprintln!("{name}: {:?}", started.elapsed());
}

/// Input beyond the limits: every entry point reports E0021, on a 256 KiB stack.
fn assert_too_deep(name: &str, src: String) {
    on_stack(name, SMALL_STACK, move || {
        for (what, diagnostics) in [
            ("statement", parse_statement(&src).diagnostics),
            ("condition", parse_condition(&src).diagnostics),
            ("value", parse_value(&src).diagnostics),
        ] {
            check_diagnostics(&src, &diagnostics, what);
            assert!(
                errors_with(&diagnostics, Code::NestingTooDeep),
                "{what}: no E0021 for {}…: {diagnostics:#?}",
                &src[..40.min(src.len())]
            );
        }
        let wrapped = format!("set(x, {src})");
        let statement = parse_statement(&wrapped);
        check_diagnostics(&wrapped, statement.syntax_diagnostics(), "wrapped");
        assert!(errors_with(&statement.diagnostics, Code::NestingTooDeep), "wrapped: {:#?}", statement.diagnostics);

        let document = parse_document(&src);
        check_diagnostics(&src, document.diagnostics(), "document");
        assert!(document.diagnostics().any(|d| d.code == Code::NestingTooDeep));
        let formatted = format_document(&src);
        assert!(formatted.as_ref().is_err_and(|errors| errors.iter().any(|d| d.code == Code::NestingTooDeep)));
    });
}

#[test]
fn deep_parentheses() {
    assert_too_deep("10000 (", format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000)));
    assert_too_deep("10000 ( unclosed", "(".repeat(10_000));
}

#[test]
fn deep_lists() {
    assert_too_deep("10000 [", format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)));
    assert_too_deep("10000 [ unclosed", "[".repeat(10_000));
}

#[test]
fn deep_maps() {
    assert_too_deep("10000 {", format!("{}1{}", "{\"a\": ".repeat(10_000), "}".repeat(10_000)));
    assert_too_deep("10000 { unclosed", "{\"a\":".repeat(10_000));
}

#[test]
fn deep_keys_and_calls() {
    assert_too_deep("10000 keys", format!("x{}", "[x".repeat(10_000)));
    assert_too_deep("10000 calls", format!("{}1{}", "F(".repeat(10_000), ")".repeat(10_000)));
}

#[test]
fn deep_not() {
    assert_too_deep("10000 not", format!("{}true", "not ".repeat(10_000)));
}

#[test]
fn deep_signs() {
    assert_too_deep("10000 -", format!("{}x", "-".repeat(10_000)));
    assert_too_deep("10000 - 1", format!("{}1", "- ".repeat(10_000)));
}

#[test]
fn long_operator_chains() {
    assert_too_deep("100000 +", format!("1{}", " + 1".repeat(100_000)));
    assert_too_deep("100000 or", format!("true{}", " or true".repeat(100_000)));
    assert_too_deep("100000 ==", format!("1{}", " == 1".repeat(100_000)));
}

/// Inputs within MAX_NESTING / MAX_OPERATORS, by name: (source, parsed as a condition?).
fn within_limits(name: &str) -> (String, bool) {
    let operators = MAX_OPERATORS - 100; // 1,900
    let deep = MAX_NESTING - 1; // 255
    match name {
        "200 (" => (format!("{}x{}", "(".repeat(200), ")".repeat(200)), false),
        "200 ( condition" => (format!("{}x == 1{}", "(".repeat(200), ")".repeat(200)), true),
        "255 (" => (format!("{}x{}", "(".repeat(deep), ")".repeat(deep)), false),
        "255 [" => (format!("{}1{}", "[".repeat(deep), "]".repeat(deep)), false),
        "255 {" => (format!("{}1{}", "{\"a\": ".repeat(deep), "}".repeat(deep)), false),
        "255 calls" => (format!("{}1{}", "F(".repeat(deep), ")".repeat(deep)), false),
        "255 keys" => (format!("x.y{}{}", "[a.b".repeat(deep), "]".repeat(deep)), false),
        "1900 +" => (format!("1{}", " + 1".repeat(operators)), false),
        "1900 * /" => (format!("x{}", " * 2 / 3".repeat(operators / 2)), false),
        "1900 or" => (format!("true{}", " or true".repeat(operators)), true),
        "1900 and" => (format!("a == 1{}", " and a == 1".repeat(operators / 2 - 1)), true),
        "1900 not" => (format!("{}true", "not ".repeat(operators)), true),
        "1900 - 1" => (format!("{}1", "- ".repeat(operators)), false),
        _ => panic!("no input named {name:?}"),
    }
}

const WITHIN_LIMITS: &[&str] = &[
    "200 (",
    "200 ( condition",
    "255 (",
    "255 [",
    "255 {",
    "255 calls",
    "255 keys",
    "1900 +",
    "1900 * /",
    "1900 or",
    "1900 and",
    "1900 not",
    "1900 - 1",
];

/// Parses a within-limits input and checks it is clean, then prints it, parses the
/// printed text and, for conditions, formats a statement guarded by it.
fn parse_print_format(name: &str) {
    let (src, is_condition) = within_limits(name);
    let entry = if is_condition { parse_condition } else { parse_value };
    let parsed = entry(&src);
    assert!(parsed.is_clean(), "{name}: {:#?}", parsed.diagnostics);
    let node = parsed.node.unwrap();
    let printed = printer::expr(&node);
    let again = entry(&printed);
    assert!(again.is_clean(), "{name}: printed form: {:#?}", again.diagnostics);
    drop((node, again));
    let statement = if is_condition { format!("set(x, 1) where {src}") } else { format!("set(x, {src})") };
    let parsed = parse_statement(&statement);
    assert!(parsed.is_clean(), "{name} in a statement: {:#?}", parsed.diagnostics);
    let formatted = format_document(&statement).expect("formats");
    assert_eq!(format_document(&formatted).expect("formats again"), formatted);
}

const CHILD_CASE: &str = "OTTL_ROBUSTNESS_SMALL_STACK_CASE";

/// Not a test by itself: the child side of [`on_small_stack_in_child`].
#[test]
fn small_stack_child() {
    if let Ok(name) = std::env::var(CHILD_CASE) {
        on_stack(&name.clone(), SMALL_STACK, move || parse_print_format(&name));
    }
}

/// Runs [`parse_print_format`] for `name` on a 256 KiB stack in a child process (this
/// test binary again), so that a stack overflow, which aborts its process, is reported
/// as a failure instead of killing the whole test run.
fn on_small_stack_in_child(name: &str) -> Result<(), String> {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "small_stack_child", "--nocapture", "--test-threads", "1"])
        .env(CHILD_CASE, name)
        .output()
        .expect("run the test binary");
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let why = if stderr.contains("overflowed its stack") {
        "stack overflow".to_string()
    } else {
        stderr.lines().take(5).collect::<Vec<_>>().join(" | ")
    };
    Err(format!("{name}: {why}"))
}

/// Every input within the limits parses, prints and formats on a 256 KiB stack, even in
/// debug builds: operator chains are walked in loops and only brackets add depth.
#[test]
fn everything_within_the_limits_fits_a_small_stack() {
    let failures: Vec<String> = WITHIN_LIMITS.iter().filter_map(|name| on_small_stack_in_child(name).err()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A chain of signs on a non-literal (`- - - x`) prints without parentheses (`- - -x`),
/// so a chain longer than MAX_NESTING still prints to text that parses.
#[test]
fn long_sign_chains_print_within_the_limits() {
    on_stack("300 - x", LARGE_STACK, || {
        let src = format!("{}x", "- ".repeat(300));
        let parsed = parse_value(&src);
        assert!(parsed.is_clean(), "{:#?}", parsed.diagnostics);
        let printed = printer::expr(&parsed.node.unwrap());
        let again = parse_value(&printed);
        assert!(again.is_clean(), "{:#?}", again.diagnostics);
    });
}

// ---------------------------------------------------------------------------------------
// Huge literals and documents
// ---------------------------------------------------------------------------------------

fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    eprintln!("{name}: {:?}", started.elapsed());
    out
}

/// A 10 MB string literal: plain text with a few hundred escapes spread through it (see
/// `string_with_many_escapes` for why only a few hundred).
#[test]
fn ten_megabyte_string() {
    let chunk = format!("{}\\\"\\n\\u00e9", "abcdefghij".repeat(10_000)); // 100,000 plain + `\"` `\n` `\u00e9`
    let content = chunk.repeat(10 * 1024 * 1024 / chunk.len());
    let escapes = content.len() / chunk.len() * 3;
    assert!(content.len() > 10_000_000 && escapes < 400, "{} {escapes}", content.len());
    let src = format!("set(x, \"{content}\")");
    let parsed = timed("10 MB string: parse", || parse_statement(&src));
    assert!(parsed.is_clean(), "{:?}", parsed.diagnostics.first());
    let ottl_grammar::ast::ArgValue::Expr(value) = &parsed.node.as_ref().unwrap().action.args[1].value else { panic!() };
    let ottl_grammar::ast::ExprKind::String(s) = &value.kind else { panic!("{:?}", value.kind) };
    assert_eq!(s.chars().count(), content.len() / chunk.len() * 100_003);
    let formatted = timed("10 MB string: format", || format_document(&src).unwrap());
    // Longer than a line: the action's arguments go on lines of their own.
    let expected = format!("set(\n    x,\n    \"{}\"\n)\n", content.replace("\\u00e9", "é"));
    assert!(formatted == expected, "the formatted 10 MB statement differs (lengths {} and {})", formatted.len(), expected.len());

    let unterminated = format!("set(x, \"{content}");
    let parsed = timed("10 MB unterminated string: parse", || parse_statement(&unterminated));
    check_diagnostics(&unterminated, parsed.syntax_diagnostics(), "unterminated");
    assert!(errors_with(&parsed.diagnostics, Code::UnterminatedString), "{:?}", parsed.diagnostics.first().map(|d| &d.code));

    let bad_escape = format!("set(x, \"{content}\\q\")");
    let parsed = timed("10 MB string, bad escape at the end: parse", || parse_statement(&bad_escape));
    check_diagnostics(&bad_escape, parsed.syntax_diagnostics(), "bad escape");
    let d = parsed.diagnostics.iter().find(|d| d.code == Code::InvalidEscape).expect("E0003");
    assert_eq!(&bad_escape[d.span().range()], "\\q");
}

/// A string literal made of escapes. A logos regex with an escape alternative recurses
/// once per escape (logos issues #190, #384); strings are scanned by hand instead. Runs
/// in a child process so that an overflow fails this test instead of aborting the run.
#[test]
fn string_with_many_escapes() {
    if std::env::var(CHILD_CASE).as_deref() == Ok("many escapes") {
        let src = format!("set(x, \"{}\")", "\\n".repeat(100_000));
        let parsed = parse_statement(&src);
        assert!(parsed.diagnostics.is_empty());
        return;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "string_with_many_escapes", "--include-ignored", "--nocapture", "--test-threads", "1"])
        .env(CHILD_CASE, "many escapes")
        .output()
        .expect("run the test binary");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr).lines().take(5).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn huge_integer() {
    let digits = "9".repeat(100_000);
    for src in [digits.clone(), format!("-{digits}"), format!("set(x, {digits})"), format!("x == {digits}")] {
        let parsed = timed("100,000-digit integer", || parse_statement(&src));
        check_diagnostics(&src, parsed.syntax_diagnostics(), "int");
        let value = parse_value(&src);
        let condition = parse_condition(&src);
        for diagnostics in [&parsed.diagnostics, &value.diagnostics, &condition.diagnostics] {
            check_diagnostics(&src, diagnostics, "int");
        }
        let some = if src.starts_with("set") {
            &parsed.diagnostics
        } else if src.starts_with('x') {
            &condition.diagnostics
        } else {
            &value.diagnostics
        };
        assert!(errors_with(some, Code::IntegerOutOfRange), "{:?}", some.iter().map(|d| d.code).collect::<Vec<_>>());
        assert!(exercise_document(&src));
    }
}

#[test]
fn huge_float() {
    let small = format!("0.{}1", "0".repeat(99_998));
    let parsed = timed("100,000-digit float (tiny)", || parse_value(&small));
    assert!(parsed.is_clean(), "{:?}", parsed.diagnostics.first());
    assert!(matches!(parsed.node.unwrap().kind, ottl_grammar::ast::ExprKind::Float(v) if v == 0.0));

    let precise = format!("1.{}", "3".repeat(99_998));
    let parsed = timed("100,000-digit float (precise)", || parse_value(&precise));
    assert!(parsed.diagnostics.is_empty());
    assert!(matches!(parsed.node.unwrap().kind, ottl_grammar::ast::ExprKind::Float(v) if v == 1.3333333333333333));

    let large = format!("{}.0", "9".repeat(99_998));
    let parsed = timed("100,000-digit float (infinite)", || parse_value(&large));
    check_diagnostics(&large, parsed.syntax_diagnostics(), "float");
    assert!(errors_with(&parsed.diagnostics, Code::FloatOutOfRange), "{:?}", parsed.diagnostics);
    let exponent = format!("1.0e{}", "9".repeat(99_996));
    let parsed = timed("float with a 100,000-digit exponent", || parse_value(&exponent));
    assert!(errors_with(&parsed.diagnostics, Code::FloatOutOfRange), "{:?}", parsed.diagnostics);
}

#[test]
fn huge_bytes() {
    let src = format!("set(x, 0x{})", "a".repeat(1_000_001));
    let parsed = timed("1,000,001-digit bytes", || parse_statement(&src));
    check_diagnostics(&src, parsed.syntax_diagnostics(), "bytes");
    assert!(errors_with(&parsed.diagnostics, Code::OddLengthBytes), "{:?}", parsed.diagnostics);
    let even = format!("set(x, 0x{})", "aB".repeat(500_000));
    let parsed = timed("1,000,000-digit bytes", || parse_statement(&even));
    assert!(parsed.diagnostics.is_empty());
    assert!(exercise_document(&src));
}

#[test]
fn hundred_thousand_statements() {
    let line = "set(attributes[\"k\"], Concat([name, \"x\"], \"-\")) where attributes[\"k\"] == nil\n";
    let src = line.repeat(100_000);
    let document = timed("100,000 statements: parse_document", || parse_document(&src));
    assert_eq!(document.items.len(), 100_000);
    assert_eq!(document.diagnostics().count(), 0);
    let formatted = timed("100,000 statements: format_document", || format_document(&src).unwrap());
    assert_eq!(formatted, src);

    let broken = src.replacen("Concat([name", "Concat((name", 1).replacen("== nil\n", "== nil)\n", 100);
    let document = timed("100,000 statements, some broken: parse_document", || parse_document(&broken));
    assert!(document.items.len() >= 99_900);
    check_diagnostics(&broken, document.diagnostics(), "broken");
    assert!(document.diagnostics().count() >= 1);
    assert!(format_document(&broken).is_err());

    let unclosed = "set(x, Concat([\"a\"], \"\")\n".repeat(100_000);
    let document = timed("100,000 unclosed statements: parse_document", || parse_document(&unclosed));
    assert_eq!(document.items.len(), 100_000);
    assert_eq!(document.items.iter().filter(|item| item.parsed.has_errors()).count(), 100_000);
}

/// Comments and statements interleaved.
#[test]
fn many_comments() {
    let src = "# a comment\nset(x, 1) # trailing\n".repeat(5_000);
    let formatted = timed("5,000 statements and 10,000 comments: format_document", || format_document(&src).unwrap());
    assert_eq!(formatted, src);
}

/// Formatting places comments against items by binary search: 100,000 statements with
/// 200,000 comments format in linear-logarithmic time (this was quadratic once).
#[test]
fn very_many_comments() {
    let src = "# a comment\nset(x, 1) # trailing\n".repeat(100_000);
    let formatted = timed("100,000 statements and 200,000 comments: format_document", || format_document(&src).unwrap());
    assert_eq!(formatted, src);
}

#[test]
fn one_long_line_of_tokens() {
    let src = "x ".repeat(200_000);
    let parsed = timed("200,000 names in one statement", || parse_statement(&src));
    check_diagnostics(&src, parsed.syntax_diagnostics(), "names");
    assert!(parsed.has_errors());
    let garbage = "|".repeat(1_000_000);
    let parsed = timed("1,000,000 invalid characters", || parse_statement(&garbage));
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(parsed.diagnostics[0].code, Code::InvalidCharacter);
    let commas = format!("f({})", ",".repeat(5_000));
    let parsed = timed("5,000 empty arguments in one call", || parse_statement(&commas));
    check_diagnostics(&commas, parsed.syntax_diagnostics(), "commas");
    assert_eq!(parsed.diagnostics.len(), 5_001);
}

/// One diagnostic per recovered argument error; each looks up its context by binary
/// search, so 200,000 errors in one statement stay fast (this was quadratic once).
#[test]
fn many_syntax_errors_in_one_statement() {
    let commas = format!("f({})", ",".repeat(200_000));
    let parsed = timed("200,000 empty arguments in one call", || parse_statement(&commas));
    assert_eq!(parsed.diagnostics.len(), 200_001);
}
