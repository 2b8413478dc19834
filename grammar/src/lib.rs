//! The OTTL front end: lexer, LALR grammar, syntax tree, printer and syntax diagnostics.
//!
//! ```
//! let parsed = ottl_grammar::parse_statement(r#"set(attributes["env"], "prod") where resource.attributes["k8s"] != nil"#);
//! assert!(parsed.is_clean());
//! let statement = parsed.node.unwrap();
//! assert_eq!(statement.action.name.name, "set");
//! ```

pub mod ast;
pub mod codes;
pub mod diagnostic;
pub mod document;
pub mod format;
pub mod lexer;
pub mod literal;
pub mod misnamed;
pub mod names;
pub mod parse;
pub mod prepass;
pub mod printer;
pub mod span;
pub mod validate;
pub mod visit;

pub use codes::Code;
pub use diagnostic::{Diagnostic, Fix, Label, Severity};
pub use parse::{EntryPoint, Node, Parsed, parse_condition, parse_statement, parse_tokens, parse_value};
pub use span::Span;
