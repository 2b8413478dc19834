//! Canonical OTTL text from a syntax tree.
//!
//! The output parses back to the same tree (`parse(print(ast)) == ast`, spans aside):
//! parentheses the author wrote are [`ExprKind::Paren`] nodes and are kept; parentheses
//! the tree needs but lacks (a tree built by hand or by a generator) are added. Spacing
//! is fixed: one space around binary operators and `=` of named arguments, after commas
//! and colons, none inside brackets.
//!
//! Operator chains are printed in loops, not by recursion, so that a chain as long as the
//! parser accepts prints on a small stack.

use std::fmt::Write;

use crate::ast::*;

/// A statement on one line.
pub fn statement(statement: &Statement) -> String {
    print_statement(statement, ActionLayout::OneLine)
}

/// A statement on one line if that fits in `max_width` characters; otherwise the action's
/// arguments go one per line, indented by four spaces, as in
///
/// ```text
/// resource.attributes["user.email"] != nil > set(
///     resource.attributes["user.email"],
///     SHA256(resource.attributes["user.email"])
/// )
/// ```
///
/// (`.ottl` documents continue a statement while a bracket is open, so this parses back
/// to the same statement).
pub fn statement_within(statement: &Statement, max_width: usize) -> String {
    let one_line = self::statement(statement);
    if one_line.chars().count() <= max_width || statement.action.args.is_empty() {
        return one_line;
    }
    print_statement(statement, ActionLayout::ArgumentPerLine)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ActionLayout {
    OneLine,
    ArgumentPerLine,
}

fn print_statement(statement: &Statement, layout: ActionLayout) -> String {
    let mut out = String::new();
    let mut printer = Printer { out: &mut out };
    match (statement.form, &statement.condition) {
        (StatementForm::Rule, Some(condition)) => {
            printer.expr(condition, Prec::Lowest);
            printer.out.push_str(" > ");
            printer.action(&statement.action, layout);
        }
        (_, condition) => {
            printer.action(&statement.action, layout);
            if let Some(condition) = condition {
                printer.out.push_str(" where ");
                printer.expr(condition, Prec::Lowest);
            }
        }
    }
    out
}

pub fn expr(expr: &Expr) -> String {
    let mut out = String::new();
    Printer { out: &mut out }.expr(expr, Prec::Lowest);
    out
}

/// Binding strength, loosest first; an operand printed where a tighter one is required
/// gets parentheses. Public so that tree generators can build only trees that print back
/// to themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prec {
    Lowest,
    Or,
    And,
    Not,
    Compare,
    Add,
    Mul,
    Unary,
    Primary,
}

/// How tightly `expr` binds as the printer writes it.
pub fn precedence(expr: &Expr) -> Prec {
    match &expr.kind {
        ExprKind::Or(..) => Prec::Or,
        ExprKind::And(..) => Prec::And,
        ExprKind::Not(_) => Prec::Not,
        ExprKind::Compare(..) => Prec::Compare,
        ExprKind::Binary(BinaryOp::Add | BinaryOp::Sub, ..) => Prec::Add,
        ExprKind::Binary(BinaryOp::Mul | BinaryOp::Div, ..) => Prec::Mul,
        ExprKind::Unary(..) => Prec::Unary,
        // A negative literal reads as a sign applied to a number.
        ExprKind::Int(v) if *v < 0 => Prec::Unary,
        ExprKind::Float(v) if v.is_sign_negative() => Prec::Unary,
        _ => Prec::Primary,
    }
}

struct Printer<'a> {
    out: &'a mut String,
}

impl Printer<'_> {
    /// Prints `expr` where at least `min` binding strength is needed. Each kind of node
    /// has its own method, so that this function, which recursion passes through at every
    /// level of nesting, keeps a small stack frame.
    fn expr(&mut self, expr: &Expr, min: Prec) {
        if precedence(expr) < min {
            self.out.push('(');
            self.expr(expr, Prec::Lowest);
            self.out.push(')');
            return;
        }
        match &expr.kind {
            ExprKind::Paren(inner) => {
                self.out.push('(');
                self.expr(inner, Prec::Lowest);
                self.out.push(')');
            }
            ExprKind::Path(path) => self.path(path),
            ExprKind::Call(call) => self.call(call),
            ExprKind::List(items) => self.list(items),
            ExprKind::Map(entries) => self.map(entries),
            ExprKind::Unary(..) => self.signs(expr),
            ExprKind::Binary(..) => self.arithmetic_chain(expr),
            ExprKind::Compare(op, lhs, rhs) => self.comparison(*op, lhs, rhs),
            ExprKind::Not(_) => self.negations(expr),
            ExprKind::And(..) => self.boolean_chain(expr, " and ", Prec::And, Prec::Not),
            ExprKind::Or(..) => self.boolean_chain(expr, " or ", Prec::Or, Prec::And),
            _ => self.atom(expr),
        }
    }

    /// Literals, enum symbols and function names: nodes without children.
    fn atom(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Nil => self.out.push_str("nil"),
            ExprKind::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            ExprKind::Int(v) => {
                let _ = write!(self.out, "{v}");
            }
            ExprKind::Float(v) => self.out.push_str(&float(*v)),
            ExprKind::String(s) => self.out.push_str(&string(s)),
            ExprKind::Bytes(bytes) => {
                self.out.push_str("0x");
                for b in bytes {
                    let _ = write!(self.out, "{b:02x}");
                }
            }
            ExprKind::Enum(symbol) => {
                if let Some(qualifier) = &symbol.qualifier {
                    self.out.push_str(&qualifier.name);
                    self.out.push_str("::");
                }
                self.out.push_str(&symbol.name.name);
            }
            ExprKind::FunctionName(name) => self.out.push_str(&name.name),
            _ => self.out.push_str("<error>"),
        }
    }

    fn list(&mut self, items: &[Expr]) {
        self.out.push('[');
        self.comma_separated(items, |p, item| p.expr(item, Prec::Lowest));
        self.out.push(']');
    }

    fn map(&mut self, entries: &[MapEntry]) {
        self.out.push('{');
        self.comma_separated(entries, |p, entry| {
            p.out.push_str(&string(&entry.key));
            p.out.push_str(": ");
            p.expr(&entry.value, Prec::Lowest);
        });
        self.out.push('}');
    }

    /// `- + -x`: a chain of signs, printed in a loop.
    fn signs(&mut self, expr: &Expr) {
        let mut operand = expr;
        while let ExprKind::Unary(op, inner) = &operand.kind {
            self.out.push_str(op.symbol());
            operand = inner;
            // A space keeps `- -x` from reading as `--x`; parentheses would parse back
            // as an extra node.
            if precedence(operand) == Prec::Unary {
                self.out.push(' ');
            }
        }
        self.expr(operand, Prec::Unary);
    }

    /// `a + b - c`: left-nested operators of one precedence, printed in a loop.
    fn arithmetic_chain(&mut self, expr: &Expr) {
        let prec = precedence(expr);
        let mut rights = Vec::new();
        let mut left = expr;
        while let ExprKind::Binary(op, lhs, rhs) = &left.kind
            && precedence(left) == prec
        {
            rights.push((op.symbol(), &**rhs));
            left = lhs;
        }
        self.expr(left, prec);
        for (symbol, rhs) in rights.into_iter().rev() {
            let _ = write!(self.out, " {symbol} ");
            self.expr(rhs, next(prec));
        }
    }

    /// Comparisons do not chain: both sides bind tighter.
    fn comparison(&mut self, op: CompareOp, lhs: &Expr, rhs: &Expr) {
        self.expr(lhs, Prec::Add);
        let _ = write!(self.out, " {} ", op.symbol());
        self.expr(rhs, Prec::Add);
    }

    fn negations(&mut self, expr: &Expr) {
        let mut inner = expr;
        while let ExprKind::Not(negated) = &inner.kind {
            self.out.push_str("not ");
            inner = negated;
        }
        self.expr(inner, Prec::Not);
    }

    /// `a and b and c` (left-nested `And` nodes), or the same with `or`.
    fn boolean_chain(&mut self, expr: &Expr, separator: &str, prec: Prec, right_prec: Prec) {
        let mut rights = Vec::new();
        let mut left = expr;
        while let ExprKind::And(lhs, rhs) | ExprKind::Or(lhs, rhs) = &left.kind
            && precedence(left) == prec
        {
            rights.push(&**rhs);
            left = lhs;
        }
        self.expr(left, prec);
        for rhs in rights.into_iter().rev() {
            self.out.push_str(separator);
            self.expr(rhs, right_prec);
        }
    }

    fn path(&mut self, path: &Path) {
        for (i, segment) in path.segments.iter().enumerate() {
            if i > 0 {
                self.out.push('.');
            }
            self.out.push_str(&segment.name.name);
            self.keys(&segment.keys);
        }
    }

    fn keys(&mut self, keys: &[Key]) {
        for key in keys {
            self.out.push('[');
            self.expr(&key.expr, Prec::Lowest);
            self.out.push(']');
        }
    }

    fn call(&mut self, call: &Call) {
        self.out.push_str(&call.name.name);
        self.out.push('(');
        self.comma_separated(&call.args, Self::argument);
        self.out.push(')');
        self.keys(&call.keys);
    }

    fn action(&mut self, call: &Call, layout: ActionLayout) {
        if layout == ActionLayout::OneLine {
            return self.call(call);
        }
        self.out.push_str(&call.name.name);
        self.out.push('(');
        for (i, arg) in call.args.iter().enumerate() {
            self.out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            self.argument(arg);
        }
        self.out.push_str("\n)");
        self.keys(&call.keys);
    }

    fn argument(&mut self, arg: &Argument) {
        if let Some(name) = &arg.name {
            self.out.push_str(&name.name);
            self.out.push_str(" = ");
        }
        match &arg.value {
            ArgValue::Expr(e) => self.expr(e, Prec::Lowest),
            ArgValue::Lambda(lambda) => self.lambda(lambda),
        }
    }

    fn lambda(&mut self, lambda: &Lambda) {
        self.out.push('(');
        self.comma_separated(&lambda.params, |p, param| p.out.push_str(&param.name));
        self.out.push_str(") => ");
        self.expr(&lambda.body, Prec::Lowest);
    }

    fn comma_separated<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            each(self, item);
        }
    }
}

/// The operand strength needed on the right of a left-associative operator.
fn next(prec: Prec) -> Prec {
    match prec {
        Prec::Add => Prec::Mul,
        Prec::Mul => Prec::Unary,
        other => other,
    }
}

/// A float literal that reads back as exactly the same value: the shortest round-trip
/// digits, always with a `.` (OTTL's float token needs one: `1e3` is not a float).
pub fn float(value: f64) -> String {
    let text = format!("{value:?}");
    match text.find('e') {
        Some(e) if !text[..e].contains('.') => format!("{}.0{}", &text[..e], &text[e..]),
        _ => text,
    }
}

/// A string literal that decodes (Go `strconv.Unquote` rules) back to `value`.
pub fn string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_statement;

    fn canonical(src: &str) -> String {
        let parsed = parse_statement(src);
        assert!(parsed.is_clean(), "{src}: {parsed:?}");
        statement(&parsed.node.unwrap())
    }

    #[test]
    fn spacing_is_normalised_and_parens_kept() {
        assert_eq!(
            canonical(r#"set  ( foo.attributes[ "bar"].cat,   "dog")   where (name=="fido" or x<1)and not y!=2"#),
            r#"set(foo.attributes["bar"].cat, "dog") where (name == "fido" or x < 1) and not y != 2"#
        );
    }

    #[test]
    fn rule_form_and_literals() {
        assert_eq!(
            canonical("span.attributes[\"x\"]>=500>set(span.status.code,StatusCode::Error)"),
            "span.attributes[\"x\"] >= 500 > set(span.status.code, StatusCode::Error)"
        );
        assert_eq!(canonical("set(x, [1, -2.5, 0xAB, nil, {\"a\":1,}])"), "set(x, [1, -2.5, 0xab, nil, {\"a\": 1}])");
        assert_eq!(canonical("f(x, 1.0e300, 1e-7 * 1.)".replace("1e-7", "1.0e-7").as_str()), "f(x, 1.0e300, 1.0e-7 * 1.0)");
    }

    #[test]
    fn long_statements_put_action_arguments_on_their_own_lines() {
        let src = r#"resource.attributes["user.email"] != nil > set(resource.attributes["user.email"], SHA256(resource.attributes["user.email"]))"#;
        let statement = parse_statement(src).node.unwrap();
        let wrapped = statement_within(&statement, 100);
        assert_eq!(
            wrapped,
            "resource.attributes[\"user.email\"] != nil > set(\n    resource.attributes[\"user.email\"],\n    SHA256(resource.attributes[\"user.email\"])\n)"
        );
        assert_eq!(statement_within(&statement, 200), self::statement(&statement));
        let mut reparsed = parse_statement(&wrapped).node.unwrap();
        let mut original = statement;
        crate::visit::statement_spans_mut(&mut reparsed, &mut |s| *s = Default::default());
        crate::visit::statement_spans_mut(&mut original, &mut |s| *s = Default::default());
        assert_eq!(reparsed, original);
    }

    #[test]
    fn string_escapes_round_trip() {
        assert_eq!(string("a\"b\\c\n\u{1}é"), r#""a\"b\\c\n\u0001é""#);
    }
}
