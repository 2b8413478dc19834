//! Signature help inside calls: the signature, its doc, and the parameter the cursor is in
//! (by position, or by name for `name = …`).

use tower_lsp_server::ls_types::{
    Documentation, MarkupContent, MarkupKind, ParameterInformation, ParameterLabel, SignatureHelp, SignatureInformation,
};

use ottl_compiler::registry::ParamNames;

use crate::completion::signature_of;
use crate::cursor::Cursor;
use crate::regions::Region;

pub fn signature_help(region: &Region, offset: usize) -> Option<SignatureHelp> {
    let item = region.item_at(offset);
    let cursor = Cursor::new(&region.text, item.start, offset);
    let call = cursor.enclosing_call()?;
    let signature = signature_of(call.name)?;
    let label = signature.display_signature();
    // Parameter labels as offsets into the label, so clients highlight the exact text.
    let mut parameters = Vec::new();
    let mut from = label.find('(').map_or(0, |i| i + 1);
    for param in signature.params {
        let Some(start) = label[from..].find(param.name).map(|i| i + from) else { break };
        let end = label[start..].find([',', ')']).map_or(label.len(), |i| i + start);
        parameters.push(ParameterInformation {
            label: ParameterLabel::LabelOffsets([utf16_len(&label[..start]), utf16_len(&label[..end])]),
            documentation: None,
        });
        from = end;
    }
    let active = match call.named {
        Some(name) => signature.params.iter().position(|p| p.accepts_name(name)),
        None => Some(call.argument.min(signature.params.len().saturating_sub(1))),
    };
    Some(SignatureHelp {
        signatures: vec![SignatureInformation {
            label,
            documentation: Some(Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: signature.doc.to_string(),
            })),
            parameters: Some(parameters),
            active_parameter: active.map(|i| i as u32),
        }],
        active_signature: Some(0),
        active_parameter: active.map(|i| i as u32),
    })
}

/// Label offsets are counted in UTF-16 code units whatever the position encoding.
fn utf16_len(text: &str) -> u32 {
    text.encode_utf16().count() as u32
}
