//! What context inference looks at (spec §4.1): the path prefixes, function names and
//! enum symbols a group of statements uses.

use ottl_grammar::ast::{ArgValue, Call, EnumSymbol, Expr, ExprKind, Path};
use ottl_grammar::visit::{self, Visitor};

use crate::registry::{FunctionKind, lookup_kind};

#[derive(Default, Debug)]
pub struct Hints {
    /// First segments of paths that continue with `.` (`span` in `span.name`).
    pub prefixes: Vec<String>,
    pub functions: Vec<String>,
    /// Enum symbols as written (`SPAN_KIND_SERVER`, or `StatusCode::Ok` as qualifier and name).
    pub enums: Vec<(Option<String>, String)>,
}

impl Visitor<'_> for Hints {
    fn visit_path(&mut self, path: &Path) {
        if path.segments.len() > 1 {
            self.prefixes.push(path.segments[0].name.name.to_string());
        }
        visit::walk_path(self, path);
    }

    fn visit_call(&mut self, call: &Call) {
        self.functions.push(call.name.name.to_string());
        for arg in &call.args {
            match &arg.value {
                // `SHA256` passed to a function parameter reads like an enum symbol but
                // names a converter.
                ArgValue::Expr(Expr { kind: ExprKind::Enum(symbol), .. })
                    if symbol.qualifier.is_none() && lookup_kind(&symbol.name.name, FunctionKind::Converter).is_some() => {}
                ArgValue::Expr(expr) => self.visit_expr(expr),
                ArgValue::Lambda(lambda) => self.visit_lambda(lambda),
            }
        }
        call.keys.iter().for_each(|key| self.visit_expr(&key.expr));
    }

    fn visit_enum(&mut self, symbol: &EnumSymbol) {
        self.enums.push((symbol.qualifier.as_ref().map(|q| q.name.to_string()), symbol.name.name.to_string()));
    }
}
