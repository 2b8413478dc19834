//! Go's regular expressions (RE2 syntax, `regexp.Compile`) on the `regex` crate: the
//! dialect differences are rewritten, and compiled patterns are cached per thread, so a
//! pattern given as a literal is compiled once, not once per record.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use regex::Regex;

/// How many compiled patterns a thread keeps; past that the cache starts over (patterns
/// computed per record must not grow memory without bound).
const CACHE_LIMIT: usize = 512;

thread_local! {
    /// FNV rather than SipHash: the lookup runs once per call of a pattern function, and the
    /// cache's bound keeps a run of colliding patterns short.
    static CACHE: RefCell<HashMap<String, Rc<Regex>, fnv::FnvBuildHasher>> = RefCell::new(HashMap::default());
}

/// The compiled form of a Go pattern, or the compile error's text.
pub fn compile(pattern: &str) -> Result<Rc<Regex>, String> {
    if let Some(hit) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(hit);
    }
    let regex = Rc::new(compile_uncached(pattern)?);
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(pattern.to_string(), regex.clone());
    });
    Ok(regex)
}

/// A Go pattern compiled once, for a caller that keeps it (the JIT's constant patterns).
pub fn compile_uncached(pattern: &str) -> Result<Regex, String> {
    Regex::new(&translate(pattern)?).map_err(|e| summarise(&e.to_string()))
}

/// A Go pattern parsed, not compiled: what a check of the pattern needs (whether it compiles,
/// its capture groups). Go has no size limit besides the repeat count, which [`translate`]
/// checks, and building the automaton would cost far more than the check.
pub fn parse(pattern: &str) -> Result<regex_syntax::hir::Hir, String> {
    regex_syntax::Parser::new().parse(&translate(pattern)?).map_err(|e| summarise(&e.to_string()))
}

/// The regex crate's syntax errors span several lines (pattern, caret, `error: …`); keep
/// the last `error:` line.
pub fn summarise(text: &str) -> String {
    text.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_owned)
        .unwrap_or_else(|| text.lines().last().unwrap_or(text).trim().to_owned())
}

/// Rewrites the places where Go's RE2 dialect and the `regex` crate disagree, so that the crate
/// accepts exactly what Go accepts (as far as practical):
///
/// - `\Q…\E` quotes a literal in Go; the crate has no such syntax → escape the text.
/// - A `{` that does not start a valid `{n}`, `{n,}` or `{n,m}` is a literal in Go; the crate
///   reports an unclosed repetition → escape it.
/// - Go rejects repeat counts above 1000 (`invalid repeat count`); the crate accepts them.
/// - Inside a class, Go treats `[` (unless it opens `[:name:]`), `&&`, `--` and `~~` as plain
///   characters; the crate reads nested classes and set operations → escape them.
///
/// Known remaining differences (not errors in the crate, errors in Go, so they go unreported):
/// flags other than `i m s U` (the crate also has `x`, `u`, `R`), `\<`/`\>`/`\b{…}` word
/// boundaries, and some Unicode class names the crate knows but Go does not.
pub fn translate(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            match chars.get(i + 1) {
                Some('Q') => {
                    let rest: String = chars[i + 2..].iter().collect();
                    let (literal, after) = match rest.find("\\E") {
                        Some(end) => (&rest[..end], i + 2 + rest[..end].chars().count() + 2),
                        None => (rest.as_str(), chars.len()),
                    };
                    for lc in literal.chars() {
                        if in_class {
                            push_class_literal(&mut out, lc);
                        } else {
                            out.push_str(&regex::escape(&lc.to_string()));
                        }
                    }
                    i = after;
                    class_start = false;
                    continue;
                }
                Some(&next) => {
                    out.push('\\');
                    out.push(next);
                    i += 2;
                }
                None => {
                    out.push('\\');
                    i += 1;
                }
            }
            class_start = false;
            continue;
        }
        if in_class {
            if class_start && (c == '^') {
                out.push(c);
                i += 1;
                continue;
            }
            if class_start && c == ']' {
                out.push_str("\\]");
                class_start = false;
                i += 1;
                continue;
            }
            class_start = false;
            match c {
                ']' => {
                    in_class = false;
                    out.push(']');
                }
                '[' if chars.get(i + 1) == Some(&':') => {
                    // `[:alpha:]`: copy through the closing `:]`.
                    let rest: String = chars[i..].iter().collect();
                    match rest.find(":]") {
                        Some(end) if end > 1 => {
                            out.push_str(&rest[..end + 2]);
                            i += rest[..end + 2].chars().count();
                            continue;
                        }
                        _ => out.push_str("\\["),
                    }
                }
                '[' | '&' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                '-' if chars.get(i + 1) == Some(&'-') => out.push_str("\\-"),
                _ => out.push(c),
            }
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                class_start = true;
                out.push('[');
            }
            '{' => match go_repeat(&chars[i..]) {
                Some((len, min, max)) => {
                    if min > 1000 || max.is_some_and(|m| m > 1000 || m < min) {
                        let text: String = chars[i..i + len].iter().collect();
                        return Err(format!("invalid repeat count: `{text}`"));
                    }
                    out.extend(&chars[i..i + len]);
                    i += len;
                    continue;
                }
                None => out.push_str("\\{"),
            },
            '}' => out.push_str("\\}"),
            // RE2 takes group names of word characters (`(?P<0>…)`); the crate wants a
            // letter or `_` first. Validation only needs the same verdict, not the name.
            '(' if matches!(chars.get(i + 1..i + 4), Some(['?', 'P', '<']))
                && chars.get(i + 4).is_some_and(char::is_ascii_digit) =>
            {
                out.push_str("(?P<_");
                i += 4;
                continue;
            }
            '(' if matches!(chars.get(i + 1..i + 3), Some(['?', '<'])) && chars.get(i + 3).is_some_and(char::is_ascii_digit) => {
                out.push_str("(?<_");
                i += 3;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    Ok(out)
}

fn push_class_literal(out: &mut String, c: char) {
    if matches!(c, '\\' | ']' | '[' | '^' | '-' | '&' | '~') {
        out.push('\\');
    }
    out.push(c);
}

/// `{n}`, `{n,}` or `{n,m}` at the start of `chars`: its length and bounds (Go's `parseRepeat`).
fn go_repeat(chars: &[char]) -> Option<(usize, u64, Option<u64>)> {
    let mut i = 1;
    let number = |i: &mut usize| -> Option<u64> {
        let start = *i;
        while chars.get(*i).is_some_and(|c| c.is_ascii_digit()) {
            *i += 1;
        }
        if *i == start {
            return None;
        }
        let text: String = chars[start..*i].iter().collect();
        Some(text.parse().unwrap_or(u64::MAX))
    };
    let min = number(&mut i)?;
    let max = if chars.get(i) == Some(&',') {
        i += 1;
        if chars.get(i) == Some(&'}') { None } else { Some(number(&mut i)?) }
    } else {
        Some(min)
    };
    (chars.get(i) == Some(&'}')).then_some((i + 1, min, max))
}
