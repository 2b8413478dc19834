//! XML cases: `ParseXML`, `ParseSimplifiedXML`, `GetXML`, `InsertXML`, `RemoveXML`,
//! `ConvertAttributesToElementsXML` and `ConvertTextToElementsXML` on documents with
//! attributes, text beside elements, CDATA, comments and namespaces, under XPaths that
//! select elements, attributes, text or nothing; and on malformed documents and values
//! that are not text.

use serde_json::{Value as Json, json};

use super::{CONTEXTS, Context, Generator, Program, Rng, Slot};

/// Generates an XML case: one to three statements over the slots that hold documents
/// (the log body, the `c` and `s` attributes), now and then over another value.
pub(super) fn program(mut rng: Rng) -> Program {
    let &(context, attributes) = rng.pick(CONTEXTS);
    let mut generator = Generator::new(rng, context, attributes);
    generator.slot_value = documents;
    generator.present_keys = &["c", "s"];
    let count = 1 + generator.rng.below(3);
    let statements = (0..count).map(|_| generator.xml_statement()).collect();
    let input = generator.input();
    Program { context, statements, guard: Vec::new(), input }
}

/// Documents in the body and under `c` and `s`, random values elsewhere.
fn documents(generator: &mut Generator, slot: Slot) -> Json {
    match slot {
        Slot::Body | Slot::Attribute("c" | "s") if generator.rng.chance(85) => json!({"stringValue": generator.document()}),
        other => generator.any_slot_value(other),
    }
}

const TAGS: &[&str] = &["log", "a", "b", "user", "msg"];
const XPATHS: &[&str] = &[
    "/",
    "/log",
    "//a",
    "//b",
    "/log/msg",
    "/log/*",
    "//user[@id='1']",
    "//@id",
    "//@*",
    "//text()",
    "//comment()",
    "/missing",
    "//a/b",
    "//ns:a",
    "/log/a[1]",
    "count(//a)",
    "//[",
];
/// Sub-documents for `InsertXML`, as the text of an OTTL string literal.
const SUB_DOCUMENTS: &[&str] = &["<new>v</new>", "<x a='1'/><y/>", "text", "", "<bad>"];

impl Generator {
    /// A document: a tree of elements with attributes, text, CDATA and comments; one in
    /// ten is malformed or not XML at all.
    fn document(&mut self) -> String {
        if self.rng.chance(10) {
            return self
                .rng
                .pick(&["", "plain text", "<a><b></a>", "<a>", "<a></a><b></b>", "<a x=1/>", "<a>&bogus;</a>"])
                .to_string();
        }
        let prolog = if self.rng.chance(20) { "<?xml version=\"1.0\"?>" } else { "" };
        format!("{prolog}{}", self.element(2))
    }

    fn element(&mut self, depth: usize) -> String {
        let tag = if self.rng.chance(10) { "ns:a" } else { *self.rng.pick(TAGS) };
        let mut attributes = String::new();
        if tag.starts_with("ns:") {
            attributes.push_str(" xmlns:ns=\"urn:n\"");
        }
        for (name, values) in [("id", ["1", "2"]), ("level", ["info", "a&amp;b"])] {
            if self.rng.chance(30) {
                attributes.push_str(&format!(" {name}=\"{}\"", self.rng.pick(&values)));
            }
        }
        let children: String = (0..self.rng.below(if depth == 0 { 2 } else { 4 }))
            .map(|_| match self.rng.below(8) {
                0..=3 if depth > 0 => self.element(depth - 1),
                4 => "<![CDATA[x<y]]>".to_string(),
                5 => "<!-- c -->".to_string(),
                _ => self.rng.pick(&["hi", " 42 ", "a &lt; b", "login"]).to_string(),
            })
            .collect();
        if children.is_empty() && self.rng.chance(50) {
            format!("<{tag}{attributes}/>")
        } else {
            format!("<{tag}{attributes}>{children}</{tag}>")
        }
    }

    /// A slot that holds a document, or now and then any attribute.
    fn xml_slot(&mut self) -> String {
        let attributes = self.attributes;
        match self.rng.below(6) {
            0 | 1 if self.context == Context::Log => "log.body".to_string(),
            0..=2 => format!("{attributes}[\"c\"]"),
            3 | 4 => format!("{attributes}[\"s\"]"),
            _ => self.attribute(),
        }
    }

    /// What an XML function reads: mostly a slot, sometimes any value.
    fn xml_target(&mut self) -> String {
        if self.rng.chance(85) { self.xml_slot() } else { self.value(1) }
    }

    fn xpath(&mut self) -> &'static str {
        XPATHS[self.rng.below(XPATHS.len())]
    }

    fn xml_value(&mut self) -> String {
        let target = self.xml_target();
        match self.rng.below(9) {
            0 => format!("ParseXML({target})"),
            1 => format!("ParseSimplifiedXML({target})"),
            2 => format!("GetXML({target}, \"{}\")", self.xpath()),
            3 => {
                let sub = if self.rng.chance(70) { format!("\"{}\"", self.rng.pick(SUB_DOCUMENTS)) } else { self.xml_target() };
                format!("InsertXML({target}, \"{}\", {sub})", self.xpath())
            }
            4 | 5 => format!("RemoveXML({target}, \"{}\")", self.xpath()),
            6 if self.rng.chance(50) => format!("ConvertAttributesToElementsXML({target})"),
            6 => format!("ConvertAttributesToElementsXML({target}, \"{}\")", self.xpath()),
            7 => format!("ConvertTextToElementsXML({target})"),
            _ => {
                format!("ConvertTextToElementsXML({target}, \"{}\", \"{}\")", self.xpath(), self.rng.pick(&["msg", "value", ""]))
            }
        }
    }

    fn xml_statement(&mut self) -> String {
        let action = match self.rng.below(6) {
            0 | 1 => format!("set({}, {})", self.xml_slot(), self.xml_value()),
            2 => self.editor_call(),
            _ => format!("set({}, {})", self.attribute(), self.xml_value()),
        };
        if self.rng.chance(30) {
            let test = match self.rng.below(3) {
                0 => format!("GetXML({}, \"{}\") != \"\"", self.xml_target(), self.xpath()),
                1 => format!("IsMap(ParseXML({}))", self.xml_target()),
                _ => self.condition(1),
            };
            format!("{action} where {test}")
        } else {
            action
        }
    }
}
