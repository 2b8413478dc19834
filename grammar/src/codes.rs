//! The one registry of diagnostic codes.
//!
//! A code names one kind of mistake for good: it is never reused for something else and
//! never renumbered, because users search for it and `ottlc explain` prints its text.
//! `E0xxx` are errors (the statement cannot run as written), `W0xxx` warnings (it runs but
//! cannot do what it says). Ranges: `E0001`–`E0099` lexical and syntax errors, `E0100`+
//! semantic errors, `W0001`+ warnings, `E0900`+ problems with the file around the OTTL
//! (collector YAML).

use crate::diagnostic::Severity;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $title:literal, $explanation:literal; )*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in registry order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as users see it, e.g. `E0007`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// A one-line summary.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }

            /// The long text `ottlc explain` prints: what the rule is, an example that
            /// breaks it, and how to fix it.
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$variant => $explanation,)* }
            }
        }
    };
}

impl Code {
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('W') { Severity::Warning } else { Severity::Error }
    }

    /// Looks a code up by its text, case-insensitively (`e0007` finds `E0007`).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

codes! {
    InvalidCharacter = "E0001", "invalid character",
"A character that no OTTL token starts with appears outside a string literal.

OTTL has no `|`, `;`, `&`, `!` (except in `!=`) or `'` operators, and names are ASCII.

    set(attributes[\"a\"], \"x\") where name == \"a\" || name == \"b\"    # wrong
    set(attributes[\"a\"], \"x\") where name == \"a\" or name == \"b\"    # right

Use `and`, `or` and `not` for boolean logic, and put any other text inside a
double-quoted string.";

    UnterminatedString = "E0002", "unterminated string literal",
"A string literal has no closing `\"` on its line.

String literals are double-quoted and end on the line they start on. A `\\\"` inside
the string is an escaped quote, not the end of the string:

    set(attributes[\"path\"], \"C:\\\")        # wrong: \\\" escapes the quote
    set(attributes[\"path\"], \"C:\\\\\")       # right: \\\\ is one backslash

Write a newline inside a string as `\\n`.";

    InvalidEscape = "E0003", "invalid escape sequence in a string",
"OTTL decodes string literals with Go's rules (`strconv.Unquote`). Valid escapes are
`\\a \\b \\f \\n \\r \\t \\v \\\\ \\\"`, `\\xHH` (a byte), `\\ooo` (three octal digits, a
byte), `\\uXXXX` and `\\UXXXXXXXX` (a Unicode code point).

Regular expressions are the usual victim: a regex needs its backslashes doubled.

    IsMatch(body, \"\\d+\")      # wrong: \\d is not a string escape
    IsMatch(body, \"\\\\d+\")     # right: the regex sees \\d+

Byte escapes must together form valid UTF-8, because OTLP strings are UTF-8.";

    OddLengthBytes = "E0004", "bytes literal with an odd number of hex digits",
"A bytes literal is `0x` followed by pairs of hex digits, two per byte.

    set(span.span_id, SpanID(0x123))        # wrong: three digits
    set(span.span_id, SpanID(0x0123))       # right

Pad the value with a leading zero, or check that no digit was lost.";

    IntegerOutOfRange = "E0005", "integer literal out of range",
"OTTL integers are signed 64-bit: from -9223372036854775808 to 9223372036854775807.
Write larger numbers as floats (`1.0e20`) or as strings.";

    FloatOutOfRange = "E0006", "float literal out of range",
"The literal is larger than the largest 64-bit float (about 1.8e308) and would be
infinite. Write a smaller number.";

    UnexpectedToken = "E0007", "syntax error",
"The text does not follow OTTL's grammar at this point. The message says what was
expected. A statement is

    editor(arguments) where condition
    condition > action(arguments)          # the rule form

a condition is a comparison (`a == b`, `a < b`, `a in [..]`), `true`/`false`, a
converter call returning a boolean, or such conditions joined with `and`, `or`, `not`
and parentheses.";

    UnexpectedEnd = "E0008", "statement ends too early",
"The statement stops where OTTL needs more: a value after an operator, a condition after
`where`, `and` or `or`, an argument after a comma.

    set(attributes[\"x\"], 1) where              # wrong: nothing after where
    set(attributes[\"x\"], 1) where name == \"a\"  # right

If you meant no condition, remove `where`.";

    UnclosedDelimiter = "E0009", "unclosed bracket",
"A `(`, `[` or `{` is never closed. In `.ottl` files a statement continues onto the next
line while a bracket is open, so an unclosed bracket can swallow the following lines;
the label shows where the bracket was opened.";

    UnmatchedDelimiter = "E0010", "unmatched closing bracket",
"A `)`, `]` or `}` closes nothing, or closes a different kind of bracket than the one
that is open.

    set(attributes[\"x\"], Concat([\"a\", \"b\"], \"-\")))    # one `)` too many";

    AssignInCondition = "E0011", "`=` used as a comparison",
"`=` only names an argument (`flatten(attributes, depth = 2)`). To compare, write `==`.

    set(attributes[\"x\"], 1) where name = \"a\"     # wrong
    set(attributes[\"x\"], 1) where name == \"a\"    # right";

    UppercaseEditor = "E0012", "editor name starts with an uppercase letter",
"Editors (functions that change telemetry: `set`, `delete_key`, `replace_pattern`, …)
are written in lowercase snake case; names that start with an uppercase letter are
converters, which return a value.

    Set(attributes[\"x\"], 1)      # wrong
    set(attributes[\"x\"], 1)      # right

The Go reference reports: editor names must start with a lowercase letter.";

    LowercaseConverter = "E0013", "converter name starts with a lowercase letter",
"Converters (functions that return a value: `Concat`, `Int`, `IsMatch`, …) are written
in UpperCamelCase. A lowercase call in value position is read as an editor, which
returns nothing.

    set(attributes[\"n\"], int(attributes[\"s\"]))    # wrong
    set(attributes[\"n\"], Int(attributes[\"s\"]))    # right

The seed's rule form also accepts the lowercase spellings `len`, `matches`, `truncate`,
`duration` and `replace_pattern` in value position.";

    IndexedEditor = "E0014", "an editor call cannot be indexed",
"Only paths (`attributes[\"k\"]`) and converter calls (`Split(s, \",\")[0]`) take keys.
An editor returns nothing, so there is nothing to index.";

    NotACondition = "E0015", "a value where a condition is needed",
"After `where`, before a rule's `>`, and around `and`, `or` and `not`, OTTL needs a
condition: a comparison, `true`/`false`, a converter that returns a boolean, or a
parenthesised condition. A bare path is not a condition, even if it holds a boolean.

    keep_keys(attributes, [\"a\"]) where attributes[\"debug\"]           # wrong
    keep_keys(attributes, [\"a\"]) where attributes[\"debug\"] == true   # right";

    ConditionAsValue = "E0016", "a condition where a value is needed",
"Comparisons and boolean operators only appear in conditions; they are not values that
can be passed to a function or stored.

    set(attributes[\"is_error\"], status.code == STATUS_CODE_ERROR)    # wrong

Set the value under a condition instead:

    set(attributes[\"is_error\"], true) where status.code == STATUS_CODE_ERROR";

    InvalidMathOperand = "E0017", "this value cannot take part in arithmetic",
"`+ - * /` work on numbers, paths and converter calls (and on times and durations at
run time). Strings, booleans, `nil`, bytes, lists, maps and enum symbols cannot be
operands. To join strings use `Concat`:

    set(name, \"GET \" + attributes[\"path\"])                  # wrong
    set(name, Concat([\"GET\", attributes[\"path\"]], \" \"))     # right";

    FunctionNameAsValue = "E0018", "a function name used as a value",
"A bare mixed-case name such as `Sha256` names a function; it is only valid as an
argument to a function that takes another function (`replace_pattern(..., Sha256)`).
To call it, add the arguments: `Sha256(attributes[\"email\"])`.";

    PositionalAfterNamed = "E0019", "positional argument after a named one",
"Once an argument is named (`name = value`), every later argument must be named too.

    flatten(attributes, depth = 2, true)                     # wrong
    flatten(attributes, depth = 2, resolve_conflicts = true) # right

The Go reference reports: unnamed argument used after named argument.";

    InvalidKey = "E0020", "this cannot be a key",
"A key (`[...]` after a path or converter) is a string (map key), an integer (list
index), or an expression that yields one: a path, a converter call or arithmetic.
Booleans, `nil`, floats, lists, maps and conditions are not keys.";

    NestingTooDeep = "E0021", "statement nested too deeply",
"The statement nests brackets or chains operators deeper than the compiler accepts
(256 levels of brackets, 2,000 operators in one statement). No hand-written statement
comes close; split generated ones into several statements.";

    LambdaOutsideArgument = "E0022", "a lambda outside a function argument",
"Lambdas (`(k, v) => v == \"x\"`) are only valid as arguments of the functions that take
them (`Filter`, `Any`, `All`, `Find`, `MapEach`, `MapKeys`, `Reduce`, `When`).";

    EmptyStatement = "E0023", "nothing to run",
"The statement is empty. Remove the empty entry from the list, or write a statement.";

    BarePathKey = "W0001", "an unquoted key is a path, not a string",
"Inside `[...]`, a bare word is read as a path whose value becomes the key, not as the
key's name:

    attributes[foo]       # the key is the value of the path `foo`
    attributes[\"foo\"]     # the key named foo

Quote the key. If you do mean the value of a path, write the path with its context
prefix (`attributes[log.body]`) and this warning goes away.";

    InvalidYaml = "E0900", "the YAML file does not parse",
"The collector configuration is not valid YAML, so no OTTL in it could be checked. The
label points where the YAML parser gave up.";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} is used twice");
            assert!(text.len() == 5 && (text.starts_with('E') || text.starts_with('W')), "{text}");
            assert!(!code.explanation().trim().is_empty());
            assert_eq!(Code::parse(&text.to_lowercase()), Some(*code));
        }
    }
}
