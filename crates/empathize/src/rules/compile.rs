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

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::RulePackError;
use crate::report::Category;
use crate::rules::pack::{MergedPack, TableHeader, TableOutput};
use crate::rules::pattern::{self, Expander};
use crate::rules::rule::Rule;
use crate::score::params::Scoring;
use crate::score::shape_words::ShapeLexicons;
use crate::text::language::Language;
use crate::text::lex::{Lexed, Vocabulary, UNKNOWN};
use crate::text::normalize;
use crate::text::TokenKind;

/// Most sequences a whole pack may expand to.
pub(crate) const MAX_PACK_SEQUENCES: usize = 2_000_000;

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

/// Rules compiled into one trie over term ids.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub name: String,
    /// The rules, as the packs wrote them; their patterns are `plans`.
    pub rules: Vec<Rule>,
    /// The id of each rule, shared by its matches.
    pub rule_ids: Vec<Arc<str>>,
    pub scoring: Scoring,
    pub vocabulary: Vocabulary,
    /// What the text layer knows of the pack's language.
    pub language: Language,
    /// The words sentence shapes are read from.
    pub shapes: ShapeLexicons,
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
        let language = Language::compile(merged, scoring.negation_terms())?;
        let mut vocab = Vocabulary::default();
        let mut intern = |term: &str| -> u32 { vocab.intern(term) };
        let mut expander = Expander::new(&merged.lexicons, &language);
        // The vocabulary id of each expander symbol, once interned.
        let mut symbol_ids: Vec<u32> = Vec::new();
        let emoticon_terms: FxHashSet<String> = language
            .emoticons()
            .map(|e| normalize::normalize_other(&language, e, TokenKind::Emoticon).into_owned())
            .collect();
        let mut sequences: FxHashMap<Vec<u32>, u32> = FxHashMap::default();
        // `(sequence, ref)` pairs, grouped by sequence at the end.
        let mut seq_refs: Vec<(u32, SegmentRef)> = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        let mut plans = Vec::new();
        let mut total = 0usize;

        for (rule_index, src) in merged.rules.iter().enumerate() {
            for (pattern_src, line) in src.patterns.iter().zip(&src.pattern_lines) {
                let locate = |e: RulePackError| {
                    e.with_rule(src.id.clone())
                        .with_field("patterns")
                        .with_line(*line)
                        .with_pack(src.pack.clone())
                };
                let node = pattern::parse(pattern_src, true, &language)
                    .map_err(|m| locate(RulePackError::new(m)))?;
                let plan = expander.plan(&node).map_err(locate)?;
                let plan_index = plans.len() as u32;
                for (segment, seqs) in plan.segments.iter().enumerate() {
                    total += seqs.len();
                    if total > MAX_PACK_SEQUENCES {
                        return Err(locate(RulePackError::new(format!(
                            "the pack expands to more than {MAX_PACK_SEQUENCES} sequences"
                        ))));
                    }
                    for seq in seqs.iter() {
                        ids.clear();
                        ids.extend(seq.iter().map(|&symbol| {
                            let slot = symbol as usize;
                            if symbol_ids.len() <= slot {
                                symbol_ids.resize(slot + 1, UNKNOWN);
                            }
                            if symbol_ids[slot] == UNKNOWN {
                                symbol_ids[slot] = intern(expander.term(symbol));
                            }
                            symbol_ids[slot]
                        }));
                        let p = match sequences.get(ids.as_slice()) {
                            Some(&p) => p,
                            None => {
                                let next = sequences.len() as u32;
                                sequences.insert(ids.clone(), next);
                                next
                            }
                        };
                        seq_refs.push((
                            p,
                            SegmentRef {
                                plan: plan_index,
                                segment: segment as u8,
                            },
                        ));
                    }
                }
                plans.push(PlanInfo {
                    rule: rule_index as u32,
                    gaps: plan.gaps,
                });
            }
        }

        // Learned n-grams go into the same trie: a text is matched once.
        // `(sequence, entry)` pairs, grouped by sequence at the end.
        let mut seq_learned: Vec<(u32, u32)> = Vec::new();
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
                    let terms = ngram_terms(&language, &emoticon_terms, ngram).map_err(locate)?;
                    let ids: Vec<u32> = terms.iter().map(|t| intern(t)).collect();
                    if let Some(first) = seen.insert(ids.clone(), *line) {
                        return Err(locate(format!(
                            "duplicate n-gram `{ngram}` (same terms as line {})",
                            first.map_or("?".to_string(), |l| l.to_string())
                        )));
                    }
                    let next = sequences.len() as u32;
                    let p = *sequences.entry(ids).or_insert(next);
                    seq_learned.push((p, entries.len() as u32));
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

        vocab.mark_negation_terms(&language);
        let shapes = ShapeLexicons::compile(merged, &mut vocab)?;
        for (word, first, second) in language.contractions() {
            vocab.add_contraction(word, first, second);
        }

        let mut trie = Trie::new(vocab.len());
        for (ids, &p) in &sequences {
            trie.insert(ids, p);
        }
        let (ref_start, refs) = group_by_sequence(sequences.len(), &seq_refs);
        let (learned_start, learned) = group_by_sequence(sequences.len(), &seq_learned);

        Ok(Compiled {
            name: merged.name.clone(),
            rules: merged.rules.clone(),
            rule_ids: merged
                .rules
                .iter()
                .map(|r| Arc::from(r.id.as_str()))
                .collect(),
            scoring,
            vocabulary: vocab,
            language,
            shapes,
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

    /// Tokenizes `text` and maps it to this pack's terms and sentences.
    pub fn lex(&self, text: &str, lexed: &mut Lexed) {
        crate::text::lex::lex(&self.language, &self.vocabulary, text, lexed);
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

/// Groups `(sequence, item)` pairs by sequence (a stable counting sort):
/// `items[start[p]..start[p + 1]]` are the items of sequence `p`, in the
/// order the pairs gave them.
fn group_by_sequence<T: Copy>(sequences: usize, pairs: &[(u32, T)]) -> (Vec<u32>, Vec<T>) {
    let mut start = vec![0u32; sequences + 1];
    for &(p, _) in pairs {
        start[p as usize + 1] += 1;
    }
    for i in 0..sequences {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut items: Vec<Option<T>> = vec![None; pairs.len()];
    for &(p, item) in pairs {
        let slot = &mut next[p as usize];
        items[*slot as usize] = Some(item);
        *slot += 1;
    }
    (start, items.into_iter().flatten().collect())
}

/// The terms of an n-gram of a learned table, which must be written in
/// normalized form (what [`Compiled::term_texts`] gives), one space apart.
fn ngram_terms(
    language: &Language,
    emoticon_terms: &FxHashSet<String>,
    ngram: &str,
) -> Result<Vec<String>, String> {
    let pieces: Vec<&str> = ngram.split(' ').collect();
    if pieces.is_empty() || pieces.len() > 8 || pieces.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "n-gram `{ngram}` must be 1 to 8 terms, one space apart"
        ));
    }
    let mut normalized = Vec::with_capacity(pieces.len());
    let mut buf = String::new();
    for piece in &pieces {
        if (piece.starts_with("<#") && piece.ends_with('>')) || emoticon_terms.contains(*piece) {
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
        match language.expand_contraction(&buf) {
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
