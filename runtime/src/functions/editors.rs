use super::Editor;

pub(crate) static EDITORS: &[Editor] = &[];
