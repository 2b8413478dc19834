//! The seed's rule-form actions and converters (seed §3.2): `keep()`, `drop()`,
//! `route("x")`, `truncate`, `replace_pattern` in value position, and
//! `TraceIDRatioBasedSampler`.

use super::literal::regex_pattern;
use super::shorthand::*;
use super::{Args, EditorHost, FromArg, ValueHost};
use crate::coerce;
use crate::context::ItemMut;
use crate::error::{Error, Result};
use crate::exec::Action;
use crate::value::Value;
use crate::{converter, editor};

pub(crate) static FUNCTIONS: &[Function] = &[
    // ---- The seed's extensions ----
    // The results of `keep()` and `drop()` say what holds of the items left. They are false
    // on the example span, so only the action itself can take it out of the output, which
    // is what the examples' test observes.
    Function::editor(
        "keep",
        &[],
        editor!(keep()),
        "Rule-form action: keep the item (export it). A rule set with a `keep()` is an allow-list: items no `keep()` matched go nowhere.",
        &[Example::new(r#"span.status.code == StatusCode::Error > keep()"#, r#"span.status.code == StatusCode::Error"#)],
    )
    .origin(Origin::Seed),
    Function::editor(
        "drop",
        &[],
        editor!(drop()),
        "Rule-form action: drop the item.",
        &[Example::new(r#"span.attributes["env"] == "staging" > drop()"#, r#"span.attributes["env"] != "staging""#)],
    )
    .origin(Origin::Seed),
    // `route()` without a name is the routing connector's action (its table's pipelines
    // say where); `route("x")` is the seed's rule-form action.
    Function::editor(
        "route",
        &[o("name", K::String)],
        editor!(route(name)),
        "Rule-form action: send the item to the named exporter or pipeline (the routing connector's `route()` takes none).",
        &[
            // A routed item still counts as output (in its route), so no result can show it
            // leaving the default output: this one says which item went.
            Example::new(r#"span.attributes["env"] == "staging" > route("staging_exporter")"#, r#"span.attributes["env"] == "staging""#),
        ],
    )
    .origin(Origin::Seed),
    Function::converter(
        "truncate",
        &[r("target", K::StringGetter), r("limit", K::IntGetter), o("suffix", K::StringGetter)],
        T::String,
        converter!(truncate(target, limit, suffix)),
        "The string cut to at most `limit` characters, with `suffix` appended when it was cut.",
        &[
            Example::new(r#"truncate(span.attributes["http.url"], 19, "...")"#, r#""https://example.com...""#),
            Example::new(r#"truncate(span.attributes["message"], 5)"#, r#""hello""#),
            Example::new(r#"truncate(span.attributes["env"], 100, "...")"#, r#""staging""#),
        ],
    )
    .origin(Origin::Seed).pure(),
    Function::converter(
        "replace_pattern",
        &[r("target", K::StringGetter), r("regex_pattern", K::StringGetter), r("replacement", K::StringGetter), REPLACE_TAIL_FN, REPLACE_TAIL_FMT],
        T::String,
        replace_pattern_on_copy,
        "In value position: the string with every match of the regular expression replaced (the target is not changed).",
        &[
            Example::new(
                r#"replace_pattern(span.attributes["http.url"], "token=[^&]*", "token=***")"#,
                r#""https://example.com/users/123?token=***""#,
            ),
            Example::new(r#"replace_pattern(span.attributes["http.route"], "/(\\d+)$", "/{id}")"#, r#""/users/{id}""#),
        ],
    )
    .origin(Origin::Seed)
    .literals(|args| {
        // As the editor's factory does, a literal pattern is compiled when the rule loads.
        let pattern = args.string("regex_pattern");
        pattern.and_then(|p| regex_pattern("replace_pattern", "regex_pattern", p).err()).into_iter().collect()
    }).pure(),
    Function::converter(
        "TraceIDRatioBasedSampler",
        &[r("trace_id", K::Getter), r("ratio", K::FloatGetter)],
        T::Bool,
        converter!(trace_id_ratio_based_sampler(trace_id, ratio)),
        "Whether the trace falls in the sampled fraction `ratio` (0–1), decided from the trace ID as OpenTelemetry's TraceIdRatioBased sampler does.",
        &[
            // The example trace ID's low bits sit at 3.5% of their range.
            Example::new(r#"TraceIDRatioBasedSampler(span.trace_id, 0.1)"#, "true"),
            Example::new(r#"TraceIDRatioBasedSampler(span.trace_id, 0.01)"#, "false"),
            Example::new(r#"TraceIDRatioBasedSampler("0102030405060708090a0b0c0d0e0f10", 1.0)"#, "true"),
        ],
    )
    .origin(Origin::Seed),
];

fn keep(host: &mut dyn EditorHost) -> Result<()> {
    host.act(Action::Keep);
    Ok(())
}

fn drop(host: &mut dyn EditorHost) -> Result<()> {
    host.act(Action::Drop);
    Ok(())
}

/// `route("x")`; the routing connector's `route()` (no name) routes by its own table,
/// which has no meaning offline: the item goes to the default output.
fn route(host: &mut dyn EditorHost, name: Option<&str>) -> Result<()> {
    if let Some(name) = name {
        host.act(Action::Route(name.into()));
    }
    Ok(())
}

/// The string cut to at most `limit` characters, `suffix` appended when it was cut (and
/// only then read, so a wrong suffix on a short string is no error).
fn truncate(target: &str, limit: i64, suffix: Option<&Value>) -> Result<Value> {
    let Ok(limit) = usize::try_from(limit) else {
        return Err(Error::new(format!("invalid limit {limit}: must not be negative")));
    };
    match target.char_indices().nth(limit) {
        None => Ok(Value::String(target.to_string())),
        Some((cut, _)) => {
            let suffix = suffix.map(coerce::string).transpose()?.unwrap_or_default();
            Ok(Value::String(format!("{}{suffix}", &target[..cut])))
        }
    }
}

/// `replace_pattern` in value position: the editor `replace_pattern` run on a copy of the
/// target. It is called through its declaration, so the two forms read their other
/// arguments by one body, in one order, with one set of errors.
fn replace_pattern_on_copy(args: &mut Args<'_>, _: &ItemMut<'_>) -> Result<Value> {
    let target = Value::from_arg(args.slots().next())?;
    let mut host = ValueHost { target, actions: Vec::new() };
    let editor = super::editors::replace::FUNCTIONS.iter().find(|f| f.name == "replace_pattern" && f.is_editor());
    editor.ok_or_else(|| Error::new("replace_pattern has no editor form"))?.edit(args, &mut host)?;
    Ok(host.target)
}

/// OpenTelemetry's TraceIdRatioBased decision: the trace is sampled when the low 63 bits
/// of its last eight bytes fall below `ratio` of their range. The trace ID is judged
/// before the ratio is read.
fn trace_id_ratio_based_sampler(trace_id: &Value, ratio: &Value) -> Result<Value> {
    let id: [u8; 16] = match trace_id {
        Value::TraceId(id) => *id,
        Value::Bytes(b) if b.len() == 16 => b.as_slice().try_into().unwrap_or_default(),
        Value::String(s) => coerce::parse_hex(s, 16)
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| Error::new(format!("invalid trace id {}", coerce::go_quote(s))))?,
        other => return Err(Error::new(format!("expected a trace id but got {}", other.go_type()))),
    };
    let ratio = coerce::float(ratio)?;
    if ratio >= 1.0 {
        return Ok(Value::Bool(true));
    }
    if ratio <= 0.0 || ratio.is_nan() {
        return Ok(Value::Bool(false));
    }
    let bound = (ratio * (1u64 << 63) as f64) as u64;
    let low = u64::from_be_bytes(id[8..16].try_into().unwrap_or_default()) >> 1;
    Ok(Value::Bool(low < bound))
}

#[cfg(test)]
mod tests {
    use super::super::literal::{Literal, LiteralArgs};
    use super::super::testing::{convert, converter};
    use super::*;

    #[test]
    fn truncate_counts_characters_and_marks_the_cut() {
        let t = |s: &str, n: i64| convert("truncate", vec![Value::string(s), Value::Int(n), Value::string("...")]).unwrap();
        assert_eq!(t("héllo", 3), Value::string("hél..."));
        assert_eq!(t("abc", 3), Value::string("abc"));
        assert!(convert("truncate", vec![Value::string("a"), Value::Int(-1)]).is_err());
    }

    #[test]
    fn sampler_follows_the_ratio() {
        let sample = |low: u64, ratio: f64| {
            let mut id = [0u8; 16];
            id[8..].copy_from_slice(&low.to_be_bytes());
            convert("TraceIDRatioBasedSampler", vec![Value::TraceId(id), Value::Float(ratio)]).unwrap()
        };
        assert_eq!(sample(0, 0.1), Value::Bool(true));
        assert_eq!(sample(u64::MAX, 0.1), Value::Bool(false));
        assert_eq!(sample(u64::MAX, 1.0), Value::Bool(true));
        assert_eq!(sample(0, 0.0), Value::Bool(false));
    }

    #[test]
    fn the_trace_id_is_judged_before_the_ratio() {
        let error = convert("TraceIDRatioBasedSampler", vec![Value::Int(1), Value::string("x")]).unwrap_err();
        assert_eq!(error.message(), "expected a trace id but got int64");
        let error = convert("TraceIDRatioBasedSampler", vec![Value::TraceId([0; 16]), Value::string("x")]).unwrap_err();
        assert_eq!(error.message(), "expected float64 but got string");
    }

    #[test]
    fn truncate_reads_the_suffix_only_when_it_cuts() {
        assert_eq!(convert("truncate", vec![Value::string("ab"), Value::Int(5), Value::Int(1)]), Ok(Value::string("ab")));
        assert!(convert("truncate", vec![Value::string("abc"), Value::Int(1), Value::Int(1)]).is_err());
    }

    #[test]
    fn replace_pattern_in_value_position_is_the_editor_on_a_copy() {
        let replaced = convert("replace_pattern", vec![Value::string("id=42"), Value::string("\\d+"), Value::string("#")]);
        assert_eq!(replaced, Ok(Value::string("id=#")));
        // As the editor does, a nil target is left alone before the replacement is read.
        assert_eq!(convert("replace_pattern", vec![Value::Nil, Value::string("x"), Value::Int(2)]), Ok(Value::Nil));
    }

    #[test]
    fn a_literal_pattern_is_compiled_when_the_rule_loads() {
        let Some(check) = converter("replace_pattern").literals else { panic!("no literal check") };
        let errors = check(&LiteralArgs::new(vec![("regex_pattern", Literal::String("("))]));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].param, "regex_pattern");
        assert!(errors[0].message.starts_with("the regex pattern supplied to replace_pattern '\"(\"' is not a valid pattern"));
        assert!(check(&LiteralArgs::new(vec![("regex_pattern", Literal::String("token=[^&]*"))])).is_empty());
    }
}
