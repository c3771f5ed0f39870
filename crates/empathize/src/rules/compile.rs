//! Compiling merged packs into one automaton over term ids, and running it.
//!
//! Every pattern expands to term-id sequences; all sequences of all rules go
//! into one trie over the pack's vocabulary. Matching starts a walk at each
//! term: the root is a dense table indexed by term id, deeper steps one hash
//! lookup each, and a walk stops at the first term no sequence continues
//! with — in real text, almost always at once. The cost is linear in the
//! text (walks are at most 32 terms deep) and does not grow with the number
//! of rules.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::error::RulePackError;
use crate::report::{Category, Mechanism, Strategy};
use crate::rules::pack::{Context, MergedPack, Position, SentenceKind};
use crate::rules::pattern::{self, Expander};
use crate::scoring::Scoring;
use crate::tokenize::{self, RawToken, TokenKind};

/// Most sequences a whole pack may expand to.
pub(crate) const MAX_PACK_SEQUENCES: usize = 2_000_000;

/// A compiled rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: Arc<str>,
    pub category: Category,
    pub weight: f64,
    pub negatable: bool,
    pub context: Context,
    pub position: Position,
    pub sentence: SentenceKind,
    pub max_tokens: usize,
    pub epitome: Option<(Mechanism, u8)>,
    pub strategy: Option<Strategy>,
    pub description: String,
    pub pack: String,
    pub line: Option<usize>,
    pub patterns: Vec<String>,
}

/// Which segment of which pattern a trie sequence stands for.
#[derive(Debug, Clone, Copy)]
struct SegmentRef {
    plan: u32,
    segment: u8,
}

/// A pattern of a rule, split at its gaps.
#[derive(Debug, Clone)]
struct PlanInfo {
    rule: u32,
    gaps: Vec<(u8, u8)>,
}

/// Term flags kept per vocabulary id so lexing compares no strings.
const NEGATOR: u8 = 1;
const CLAUSE_END: u8 = 2;

/// Rules compiled into one trie over term ids.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub name: String,
    pub rules: Vec<Rule>,
    pub scoring: Scoring,
    vocab: Vocabulary,
    term_flags: Vec<u8>,
    trie: Trie,
    /// `refs[ref_start[p]..ref_start[p + 1]]` for sequence `p`.
    ref_start: Vec<u32>,
    refs: Vec<SegmentRef>,
    plans: Vec<PlanInfo>,
    pub sequences: usize,
}

/// Id 0 is every token the pack never mentions.
const UNKNOWN: u32 = 0;

/// Term → id. Nearly every term is at most 15 bytes: those are keyed by
/// their bytes packed into a `u128` (length in the last byte), so a lookup
/// hashes two words and compares two words — no string hashing, no `memcmp`
/// call. Longer terms go to a map of strings.
#[derive(Debug, Default)]
struct Vocabulary {
    short: FxHashMap<u128, u32>,
    long: FxHashMap<Box<str>, u32>,
}

impl Vocabulary {
    fn pack(term: &str) -> Option<u128> {
        let bytes = term.as_bytes();
        if bytes.len() > 15 {
            return None;
        }
        let mut key = [0u8; 16];
        key[..bytes.len()].copy_from_slice(bytes);
        key[15] = bytes.len() as u8;
        Some(u128::from_le_bytes(key))
    }

    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    fn get(&self, term: &str) -> Option<u32> {
        match Self::pack(term) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(term).copied(),
        }
    }

    /// Calls `f` with every term and its id.
    fn for_each(&self, mut f: impl FnMut(&str, u32)) {
        for (key, &id) in &self.short {
            let bytes = key.to_le_bytes();
            // The key holds the bytes of a `&str`: they are UTF-8.
            f(
                std::str::from_utf8(&bytes[..usize::from(bytes[15])]).unwrap_or_default(),
                id,
            );
        }
        for (term, &id) in &self.long {
            f(term, id);
        }
    }

    /// The id of `term`, given the next free id if it is new.
    fn intern(&mut self, term: &str) -> u32 {
        let next = self.len() as u32 + 1;
        match Self::pack(term) {
            Some(key) => *self.short.entry(key).or_insert(next),
            None => *self.long.entry(term.into()).or_insert(next),
        }
    }
}

/// A trie of term-id sequences.
#[derive(Debug, Default)]
struct Trie {
    /// Child of the root for each term id (0: none).
    root: Vec<u32>,
    /// `(node << 32 | term id)` → child, below the root.
    edges: FxHashMap<u64, u32>,
    /// For each node, a 64-bit filter of the term ids its children take
    /// (bit [`Trie::filter_bit`] of each): a walk almost always ends at a
    /// term no child takes, and the filter tells so without a hash lookup.
    children: Vec<u64>,
    /// For each node, the sequence ending there plus one (0: none).
    terminal: Vec<u32>,
}

impl Trie {
    fn new(vocabulary: usize) -> Trie {
        Trie {
            root: vec![0; vocabulary + 1],
            edges: FxHashMap::default(),
            children: vec![0],
            terminal: vec![0],
        }
    }

    /// The bit of term `id` in a node's filter (the top 6 bits of a
    /// multiplicative hash, so ids close together spread out).
    fn filter_bit(id: u32) -> u64 {
        1 << (id.wrapping_mul(0x9E37_79B9) >> 26)
    }

    fn insert(&mut self, ids: &[u32], sequence: u32) {
        let mut node = 0u32;
        for (depth, &id) in ids.iter().enumerate() {
            let next = self.terminal.len() as u32;
            let child = if depth == 0 {
                let slot = &mut self.root[id as usize];
                if *slot == 0 {
                    *slot = next;
                }
                *slot
            } else {
                self.children[node as usize] |= Self::filter_bit(id);
                *self
                    .edges
                    .entry(u64::from(node) << 32 | u64::from(id))
                    .or_insert(next)
            };
            if child == next {
                self.terminal.push(0);
                self.children.push(0);
            }
            node = child;
        }
        self.terminal[node as usize] = sequence + 1;
    }

    fn step(&self, node: u32, id: u32) -> u32 {
        if node == 0 {
            self.root.get(id as usize).copied().unwrap_or(0)
        } else if self.children[node as usize] & Self::filter_bit(id) == 0 {
            0
        } else {
            self.edges
                .get(&(u64::from(node) << 32 | u64::from(id)))
                .copied()
                .unwrap_or(0)
        }
    }
}

impl Compiled {
    pub fn compile(merged: &MergedPack) -> Result<Compiled, RulePackError> {
        let scoring = Scoring::from_pack(&merged.scoring)?;
        let mut vocab = Vocabulary::default();
        let mut intern = |term: &str| -> u32 { vocab.intern(term) };
        let mut expander = Expander::new(&merged.lexicons);
        let mut sequences: FxHashMap<Vec<u32>, u32> = FxHashMap::default();
        let mut seq_refs: Vec<Vec<SegmentRef>> = Vec::new();
        let mut plans = Vec::new();
        let mut rules = Vec::with_capacity(merged.rules.len());
        let mut total = 0usize;

        for (rule_index, src) in merged.rules.iter().enumerate() {
            for (pattern_src, line) in &src.patterns {
                let locate = |e: RulePackError| {
                    e.with_rule(src.id.clone())
                        .with_field("patterns")
                        .with_line(*line)
                        .with_pack(src.pack.clone())
                };
                let node =
                    pattern::parse(pattern_src, true).map_err(|m| locate(RulePackError::new(m)))?;
                let plan = expander.plan(&node).map_err(locate)?;
                let plan_index = plans.len() as u32;
                for (segment, seqs) in plan.segments.iter().enumerate() {
                    total += seqs.len();
                    if total > MAX_PACK_SEQUENCES {
                        return Err(locate(RulePackError::new(format!(
                            "the pack expands to more than {MAX_PACK_SEQUENCES} sequences"
                        ))));
                    }
                    for seq in seqs {
                        let ids: Vec<u32> = seq.iter().map(|t| intern(t)).collect();
                        let next = seq_refs.len() as u32;
                        let p = *sequences.entry(ids).or_insert(next);
                        if p == next {
                            seq_refs.push(Vec::new());
                        }
                        seq_refs[p as usize].push(SegmentRef {
                            plan: plan_index,
                            segment: segment as u8,
                        });
                    }
                }
                plans.push(PlanInfo {
                    rule: rule_index as u32,
                    gaps: plan.gaps,
                });
            }
            rules.push(Rule {
                id: Arc::from(src.id.as_str()),
                category: src.category,
                weight: src.weight,
                negatable: src.negatable,
                context: src.context,
                position: src.position,
                sentence: src.sentence,
                max_tokens: src.max_tokens,
                epitome: src.epitome,
                strategy: src.strategy,
                description: src.description.clone(),
                pack: src.pack.clone(),
                line: src.line,
                patterns: src.patterns.iter().map(|(p, _)| p.clone()).collect(),
            });
        }

        // Flags for the terms lexing needs to recognise, interned even when
        // no pattern uses them.
        for t in [
            "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "without",
            "hardly", "barely", "nowhere", ",", ";", ":", ".", "!", "?", "…", "—", "-", "but",
            "however", "although", "though", "yet", "(", ")",
        ] {
            intern(t);
        }
        let mut term_flags = vec![0u8; vocab.len() + 1];
        vocab.for_each(|term, id| {
            let mut f = 0;
            if tokenize::is_negator(term) {
                f |= NEGATOR;
            }
            if tokenize::ends_clause(term) {
                f |= CLAUSE_END;
            }
            term_flags[id as usize] = f;
        });

        let mut trie = Trie::new(vocab.len());
        for (ids, &p) in &sequences {
            trie.insert(ids, p);
        }
        let mut ref_start = Vec::with_capacity(seq_refs.len() + 1);
        let mut refs = Vec::new();
        for r in &seq_refs {
            ref_start.push(refs.len() as u32);
            refs.extend_from_slice(r);
        }
        ref_start.push(refs.len() as u32);

        Ok(Compiled {
            name: merged.name.clone(),
            rules,
            scoring,
            vocab,
            term_flags,
            trie,
            ref_start,
            refs,
            plans,
            sequences: total,
        })
    }

    /// Whether a term appears in some pattern.
    pub fn knows(&self, term: &str) -> bool {
        self.vocab.get(term).is_some()
    }

    fn lookup(&self, term: &str) -> u32 {
        self.vocab.get(term).unwrap_or(UNKNOWN)
    }

    /// Tokenizes `text` and maps it to terms and sentences.
    pub fn lex(&self, text: &str, lexed: &mut Lexed) {
        lexed.clear();
        tokenize::scan(text, &mut lexed.tokens);
        let mut buf = String::new();
        let mut negation_left = 0usize;
        let mut sentence = u32::MAX;
        for (index, tok) in lexed.tokens.iter().enumerate() {
            if tok.sentence != sentence {
                sentence = tok.sentence;
                negation_left = 0;
                lexed.sentences.push(SentenceSpan {
                    start: tok.start,
                    end: tok.end,
                    first_term: lexed.terms.len() as u32,
                    end_term: lexed.terms.len() as u32,
                    content_start: u32::MAX,
                    question: false,
                });
            }
            let token_text = &text[tok.start..tok.end];
            let norm_start = lexed.norms.len() as u32;
            let mut ids = [UNKNOWN; 2];
            let mut count = 1;
            match tok.kind {
                TokenKind::Word => {
                    lexed.words += 1;
                    tokenize::normalize_word(token_text, 2, &mut buf);
                    let (a, b) = tokenize::expand_contraction(&buf);
                    ids[0] = self.lookup(a);
                    if let Some(b) = b {
                        ids[1] = self.lookup(b);
                        count = 2;
                    } else if tok.elongated && ids[0] == UNKNOWN {
                        tokenize::normalize_word(token_text, 1, &mut buf);
                        ids[0] = self.lookup(&buf);
                    }
                    lexed.norms.push_str(&buf);
                }
                TokenKind::Number => {
                    // A number some pattern spells out matches as itself;
                    // any other number matches `<#NUMBER>`.
                    lexed.words += 1;
                    ids[0] = match self.lookup(token_text) {
                        UNKNOWN => self.lookup("<#NUMBER>"),
                        id => id,
                    };
                }
                kind => ids[0] = self.lookup(&tokenize::normalize_other(token_text, kind)),
            }
            lexed
                .norm_spans
                .push((norm_start, lexed.norms.len() as u32));
            let Some(current) = lexed.sentences.last_mut() else {
                continue;
            };
            current.end = tok.end;
            if tok.kind == TokenKind::Punct && token_text.contains(['?', '？', '⁉']) {
                current.question = true;
            }
            for &id in &ids[..count] {
                let flags = self.term_flags.get(id as usize).copied().unwrap_or(0);
                let negated = if flags & CLAUSE_END != 0 {
                    negation_left = 0;
                    false
                } else if negation_left > 0 {
                    negation_left -= 1;
                    true
                } else {
                    false
                };
                if flags & NEGATOR != 0 {
                    negation_left = tokenize::NEGATION_REACH;
                }
                let content = !matches!(
                    tok.kind,
                    TokenKind::Punct
                        | TokenKind::Mention
                        | TokenKind::Hashtag
                        | TokenKind::Url
                        | TokenKind::Emoji
                        | TokenKind::Emoticon
                        | TokenKind::Symbol
                );
                if content && current.content_start == u32::MAX {
                    current.content_start = lexed.terms.len() as u32;
                }
                lexed.terms.push(Term {
                    token: index as u32,
                    sentence,
                    negated,
                });
                lexed.ids.push(id);
                current.end_term = lexed.terms.len() as u32;
            }
        }
    }

    /// Runs the automaton over lexed text and stitches gapped patterns.
    pub fn find_hits(&self, lexed: &Lexed, scratch: &mut Vec<SegmentHit>, out: &mut Vec<Hit>) {
        out.clear();
        scratch.clear();
        let ids = &lexed.ids;
        for start in 0..ids.len() {
            let mut node = self.trie.step(0, ids[start]);
            let mut end = start;
            while node != 0 {
                end += 1;
                if let Some(p) = self.trie.terminal[node as usize].checked_sub(1) {
                    self.emit(p as usize, start as u32, end as u32, scratch, out);
                }
                match ids.get(end) {
                    Some(&id) => node = self.trie.step(node, id),
                    None => break,
                }
            }
        }
        if !scratch.is_empty() {
            self.join_segments(lexed, scratch, out);
        }
        out.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.rule));
        out.dedup_by_key(|h| (h.start, h.end, h.rule));
    }

    /// Records the hits of sequence `p` over terms `start..end`.
    fn emit(
        &self,
        p: usize,
        start: u32,
        end: u32,
        scratch: &mut Vec<SegmentHit>,
        out: &mut Vec<Hit>,
    ) {
        let (from, to) = (self.ref_start[p] as usize, self.ref_start[p + 1] as usize);
        for r in &self.refs[from..to] {
            let plan = &self.plans[r.plan as usize];
            if plan.gaps.is_empty() {
                out.push(Hit {
                    rule: plan.rule,
                    start,
                    end,
                });
            } else {
                scratch.push(SegmentHit {
                    plan: r.plan,
                    segment: r.segment,
                    start,
                    end,
                });
            }
        }
    }

    /// Chains segment hits of gapped patterns: each segment must start
    /// within its gap after the previous one, in the same sentence.
    fn join_segments(&self, lexed: &Lexed, hits: &mut [SegmentHit], out: &mut Vec<Hit>) {
        hits.sort_unstable_by_key(|h| (h.plan, h.segment, h.start, h.end));
        let mut group_start = 0;
        while group_start < hits.len() {
            let plan_id = hits[group_start].plan;
            let group_end = hits[group_start..]
                .iter()
                .position(|h| h.plan != plan_id)
                .map_or(hits.len(), |n| group_start + n);
            let group = &hits[group_start..group_end];
            let plan = &self.plans[plan_id as usize];
            let segment_range = |seg: u8| {
                let a = group.partition_point(|h| h.segment < seg);
                let b = group.partition_point(|h| h.segment <= seg);
                &group[a..b]
            };
            for first in segment_range(0) {
                let sentence = lexed.terms[first.start as usize].sentence;
                let mut end = first.end;
                let mut complete = true;
                for (i, &(lo, hi)) in plan.gaps.iter().enumerate() {
                    let candidates = segment_range(i as u8 + 1);
                    let lo_pos = end + u32::from(lo);
                    let hi_pos = end + u32::from(hi);
                    let at = candidates.partition_point(|h| h.start < lo_pos);
                    match candidates[at..]
                        .iter()
                        .take_while(|h| h.start <= hi_pos)
                        .find(|h| lexed.terms[(h.end - 1) as usize].sentence == sentence)
                    {
                        Some(next) => end = next.end,
                        None => {
                            complete = false;
                            break;
                        }
                    }
                }
                if complete {
                    out.push(Hit {
                        rule: plan.rule,
                        start: first.start,
                        end,
                    });
                }
            }
            group_start = group_end;
        }
    }
}

/// A term of lexed text: a vocabulary id and where it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Term {
    pub token: u32,
    pub sentence: u32,
    pub negated: bool,
}

/// A sentence of lexed text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SentenceSpan {
    pub start: usize,
    pub end: usize,
    pub first_term: u32,
    pub end_term: u32,
    /// First term that is a word (not a mention, emoji or mark).
    pub content_start: u32,
    pub question: bool,
}

/// Tokens, terms and sentences of one text, reusable across calls.
#[derive(Debug, Default)]
pub(crate) struct Lexed {
    pub tokens: Vec<RawToken>,
    /// Normalized words (before contraction expansion), one arena for all.
    pub norms: String,
    /// `norms[a..b]` of each token (empty for tokens that are not words).
    pub norm_spans: Vec<(u32, u32)>,
    pub terms: Vec<Term>,
    pub sentences: Vec<SentenceSpan>,
    /// The vocabulary id of each term.
    pub ids: Vec<u32>,
    pub words: usize,
}

impl Lexed {
    fn clear(&mut self) {
        self.tokens.clear();
        self.norms.clear();
        self.norm_spans.clear();
        self.terms.clear();
        self.sentences.clear();
        self.ids.clear();
        self.words = 0;
    }

    /// The normalized form of a word token (`""` for other tokens).
    pub fn norm(&self, token: usize) -> &str {
        self.norm_spans
            .get(token)
            .and_then(|&(a, b)| self.norms.get(a as usize..b as usize))
            .unwrap_or("")
    }

    /// Byte span of terms `start..end`.
    pub fn span(&self, start: u32, end: u32) -> (usize, usize) {
        let first = self.tokens[self.terms[start as usize].token as usize];
        let last = self.tokens[self.terms[(end - 1) as usize].token as usize];
        (first.start, last.end)
    }
}

/// A hit of one segment of a gapped pattern.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SegmentHit {
    plan: u32,
    segment: u8,
    start: u32,
    end: u32,
}

/// A rule hit over terms `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub rule: u32,
    pub start: u32,
    pub end: u32,
}
