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
use crate::rules::pack::{Context, MergedPack, Position, SentenceKind, TableHeader, TableOutput};
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

/// One target of a compiled learned table.
#[derive(Debug, Clone)]
pub(crate) struct LearnedTarget {
    pub category: Category,
    pub bias: f64,
    /// Weight of the rules' evidence for the target.
    pub rules: f64,
    /// `table:target`, the `rule` of its matches.
    pub label: Arc<str>,
}

/// A compiled learned table.
#[derive(Debug, Clone)]
pub(crate) struct LearnedTable {
    pub name: String,
    pub output: TableOutput,
    pub targets: Vec<LearnedTarget>,
    pub pack: String,
    pub line: Option<usize>,
    pub header: TableHeader,
    /// How many n-grams the table weighs, over all targets.
    pub entries: usize,
}

/// One n-gram of a learned table: which table and target it weighs, and how much.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LearnedEntry {
    pub table: u32,
    pub target: u32,
    pub weight: f64,
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
    /// `learned[learned_start[p]..learned_start[p + 1]]`: the learned
    /// entries of sequence `p`.
    learned_start: Vec<u32>,
    learned: Vec<u32>,
    pub entries: Vec<LearnedEntry>,
    pub tables: Vec<LearnedTable>,
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

        // Learned n-grams go into the same trie: a text is matched once.
        let mut seq_learned: Vec<Vec<u32>> = vec![Vec::new(); seq_refs.len()];
        let mut entries = Vec::new();
        let mut tables = Vec::with_capacity(merged.tables.len());
        for (table_index, src) in merged.tables.iter().enumerate() {
            let mut count = 0;
            let mut targets = Vec::with_capacity(src.targets.len());
            for (target_index, target) in src.targets.iter().enumerate() {
                let mut seen: FxHashMap<Vec<u32>, Option<usize>> = FxHashMap::default();
                for (ngram, weight, line) in &target.weights {
                    let locate = |msg: String| {
                        RulePackError::new(msg)
                            .with_rule(format!("table {}", src.name))
                            .with_field(format!("tables.weights.{}", target.category))
                            .with_line(*line)
                            .with_pack(src.pack.clone())
                    };
                    let terms = ngram_terms(ngram).map_err(locate)?;
                    let ids: Vec<u32> = terms.iter().map(|t| intern(t)).collect();
                    if let Some(first) = seen.insert(ids.clone(), *line) {
                        return Err(locate(format!(
                            "duplicate n-gram `{ngram}` (same terms as line {})",
                            first.map_or("?".to_string(), |l| l.to_string())
                        )));
                    }
                    let next = seq_refs.len() as u32;
                    let p = *sequences.entry(ids).or_insert(next);
                    if p == next {
                        seq_refs.push(Vec::new());
                        seq_learned.push(Vec::new());
                    }
                    seq_learned[p as usize].push(entries.len() as u32);
                    entries.push(LearnedEntry {
                        table: table_index as u32,
                        target: target_index as u32,
                        weight: *weight,
                    });
                    count += 1;
                }
                targets.push(LearnedTarget {
                    category: target.category,
                    bias: target.bias,
                    rules: target.rules,
                    label: Arc::from(format!("{}:{}", src.name, target.category)),
                });
            }
            total += count;
            tables.push(LearnedTable {
                name: src.name.clone(),
                output: src.output,
                targets,
                pack: src.pack.clone(),
                line: src.line,
                header: src.header.clone(),
                entries: count,
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
        let mut learned_start = Vec::with_capacity(seq_learned.len() + 1);
        let mut learned = Vec::new();
        for l in &seq_learned {
            learned_start.push(learned.len() as u32);
            learned.extend_from_slice(l);
        }
        learned_start.push(learned.len() as u32);

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
            learned_start,
            learned,
            entries,
            tables,
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
    /// Hits of learned n-grams go to `learned`, in text order; an n-gram
    /// counts only inside one sentence and when its first term is outside
    /// any negation scope.
    pub fn find_hits(
        &self,
        lexed: &Lexed,
        scratch: &mut Vec<SegmentHit>,
        out: &mut Vec<Hit>,
        learned: &mut Vec<LearnedHit>,
    ) {
        out.clear();
        scratch.clear();
        learned.clear();
        let ids = &lexed.ids;
        for start in 0..ids.len() {
            let mut node = self.trie.step(0, ids[start]);
            let mut end = start;
            while node != 0 {
                end += 1;
                if let Some(p) = self.trie.terminal[node as usize].checked_sub(1) {
                    self.emit(p as usize, start as u32, end as u32, scratch, out);
                    self.emit_learned(p as usize, lexed, start, end, learned);
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

    /// Records the learned entries of sequence `p` over terms `start..end`.
    fn emit_learned(
        &self,
        p: usize,
        lexed: &Lexed,
        start: usize,
        end: usize,
        out: &mut Vec<LearnedHit>,
    ) {
        let (from, to) = (
            self.learned_start[p] as usize,
            self.learned_start[p + 1] as usize,
        );
        if from == to
            || lexed.terms[start].negated
            || lexed.terms[start].sentence != lexed.terms[end - 1].sentence
        {
            return;
        }
        for &entry in &self.learned[from..to] {
            out.push(LearnedHit {
                entry,
                start: start as u32,
                end: end as u32,
            });
        }
    }

    /// The normalized text of each term of lexed text, as the automaton
    /// reads it (`<#NUMBER>` for a number no pattern spells out). Used to
    /// build training features that match what scoring will look up.
    pub fn term_texts(&self, text: &str, lexed: &Lexed) -> Vec<String> {
        let mut out = Vec::with_capacity(lexed.terms.len());
        let mut previous: Option<u32> = None;
        for term in &lexed.terms {
            let tok = lexed.tokens[term.token as usize];
            let second = previous == Some(term.token);
            previous = Some(term.token);
            let raw = &text[tok.start..tok.end];
            out.push(match tok.kind {
                TokenKind::Word => {
                    let (a, b) = tokenize::expand_contraction(lexed.norm(term.token as usize));
                    match (second, b) {
                        (true, Some(b)) => b.to_string(),
                        _ => a.to_string(),
                    }
                }
                TokenKind::Number if self.knows(raw) => raw.to_string(),
                TokenKind::Number => "<#NUMBER>".to_string(),
                kind => tokenize::normalize_other(raw, kind).into_owned(),
            });
        }
        out
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

/// The terms of an n-gram of a learned table, which must be written in
/// normalized form (what [`Compiled::term_texts`] gives), one space apart.
fn ngram_terms(ngram: &str) -> Result<Vec<String>, String> {
    let pieces: Vec<&str> = ngram.split(' ').collect();
    if pieces.is_empty() || pieces.len() > 8 || pieces.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "n-gram `{ngram}` must be 1 to 8 terms, one space apart"
        ));
    }
    let mut normalized = Vec::with_capacity(pieces.len());
    let mut buf = String::new();
    for piece in &pieces {
        if (piece.starts_with("<#") && piece.ends_with('>')) || tokenize::is_emoticon_term(piece) {
            normalized.push(piece.to_string());
            continue;
        }
        // Lower case, straight apostrophes, contractions expanded (runs of
        // letters are left alone: the lexer squeezes them case-sensitively).
        buf.clear();
        buf.extend(piece.chars().flat_map(char::to_lowercase).map(|c| match c {
            '’' | '‘' => '\'',
            c => c,
        }));
        match tokenize::expand_contraction(&buf) {
            (a, Some(b)) => normalized.push(format!("{a} {b}")),
            (a, None) => normalized.push(a.to_string()),
        }
    }
    let normalized = normalized.join(" ");
    if normalized != ngram {
        return Err(format!(
            "n-gram `{ngram}` is not in normalized form; write `{normalized}`"
        ));
    }
    Ok(pieces.into_iter().map(str::to_string).collect())
}

/// A hit of a learned n-gram over terms `start..end`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LearnedHit {
    /// Index in [`Compiled::entries`].
    pub entry: u32,
    pub start: u32,
    pub end: u32,
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
