//! OTLP data and its JSON encoding.
