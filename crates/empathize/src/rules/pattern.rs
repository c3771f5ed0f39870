//! Pattern syntax: parsing and expansion into finite sets of term sequences.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::error::RulePackError;
use crate::rules::pack::LexiconEntry;
use crate::text::language::Language;
use crate::text::normalize::{normalize_other, normalize_word};
use crate::text::scan::{scan, RawToken};
use crate::text::TokenKind;

/// Most sequences one pattern segment (or lexicon) may expand to.
pub(crate) const MAX_EXPANSIONS: usize = 4096;
/// Widest gap, in tokens.
pub(crate) const MAX_GAP: u8 = 8;
/// Most gaps in one pattern.
pub(crate) const MAX_GAPS: usize = 4;
/// Deepest lexicon nesting.
pub(crate) const MAX_LEXICON_DEPTH: usize = 16;
/// Longest sequence, in terms.
pub(crate) const MAX_SEQUENCE: usize = 32;

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// A normalized term.
    Term(String),
    /// A lexicon reference.
    Lexicon(String),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Opt(Box<Node>),
    /// A gap of `min..=max` arbitrary tokens (top level only).
    Gap(u8, u8),
}

/// A term sequence, one entry of an expansion: a range of the
/// [`Expander`]'s flat store of symbols (see [`Expander::sequence`] and
/// [`Expander::term`]). Sequences live side by side in one `Vec<u32>`, so
/// expanding allocates nothing per sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sequence {
    start: u32,
    len: u32,
}

impl Sequence {
    const EMPTY: Sequence = Sequence { start: 0, len: 0 };

    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
}

/// A pattern split at its gaps: segments and the gaps between them.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub segments: Vec<Rc<Vec<Sequence>>>,
    pub gaps: Vec<(u8, u8)>,
}

struct Parser<'a> {
    language: &'a Language,
    src: &'a str,
    pos: usize,
    /// Buffers for the literals, reused from one to the next.
    literal: String,
    tokens: Vec<RawToken>,
    word: String,
}

/// Parses a pattern. `allow_gaps` is false for lexicon entries.
pub(crate) fn parse(src: &str, allow_gaps: bool, language: &Language) -> Result<Node, String> {
    let mut p = Parser {
        language,
        src,
        pos: 0,
        literal: String::new(),
        tokens: Vec::new(),
        word: String::new(),
    };
    let node = p.alternation(0)?;
    p.skip_ws();
    if p.pos < src.len() {
        return Err(format!(
            "unexpected `{}` in \"{src}\"",
            &src[p.pos..p.pos + p.peek_len()]
        ));
    }
    if let Node::Seq(items) = &node {
        if items.is_empty() {
            return Err("empty pattern".into());
        }
        if matches!(items.first(), Some(Node::Gap(..)))
            || matches!(items.last(), Some(Node::Gap(..)))
        {
            return Err(format!(
                "a pattern cannot start or end with a gap: \"{src}\""
            ));
        }
        let gaps = items.iter().filter(|n| matches!(n, Node::Gap(..))).count();
        if gaps > 0 && !allow_gaps {
            return Err(format!("lexicon entries cannot contain gaps: \"{src}\""));
        }
        if gaps > MAX_GAPS {
            return Err(format!("at most {MAX_GAPS} gaps per pattern: \"{src}\""));
        }
    }
    Ok(node)
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_len(&self) -> usize {
        self.peek().map_or(0, char::len_utf8)
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if !c.is_whitespace() {
                break;
            }
            self.pos += c.len_utf8();
        }
    }

    fn alternation(&mut self, depth: usize) -> Result<Node, String> {
        if depth > 32 {
            return Err("groups nested too deeply".into());
        }
        let mut branches = vec![self.sequence(depth)?];
        loop {
            self.skip_ws();
            if self.peek() == Some('|') {
                self.pos += 1;
                branches.push(self.sequence(depth)?);
            } else {
                break;
            }
        }
        if branches.len() > 1
            && branches
                .iter()
                .any(|b| matches!(b, Node::Seq(v) if v.is_empty()))
        {
            return Err(format!("empty alternative in \"{}\"", self.src));
        }
        Ok(if branches.len() == 1 {
            branches.remove(0)
        } else {
            Node::Alt(branches)
        })
    }

    fn sequence(&mut self, depth: usize) -> Result<Node, String> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None | Some('|') | Some(')') => break,
                Some('?') => {
                    return Err(format!(
                        "`?` must follow a word or group (write `\\?` for a question mark): \"{}\"",
                        self.src
                    ))
                }
                _ => {}
            }
            let atom = self.atom(depth)?;
            if self.peek() == Some('?') {
                self.pos += 1;
                if matches!(atom, Node::Gap(..)) {
                    return Err("a gap cannot be optional".into());
                }
                items.push(Node::Opt(Box::new(atom)));
            } else {
                items.push(atom);
            }
        }
        if depth > 0 && items.iter().any(|n| matches!(n, Node::Gap(..))) {
            return Err(format!(
                "gaps are allowed only at the top level: \"{}\"",
                self.src
            ));
        }
        if depth > 0 && items.is_empty() {
            return Err(format!("empty alternative in \"{}\"", self.src));
        }
        Ok(Node::Seq(items))
    }

    fn atom(&mut self, depth: usize) -> Result<Node, String> {
        let rest = &self.src[self.pos..];
        if rest.starts_with('(') {
            self.pos += 1;
            let inner = self.alternation(depth + 1)?;
            self.skip_ws();
            if self.peek() != Some(')') {
                return Err(format!("unclosed `(` in \"{}\"", self.src));
            }
            self.pos += 1;
            return Ok(inner);
        }
        if rest.starts_with('<') && !rest.starts_with("<3") {
            let close = rest
                .find('>')
                .ok_or_else(|| format!("unclosed `<` in \"{}\"", self.src))?;
            let name = &rest[1..close];
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(format!("bad lexicon name `<{name}>` in \"{}\"", self.src));
            }
            self.pos += close + 1;
            if let Some(class) = name.strip_prefix('#') {
                let known = ["URL", "EMAIL", "MENTION", "HASHTAG", "NUMBER"];
                if !known.contains(&class) {
                    return Err(format!(
                        "unknown token class `<#{class}>`; known: {}",
                        known.map(|k| format!("<#{k}>")).join(", ")
                    ));
                }
                return Ok(Node::Term(format!("<#{class}>")));
            }
            return Ok(Node::Lexicon(name.to_string()));
        }
        if rest.starts_with('*') {
            self.pos += 1;
            if self.src[self.pos..].starts_with('{') {
                let close = self.src[self.pos..]
                    .find('}')
                    .ok_or_else(|| format!("unclosed `{{` in \"{}\"", self.src))?;
                let body = &self.src[self.pos + 1..self.pos + close];
                self.pos += close + 1;
                let (lo, hi) = body
                    .split_once(',')
                    .ok_or_else(|| format!("a gap is written `*{{m,n}}`, not `*{{{body}}}`"))?;
                let lo: u8 = lo
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad gap `*{{{body}}}`"))?;
                let hi: u8 = hi
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad gap `*{{{body}}}`"))?;
                if lo > hi || hi > MAX_GAP || hi == 0 {
                    return Err(format!(
                        "gap `*{{{body}}}` must have 0 ≤ m ≤ n ≤ {MAX_GAP} and n ≥ 1"
                    ));
                }
                return Ok(Node::Gap(lo, hi));
            }
            return Ok(Node::Gap(1, 1));
        }
        // A literal: up to the next space or syntax character; `\x` escapes.
        let mut literal = std::mem::take(&mut self.literal);
        literal.clear();
        while let Some(c) = self.peek() {
            if c == '\\' {
                self.pos += 1;
                match self.peek() {
                    Some(e) => {
                        literal.push(e);
                        self.pos += e.len_utf8();
                    }
                    None => return Err(format!("dangling `\\` in \"{}\"", self.src)),
                }
                continue;
            }
            if c.is_whitespace() || matches!(c, '(' | ')' | '|' | '?' | '*') {
                break;
            }
            if c == '<' && !self.src[self.pos..].starts_with("<3") {
                break;
            }
            literal.push(c);
            self.pos += c.len_utf8();
        }
        if literal.is_empty() {
            return Err(format!("unexpected character in \"{}\"", self.src));
        }
        let node = self.literal_node(&literal);
        self.literal = literal;
        node
    }

    /// A literal normalized with the tokenizer the text goes through: its
    /// term, or the sequence of its terms.
    fn literal_node(&mut self, literal: &str) -> Result<Node, String> {
        let language = self.language;
        self.tokens.clear();
        scan(language, literal, &mut self.tokens);
        let mut terms = Vec::with_capacity(self.tokens.len());
        for t in &self.tokens {
            let text = &literal[t.start..t.end];
            match t.kind {
                TokenKind::Word => {
                    normalize_word(text, 2, &mut self.word);
                    let (a, b) = language.expand_contraction(&self.word);
                    terms.push(Node::Term(a.to_string()));
                    terms.extend(b.map(|b| Node::Term(b.to_string())));
                }
                TokenKind::Number => terms.push(Node::Term(text.to_string())),
                kind => terms.push(Node::Term(
                    normalize_other(language, text, kind).into_owned(),
                )),
            }
        }
        match terms.len() {
            0 => Err(format!("`{literal}` holds no token")),
            1 => Ok(terms.swap_remove(0)),
            _ => Ok(Node::Seq(terms)),
        }
    }
}

/// Expands lexicons on demand, with memoization and cycle detection.
pub(crate) struct Expander<'a> {
    lexicons: &'a BTreeMap<String, Vec<LexiconEntry>>,
    language: &'a Language,
    memo: BTreeMap<String, Rc<Vec<Sequence>>>,
    stack: Vec<String>,
    /// The term of each symbol; sequences hold symbols, so that expanding
    /// copies integers, not strings.
    terms: Vec<String>,
    /// The first eight bytes of each term, big-endian and zero-padded:
    /// when two differ they order the terms as their text does.
    prefixes: Vec<u64>,
    symbols: FxHashMap<String, u32>,
    /// The symbols of every sequence, side by side.
    store: Vec<u32>,
    /// How much of `store` memoized lexicons use: [`Expander::recycle`]
    /// frees the rest.
    kept: usize,
}

impl<'a> Expander<'a> {
    pub fn new(lexicons: &'a BTreeMap<String, Vec<LexiconEntry>>, language: &'a Language) -> Self {
        Expander {
            lexicons,
            language,
            memo: BTreeMap::new(),
            stack: Vec::new(),
            terms: Vec::new(),
            prefixes: Vec::new(),
            symbols: FxHashMap::default(),
            store: Vec::new(),
            kept: 0,
        }
    }

    /// The symbols of `seq`.
    pub fn sequence(&self, seq: Sequence) -> &[u32] {
        &self.store[seq.range()]
    }

    /// Frees the sequences of the plans made so far (the memoized
    /// lexicons' stay): their [`Sequence`]s must not be read after this.
    pub fn recycle(&mut self) {
        self.store.truncate(self.kept);
    }

    /// A new sequence: the store from `start` on.
    fn close(&self, start: usize) -> Result<Sequence, RulePackError> {
        let too_big = || RulePackError::new("a pack expands to too many terms");
        Ok(Sequence {
            start: u32::try_from(start).map_err(|_| too_big())?,
            len: u32::try_from(self.store.len() - start).map_err(|_| too_big())?,
        })
    }

    /// The term symbol `symbol` stands for.
    pub fn term(&self, symbol: u32) -> &str {
        &self.terms[symbol as usize]
    }

    fn symbol(&mut self, term: &str) -> u32 {
        if let Some(&symbol) = self.symbols.get(term) {
            return symbol;
        }
        let symbol = self.terms.len() as u32;
        let mut prefix = [0u8; 8];
        let head = &term.as_bytes()[..term.len().min(8)];
        prefix[..head.len()].copy_from_slice(head);
        self.prefixes.push(u64::from_be_bytes(prefix));
        self.terms.push(term.to_string());
        self.symbols.insert(term.to_string(), symbol);
        symbol
    }

    /// Whether sequence `a` comes before `b` in the order of their terms'
    /// text (what comparing sequences of strings gave).
    fn precedes(&self, a: Sequence, b: Sequence) -> bool {
        let (terms, prefixes) = (&self.terms, &self.prefixes);
        let term_order = |a: u32, b: u32| {
            if a == b {
                return Ordering::Equal;
            }
            let (a, b) = (a as usize, b as usize);
            prefixes[a]
                .cmp(&prefixes[b])
                .then_with(|| terms[a].cmp(&terms[b]))
        };
        let (a, b) = (self.sequence(a), self.sequence(b));
        a.iter()
            .zip(b)
            .map(|(&x, &y)| term_order(x, y))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| a.len().cmp(&b.len()))
            .is_lt()
    }

    /// Sorts `seqs`, sorted runs that start at `bounds` (0, each run's
    /// start, then the length), in the order of their terms' text and
    /// drops duplicates. Runs
    /// are merged pairwise, as in the last passes of a merge sort: a
    /// union of a few sorted expansions costs a few comparisons per
    /// sequence, not a sort.
    fn merge_runs(&self, seqs: Vec<Sequence>, mut bounds: Vec<usize>) -> Vec<Sequence> {
        let (mut from, mut to) = (seqs, Vec::new());
        while bounds.len() > 2 {
            to.clear();
            to.reserve(from.len());
            let mut merged = Vec::with_capacity(bounds.len() / 2 + 2);
            merged.push(0);
            for pair in bounds.windows(3).step_by(2) {
                let (mut left, mut right) = (&from[pair[0]..pair[1]], &from[pair[1]..pair[2]]);
                while let (Some(&a), Some(&b)) = (left.first(), right.first()) {
                    if self.precedes(b, a) {
                        to.push(b);
                        right = &right[1..];
                    } else {
                        to.push(a);
                        left = &left[1..];
                    }
                }
                to.extend_from_slice(left);
                to.extend_from_slice(right);
                merged.push(to.len());
            }
            // An odd run out stays as it is.
            if bounds.len() % 2 == 0 {
                to.extend_from_slice(&from[bounds[bounds.len() - 2]..]);
                merged.push(to.len());
            }
            std::mem::swap(&mut from, &mut to);
            bounds = merged;
        }
        from.dedup_by(|a, b| self.sequence(*a) == self.sequence(*b));
        from
    }

    /// Splits a top-level pattern at its gaps and expands each segment.
    pub fn plan(&mut self, node: &Node) -> Result<Plan, RulePackError> {
        let items = match node {
            Node::Seq(items) => items.as_slice(),
            other => std::slice::from_ref(other),
        };
        let gaps: Vec<(u8, u8)> = items
            .iter()
            .filter_map(|item| match item {
                Node::Gap(lo, hi) => Some((*lo, *hi)),
                _ => None,
            })
            .collect();
        let mut expanded = Vec::with_capacity(gaps.len() + 1);
        for segment in items.split(|item| matches!(item, Node::Gap(..))) {
            let seqs = self.expand_seq(segment)?;
            if seqs.iter().any(|s| s.is_empty()) {
                return Err(RulePackError::new(
                    "a pattern (or a part between gaps) can match nothing; make something in it required",
                ));
            }
            expanded.push(seqs);
        }
        Ok(Plan {
            segments: expanded,
            gaps,
        })
    }

    /// The sequences `node` expands to, sorted and deduplicated. A
    /// lexicon's (or a one-item sequence's) expansion is shared, not copied.
    fn expand(&mut self, node: &Node) -> Result<Rc<Vec<Sequence>>, RulePackError> {
        match node {
            Node::Term(t) => {
                let symbol = self.symbol(t);
                let start = self.store.len();
                self.store.push(symbol);
                Ok(Rc::new(vec![self.close(start)?]))
            }
            Node::Lexicon(name) => self.lexicon(name),
            Node::Opt(inner) => {
                let inner = self.expand(inner)?;
                // The empty sequence sorts first; the rest is sorted already.
                if inner.first().is_some_and(|s| s.is_empty()) {
                    return Ok(inner);
                }
                let mut v = Vec::with_capacity(inner.len() + 1);
                v.push(Sequence::EMPTY);
                v.extend(inner.iter().copied());
                Ok(Rc::new(v))
            }
            Node::Alt(branches) => {
                let (mut v, mut bounds) = (Vec::new(), vec![0]);
                for b in branches {
                    v.extend(self.expand(b)?.iter().copied());
                    check_size(v.len())?;
                    bounds.push(v.len());
                }
                Ok(Rc::new(self.merge_runs(v, bounds)))
            }
            Node::Seq(items) => self.expand_seq(items),
            Node::Gap(..) => Err(RulePackError::new("gaps are allowed only at the top level")),
        }
    }

    /// The sequences the sequence of `items` expands to, as [`Expander::expand`].
    fn expand_seq(&mut self, items: &[Node]) -> Result<Rc<Vec<Sequence>>, RulePackError> {
        if let [item] = items {
            return self.expand(item);
        }
        let mut acc: Vec<Sequence> = vec![Sequence::EMPTY];
        for item in items {
            let next = self.expand(item)?;
            check_size(acc.len().saturating_mul(next.len()))?;
            let mut joined = Vec::with_capacity(acc.len() * next.len());
            // `acc` and `next` are sorted and deduplicated. When
            // neither of `a < a'` is a prefix of the other, every
            // `a + n` comes before every `a' + n'` (they differ
            // within `a`), so the product is in order but where a
            // sequence of `acc` is a prefix of the next one: there
            // a new run starts. (In sorted order, a sequence that
            // is a prefix of a later one is a prefix of the next.)
            let mut bounds = vec![0];
            for (i, &a) in acc.iter().enumerate() {
                if i > 0 && self.sequence(a).starts_with(self.sequence(acc[i - 1])) {
                    bounds.push(joined.len());
                }
                for &n in next.iter() {
                    if (a.len + n.len) as usize > MAX_SEQUENCE {
                        return Err(RulePackError::new(format!(
                            "a pattern expands to a sequence longer than {MAX_SEQUENCE} tokens"
                        )));
                    }
                    // An empty side adds nothing: the other is
                    // the sequence, stored already.
                    if a.is_empty() || n.is_empty() {
                        joined.push(if a.is_empty() { n } else { a });
                        continue;
                    }
                    let start = self.store.len();
                    self.store.extend_from_within(a.range());
                    self.store.extend_from_within(n.range());
                    joined.push(self.close(start)?);
                }
            }
            bounds.push(joined.len());
            acc = self.merge_runs(joined, bounds);
        }
        Ok(Rc::new(acc))
    }

    fn lexicon(&mut self, name: &str) -> Result<Rc<Vec<Sequence>>, RulePackError> {
        if let Some(done) = self.memo.get(name) {
            return Ok(done.clone());
        }
        if self.stack.iter().any(|s| s == name) {
            return Err(RulePackError::new(format!(
                "lexicon cycle: {} -> {name}",
                self.stack.join(" -> ")
            )));
        }
        if self.stack.len() >= MAX_LEXICON_DEPTH {
            return Err(RulePackError::new(format!(
                "lexicons nested deeper than {MAX_LEXICON_DEPTH}"
            )));
        }
        let entries = self
            .lexicons
            .get(name)
            .ok_or_else(|| RulePackError::new(format!("unknown lexicon `<{name}>`")))?;
        self.stack.push(name.to_string());
        let (mut all, mut bounds) = (Vec::new(), vec![0]);
        for entry in entries {
            let result = parse(&entry.pattern, false, self.language)
                .map_err(RulePackError::new)
                .and_then(|node| self.expand(&node));
            let seqs = result.map_err(|e| {
                if e.rule().is_some() {
                    e
                } else {
                    e.with_rule(name)
                        .with_field("lexicons")
                        .with_line(entry.line)
                        .with_pack(entry.pack.clone())
                }
            });
            match seqs {
                Ok(seqs) => {
                    if seqs.iter().any(|s| s.is_empty()) {
                        self.stack.pop();
                        return Err(RulePackError::new("a lexicon entry can match nothing")
                            .with_rule(name)
                            .with_field("lexicons")
                            .with_line(entry.line));
                    }
                    all.extend(seqs.iter().copied());
                    check_size(all.len()).map_err(|e| e.with_rule(name).with_field("lexicons"))?;
                    bounds.push(all.len());
                }
                Err(e) => {
                    self.stack.pop();
                    return Err(e);
                }
            }
        }
        self.stack.pop();
        let rc = Rc::new(self.merge_runs(all, bounds));
        self.memo.insert(name.to_string(), rc.clone());
        self.kept = self.store.len();
        Ok(rc)
    }
}

fn check_size(n: usize) -> Result<(), RulePackError> {
    if n > MAX_EXPANSIONS {
        Err(RulePackError::new(format!(
            "expands to more than {MAX_EXPANSIONS} sequences; split it into several rules or patterns"
        )))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::language::Language;
    use proptest::prelude::Strategy;

    fn expand(src: &str) -> Vec<String> {
        let lex = BTreeMap::from([(
            "FEEL".to_string(),
            vec![
                LexiconEntry {
                    pattern: "sad".into(),
                    pack: "t".into(),
                    line: None,
                },
                LexiconEntry {
                    pattern: "(so)? upset".into(),
                    pack: "t".into(),
                    line: None,
                },
            ],
        )]);
        let en = Language::english();
        let node = parse(src, true, &en).unwrap();
        let mut expander = Expander::new(&lex, &en);
        let plan = expander.plan(&node).unwrap();
        plan.segments
            .iter()
            .map(|seg| {
                seg.iter()
                    .map(|&s| {
                        expander
                            .sequence(s)
                            .iter()
                            .map(|&t| expander.term(t))
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect()
    }

    proptest::proptest! {
        /// Sequences of symbols sort as the sequences of their terms would.
        #[test]
        fn symbol_order_is_term_order(
            seqs in proptest::collection::vec(
                proptest::collection::vec("(abcdefgh|abcdefg|ab|b|\u{0}|é)(\u{0}|a|z|é){0,3}", 0..4),
                0..12,
            )
        ) {
            let lex = BTreeMap::new();
            let en = Language::english();
            let mut expander = Expander::new(&lex, &en);
            let mut symbols: Vec<Sequence> = Vec::new();
            for seq in &seqs {
                let start = expander.store.len();
                for t in seq {
                    let symbol = expander.symbol(t);
                    expander.store.push(symbol);
                }
                symbols.push(expander.close(start).unwrap());
            }
            let singles = (0..=symbols.len()).collect();
            let symbols = expander.merge_runs(symbols, singles);
            let got: Vec<Vec<String>> = symbols
                .iter()
                .map(|&seq| {
                    expander
                        .sequence(seq)
                        .iter()
                        .map(|&s| expander.term(s).to_string())
                        .collect()
                })
                .collect();
            let mut want = seqs.clone();
            want.sort();
            want.dedup();
            proptest::prop_assert_eq!(got, want);
        }
    }

    proptest::proptest! {
        /// Every expansion comes sorted and deduplicated, including the
        /// products `expand` leaves unsorted when their order is known.
        #[test]
        fn expansions_come_sorted(
            items in proptest::collection::vec(
                proptest::collection::vec("(a|ab|b|ba|<L>)( (a|b|<L>))?", 1..3)
                    .prop_map(|alts| alts.join("|")),
                1..5,
            ),
            optional in proptest::collection::vec(proptest::bool::ANY, 5),
        ) {
            let src = items
                .iter()
                .zip(&optional)
                .map(|(alt, &opt)| format!("({alt}){}", if opt { "?" } else { "" }))
                .collect::<Vec<_>>()
                .join(" ");
            let lex = BTreeMap::from([(
                "L".to_string(),
                ["a", "a b", "b a", "ab"]
                    .iter()
                    .map(|p| LexiconEntry {
                        pattern: p.to_string(),
                        pack: "t".into(),
                        line: None,
                    })
                    .collect(),
            )]);
            let en = Language::english();
            let node = parse(&src, true, &en).unwrap();
            let mut expander = Expander::new(&lex, &en);
            // Past MAX_EXPANSIONS is an error, tested elsewhere.
            let got = expander.expand(&node);
            proptest::prop_assume!(got.is_ok());
            let terms: Vec<Vec<&str>> = got
                .unwrap()
                .iter()
                .map(|&seq| expander.sequence(seq).iter().map(|&s| expander.term(s)).collect())
                .collect();
            proptest::prop_assert!(terms.windows(2).all(|w| w[0] < w[1]), "{}: {:?}", src, terms);
        }
    }

    #[test]
    fn expansions() {
        let cases: &[(&str, &[&str])] = &[
            ("i am sorry", &["i am sorry"]),
            ("I’m sorry", &["i am sorry"]),
            ("i am (so|very)? sorry", &["i am so sorry | i am sorry | i am very sorry"]),
            ("(that is|that sounds) <FEEL>", &[
                "that is sad | that is so upset | that is upset | that sounds sad | that sounds so upset | that sounds upset",
            ]),
            ("sorry *{0,3} inconvenience", &["sorry", "inconvenience"]),
            ("sorry ,? but", &["sorry , but | sorry but"]),
            ("right \\?", &["right ?"]),
            ("call <#NUMBER>", &["call <#NUMBER>"]),
            ("<3", &["<3"]),
            ("can't", &["can not"]),
            ("24 / 7", &["24 / 7"]),
        ];
        for (src, want) in cases {
            assert_eq!(expand(src), *want, "{src}");
        }
    }

    #[test]
    fn syntax_errors() {
        let en = Language::english();
        for bad in [
            "i am (so sorry",
            "a | ",
            "*{0,3} a",
            "a *{0,9} b",
            "a *{3,1} b",
            "? a",
            "a <#FOO>",
            "a <FEEL",
            "",
        ] {
            assert!(parse(bad, true, &en).is_err(), "{bad} should not parse");
        }
        assert!(
            parse("a *{0,2} b", false, &en).is_err(),
            "no gaps in lexicons"
        );
    }

    #[test]
    fn cycles_and_unknown_lexicons_are_errors() {
        let en = Language::english();
        let entry = |p: &str| LexiconEntry {
            pattern: p.into(),
            pack: "t".into(),
            line: Some(3),
        };
        let lex = BTreeMap::from([
            ("A".to_string(), vec![entry("<B>")]),
            ("B".to_string(), vec![entry("x <A>")]),
        ]);
        let node = parse("<A>", true, &en).unwrap();
        let err = Expander::new(&lex, &en).plan(&node).unwrap_err();
        assert!(err.message().contains("cycle"), "{err}");
        let node = parse("<C>", true, &en).unwrap();
        let err = Expander::new(&lex, &en).plan(&node).unwrap_err();
        assert!(err.message().contains("unknown lexicon"), "{err}");
    }

    #[test]
    fn blow_up_is_an_error() {
        let en = Language::english();
        let src = (0..8)
            .map(|i| format!("(a{i}|b{i}|c{i}|d{i})"))
            .collect::<Vec<_>>()
            .join(" ");
        let node = parse(&src, true, &en).unwrap();
        let lex = BTreeMap::new();
        assert!(Expander::new(&lex, &en).plan(&node).is_err());
    }
}
