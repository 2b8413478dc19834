//! A small node tree built from saphyr's event stream.
//!
//! The layouts are easier to recognise on a tree than on events, and saphyr only gives events.
//! The tree is built without recursion (an explicit stack capped at [`MAX_DEPTH`]) so that hostile
//! input such as ten thousand `[` cannot overflow the stack, and aliases point at the anchored
//! node instead of copying it, so that "billion laughs" documents stay small.

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::YamlError;

/// Deepest nesting of sequences and mappings accepted. Collector configs nest a dozen levels;
/// anything near this is hostile or broken.
pub const MAX_DEPTH: usize = 256;

pub type NodeId = usize;

/// A scalar as saphyr decoded it, with the byte span of its token (properties included).
#[derive(Debug, Clone)]
pub struct Scalar {
    pub value: String,
    pub style: ScalarStyle,
    pub tag: Option<Tag>,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone)]
pub enum Node {
    /// An alias to an unknown anchor, or to a node that encloses the alias (a cycle).
    Null,
    Scalar(Scalar),
    Seq(Vec<NodeId>),
    Map(Vec<(NodeId, NodeId)>),
}

/// Every node of every document of one YAML stream.
#[derive(Debug, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
    /// The root node of each document, in order.
    pub roots: Vec<NodeId>,
    /// Keys defined a second time in the same mapping. go-yaml, and so the collector,
    /// refuses such a file; the tree keeps both entries so that the OTTL around them can
    /// still be checked.
    pub duplicate_keys: Vec<YamlError>,
}

/// Converts saphyr's character indexes into byte offsets.
///
/// saphyr's markers count characters; diagnostics and `&str` slicing need bytes. A checkpoint
/// every 64 characters keeps the table small for large files while each lookup stays cheap.
pub struct CharIndex<'a> {
    src: &'a str,
    ascii: bool,
    checkpoints: Vec<usize>,
}

const CHECKPOINT_EVERY: usize = 64;

impl<'a> CharIndex<'a> {
    pub fn new(src: &'a str) -> CharIndex<'a> {
        let ascii = src.is_ascii();
        let checkpoints = if ascii { Vec::new() } else { src.char_indices().step_by(CHECKPOINT_EVERY).map(|(b, _)| b).collect() };
        CharIndex { src, ascii, checkpoints }
    }

    /// Byte offset of the character with index `char_index`; the end of the text when past it.
    pub fn byte(&self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.src.len());
        }
        let Some(&base) = self.checkpoints.get(char_index / CHECKPOINT_EVERY) else {
            return self.src.len();
        };
        let rest = char_index % CHECKPOINT_EVERY;
        let tail = self.src.get(base..).unwrap_or("");
        tail.char_indices().nth(rest).map_or(self.src.len(), |(b, _)| base + b)
    }

    /// The byte range of the character at byte `pos` (empty at the end of the text).
    pub fn char_range(&self, pos: usize) -> std::ops::Range<usize> {
        let len = self.src.get(pos..).and_then(|s| s.chars().next()).map_or(0, char::len_utf8);
        pos..pos + len
    }
}

struct Frame {
    node: NodeId,
    pending_key: Option<NodeId>,
}

/// Parses a whole YAML stream: [`build`] with its own character index. The agent reads
/// its config with this, so that config and OTTL positions come from one reader.
pub fn parse(src: &str) -> Result<Tree, YamlError> {
    build(src, &CharIndex::new(src))
}

/// Parses `src` into a [`Tree`]. Fails with the parser's message and position on malformed
/// YAML, and on nesting deeper than [`MAX_DEPTH`].
pub fn build(src: &str, idx: &CharIndex<'_>) -> Result<Tree, YamlError> {
    // saphyr is fuzzed and is not expected to panic, but a panic in a dependency must not take
    // down a language server: report it as an error at the start of the file instead.
    match catch_unwind(AssertUnwindSafe(|| build_inner(src, idx))) {
        Ok(result) => result,
        Err(_) => Err(YamlError { message: "internal error in the YAML parser".to_string(), span: idx.char_range(0) }),
    }
}

fn build_inner(src: &str, idx: &CharIndex<'_>) -> Result<Tree, YamlError> {
    let mut tree = Tree::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, NodeId> = HashMap::new();
    // Nodes whose collection has started but not ended: an alias to one of them is a cycle.
    let mut open: Vec<bool> = Vec::new();
    let mut parser = Parser::new_from_str(src);
    while let Some(item) = parser.next_event() {
        let (event, span) = item.map_err(|e| {
            let pos = idx.byte(e.marker().index());
            YamlError { message: e.info().to_string(), span: idx.char_range(pos) }
        })?;
        let start = idx.byte(span.start.index());
        let end = idx.byte(span.end.index()).max(start);
        let (node, anchor, opens) = match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) | Event::DocumentEnd => {
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = stack.pop() {
                    open[frame.node] = false;
                }
                continue;
            }
            Event::Alias(id) => {
                let target = anchors.get(&id).copied().filter(|&t| !open[t]);
                attach(&mut tree, &mut stack, &mut open, target, Node::Null);
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => (
                Node::Scalar(Scalar { value: value.into_owned(), style, tag: tag.map(std::borrow::Cow::into_owned), start, end }),
                anchor,
                false,
            ),
            Event::SequenceStart(anchor, _) => (Node::Seq(Vec::new()), anchor, true),
            Event::MappingStart(anchor, _) => (Node::Map(Vec::new()), anchor, true),
        };
        if opens && stack.len() >= MAX_DEPTH {
            return Err(YamlError {
                message: format!("YAML nesting deeper than {MAX_DEPTH} levels"),
                span: idx.char_range(start),
            });
        }
        let id = attach(&mut tree, &mut stack, &mut open, None, node);
        if let Some(first) = duplicate_key(&tree, &stack, id) {
            let key = tree.scalar(id).map_or("", |s| s.value.as_str());
            let line = src[..first].matches('\n').count() + 1;
            let message = format!("mapping key \"{key}\" already defined at line {line}");
            tree.duplicate_keys.push(YamlError { message, span: start..end });
        }
        if anchor > 0 {
            anchors.insert(anchor, id);
        }
        if opens {
            open[id] = true;
            stack.push(Frame { node: id, pending_key: None });
        }
    }
    Ok(tree)
}

/// When `id` is a scalar just read as a key of the innermost mapping and an earlier key of
/// that mapping has the same text, the earlier key's offset: go-yaml, and so the collector,
/// refuses a mapping that defines a key twice (merge keys `<<` excepted).
fn duplicate_key(tree: &Tree, stack: &[Frame], id: NodeId) -> Option<usize> {
    let frame = stack.last()?;
    let Node::Map(entries) = tree.node(frame.node) else { return None };
    if frame.pending_key != Some(id) {
        return None;
    }
    let key = tree.scalar(id)?;
    if key.value == "<<" {
        return None;
    }
    entries.iter().filter_map(|(k, _)| tree.scalar(*k)).find(|k| k.value == key.value).map(|k| k.start)
}

/// Adds `node` (or reuses `existing`, for an alias) as the next child of the innermost open
/// collection, or as a document root.
fn attach(tree: &mut Tree, stack: &mut [Frame], open: &mut Vec<bool>, existing: Option<NodeId>, node: Node) -> NodeId {
    let id = existing.unwrap_or_else(|| {
        tree.nodes.push(node);
        open.push(false);
        tree.nodes.len() - 1
    });
    match stack.last_mut() {
        None => tree.roots.push(id),
        Some(frame) => match &mut tree.nodes[frame.node] {
            Node::Seq(items) => items.push(id),
            Node::Map(entries) => match frame.pending_key.take() {
                None => frame.pending_key = Some(id),
                Some(key) => entries.push((key, id)),
            },
            Node::Null | Node::Scalar(_) => {}
        },
    }
    id
}

impl Tree {
    pub fn node(&self, id: NodeId) -> &Node {
        self.nodes.get(id).unwrap_or(&Node::Null)
    }

    pub fn scalar(&self, id: NodeId) -> Option<&Scalar> {
        match self.node(id) {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar that the collector reads as a string: quoted, tagged `!!str`, or plain
    /// but not a YAML null, boolean or number (those are not strings for the collector's decoder,
    /// so an OTTL list holding one is a configuration error, not OTTL).
    pub fn string(&self, id: NodeId) -> Option<&Scalar> {
        let s = self.scalar(id)?;
        if let Some(tag) = &s.tag {
            let core_non_string = tag.is_yaml_core_schema() && matches!(tag.suffix.as_str(), "null" | "bool" | "int" | "float");
            return (!core_non_string).then_some(s);
        }
        (s.style != ScalarStyle::Plain || !is_non_string_plain(&s.value)).then_some(s)
    }

    /// A mapping's entries whose key is a scalar, with YAML merge keys (`<<: *base`) applied the
    /// way the collector's YAML library applies them: explicit keys first, then merged ones that
    /// are not overridden.
    pub fn entries(&self, id: NodeId) -> Vec<(&str, NodeId)> {
        self.keyed_entries(id).into_iter().map(|(_, key, value)| (key, value)).collect()
    }

    /// [`Tree::entries`] with each key's node, for reports that point at a key.
    pub fn keyed_entries(&self, id: NodeId) -> Vec<(NodeId, &str, NodeId)> {
        let mut out = Vec::new();
        let mut seen_keys = HashSet::new();
        let mut merged = HashSet::new();
        self.collect_entries(id, &mut out, &mut seen_keys, &mut merged, 0);
        out
    }

    /// Appends the entries of mapping `id` whose key is not yet in `seen_keys`, then those of
    /// the mappings it merges. Each mapping is merged at most once, so merge chains built from
    /// aliases cannot blow up.
    fn collect_entries<'t>(
        &'t self,
        id: NodeId,
        out: &mut Vec<(NodeId, &'t str, NodeId)>,
        seen_keys: &mut HashSet<&'t str>,
        merged: &mut HashSet<NodeId>,
        depth: usize,
    ) {
        const MAX_MERGE_DEPTH: usize = 16;
        let Node::Map(entries) = self.node(id) else {
            return;
        };
        if !merged.insert(id) {
            return;
        }
        let mut merge_values = Vec::new();
        for &(key, value) in entries {
            let Some(key_scalar) = self.scalar(key) else {
                continue;
            };
            let key_text = key_scalar.value.as_str();
            if key_text == "<<" && key_scalar.style == ScalarStyle::Plain {
                merge_values.push(value);
            } else if seen_keys.insert(key_text) {
                out.push((key, key_text, value));
            }
        }
        if depth >= MAX_MERGE_DEPTH {
            return;
        }
        for merge in merge_values {
            let sources: &[NodeId] = match self.node(merge) {
                Node::Map(_) => std::slice::from_ref(&merge),
                Node::Seq(items) => items,
                Node::Null | Node::Scalar(_) => &[],
            };
            for &source in sources {
                self.collect_entries(source, out, seen_keys, merged, depth + 1);
            }
        }
    }

    /// The value of key `key` in mapping `id`.
    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.entries(id).into_iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The string value of key `key` in mapping `id`.
    pub fn get_string(&self, id: NodeId, key: &str) -> Option<&str> {
        self.get(id, key).and_then(|v| self.string(v)).map(|s| s.value.as_str())
    }

    /// Whether the node is a YAML null (`~`, `null`, an empty value, or an alias to nothing):
    /// what the collector's decoder reads as "not set" or as a `nil` list item.
    pub fn is_null(&self, id: NodeId) -> bool {
        match self.node(id) {
            Node::Null => true,
            Node::Scalar(s) => match &s.tag {
                Some(tag) => tag.is_yaml_core_schema() && tag.suffix == "null",
                None => s.style == ScalarStyle::Plain && matches!(s.value.as_str(), "" | "~" | "null" | "Null" | "NULL"),
            },
            Node::Seq(_) | Node::Map(_) => false,
        }
    }

    /// The byte span of a scalar node; `None` for collections and aliases to nothing.
    pub fn span(&self, id: NodeId) -> Option<std::ops::Range<usize>> {
        self.scalar(id).map(|s| s.start..s.end)
    }

    pub fn is_map(&self, id: NodeId) -> bool {
        matches!(self.node(id), Node::Map(_))
    }

    /// The items of a sequence; empty for anything else.
    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match self.node(id) {
            Node::Seq(items) => items,
            _ => &[],
        }
    }
}

/// Whether a plain scalar resolves to null, a boolean, an integer or a float under the YAML 1.2
/// core schema, as the collector's YAML library (go-yaml v3) resolves them.
fn is_non_string_plain(v: &str) -> bool {
    matches!(v, "" | "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
        || is_int(v)
        || is_float(v)
}

fn is_int(v: &str) -> bool {
    let v = v.strip_prefix(['+', '-']).unwrap_or(v);
    let (digits, radix) = if let Some(h) = v.strip_prefix("0x") {
        (h, 16)
    } else if let Some(o) = v.strip_prefix("0o") {
        (o, 8)
    } else if let Some(b) = v.strip_prefix("0b") {
        (b, 2)
    } else {
        (v, 10)
    };
    digits.chars().any(|c| c.is_digit(radix)) && digits.chars().all(|c| c == '_' || c.is_digit(radix))
}

fn is_float(v: &str) -> bool {
    let body = v.strip_prefix(['+', '-']).unwrap_or(v);
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(v, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(p) => (&body[..p], Some(&body[p + 1..])),
        None => (body, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit() || c == '_');
    let has_digit =
        int_part.chars().any(|c| c.is_ascii_digit()) || frac_part.is_some_and(|f| f.chars().any(|c| c.is_ascii_digit()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    has_digit && digits(int_part) && frac_part.is_none_or(digits) && exponent_ok && (frac_part.is_some() || exponent.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(src: &str) -> Tree {
        build(src, &CharIndex::new(src)).expect("parses")
    }

    #[test]
    fn char_index_converts_characters_to_bytes() {
        let s = "é".repeat(200) + "x";
        let idx = CharIndex::new(&s);
        assert_eq!(idx.byte(0), 0);
        assert_eq!(idx.byte(1), 2);
        assert_eq!(idx.byte(130), 260);
        assert_eq!(idx.byte(200), 400);
        assert_eq!(idx.byte(201), 401);
        assert_eq!(idx.byte(10_000), 401);
        assert_eq!(CharIndex::new("abc").byte(7), 3);
    }

    #[test]
    fn scalars_that_are_not_strings() {
        for v in
            ["", "~", "null", "true", "FALSE", "12", "-3", "0x1F", "0o17", "1_000", "1.5", "-.5", "1e3", ".inf", "-.Inf", ".nan"]
        {
            assert!(is_non_string_plain(v), "{v}");
        }
        for v in ["yes", "route()", "1.2.3", "e3", "0x", "abc", "true == false", ".", "1e", "+"] {
            assert!(!is_non_string_plain(v), "{v}");
        }
        let t = tree("- 12\n- '12'\n- !!str 12\n- !!int '12'\n- x\n");
        let items = t.items(t.roots[0]).to_vec();
        let strings: Vec<bool> = items.iter().map(|&i| t.string(i).is_some()).collect();
        assert_eq!(strings, [false, true, true, false, true]);
    }

    #[test]
    fn aliases_share_the_anchored_node_and_cycles_are_cut() {
        let t = tree("a: &x [1, 2]\nb: *x\nc: &y [*y]\n");
        let root = t.roots[0];
        assert_eq!(t.get(root, "a"), t.get(root, "b"));
        let c = t.get(root, "c").unwrap();
        assert!(matches!(t.node(t.items(c)[0]), Node::Null));
    }

    #[test]
    fn merge_keys_are_applied() {
        let t = tree("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n");
        let m = t.get(t.roots[0], "m").unwrap();
        let keys: Vec<&str> = t.entries(m).iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["y", "x"]);
        let y = t.get(m, "y").unwrap();
        assert_eq!(t.scalar(y).unwrap().value, "3");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(10_000);
        assert!(build(&deep, &CharIndex::new(&deep)).is_err());
        let block: String = (0..300).map(|i| " ".repeat(i * 2) + "- \n").collect();
        let block = block + &" ".repeat(600) + "- x\n";
        let err = build(&block, &CharIndex::new(&block)).unwrap_err();
        assert!(err.message.contains("nesting"), "{err:?}");
    }
}
