//! Compiling merged packs into one automaton over term ids, and running it.
//!
//! Every pattern expands to term-id sequences; all sequences of all rules go
//! into one trie over the pack's vocabulary. Matching starts a walk at each
//! term: the root is a dense table indexed by term id, deeper steps one hash
//! lookup each, and a walk stops at the first term no sequence continues
//! with — in real text, almost always at once. The cost is linear in the
//! text (walks are at most 32 terms deep) and does not grow with the number
//! of rules.
//!
//! Replies and customer messages are read by different learned tables: the
//! n-grams of the tables that read customer messages (most of them) have a
//! small automaton of their own, which only customer messages run, so a
//! reply starts no walk at a word only those tables know.

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::RulePackError;
use crate::report::Category;
use crate::rules::pack::{MergedPack, TableHeader, TableOutput, TableScale};
use crate::rules::pattern::{self, Expander};
use crate::rules::rule::Rule;
use crate::score::params::Scoring;
use crate::score::selection::Side;
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
    /// `table:target bias`, the label of its bias in a breakdown.
    pub bias_label: Arc<str>,
}

/// A compiled learned table.
#[derive(Debug, Clone)]
pub(crate) struct LearnedTable {
    pub name: String,
    pub output: TableOutput,
    /// How its n-gram weights scale over a span.
    pub scale: TableScale,
    /// It skips n-grams that touch a hit of a `mask_learned` rule.
    pub skip_masked: bool,
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

/// What a trie sequence does when it matches, packed in a `u32`: the top
/// two bits say what, the rest which one.
///
/// - a whole pattern of a rule: a hit of rule `value`;
/// - a segment of a gapped pattern: `value` is `plan << 8 | segment`;
/// - an n-gram of a learned table: entry `value` of [`Compiled::entries`];
/// - in [`Matcher::action_of`] only, several actions: list `value` of
///   [`Matcher::many`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Action(u32);

impl Action {
    const KIND: u32 = 3 << 30;
    const RULE: u32 = 0;
    const SEGMENT: u32 = 1 << 30;
    const LEARNED: u32 = 2 << 30;
    const MANY: u32 = 3 << 30;
    /// Largest value an action holds.
    const MAX: u32 = (1 << 30) - 1;
    /// Largest plan index a segment action holds.
    const MAX_PLAN: u32 = Self::MAX >> 8;

    fn value(self) -> u32 {
        self.0 & Self::MAX
    }
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
    /// The rank of each rule's category name among the rules' category
    /// names, alphabetically: names compared as integers.
    pub category_order: Vec<u32>,
    pub scoring: Scoring,
    pub vocabulary: Vocabulary,
    /// What the text layer knows of the pack's language.
    pub language: Language,
    /// The words sentence shapes are read from.
    pub shapes: ShapeLexicons,
    /// The rules' sequences and the n-grams of the tables that read replies.
    matcher: Matcher,
    /// The n-grams of the tables that read customer messages.
    customer_tables: Matcher,
    plans: Vec<PlanInfo>,
    pub entries: Vec<LearnedEntry>,
    pub tables: Vec<LearnedTable>,
    pub sequences: usize,
    /// Whether a rule has `mask_learned` and a table `skip_masked`.
    masks_learned: bool,
}

/// A trie and what each of its sequences does.
#[derive(Debug, Default)]
struct Matcher {
    trie: Trie,
    /// What the sequence ending at slot `s` of the trie does when it
    /// matches (a walk names a sequence by its slot): nearly always one
    /// action, read with the slot's one look-up; else [`Action::MANY`] and
    /// the number of its list in `many` (0, an empty list, for a slot where
    /// no sequence ends).
    action_of: Vec<Action>,
    /// `actions[many[i]..many[i + 1]]`: the actions of list `i` — rule hits
    /// and segments first, then learned entries in the order the tables
    /// list them.
    many: Vec<u32>,
    actions: Vec<Action>,
}

impl Matcher {
    /// Lays out `trie` and groups the actions of its sequences (numbered
    /// as [`TrieBuilder::insert`] gave them) by the slot each ends at.
    fn build(
        trie: TrieBuilder,
        labels: &[u32],
        rules: Vec<(u32, Action)>,
        learned: Vec<(u32, Action)>,
    ) -> Result<Matcher, RulePackError> {
        let (trie, slot_of) = trie.build(labels);
        if trie.slots.len() > Slot::BASE as usize {
            return Err(RulePackError::new("the pack's trie is too large"));
        }
        let (start, grouped) = group_actions(slot_of.len(), rules, learned);
        let mut action_of = vec![Action(Action::MANY); trie.slots.len()];
        let mut many = vec![0, 0];
        let mut actions = Vec::new();
        for (&s, ends) in slot_of.iter().zip(start.windows(2)) {
            let s = s as usize;
            match grouped.get(ends[0] as usize..ends[1] as usize) {
                Some(&[action]) => action_of[s] = action,
                Some(list @ [_, _, ..]) => {
                    action_of[s] = Action(Action::MANY | (many.len() - 1) as u32);
                    actions.extend_from_slice(list);
                    many.push(actions.len() as u32);
                }
                _ => {}
            }
        }
        Ok(Matcher {
            trie,
            action_of,
            many,
            actions,
        })
    }

    /// Walks the trie from each term of `lexed`: each sequence found goes
    /// to `found`, in text order (by start, then end). The sequences are
    /// `found[..n]`, `n` returned: entries past it are scratch, and `found`
    /// keeps that length so the next call writes in place.
    #[inline(never)]
    fn walk(&self, lexed: &Lexed, found: &mut Vec<SequenceHit>) -> usize {
        let terms = &lexed.terms;
        let slots = &self.trie.slots;
        let mut n = 0;
        let Some(&root) = slots.first() else {
            return n;
        };
        for (start, first) in terms.iter().enumerate() {
            // Most terms start no sequence: the first step, from the root,
            // is taken before any walk is set up.
            let at = (root.base & Slot::BASE) as usize + first.id as usize;
            let (mut node, mut slot) = match slots.get(at) {
                Some(next) if next.check == 0 => (at as u32, *next),
                _ => continue,
            };
            let mut end = start + 1;
            record(found, &mut n, node, slot, start, end);
            // A walk carries the slot it stands on: a step reads one more.
            while let Some(id) = terms.get(end).map(|t| t.id) {
                let at = (slot.base & Slot::BASE) as usize + id as usize;
                match slots.get(at) {
                    Some(next) if next.check == node => (node, slot) = (at as u32, *next),
                    _ => break,
                }
                end += 1;
                record(found, &mut n, node, slot, start, end);
            }
        }
        n
    }

    /// Records what the sequences `found` do: hits of rules go to `out`,
    /// of segments to `segments`, of learned n-grams to `learned` when
    /// `with_learned`. A learned n-gram counts only inside one sentence and
    /// when its first term is outside any negation scope.
    fn emit(
        &self,
        found: &[SequenceHit],
        lexed: &Lexed,
        with_learned: bool,
        segments: &mut Vec<SegmentHit>,
        out: &mut Vec<Hit>,
        learned: &mut Vec<LearnedHit>,
    ) {
        for &SequenceHit {
            sequence,
            start,
            end,
        } in found
        {
            let Some(&action) = self.action_of.get(sequence as usize) else {
                continue;
            };
            let actions = match action.0 & Action::KIND {
                Action::RULE => {
                    out.push(Hit {
                        rule: action.value(),
                        start,
                        end,
                    });
                    continue;
                }
                Action::SEGMENT => {
                    segments.push(SegmentHit {
                        key: action.value(),
                        start,
                        end,
                    });
                    continue;
                }
                Action::LEARNED => std::slice::from_ref(&action),
                _ => {
                    let i = action.value() as usize;
                    // One bounds check for both ends.
                    let Some(&[from, to]) = self.many.get(i..i + 2) else {
                        continue;
                    };
                    self.actions
                        .get(from as usize..to as usize)
                        .unwrap_or_default()
                }
            };
            for (i, &action) in actions.iter().enumerate() {
                match action.0 & Action::KIND {
                    Action::RULE => out.push(Hit {
                        rule: action.value(),
                        start,
                        end,
                    }),
                    Action::SEGMENT => segments.push(SegmentHit {
                        key: action.value(),
                        start,
                        end,
                    }),
                    _ => {
                        // Learned entries come last: the span is checked once.
                        if with_learned {
                            push_learned(
                                &actions[i..],
                                lexed,
                                start as usize,
                                end as usize,
                                learned,
                            );
                        }
                        break;
                    }
                }
            }
        }
    }
}

/// Writes node `node` (its slot `slot`) reached over terms `start..end`
/// at `found[*n]` if a sequence ends there.
#[inline(always)]
fn record(
    found: &mut Vec<SequenceHit>,
    n: &mut usize,
    node: u32,
    slot: Slot,
    start: usize,
    end: usize,
) {
    let hit = SequenceHit {
        sequence: node,
        start: start as u32,
        end: end as u32,
    };
    if slot.base & Slot::SEQUENCE != 0 {
        match found.get_mut(*n) {
            Some(entry) => *entry = hit,
            None => found.push(hit),
        }
        *n += 1;
    }
}

/// Records learned n-gram `actions` over terms `start..end`: an n-gram
/// counts only inside one sentence and when its first term is outside any
/// negation scope.
#[inline]
fn push_learned(
    actions: &[Action],
    lexed: &Lexed,
    start: usize,
    end: usize,
    learned: &mut Vec<LearnedHit>,
) {
    let (Some(first), Some(last)) = (lexed.terms.get(start), lexed.terms.get(end - 1)) else {
        return;
    };
    if first.negated || first.sentence != last.sentence {
        return;
    }
    let (start, end) = (start as u32, end as u32);
    learned.extend(actions.iter().map(|a| LearnedHit {
        entry: a.value(),
        start,
        end,
    }));
}

/// A trie of term-id sequences, as a double array: the child of node `n`
/// by term `id` is slot `base(n) + id` when that slot's `check` is `n`. A
/// step reads two slots — no hashing, no search — and the root (slot 0)
/// puts its children at their term ids, a dense table. Ids no sequence
/// holds (0 for unknown terms, the lexicon-only words after the known
/// ones) land on slots whose `check` names another node, or past the end.
#[derive(Debug, Default)]
struct Trie {
    slots: Vec<Slot>,
}

/// A slot of the double array: 8 bytes, eight to a cache line. A
/// sequence is named by the slot of the node it ends at.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// Where this node's children start (`base & BASE`, plus the id), and
    /// in the top bit ([`Slot::SEQUENCE`]) whether a sequence ends here.
    base: u32,
    /// The parent of the node in this slot ([`Slot::FREE`] for none).
    check: u32,
}

impl Slot {
    const FREE: u32 = u32::MAX;
    /// The bits of `base` that hold it (a trie has fewer slots).
    const BASE: u32 = (1 << 31) - 1;
    /// The bit of `base` set when a sequence ends at the node.
    const SEQUENCE: u32 = 1 << 31;
    const EMPTY: Slot = Slot {
        base: 0,
        check: Slot::FREE,
    };
}

impl Trie {
    /// The child of `node` by term `id` (0: none; the root is no child).
    /// [`Compiled::find_hits`] inlines this, carrying the slot it stands on.
    #[cfg(test)]
    fn step(&self, node: u32, id: u32) -> u32 {
        let base = self
            .slots
            .get(node as usize)
            .map_or(0, |s| s.base & Slot::BASE);
        let at = base as usize + id as usize;
        match self.slots.get(at) {
            Some(slot) if slot.check == node => at as u32,
            _ => 0,
        }
    }
}

/// The terms of the trie's sequences, numbered as they come (from 1), and
/// how many times each is used.
#[derive(Debug, Default)]
struct TermCounts {
    numbers: FxHashMap<Box<str>, u32>,
    uses: Vec<u32>,
}

impl TermCounts {
    /// The number of `term`, a new one if it is new; counts a use.
    fn number(&mut self, term: &str) -> u32 {
        let number = match self.numbers.get(term) {
            Some(&number) => number,
            None => {
                self.uses.push(0);
                let number = self.uses.len() as u32;
                self.numbers.insert(term.into(), number);
                number
            }
        };
        self.count(number);
        number
    }

    /// Counts a use of the term numbered `number`.
    fn count(&mut self, number: u32) {
        if let Some(uses) = number
            .checked_sub(1)
            .and_then(|i| self.uses.get_mut(i as usize))
        {
            *uses += 1;
        }
    }

    /// Interns the terms into `vocab`, the most used first (then in the
    /// order they came): the vocabulary id of each term number. Used terms
    /// are the frequent words of the text — those the n-gram tables learned
    /// — so walks that start or go on from them read the first slots of
    /// the root and of each node's children, a few cache lines.
    fn intern(self, vocab: &mut Vocabulary) -> Vec<u32> {
        let TermCounts { numbers, uses } = self;
        let mut terms: Vec<(Box<str>, u32)> = numbers.into_iter().collect();
        terms.sort_unstable_by_key(|&(_, number)| {
            let used = number
                .checked_sub(1)
                .and_then(|i| uses.get(i as usize))
                .copied()
                .unwrap_or(0);
            (std::cmp::Reverse(used), number)
        });
        let mut ids = vec![UNKNOWN; uses.len() + 1];
        for (term, number) in terms {
            ids[number as usize] = vocab.intern(&term);
        }
        ids
    }
}

/// A trie under construction: nodes numbered as they come, edges in a map.
#[derive(Debug)]
struct TrieBuilder {
    /// Child of the root for each term id (0: none).
    root: Vec<u32>,
    /// `(node << 32 | term id)` → child, below the root.
    edges: FxHashMap<u64, u32>,
    /// The sequence ending at each node plus one (0: none).
    sequence: Vec<u32>,
    /// Sequences numbered so far.
    sequences: u32,
    /// The last sequence inserted and the node after each of its terms:
    /// expansions come sorted, so the next one mostly shares a prefix with
    /// it, and that prefix costs no lookup.
    last: Vec<(u32, u32)>,
}

impl TrieBuilder {
    fn new() -> TrieBuilder {
        TrieBuilder {
            root: Vec::new(),
            edges: FxHashMap::default(),
            sequence: vec![0],
            sequences: 0,
            last: Vec::new(),
        }
    }

    /// Makes room for `edges` more edges (and nodes) below the root.
    fn reserve(&mut self, edges: usize) {
        self.edges.reserve(edges);
        self.sequence.reserve(edges);
    }

    /// The number of the sequence `ids` (not empty), a new one if it is new.
    fn insert(&mut self, ids: &[u32]) -> u32 {
        let shared = self
            .last
            .iter()
            .zip(ids)
            .take_while(|((a, _), b)| a == *b)
            .count();
        self.last.truncate(shared);
        let mut node = self.last.last().map_or(0, |&(_, node)| node);
        for &id in &ids[shared..] {
            let next = self.sequence.len() as u32;
            let child = if node == 0 {
                if self.root.len() <= id as usize {
                    self.root.resize(id as usize + 1, 0);
                }
                let slot = &mut self.root[id as usize];
                if *slot == 0 {
                    *slot = next;
                }
                *slot
            } else {
                *self
                    .edges
                    .entry(u64::from(node) << 32 | u64::from(id))
                    .or_insert(next)
            };
            if child == next {
                self.sequence.push(0);
            }
            node = child;
            self.last.push((id, node));
        }
        let slot = &mut self.sequence[node as usize];
        if *slot == 0 {
            self.sequences += 1;
            *slot = self.sequences;
        }
        *slot - 1
    }

    /// Lays the trie out as a double array, breadth first from the root,
    /// each term `t` inserted as `labels[t]` (its vocabulary id); also
    /// gives the slot each sequence ends at, by sequence number.
    fn build(self, labels: &[u32]) -> (Trie, Vec<u32>) {
        let nodes = self.sequence.len();
        let label = |term: usize| labels.get(term).copied().unwrap_or(UNKNOWN);
        // The edge into each node, `(parent, id)`; the map goes before the
        // children are grouped, so the two are never held at once.
        let mut parent = vec![(0u32, 0u32); nodes];
        for (term, &child) in self.root.iter().enumerate() {
            if child != 0 {
                parent[child as usize] = (0, label(term));
            }
        }
        for (&key, &child) in &self.edges {
            parent[child as usize] = ((key >> 32) as u32, label(key as u32 as usize));
        }
        drop(self.edges);
        // The children of each node, `(id, child)`, grouped by parent in
        // the order of their numbers (a counting sort).
        let mut start = vec![0u32; nodes + 1];
        for &(node, _) in &parent[1..] {
            start[node as usize + 1] += 1;
        }
        for i in 0..nodes {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut children = vec![(0u32, 0u32); nodes - 1];
        for (child, &(node, id)) in parent.iter().enumerate().skip(1) {
            children[next[node as usize] as usize] = (id, child as u32);
            next[node as usize] += 1;
        }
        drop(parent);
        drop(next);

        // The array comes out under twice as long as there are nodes.
        let mut layout = Layout::with_capacity(nodes * 2);
        layout.occupy(0);
        let mut slots = Vec::with_capacity(nodes * 2);
        slots.push(Slot::EMPTY);
        let mut slot_of = vec![0u32; self.sequences as usize];
        // Breadth first: `(node, its slot)`, a node's children placed as it
        // comes off the queue.
        let mut queue: Vec<(u32, u32)> = Vec::with_capacity(nodes);
        queue.push((0, 0));
        let mut head = 0;
        while let Some(&(node, parent)) = queue.get(head) {
            head += 1;
            let kids =
                &mut children[start[node as usize] as usize..start[node as usize + 1] as usize];
            let Some(smallest) = (0..kids.len()).min_by_key(|&i| kids[i].0) else {
                continue;
            };
            kids.swap(0, smallest);
            let base = layout.place(kids);
            slots[parent as usize].base |= base;
            for &(id, child) in kids.iter() {
                let at = (base + id) as usize;
                if slots.len() <= at {
                    slots.resize(at + 1, Slot::EMPTY);
                }
                let sequence = self.sequence[child as usize];
                if let Some(p) = sequence.checked_sub(1) {
                    slot_of[p as usize] = at as u32;
                }
                slots[at] = Slot {
                    base: if sequence == 0 { 0 } else { Slot::SEQUENCE },
                    check: parent,
                };
                queue.push((child, at as u32));
            }
        }
        slots.shrink_to_fit();
        (Trie { slots }, slot_of)
    }
}

/// Which slots of a double array under construction are taken.
#[derive(Debug)]
struct Layout {
    /// `next_free[i]`: `i` when slot `i` is free, else a later slot to look
    /// at (with path halving, as in union–find); slots past the end are free.
    next_free: Vec<u32>,
    /// The same over the slots still worth trying as the first child of a
    /// node with several children: a slot that failed as such once is left
    /// to single children. That bounds the search by the number of slots
    /// (the array comes out about 60% full: trying each slot four times
    /// makes it 70% full but the build 50 M instructions slower).
    next_try: Vec<u32>,
}

impl Layout {
    /// The first slot from `i` on that `links` does not skip.
    fn find(links: &mut [u32], mut i: u32) -> u32 {
        while let Some(&n) = links.get(i as usize) {
            if n == i {
                break;
            }
            let nn = links.get(n as usize).copied().unwrap_or(n);
            links[i as usize] = nn;
            i = nn;
        }
        i
    }

    fn is_free(&self, i: u32) -> bool {
        self.next_free.get(i as usize).is_none_or(|&n| n == i)
    }

    fn grow(&mut self, i: u32) {
        let len = self.next_free.len() as u32;
        if i >= len {
            self.next_free.extend(len..=i);
            self.next_try.extend(len..=i);
        }
    }

    fn occupy(&mut self, i: u32) {
        self.grow(i);
        self.next_free[i as usize] = i + 1;
        self.next_try[i as usize] = i + 1;
    }

    fn with_capacity(slots: usize) -> Layout {
        Layout {
            next_free: Vec::with_capacity(slots),
            next_try: Vec::with_capacity(slots),
        }
    }

    /// A base at which every child of `kids` (`(id, node)`, the smallest id
    /// first) finds its slot free; takes those slots.
    fn place(&mut self, kids: &[(u32, u32)]) -> u32 {
        let first = kids[0].0;
        let base = if kids.len() == 1 {
            Self::find(&mut self.next_free, first) - first
        } else {
            let mut at = Self::find(&mut self.next_try, first);
            loop {
                let base = at - first;
                if kids[1..].iter().all(|&(id, _)| self.is_free(base + id)) {
                    break base;
                }
                self.grow(at);
                self.next_try[at as usize] = at + 1;
                at = Self::find(&mut self.next_try, at + 1);
            }
        };
        for &(id, _) in kids {
            self.occupy(base + id);
        }
        base
    }
}

impl Compiled {
    pub fn compile(merged: &MergedPack) -> Result<Compiled, RulePackError> {
        let scoring = Scoring::from_pack(&merged.scoring)?;
        let language = Language::compile(merged, scoring.negation_terms())?;
        let mut vocab = Vocabulary::default();
        // The trie's terms, numbered as they come: interned once all are
        // known, the most used first.
        let mut counts = TermCounts::default();
        let mut expander = Expander::new(&merged.lexicons, &language);
        // The term number of each expander symbol, once numbered.
        let mut symbol_ids: Vec<u32> = Vec::new();
        let emoticon_terms: FxHashSet<String> = language
            .emoticons()
            .map(|e| normalize::normalize_other(&language, e, TokenKind::Emoticon).into_owned())
            .collect();
        let mut trie = TrieBuilder::new();
        // `(sequence, action)` pairs, grouped by sequence at the end.
        let mut seq_actions: Vec<(u32, Action)> = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        let mut plans = Vec::new();
        let mut total = 0usize;
        // The rules' sequences, side by side, and `(end, action)` for each:
        // inserted once all are known, into an edge map sized for them.
        let mut rule_ids: Vec<u32> = Vec::new();
        let mut rule_seqs: Vec<(usize, Action)> = Vec::new();
        // How many edges the rules' sequences can add: a sequence shares
        // its prefix with the one before it in its (sorted) expansion.
        let mut edges = 0usize;

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
                let gapped = !plan.gaps.is_empty();
                if rule_index > Action::MAX as usize || (gapped && plan_index > Action::MAX_PLAN) {
                    return Err(locate(RulePackError::new("the pack holds too many rules")));
                }
                for (segment, seqs) in plan.segments.iter().enumerate() {
                    total += seqs.len();
                    if total > MAX_PACK_SEQUENCES {
                        return Err(locate(RulePackError::new(format!(
                            "the pack expands to more than {MAX_PACK_SEQUENCES} sequences"
                        ))));
                    }
                    let mut previous: &[u32] = &[];
                    for &seq in seqs.iter() {
                        let symbols = expander.sequence(seq);
                        let shared = previous
                            .iter()
                            .zip(symbols)
                            .take_while(|(a, b)| a == b)
                            .count();
                        edges += symbols.len() - shared.max(1);
                        previous = symbols;
                        rule_ids.extend(symbols.iter().map(|&symbol| {
                            let slot = symbol as usize;
                            if symbol_ids.len() <= slot {
                                symbol_ids.resize(slot + 1, UNKNOWN);
                            }
                            if symbol_ids[slot] == UNKNOWN {
                                symbol_ids[slot] = counts.number(expander.term(symbol));
                            } else {
                                counts.count(symbol_ids[slot]);
                            }
                            symbol_ids[slot]
                        }));
                        let action = if gapped {
                            Action(Action::SEGMENT | plan_index << 8 | segment as u32)
                        } else {
                            Action(Action::RULE | rule_index as u32)
                        };
                        rule_seqs.push((rule_ids.len(), action));
                    }
                }
                plans.push(PlanInfo {
                    rule: rule_index as u32,
                    gaps: plan.gaps,
                });
                expander.recycle();
            }
        }

        // An n-gram of `n` terms adds at most `n - 1` edges; most are short.
        let learned: usize = merged
            .tables
            .iter()
            .flat_map(|t| &t.targets)
            .map(|t| t.weights.len())
            .sum();
        trie.reserve(edges + learned);
        let mut start = 0;
        for &(end, action) in &rule_seqs {
            seq_actions.push((trie.insert(&rule_ids[start..end]), action));
            start = end;
        }
        drop((rule_ids, rule_seqs));
        let mut customer_trie = TrieBuilder::new();
        let mut customer_learned: Vec<(u32, Action)> = Vec::new();

        // The n-grams of tables that read replies go into the same trie: a
        // reply is matched once. Those of the customer tables go into theirs.
        // `(sequence, action)` pairs, grouped by sequence at the end.
        let mut seq_learned: Vec<(u32, Action)> = Vec::new();
        let mut entries = Vec::new();
        let mut tables = Vec::with_capacity(merged.tables.len());
        for (table_index, src) in merged.tables.iter().enumerate() {
            let mut count = 0;
            let mut targets = Vec::with_capacity(src.targets.len());
            for (target_index, target) in src.targets.iter().enumerate() {
                let mut seen: FxHashMap<u32, Option<usize>> = FxHashMap::default();
                for (ngram, weight, line) in &target.weights {
                    let locate = |msg: String| {
                        RulePackError::new(msg)
                            .with_rule(format!("table {}", src.name))
                            .with_field(format!("tables.weights.{}", target.category))
                            .with_line(*line)
                            .with_pack(src.pack.clone())
                    };
                    let terms = ngram_terms(&language, &emoticon_terms, ngram).map_err(locate)?;
                    ids.clear();
                    ids.extend(terms.iter().map(|t| counts.number(t)));
                    let customer = src.output.is_customer();
                    let p = if customer {
                        customer_trie.insert(&ids)
                    } else {
                        trie.insert(&ids)
                    };
                    if let Some(first) = seen.insert(p, *line) {
                        return Err(locate(format!(
                            "duplicate n-gram `{ngram}` (same terms as line {})",
                            first.map_or("?".to_string(), |l| l.to_string())
                        )));
                    }
                    if entries.len() > Action::MAX as usize {
                        return Err(locate("the pack holds too many n-grams".to_string()));
                    }
                    let action = Action(Action::LEARNED | entries.len() as u32);
                    if customer {
                        customer_learned.push((p, action));
                    } else {
                        seq_learned.push((p, action));
                    }
                    entries.push(LearnedEntry {
                        table: table_index as u32,
                        target: target_index as u32,
                        weight: *weight,
                    });
                    count += 1;
                }
                let label = format!("{}:{}", src.name, target.category);
                targets.push(LearnedTarget {
                    category: target.category,
                    bias: target.bias,
                    rules: target.rules,
                    bias_label: Arc::from(format!("{label} bias")),
                    label: Arc::from(label),
                });
            }
            total += count;
            tables.push(LearnedTable {
                name: src.name.clone(),
                output: src.output,
                scale: src.scale,
                skip_masked: src.skip_masked,
                targets,
                pack: src.pack.clone(),
                line: src.line,
                header: src.header.clone(),
                entries: count,
            });
        }

        // A term's id is its label in the trie: the root's children and the
        // likely next terms of a node sit at small ids, close together.
        let labels = counts.intern(&mut vocab);
        vocab.mark_negation_terms(&language);
        let shapes = ShapeLexicons::compile(merged, &mut vocab)?;
        for (word, first, second) in language.contractions() {
            vocab.add_contraction(word, first, second);
        }

        let matcher = Matcher::build(trie, &labels, seq_actions, seq_learned)?;
        let customer_tables = Matcher::build(customer_trie, &labels, Vec::new(), customer_learned)?;

        Ok(Compiled {
            name: merged.name.clone(),
            rules: merged.rules.clone(),
            rule_ids: merged
                .rules
                .iter()
                .map(|r| Arc::from(r.id.as_str()))
                .collect(),
            category_order: category_order(&merged.rules),
            scoring,
            vocabulary: vocab,
            language,
            shapes,
            matcher,
            customer_tables,
            plans,
            entries,
            tables,
            sequences: total,
            masks_learned: merged.rules.iter().any(|r| r.conditions.mask_learned)
                && merged.tables.iter().any(|t| t.skip_masked),
        })
    }

    /// Tokenizes `text` and maps it to this pack's terms and sentences.
    pub fn lex(&self, text: &str, lexed: &mut Lexed) {
        crate::text::lex::lex(&self.language, &self.vocabulary, text, lexed);
    }

    /// Runs the automata over lexed text from `side` and stitches gapped
    /// patterns. Hits of the n-grams of the tables that read that side go
    /// to `learned`, in text order; an n-gram counts only inside one
    /// sentence and when its first term is outside any negation scope.
    pub fn find_hits(
        &self,
        lexed: &Lexed,
        side: Side,
        scratch: &mut HitScratch,
        out: &mut Vec<Hit>,
        learned: &mut Vec<LearnedHit>,
    ) {
        out.clear();
        learned.clear();
        let HitScratch { found, segments } = scratch;
        segments.clear();
        match side {
            Side::Agent => {
                let n = self.matcher.walk(lexed, found);
                self.matcher
                    .emit(&found[..n], lexed, true, segments, out, learned);
            }
            Side::Customer => {
                let n = self.matcher.walk(lexed, found);
                self.matcher
                    .emit(&found[..n], lexed, false, segments, out, learned);
                // That trie holds nothing but n-grams.
                let n = self.customer_tables.walk(lexed, found);
                self.customer_tables
                    .emit(&found[..n], lexed, true, segments, out, learned);
            }
        }
        if !segments.is_empty() {
            self.join_segments(lexed, segments, out);
        }
        // `Hit` is all key: equal hits are the same, an unstable sort is exact.
        out.sort_unstable_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.rule));
        out.dedup();
        if side == Side::Customer && self.masks_learned && !learned.is_empty() {
            self.mask_learned(out, learned);
        }
    }

    /// Whether a hit of rule `rule` hides learned n-grams (`mask_learned`).
    fn masks(&self, rule: u32) -> bool {
        self.rules
            .get(rule as usize)
            .is_some_and(|r| r.conditions.mask_learned)
    }

    /// The term spans of the hits of `mask_learned` rules among `hits`.
    pub fn masked_spans(&self, hits: &[Hit]) -> Vec<(u32, u32)> {
        hits.iter()
            .filter(|h| self.masks(h.rule))
            .map(|h| (h.start, h.end))
            .collect()
    }

    /// Drops the hits of `skip_masked` tables that touch the span of a
    /// hit of a `mask_learned` rule: a customer's "sorry to bother you" is
    /// politeness, not remorse, whatever a table learned of "sorry".
    fn mask_learned(&self, hits: &[Hit], learned: &mut Vec<LearnedHit>) {
        let spans = self.masked_spans(hits);
        if spans.is_empty() {
            return;
        }
        learned.retain(|l| {
            let skips = self
                .entries
                .get(l.entry as usize)
                .and_then(|e| self.tables.get(e.table as usize))
                .is_some_and(|t| t.skip_masked);
            !skips || !touches_masked(&spans, l.start, l.end)
        });
    }

    /// Chains segment hits of gapped patterns: each segment must start
    /// within its gap after the previous one, in the same sentence.
    ///
    /// `hits` come as the walk found them: by start, then end. A chain
    /// starts at each hit of a first segment; the next segment is the
    /// first of its hits (by start, then end) within the gap, and a gap
    /// spans at most 8 terms, so it is looked for among the few hits that
    /// start there — no sort, no grouping by plan.
    fn join_segments(&self, lexed: &Lexed, hits: &[SegmentHit], out: &mut Vec<Hit>) {
        for first in hits {
            if first.key as u8 != 0 {
                continue;
            }
            let Some(plan) = self.plans.get((first.key >> 8) as usize) else {
                continue;
            };
            let sentence = lexed.terms[first.start as usize].sentence;
            let mut end = first.end;
            let mut complete = true;
            for (i, &(lo, hi)) in plan.gaps.iter().enumerate() {
                let key = first.key + i as u32 + 1;
                let lo_pos = end + u32::from(lo);
                let hi_pos = end + u32::from(hi);
                let at = hits.partition_point(|h| h.start < lo_pos);
                match hits[at..]
                    .iter()
                    .take_while(|h| h.start <= hi_pos)
                    .find(|h| {
                        h.key == key && lexed.terms[(h.end - 1) as usize].sentence == sentence
                    }) {
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
    }
}

/// The rank of each rule's category name among those of all rules, in
/// alphabetical order (equal names, equal ranks).
fn category_order(rules: &[Rule]) -> Vec<u32> {
    let mut names: Vec<&str> = rules.iter().map(|r| r.category.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    rules
        .iter()
        .map(|r| names.partition_point(|&n| n < r.category.as_str()) as u32)
        .collect()
}

/// Groups `(sequence, action)` pairs by sequence (a counting sort):
/// `actions[start[p]..start[p + 1]]` are the actions of sequence `p`, its
/// rule hits and segments (sorted, each once: a hit is a hit) then its
/// learned entries, in the order the pairs gave them.
fn group_actions(
    sequences: usize,
    rules: Vec<(u32, Action)>,
    learned: Vec<(u32, Action)>,
) -> (Vec<u32>, Vec<Action>) {
    let mut start = vec![0u32; sequences + 1];
    for &(p, _) in rules.iter().chain(&learned) {
        start[p as usize + 1] += 1;
    }
    for i in 0..sequences {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut actions = vec![Action(0); rules.len() + learned.len()];
    for &(p, action) in rules.iter().chain(&learned) {
        let slot = &mut next[p as usize];
        actions[*slot as usize] = action;
        *slot += 1;
    }
    drop((rules, learned, next));
    // Drop repeated rule hits and segments, closing the gaps.
    let mut kept = 0usize;
    let mut from = 0usize;
    for p in 0..sequences {
        let to = start[p + 1] as usize;
        let group = &mut actions[from..to];
        let split = group.partition_point(|a| a.0 & Action::KIND != Action::LEARNED);
        group[..split].sort_unstable();
        start[p] = kept as u32;
        let mut last = None;
        for i in from..to {
            let action = actions[i];
            if i < from + split && last == Some(action) {
                continue;
            }
            last = Some(action);
            actions[kept] = action;
            kept += 1;
        }
        from = to;
    }
    start[sequences] = kept as u32;
    actions.truncate(kept);
    actions.shrink_to_fit();
    (start, actions)
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

/// Whether terms `start..end` share a term with one of the masked `spans`.
pub(crate) fn touches_masked(spans: &[(u32, u32)], start: u32, end: u32) -> bool {
    spans.iter().any(|&(a, b)| a < end && start < b)
}

/// A trie sequence found over terms `start..end`, before what it does is
/// recorded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SequenceHit {
    sequence: u32,
    start: u32,
    end: u32,
}

/// The buffers [`Compiled::find_hits`] works in.
#[derive(Debug, Default)]
pub(crate) struct HitScratch {
    found: Vec<SequenceHit>,
    segments: Vec<SegmentHit>,
}

/// A hit of one segment of a gapped pattern.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SegmentHit {
    /// `plan << 8 | segment`.
    key: u32,
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The double array holds exactly the sequences put in, each under
        /// the number `insert` gave it, and no prefix or extension of them.
        #[test]
        fn trie_holds_exactly_its_sequences(
            seqs in proptest::collection::vec(
                proptest::collection::vec(1u32..40, 1..5),
                1..60,
            ),
            probes in proptest::collection::vec(
                proptest::collection::vec(0u32..45, 1..6),
                0..60,
            ),
        ) {
            let mut builder = TrieBuilder::new();
            let mut want: FxHashMap<Vec<u32>, u32> = FxHashMap::default();
            for seq in &seqs {
                let p = builder.insert(seq);
                let first = *want.entry(seq.clone()).or_insert(p);
                proptest::prop_assert_eq!(first, p);
            }
            // Terms relabelled as they are laid out (as vocabulary ids).
            let labels: Vec<u32> = (0..50).map(|t| 100 - t).collect();
            let (trie, slot_of) = builder.build(&labels);
            // The slot a walk over `ids` ends at, if a sequence ends there.
            let walk = |ids: &[u32]| -> Option<u32> {
                let mut node = 0;
                for &id in ids {
                    node = trie.step(node, labels[id as usize]);
                    if node == 0 {
                        return None;
                    }
                }
                (trie.slots[node as usize].base & Slot::SEQUENCE != 0).then_some(node)
            };
            for seq in seqs.iter().chain(&probes) {
                let slot = want.get(seq).map(|&p| slot_of[p as usize]);
                proptest::prop_assert_eq!(walk(seq), slot, "{:?}", seq);
            }
        }
    }
}
