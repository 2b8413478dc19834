//! Errors on one line with their causes: the top error says what failed (an export, loading
//! a BPF program), its sources why ("connection refused", "Operation not permitted").

/// `error` followed by each of its causes. A cause whose text the line already holds is left
/// out: many errors print their source inside their own message (aya's "failed to create
/// map `x`" wraps another "failed to create map `x`"), and repeating it says nothing.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|layer| layer as &dyn std::error::Error)
        }
    }

    #[test]
    fn causes_follow_the_error_once_each() {
        let refused = Layer("client error (Connect)", Some(Box::new(Layer("connection refused", None))));
        assert_eq!(error_chain(&refused), "client error (Connect): connection refused");
        let repeated = Layer(
            "failed to create map `a`",
            Some(Box::new(Layer("failed to create map `a`", Some(Box::new(Layer("Operation not permitted", None)))))),
        );
        assert_eq!(error_chain(&repeated), "failed to create map `a`: Operation not permitted");
    }
}
