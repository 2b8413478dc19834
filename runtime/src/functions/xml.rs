//! The XML converters: parsing XML into maps, and XPath-driven edits of XML text.
//!
//! The reference parses with Go's `encoding/xml` and edits with `antchfx/xmlquery`, whose
//! observable quirks the outputs depend on: several top-level elements are accepted,
//! an empty element is written `<b></b>`, text is written trimmed and HTML-escaped, and
//! the document keeps its `<?xml …?>` declaration only if the input started with one.
//! XML crates either reject documents with several roots or write their own forms, so
//! this module has a small tree of its own ([`Doc`]), a strict tokenizer following
//! `encoding/xml`'s rules, and an XPath 1.0 evaluator ([`xpath`]) over that tree.
//!
//! Nesting is capped at [`MAX_DEPTH`]; every walk over the tree is iterative, so deep
//! input cannot exhaust the stack.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::Args;
use super::shorthand::*;
use crate::coerce;
use crate::error::{Error, Result};
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "ParseXML",
        TARGET_STR,
        MAP,
        |args, _| parse_xml(args),
        "Parses an XML document into a map.",
        &[Example::new(
            r#"ParseXML("<log level=\"info\"><message>hi</message></log>")"#,
            r#"{"tag": "log", "attributes": {"level": "info"}, "children": [{"tag": "message", "content": "hi"}]}"#,
        )],
    ),
    Function::converter(
        "ParseSimplifiedXML",
        TARGET_STR,
        MAP,
        |args, _| parse_simplified_xml(args),
        "Parses an XML document into a map without attributes or repeated-element wrappers.",
        &[Example::new(
            r#"ParseSimplifiedXML("<log level=\"info\"><message>hi</message><tag>a</tag><tag>b</tag></log>")"#,
            r#"{"log": {"message": "hi", "tag": ["a", "b"]}}"#,
        )],
    ),
    Function::converter(
        "GetXML",
        &[r("target", K::StringGetter), r("xpath", K::String)],
        T::String,
        |args, _| get_xml(args),
        "The XML elements matching an XPath.",
        &[Example::new(
            r#"GetXML("<log><message>hi</message><secret>x</secret></log>", "/log/message")"#,
            r#""<message>hi</message>""#,
        )],
    ),
    Function::converter(
        "InsertXML",
        &[r("target", K::StringGetter), r("xpath", K::String), r("sub_document", K::StringGetter)],
        T::String,
        |args, _| insert_xml(args),
        "Inserts an XML sub-document under the elements matching an XPath.",
        &[Example::new(
            r#"InsertXML("<log><message>hi</message></log>", "/log", "<level>info</level>")"#,
            r#""<log><message>hi</message><level>info</level></log>""#,
        )],
    ),
    Function::converter(
        "RemoveXML",
        &[r("target", K::StringGetter), r("xpath", K::String)],
        T::String,
        |args, _| remove_xml(args),
        "Removes the XML elements matching an XPath.",
        &[Example::new(
            r#"RemoveXML("<log><message>hi</message><secret>x</secret></log>", "/log/secret")"#,
            r#""<log><message>hi</message></log>""#,
        )],
    ),
    Function::converter(
        "ConvertAttributesToElementsXML",
        &[r("target", K::StringGetter), o("xpath", K::String)],
        T::String,
        |args, _| convert_attributes_to_elements_xml(args),
        "Turns XML attributes into child elements.",
        &[Example::new(
            r#"ConvertAttributesToElementsXML("<log level=\"info\"><message>hi</message></log>")"#,
            r#""<log><message>hi</message><level>info</level></log>""#,
        )],
    ),
    Function::converter(
        "ConvertTextToElementsXML",
        &[r("target", K::StringGetter), o("xpath", K::String), o("element_name", K::String)],
        T::String,
        |args, _| convert_text_to_elements_xml(args),
        "Wraps XML text content into elements (named \"value\" by default).",
        &[
            Example::new(
                r#"ConvertTextToElementsXML("<log><user>alice</user>login</log>")"#,
                r#""<log><user>alice</user><value>login</value></log>""#,
            ),
            Example::new(
                r#"ConvertTextToElementsXML("<log><user>alice</user>login</log>", "/log", "msg")"#,
                r#""<log><user>alice</user><msg>login</msg></log>""#,
            ),
        ],
    ),
];

/// The deepest element nesting accepted.
const MAX_DEPTH: usize = 10_000;
/// The deepest nesting the functions that return maps accept: the values they build are
/// walked recursively elsewhere (dropped, compared, written out), so they stay shallower.
const MAX_MAP_DEPTH: usize = 500;

// ---- The converters ----

/// `ParseXML(target)`: the first element as `{"tag", "attributes", "content",
/// "children"}` (attributes and children only when present, content being the trimmed
/// text directly inside the element).
fn parse_xml(args: &mut Args<'_>) -> Result<Value> {
    let text = args.string(0)?;
    let doc = Doc::parse(text, MAX_MAP_DEPTH).map_err(|e| e.context("unmarshal xml"))?;
    let top = doc.nodes[Doc::ROOT].children.clone();
    let Some(position) = top.iter().position(|&n| doc.nodes[n].kind == Kind::Element) else {
        return Err(Error::new("unmarshal xml: EOF"));
    };
    if position + 1 < top.len() {
        crate::bail!("trailing bytes after parsing xml");
    }
    Ok(doc.build_bottom_up(top[position], |doc, id, children| {
        let node = &doc.nodes[id];
        let mut m = Map::new();
        m.insert("tag".into(), Value::string(local_name(&node.name)));
        let content: String = node
            .children
            .iter()
            .filter(|&&c| matches!(doc.nodes[c].kind, Kind::Text | Kind::CData))
            .map(|&c| doc.nodes[c].data.trim())
            .collect();
        if !content.is_empty() {
            m.insert("content".into(), Value::String(content));
        }
        if !node.attrs.is_empty() {
            let attrs = node.attrs.iter().map(|(k, v)| (local_name(k).to_string(), Value::string(v)));
            m.insert("attributes".into(), Value::Map(attrs.collect()));
        }
        let children: Vec<Value> = children.into_iter().map(|(_, v)| v).collect();
        if !children.is_empty() {
            m.insert("children".into(), Value::Slice(children));
        }
        Value::Map(m)
    }))
}

/// `ParseSimplifiedXML(target)`: elements as keys, leaf text as values, repeated tags as
/// lists; attributes, extraneous text and empty elements are dropped.
fn parse_simplified_xml(args: &mut Args<'_>) -> Result<Value> {
    let doc = Doc::parse_like_xmlquery(args.string(0)?, MAX_MAP_DEPTH)?;
    Ok(doc.build_bottom_up(Doc::ROOT, |doc, id, children| {
        let mut tag_counts: HashMap<&str, usize> = HashMap::new();
        for &c in &doc.nodes[id].children {
            if doc.nodes[c].kind == Kind::Element {
                *tag_counts.entry(&doc.nodes[c].name).or_default() += 1;
            }
        }
        let mut m = Map::new();
        for (child, child_map) in children {
            let node = &doc.nodes[child];
            if node.children.is_empty() {
                continue;
            }
            let leaf = doc.leaf_value(child);
            let value = match child_map {
                _ if !leaf.is_empty() => Some(Value::string(leaf)),
                Value::Map(cm) if !cm.is_empty() => Some(Value::Map(cm)),
                _ => None,
            };
            // A repeated tag's list exists even when none of its elements add a value.
            if tag_counts.get(node.name.as_str()).copied().unwrap_or(0) > 1 {
                let entry = m.entry(node.name.clone()).or_insert_with(|| Value::Slice(Vec::new()));
                if let (Value::Slice(items), Some(value)) = (entry, value) {
                    items.push(value);
                }
            } else if let Some(value) = value {
                m.insert(node.name.clone(), value);
            }
        }
        Value::Map(m)
    }))
}

/// `GetXML(target, xpath)`: the selected elements and texts (attributes as their values)
/// written one after another.
fn get_xml(args: &mut Args<'_>) -> Result<Value> {
    let path = compiled_xpath(args.string(1)?)?;
    let doc = Doc::parse_like_xmlquery(args.string(0)?, MAX_DEPTH)?;
    let mut result = Doc::new();
    for found in xpath::select(&doc, &path) {
        match found {
            NodeRef::Node(id) if matches!(doc.nodes[id].kind, Kind::Element | Kind::Text) => {
                result.import(Doc::ROOT, &doc, id);
            }
            NodeRef::Node(id) if doc.nodes[id].kind == Kind::CData => {
                result.append_text(Doc::ROOT, doc.nodes[id].data.clone());
            }
            NodeRef::Attr(id, i) => {
                let value = doc.nodes[id].attrs.get(i).map(|(_, v)| v.clone()).unwrap_or_default();
                result.append_text(Doc::ROOT, value);
            }
            _ => {}
        }
    }
    Ok(Value::String(result.output()))
}

/// `InsertXML(target, xpath, sub_document)`: a copy of the sub-document's nodes appended
/// to each selected element (or to the document for `/`).
fn insert_xml(args: &mut Args<'_>) -> Result<Value> {
    let path = compiled_xpath(args.string(1)?)?;
    let mut doc = Doc::parse_like_xmlquery(args.string(0)?, MAX_DEPTH)?;
    let sub = Doc::parse_like_xmlquery(args.string(2)?, MAX_DEPTH)?;
    let mut errors = Vec::new();
    for found in xpath::select(&doc, &path) {
        match found {
            NodeRef::Node(id) if matches!(doc.nodes[id].kind, Kind::Element | Kind::Document) => {
                for &child in &sub.nodes[Doc::ROOT].children {
                    doc.import(id, &sub, child);
                }
            }
            other => errors.push(format!("InsertXML XPath selected non-element: {}", coerce::go_quote(&doc.node_data(other)))),
        }
    }
    // The reference returns the document together with the joined errors; as an error
    // it is what the statement sees.
    if !errors.is_empty() {
        return Err(Error::new(errors.join("\n")));
    }
    Ok(Value::String(doc.output()))
}

/// `RemoveXML(target, xpath)`: removes the selected elements, attributes, comments and
/// CDATA sections, and empties selected text.
fn remove_xml(args: &mut Args<'_>) -> Result<Value> {
    let path = compiled_xpath(args.string(1)?)?;
    let text = args.string(0)?;
    if text.is_empty() {
        return Ok(Value::string(""));
    }
    let mut doc = Doc::parse_like_xmlquery(text, MAX_DEPTH)?;
    let selected = xpath::select(&doc, &path);
    // Attributes go by name, last first, so earlier indexes stay valid.
    for found in selected.into_iter().rev() {
        match found {
            NodeRef::Node(id) => match doc.nodes[id].kind {
                Kind::Element | Kind::Comment | Kind::CData => doc.detach(id),
                Kind::Text => doc.nodes[id].data.clear(),
                _ => {}
            },
            NodeRef::Attr(id, i) => {
                if i < doc.nodes[id].attrs.len() {
                    doc.nodes[id].attrs.remove(i);
                }
            }
        }
    }
    Ok(Value::String(doc.output()))
}

/// `ConvertAttributesToElementsXML(target, xpath="//@*")`: each selected attribute
/// becomes a last child element of its element.
fn convert_attributes_to_elements_xml(args: &mut Args<'_>) -> Result<Value> {
    let xpath = match args.optional(1).map(coerce::string).transpose()? {
        Some(p) if !p.is_empty() => p,
        _ => "//@*",
    };
    let path = compiled_xpath(xpath)?;
    let mut doc = Doc::parse_like_xmlquery(args.string(0)?, MAX_DEPTH)?;
    let attributes: Vec<(usize, String, String)> = xpath::select(&doc, &path)
        .into_iter()
        .filter_map(|found| match found {
            NodeRef::Attr(id, i) => doc.nodes[id].attrs.get(i).map(|(k, v)| (id, k.clone(), v.clone())),
            NodeRef::Node(_) => None,
        })
        .collect();
    for (element, name, value) in attributes {
        doc.nodes[element].attrs.retain(|(k, _)| *k != name);
        let child = doc.append(element, Kind::Element, name, String::new());
        doc.append_text(child, value);
    }
    Ok(Value::String(doc.output()))
}

/// `ConvertTextToElementsXML(target, xpath="/", element_name="value")`: under each
/// selected node, text that sits beside other text or elements is wrapped in an element.
fn convert_text_to_elements_xml(args: &mut Args<'_>) -> Result<Value> {
    let optional = |i: usize, default: &'static str| -> Result<String> {
        Ok(match args.optional(i).map(coerce::string).transpose()? {
            Some(s) if !s.is_empty() => s.to_string(),
            _ => default.to_string(),
        })
    };
    let path = compiled_xpath(&optional(1, "/")?)?;
    let element_name = optional(2, "value")?;
    let mut doc = Doc::parse_like_xmlquery(args.string(0)?, MAX_DEPTH)?;
    for found in xpath::select(&doc, &path) {
        if let NodeRef::Node(id) = found
            && matches!(doc.nodes[id].kind, Kind::Element | Kind::Document)
        {
            doc.wrap_loose_text(id, &element_name);
        }
    }
    Ok(Value::String(doc.output()))
}

/// The XPath of a call, compiled once per thread ("invalid xpath: …" when it does not
/// parse).
fn compiled_xpath(text: &str) -> Result<Rc<xpath::Expr>> {
    thread_local! {
        static CACHE: RefCell<HashMap<String, Rc<xpath::Expr>>> = RefCell::new(HashMap::new());
    }
    if let Some(hit) = CACHE.with(|c| c.borrow().get(text).cloned()) {
        return Ok(hit);
    }
    let expr = Rc::new(xpath::compile(text).map_err(|e| e.context("invalid xpath"))?);
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= 256 {
            cache.clear();
        }
        cache.insert(text.to_string(), expr.clone());
    });
    Ok(expr)
}

/// The part of a qualified name after its prefix (`encoding/xml`'s `Name.Local`).
fn local_name(name: &str) -> &str {
    match name.split_once(':') {
        Some((prefix, local)) if !prefix.is_empty() && !local.is_empty() => local,
        _ => name,
    }
}

// ---- The tree ----

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Document,
    Element,
    Text,
    CData,
    Comment,
    /// `<?target …?>`; xmlquery keeps every processing instruction as a declaration.
    Declaration,
    /// `<!…>`.
    Directive,
}

#[derive(Clone, Debug)]
struct Node {
    kind: Kind,
    /// The element name or the declaration's target.
    name: String,
    /// The text of a text, CDATA, comment or directive node.
    data: String,
    attrs: Vec<(String, String)>,
    parent: Option<usize>,
    children: Vec<usize>,
}

/// A node or one attribute of an element, as XPath selects them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum NodeRef {
    Node(usize),
    Attr(usize, usize),
}

/// A parsed document: nodes in an arena, the document node first.
#[derive(Clone, Debug)]
struct Doc {
    nodes: Vec<Node>,
}

impl Doc {
    const ROOT: usize = 0;

    fn new() -> Doc {
        let root = Node {
            kind: Kind::Document,
            name: String::new(),
            data: String::new(),
            attrs: Vec::new(),
            parent: None,
            children: Vec::new(),
        };
        Doc { nodes: vec![root] }
    }

    /// Parses `text` as `encoding/xml` reads it (strict; several top-level nodes allowed),
    /// refusing elements nested deeper than `max_depth`.
    fn parse(text: &str, max_depth: usize) -> Result<Doc> {
        let mut doc = Doc::new();
        let mut open = vec![Doc::ROOT];
        let mut tokens = Tokenizer { src: text, pos: 0, open: Vec::new(), max_depth };
        while let Some(token) = tokens.next_token()? {
            let parent = *open.last().unwrap_or(&Doc::ROOT);
            match token {
                Token::Start { name, attrs, empty } => {
                    let id = doc.append(parent, Kind::Element, name, String::new());
                    doc.nodes[id].attrs = attrs;
                    if !empty {
                        open.push(id);
                    }
                }
                Token::End => {
                    open.pop();
                }
                Token::Text { text, cdata } => {
                    doc.append(parent, if cdata { Kind::CData } else { Kind::Text }, String::new(), text);
                }
                Token::Comment(text) => {
                    doc.append(parent, Kind::Comment, String::new(), text);
                }
                Token::ProcInst { target, body } => {
                    let id = doc.append(parent, Kind::Declaration, target, String::new());
                    doc.nodes[id].attrs = declaration_attributes(&body);
                }
                Token::Directive(text) => {
                    doc.append(parent, Kind::Directive, String::new(), text);
                }
            }
        }
        Ok(doc)
    }

    /// Parses `text` into the tree xmlquery builds and the reference then trims
    /// (`parseNodesXML`): xmlquery puts a `<?xml version="1.0"?>` declaration before the
    /// first top-level element when none came before it, and the reference drops the
    /// document's first node unless the text starts with `<?xml`.
    fn parse_like_xmlquery(text: &str, max_depth: usize) -> Result<Doc> {
        let mut doc = Doc::parse(text, max_depth).map_err(|e| e.context("parse xml"))?;
        let top = &doc.nodes[Doc::ROOT].children;
        let kind_at = |i: usize| doc.nodes[top[i]].kind;
        let insert_at =
            (0..top.len()).find(|&i| kind_at(i) == Kind::Element).filter(|&at| !(0..at).any(|i| kind_at(i) == Kind::Declaration));
        if let Some(at) = insert_at {
            let id = doc.add_node(Kind::Declaration, "xml".into(), String::new());
            doc.nodes[id].attrs = vec![("version".into(), "1.0".into())];
            doc.nodes[id].parent = Some(Doc::ROOT);
            doc.nodes[Doc::ROOT].children.insert(at, id);
        }
        if !text.starts_with("<?xml")
            && let Some(&first) = doc.nodes[Doc::ROOT].children.first()
        {
            doc.detach(first);
        }
        Ok(doc)
    }

    fn add_node(&mut self, kind: Kind, name: String, data: String) -> usize {
        self.nodes.push(Node { kind, name, data, attrs: Vec::new(), parent: None, children: Vec::new() });
        self.nodes.len() - 1
    }

    /// Adds a node as the last child of `parent`.
    fn append(&mut self, parent: usize, kind: Kind, name: String, data: String) -> usize {
        let id = self.add_node(kind, name, data);
        self.nodes[id].parent = Some(parent);
        self.nodes[parent].children.push(id);
        id
    }

    fn append_text(&mut self, parent: usize, text: String) -> usize {
        self.append(parent, Kind::Text, String::new(), text)
    }

    /// Removes a node (and so its subtree) from its parent.
    fn detach(&mut self, id: usize) {
        if let Some(parent) = self.nodes[id].parent.take() {
            self.nodes[parent].children.retain(|&c| c != id);
        }
    }

    /// Appends a copy of `other`'s subtree at `source` under `parent`.
    fn import(&mut self, parent: usize, other: &Doc, source: usize) {
        let mut pending = vec![(parent, source)];
        while let Some((to, from)) = pending.pop() {
            let node = &other.nodes[from];
            let id = self.append(to, node.kind, node.name.clone(), node.data.clone());
            self.nodes[id].attrs = node.attrs.clone();
            pending.extend(node.children.iter().rev().map(|&c| (id, c)));
        }
    }

    /// The nodes under `start` (itself included) in document order.
    fn preorder(&self, start: usize) -> Vec<usize> {
        let mut order = Vec::new();
        let mut pending = vec![start];
        while let Some(id) = pending.pop() {
            order.push(id);
            pending.extend(self.nodes[id].children.iter().rev());
        }
        order
    }

    /// Builds a value for `start` from the values of its element children, children
    /// first, without recursion.
    fn build_bottom_up(&self, start: usize, build: impl Fn(&Doc, usize, Vec<(usize, Value)>) -> Value) -> Value {
        let mut built: HashMap<usize, Value> = HashMap::new();
        for id in self.preorder(start).into_iter().rev() {
            let node = &self.nodes[id];
            if id != start && node.kind != Kind::Element {
                continue;
            }
            let children = node.children.iter().filter_map(|c| built.remove(c).map(|v| (*c, v))).collect();
            built.insert(id, build(self, id, children));
        }
        built.remove(&start).unwrap_or_default()
    }

    /// The first text or CDATA child of an element without child elements
    /// (`leafValueFromElement`), else "".
    fn leaf_value(&self, id: usize) -> &str {
        let children = &self.nodes[id].children;
        if children.iter().any(|&c| self.nodes[c].kind == Kind::Element) {
            return "";
        }
        children
            .iter()
            .find(|&&c| matches!(self.nodes[c].kind, Kind::Text | Kind::CData))
            .map_or("", |&c| self.nodes[c].data.as_str())
    }

    /// The string value XPath gives a node.
    fn string_value(&self, found: NodeRef) -> String {
        match found {
            NodeRef::Attr(id, i) => self.nodes[id].attrs.get(i).map(|(_, v)| v.clone()).unwrap_or_default(),
            NodeRef::Node(id) => match self.nodes[id].kind {
                Kind::Element | Kind::Document => self
                    .preorder(id)
                    .into_iter()
                    .filter(|&n| matches!(self.nodes[n].kind, Kind::Text | Kind::CData))
                    .map(|n| self.nodes[n].data.as_str())
                    .collect(),
                _ => self.nodes[id].data.clone(),
            },
        }
    }

    /// What xmlquery's `Node.Data` holds: the name of an element or attribute, the text
    /// of other nodes.
    fn node_data(&self, found: NodeRef) -> String {
        match found {
            NodeRef::Attr(id, i) => self.nodes[id].attrs.get(i).map(|(k, _)| local_name(k).to_string()).unwrap_or_default(),
            NodeRef::Node(id) => match self.nodes[id].kind {
                Kind::Element | Kind::Declaration => self.nodes[id].name.clone(),
                _ => self.nodes[id].data.clone(),
            },
        }
    }

    /// `ConvertTextToElementsForNode` on every element under `start`: where a node has
    /// several children and at least one text child, each text child becomes an element
    /// `element_name` holding that text.
    fn wrap_loose_text(&mut self, start: usize, element_name: &str) {
        for id in self.preorder(start) {
            if !matches!(self.nodes[id].kind, Kind::Element | Kind::Document) {
                continue;
            }
            let children = self.nodes[id].children.clone();
            let texts = children.iter().filter(|&&c| self.nodes[c].kind == Kind::Text).count();
            let elements = children.iter().filter(|&&c| self.nodes[c].kind == Kind::Element).count();
            if texts == 0 || texts + elements <= 1 {
                continue;
            }
            for c in children {
                if self.nodes[c].kind == Kind::Text {
                    let text = std::mem::take(&mut self.nodes[c].data);
                    self.nodes[c].kind = Kind::Element;
                    self.nodes[c].name = element_name.to_string();
                    self.append_text(c, text);
                }
            }
        }
    }

    /// The document written as xmlquery's `OutputXML(false)` writes it.
    fn output(&self) -> String {
        enum Step {
            Open(usize, bool),
            Close(usize),
        }
        let mut out = String::new();
        let mut pending: Vec<Step> = self.nodes[Doc::ROOT].children.iter().rev().map(|&c| Step::Open(c, false)).collect();
        while let Some(step) = pending.pop() {
            let (id, inherited) = match step {
                Step::Close(id) => {
                    out.push_str("</");
                    out.push_str(&self.nodes[id].name);
                    out.push('>');
                    continue;
                }
                Step::Open(id, preserve) => (id, preserve),
            };
            let node = &self.nodes[id];
            let preserve = match node.attrs.iter().find(|(k, _)| k == "xml:space").map(|(_, v)| v.as_str()) {
                Some("preserve") => true,
                Some("default") => false,
                _ => inherited,
            };
            match node.kind {
                Kind::Text => out.push_str(&html_escape(if preserve { &node.data } else { node.data.trim() })),
                Kind::CData => {
                    out.push_str("<![CDATA[");
                    out.push_str(&node.data);
                    out.push_str("]]>");
                }
                Kind::Comment => {
                    out.push_str("<!--");
                    out.push_str(&node.data);
                    out.push_str("-->");
                }
                Kind::Directive => {
                    out.push_str("<!");
                    out.push_str(&node.data);
                    out.push('>');
                }
                Kind::Declaration | Kind::Element | Kind::Document => {
                    out.push_str(if node.kind == Kind::Declaration { "<?" } else { "<" });
                    out.push_str(&node.name);
                    for (k, v) in &node.attrs {
                        out.push_str(&format!(" {k}=\"{}\"", html_escape(v)));
                    }
                    if node.kind == Kind::Declaration {
                        out.push_str("?>");
                        continue;
                    }
                    out.push('>');
                    pending.push(Step::Close(id));
                    pending.extend(node.children.iter().rev().map(|&c| Step::Open(c, preserve)));
                }
            }
        }
        out
    }
}

/// The `name="value"` pairs of a declaration's body, split on spaces as xmlquery does.
fn declaration_attributes(body: &str) -> Vec<(String, String)> {
    body.split(' ')
        .map(str::trim)
        .filter_map(|pair| {
            let i = pair.find('=').filter(|&i| i > 0)?;
            Some((pair[..i].to_string(), pair[i + 1..].trim_matches(['"', '\'']).to_string()))
        })
        .collect()
}

/// Go's `html.EscapeString`.
fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '"' => out.push_str("&#34;"),
            c => out.push(c),
        }
    }
    out
}

// ---- The tokenizer ----

enum Token {
    Start { name: String, attrs: Vec<(String, String)>, empty: bool },
    End,
    Text { text: String, cdata: bool },
    Comment(String),
    ProcInst { target: String, body: String },
    Directive(String),
}

/// XML tokens by `encoding/xml`'s strict rules: matching end tags, quoted attribute
/// values, the five predefined entities and character references.
struct Tokenizer<'a> {
    src: &'a str,
    pos: usize,
    /// The names of the elements open at `pos`.
    open: Vec<String>,
    max_depth: usize,
}

impl<'a> Tokenizer<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    /// A syntax error at the current line, worded as Go's `SyntaxError`.
    fn error(&self, message: impl std::fmt::Display) -> Error {
        let line = 1 + self.src[..self.pos].matches('\n').count();
        Error::new(format!("XML syntax error on line {line}: {message}"))
    }

    fn eof(&self) -> Error {
        self.error("unexpected EOF")
    }

    fn next_token(&mut self) -> Result<Option<Token>> {
        if self.pos >= self.src.len() {
            if !self.open.is_empty() {
                return Err(self.eof());
            }
            return Ok(None);
        }
        let rest = self.rest();
        if !rest.starts_with('<') {
            let end = rest.find('<').unwrap_or(rest.len());
            let raw = &rest[..end];
            if raw.contains("]]>") {
                return Err(self.error("unescaped ]]> not in CDATA section"));
            }
            let text = self.decode_text(raw)?;
            self.pos += end;
            return Ok(Some(Token::Text { text, cdata: false }));
        }
        if let Some(after) = rest.strip_prefix("</") {
            return self.end_tag(after).map(Some);
        }
        if let Some(after) = rest.strip_prefix("<?") {
            let Some(end) = after.find("?>") else { return Err(self.eof()) };
            let inner = &after[..end];
            let target_len = inner.find(|c: char| c.is_whitespace()).unwrap_or(inner.len());
            let (target, body) = (&inner[..target_len], inner[target_len..].trim_start());
            if target.is_empty() {
                return Err(self.error("expected target name after <?"));
            }
            self.pos += 2 + end + 2;
            return Ok(Some(Token::ProcInst { target: target.to_string(), body: body.to_string() }));
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            let Some(end) = after.find("--") else { return Err(self.eof()) };
            if !after[end..].starts_with("-->") {
                return Err(self.error("invalid sequence \"--\" not allowed in comments"));
            }
            self.pos += 4 + end + 3;
            return Ok(Some(Token::Comment(after[..end].to_string())));
        }
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let Some(end) = after.find("]]>") else { return Err(self.eof()) };
            self.pos += 9 + end + 3;
            return Ok(Some(Token::Text { text: after[..end].to_string(), cdata: true }));
        }
        if let Some(after) = rest.strip_prefix("<!") {
            let end = directive_end(after).ok_or_else(|| self.eof())?;
            self.pos += 2 + end + 1;
            return Ok(Some(Token::Directive(after[..end].to_string())));
        }
        self.start_tag().map(Some)
    }

    fn end_tag(&mut self, after: &'a str) -> Result<Token> {
        let name_len = name_length(after);
        if name_len == 0 {
            return Err(self.error("expected element name after </"));
        }
        let name = &after[..name_len];
        let tail = &after[name_len..];
        let trimmed = tail.trim_start();
        if !trimmed.starts_with('>') {
            return Err(if trimmed.is_empty() {
                self.eof()
            } else {
                self.error(format!("invalid characters between </{name} and >"))
            });
        }
        match self.open.pop() {
            Some(open) if open == name => {}
            Some(open) => return Err(self.error(format!("element <{open}> closed by </{name}>"))),
            None => return Err(self.error(format!("unexpected end element </{name}>"))),
        }
        self.pos += 2 + name_len + (tail.len() - trimmed.len()) + 1;
        Ok(Token::End)
    }

    fn start_tag(&mut self) -> Result<Token> {
        self.pos += 1;
        let name_len = name_length(self.rest());
        if name_len == 0 {
            return Err(self.error("expected element name after <"));
        }
        let name = self.rest()[..name_len].to_string();
        self.pos += name_len;
        let mut attrs = Vec::new();
        loop {
            self.skip_space();
            let rest = self.rest();
            if rest.is_empty() {
                return Err(self.eof());
            }
            if rest.starts_with("/>") {
                self.pos += 2;
                return Ok(Token::Start { name, attrs, empty: true });
            }
            if rest.starts_with('>') {
                self.pos += 1;
                if self.open.len() >= self.max_depth {
                    return Err(Error::new("exceeded maximum XML nesting depth"));
                }
                self.open.push(name.clone());
                return Ok(Token::Start { name, attrs, empty: false });
            }
            let attr_len = name_length(rest);
            if attr_len == 0 {
                return Err(self.error("expected attribute name in element"));
            }
            let attr = rest[..attr_len].to_string();
            self.pos += attr_len;
            self.skip_space();
            if !self.rest().starts_with('=') {
                return Err(self.error("attribute name without = in element"));
            }
            self.pos += 1;
            self.skip_space();
            let quote = match self.rest().chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => return Err(self.error("unquoted or missing attribute value in element")),
            };
            self.pos += 1;
            let Some(end) = self.rest().find(quote) else { return Err(self.eof()) };
            let raw = &self.rest()[..end];
            if raw.contains('<') {
                return Err(self.error("unescaped < inside quoted string"));
            }
            let value = self.decode_text(raw)?;
            self.pos += end + 1;
            attrs.push((attr, value));
        }
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
    }

    /// Text with its entity and character references replaced.
    fn decode_text(&self, raw: &str) -> Result<String> {
        if let Some(c) = raw.chars().find(|&c| !is_xml_char(c)) {
            return Err(self.error(format!("illegal character code U+{:04X}", c as u32)));
        }
        if !raw.contains('&') {
            return Ok(raw.to_string());
        }
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            let after = &rest[amp + 1..];
            let Some(semi) = after.find(';').filter(|&s| s <= 32) else {
                let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '#').collect();
                return Err(self.error(format!("invalid character entity &{name} (no semicolon)")));
            };
            let entity = &after[..semi];
            let decoded = match entity {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "apos" => Some('\''),
                "quot" => Some('"'),
                _ => entity
                    .strip_prefix("#x")
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| entity.strip_prefix('#').map(|dec| dec.parse::<u32>()))
                    .and_then(|n| n.ok())
                    .and_then(char::from_u32)
                    .filter(|&c| is_xml_char(c)),
            };
            let Some(c) = decoded else { return Err(self.error(format!("invalid character entity &{entity};"))) };
            out.push(c);
            rest = &after[semi + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// The length of the XML name at the start of `s`.
fn name_length(s: &str) -> usize {
    let mut len = 0;
    for (i, c) in s.char_indices() {
        let ok = c.is_alphabetic()
            || c == '_'
            || c == ':'
            || (i > 0 && (c.is_ascii_digit() || c == '-' || c == '.'))
            || (!c.is_ascii() && !c.is_whitespace());
        if !ok {
            break;
        }
        len = i + c.len_utf8();
    }
    len
}

/// Where a `<!…>` directive ends (its `>`), skipping quoted text and nested `<…>`.
fn directive_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '<') => depth += 1,
            (None, '>') if depth == 0 => return Some(i),
            (None, '>') => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The characters XML 1.0 allows.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

// ---- XPath ----

/// An XPath 1.0 evaluator over [`Doc`]: location paths on every axis but `namespace`,
/// predicates, operators and the core function library (plus `ends-with`,
/// `lower-case` and `upper-case`, which the reference's engine also has).
mod xpath {
    use super::{Doc, Kind, NodeRef};
    use crate::error::{Error, Result};
    use std::collections::HashMap;

    #[derive(Debug)]
    pub(super) enum Expr {
        Binary(Op, Box<Expr>, Box<Expr>),
        Negate(Box<Expr>),
        Union(Box<Expr>, Box<Expr>),
        /// A location path, from the document (`/…`), from the context node, or from
        /// the nodes a filter expression gives.
        Path(Start, Vec<Step>),
        Filter(Box<Expr>, Vec<Expr>),
        Literal(String),
        Number(f64),
        Call(String, Vec<Expr>),
    }

    #[derive(Debug)]
    pub(super) enum Start {
        Root,
        Context,
        Expr(Box<Expr>),
    }

    #[derive(Clone, Copy, PartialEq, Debug)]
    pub(super) enum Op {
        Or,
        And,
        Eq,
        Ne,
        Lt,
        Le,
        Gt,
        Ge,
        Add,
        Sub,
        Mul,
        Div,
        Mod,
    }

    #[derive(Debug)]
    pub(super) struct Step {
        axis: Axis,
        test: Test,
        predicates: Vec<Expr>,
    }

    #[derive(Clone, Copy, PartialEq, Debug)]
    enum Axis {
        Child,
        Descendant,
        DescendantOrSelf,
        Parent,
        Ancestor,
        AncestorOrSelf,
        FollowingSibling,
        PrecedingSibling,
        Following,
        Preceding,
        Attribute,
        SelfNode,
    }

    impl Axis {
        fn from_name(name: &str) -> Option<Axis> {
            Some(match name {
                "child" => Axis::Child,
                "descendant" => Axis::Descendant,
                "descendant-or-self" => Axis::DescendantOrSelf,
                "parent" => Axis::Parent,
                "ancestor" => Axis::Ancestor,
                "ancestor-or-self" => Axis::AncestorOrSelf,
                "following-sibling" => Axis::FollowingSibling,
                "preceding-sibling" => Axis::PrecedingSibling,
                "following" => Axis::Following,
                "preceding" => Axis::Preceding,
                "attribute" => Axis::Attribute,
                "self" => Axis::SelfNode,
                _ => return None,
            })
        }

        /// Axes whose proximity positions count backwards from the context node.
        fn is_reverse(self) -> bool {
            matches!(self, Axis::Parent | Axis::Ancestor | Axis::AncestorOrSelf | Axis::PrecedingSibling | Axis::Preceding)
        }
    }

    #[derive(Debug)]
    enum Test {
        Name(String),
        AnyName,
        PrefixAny(String),
        Node,
        Text,
        Comment,
        ProcessingInstruction,
    }

    // -- Lexer --

    #[derive(Clone, Debug, PartialEq)]
    enum Tok {
        Slash,
        DoubleSlash,
        LBracket,
        RBracket,
        LParen,
        RParen,
        At,
        Comma,
        Pipe,
        Dot,
        DotDot,
        ColonColon,
        Dollar,
        Star,
        Name(String),
        Literal(String),
        Number(f64),
        Op(Op),
    }

    fn lex(text: &str) -> Result<Vec<Tok>> {
        let chars: Vec<char> = text.chars().collect();
        let mut tokens: Vec<Tok> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            // After these, `*` is a name test and `and`/`or`/`div`/`mod` are names.
            let operand_expected = matches!(
                tokens.last(),
                None | Some(
                    Tok::At
                        | Tok::ColonColon
                        | Tok::LParen
                        | Tok::LBracket
                        | Tok::Comma
                        | Tok::Op(_)
                        | Tok::Slash
                        | Tok::DoubleSlash
                        | Tok::Pipe
                )
            );
            let (token, len) = match c {
                ' ' | '\t' | '\r' | '\n' => {
                    i += 1;
                    continue;
                }
                '/' if next == Some('/') => (Tok::DoubleSlash, 2),
                '/' => (Tok::Slash, 1),
                '[' => (Tok::LBracket, 1),
                ']' => (Tok::RBracket, 1),
                '(' => (Tok::LParen, 1),
                ')' => (Tok::RParen, 1),
                '@' => (Tok::At, 1),
                ',' => (Tok::Comma, 1),
                '|' => (Tok::Pipe, 1),
                '$' => (Tok::Dollar, 1),
                ':' if next == Some(':') => (Tok::ColonColon, 2),
                '.' if next == Some('.') => (Tok::DotDot, 2),
                '.' if !next.is_some_and(|n| n.is_ascii_digit()) => (Tok::Dot, 1),
                '*' if operand_expected => (Tok::Star, 1),
                '*' => (Tok::Op(Op::Mul), 1),
                '=' => (Tok::Op(Op::Eq), 1),
                '!' if next == Some('=') => (Tok::Op(Op::Ne), 2),
                '<' if next == Some('=') => (Tok::Op(Op::Le), 2),
                '<' => (Tok::Op(Op::Lt), 1),
                '>' if next == Some('=') => (Tok::Op(Op::Ge), 2),
                '>' => (Tok::Op(Op::Gt), 1),
                '+' => (Tok::Op(Op::Add), 1),
                '-' => (Tok::Op(Op::Sub), 1),
                '"' | '\'' => {
                    let end = chars[i + 1..].iter().position(|&q| q == c).ok_or_else(|| Error::new("unclosed string literal"))?;
                    (Tok::Literal(chars[i + 1..i + 1 + end].iter().collect()), end + 2)
                }
                c if c.is_ascii_digit() || c == '.' => {
                    let len = chars[i..].iter().take_while(|d| d.is_ascii_digit() || **d == '.').count();
                    let text: String = chars[i..i + len].iter().collect();
                    let number = text.parse::<f64>().map_err(|_| Error::new(format!("invalid number {text}")))?;
                    (Tok::Number(number), len)
                }
                c if is_name_start(c) => {
                    let mut len = chars[i..].iter().take_while(|&&d| is_name_char(d)).count();
                    // A QName (`p:n`) or `p:*`, but not an axis (`child::`).
                    if chars.get(i + len) == Some(&':') && chars.get(i + len + 1) != Some(&':') {
                        match chars.get(i + len + 1) {
                            Some('*') => len += 2,
                            Some(&d) if is_name_start(d) => {
                                len += 1 + chars[i + len + 1..].iter().take_while(|&&d| is_name_char(d)).count();
                            }
                            _ => {}
                        }
                    }
                    let name: String = chars[i..i + len].iter().collect();
                    let operator = match name.as_str() {
                        "and" => Some(Op::And),
                        "or" => Some(Op::Or),
                        "div" => Some(Op::Div),
                        "mod" => Some(Op::Mod),
                        _ => None,
                    };
                    match operator {
                        Some(op) if !operand_expected => (Tok::Op(op), len),
                        _ => (Tok::Name(name), len),
                    }
                }
                other => return Err(Error::new(format!("{text} has an invalid token: unexpected character {other:?}"))),
            };
            tokens.push(token);
            i += len;
        }
        Ok(tokens)
    }

    fn is_name_start(c: char) -> bool {
        c.is_alphabetic() || c == '_'
    }

    fn is_name_char(c: char) -> bool {
        c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
    }

    // -- Parser --

    /// Compiles an XPath expression.
    pub(super) fn compile(text: &str) -> Result<Expr> {
        let tokens = lex(text)?;
        if tokens.is_empty() {
            return Err(Error::new(format!("{text} has an invalid token")));
        }
        let mut parser = Parser { tokens, pos: 0, depth: 0 };
        let expr = parser.expr()?;
        if parser.pos != parser.tokens.len() {
            return Err(Error::new(format!("{text} has an invalid token")));
        }
        Ok(expr)
    }

    /// Nesting deeper than this in an XPath expression is refused.
    const MAX_EXPR_DEPTH: usize = 200;

    struct Parser {
        tokens: Vec<Tok>,
        pos: usize,
        depth: usize,
    }

    impl Parser {
        fn peek(&self) -> Option<&Tok> {
            self.tokens.get(self.pos)
        }

        fn peek_at(&self, offset: usize) -> Option<&Tok> {
            self.tokens.get(self.pos + offset)
        }

        fn eat(&mut self, token: &Tok) -> bool {
            let matched = self.peek() == Some(token);
            if matched {
                self.pos += 1;
            }
            matched
        }

        fn expect(&mut self, token: &Tok) -> Result<()> {
            if self.eat(token) { Ok(()) } else { Err(Error::new(format!("expected {token:?} at token {}", self.pos))) }
        }

        fn expr(&mut self) -> Result<Expr> {
            self.depth += 1;
            if self.depth > MAX_EXPR_DEPTH {
                return Err(Error::new("expression nested too deeply"));
            }
            let expr = self.binary(0);
            self.depth -= 1;
            expr
        }

        /// Binary operators by precedence level: or, and, equality, relational,
        /// additive, multiplicative.
        fn binary(&mut self, level: usize) -> Result<Expr> {
            const LEVELS: [&[Op]; 6] = [
                &[Op::Or],
                &[Op::And],
                &[Op::Eq, Op::Ne],
                &[Op::Lt, Op::Le, Op::Gt, Op::Ge],
                &[Op::Add, Op::Sub],
                &[Op::Mul, Op::Div, Op::Mod],
            ];
            let Some(ops) = LEVELS.get(level) else { return self.unary() };
            let mut left = self.binary(level + 1)?;
            while let Some(Tok::Op(op)) = self.peek().cloned() {
                if !ops.contains(&op) {
                    break;
                }
                self.pos += 1;
                let right = self.binary(level + 1)?;
                left = Expr::Binary(op, Box::new(left), Box::new(right));
            }
            Ok(left)
        }

        fn unary(&mut self) -> Result<Expr> {
            if self.eat(&Tok::Op(Op::Sub)) {
                self.depth += 1;
                if self.depth > MAX_EXPR_DEPTH {
                    return Err(Error::new("expression nested too deeply"));
                }
                let operand = self.unary()?;
                self.depth -= 1;
                return Ok(Expr::Negate(Box::new(operand)));
            }
            let mut left = self.path()?;
            while self.eat(&Tok::Pipe) {
                let right = self.path()?;
                left = Expr::Union(Box::new(left), Box::new(right));
            }
            Ok(left)
        }

        /// A location path, or a filter expression optionally followed by `/` steps.
        fn path(&mut self) -> Result<Expr> {
            match self.peek() {
                Some(Tok::Slash) => {
                    self.pos += 1;
                    let steps = if self.starts_step() { self.relative_steps()? } else { Vec::new() };
                    Ok(Expr::Path(Start::Root, steps))
                }
                Some(Tok::DoubleSlash) => {
                    self.pos += 1;
                    let mut steps = vec![descendant_or_self()];
                    steps.extend(self.relative_steps()?);
                    Ok(Expr::Path(Start::Root, steps))
                }
                _ if self.starts_filter() => {
                    let primary = self.primary()?;
                    let mut predicates = Vec::new();
                    while self.peek() == Some(&Tok::LBracket) {
                        predicates.push(self.predicate()?);
                    }
                    let filtered = if predicates.is_empty() { primary } else { Expr::Filter(Box::new(primary), predicates) };
                    if matches!(self.peek(), Some(Tok::Slash | Tok::DoubleSlash)) {
                        let steps = self.continued_steps()?;
                        return Ok(Expr::Path(Start::Expr(Box::new(filtered)), steps));
                    }
                    Ok(filtered)
                }
                _ => Ok(Expr::Path(Start::Context, self.relative_steps()?)),
            }
        }

        fn starts_step(&self) -> bool {
            matches!(self.peek(), Some(Tok::Name(_) | Tok::Star | Tok::At | Tok::Dot | Tok::DotDot))
        }

        /// Whether a filter expression (literal, number, parenthesis, variable or
        /// function call) starts here, rather than a step.
        fn starts_filter(&self) -> bool {
            match self.peek() {
                Some(Tok::Literal(_) | Tok::Number(_) | Tok::LParen | Tok::Dollar) => true,
                Some(Tok::Name(name)) => {
                    self.peek_at(1) == Some(&Tok::LParen)
                        && !matches!(name.as_str(), "node" | "text" | "comment" | "processing-instruction")
                }
                _ => false,
            }
        }

        fn relative_steps(&mut self) -> Result<Vec<Step>> {
            let mut steps = vec![self.step()?];
            steps.extend(self.continued_steps()?);
            Ok(steps)
        }

        /// Further `/step` and `//step` parts.
        fn continued_steps(&mut self) -> Result<Vec<Step>> {
            let mut steps = Vec::new();
            loop {
                if self.eat(&Tok::Slash) {
                    steps.push(self.step()?);
                } else if self.eat(&Tok::DoubleSlash) {
                    steps.push(descendant_or_self());
                    steps.push(self.step()?);
                } else {
                    return Ok(steps);
                }
            }
        }

        fn step(&mut self) -> Result<Step> {
            if self.eat(&Tok::Dot) {
                return Ok(Step { axis: Axis::SelfNode, test: Test::Node, predicates: Vec::new() });
            }
            if self.eat(&Tok::DotDot) {
                return Ok(Step { axis: Axis::Parent, test: Test::Node, predicates: Vec::new() });
            }
            let axis = if self.eat(&Tok::At) {
                Axis::Attribute
            } else if let (Some(Tok::Name(name)), Some(Tok::ColonColon)) = (self.peek(), self.peek_at(1)) {
                let axis = Axis::from_name(name).ok_or_else(|| Error::new(format!("invalid axis {name}")))?;
                self.pos += 2;
                axis
            } else {
                Axis::Child
            };
            let test = self.node_test()?;
            let mut predicates = Vec::new();
            while self.peek() == Some(&Tok::LBracket) {
                predicates.push(self.predicate()?);
            }
            Ok(Step { axis, test, predicates })
        }

        fn node_test(&mut self) -> Result<Test> {
            match self.peek().cloned() {
                Some(Tok::Star) => {
                    self.pos += 1;
                    Ok(Test::AnyName)
                }
                Some(Tok::Name(name)) => {
                    self.pos += 1;
                    let kind_test = match name.as_str() {
                        "node" => Some(Test::Node),
                        "text" => Some(Test::Text),
                        "comment" => Some(Test::Comment),
                        "processing-instruction" => Some(Test::ProcessingInstruction),
                        _ => None,
                    };
                    if let Some(test) = kind_test
                        && self.eat(&Tok::LParen)
                    {
                        if let Some(Tok::Literal(_)) = self.peek() {
                            self.pos += 1;
                        }
                        self.expect(&Tok::RParen)?;
                        return Ok(test);
                    }
                    Ok(match name.strip_suffix(":*") {
                        Some(prefix) => Test::PrefixAny(prefix.to_string()),
                        None => Test::Name(name),
                    })
                }
                other => Err(Error::new(format!("expected a node test, got {other:?}"))),
            }
        }

        fn predicate(&mut self) -> Result<Expr> {
            self.expect(&Tok::LBracket)?;
            let expr = self.expr()?;
            self.expect(&Tok::RBracket)?;
            Ok(expr)
        }

        fn primary(&mut self) -> Result<Expr> {
            match self.peek().cloned() {
                Some(Tok::Literal(s)) => {
                    self.pos += 1;
                    Ok(Expr::Literal(s))
                }
                Some(Tok::Number(n)) => {
                    self.pos += 1;
                    Ok(Expr::Number(n))
                }
                Some(Tok::LParen) => {
                    self.pos += 1;
                    let expr = self.expr()?;
                    self.expect(&Tok::RParen)?;
                    Ok(expr)
                }
                Some(Tok::Dollar) => Err(Error::new("variables are not supported")),
                Some(Tok::Name(name)) => {
                    self.pos += 2;
                    let mut args = Vec::new();
                    if !self.eat(&Tok::RParen) {
                        loop {
                            args.push(self.expr()?);
                            if self.eat(&Tok::RParen) {
                                break;
                            }
                            self.expect(&Tok::Comma)?;
                        }
                    }
                    check_function(&name, args.len())?;
                    Ok(Expr::Call(name, args))
                }
                other => Err(Error::new(format!("unexpected token {other:?}"))),
            }
        }
    }

    fn descendant_or_self() -> Step {
        Step { axis: Axis::DescendantOrSelf, test: Test::Node, predicates: Vec::new() }
    }

    /// The functions known, with their argument counts (min, max).
    const FUNCTIONS: &[(&str, usize, usize)] = &[
        ("last", 0, 0),
        ("position", 0, 0),
        ("count", 1, 1),
        ("local-name", 0, 1),
        ("name", 0, 1),
        ("namespace-uri", 0, 1),
        ("string", 0, 1),
        ("concat", 2, usize::MAX),
        ("starts-with", 2, 2),
        ("ends-with", 2, 2),
        ("contains", 2, 2),
        ("substring-before", 2, 2),
        ("substring-after", 2, 2),
        ("substring", 2, 3),
        ("string-length", 0, 1),
        ("normalize-space", 0, 1),
        ("translate", 3, 3),
        ("lower-case", 1, 1),
        ("upper-case", 1, 1),
        ("not", 1, 1),
        ("true", 0, 0),
        ("false", 0, 0),
        ("boolean", 1, 1),
        ("number", 0, 1),
        ("sum", 1, 1),
        ("floor", 1, 1),
        ("ceiling", 1, 1),
        ("round", 1, 1),
    ];

    fn check_function(name: &str, count: usize) -> Result<()> {
        match FUNCTIONS.iter().find(|(n, _, _)| *n == name) {
            None => Err(Error::new(format!("not yet support this function {name}()"))),
            Some((_, min, max)) if count < *min || count > *max => {
                Err(Error::new(format!("{name}() was given {count} arguments")))
            }
            Some(_) => Ok(()),
        }
    }

    // -- Evaluation --

    enum XValue {
        Nodes(Vec<NodeRef>),
        Str(String),
        Num(f64),
        Bool(bool),
    }

    /// The evaluation context: the node, its position (1-based) and the size of its set.
    #[derive(Clone, Copy)]
    struct Context {
        node: NodeRef,
        position: usize,
        size: usize,
    }

    /// Document order: each node's preorder index and the last index in its subtree.
    struct Order {
        index: HashMap<usize, usize>,
        subtree_end: HashMap<usize, usize>,
    }

    impl Order {
        fn of(doc: &Doc) -> Order {
            let preorder = doc.preorder(Doc::ROOT);
            let index: HashMap<usize, usize> = preorder.iter().enumerate().map(|(i, &n)| (n, i)).collect();
            let mut subtree_end: HashMap<usize, usize> = HashMap::new();
            for &n in preorder.iter().rev() {
                let end = doc.nodes[n].children.last().and_then(|c| subtree_end.get(c).copied()).unwrap_or(index[&n]);
                subtree_end.insert(n, end);
            }
            Order { index, subtree_end }
        }

        fn key(&self, node: NodeRef) -> (usize, usize) {
            match node {
                NodeRef::Node(n) => (self.index.get(&n).copied().unwrap_or(usize::MAX), 0),
                NodeRef::Attr(n, i) => (self.index.get(&n).copied().unwrap_or(usize::MAX), i + 1),
            }
        }
    }

    struct Evaluator<'a> {
        doc: &'a Doc,
        order: Order,
    }

    /// The nodes an expression selects from the document, in document order; an
    /// expression that is not a node-set, or fails, selects nothing.
    pub(super) fn select(doc: &Doc, expr: &Expr) -> Vec<NodeRef> {
        let evaluator = Evaluator { doc, order: Order::of(doc) };
        let root = Context { node: NodeRef::Node(Doc::ROOT), position: 1, size: 1 };
        match evaluator.eval(expr, root) {
            Ok(XValue::Nodes(nodes)) => nodes,
            _ => Vec::new(),
        }
    }

    impl Evaluator<'_> {
        fn sorted(&self, mut nodes: Vec<NodeRef>) -> Vec<NodeRef> {
            nodes.sort_by_key(|&n| self.order.key(n));
            nodes.dedup();
            nodes
        }

        fn eval(&self, expr: &Expr, ctx: Context) -> Result<XValue> {
            Ok(match expr {
                Expr::Literal(s) => XValue::Str(s.clone()),
                Expr::Number(n) => XValue::Num(*n),
                Expr::Negate(e) => XValue::Num(-self.number(self.eval(e, ctx)?)),
                Expr::Union(a, b) => {
                    let mut nodes = self.nodes(self.eval(a, ctx)?)?;
                    nodes.extend(self.nodes(self.eval(b, ctx)?)?);
                    XValue::Nodes(self.sorted(nodes))
                }
                Expr::Binary(op, a, b) => self.binary(*op, a, b, ctx)?,
                Expr::Call(name, args) => self.call(name, args, ctx)?,
                Expr::Filter(primary, predicates) => {
                    let nodes = self.nodes(self.eval(primary, ctx)?)?;
                    XValue::Nodes(self.apply_predicates(nodes, predicates)?)
                }
                Expr::Path(start, steps) => {
                    let mut current = match start {
                        Start::Root => vec![NodeRef::Node(Doc::ROOT)],
                        Start::Context => vec![ctx.node],
                        Start::Expr(e) => self.nodes(self.eval(e, ctx)?)?,
                    };
                    for step in steps {
                        let mut next = Vec::new();
                        for &node in &current {
                            let mut candidates: Vec<NodeRef> = self
                                .axis(step.axis, node)
                                .into_iter()
                                .filter(|&n| self.matches(&step.test, step.axis, n))
                                .collect();
                            if step.axis.is_reverse() {
                                candidates.reverse();
                            }
                            let mut kept = self.apply_predicates(candidates, &step.predicates)?;
                            if step.axis.is_reverse() {
                                kept.reverse();
                            }
                            next.extend(kept);
                        }
                        current = self.sorted(next);
                    }
                    XValue::Nodes(current)
                }
            })
        }

        /// Filters `nodes` (in proximity order) by each predicate in turn: a number keeps
        /// the node at that position, anything else keeps the nodes it is true for.
        fn apply_predicates(&self, mut nodes: Vec<NodeRef>, predicates: &[Expr]) -> Result<Vec<NodeRef>> {
            for predicate in predicates {
                let size = nodes.len();
                let mut kept = Vec::with_capacity(size);
                for (i, &node) in nodes.iter().enumerate() {
                    let ctx = Context { node, position: i + 1, size };
                    let keep = match self.eval(predicate, ctx)? {
                        XValue::Num(n) => n == (i + 1) as f64,
                        other => self.boolean(&other),
                    };
                    if keep {
                        kept.push(node);
                    }
                }
                nodes = kept;
            }
            Ok(nodes)
        }

        fn nodes(&self, value: XValue) -> Result<Vec<NodeRef>> {
            match value {
                XValue::Nodes(nodes) => Ok(nodes),
                _ => Err(Error::new("expression must evaluate to a node-set")),
            }
        }

        /// The nodes on `axis` from `node`, in document order.
        fn axis(&self, axis: Axis, node: NodeRef) -> Vec<NodeRef> {
            let doc = self.doc;
            let parent = match node {
                NodeRef::Node(n) => doc.nodes[n].parent,
                NodeRef::Attr(n, _) => Some(n),
            };
            let ancestors = || {
                let mut list = Vec::new();
                let mut current = parent;
                while let Some(p) = current {
                    list.push(NodeRef::Node(p));
                    current = doc.nodes[p].parent;
                }
                list.reverse();
                list
            };
            let descendants = |n: usize| doc.preorder(n).into_iter().skip(1).map(NodeRef::Node).collect::<Vec<_>>();
            match (axis, node) {
                (Axis::SelfNode, _) => vec![node],
                (Axis::Attribute, NodeRef::Node(n)) if doc.nodes[n].kind == Kind::Element => {
                    (0..doc.nodes[n].attrs.len()).map(|i| NodeRef::Attr(n, i)).collect()
                }
                (Axis::Child, NodeRef::Node(n)) => doc.nodes[n].children.iter().map(|&c| NodeRef::Node(c)).collect(),
                (Axis::Descendant, NodeRef::Node(n)) => descendants(n),
                (Axis::DescendantOrSelf, NodeRef::Node(n)) => {
                    let mut list = vec![node];
                    list.extend(descendants(n));
                    list
                }
                (Axis::DescendantOrSelf, NodeRef::Attr(..)) => vec![node],
                (Axis::Parent, _) => parent.map(NodeRef::Node).into_iter().collect(),
                (Axis::Ancestor, _) => ancestors(),
                (Axis::AncestorOrSelf, _) => {
                    let mut list = ancestors();
                    list.push(node);
                    list
                }
                (Axis::FollowingSibling | Axis::PrecedingSibling, NodeRef::Node(n)) => {
                    let Some(p) = parent else { return Vec::new() };
                    let siblings = &doc.nodes[p].children;
                    let at = siblings.iter().position(|&c| c == n).unwrap_or(0);
                    let chosen = if axis == Axis::FollowingSibling { siblings.get(at + 1..) } else { siblings.get(..at) };
                    let chosen = chosen.unwrap_or(&[]);
                    chosen.iter().map(|&c| NodeRef::Node(c)).collect()
                }
                (Axis::Following | Axis::Preceding, _) => self.following_or_preceding(axis, node),
                _ => Vec::new(),
            }
        }

        fn following_or_preceding(&self, axis: Axis, node: NodeRef) -> Vec<NodeRef> {
            let (anchor, is_attr) = match node {
                NodeRef::Node(n) => (n, false),
                NodeRef::Attr(n, _) => (n, true),
            };
            let start = self.order.index.get(&anchor).copied().unwrap_or(0);
            let end = if is_attr { start } else { self.order.subtree_end.get(&anchor).copied().unwrap_or(start) };
            let all = self.doc.preorder(Doc::ROOT);
            if axis == Axis::Following {
                all.into_iter().skip(end + 1).map(NodeRef::Node).collect()
            } else {
                let ancestors: Vec<NodeRef> = self.axis(Axis::Ancestor, NodeRef::Node(anchor));
                all.into_iter().take(start).map(NodeRef::Node).filter(|n| !ancestors.contains(n)).collect()
            }
        }

        fn matches(&self, test: &Test, axis: Axis, node: NodeRef) -> bool {
            let doc = self.doc;
            match node {
                NodeRef::Attr(n, i) => {
                    let Some((name, _)) = doc.nodes[n].attrs.get(i) else { return false };
                    match test {
                        Test::Node => true,
                        Test::AnyName => axis == Axis::Attribute || axis == Axis::SelfNode,
                        Test::Name(wanted) => name == wanted,
                        Test::PrefixAny(prefix) => name.split_once(':').is_some_and(|(p, _)| p == prefix),
                        _ => false,
                    }
                }
                NodeRef::Node(n) => {
                    let node = &doc.nodes[n];
                    match test {
                        Test::Node => true,
                        Test::Text => matches!(node.kind, Kind::Text | Kind::CData),
                        Test::Comment => node.kind == Kind::Comment,
                        Test::ProcessingInstruction => node.kind == Kind::Declaration,
                        Test::AnyName => node.kind == Kind::Element,
                        Test::Name(wanted) => node.kind == Kind::Element && node.name == *wanted,
                        Test::PrefixAny(prefix) => {
                            node.kind == Kind::Element && node.name.split_once(':').is_some_and(|(p, _)| p == prefix)
                        }
                    }
                }
            }
        }

        fn binary(&self, op: Op, a: &Expr, b: &Expr, ctx: Context) -> Result<XValue> {
            match op {
                Op::Or => Ok(XValue::Bool(self.boolean(&self.eval(a, ctx)?) || self.boolean(&self.eval(b, ctx)?))),
                Op::And => Ok(XValue::Bool(self.boolean(&self.eval(a, ctx)?) && self.boolean(&self.eval(b, ctx)?))),
                Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod => {
                    let (x, y) = (self.number(self.eval(a, ctx)?), self.number(self.eval(b, ctx)?));
                    Ok(XValue::Num(match op {
                        Op::Add => x + y,
                        Op::Sub => x - y,
                        Op::Mul => x * y,
                        Op::Div => x / y,
                        _ => x % y,
                    }))
                }
                _ => Ok(XValue::Bool(self.compare(op, &self.eval(a, ctx)?, &self.eval(b, ctx)?))),
            }
        }

        /// XPath 1.0 comparison, node-sets compared member by member.
        fn compare(&self, op: Op, a: &XValue, b: &XValue) -> bool {
            match (a, b) {
                (XValue::Nodes(xs), XValue::Nodes(ys)) => xs.iter().any(|&x| {
                    let sx = self.doc.string_value(x);
                    ys.iter().any(|&y| self.compare_atoms(op, &XValue::Str(sx.clone()), &XValue::Str(self.doc.string_value(y))))
                }),
                (XValue::Nodes(xs), XValue::Bool(_)) => self.compare_atoms(op, &XValue::Bool(!xs.is_empty()), b),
                (XValue::Bool(_), XValue::Nodes(ys)) => self.compare_atoms(op, a, &XValue::Bool(!ys.is_empty())),
                (XValue::Nodes(xs), other) => {
                    xs.iter().any(|&x| self.compare_atoms(op, &XValue::Str(self.doc.string_value(x)), other))
                }
                (other, XValue::Nodes(ys)) => {
                    ys.iter().any(|&y| self.compare_atoms(op, other, &XValue::Str(self.doc.string_value(y))))
                }
                _ => self.compare_atoms(op, a, b),
            }
        }

        fn compare_atoms(&self, op: Op, a: &XValue, b: &XValue) -> bool {
            if matches!(op, Op::Eq | Op::Ne) {
                let equal = match (a, b) {
                    (XValue::Bool(_), _) | (_, XValue::Bool(_)) => self.boolean(a) == self.boolean(b),
                    (XValue::Num(_), _) | (_, XValue::Num(_)) => self.number_of(a) == self.number_of(b),
                    _ => self.string(a) == self.string(b),
                };
                return equal == (op == Op::Eq);
            }
            let (x, y) = (self.number_of(a), self.number_of(b));
            match op {
                Op::Lt => x < y,
                Op::Le => x <= y,
                Op::Gt => x > y,
                _ => x >= y,
            }
        }

        fn boolean(&self, value: &XValue) -> bool {
            match value {
                XValue::Nodes(n) => !n.is_empty(),
                XValue::Str(s) => !s.is_empty(),
                XValue::Num(n) => *n != 0.0 && !n.is_nan(),
                XValue::Bool(b) => *b,
            }
        }

        fn string(&self, value: &XValue) -> String {
            match value {
                XValue::Nodes(n) => n.first().map(|&n| self.doc.string_value(n)).unwrap_or_default(),
                XValue::Str(s) => s.clone(),
                XValue::Num(n) => number_text(*n),
                XValue::Bool(b) => b.to_string(),
            }
        }

        fn number_of(&self, value: &XValue) -> f64 {
            match value {
                XValue::Num(n) => *n,
                XValue::Bool(b) => f64::from(u8::from(*b)),
                other => parse_number(&self.string(other)),
            }
        }

        fn number(&self, value: XValue) -> f64 {
            self.number_of(&value)
        }

        fn call(&self, name: &str, args: &[Expr], ctx: Context) -> Result<XValue> {
            let arg = |i: usize| -> Result<XValue> {
                match args.get(i) {
                    Some(e) => self.eval(e, ctx),
                    None => Ok(XValue::Nodes(vec![ctx.node])),
                }
            };
            let text = |i: usize| -> Result<String> { Ok(self.string(&arg(i)?)) };
            let first_node = |i: usize| -> Result<Option<NodeRef>> {
                Ok(match arg(i)? {
                    XValue::Nodes(n) => n.first().copied(),
                    _ => return Err(Error::new(format!("{name}() needs a node-set"))),
                })
            };
            Ok(match name {
                "last" => XValue::Num(ctx.size as f64),
                "position" => XValue::Num(ctx.position as f64),
                "count" => XValue::Num(self.nodes(arg(0)?)?.len() as f64),
                "local-name" | "name" => {
                    let full = first_node(0)?.map(|n| self.qualified_name(n)).unwrap_or_default();
                    XValue::Str(if name == "name" { full } else { super::local_name(&full).to_string() })
                }
                "namespace-uri" => XValue::Str(String::new()),
                "string" => XValue::Str(text(0)?),
                "concat" => XValue::Str((0..args.len()).map(text).collect::<Result<String>>()?),
                "starts-with" => XValue::Bool(text(0)?.starts_with(&text(1)?)),
                "ends-with" => XValue::Bool(text(0)?.ends_with(&text(1)?)),
                "contains" => XValue::Bool(text(0)?.contains(&text(1)?)),
                "substring-before" => {
                    let (s, sep) = (text(0)?, text(1)?);
                    XValue::Str(s.split_once(&sep).map(|(b, _)| b.to_string()).unwrap_or_default())
                }
                "substring-after" => {
                    let (s, sep) = (text(0)?, text(1)?);
                    XValue::Str(s.split_once(&sep).map(|(_, a)| a.to_string()).unwrap_or_default())
                }
                "substring" => {
                    let s = text(0)?;
                    let start = self.number(arg(1)?).round();
                    let end = if args.len() > 2 { start + self.number(arg(2)?).round() } else { f64::INFINITY };
                    let kept = s.chars().enumerate().filter(|(i, _)| {
                        let p = (*i + 1) as f64;
                        p >= start && p < end
                    });
                    XValue::Str(kept.map(|(_, c)| c).collect())
                }
                "string-length" => XValue::Num(text(0)?.chars().count() as f64),
                "normalize-space" => XValue::Str(text(0)?.split_whitespace().collect::<Vec<_>>().join(" ")),
                "translate" => {
                    let (s, from, to) = (text(0)?, text(1)?, text(2)?);
                    let to: Vec<char> = to.chars().collect();
                    let mapped = s.chars().filter_map(|c| match from.chars().position(|f| f == c) {
                        Some(i) => to.get(i).copied(),
                        None => Some(c),
                    });
                    XValue::Str(mapped.collect())
                }
                "lower-case" => XValue::Str(text(0)?.to_lowercase()),
                "upper-case" => XValue::Str(text(0)?.to_uppercase()),
                "not" => XValue::Bool(!self.boolean(&arg(0)?)),
                "true" => XValue::Bool(true),
                "false" => XValue::Bool(false),
                "boolean" => XValue::Bool(self.boolean(&arg(0)?)),
                "number" => XValue::Num(self.number(arg(0)?)),
                "sum" => XValue::Num(self.nodes(arg(0)?)?.into_iter().map(|n| parse_number(&self.doc.string_value(n))).sum()),
                "floor" => XValue::Num(self.number(arg(0)?).floor()),
                "ceiling" => XValue::Num(self.number(arg(0)?).ceil()),
                "round" => XValue::Num((self.number(arg(0)?) + 0.5).floor()),
                other => return Err(Error::new(format!("not yet support this function {other}()"))),
            })
        }

        fn qualified_name(&self, node: NodeRef) -> String {
            match node {
                NodeRef::Attr(n, i) => self.doc.nodes[n].attrs.get(i).map(|(k, _)| k.clone()).unwrap_or_default(),
                NodeRef::Node(n) => match self.doc.nodes[n].kind {
                    Kind::Element | Kind::Declaration => self.doc.nodes[n].name.clone(),
                    _ => String::new(),
                },
            }
        }
    }

    /// XPath's `number()` of a string: optional minus, digits with an optional point;
    /// anything else is NaN.
    fn parse_number(text: &str) -> f64 {
        let t = text.trim();
        let digits = t.strip_prefix('-').unwrap_or(t);
        let valid = !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
            && digits.matches('.').count() <= 1
            && digits != ".";
        if valid { t.parse().unwrap_or(f64::NAN) } else { f64::NAN }
    }

    /// A number as XPath's `string()` writes it.
    fn number_text(n: f64) -> String {
        if n.is_nan() {
            "NaN".into()
        } else if n.is_infinite() {
            if n > 0.0 { "Infinity".into() } else { "-Infinity".into() }
        } else if n == n.trunc() && n.abs() < 1e18 {
            format!("{}", n as i64)
        } else {
            format!("{n}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::convert;
    use super::*;

    fn s(text: &str) -> Value {
        Value::string(text)
    }

    fn call(name: &str, args: &[&str]) -> Result<Value> {
        convert(name, args.iter().map(|a| s(a)).collect())
    }

    fn text(name: &str, args: &[&str]) -> String {
        match call(name, args) {
            Ok(Value::String(out)) => out,
            other => panic!("{name}{args:?} gave {other:?}"),
        }
    }

    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::Map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn parse_xml_shape() {
        let parsed = call("ParseXML", &[r#"<Log id="1"><Message>This is a log message!</Message></Log>"#]).unwrap();
        let message = map(&[("tag", s("Message")), ("content", s("This is a log message!"))]);
        assert_eq!(
            parsed,
            map(&[("tag", s("Log")), ("attributes", map(&[("id", s("1"))])), ("children", Value::Slice(vec![message]))])
        );
        let formatted = "<?xml version=\"1.0\"?>\n<!-- c -->\n<a x:y=\"1\">\n  text <![CDATA[ more ]]>\n  <b/>\n</a>";
        let Value::Map(m) = call("ParseXML", &[formatted]).unwrap() else { panic!() };
        assert_eq!(m["content"], s("textmore"));
        assert_eq!(m["attributes"], map(&[("y", s("1"))]));
        assert_eq!(m["children"], Value::Slice(vec![map(&[("tag", s("b"))])]));
        assert_eq!(call("ParseXML", &["<a/>trailing"]).unwrap_err().message(), "trailing bytes after parsing xml");
        assert_eq!(call("ParseXML", &[""]).unwrap_err().message(), "unmarshal xml: EOF");
        assert_eq!(
            call("ParseXML", &["<a><b></a>"]).unwrap_err().message(),
            "unmarshal xml: XML syntax error on line 1: element <b> closed by </a>"
        );
        assert_eq!(
            call("ParseXML", &["<a>\n<b>"]).unwrap_err().message(),
            "unmarshal xml: XML syntax error on line 2: unexpected EOF"
        );
        assert_eq!(
            call("ParseXML", &["<a>&bogus;</a>"]).unwrap_err().message(),
            "unmarshal xml: XML syntax error on line 1: invalid character entity &bogus;"
        );
        assert_eq!(
            call("ParseXML", &["<a b=c/>"]).unwrap_err().message(),
            "unmarshal xml: XML syntax error on line 1: unquoted or missing attribute value in element"
        );
        assert_eq!(call("ParseXML", &["<a>&lt;&#65;&#x42;</a>"]).unwrap(), map(&[("tag", s("a")), ("content", s("<AB"))]));
    }

    #[test]
    fn parse_simplified_xml_cases() {
        assert_eq!(
            call("ParseSimplifiedXML", &["<Log><id>1</id><Message>This is a log message!</Message></Log>"]).unwrap(),
            map(&[("Log", map(&[("id", s("1")), ("Message", s("This is a log message!"))]))])
        );
        assert_eq!(
            call("ParseSimplifiedXML", &[r#"<a x="1"><b>1</b><b>2</b><c><d/></c><e/>text<b><f>3</f></b></a>"#]).unwrap(),
            map(&[("a", map(&[("b", Value::Slice(vec![s("1"), s("2"), map(&[("f", s("3"))])]))]))])
        );
        assert_eq!(call("ParseSimplifiedXML", &["<a><![CDATA[x]]></a>"]).unwrap(), map(&[("a", s("x"))]));
    }

    #[test]
    fn get_xml_reference_cases() {
        let cases = [
            ("<a><b/></a>", "/a/b", "<b></b>"),
            (r#"<a foo="bar"><b>hello</b></a>"#, "/a", r#"<a foo="bar"><b>hello</b></a>"#),
            ("<a><b>hello</b><b>world</b></a>", "/a/b", "<b>hello</b><b>world</b>"),
            ("<a><b>hello</b><b><c>world</c></b><d/></a>", "/a/*", "<b>hello</b><b><c>world</c></b><d></d>"),
            ("<a><x>1</x><b><x>2</x></b><d><e><f><x>3</x></f></e></d></a>", "/a//x", "<x>1</x><x>2</x><x>3</x>"),
            (
                r#"<a><x env="prod">1</x><b><x env="dev">2</x></b><d><e><f><x env="prod">3</x></f></e></d></a>"#,
                "/a//x[@env='prod']",
                r#"<x env="prod">1</x><x env="prod">3</x>"#,
            ),
            ("", "/", ""),
            (r#"<?xml version="1.0" encoding="UTF-8"?><a></a>"#, "/*", "<a></a>"),
            ("<!-- comment --><a></a><!-- comment -->", "/*", "<a></a>"),
            (r#"<a foo="bar"></a>"#, "/a/@foo", "bar"),
            ("<a>hello</a>", "/a/text()", "hello"),
            ("<a><![CDATA[hello]]></a>", "/a/text()", "hello"),
            ("<a><b>1</b><c><b>2</b></c></a>", "/a//b", "<b>1</b><b>2</b>"),
            ("<a><b>1</b><b>2</b><b>3</b></a>", "/a/b[last()]", "<b>3</b>"),
            ("<a><b>1</b><b>2</b><b>3</b></a>", "/a/b[position() > 1 and . != '3']", "<b>2</b>"),
            ("<a><b n='1'/><c n='2'/></a>", "//*[@n = 2] | /a/b", "<b n=\"1\"></b><c n=\"2\"></c>"),
            ("<a><b>x &amp; y</b></a>", "//b", "<b>x &amp; y</b>"),
            ("<a><b>1</b><b>2</b></a>", "(//b)[2]/..", "<a><b>1</b><b>2</b></a>"),
            ("<a><b>1</b><c/></a>", "//c/preceding-sibling::*", "<b>1</b>"),
            ("<a><b>1</b><c/></a>", "count(//b)", ""),
        ];
        for (document, xpath, want) in cases {
            assert_eq!(text("GetXML", &[document, xpath]), want, "{document} {xpath}");
        }
        assert!(call("GetXML", &["<a/>", "!"]).unwrap_err().message().starts_with("invalid xpath: "));
        assert!(call("GetXML", &["<a>>>>>>>", "/"]).unwrap_err().message().starts_with("parse xml: XML syntax error"));
    }

    #[test]
    fn insert_xml_reference_cases() {
        let cases = [
            ("<a></a>", "/a", "<b/>", "<a><b></b></a>"),
            ("<a></a><a></a>", "/a", "<b/>", "<a><b></b></a><a><b></b></a>"),
            ("<a></a><z><a></a></z>", "//a", "<b/>", "<a><b></b></a><z><a><b></b></a></z>"),
            ("<a></a>", "/", "<b/><c/>", "<a></a><b></b><c></c>"),
            ("<a></a>", "/a", "<b/><c/>", "<a><b></b><c></c></a>"),
            ("<a></a><a></a>", "/a", "<b/><c/>", "<a><b></b><c></c></a><a><b></b><c></c></a>"),
            (
                "<a></a>",
                "/a",
                r#"<x foo="bar"><b>text</b><c><d><e>1</e><e><![CDATA[two]]></e></d></c></x>"#,
                r#"<a><x foo="bar"><b>text</b><c><d><e>1</e><e><![CDATA[two]]></e></d></c></x></a>"#,
            ),
            ("", "/", "<a/>", "<a></a>"),
            ("<a></a>", "/", "<a/>", "<a></a><a></a>"),
            (
                "<a><b>has b</b></a><a></a><a><b>also has b</b></a>",
                "//a[not(b)]",
                "<b></b>",
                "<a><b>has b</b></a><a><b></b></a><a><b>also has b</b></a>",
            ),
        ];
        for (document, xpath, sub, want) in cases {
            assert_eq!(text("InsertXML", &[document, xpath, sub]), want, "{document} {xpath} {sub}");
        }
        assert_eq!(
            call("InsertXML", &[r#"<a foo="bar"></a>"#, "/a/@foo", "<b/>"]).unwrap_err().message(),
            "InsertXML XPath selected non-element: \"foo\""
        );
        assert_eq!(
            call("InsertXML", &["<a>foo</a>", "/a/text()", "<b/>"]).unwrap_err().message(),
            "InsertXML XPath selected non-element: \"foo\""
        );
        call("InsertXML", &["<a/>", "/", "<a>>>>>>>"]).unwrap_err();
    }

    #[test]
    fn remove_xml_reference_cases() {
        let cases = [
            ("<a><b/></a>", "/a/b", "<a></a>"),
            ("<a><b/><b/></a>", "/a/b", "<a></a>"),
            ("<a><b/><b><c/></b></a>", "/a/b", "<a></a>"),
            ("<a><b/><b/><c><b><d/></b></c></a>", "/a//b", "<a><c></c></a>"),
            (r#"<a foo="bar"/>"#, "/a/@foo", "<a></a>"),
            (r#"<a><b foo="bar"/><b foo="notbar"/></a>"#, "/a/b[@foo='bar']", r#"<a><b foo="notbar"></b></a>"#),
            (r#"<a><b foo="bar"/><c foo="bar"/></a>"#, "//@foo", "<a><b></b><c></c></a>"),
            (
                r#"<a><b foo="bar" hello="world" keep="this"/></a>"#,
                "//@*[local-name() != 'keep']",
                r#"<a><b keep="this"></b></a>"#,
            ),
            ("<a>delete this</a>", "//text()['*delete*']", "<a></a>"),
            ("<a><b><c><!-- delete this --></c><!-- this too--></b></a>", "//comment()", "<a><b><c></c></b></a>"),
            (
                "<a><b><![CDATA[text content possibly containing literal <or &characters ]]></b></a>",
                "//text()['<![CDATA[*']",
                "<a><b></b></a>",
            ),
            (
                r#"<?xml version="1.0" encoding="UTF-8"?><a>delete this</a>"#,
                "//text()['*delete*']",
                r#"<?xml version="1.0" encoding="UTF-8"?><a></a>"#,
            ),
            ("", "/", ""),
            (r#"<Log id="1"><Message>This is a log message!</Message></Log>"#, "/Log/Message", r#"<Log id="1"></Log>"#),
        ];
        for (document, xpath, want) in cases {
            assert_eq!(text("RemoveXML", &[document, xpath]), want, "{document} {xpath}");
        }
    }

    #[test]
    fn convert_attributes_to_elements_cases() {
        let cases = [
            ("<a><b/></a>", None, "<a><b></b></a>"),
            (
                r#"<?xml version="1.0" encoding="UTF-8"?><a><b/></a>"#,
                None,
                r#"<?xml version="1.0" encoding="UTF-8"?><a><b></b></a>"#,
            ),
            (r#"<a foo="bar"/>"#, None, "<a><foo>bar</foo></a>"),
            (r#"<a foo="bar" hello="world"/>"#, None, "<a><foo>bar</foo><hello>world</hello></a>"),
            (
                r#"<a hello="world" foo="bar"><b/><c/><b/></a>"#,
                None,
                "<a><b></b><c></c><b></b><hello>world</hello><foo>bar</foo></a>",
            ),
            (
                r#"<a hello="world" foo="bar">free value<b/>2<c/></a>"#,
                None,
                "<a>free value<b></b>2<c></c><hello>world</hello><foo>bar</foo></a>",
            ),
            (
                r#"<a hello="world" foo="bar"><b href="www.example.com"></b></a>"#,
                None,
                "<a><b><href>www.example.com</href></b><hello>world</hello><foo>bar</foo></a>",
            ),
            (
                r#"<a hello="world" foo="bar"><b href="www.example.com"></b></a>"#,
                Some("/a/b/@*"),
                r#"<a hello="world" foo="bar"><b><href>www.example.com</href></b></a>"#,
            ),
            (
                r#"<a hello="world" foo="bar"><b href="www.example.com"></b></a>"#,
                Some("/a/b"),
                r#"<a hello="world" foo="bar"><b href="www.example.com"></b></a>"#,
            ),
            (
                r#"<Log id="1"><Message>This is a log message!</Message></Log>"#,
                None,
                "<Log><Message>This is a log message!</Message><id>1</id></Log>",
            ),
        ];
        for (document, xpath, want) in cases {
            let args: Vec<&str> = std::iter::once(document).chain(xpath).collect();
            assert_eq!(text("ConvertAttributesToElementsXML", &args), want, "{document} {xpath:?}");
        }
    }

    #[test]
    fn convert_text_to_elements_cases() {
        let cases = [
            ("<a><b/></a>", "", "", "<a><b></b></a>"),
            (
                r#"<?xml version="1.0" encoding="UTF-8"?><a><b/></a>"#,
                "",
                "",
                r#"<?xml version="1.0" encoding="UTF-8"?><a><b></b></a>"#,
            ),
            (r#"<a foo="bar" hello="world"/>"#, "", "", r#"<a foo="bar" hello="world"></a>"#),
            ("<a>hello world</a>", "", "", "<a>hello world</a>"),
            ("<a><b/>foo</a>", "", "", "<a><b></b><value>foo</value></a>"),
            ("<a><b/>foo</a>", "", "bar", "<a><b></b><bar>foo</bar></a>"),
            ("<a>foo<b/>bar</a>", "", "", "<a><value>foo</value><b></b><value>bar</value></a>"),
            (
                "<a>foo<b/>bar<c/>1<d>not</d>2<e><f/><f/></e></a>",
                "",
                "v",
                "<a><v>foo</v><b></b><v>bar</v><c></c><v>1</v><d>not</d><v>2</v><e><f></f><f></f></e></a>",
            ),
            (
                "<a><b><c/>foo</b><d><c/>bar</d><b><c/>baz</b></a>",
                "/a/b",
                "",
                "<a><b><c></c><value>foo</value></b><d><c></c>bar</d><b><c></c><value>baz</value></b></a>",
            ),
            ("<a><b/>foo</a><c><b/>bar</c>", "/a", "custom", "<a><b></b><custom>foo</custom></a><c><b></b>bar</c>"),
        ];
        for (document, xpath, name, want) in cases {
            assert_eq!(text("ConvertTextToElementsXML", &[document, xpath, name]), want, "{document} {xpath} {name}");
        }
    }

    #[test]
    fn deep_nesting_is_capped_without_exhausting_the_stack() {
        let depth = MAX_DEPTH + 2;
        let deep = "<a>".repeat(depth) + &"</a>".repeat(depth);
        let error = call("ConvertTextToElementsXML", &[&deep]).unwrap_err();
        assert!(error.message().contains("exceeded maximum XML nesting depth"), "{}", error.message());
        let fits = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        let out = text("ConvertTextToElementsXML", &[&fits]);
        assert_eq!(out.len(), fits.len());
        assert_eq!(text("GetXML", &[&fits, "count(//a)"]), "");
        let nested = |depth: usize| "<a>".repeat(depth - 1) + "<a>x</a>" + &"</a>".repeat(depth - 1);
        for function in ["ParseXML", "ParseSimplifiedXML"] {
            assert!(matches!(call(function, &[&nested(MAX_MAP_DEPTH)]), Ok(Value::Map(_))), "{function}");
            let error = call(function, &[&nested(MAX_MAP_DEPTH + 1)]).unwrap_err();
            assert!(error.message().ends_with("exceeded maximum XML nesting depth"), "{}", error.message());
        }
    }

    #[test]
    fn output_escapes_and_trims() {
        assert_eq!(
            text("RemoveXML", &["<a t=\"x&amp;&quot;'\">  <b>'1' &lt; 2</b>  </a>", "/nothing"]),
            "<a t=\"x&amp;&#34;&#39;\"><b>&#39;1&#39; &lt; 2</b></a>"
        );
        assert_eq!(text("RemoveXML", &["<a xml:space=\"preserve\"> x </a>", "/nothing"]), "<a xml:space=\"preserve\"> x </a>");
    }
}
