use super::Converter;

pub(crate) static CONVERTERS: &[Converter] = &[];
