//! Enum symbol tables (`SPAN_KIND_SERVER`, `STATUS_CODE_OK`, …) and the seed's qualified
//! spelling (`StatusCode::Ok`).
//!
//! A context sees its own tables and those of every higher context it reaches: `spanevent`
//! and `spanlink` see the span enums, `datapoint` sees `FLAG_*` and the metric enums, as the
//! reference's symbol tables do (`ctxdatapoint.SymbolTable` copies `ctxmetric.SymbolTable`).
//!
//! ## The qualified spelling
//!
//! `Qualifier::Name` stands for the symbol `QUALIFIER_PREFIX` + `NAME`, where the qualifier is
//! one of the [`EnumTable::qualifier`] names (compared ignoring case and underscores, so
//! `StatusCode`, `status_code` and `STATUS_CODE` are the same) and the name is converted from
//! UpperCamelCase to SCREAMING_SNAKE_CASE (`Ok` → `OK`, `NoRecordedValue` → `NO_RECORDED_VALUE`,
//! `Info2` → `INFO2`; a name already in upper case is kept). The qualifiers are:
//!
//! | qualifier | prefix |
//! |---|---|
//! | `SpanKind` | `SPAN_KIND_` |
//! | `StatusCode` | `STATUS_CODE_` |
//! | `SeverityNumber` | `SEVERITY_NUMBER_` |
//! | `MetricDataType` | `METRIC_DATA_TYPE_` |
//! | `AggregationTemporality` | `AGGREGATION_TEMPORALITY_` |
//! | `Flag` | `FLAG_` |

use ottl_grammar::Span;
use ottl_grammar::ast::EnumSymbol;

use super::Context;
use crate::suggest::closest;

/// One enum: the symbols that may stand for the values of one field.
#[derive(Debug, PartialEq, Eq)]
pub struct EnumTable {
    /// The seed's qualifier: `StatusCode` in `StatusCode::Ok`.
    pub qualifier: &'static str,
    /// What every symbol starts with: `STATUS_CODE_`.
    pub prefix: &'static str,
    pub symbols: &'static [(&'static str, i64)],
    pub doc: &'static str,
}

impl EnumTable {
    pub fn value(&self, symbol: &str) -> Option<i64> {
        self.symbols.iter().find(|(name, _)| *name == symbol).map(|&(_, value)| value)
    }

    /// The symbol for a value, for hover and for printing constants back.
    pub fn symbol(&self, value: i64) -> Option<&'static str> {
        self.symbols.iter().find(|&&(_, v)| v == value).map(|&(name, _)| name)
    }
}

pub static SPAN_KIND: EnumTable = EnumTable {
    qualifier: "SpanKind",
    prefix: "SPAN_KIND_",
    symbols: &[
        ("SPAN_KIND_UNSPECIFIED", 0),
        ("SPAN_KIND_INTERNAL", 1),
        ("SPAN_KIND_SERVER", 2),
        ("SPAN_KIND_CLIENT", 3),
        ("SPAN_KIND_PRODUCER", 4),
        ("SPAN_KIND_CONSUMER", 5),
    ],
    doc: "ptrace.SpanKind",
};

pub static STATUS_CODE: EnumTable = EnumTable {
    qualifier: "StatusCode",
    prefix: "STATUS_CODE_",
    symbols: &[("STATUS_CODE_UNSET", 0), ("STATUS_CODE_OK", 1), ("STATUS_CODE_ERROR", 2)],
    doc: "ptrace.StatusCode",
};

pub static SEVERITY_NUMBER: EnumTable = EnumTable {
    qualifier: "SeverityNumber",
    prefix: "SEVERITY_NUMBER_",
    symbols: &[
        ("SEVERITY_NUMBER_UNSPECIFIED", 0),
        ("SEVERITY_NUMBER_TRACE", 1),
        ("SEVERITY_NUMBER_TRACE2", 2),
        ("SEVERITY_NUMBER_TRACE3", 3),
        ("SEVERITY_NUMBER_TRACE4", 4),
        ("SEVERITY_NUMBER_DEBUG", 5),
        ("SEVERITY_NUMBER_DEBUG2", 6),
        ("SEVERITY_NUMBER_DEBUG3", 7),
        ("SEVERITY_NUMBER_DEBUG4", 8),
        ("SEVERITY_NUMBER_INFO", 9),
        ("SEVERITY_NUMBER_INFO2", 10),
        ("SEVERITY_NUMBER_INFO3", 11),
        ("SEVERITY_NUMBER_INFO4", 12),
        ("SEVERITY_NUMBER_WARN", 13),
        ("SEVERITY_NUMBER_WARN2", 14),
        ("SEVERITY_NUMBER_WARN3", 15),
        ("SEVERITY_NUMBER_WARN4", 16),
        ("SEVERITY_NUMBER_ERROR", 17),
        ("SEVERITY_NUMBER_ERROR2", 18),
        ("SEVERITY_NUMBER_ERROR3", 19),
        ("SEVERITY_NUMBER_ERROR4", 20),
        ("SEVERITY_NUMBER_FATAL", 21),
        ("SEVERITY_NUMBER_FATAL2", 22),
        ("SEVERITY_NUMBER_FATAL3", 23),
        ("SEVERITY_NUMBER_FATAL4", 24),
    ],
    doc: "plog.SeverityNumber",
};

pub static METRIC_DATA_TYPE: EnumTable = EnumTable {
    qualifier: "MetricDataType",
    prefix: "METRIC_DATA_TYPE_",
    symbols: &[
        ("METRIC_DATA_TYPE_NONE", 0),
        ("METRIC_DATA_TYPE_GAUGE", 1),
        ("METRIC_DATA_TYPE_SUM", 2),
        ("METRIC_DATA_TYPE_HISTOGRAM", 3),
        ("METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM", 4),
        ("METRIC_DATA_TYPE_SUMMARY", 5),
    ],
    doc: "pmetric.MetricType",
};

pub static AGGREGATION_TEMPORALITY: EnumTable = EnumTable {
    qualifier: "AggregationTemporality",
    prefix: "AGGREGATION_TEMPORALITY_",
    symbols: &[
        ("AGGREGATION_TEMPORALITY_UNSPECIFIED", 0),
        ("AGGREGATION_TEMPORALITY_DELTA", 1),
        ("AGGREGATION_TEMPORALITY_CUMULATIVE", 2),
    ],
    doc: "pmetric.AggregationTemporality",
};

pub static DATAPOINT_FLAGS: EnumTable = EnumTable {
    qualifier: "Flag",
    prefix: "FLAG_",
    symbols: &[("FLAG_NONE", 0), ("FLAG_NO_RECORDED_VALUE", 1)],
    doc: "pmetric.DataPointFlags",
};

/// Every table, for qualifier lookup.
pub static ALL_TABLES: &[&EnumTable] =
    &[&SPAN_KIND, &STATUS_CODE, &SEVERITY_NUMBER, &METRIC_DATA_TYPE, &AGGREGATION_TEMPORALITY, &DATAPOINT_FLAGS];

/// The tables a context defines itself (not those of the contexts it reaches).
pub fn own_tables(context: Context) -> &'static [&'static EnumTable] {
    static SPAN: [&EnumTable; 2] = [&SPAN_KIND, &STATUS_CODE];
    static METRIC: [&EnumTable; 2] = [&METRIC_DATA_TYPE, &AGGREGATION_TEMPORALITY];
    static DATAPOINT: [&EnumTable; 1] = [&DATAPOINT_FLAGS];
    static LOG: [&EnumTable; 1] = [&SEVERITY_NUMBER];
    match context {
        Context::Span => &SPAN,
        Context::Metric => &METRIC,
        Context::DataPoint => &DATAPOINT,
        Context::Log => &LOG,
        Context::Resource | Context::Scope | Context::SpanEvent | Context::SpanLink | Context::Profile | Context::OTelCol => &[],
    }
}

/// The tables visible in a context: its own, then those of the higher contexts it reaches.
pub fn enum_tables(context: Context) -> impl Iterator<Item = &'static EnumTable> {
    context.reachable().iter().flat_map(|&c| own_tables(c).iter().copied())
}

/// The value of an enum symbol in a context: `enum_value(Context::Span, "SPAN_KIND_SERVER")`
/// is `Some(2)`; the same symbol in the log context is `None`.
pub fn enum_value(context: Context, symbol: &str) -> Option<i64> {
    enum_tables(context).find_map(|table| table.value(symbol))
}

/// The table a symbol belongs to in a context.
pub fn enum_table_of(context: Context, symbol: &str) -> Option<&'static EnumTable> {
    enum_tables(context).find(|table| table.value(symbol).is_some())
}

fn normalize_qualifier(q: &str) -> String {
    q.chars().filter(|&c| c != '_').map(|c| c.to_ascii_lowercase()).collect()
}

/// The table a seed qualifier names: `StatusCode` → [`STATUS_CODE`].
pub fn table_for_qualifier(qualifier: &str) -> Option<&'static EnumTable> {
    let wanted = normalize_qualifier(qualifier);
    ALL_TABLES.iter().copied().find(|t| normalize_qualifier(t.qualifier) == wanted)
}

/// `("StatusCode", "Ok")` → `"STATUS_CODE_OK"`, whether or not such a symbol exists; `None`
/// when the qualifier names no table.
pub fn qualified_symbol(qualifier: &str, name: &str) -> Option<String> {
    let table = table_for_qualifier(qualifier)?;
    let upper = if name.chars().any(|c| c.is_ascii_lowercase()) {
        ottl_grammar::names::upper_camel_to_snake(name).to_ascii_uppercase()
    } else {
        name.to_string()
    };
    Some(format!("{}{}", table.prefix, upper))
}

/// An enum symbol resolved in a context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumValue {
    /// The canonical symbol: `STATUS_CODE_OK` also for `StatusCode::Ok`.
    pub symbol: String,
    pub value: i64,
    pub table: &'static EnumTable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnumError {
    /// `Foo::Bar`: the qualifier names no enum. `suggestion` is the closest qualifier.
    UnknownQualifier { qualifier: String, span: Span, suggestion: Option<&'static str> },
    /// The symbol exists in no table visible here, nor anywhere else.
    UnknownSymbol { symbol: String, context: Context, span: Span, suggestion: Option<&'static str> },
    /// The symbol exists, but only in other contexts (`SEVERITY_NUMBER_INFO` in a span
    /// statement). `available_in` lists the statement contexts that see it.
    NotInContext { symbol: String, context: Context, span: Span, available_in: Vec<Context> },
}

impl EnumError {
    pub fn span(&self) -> Span {
        match self {
            EnumError::UnknownQualifier { span, .. }
            | EnumError::UnknownSymbol { span, .. }
            | EnumError::NotInContext { span, .. } => *span,
        }
    }

    /// The message; for unknown symbols it is the reference's `enum symbol, X, not found`.
    pub fn message(&self) -> String {
        match self {
            EnumError::UnknownQualifier { qualifier, .. } => format!("unknown enum qualifier \"{qualifier}\""),
            EnumError::UnknownSymbol { symbol, .. } => format!("enum symbol, {symbol}, not found"),
            EnumError::NotInContext { symbol, context, available_in, .. } => {
                let names: Vec<&str> = available_in.iter().map(|c| c.name()).collect();
                format!("enum symbol, {symbol}, not found in the {} context; it exists in: {}", context.name(), names.join(", "))
            }
        }
    }
}

/// Resolves an enum symbol node (`SPAN_KIND_SERVER` or `SpanKind::Server`) in a context.
pub fn lookup_enum(context: Context, symbol: &EnumSymbol) -> Result<EnumValue, EnumError> {
    let name = symbol.name.name.as_str();
    let (canonical, span) = match &symbol.qualifier {
        Some(q) => {
            let span = q.span.cover(symbol.name.span);
            match qualified_symbol(&q.name, name) {
                Some(s) => (s, span),
                None => {
                    let candidates: Vec<&'static str> = ALL_TABLES.iter().map(|t| t.qualifier).collect();
                    return Err(EnumError::UnknownQualifier {
                        qualifier: q.name.to_string(),
                        span: q.span,
                        suggestion: closest(&q.name, candidates.iter().copied()),
                    });
                }
            }
        }
        None => (name.to_string(), symbol.name.span),
    };
    if let Some(table) = enum_table_of(context, &canonical) {
        #[expect(clippy::expect_used, reason = "enum_table_of returned the table that holds this symbol")]
        let value = table.value(&canonical).expect("table_of found it");
        return Ok(EnumValue { symbol: canonical, value, table });
    }
    let available_in: Vec<Context> =
        Context::STATEMENT_CONTEXTS.iter().copied().filter(|&c| enum_value(c, &canonical).is_some()).collect();
    if !available_in.is_empty() {
        return Err(EnumError::NotInContext { symbol: canonical, context, span, available_in });
    }
    let visible: Vec<&'static str> = enum_tables(context).flat_map(|t| t.symbols.iter().map(|&(n, _)| n)).collect();
    let suggestion = closest(&canonical, visible.iter().copied());
    Err(EnumError::UnknownSymbol { symbol: canonical, context, span, suggestion })
}
