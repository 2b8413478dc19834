//! The document tree of `github.com/antchfx/xmlquery` v1.5.1 and how it writes it
//! (`OutputXML(false)`), whose observable quirks the reference's outputs depend on:
//! several top-level elements are accepted, processing instructions are kept as
//! declarations, an empty element is written `<b></b>`, text is written as it was (trimmed
//! only under `xml:space="default"`) and HTML-escaped, and a `<?xml version="1.0"?>` declaration is
//! added before the first element. XML crates either reject documents with several roots
//! or write their own forms, so the tree is built here from [`encoding_xml`]'s tokens.
//!
//! Every walk over the tree is iterative, so deep input cannot exhaust the stack.

use std::collections::HashMap;

use super::encoding_xml::{Token, Tokenizer, local_name};
use crate::error::Result;
use crate::value::Value;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
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
pub(crate) struct Node {
    pub(crate) kind: Kind,
    /// The element name or the declaration's target.
    pub(crate) name: String,
    /// The text of a text, CDATA, comment or directive node.
    pub(crate) data: String,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) parent: Option<usize>,
    pub(crate) children: Vec<usize>,
}

/// A node or one attribute of an element, as XPath selects them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum NodeRef {
    Node(usize),
    Attr(usize, usize),
}

/// A parsed document: nodes in an arena, the document node first.
#[derive(Clone, Debug)]
pub(crate) struct Doc {
    pub(crate) nodes: Vec<Node>,
}

impl Doc {
    pub(crate) const ROOT: usize = 0;

    pub(crate) fn new() -> Doc {
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
    pub(crate) fn parse(text: &str, max_depth: usize) -> Result<Doc> {
        let mut doc = Doc::new();
        let mut open = vec![Doc::ROOT];
        let mut tokens = Tokenizer::new(text, max_depth);
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
    /// (`parseNodesXML`): xmlquery refuses a document without an element (empty, text or
    /// comments only), puts a `<?xml version="1.0"?>` declaration before the first
    /// top-level element when none came before it, and the reference drops the document's
    /// first node unless the text starts with `<?xml`.
    pub(crate) fn parse_like_xmlquery(text: &str, max_depth: usize) -> Result<Doc> {
        let mut doc = Doc::parse(text, max_depth).map_err(|e| e.context("parse xml"))?;
        let top = &doc.nodes[Doc::ROOT].children;
        let kind_at = |i: usize| doc.nodes[top[i]].kind;
        if !(0..top.len()).any(|i| kind_at(i) == Kind::Element) {
            crate::bail!("parse xml: xmlquery: invalid XML document");
        }
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
    pub(crate) fn append(&mut self, parent: usize, kind: Kind, name: String, data: String) -> usize {
        let id = self.add_node(kind, name, data);
        self.nodes[id].parent = Some(parent);
        self.nodes[parent].children.push(id);
        id
    }

    pub(crate) fn append_text(&mut self, parent: usize, text: String) -> usize {
        self.append(parent, Kind::Text, String::new(), text)
    }

    /// Removes a node (and so its subtree) from its parent.
    pub(crate) fn detach(&mut self, id: usize) {
        if let Some(parent) = self.nodes[id].parent.take() {
            self.nodes[parent].children.retain(|&c| c != id);
        }
    }

    /// Appends a copy of `other`'s subtree at `source` under `parent`.
    pub(crate) fn import(&mut self, parent: usize, other: &Doc, source: usize) {
        let mut pending = vec![(parent, source)];
        while let Some((to, from)) = pending.pop() {
            let node = &other.nodes[from];
            let id = self.append(to, node.kind, node.name.clone(), node.data.clone());
            self.nodes[id].attrs = node.attrs.clone();
            pending.extend(node.children.iter().rev().map(|&c| (id, c)));
        }
    }

    /// The nodes under `start` (itself included) in document order.
    pub(crate) fn preorder(&self, start: usize) -> Vec<usize> {
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
    pub(crate) fn build_bottom_up(&self, start: usize, build: impl Fn(&Doc, usize, Vec<(usize, Value)>) -> Value) -> Value {
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

    /// The string value XPath gives a node.
    pub(crate) fn string_value(&self, found: NodeRef) -> String {
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
    pub(crate) fn node_data(&self, found: NodeRef) -> String {
        match found {
            NodeRef::Attr(id, i) => self.nodes[id].attrs.get(i).map(|(k, _)| local_name(k).to_string()).unwrap_or_default(),
            NodeRef::Node(id) => match self.nodes[id].kind {
                Kind::Element | Kind::Declaration => self.nodes[id].name.clone(),
                _ => self.nodes[id].data.clone(),
            },
        }
    }

    /// The document written as xmlquery's `OutputXML(false)` writes it.
    pub(crate) fn output(&self) -> String {
        enum Step {
            Open(usize, bool),
            Close(usize),
        }
        let mut out = String::new();
        // Spaces are kept unless an `xml:space="default"` says otherwise: xmlquery's writer
        // starts with its `preserveSpaces` option on.
        let mut pending: Vec<Step> = self.nodes[Doc::ROOT].children.iter().rev().map(|&c| Step::Open(c, true)).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        Doc::parse_like_xmlquery(text, 100).unwrap().output()
    }

    #[test]
    fn writes_like_output_xml() {
        assert_eq!(round_trip("<a><b/></a>"), "<a><b></b></a>");
        assert_eq!(round_trip("<a></a><z/>"), "<a></a><z></z>");
        assert_eq!(
            round_trip(r#"<?xml version="1.0" encoding="UTF-8"?><a/>"#),
            r#"<?xml version="1.0" encoding="UTF-8"?><a></a>"#
        );
        assert_eq!(
            round_trip("<a t=\"x&amp;&quot;'\">  <b>'1' &lt; 2</b>  </a>"),
            "<a t=\"x&amp;&#34;&#39;\">  <b>&#39;1&#39; &lt; 2</b>  </a>"
        );
        assert_eq!(round_trip("<a><c> 42 </c></a>"), "<a><c> 42 </c></a>");
        // `xml:space="default"` trims the text under it, until a `preserve` further down.
        assert_eq!(
            round_trip("<a xml:space=\"default\"> x <b xml:space=\"preserve\"> y </b> </a>"),
            "<a xml:space=\"default\">x<b xml:space=\"preserve\"> y </b></a>"
        );
        // xmlquery's declaration goes before the first element, and the reference then drops
        // the document's first node (here the comment) as the text has no `<?xml`.
        assert_eq!(round_trip("<!--c--><a><![CDATA[<x>]]></a>"), "<?xml version=\"1.0\"?><a><![CDATA[<x>]]></a>");
    }

    #[test]
    fn a_document_needs_an_element() {
        for text in ["", "text", "<!--c-->", "<?xml version=\"1.0\"?>"] {
            let error = Doc::parse_like_xmlquery(text, 100).unwrap_err();
            assert_eq!(error.message(), "parse xml: xmlquery: invalid XML document", "{text:?}");
        }
        // A syntax error is reported before the missing element.
        assert!(Doc::parse_like_xmlquery("<!--", 100).unwrap_err().message().contains("XML syntax error"));
    }

    #[test]
    fn string_values_and_data() {
        let doc = Doc::parse("<a n='1'>x<b>y</b></a>", 100).unwrap();
        let a = doc.nodes[Doc::ROOT].children[0];
        assert_eq!(doc.string_value(NodeRef::Node(a)), "xy");
        assert_eq!(doc.string_value(NodeRef::Attr(a, 0)), "1");
        assert_eq!(doc.node_data(NodeRef::Node(a)), "a");
        assert_eq!(doc.node_data(NodeRef::Attr(a, 0)), "n");
    }
}
