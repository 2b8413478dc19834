//! Load-time checks of literal arguments (spec §2.5, last bullet).
//!
//! Several function factories of the reference (`pkg/ottl/ottlfuncs/func_*.go` and the
//! transform processor's `internal/metrics/func_*.go`, ~v0.161) check their literal
//! arguments when the statement is parsed, so a bad literal stops the collector at
//! start-up. A function's declaration repeats those checks ([`Function::literals`]) so that
//! `ottlc` reports them before the config is deployed. Only literals are judged: a path or
//! a call is known at run time only, and the reference defers those to run time too
//! (`ottl.GetLiteralValue`). Messages follow the reference's wording.
//!
//! [`Function::literals`]: super::Function::literals

/// A literal argument as written: what a check can judge without running anything.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal<'a> {
    String(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Bytes(&'a [u8]),
    /// A list literal; elements that are not literals are `None`.
    List(Vec<Option<Literal<'a>>>),
}

impl<'a> Literal<'a> {
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            Literal::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Literal::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// A float literal, or an int literal where a float is expected (Go converts it).
    pub fn as_float(&self) -> Option<f64> {
        match self {
            Literal::Float(f) => Some(*f),
            Literal::Int(n) => Some(*n as f64),
            _ => None,
        }
    }
}

/// The literal arguments of one call, by parameter name; parameters given something else
/// (a path, a call) or not given at all are absent.
pub struct LiteralArgs<'a> {
    args: Vec<(&'static str, Literal<'a>)>,
}

impl<'a> LiteralArgs<'a> {
    pub fn new(args: Vec<(&'static str, Literal<'a>)>) -> LiteralArgs<'a> {
        LiteralArgs { args }
    }

    /// The literal given for parameter `name`, if any.
    pub fn get(&self, name: &str) -> Option<&Literal<'a>> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, literal)| literal)
    }

    pub fn string(&self, name: &str) -> Option<&'a str> {
        self.get(name).and_then(Literal::as_str)
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(Literal::as_int)
    }

    pub fn float(&self, name: &str) -> Option<f64> {
        self.get(name).and_then(Literal::as_float)
    }
}

/// A literal argument the collector would reject when it loads the config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiteralError {
    /// The parameter whose literal is at fault (the diagnostic points at it).
    pub param: &'static str,
    pub message: String,
    pub help: Option<String>,
}

impl LiteralError {
    pub fn new(param: &'static str, message: impl Into<String>) -> LiteralError {
        LiteralError { param, message: message.into(), help: None }
    }

    pub fn help(mut self, help: impl Into<String>) -> LiteralError {
        self.help = Some(help.into());
        self
    }
}

/// A declaration's literal checks: every problem with the call's literal arguments.
pub type LiteralCheck = fn(&LiteralArgs<'_>) -> Vec<LiteralError>;

/// A setting that must be one of a few words (`strategy`, `mode`, …): the reference's
/// message, and a help line listing what is allowed.
pub fn one_of(param: &'static str, value: &str, allowed: &[&str], message: impl FnOnce() -> String) -> Option<LiteralError> {
    (!allowed.contains(&value)).then(|| LiteralError::new(param, message()).help(one_of_help(allowed)))
}

/// `expected one of "insert", "update", "upsert"`.
pub fn one_of_help(allowed: &[&str]) -> String {
    let list: Vec<String> = allowed.iter().map(|a| format!("\"{a}\"")).collect();
    format!("expected one of {}", list.join(", "))
}

/// A regular expression literal (`newDynamicRegex` in ottlfuncs/regex.go): compiled as the
/// reference would (Go `regexp.Compile`, RE2 syntax), giving the number of named capture
/// groups, or the problem in the reference's words (`invalidRegexErrMsg`).
pub fn regex_pattern(function: &str, param: &'static str, pattern: &str) -> Result<usize, LiteralError> {
    let problem = |reason: String| {
        LiteralError::new(param, super::regexes::invalid_pattern_message(function, pattern, &reason))
            .help("OTTL patterns use RE2 syntax; in an OTTL string a backslash is written `\\\\`")
    };
    // Parsing is all validation needs: building the automaton would cost far more.
    crate::regex::parse(pattern).map(|hir| named_captures(&hir)).map_err(problem)
}

/// How many capture groups of `hir` have a name.
fn named_captures(hir: &regex_syntax::hir::Hir) -> usize {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(capture) => usize::from(capture.name.is_some()) + named_captures(&capture.sub),
        HirKind::Repetition(repetition) => named_captures(&repetition.sub),
        HirKind::Concat(items) | HirKind::Alternation(items) => items.iter().map(named_captures).sum(),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_may_start_with_a_digit_as_in_re2() {
        assert_eq!(regex_pattern("ExtractPatterns", "pattern", "(?P<0>(\\{.*\\}))"), Ok(1));
    }

    #[test]
    fn an_invalid_pattern_is_reported_in_the_reference_words() {
        let error = regex_pattern("IsMatch", "pattern", "(").unwrap_err();
        assert_eq!(error.param, "pattern");
        assert!(
            error.message.starts_with(r#"the regex pattern supplied to IsMatch '"("' is not a valid pattern: "#),
            "{}",
            error.message
        );
    }
}
