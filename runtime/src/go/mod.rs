//! Go libraries the collector's OTTL functions are built on, reproduced where their
//! observable behaviour (what they accept, what they write, their error texts) differs from
//! the Rust crates one would otherwise use. One module per Go package; each names the
//! package and version it follows and what sets it apart, and offers the small API the
//! functions in [`crate::functions`] call.

pub(crate) mod base64;
pub(crate) mod charset;
pub(crate) mod csv;
pub(crate) mod ctimefmt;
pub(crate) mod encoding_xml;
pub(crate) mod fmt;
pub(crate) mod glob;
pub(crate) mod grok;
pub(crate) mod strcase;
pub(crate) mod strconv;
pub(crate) mod strings;
pub(crate) mod time;
pub(crate) mod url;
pub(crate) mod xmlquery;
pub(crate) mod xpath;
