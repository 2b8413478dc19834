//! The one registry of diagnostic codes.
//!
//! A code names one kind of mistake for good: it is never reused for something else and
//! never renumbered, because users search for it and `ottlc explain` prints its text.
//! `E0xxx` are errors (the statement cannot run as written), `W0xxx` warnings (it runs but
//! cannot do what it says). Ranges: `E0001`–`E0099` lexical and syntax errors, `E0100`+
//! semantic errors (paths `E010x`, functions and arguments `E011x`, types `E0119`+),
//! `W0001`+ warnings, `E0900`+ problems with the file around the OTTL (collector YAML).

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

/// Codes no longer given, with what they meant and why they went. A retired code is never
/// given to another mistake: `ottlc explain` still answers for it.
pub const RETIRED: &[(&str, &str)] = &[(
    "W0005",
    "W0005 \"lambdas need a feature gate\" warned about lambda arguments (`(k, v) => …`) and the \
functions that take them when the collector's `ottl.functions.enableLambda` feature gate was \
not known to be enabled. It was retired because the collector refuses such a configuration \
outright, so a warning understated it: the error E0122 replaced it, and `ottlc check \
--feature-gates ottl.functions.enableLambda` checks for a collector that runs with the gate.",
)];

/// What a retired code meant and why it went, looked up case-insensitively.
pub fn retired(text: &str) -> Option<&'static str> {
    RETIRED.iter().find(|(code, _)| code.eq_ignore_ascii_case(text.trim())).map(|(_, why)| *why)
}

impl Code {
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('W') { Severity::Warning } else { Severity::Error }
    }

    /// Whether the code is about `ottl-agent`'s own config (components, settings, pipelines):
    /// `ottl-agent validate` raises it, `ottlc check` never does, since a collector may have
    /// the component the agent lacks. The agent's golden tests cover these codes.
    pub fn is_agent_config(self) -> bool {
        matches!(
            self,
            Code::UnsupportedComponent | Code::UnknownComponentSetting | Code::InvalidComponentSetting | Code::InvalidPipeline
        )
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

    set(attributes[\"x\"], Concat([\"a\", \"b\"], \"-\")))    # wrong: one `)` too many
    set(attributes[\"x\"], Concat([\"a\", \"b\"], \"-\"))     # right";

    AssignInCondition = "E0011", "`=` used as a comparison",
"`=` only names an argument (`flatten(attributes, depth = 2)`). To compare, write `==`.

    set(attributes[\"x\"], 1) where name = \"a\"     # wrong
    set(attributes[\"x\"], 1) where name == \"a\"    # right";

    UppercaseEditor = "E0012", "editor name starts with an uppercase letter",
"Editors (functions that change telemetry: `set`, `delete_key`, `replace_pattern`, …)
are written in lowercase snake case; names that start with an uppercase letter are
converters, which return a value.

    Set(attributes[\"x\"], 1) where name == \"a\"      # wrong
    set(attributes[\"x\"], 1) where name == \"a\"      # right

(Without `where`, `Set(…)` alone in a `.ottl` file reads as a condition, and ottlc reports
the unknown converter `Set` instead.)

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

    UnknownPath = "E0100", "unknown path",
"The path names no field of the context. Each context (`span`, `log`, `metric`, …) has its
own fields; `ottlc` lists the valid ones and suggests the closest.

    set(span.atributes[\"x\"], 1)     # wrong: atributes
    set(span.attributes[\"x\"], 1)    # right

Un-prefixed paths (`attributes`) belong to the statement's context.";

    UnreachableContext = "E0101", "this context cannot be reached from here",
"A path prefix names a context that the statement's context cannot see. A statement sees
its own context and the ones above it: a span statement sees `span`, `scope` and
`resource`, but not `log` or `spanevent`.

    set(span.name, \"x\") where log.body == \"a\"     # wrong: a log statement cannot read a span";

    IncompletePath = "E0102", "the path stops before a field",
"The path ends where a field name must follow: `resource` alone, `span.status` where a
function needs `span.status.code`, `otelcol.client`.";

    InvalidPathKeys = "E0103", "these keys do not fit the path",
"Only map- and list-valued paths take keys (`attributes[\"k\"]`, `body[\"k\"]`, `cache[\"k\"]`).
Scalar fields such as `name` take none; maps take string keys (`attributes[0]` is wrong);
`trace_state` takes exactly one.";

    CacheOutsideContext = "E0104", "`cache` outside the statement's own context",
"Each statement group has one scratch map, `cache`, addressed under the statement's own
context: `log.cache[\"k\"]` in a log statement, not `resource.cache[\"k\"]`.";

    MissingContextName = "E0105", "a path without its context name where the context is inferred",
"When a statement group gives no `context`, the collector infers it from the path prefixes
and then requires every path to name its context: `span.name`, not `name`. Either prefix
every path, or give the group its context (`context: span`; `--context span` for a `.ottl`
file), which lets paths leave their own context out.

    - set(attributes[\"env\"], \"prod\") where resource.attributes[\"region\"] == \"eu\"  # wrong
    - set(resource.attributes[\"env\"], \"prod\") where resource.attributes[\"region\"] == \"eu\"  # right";

    UnknownFunction = "E0110", "unknown function",
"No editor or converter has this name. Names are case-sensitive: editors are snake_case
(`delete_key`), converters UpperCamelCase (`ParseJSON`, `SHA256`). `ottlc` suggests the
closest name. Vendor distributions add functions of their own; against the standard set they
are unknown.";

    FunctionNotInContext = "E0111", "the function is not available in this context",
"Some functions exist only in one context: `IsRootSpan()` in span statements, the transform
processor's metric functions (`convert_sum_to_gauge`, `extract_sum_metric`, …) in metric or
datapoint statements. Move the statement to a group with the right `context`.";

    ArgumentCount = "E0112", "wrong number of arguments",
"The call gives fewer arguments than the function requires, or more than it takes. The
message gives the counts as the collector does (`incorrect number of arguments. Expected: 2
Received: 1`); the help shows the signature.";

    UnknownArgumentName = "E0113", "no parameter has this name",
"A named argument (`name = value`) must name a parameter of the function, in snake_case or
camelCase (`resolve_conflicts` or `resolveConflicts`), and each parameter at most once.";

    ArgumentShape = "E0114", "this argument has the wrong form",
"Some parameters take only a certain form of argument: a path they write to (`set`'s
target), a literal (`limit`'s limit must be an int literal), a list literal (`keep_keys`'
keys), a function name (`replace_pattern`'s optional hash function, `SHA256`), or a lambda
with a given number of parameters. The elements of a Go `[]string`, `[]int64` or `[]float64`
parameter (`limit`'s priority keys, `SliceToMap`'s paths) must be literals too, where a list
of getters (`keep_keys`' keys, `Format`'s values) takes any value:

    limit(attributes, 10, [Concat([\"http.\", \"method\"], \"\")])    # wrong: a []string
    limit(attributes, 10, [\"http.method\"])                         # right
    keep_keys(attributes, [Concat([\"http.\", \"method\"], \"\")])  # right: a []StringGetter";

    UnknownEnumSymbol = "E0115", "unknown enum symbol",
"The enum symbol is not known in this context. Enum symbols are the constants of the
context's enum fields: `SPAN_KIND_SERVER`, `STATUS_CODE_ERROR`, `SEVERITY_NUMBER_WARN`,
`METRIC_DATA_TYPE_SUM`, … (or the seed's `StatusCode::Error`).";

    ArgumentType = "E0116", "an argument of a type the parameter never accepts",
"The argument's type is known when the statement is compiled and the function cannot accept
it, so every run would fail: a number where a string is required, a string where a map is
required.

    set(attributes[\"n\"], Split(1234, \",\"))     # wrong: Split takes a string";

    InvalidLiteralArgument = "E0117", "the collector rejects this literal argument",
"The collector checks some literal arguments when it loads the configuration: regular
expressions and XPaths must compile, `ExtractPatterns` needs a named capture group,
`merge_maps` strategies are `insert`, `update` or `upsert`, durations must parse, limits
cannot be negative. A config with such an argument does not start.";

    ReadOnlyPath = "E0118", "the path cannot be written",
"The path can be read but not set: `metric.type`, `spanevent.event_index`, every
`otelcol.*` path.";

    InvalidMathOperandType = "E0119", "arithmetic on a value that is not a number",
"`+ - * /` need numbers (or times and durations for `+` and `-`). The operand's type is known
to be something else, so the expression always fails.

    set(attributes[\"x\"], name + 1)     # name is a string";

    NotBoolean = "E0120", "a condition that is not a boolean",
"A converter used as a condition must return a boolean. `Len(body)` returns an int: compare
it (`Len(body) > 0`).";

    ContextInference = "E0121", "no context fits these statements",
"Without an explicit `context`, the collector infers one from the path prefixes, then checks
that it supports every function and enum symbol used; when it does not, it tries the
contexts below it. None fits here: split the statements into groups, or give the context.";

    FeatureGate = "E0122", "this needs a collector feature gate",
"Lambda arguments (`(k, v) => …`) and the functions that take them (`Filter`, `Any`, `All`,
`Find`, `MapEach`, `MapKeys`, `Reduce`, `When`) need the collector's alpha feature gate
`ottl.functions.enableLambda`. Without it the collector refuses the configuration. If your
collector runs with `--feature-gates=ottl.functions.enableLambda`, check with the same
option: `ottlc check --feature-gates ottl.functions.enableLambda`.";

    BarePathKey = "W0001", "an unquoted key is a path, not a string",
"Inside `[...]`, a bare word is read as a path whose value becomes the key, not as the
key's name:

    attributes[foo]       # the key is the value of the path `foo`
    attributes[\"foo\"]     # the key named foo

Quote the key. If you do mean the value of a path, write the path with its context
prefix (`attributes[log.body]`) and this warning goes away.";

    IncomparableTypes = "W0002", "a comparison that is always false",
"The two sides have types that never compare equal or ordered (OTTL does not convert
between strings and numbers), so `==`, `<`, `>` are always false and `!=` always true.

    set(attributes[\"x\"], 1) where span.kind == \"Server\"    # wrong: kind is an int
    set(attributes[\"x\"], 1) where span.kind == SPAN_KIND_SERVER    # right";

    ForeignEnumSymbol = "W0003", "an enum symbol of another field",
"The path's values come from one enum and the symbol from another, e.g. `span.kind ==
STATUS_CODE_ERROR`. The comparison runs (both are ints) but almost certainly does not
mean what it says.";

    IneffectiveSet = "W0004", "a value of the wrong type for this field",
"The field holds values of one type and the value written has another. Collectors from
v0.161 fail the statement on every item (`expects string but got int64`, logged under the
`ignore` error mode); older ones ignored the write. Either way the field does not change.";

    ContextUnknown = "W0006", "no context: only the syntax was checked",
"None of the paths in the file has a context prefix (`span.`, `log.`, …) and no `--context`
was given, so paths, functions and types could not be checked. Prefix a path, or pass
`--context span` (or the context the rules are for).";

    IgnoredWrite = "W0007", "the collector ignores writes to this path",
"The path can be read, and the collector accepts a statement that sets it, but its setter
does nothing: `metric.type` changes only through the conversion functions
(`convert_sum_to_gauge`, `convert_gauge_to_sum`, …).";

    RepeatedWrite = "W0008", "a resource or scope field rewritten from itself once per item",
"A statement in an item context (span, spanevent, spanlink, log, metric, datapoint, profile)
runs once for every item, and all the items of a resource share that resource and its
scope. A write whose new value is computed from the resource or scope field it writes (or
from the map that field is in) is therefore applied again for each item: a hash is hashed
again, a counter counts items, `append` grows the list once per item.

    - context: span
      statements:
        - set(resource.attributes[\"user.email\"], SHA256(resource.attributes[\"user.email\"]))  # wrong: hashed once per span
    - context: resource
      statements:
        - set(resource.attributes[\"user.email\"], SHA256(resource.attributes[\"user.email\"]))  # right: once per resource

Move the statement to a group with `context: resource` (or `context: scope`), which runs
once per resource (scope). A constant write (`set(resource.attributes[\"env\"], \"prod\")`)
is the same every time and is not reported, nor is a statement whose condition reads the
field it writes, since such a condition can make the write happen once.";

    PanickingComparison = "W0009", "comparing two converter lists crashes the collector",
"`Split` returns a Go `[]string`, and so does `Sort` given one. The collector's comparison
(pkg/ottl v0.161.0) has no rule for that type and falls back to Go's `==`, which panics on
two such lists: `==` or `!=` between two of them crashes the collector when it runs the
statement. `<`, `>`, … are always false and do not crash; a list from an attribute or a list
literal compares by its elements.

    set(attributes[\"same\"], true) where Split(attributes[\"a\"], \",\") == Split(attributes[\"b\"], \",\")  # wrong
    set(attributes[\"same\"], true) where attributes[\"a\"] == attributes[\"b\"]  # right: compare the strings

To compare elements, index them: `Split(attributes[\"a\"], \",\")[0] == Split(attributes[\"b\"], \",\")[0]`.";

    InvalidYaml = "E0900", "the YAML file does not parse",
"The collector configuration is not valid YAML, so no OTTL in it could be checked. The
label points where the YAML parser gave up.";

    DuplicateYamlKey = "E0901", "a mapping key defined twice",
"A YAML mapping defines the same key twice. Many YAML tools keep the last value; the
collector's YAML decoder (go-yaml) refuses the file, so the collector does not start. The
OTTL in the file is still checked.

    exporters:
      otlp:
        sending_queue: {enabled: true}
        sending_queue: {queue_size: 100}    # wrong: merge the two";

    UnknownSettingValue = "E0902", "a processor setting with a value the collector does not know",
"The transform or filter processor decodes `error_mode` and a group's `context` from a
fixed list (case-insensitively) and refuses anything else, so the collector does not start.
`error_mode` is `ignore`, `propagate` or `silent`; a group's `context` must be one its
list's signal has (`trace_statements`: resource, scope, span, spanevent; `metric_...`:
resource, scope, metric, datapoint, and exemplar for the transform processor; `log_...`:
resource, scope, log; `profile_...`: resource, scope, profile).

    processors:
      transform:
        error_mode: ignored          # wrong
        log_statements:
          - context: logs            # wrong
            statements: [...]

    processors:
      transform:
        error_mode: ignore           # right
        log_statements:
          - context: log             # right
            statements: [...]";

    ConflictingSettings = "E0903", "processor settings that cannot be used together",
"The collector refuses some combinations of a processor's settings:
- a transform `<signal>_statements` list with a group after a plain string (and a filter
  `<signal>_conditions` list mixing strings and groups in any order): use one style;
- a filter `<signal>_conditions` list beside the same signal's legacy settings
  (`traces.span`, `logs.log_record`, `logs.include`, `metrics.exclude`, ...);
- the filter's legacy OTTL lists (`traces.span`, `logs.log_record`, ...) beside the same
  signal's `include`/`exclude` matchers (`spans.include`, `logs.exclude`, ...);
- the transform's `flatten_data: true` without the `transform.flatten.logs` feature gate.

    processors:
      filter:
        log_conditions:
          - log.severity_number < SEVERITY_NUMBER_WARN
        logs:
          log_record:                # wrong: two ways of saying the same thing
            - IsMatch(body, \"debug.*\")

    processors:
      filter:
        log_conditions:              # right: one list, contexts from path prefixes
          - log.severity_number < SEVERITY_NUMBER_WARN
          - IsMatch(log.body, \"debug.*\")";

    MalformedOttlList = "E0904", "a statement or condition list of the wrong shape",
"A transform `<signal>_statements` or filter `<signal>_conditions` setting must be a YAML
list, and none of its items (nor of a group's `statements` or `conditions`) may be empty.
The collector refuses an empty item (`-` with nothing after it) and a single string where
the list belongs.

    processors:
      transform:
        log_statements: set(log.attributes[\"a\"], 1)    # wrong: not a list
      filter:
        log_conditions:
          - log.body == \"x\"
          -                                         # wrong: empty item

    processors:
      transform:
        log_statements:
          - set(log.attributes[\"a\"], 1)               # right
      filter:
        log_conditions:
          - log.body == \"x\"                             # right";

    InvalidMatchConfig = "E0905", "a legacy include/exclude matcher that does not build",
"The filter processor's legacy matchers (`spans`, `logs` and `metrics` `include`/`exclude`)
are built when the collector starts, and it refuses one that does not build: a pattern that
is not a valid Go regular expression under `match_type: regexp`, a `match_type` other than
`strict` or `regexp` (none at all included), an unknown severity in `severity_number.min`, a
span matcher with none of its required fields or with log or metric fields, an unknown
span kind under `strict`, an attribute without a key.

    processors:
      filter:
        spans:
          exclude:
            span_names: [\"health.*\"]          # wrong: no match_type
        logs:
          include:
            severity_number: {min: infoo}  # wrong: not a severity

    processors:
      filter:
        spans:
          exclude:
            match_type: regexp             # right
            span_names: [\"health.*\"]
        logs:
          include:
            severity_number: {min: info}   # right

Prefer OTTL conditions (`trace_conditions`, `log_conditions`) over these matchers.";

    UnsupportedComponent = "E0910", "an `ottl-agent` config names a component the agent does not have",
"`ottl-agent` runs the collector's OTTL pipelines: the `otlp` receiver, the `transform`,
`filter` and `batch` processors, this project's `rules` processor, and the `otlp`/`otlp_grpc`,
`otlphttp`/`otlp_http`, `file` and `debug` exporters. Any other component type is refused
when the config loads (`ottl-agent validate`, or at start), with the list of the types the
agent has, instead of being skipped: a skipped component would silently change what the
pipeline does. `ottlc check` does not report this code: a collector may have the component.

    receivers:
      kafka:                        # refused: not an agent receiver
        brokers: [localhost:9092]

    receivers:
      otlp:                         # accepted
        protocols:
          grpc:";

    UnknownComponentSetting = "E0911", "an `ottl-agent` component setting the agent does not know",
"Every key of an agent component's settings is one the collector's component has (for the
components the agent shares with the collector) or one the `rules` processor documents. A
key the agent does not know is refused with the keys it knows, because it is usually a typo
whose setting would otherwise be lost. `ottlc check` does not report this code.

    exporters:
      otlp_http:
        endpiont: http://localhost:4318   # refused: did you mean `endpoint`?

    exporters:
      otlp_http:
        endpoint: http://localhost:4318   # accepted";

    InvalidComponentSetting = "E0912", "an `ottl-agent` setting with a value of the wrong type or range",
"A setting's value must have the type the component reads: a duration (`5s`, `200ms`), a
size, a boolean, an address (`host:port`), a list of strings, or one of a fixed set of
words (`compression: gzip`, `zstd` or `none`). The agent refuses anything else when the
config loads and says what it expected. `ottlc check` does not report this code.

    processors:
      batch:
        timeout: soon                     # refused: not a duration

    processors:
      batch:
        timeout: 200ms                    # accepted";

    InvalidPipeline = "E0913", "an `ottl-agent` pipeline that cannot be built",
"A pipeline under `service.pipelines` is named `traces`, `metrics`, `logs` or `profiles`
(optionally `/NAME`), lists at least one receiver and one exporter, and names only
components defined in their sections. A `rules` processor's `routes` name exporters that
are defined. The agent refuses the config otherwise. `ottlc check` does not report this
code.

    service:
      pipelines:
        logs:
          receivers: [otlp]
          exporters: [otlphttp]           # refused when `exporters:` has no `otlphttp`";

    InvalidTestFile = "E0920", "an `ottlc test` file that is not a valid test file",
"An `ottlc test` file (`NAME.ottl-test.yaml`) names what it tests (`rules: FILE.ottl`, or
`config: FILE.yaml` with `pipeline: NAME` or `processors: [ID, ...]`) and lists `tests`,
each with a `name`, an `input` (OTLP/JSON or the compact form) and an `expect` mapping
(`conditions`, `dropped`, `route`, `output`, `error`, `diagnostic`). `ottlc test` reports
anything else here, before any test runs, so that no mistake in a test file passes
silently.

    tests:
      - name: routes are normalised
        input: {span: {name: GET}}
        expect:
          condtions: [span.name == \"GET\"]    # refused: did you mean `conditions`?";
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
            assert!(retired(text).is_none(), "{text} is retired and must not be given again");
        }
        let mut retired_seen = HashSet::new();
        for (text, why) in RETIRED {
            assert!(retired_seen.insert(*text), "{text} is retired twice");
            assert!(text.len() == 5 && (text.starts_with('E') || text.starts_with('W')), "{text}");
            assert!(why.starts_with(text) && why.contains("retired"), "{text}: say what it was and why it went");
        }
        assert!(retired("w0005").is_some_and(|why| why.contains("E0122")));
    }
}
