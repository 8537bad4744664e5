//! The search-box language, parsed without recursion and within fixed bounds.
//!
//! Words are ANDed; `"quoted words"` are phrases; `OR` (or `|`) separates alternatives and
//! binds looser than the implicit AND (`a b OR c` is `(a AND b) OR c`); `AND` is accepted and
//! changes nothing; `-word`, `-"phrase"`, `-(…)` and `NOT x` exclude; parentheses group.
//! A stray `)` is ignored and an unclosed `(` is closed at the end, as a search box user expects.
//!
//! Written here rather than with tantivy's `QueryParser` because that one recurses once per
//! parenthesis: about 740 `(` overflowed the stack and aborted the process, from one
//! unauthenticated request. This parser keeps its groups on an explicit stack, refuses input
//! past [`MAX_QUERY_BYTES`], [`MAX_QUERY_DEPTH`] nested groups or [`MAX_QUERY_WORDS`] words, and
//! so builds a query tree no deeper than the limit (tantivy's own walks over it stay shallow).

use crate::analyzer;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

/// Longest query text, in bytes.
pub const MAX_QUERY_BYTES: usize = 2048;
/// Deepest nesting of parentheses.
pub const MAX_QUERY_DEPTH: usize = 16;
/// Most words (inside or outside phrases).
pub const MAX_QUERY_WORDS: usize = 64;
/// Most spelled-out variants of one phrase (each word may have two analyses, see
/// [`analyzer::analyze`]); beyond it the first analysis of each word is used.
const MAX_PHRASE_VARIANTS: usize = 8;

/// Why a query text was refused. Shown to the user (400 from the server, exit 2 from the CLI).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("query too long: {0} bytes, at most {MAX_QUERY_BYTES}")]
    TooLong(usize),
    #[error("query nests parentheses deeper than {MAX_QUERY_DEPTH}")]
    TooDeep,
    #[error("query has more than {MAX_QUERY_WORDS} words")]
    TooManyWords,
    #[error("nothing to search for in {0:?}")]
    Nothing(String),
}

/// A parsed query: a tree of groups, each a disjunction of conjunctions.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    root: Group,
    /// Every analyzed term of a positive (not excluded) word, for highlighting.
    pub positive_terms: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Group {
    /// Alternatives (`OR`), each a list of clauses that must all hold.
    alternatives: Vec<Vec<Clause>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Clause {
    exclude: bool,
    item: Item,
}

#[derive(Debug, Clone, PartialEq)]
enum Item {
    /// One query word: its analyzed terms by position, each with its alternatives.
    Words(Vec<Vec<String>>),
    Group(Group),
}

enum Tok<'a> {
    Open,
    Close,
    Or,
    And,
    Not,
    Phrase(&'a str),
    Word(&'a str),
}

/// Splits the text into tokens in one pass.
fn tokens(text: &str) -> Vec<(bool, Tok<'_>)> {
    // (preceded by `-`, token)
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        let Some(c) = rest.chars().next() else { break };
        let mut minus = false;
        if c == '-' {
            minus = true;
            rest = &rest[1..];
        }
        let Some(c) = rest.chars().next() else { break };
        let tok = match c {
            '(' => {
                rest = &rest[1..];
                Tok::Open
            }
            ')' => {
                rest = &rest[1..];
                Tok::Close
            }
            '|' => {
                rest = &rest[1..];
                Tok::Or
            }
            '"' | '«' | '“' => {
                let close = match c {
                    '«' => '»',
                    '“' => '”',
                    _ => '"',
                };
                let body = &rest[c.len_utf8()..];
                let end = body.find(close).unwrap_or(body.len());
                rest = body.get(end + close.len_utf8()..).unwrap_or("");
                Tok::Phrase(&body[..end])
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"' | '«' | '“' | '|'))
                    .unwrap_or(rest.len());
                let w = &rest[..end];
                rest = &rest[end..];
                match w {
                    "OR" => Tok::Or,
                    "AND" => Tok::And,
                    "NOT" => Tok::Not,
                    _ => Tok::Word(w),
                }
            }
        };
        out.push((minus, tok));
    }
    out
}

/// The analyzed terms of a word or phrase, grouped by position (alternatives at one position:
/// see [`analyzer::analyze`]).
fn analyzed(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut last = usize::MAX;
    for t in analyzer::analyze(text) {
        if t.position == last {
            if let Some(p) = out.last_mut() {
                p.push(t.text);
            }
        } else {
            last = t.position;
            out.push(vec![t.text]);
        }
    }
    out
}

/// Parses `text`. An empty text or one of common words only parses to a query that matches
/// nothing; one with no word characters at all is [`QueryError::Nothing`].
pub fn parse(text: &str) -> Result<Parsed, QueryError> {
    if text.len() > MAX_QUERY_BYTES {
        return Err(QueryError::TooLong(text.len()));
    }
    if !text.chars().any(mirsad_text::is_word_char) {
        return Err(QueryError::Nothing(text.to_string()));
    }
    // The open groups, innermost last, each with whether it is excluded as a whole.
    let mut stack: Vec<(bool, Group)> = vec![(false, Group { alternatives: vec![Vec::new()] })];
    let mut words = 0usize;
    let mut positive_terms = Vec::new();
    let mut pending_not = false;
    for (minus, tok) in tokens(text) {
        let exclude = minus || std::mem::take(&mut pending_not);
        let item = match tok {
            Tok::Open => {
                if stack.len() > MAX_QUERY_DEPTH {
                    return Err(QueryError::TooDeep);
                }
                stack.push((exclude, Group { alternatives: vec![Vec::new()] }));
                continue;
            }
            Tok::Close => {
                if stack.len() > 1 {
                    let (excluded, group) = stack.pop().expect("checked above");
                    push_clause(&mut stack, excluded, Item::Group(group));
                }
                continue;
            }
            Tok::Or => {
                let top = &mut stack.last_mut().expect("never empty").1;
                if top.alternatives.last().is_some_and(|a| !a.is_empty()) {
                    top.alternatives.push(Vec::new());
                }
                continue;
            }
            Tok::And => continue,
            Tok::Not => {
                pending_not = true;
                continue;
            }
            Tok::Word(w) | Tok::Phrase(w) => {
                let terms = analyzed(w);
                words += terms.len();
                if words > MAX_QUERY_WORDS {
                    return Err(QueryError::TooManyWords);
                }
                if terms.is_empty() {
                    continue; // punctuation or common words only
                }
                if !exclude && !stack.iter().any(|(x, _)| *x) {
                    positive_terms.extend(terms.iter().flatten().cloned());
                }
                Item::Words(terms)
            }
        };
        push_clause(&mut stack, exclude, item);
    }
    while stack.len() > 1 {
        let (excluded, group) = stack.pop().expect("checked above");
        push_clause(&mut stack, excluded, Item::Group(group));
    }
    let root = stack.pop().expect("never empty").1;
    Ok(Parsed { root, positive_terms })
}

fn push_clause(stack: &mut [(bool, Group)], exclude: bool, item: Item) {
    let top = &mut stack.last_mut().expect("never empty").1;
    if let Item::Group(g) = &item {
        if g.alternatives.iter().all(Vec::is_empty) {
            return; // `()` or a group of common words
        }
    }
    top.alternatives.last_mut().expect("never empty").push(Clause { exclude, item });
}

impl Parsed {
    /// True when no word survived analysis (only common words): the query matches nothing.
    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.root.alternatives.iter().all(Vec::is_empty)
    }

    /// The tantivy query over `fields` (each with its boost), a word matching in any of them.
    pub fn to_query(&self, fields: &[(Field, f32)]) -> Box<dyn Query> {
        // Groups are built innermost first from an explicit post-order list, so building
        // does not recurse either.
        let mut order: Vec<&Group> = Vec::new();
        let mut todo = vec![&self.root];
        while let Some(g) = todo.pop() {
            order.push(g);
            for c in g.alternatives.iter().flatten() {
                if let Item::Group(inner) = &c.item {
                    todo.push(inner);
                }
            }
        }
        // Built queries of groups, keyed by address (each group is visited once).
        let mut built: Vec<(*const Group, Box<dyn Query>)> = Vec::new();
        for g in order.into_iter().rev() {
            let q = group_query(g, fields, &mut built);
            built.push((g as *const Group, q));
        }
        built.pop().map(|(_, q)| q).unwrap_or_else(|| Box::new(EmptyQuery))
    }
}

fn group_query(g: &Group, fields: &[(Field, f32)], built: &mut Vec<(*const Group, Box<dyn Query>)>) -> Box<dyn Query> {
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for conj in g.alternatives.iter().filter(|a| !a.is_empty()) {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for c in conj {
            let q = match &c.item {
                Item::Words(terms) => words_query(terms, fields),
                Item::Group(inner) => {
                    let at = built.iter().position(|(p, _)| std::ptr::eq(*p, inner)).expect("inner groups built first");
                    built.swap_remove(at).1
                }
            };
            clauses.push((if c.exclude { Occur::MustNot } else { Occur::Must }, q));
        }
        if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
            // Exclusions alone select from everything.
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        alternatives.push((Occur::Should, single_or_bool(clauses)));
    }
    if alternatives.is_empty() {
        return Box::new(EmptyQuery);
    }
    single_or_bool(alternatives)
}

fn single_or_bool(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    if clauses.len() == 1 && clauses[0].0 != Occur::MustNot {
        return clauses.pop().expect("one").1;
    }
    Box::new(BooleanQuery::new(clauses))
}

/// One word or phrase: matches in any field; each position may have alternatives.
fn words_query(terms: &[Vec<String>], fields: &[(Field, f32)]) -> Box<dyn Query> {
    let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for &(field, boost) in fields {
        let q: Box<dyn Query> = if terms.len() == 1 {
            let alts: Vec<(Occur, Box<dyn Query>)> = terms[0]
                .iter()
                .map(|t| {
                    let q: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_field_text(field, t),
                        IndexRecordOption::WithFreqsAndPositions,
                    ));
                    (Occur::Should, q)
                })
                .collect();
            single_or_bool(alts)
        } else {
            let phrases: Vec<(Occur, Box<dyn Query>)> = phrase_variants(terms)
                .into_iter()
                .map(|v| {
                    let q: Box<dyn Query> =
                        Box::new(PhraseQuery::new(v.iter().map(|t| Term::from_field_text(field, t)).collect()));
                    (Occur::Should, q)
                })
                .collect();
            single_or_bool(phrases)
        };
        let q: Box<dyn Query> = if boost == 1.0 { q } else { Box::new(BoostQuery::new(q, boost)) };
        per_field.push((Occur::Should, q));
    }
    single_or_bool(per_field)
}

/// The spelled-out phrases of positions with alternatives, at most [`MAX_PHRASE_VARIANTS`].
fn phrase_variants(terms: &[Vec<String>]) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = vec![Vec::new()];
    for alts in terms {
        if out.len() * alts.len() > MAX_PHRASE_VARIANTS {
            for v in &mut out {
                v.push(&alts[0]);
            }
            continue;
        }
        out = out
            .into_iter()
            .flat_map(|v| {
                alts.iter().map(move |a| {
                    let mut v = v.clone();
                    v.push(a.as_str());
                    v
                })
            })
            .collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> String {
        // A compact rendering of the parse tree, for the assertions below.
        fn group(g: &Group, out: &mut String) {
            out.push('[');
            for (i, conj) in g.alternatives.iter().enumerate() {
                if i > 0 {
                    out.push_str(" | ");
                }
                for (j, c) in conj.iter().enumerate() {
                    if j > 0 {
                        out.push(' ');
                    }
                    if c.exclude {
                        out.push('-');
                    }
                    match &c.item {
                        Item::Words(t) => {
                            out.push_str(&t.iter().map(|p| p.join("/")).collect::<Vec<_>>().join("_"));
                        }
                        Item::Group(g) => group(g, out),
                    }
                }
            }
            out.push(']');
        }
        let mut out = String::new();
        group(&parse(text).unwrap().root, &mut out);
        out
    }

    #[test]
    fn words_phrases_or_and_exclusion() {
        assert_eq!(shape("نفط غاز"), "[نفط غاز]");
        assert_eq!(shape("نفط OR غاز قطر"), "[نفط | غاز قطر]");
        assert_eq!(shape("نفط | -غاز"), "[نفط | -غاز]");
        assert_eq!(shape("\"أسعار النفط\" AND NOT غاز"), "[اسعار_نفط -غاز]");
        assert_eq!(shape("(نفط OR غاز) -(قطر)"), "[[نفط | غاز] -[قطر]]");
        assert_eq!(shape("«أسعار النفط»"), "[اسعار_نفط]");
    }

    #[test]
    fn lenient_with_stray_and_unclosed_parentheses() {
        assert_eq!(shape(") نفط ((غاز"), "[نفط [[غاز]]]");
        assert_eq!(shape("نفط () في"), "[نفط]");
        assert!(parse("في من").unwrap().is_empty());
    }

    #[test]
    fn bounds_are_errors_not_crashes() {
        let deep = format!("{}نفط", "(".repeat(740));
        assert_eq!(parse(&deep), Err(QueryError::TooDeep));
        let ok = format!("{}نفط{}", "(".repeat(MAX_QUERY_DEPTH), ")".repeat(MAX_QUERY_DEPTH));
        assert!(parse(&ok).is_ok());
        let long = "نفط ".repeat(600);
        assert_eq!(parse(&long), Err(QueryError::TooLong(long.len())));
        assert_eq!(parse(&"نفط ".repeat(65)), Err(QueryError::TooManyWords));
        assert!(matches!(parse("((( ))) !!"), Err(QueryError::Nothing(_))));
        // Unbalanced quotes and a lone minus do not panic.
        for t in ["\"نفط", "-", "- -", "«", "نفط\"", "-(", "NOT", "OR OR", "|(|)|"] {
            let _ = parse(t);
        }
    }

    #[test]
    fn random_queries_parse_or_fail_cleanly() {
        // A deterministic stand-in for the `query` fuzz target (fuzz/): pieces of the syntax in
        // random order and number, including nesting far past the limit.
        let pieces =
            ["(", ")", "\"", "«", "»", "-", "OR", "AND", "NOT", "|", " ", "نفط", "للاعبين", "x", "في", "كيم-جونغ"];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let schema = {
            let mut b = tantivy::schema::Schema::builder();
            b.add_text_field("body", tantivy::schema::TEXT);
            b.build()
        };
        let field = schema.get_field("body").unwrap();
        for _ in 0..3000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = (seed % 400) as usize;
            let mut text = String::new();
            let mut s = seed;
            for _ in 0..n {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(pieces[(s >> 33) as usize % pieces.len()]);
            }
            if let Ok(p) = parse(&text) {
                let _ = p.to_query(&[(field, 2.0), (field, 1.0)]);
            }
        }
    }

    #[test]
    fn positive_terms_skip_exclusions() {
        let p = parse("نفط -غاز NOT (قطر)").unwrap();
        assert_eq!(p.positive_terms, vec!["نفط".to_string()]);
    }
}
