//! `set_semconv_span_name` (span context): a span name from its semantic-convention
//! attributes.

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[Function::editor(
    "set_semconv_span_name",
    &[r("semconv_version", K::String), o("original_span_name_attribute", K::String)],
    editor!(set_semconv_span_name(semconv_version, original_span_name_attribute)),
    "Renames the span after the semantic conventions of `semconv_version`, optionally keeping the old name in an attribute.",
    &[Example::new(
        r#"set_semconv_span_name("1.37.0", "original_span_name")"#,
        r#"name == "GET /users/123" and attributes["original_span_name"] == "GET /users/{id}""#,
    )],
)
.only_in(SPAN)
.origin(Origin::TransformProcessor)];

/// The semantic conventions version whose span names the reference derives.
const SEMCONV_VERSION: &str = "1.37.0";

/// `set_semconv_span_name(semconv_version, original_span_name_attribute?)`: renames the
/// span as the semantic conventions name HTTP, RPC, database and messaging spans; keeps the
/// old name in the attribute, if given, when it changes. The version is checked before the
/// attribute name is read.
fn set_semconv_span_name(
    host: &mut dyn EditorHost,
    semconv_version: &str,
    original_span_name_attribute: Option<&Value>,
) -> Result<()> {
    if semconv_version != SEMCONV_VERSION {
        bail!("unsupported semconv version: {semconv_version}, supported version: {SEMCONV_VERSION}");
    }
    let original_attribute = optional_string(original_span_name_attribute)?;
    if original_attribute == Some("") {
        bail!("originalSpanNameAttribute cannot be an empty string");
    }
    let Some(ItemMut::Span(span)) = host.item() else {
        bail!("set_semconv_span_name can only be used in the span context");
    };
    let name = semconv_span_name(span);
    if name != span.name
        && let Some(key) = original_attribute
    {
        let original = std::mem::take(&mut span.name);
        put_str(&mut span.attributes, key, original);
    }
    span.name = name;
    Ok(())
}

/// The span name the conventions give for the span's kind and attributes, else its name.
fn semconv_span_name(span: &Span) -> String {
    let attrs = SpanAttributes(&span.attributes);
    let candidates: &[fn(&SpanAttributes<'_>) -> Option<String>] = match SpanKind::try_from(span.kind) {
        Ok(SpanKind::Server) => &[|a| a.http("http.route"), |a| a.rpc(), |a| a.messaging()],
        Ok(SpanKind::Consumer) | Ok(SpanKind::Producer) => &[|a| a.messaging()],
        Ok(SpanKind::Client) => &[|a| a.http("url.template"), |a| a.rpc(), |a| a.database(), |a| a.messaging()],
        _ => &[],
    };
    candidates.iter().find_map(|candidate| candidate(&attrs)).unwrap_or_else(|| span.name.clone())
}

/// A span's attributes, read as the semantic conventions name them.
struct SpanAttributes<'a>(&'a [KeyValue]);

impl SpanAttributes<'_> {
    /// The attribute as text (`AsString`), if present.
    fn text(&self, key: &str) -> Option<String> {
        attribute(self.0, key)
            .map(|kv| super::super::editors::values::as_string(&kv.value.as_ref().map(Value::from_any_value).unwrap_or_default()))
    }

    /// The attribute, or its deprecated name.
    fn text_or(&self, key: &str, old_key: &str) -> Option<String> {
        self.text(key).or_else(|| self.text(old_key))
    }

    fn is_true(&self, key: &str) -> bool {
        attribute(self.0, key)
            .and_then(|kv| kv.value.as_ref())
            .is_some_and(|v| v.value == Some(any_value::Value::BoolValue(true)))
    }

    /// `server.address[:server.port]`.
    fn server(&self) -> Option<String> {
        let address = self.text("server.address")?;
        Some(match self.text("server.port") {
            Some(port) => format!("{address}:{port}"),
            None => address,
        })
    }

    /// `{method} {target}` (`_OTHER` reads as `HTTP`), or the method alone.
    fn http(&self, target_key: &str) -> Option<String> {
        let method = self.text_or("http.request.method", "http.method")?;
        let method = if method == "_OTHER" { "HTTP".to_string() } else { method };
        Some(match self.text(target_key) {
            Some(target) => format!("{method} {target}"),
            None => method,
        })
    }

    /// `{service}/{method}`, the method, `{service}/*`, or the system.
    fn rpc(&self) -> Option<String> {
        let system = self.text("rpc.system")?;
        let method = self.text_or("rpc.method", "rpc.grpc.method");
        let service = self.text_or("rpc.service", "rpc.grpc.service");
        Some(match (service, method) {
            (Some(service), Some(method)) => format!("{service}/{method}"),
            (None, Some(method)) => method,
            (Some(service), None) => format!("{service}/*"),
            (None, None) => system,
        })
    }

    /// The query summary, `{operation} {target}`, either alone, or the system.
    fn database(&self) -> Option<String> {
        let system = self.text_or("db.system.name", "db.system")?;
        if let Some(summary) = self.text("db.query.summary") {
            return Some(summary);
        }
        let operation = self.text_or("db.operation.name", "db.operation").filter(|o| !o.is_empty());
        Some(join_present(operation, self.database_target().filter(|t| !t.is_empty())).unwrap_or(system))
    }

    /// `namespace.collection`, `namespace.procedure`, the namespace, or the server.
    fn database_target(&self) -> Option<String> {
        let namespace = self.text_or("db.namespace", "db.name").filter(|n| !n.is_empty());
        let object = self.text("db.collection.name").or_else(|| self.text("db.stored_procedure.name"));
        match (namespace, object) {
            (Some(namespace), Some(object)) => Some(format!("{namespace}.{object}")),
            (None, Some(object)) => Some(object),
            (Some(namespace), None) => Some(namespace),
            (None, None) => self.server().filter(|s| !s.is_empty()),
        }
    }

    /// `{operation} {destination}`, either alone, or the system.
    fn messaging(&self) -> Option<String> {
        let system = self.text("messaging.system")?;
        let operation = self.text_or("messaging.operation.name", "messaging.operation");
        let destination = self.messaging_destination().filter(|d| !d.is_empty());
        Some(match (operation, destination) {
            (Some(operation), Some(destination)) => format!("{operation} {destination}"),
            (None, Some(destination)) => destination,
            (Some(operation), None) => operation,
            (None, None) => system,
        })
    }

    fn messaging_destination(&self) -> Option<String> {
        if self.is_true("messaging.destination.temporary") {
            return Some("(temporary)".into());
        }
        if self.is_true("messaging.destination.anonymous") {
            return Some("(anonymous)".into());
        }
        self.text("messaging.destination.template")
            .or_else(|| self.text_or("messaging.destination.name", "messaging.destination"))
            .or_else(|| self.server())
    }
}

/// `a b`, `a` or `b`, skipping what is absent.
fn join_present(first: Option<String>, second: Option<String>) -> Option<String> {
    match (first, second) {
        (Some(a), Some(b)) => Some(format!("{a} {b}")),
        (a, b) => a.or(b),
    }
}
