//! The seed's rule-form actions and converters (seed §3.2): `keep()`, `drop()`,
//! `route("x")`, `truncate`, `replace_pattern` in value position, and
//! `TraceIDRatioBasedSampler`.

use super::shorthand::*;
use super::{Args, EditorHost, ValueHost};
use crate::error::{Error, Result};
use crate::exec::Action;
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[
    // ---- The seed's extensions ----
    Function::editor("keep", &[], keep, "Rule-form action: keep the item (export it).", &[Example::new(r#"span.status.code == StatusCode::Ok > keep()"#, "")]).origin(Origin::Seed),
    Function::editor("drop", &[], drop, "Rule-form action: drop the item.", &[Example::new(r#"resource.attributes["deployment.environment"] == "test" > drop()"#, "")]).origin(Origin::Seed),
    // `route()` without a name is the routing connector's action (its table's pipelines
    // say where); `route("x")` is the seed's rule-form action.
    Function::editor("route", &[o("name", K::String)], route, "Rule-form action: send the item to the named exporter or pipeline (the routing connector's `route()` takes none).", &[Example::new(r#"resource.attributes["deployment.environment"] == "prod" > route("prod_exporter")"#, "")]).origin(Origin::Seed),
    Function::converter("truncate", &[r("target", K::StringGetter), r("limit", K::IntGetter), o("suffix", K::StringGetter)], T::String, |args, _| truncate(args), "The string cut to at most `limit` characters, with `suffix` appended when it was cut.", &[Example::new(r#"truncate(span.attributes["http.url"], 100, "...")"#, "")]).origin(Origin::Seed),
    Function::converter("replace_pattern", &[r("target", K::StringGetter), r("regex_pattern", K::StringGetter), r("replacement", K::StringGetter), REPLACE_TAIL_FN, REPLACE_TAIL_FMT], T::String, |args, _| replace_pattern(args), "In value position: the string with every match of the regular expression replaced (the target is not changed).", &[Example::new(r#"replace_pattern(span.attributes["body"], "\\d{4}", "****")"#, "")]).origin(Origin::Seed),
    Function::converter("TraceIDRatioBasedSampler", &[r("trace_id", K::Getter), r("ratio", K::FloatGetter)], T::Bool, |args, _| trace_id_ratio_based_sampler(args), "Whether the trace falls in the sampled fraction `ratio` (0–1), decided from the trace ID as OpenTelemetry's TraceIdRatioBased sampler does.", &[Example::new(r#"TraceIDRatioBasedSampler(trace_id.trace_id, 0.1) > route("sampled_exporter")"#, "")]).origin(Origin::Seed),
];

fn keep(_: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    host.act(Action::Keep);
    Ok(())
}

fn drop(_: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    host.act(Action::Drop);
    Ok(())
}

/// `route("x")`; the routing connector's `route()` (no name) routes by its own table,
/// which has no meaning offline: the item goes to the default output.
fn route(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    if args.given(0) {
        host.act(Action::Route(args.string(0)?.to_string()));
    }
    Ok(())
}

/// The string cut to at most `limit` characters, `suffix` appended when it was cut.
fn truncate(args: &mut Args<'_>) -> Result<Value> {
    let text = args.string(0)?;
    let limit = args.int(1)?;
    let Ok(limit) = usize::try_from(limit) else {
        return Err(Error::new(format!("invalid limit {limit}: must not be negative")));
    };
    match text.char_indices().nth(limit) {
        None => Ok(Value::String(text.to_string())),
        Some((cut, _)) => {
            let suffix = if args.given(2) { args.string(2)? } else { "" };
            Ok(Value::String(format!("{}{suffix}", &text[..cut])))
        }
    }
}

/// `replace_pattern` in value position: the editor's replacement applied to a copy.
fn replace_pattern(args: &mut Args<'_>) -> Result<Value> {
    let target = args.take(0);
    let mut host = ValueHost { target, actions: Vec::new() };
    super::editors::replace_pattern(args, &mut host)?;
    Ok(host.target)
}

/// OpenTelemetry's TraceIdRatioBased decision: the trace is sampled when the low 63 bits
/// of its last eight bytes fall below `ratio` of their range.
fn trace_id_ratio_based_sampler(args: &mut Args<'_>) -> Result<Value> {
    let id: [u8; 16] = match args.value(0) {
        Value::TraceId(id) => *id,
        Value::Bytes(b) if b.len() == 16 => b.as_slice().try_into().unwrap_or_default(),
        Value::String(s) => crate::coerce::parse_hex(s, 16)
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| Error::new(format!("invalid trace id {}", crate::coerce::go_quote(s))))?,
        other => return Err(Error::new(format!("expected a trace id but got {}", other.go_type()))),
    };
    let ratio = args.float(1)?;
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
    use super::super::testing::convert;
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
}
