//! `Log`, the natural logarithm.

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[Function::converter(
    "Log",
    &[r("target", K::FloatLikeGetter)],
    T::Float,
    converter!(log(target)),
    "The natural logarithm; an error for values ≤ 0 or nil.",
    &[Example::new(r#"Log(attributes["http.status_code"])"#, "5.298317366548036"), Example::new(r#"Log(1)"#, "0.0")],
)
.pure()];

fn log(target: FloatLike) -> Result<Value> {
    match target.0 {
        None => bail!("invalid input: <nil>"),
        Some(x) if x <= 0.0 => bail!("invalid input: expected number greater than zero but got {}", go::fmt::float_v(x)),
        Some(x) => Ok(Value::Float(x.ln())),
    }
}
