//! The collector's rewrite of un-prefixed paths: once a group's context is known, every
//! path that does not start with one of the parser's context names gets `<context>.` in
//! front (`attributes["x"]` → `span.attributes["x"]`), as the processors'
//! `ParserCollection` does before parsing. The text is edited in place, so the rest of the
//! statement keeps its spelling.

use ottl_grammar::ast::{Lambda, Path, Statement};
use ottl_grammar::visit::{self, Visitor};

/// `source` (the text `statement` was parsed from) with `context.` inserted before each path
/// whose first segment is not followed by `.` and one of `context_names`.
pub fn prefix_paths(source: &str, statement: &Statement, context: &str, context_names: &[&str]) -> String {
    let mut starts = Vec::new();
    Walker { context_names, lambda_params: Vec::new(), starts: &mut starts }.visit_statement(statement);
    starts.sort_unstable();
    let mut out = String::with_capacity(source.len() + starts.len() * (context.len() + 1));
    let mut last = 0;
    for start in starts {
        out.push_str(&source[last..start]);
        out.push_str(context);
        out.push('.');
        last = start;
    }
    out.push_str(&source[last..]);
    out
}

struct Walker<'a> {
    context_names: &'a [&'a str],
    /// Lambda formals in scope: bare names that are not paths.
    lambda_params: Vec<String>,
    starts: &'a mut Vec<usize>,
}

impl Visitor<'_> for Walker<'_> {
    fn visit_lambda(&mut self, lambda: &Lambda) {
        let scope = self.lambda_params.len();
        self.lambda_params.extend(lambda.params.iter().map(|p| p.name.to_string()));
        visit::walk_lambda(self, lambda);
        self.lambda_params.truncate(scope);
    }

    fn visit_path(&mut self, path: &Path) {
        let first = &path.segments[0];
        let prefixed = path.segments.len() > 1 && first.keys.is_empty() && self.context_names.contains(&first.name.name.as_str());
        let lambda_param = path.segments.len() == 1 && self.lambda_params.iter().any(|p| *p == first.name.name);
        if !prefixed && !lambda_param {
            self.starts.push(path.span.start);
        }
        visit::walk_path(self, path);
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(src: &str, context: &str, names: &[&str]) -> String {
        prefix_paths(src, &ottl_grammar::parse_statement(src).node.unwrap(), context, names)
    }

    #[test]
    fn un_prefixed_paths_get_the_context() {
        assert_eq!(
            rewrite(r#"set(value, 1) where name == attributes["foo.name"]"#, "span", &["span"]),
            r#"set(span.value, 1) where span.name == span.attributes["foo.name"]"#
        );
        assert_eq!(rewrite("set(span.value, 1)", "spanevent", &["spanevent", "span"]), "set(span.value, 1)");
        assert_eq!(rewrite(r#"set("foo", 1)"#, "bar", &["bar"]), r#"set("foo", 1)"#);
        assert_eq!(
            rewrite(
                r#"set(attributes[key], Filter(list, (_, v) => v == x)) where IsMatch(resource.name, "a")"#,
                "log",
                &["log", "resource"]
            ),
            r#"set(log.attributes[log.key], Filter(log.list, (_, v) => v == log.x)) where IsMatch(resource.name, "a")"#
        );
    }
}
