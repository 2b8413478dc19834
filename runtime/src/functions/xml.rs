//! The XML converters: parsing XML into maps, and XPath-driven edits of XML text.
//!
//! The reference parses with Go's `encoding/xml` and edits with `antchfx/xmlquery` and
//! `antchfx/xpath`, whose observable quirks the outputs depend on; their reproductions
//! live in [`crate::go::encoding_xml`], [`crate::go::xmlquery`] and [`crate::go::xpath`].
//!
//! Nesting is capped at [`MAX_DEPTH`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::literal::{LiteralArgs, LiteralError};
use super::shorthand::*;
use crate::coerce;
use crate::converter;
use crate::error::{Error, Result};
use crate::go::encoding_xml::local_name;
use crate::go::xmlquery::{Doc, Kind, NodeRef};
use crate::go::xpath;
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "ParseXML",
        TARGET_STR,
        MAP,
        converter!(parse_xml(target)),
        "Parses an XML document into a map.",
        &[Example::new(
            r#"ParseXML("<log level=\"info\"><message>hi</message></log>")"#,
            r#"{"tag": "log", "attributes": {"level": "info"}, "children": [{"tag": "message", "content": "hi"}]}"#,
        )],
    )
    .pure(),
    Function::converter(
        "ParseSimplifiedXML",
        TARGET_STR,
        MAP,
        converter!(parse_simplified_xml(target)),
        "Parses an XML document into a map without attributes or repeated-element wrappers.",
        &[Example::new(
            r#"ParseSimplifiedXML("<log level=\"info\"><message>hi</message><tag>a</tag><tag>b</tag></log>")"#,
            r#"{"log": {"message": "hi", "tag": ["a", "b"]}}"#,
        )],
    )
    .pure(),
    Function::converter(
        "GetXML",
        &[r("target", K::StringGetter), r("xpath", K::String)],
        T::String,
        converter!(get_xml(target, xpath)),
        "The XML elements matching an XPath.",
        &[Example::new(
            r#"GetXML("<log><message>hi</message><secret>x</secret></log>", "/log/message")"#,
            r#""<message>hi</message>""#,
        )],
    )
    .pure()
    .literals(xpath_literal),
    Function::converter(
        "InsertXML",
        &[r("target", K::StringGetter), r("xpath", K::String), r("sub_document", K::StringGetter)],
        T::String,
        converter!(insert_xml(target, xpath, sub_document)),
        "Inserts an XML sub-document under the elements matching an XPath.",
        &[Example::new(
            r#"InsertXML("<log><message>hi</message></log>", "/log", "<level>info</level>")"#,
            r#""<log><message>hi</message><level>info</level></log>""#,
        )],
    )
    .pure()
    .literals(xpath_literal),
    Function::converter(
        "RemoveXML",
        &[r("target", K::StringGetter), r("xpath", K::String)],
        T::String,
        converter!(remove_xml(target, xpath)),
        "Removes the XML elements matching an XPath.",
        &[Example::new(
            r#"RemoveXML("<log><message>hi</message><secret>x</secret></log>", "/log/secret")"#,
            r#""<log><message>hi</message></log>""#,
        )],
    )
    .pure()
    .literals(xpath_literal),
    Function::converter(
        "ConvertAttributesToElementsXML",
        &[r("target", K::StringGetter), o("xpath", K::String)],
        T::String,
        converter!(convert_attributes_to_elements_xml(target, xpath)),
        "Turns XML attributes into child elements.",
        &[Example::new(
            r#"ConvertAttributesToElementsXML("<log level=\"info\"><message>hi</message></log>")"#,
            r#""<log><message>hi</message><level>info</level></log>""#,
        )],
    )
    .pure()
    .literals(optional_xpath_literal),
    Function::converter(
        "ConvertTextToElementsXML",
        &[r("target", K::StringGetter), o("xpath", K::String), o("element_name", K::String)],
        T::String,
        converter!(convert_text_to_elements_xml(target, xpath, element_name)),
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
    )
    .pure()
    .literals(optional_xpath_literal),
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
fn parse_xml(target: &str) -> Result<Value> {
    let doc = Doc::parse(target, MAX_MAP_DEPTH).map_err(|e| e.context("unmarshal xml"))?;
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
/// lists; attributes, extraneous text and empty elements are dropped. Keys are local names
/// (xmlquery's `Node.Data`), so `<ns:b>` and `<b>` are the same repeated tag.
fn parse_simplified_xml(target: &str) -> Result<Value> {
    let doc = Doc::parse_like_xmlquery(target, MAX_MAP_DEPTH)?;
    Ok(doc.build_bottom_up(Doc::ROOT, |doc, id, children| {
        let mut tag_counts: HashMap<&str, usize> = HashMap::new();
        for &c in &doc.nodes[id].children {
            if doc.nodes[c].kind == Kind::Element {
                *tag_counts.entry(local_name(&doc.nodes[c].name)).or_default() += 1;
            }
        }
        let mut m = Map::new();
        for (child, child_map) in children {
            let node = &doc.nodes[child];
            if node.children.is_empty() {
                continue;
            }
            let tag = local_name(&node.name);
            let leaf = leaf_value(doc, child);
            let value = match child_map {
                _ if !leaf.is_empty() => Some(Value::string(leaf)),
                Value::Map(cm) if !cm.is_empty() => Some(Value::Map(cm)),
                _ => None,
            };
            // A repeated tag's list exists even when none of its elements add a value.
            if tag_counts.get(tag).copied().unwrap_or(0) > 1 {
                let entry = m.entry(tag.to_string()).or_insert_with(|| Value::Slice(Vec::new()));
                if let (Value::Slice(items), Some(value)) = (entry, value) {
                    items.push(value);
                }
            } else if let Some(value) = value {
                m.insert(tag.to_string(), value);
            }
        }
        Value::Map(m)
    }))
}

/// `GetXML(target, xpath)`: the selected elements and texts (attributes as their values)
/// written one after another; "" for an empty target. The XPath is compiled before the
/// target is read.
fn get_xml(target: &Value, xpath: &str) -> Result<Value> {
    let path = compiled_xpath(xpath)?;
    let text = coerce::string(target)?;
    if text.is_empty() {
        return Ok(Value::string(""));
    }
    let doc = Doc::parse_like_xmlquery(text, MAX_DEPTH)?;
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
/// to each selected element (or to the document for `/`). An empty target is an empty
/// document, but the sub-document must hold an element. The XPath is compiled first, then
/// the target parsed, and only then the sub-document read.
fn insert_xml(target: &Value, xpath: &str, sub_document: &Value) -> Result<Value> {
    let path = compiled_xpath(xpath)?;
    let text = coerce::string(target)?;
    let mut doc = if text.is_empty() { Doc::new() } else { Doc::parse_like_xmlquery(text, MAX_DEPTH)? };
    let sub = Doc::parse_like_xmlquery(coerce::string(sub_document)?, MAX_DEPTH)?;
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
/// CDATA sections, and empties selected text. The XPath is compiled before the target is
/// read.
fn remove_xml(target: &Value, xpath: &str) -> Result<Value> {
    let path = compiled_xpath(xpath)?;
    let text = coerce::string(target)?;
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
/// becomes a last child element of its element. The XPath is compiled before the target
/// is read.
fn convert_attributes_to_elements_xml(target: &Value, xpath: Option<&str>) -> Result<Value> {
    let path = compiled_xpath(non_empty_or(xpath, "//@*"))?;
    let mut doc = Doc::parse_like_xmlquery(coerce::string(target)?, MAX_DEPTH)?;
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
/// The XPath is compiled before the element name and then the target are read.
fn convert_text_to_elements_xml(target: &Value, xpath: Option<&str>, element_name: Option<&Value>) -> Result<Value> {
    let path = compiled_xpath(non_empty_or(xpath, "/"))?;
    let element_name = non_empty_or(element_name.map(coerce::string).transpose()?, "value");
    let mut doc = Doc::parse_like_xmlquery(coerce::string(target)?, MAX_DEPTH)?;
    for found in xpath::select(&doc, &path) {
        if let NodeRef::Node(id) = found
            && matches!(doc.nodes[id].kind, Kind::Element | Kind::Document)
        {
            wrap_loose_text(&mut doc, id, element_name);
        }
    }
    Ok(Value::String(doc.output()))
}

/// The load-time check of a literal XPath (`validateXPath`): the reference compiles it
/// when the statement loads, even when it is empty.
fn xpath_literal(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    args.string("xpath").and_then(invalid_xpath).into_iter().collect()
}

/// [`xpath_literal`] for the converters whose empty XPath means their default, which the
/// reference does not check.
fn optional_xpath_literal(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    args.string("xpath").filter(|x| !x.is_empty()).and_then(invalid_xpath).into_iter().collect()
}

/// Why `xpath` does not compile, in the reference's words ("invalid xpath: …").
fn invalid_xpath(xpath: &str) -> Option<LiteralError> {
    let error = compiled_xpath(xpath).err()?;
    Some(LiteralError::new("xpath", error.message()).help("the collector compiles XPath 1.0 with antchfx/xpath"))
}

/// An optional string parameter whose empty value, like its absence, means `default`.
fn non_empty_or<'a>(given: Option<&'a str>, default: &'a str) -> &'a str {
    given.filter(|s| !s.is_empty()).unwrap_or(default)
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

/// The first text or CDATA child of an element without child elements
/// (`leafValueFromElement`), else "".
fn leaf_value(doc: &Doc, id: usize) -> &str {
    let children = &doc.nodes[id].children;
    if children.iter().any(|&c| doc.nodes[c].kind == Kind::Element) {
        return "";
    }
    children.iter().find(|&&c| matches!(doc.nodes[c].kind, Kind::Text | Kind::CData)).map_or("", |&c| doc.nodes[c].data.as_str())
}

/// `ConvertTextToElementsForNode` on every element under `start`: where a node has
/// several children and at least one text child, each text child becomes an element
/// `element_name` holding that text.
fn wrap_loose_text(doc: &mut Doc, start: usize, element_name: &str) {
    for id in doc.preorder(start) {
        if !matches!(doc.nodes[id].kind, Kind::Element | Kind::Document) {
            continue;
        }
        let children = doc.nodes[id].children.clone();
        let texts = children.iter().filter(|&&c| doc.nodes[c].kind == Kind::Text).count();
        let elements = children.iter().filter(|&&c| doc.nodes[c].kind == Kind::Element).count();
        if texts == 0 || texts + elements <= 1 {
            continue;
        }
        for c in children {
            if doc.nodes[c].kind == Kind::Text {
                let text = std::mem::take(&mut doc.nodes[c].data);
                doc.nodes[c].kind = Kind::Element;
                doc.nodes[c].name = element_name.to_string();
                doc.append_text(c, text);
            }
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
        // Keys are local names: a prefixed tag and an unprefixed one are the same repeated tag.
        assert_eq!(
            call("ParseSimplifiedXML", &[r#"<ns:log xmlns:ns="urn:n"><ns:b>1</ns:b><b>2</b><ns:c>3</ns:c></ns:log>"#]).unwrap(),
            map(&[("log", map(&[("b", Value::Slice(vec![s("1"), s("2")])), ("c", s("3"))]))])
        );
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
        // A sub-document without an element is no XML document to xmlquery.
        for sub in ["", "text", "<!-- c -->"] {
            assert_eq!(
                call("InsertXML", &["<a/>", "/a", sub]).unwrap_err().message(),
                "parse xml: xmlquery: invalid XML document",
                "{sub:?}"
            );
        }
    }

    #[test]
    fn documents_without_an_element_are_refused() {
        let invalid = "parse xml: xmlquery: invalid XML document";
        for document in ["text", "<!-- c -->"] {
            for (function, args) in [
                ("GetXML", vec![document, "/"]),
                ("InsertXML", vec![document, "/", "<b/>"]),
                ("RemoveXML", vec![document, "/"]),
                ("ConvertAttributesToElementsXML", vec![document]),
                ("ConvertTextToElementsXML", vec![document]),
                ("ParseSimplifiedXML", vec![document]),
            ] {
                assert_eq!(call(function, &args).unwrap_err().message(), invalid, "{function}{args:?}");
            }
        }
        // An empty target is refused too, except where the reference handles it first.
        for (function, args) in [
            ("ConvertAttributesToElementsXML", vec![""]),
            ("ConvertTextToElementsXML", vec![""]),
            ("ParseSimplifiedXML", vec![""]),
        ] {
            assert_eq!(call(function, &args).unwrap_err().message(), invalid, "{function}{args:?}");
        }
        assert_eq!(text("GetXML", &["", "/"]), "");
        assert_eq!(text("RemoveXML", &["", "/"]), "");
        assert_eq!(text("InsertXML", &["", "/", "<b/>"]), "<b></b>");
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
    fn literal_xpaths_are_checked_when_the_statement_loads() {
        use super::super::literal::Literal;
        let errors = |function: &str, xpath: &'static str| -> Vec<String> {
            let check = super::super::testing::converter(function).literals.expect("declares literal checks");
            check(&LiteralArgs::new(vec![("xpath", Literal::String(xpath))])).into_iter().map(|e| e.message).collect()
        };
        let invalid = "invalid xpath: expression must evaluate to a node-set";
        for function in ["GetXML", "InsertXML", "RemoveXML", "ConvertAttributesToElementsXML", "ConvertTextToElementsXML"] {
            assert_eq!(errors(function, "//["), [invalid], "{function}");
            assert!(errors(function, "/log/*[@id='1']").is_empty(), "{function}");
        }
        // An empty XPath is compiled, and refused, unless it stands for a default.
        for function in ["GetXML", "InsertXML", "RemoveXML"] {
            assert_eq!(errors(function, ""), ["invalid xpath: expr expression is nil"], "{function}");
        }
        for function in ["ConvertAttributesToElementsXML", "ConvertTextToElementsXML"] {
            assert!(errors(function, "").is_empty(), "{function}");
        }
    }

    #[test]
    fn arguments_are_read_in_the_reference_order() {
        // The XPath first, then the target, then the sub-document.
        let insert = |args: Vec<Value>| convert("InsertXML", args).unwrap_err().message().to_string();
        assert!(insert(vec![Value::Int(1), s("["), Value::Int(2)]).starts_with("invalid xpath"));
        assert_eq!(insert(vec![Value::Int(1), s("/a"), Value::Int(2)]), "expected string but got int64");
        assert!(insert(vec![s("<a>"), s("/a"), Value::Int(2)]).contains("XML syntax error"));
        let convert_text = |args: Vec<Value>| convert("ConvertTextToElementsXML", args).unwrap_err().message().to_string();
        assert!(convert_text(vec![Value::Int(1), s("["), Value::Int(2)]).starts_with("invalid xpath"));
        assert_eq!(convert_text(vec![s("<a/>"), s("/"), Value::Int(2)]), "expected string but got int64");
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
    fn output_escapes_and_keeps_spaces() {
        assert_eq!(
            text("RemoveXML", &["<a t=\"x&amp;&quot;'\">  <b>'1' &lt; 2</b>  </a>", "/nothing"]),
            "<a t=\"x&amp;&#34;&#39;\">  <b>&#39;1&#39; &lt; 2</b>  </a>"
        );
        assert_eq!(text("RemoveXML", &["<a xml:space=\"preserve\"> x </a>", "/nothing"]), "<a xml:space=\"preserve\"> x </a>");
        assert_eq!(text("RemoveXML", &["<a xml:space=\"default\"> x </a>", "/nothing"]), "<a xml:space=\"default\">x</a>");
        // Every function that rewrites a document keeps the spaces around text.
        assert_eq!(text("RemoveXML", &["<a><c> 42 </c><d/></a>", "//d"]), "<a><c> 42 </c></a>");
        assert_eq!(text("InsertXML", &["<a><c> 42 </c></a>", "/a", "<d> x </d>"]), "<a><c> 42 </c><d> x </d></a>");
        assert_eq!(text("ConvertTextToElementsXML", &["<a> 42 <b/></a>"]), "<a><value> 42 </value><b></b></a>");
        assert_eq!(text("ConvertAttributesToElementsXML", &["<a x=\" 1 \"><c> 42 </c></a>"]), "<a><c> 42 </c><x> 1 </x></a>");
        assert_eq!(text("GetXML", &["<a><c> 42 </c></a>", "/a"]), "<a><c> 42 </c></a>");
        // A text selected alone leaves its `xml:space` behind.
        assert_eq!(text("GetXML", &["<a xml:space=\"default\"> x </a>", "/a/text()"]), " x ");
    }
}
