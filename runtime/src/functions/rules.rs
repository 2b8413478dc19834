use super::{Converter, Editor};

pub(crate) static CONVERTERS: &[Converter] = &[];
pub(crate) static EDITORS: &[Editor] = &[];
