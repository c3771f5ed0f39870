//! Lexing: tokens to vocabulary term ids, sentences and negation scope.
//!
//! A word becomes one or two terms (its normalized form, contractions
//! expanded); each term gets the id the pack's vocabulary gives it. A
//! negator opens a scope over the next few terms of its clause; the terms
//! inside are marked negated, which is how "I'm not sorry" cancels an
//! apology.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use crate::text::language::Language;
use crate::text::normalize::{
    class_name, fold_short_ascii, normalize_other, normalize_word, SHORT_TERM, WORD_MASKS,
};
use crate::text::scan::{scan_into, RawToken, Sink};
use crate::text::TokenKind;

/// Id 0 is every term the pack never mentions.
pub(crate) const UNKNOWN: u32 = 0;

/// Term flags kept per vocabulary id so lexing compares no strings.
const NEGATOR: u8 = 1;
const CLAUSE_END: u8 = 2;
/// A whole-word contraction (its [`CONTRACTION`] class, kept with the
/// other flags so a word's one flag read answers all three questions).
const SPLITS: u8 = 4;

/// The word class of whole-word contractions (the other bits of a term's
/// classes belong to the sentence shapes).
pub(crate) const CONTRACTION: u32 = 1 << 31;

/// Term → id. Nearly every term is at most 15 bytes: those are keyed by
/// their bytes packed into a `u128` (length in the last byte), so a lookup
/// hashes two words and compares two words — no string hashing, no `memcmp`
/// call. Longer terms go to a map of strings.
///
/// Ids `1..=known` are the terms patterns, learned tables and negation
/// read; the words of the language lexicons come after, so that a word a
/// lexicon names is found by the one lookup lexing does anyway and its
/// classes are an array read, while matching still treats it as unknown.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    short: ShortTerms,
    long: FxHashMap<Box<str>, u32>,
    /// Negator and clause-end flags of each id.
    flags: Vec<u8>,
    known: u32,
    /// Word-class bits of each id.
    classes: Vec<u32>,
    /// The term ids a whole-word contraction stands for.
    contractions: FxHashMap<u32, (u32, u32)>,
    /// The id of each one-byte ASCII term (index: the byte), kept as terms
    /// are interned so lexing finds punctuation by an array read.
    ascii: Vec<u32>,
    /// The ids of the class names, in [`CLASS_KINDS`] order.
    class_ids: [u32; CLASS_KINDS.len()],
}

/// The token kinds that lex to a class name (see [`class_name`]).
const CLASS_KINDS: [TokenKind; 5] = [
    TokenKind::Url,
    TokenKind::Email,
    TokenKind::Mention,
    TokenKind::Hashtag,
    TokenKind::Number,
];

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

    /// How many terms it holds.
    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    /// The id of `term`, if the vocabulary holds it.
    pub fn get(&self, term: &str) -> Option<u32> {
        match Self::pack(term) {
            Some(key) => self.short.get(key),
            None => self.long.get(term).copied(),
        }
    }

    /// The id of the short term packed as `key` (see
    /// [`fold_short_ascii`]), or [`UNKNOWN`], and the flags of that id,
    /// read from the same slot (no second look-up).
    #[inline]
    fn lookup_key_flags(&self, key: u128) -> (u32, u8) {
        // A miss gives flags 0, the flags of `UNKNOWN` (no flag is ever
        // set on it: every term interned has an id of at least 1).
        let (id, flags, _) = self.short.get_or_unknown(key);
        if key == 0 {
            return (id, self.flags(id));
        }
        (id, flags)
    }

    /// The id of `term`, or [`UNKNOWN`].
    pub fn lookup(&self, term: &str) -> u32 {
        self.get(term).unwrap_or(UNKNOWN)
    }

    /// Whether patterns, learned tables or negation read the term `id`.
    pub fn is_known(&self, id: u32) -> bool {
        id != UNKNOWN && id <= self.known
    }

    /// The word classes of term `id` (0 for none).
    #[inline]
    pub fn classes(&self, id: u32) -> u32 {
        self.classes.get(id as usize).copied().unwrap_or(0)
    }

    /// The word classes of `term` (0 for a word no lexicon names).
    pub fn classes_of(&self, term: &str) -> u32 {
        self.get(term).map_or(0, |id| self.classes(id))
    }

    /// Adds word classes to `term`, interning it after the known terms.
    /// Call after [`Vocabulary::mark_negation_terms`].
    pub fn add_classes(&mut self, term: &str, bits: u32) {
        let id = self.intern(term) as usize;
        if self.classes.len() <= id {
            self.classes.resize(id + 1, 0);
        }
        self.classes[id] |= bits;
    }

    /// Records the whole-word contraction `word` → `first second`, by ids.
    /// Call once every term is interned.
    pub fn add_contraction(&mut self, word: &str, first: &str, second: &str) {
        self.add_classes(word, CONTRACTION);
        let ids = (self.lookup(first), self.lookup(second));
        let id = self.lookup(word);
        self.contractions.insert(id, ids);
        if self.flags.len() <= id as usize {
            self.flags.resize(id as usize + 1, 0);
        }
        self.flags[id as usize] |= SPLITS;
        self.copy_flags(word, id);
    }

    /// Copies the flags of `term` (id `id`) to its slot of the short terms.
    fn copy_flags(&mut self, term: &str, id: u32) {
        if let Some(key) = Self::pack(term) {
            self.short.set_flags(key, self.flags(id));
        }
    }

    /// The term ids the word `id` stands for, if it is a whole-word contraction.
    fn contraction(&self, id: u32) -> Option<(u32, u32)> {
        if self.flags(id) & SPLITS == 0 {
            return None;
        }
        self.contractions.get(&id).copied()
    }

    /// The id of `term`, given the next free id if it is new.
    pub fn intern(&mut self, term: &str) -> u32 {
        let next = self.len() as u32 + 1;
        let id = match Self::pack(term) {
            Some(key) => self.short.get_or_insert(key, next),
            None => *self.long.entry(term.into()).or_insert(next),
        };
        if let &[byte] = term.as_bytes() {
            if byte.is_ascii() {
                if self.ascii.is_empty() {
                    self.ascii = vec![UNKNOWN; 128];
                }
                self.ascii[usize::from(byte)] = id;
            }
        }
        for (slot, &kind) in self.class_ids.iter_mut().zip(&CLASS_KINDS) {
            if class_name(kind) == Some(term) {
                *slot = id;
            }
        }
        id
    }

    /// The id of the one-byte term `byte` (`UNKNOWN` if it is not ASCII or
    /// not held): [`Vocabulary::lookup`] without packing or hashing.
    #[inline]
    fn ascii_id(&self, byte: u8) -> u32 {
        self.ascii
            .get(usize::from(byte))
            .copied()
            .unwrap_or(UNKNOWN)
    }

    /// The id of the class name of `kind` (`UNKNOWN` if the kind has none
    /// or no pattern uses it): the lookup of [`class_name`], cached.
    #[inline]
    fn class_id(&self, kind: TokenKind) -> u32 {
        CLASS_KINDS
            .iter()
            .position(|&k| k == kind)
            .map_or(UNKNOWN, |i| self.class_ids[i])
    }

    /// Interns the language's negators and clause ends, which lexing must
    /// recognise even when no pattern uses them, and flags their ids. Call
    /// once, after every pattern term is interned.
    pub fn mark_negation_terms(&mut self, language: &Language) {
        let mut marked = Vec::new();
        for (terms, flag) in [
            (&language.negators, NEGATOR),
            (&language.clause_ends, CLAUSE_END),
        ] {
            for t in terms {
                marked.push((self.intern(t), flag));
            }
        }
        let mut flags = vec![0u8; self.len() + 1];
        for &(id, flag) in &marked {
            flags[id as usize] |= flag;
        }
        self.flags = flags;
        for terms in [&language.negators, &language.clause_ends] {
            for t in terms {
                let id = self.lookup(t);
                self.copy_flags(t, id);
            }
        }
        self.known = self.len() as u32;
    }

    #[inline]
    fn flags(&self, id: u32) -> u8 {
        self.flags.get(id as usize).copied().unwrap_or(0)
    }
}

/// Short terms (packed keys) → ids: open addressing, linear probing, at
/// most a quarter full, the slot picked by a multiply-shift hash of the
/// key's two halves. A lookup is two multiplications and, nearly always,
/// one slot read: the home slot holds the key (a hit) or is empty (a
/// miss); only a home slot that holds another key probes on, out of line.
/// (Half full, the branch on it mispredicted 96 K times in a pass over
/// the corpus; a quarter full, one look-up in 31 probes on.)
#[derive(Debug, Default)]
struct ShortTerms {
    /// `(low half, high half, id, flags)` of each slot, the flags a copy
    /// of [`Vocabulary::flags`] (one read finds both); a zero key is an
    /// empty slot (every short term but the empty one has a length byte).
    slots: Vec<(u64, u64, u32, u8)>,
    /// `64 - log2(slots.len())`.
    shift: u32,
    len: usize,
    /// The id of the empty term, which cannot live in a slot.
    empty: Option<u32>,
}

impl ShortTerms {
    fn len(&self) -> usize {
        self.len + usize::from(self.empty.is_some())
    }

    #[inline]
    fn slot(&self, lo: u64, hi: u64) -> usize {
        let h = (lo.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ hi).wrapping_mul(0xD6E8_FEB8_6659_FD93);
        (h >> self.shift) as usize
    }

    #[inline]
    fn get(&self, key: u128) -> Option<u32> {
        self.get_flagged(key).map(|(id, _)| id)
    }

    /// The id of `key` and the flags its slot holds (none for the empty
    /// term, which has no slot).
    #[inline]
    fn get_flagged(&self, key: u128) -> Option<(u32, u8)> {
        match self.get_or_unknown(key) {
            (id, flags, true) => Some((id, flags)),
            _ => None,
        }
    }

    /// The id of `key`, the flags its slot holds and whether it is held
    /// (else `(UNKNOWN, 0)`; the empty term, which has no slot: flags 0).
    /// (Measured: a test of hit or miss with no branch, by selects or by
    /// one compare of the slot and key combined, cost more instructions
    /// than the mispredicts it saved, in callgrind's model.)
    #[inline]
    fn get_or_unknown(&self, key: u128) -> (u32, u8, bool) {
        let (lo, hi) = (key as u64, (key >> 64) as u64);
        if key == 0 || self.slots.is_empty() {
            return match self.empty {
                Some(id) if key == 0 => (id, 0, true),
                _ => (UNKNOWN, 0, false),
            };
        }
        let home = self.slot(lo, hi);
        let (slot_lo, slot_hi, id, flags) = self.slots.get(home).copied().unwrap_or_default();
        let found = (slot_lo ^ lo) | (slot_hi ^ hi) == 0;
        if !found && slot_lo | slot_hi != 0 {
            return self.probe(lo, hi, home);
        }
        (
            if found { id } else { UNKNOWN },
            if found { flags } else { 0 },
            found,
        )
    }

    /// [`ShortTerms::get_or_unknown`] past a home slot that holds another
    /// key: slot by slot until the key or an empty slot.
    #[cold]
    #[inline(never)]
    fn probe(&self, lo: u64, hi: u64, home: usize) -> (u32, u8, bool) {
        let mask = self.slots.len() - 1;
        let mut i = home;
        loop {
            i = (i + 1) & mask;
            let (slot_lo, slot_hi, id, flags) = self.slots[i];
            if slot_lo == lo && slot_hi == hi {
                return (id, flags, true);
            }
            if slot_lo | slot_hi == 0 {
                return (UNKNOWN, 0, false);
            }
        }
    }

    /// Sets the flags held in the slot of `key`, if it has one.
    fn set_flags(&mut self, key: u128, flags: u8) {
        let (lo, hi) = (key as u64, (key >> 64) as u64);
        if key == 0 || self.slots.is_empty() {
            return;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot(lo, hi);
        while let Some(slot) = self.slots.get_mut(i) {
            if slot.0 == lo && slot.1 == hi {
                slot.3 = flags;
                return;
            }
            if slot.0 | slot.1 == 0 {
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of `key`, `id` inserted for it if it is new.
    fn get_or_insert(&mut self, key: u128, id: u32) -> u32 {
        if key == 0 {
            return *self.empty.get_or_insert(id);
        }
        if let Some(found) = self.get(key) {
            return found;
        }
        if (self.len + 1) * 4 > self.slots.len() {
            self.grow();
        }
        self.place(key as u64, (key >> 64) as u64, id, 0);
        self.len += 1;
        id
    }

    fn place(&mut self, lo: u64, hi: u64, id: u32, flags: u8) {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(lo, hi);
        while self.slots[i].0 | self.slots[i].1 != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (lo, hi, id, flags);
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![(0, 0, 0, 0); size]);
        self.shift = 64 - size.trailing_zeros();
        for (lo, hi, id, flags) in old {
            if lo | hi != 0 {
                self.place(lo, hi, id, flags);
            }
        }
    }
}

/// A term of lexed text: a vocabulary id and where it came from.
///
/// Token, term and sentence indices are `u32` here, in [`SentenceSpan`]
/// and in the matcher: a text of more than `u32::MAX` tokens (over 4 GiB
/// of one-byte tokens) is past what they count. Unlike the arena offsets
/// ([`NORM_LIMIT`]), this limit is not handled.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Term {
    /// The vocabulary id.
    pub id: u32,
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

/// The largest arena offset a token's `norm` holds ([`RawToken::norm`] is
/// a pair of `u32`: a quarter of the token less than two `usize`). A text
/// whose arena would pass it (a text over 4 GiB, or nearly) is lexed
/// "wide": the tokens' `norm` spans are then read from [`Lexed::far`].
pub(crate) const NORM_LIMIT: usize = u32::MAX as usize;

/// Tokens, terms and sentences of one text, reusable across calls.
#[derive(Debug, Default)]
pub(crate) struct Lexed {
    pub tokens: Vec<RawToken>,
    /// Normalized words (before contraction expansion), one arena for all:
    /// `norms[a..b]` for a token whose `norm` is `(a, b)`. It starts with a
    /// copy of the text, ASCII lower-cased, in which a short ASCII word is
    /// its own form (its own span); other forms come after it.
    /// Read it through [`Lexed::norm`], which knows a wide text.
    pub norms: String,
    pub terms: Vec<Term>,
    pub sentences: Vec<SentenceSpan>,
    pub words: usize,
    /// In a text lexed wide, the `norm` span of each token (else empty:
    /// an empty `far` is one compare for [`Lexed::norm`], no call).
    far: Vec<(usize, usize)>,
}

impl Lexed {
    fn clear(&mut self) {
        self.tokens.clear();
        self.norms.clear();
        self.terms.clear();
        self.sentences.clear();
        self.words = 0;
        self.far.clear();
    }

    /// The normalized form of a word token (`""` for other tokens).
    pub fn norm(&self, token: usize) -> &str {
        let span = match self.far.get(token) {
            Some(&span) => Some(span),
            None => self
                .tokens
                .get(token)
                .map(|t| (t.norm.0 as usize, t.norm.1 as usize)),
        };
        span.and_then(|(start, end)| self.norms.get(start..end))
            .unwrap_or("")
    }

    /// Fills `far` for a text just lexed wide, from `appended`: the
    /// `(token, start, end)` of each word whose form lexing appended after
    /// the copy of the text, in token order. Any other word's form is its
    /// own span of the copy (lower-cased in place); other tokens have none.
    #[cold]
    fn widen(&mut self, appended: Vec<(usize, usize, usize)>) {
        let mut appended = appended.into_iter().peekable();
        for (index, tok) in self.tokens.iter_mut().enumerate() {
            let span = match appended.next_if(|&(t, _, _)| t == index) {
                Some((_, start, end)) => (start, end),
                None if tok.kind == TokenKind::Word => (tok.start, tok.end),
                None => (0, 0),
            };
            self.far.push(span);
            // Not read (and perhaps cut short): no stale offsets.
            tok.norm = (0, 0);
        }
    }

    /// The vocabulary id of term `k`.
    #[inline]
    pub fn id(&self, k: usize) -> u32 {
        self.terms[k].id
    }

    /// Byte span of terms `start..end`.
    pub fn span(&self, start: u32, end: u32) -> (usize, usize) {
        let first = self.tokens[self.terms[start as usize].token as usize];
        let last = self.tokens[self.terms[(end - 1) as usize].token as usize];
        (first.start, last.end)
    }

    /// The normalized form of token `index`, `tok`, whose text is `raw`
    /// (`text[tok.start..tok.end]`), as lexing read it: a word's `terms` one space apart (`i am`), any
    /// other token's class or canonical mark. Borrows `raw` when that is
    /// the form, or a static string for a one-byte form.
    #[inline]
    pub fn token_norm<'a>(
        &self,
        language: &Language,
        text: &str,
        raw: &'a str,
        tok: &RawToken,
        index: usize,
        terms: u8,
    ) -> Cow<'a, str> {
        let (start, end) = (tok.norm.0 as usize, tok.norm.1 as usize);
        if tok.kind == TokenKind::Word
            && terms == 1
            && self.far.is_empty()
            && (start, end) == (tok.start, tok.end)
            && end.wrapping_sub(start) <= SHORT_TERM
            // The form is the word's own span of the copy of the text,
            // lower-cased in place if it had a capital: it is `raw` when
            // the two spans hold the same bytes.
            && same_short(
                self.norms.as_bytes(),
                text.as_bytes(),
                start,
                end.wrapping_sub(start),
            )
        {
            return Cow::Borrowed(raw);
        }
        self.other_norm(language, raw, tok, index, terms)
    }

    /// [`Lexed::token_norm`] past its common case (a short word that is
    /// its own form), out of line so that the loop building tokens keeps
    /// its registers.
    #[inline(never)]
    fn other_norm<'a>(
        &self,
        language: &Language,
        raw: &'a str,
        tok: &RawToken,
        index: usize,
        terms: u8,
    ) -> Cow<'a, str> {
        if tok.kind != TokenKind::Word {
            return match normalize_other(language, raw, tok.kind) {
                Cow::Owned(norm) => static_ascii(&norm).map_or(Cow::Owned(norm), Cow::Borrowed),
                norm => norm,
            };
        }
        let norm = self.norm(index);
        if terms == 2 {
            if let (a, Some(b)) = language.expand_contraction(norm) {
                let mut pair = String::with_capacity(a.len() + 1 + b.len());
                pair.push_str(a);
                pair.push(' ');
                pair.push_str(b);
                return Cow::Owned(pair);
            }
        }
        if norm == raw {
            Cow::Borrowed(raw)
        } else if let Some(one) = static_ascii(norm) {
            Cow::Borrowed(one)
        } else {
            Cow::Owned(norm.to_owned())
        }
    }

    /// The normalized text of each term, as the automaton reads it
    /// (`<#NUMBER>` for a number no pattern spells out). Used to build
    /// training features that match what scoring will look up.
    pub fn term_texts(
        &self,
        language: &Language,
        text: &str,
        vocabulary: &Vocabulary,
    ) -> Vec<String> {
        let mut out = Vec::with_capacity(self.terms.len());
        let mut previous: Option<u32> = None;
        for term in &self.terms {
            let tok = self.tokens[term.token as usize];
            let second = previous == Some(term.token);
            previous = Some(term.token);
            let raw = &text[tok.start..tok.end];
            out.push(match tok.kind {
                TokenKind::Word => {
                    let (a, b) = language.expand_contraction(self.norm(term.token as usize));
                    match (second, b) {
                        (true, Some(b)) => b.to_string(),
                        _ => a.to_string(),
                    }
                }
                TokenKind::Number if vocabulary.is_known(vocabulary.lookup(raw)) => raw.to_string(),
                TokenKind::Number => "<#NUMBER>".to_string(),
                kind => normalize_other(language, raw, kind).into_owned(),
            });
        }
        out
    }
}

/// Every ASCII character, in order: a static home for one-byte forms.
const ASCII: &str = {
    const BYTES: [u8; 128] = {
        let mut bytes = [0u8; 128];
        let mut i = 0;
        while i < 128 {
            bytes[i] = i as u8;
            i += 1;
        }
        bytes
    };
    match std::str::from_utf8(&BYTES) {
        Ok(all) => all,
        Err(_) => panic!("ASCII is UTF-8"),
    }
};

/// Whether `a` and `b` hold the same `len` (at most [`SHORT_TERM`]) bytes
/// from `start`: one 16-byte load from each when both have them (no
/// `memcmp` call), else a slice compare.
#[inline]
fn same_short(a: &[u8], b: &[u8], start: usize, len: usize) -> bool {
    let load = |s: &[u8]| {
        s.get(start..start.wrapping_add(16))
            .and_then(|w| w.try_into().ok())
            .map(u128::from_le_bytes)
    };
    match (load(a), load(b), WORD_MASKS.get(len)) {
        (Some(x), Some(y), Some(&mask)) => (x ^ y) & mask == 0,
        _ => a.get(start..start.wrapping_add(len)) == b.get(start..start.wrapping_add(len)),
    }
}

/// `s` as a static string, if it is one ASCII byte.
fn static_ascii(s: &str) -> Option<&'static str> {
    match s.as_bytes() {
        &[b] if b.is_ascii() => ASCII.get(usize::from(b)..usize::from(b) + 1),
        _ => None,
    }
}

/// Tokenizes `text` and maps it to terms and sentences.
pub(crate) fn lex(language: &Language, vocabulary: &Vocabulary, text: &str, lexed: &mut Lexed) {
    lex_with(language, vocabulary, text, lexed, true);
}

/// [`lex`], with the scanner's ASCII fast path (and the lexing fused into
/// it) on or off: off is the reference the fast path is tested against.
fn lex_with(
    language: &Language,
    vocabulary: &Vocabulary,
    text: &str,
    lexed: &mut Lexed,
    fast: bool,
) {
    lex_within(language, vocabulary, text, lexed, fast, NORM_LIMIT);
}

/// [`lex_with`], `limit` standing for [`NORM_LIMIT`] (tests lower it).
/// A text over the limit is lexed wide at once; a text under it whose
/// arena passes it (forms appended after the copy) is lexed again, wide.
fn lex_within(
    language: &Language,
    vocabulary: &Vocabulary,
    text: &str,
    lexed: &mut Lexed,
    fast: bool,
    limit: usize,
) {
    let mut wide = text.len() > limit;
    // (One call site: the pass is inlined here, as it was before.)
    while !lex_once(language, vocabulary, text, lexed, fast, limit, wide) && !wide {
        wide = true;
    }
}

/// One lexing pass, `wide` or not; false when the arena passed `limit`
/// in a pass that was not wide (its offsets are then wrong).
fn lex_once(
    language: &Language,
    vocabulary: &Vocabulary,
    text: &str,
    lexed: &mut Lexed,
    fast: bool,
    limit: usize,
    wide: bool,
) -> bool {
    lexed.clear();
    // Short ASCII words are their own normalized form lower-cased: they
    // are read from this copy of the text, lower-cased once here (no word
    // is lower-cased on its own); other forms are appended after it, and
    // no other token reads the copy.
    lexed.norms.push_str(text);
    lexed.norms.make_ascii_lowercase();
    // The lexer owns the buffers while it runs (one indirection less on
    // every term) and hands them back.
    let sink = Lexer {
        language,
        vocabulary,
        norms: std::mem::take(&mut lexed.norms),
        terms: std::mem::take(&mut lexed.terms),
        sentences: std::mem::take(&mut lexed.sentences),
        words: 0,
        buf: String::new(),
        negation_left: 0,
        sentence: u32::MAX,
        last_end: 0,
        content_start: u32::MAX,
        plain_words_split: language.plain_words_split(),
        limit,
        wide,
        appended: Vec::new(),
        overflow: false,
    };
    let mut sink = scan_into(language, text, &mut lexed.tokens, sink, fast);
    sink.close_sentence();
    lexed.norms = sink.norms;
    lexed.terms = sink.terms;
    lexed.sentences = sink.sentences;
    lexed.words = sink.words;
    if wide {
        lexed.widen(sink.appended);
    }
    !sink.overflow
}

/// Whether a token of `kind` is content: a word or a number, not a mark,
/// link, handle, tag, emoji or symbol.
fn is_content(kind: TokenKind) -> bool {
    !matches!(
        kind,
        TokenKind::Punct
            | TokenKind::Mention
            | TokenKind::Hashtag
            | TokenKind::Url
            | TokenKind::Emoji
            | TokenKind::Emoticon
            | TokenKind::Symbol
    )
}

/// Lexing as the scanner's [`Sink`]: each final token becomes its terms,
/// with sentence spans and negation scope, in the scanner's walk.
struct Lexer<'a> {
    language: &'a Language,
    vocabulary: &'a Vocabulary,
    norms: String,
    terms: Vec<Term>,
    sentences: Vec<SentenceSpan>,
    words: usize,
    /// Scratch for words the short fold does not take.
    buf: String,
    negation_left: usize,
    /// The sentence of the last token (`u32::MAX`: none yet).
    sentence: u32,
    /// End of the last token: the end of its sentence so far.
    last_end: usize,
    /// The first content term of the current sentence (`u32::MAX`: none
    /// yet), written to its span when it closes: a compare and a select
    /// per term, no branch at the first one.
    content_start: u32,
    /// A word of letters, digits and `_` alone may end in a contraction
    /// suffix (see [`Language::plain_words_split`]).
    plain_words_split: bool,
    /// [`NORM_LIMIT`] (lower in tests).
    limit: usize,
    /// The text is lexed wide (see [`Lexed::far`]).
    wide: bool,
    /// Wide: `(token, start, end)` of each form appended to the arena.
    appended: Vec<(usize, usize, usize)>,
    /// Not wide, and the arena passed `limit`.
    overflow: bool,
}

impl Sink for Lexer<'_> {
    fn token(&mut self, text: &str, tok: &mut RawToken, index: usize) {
        let (language, vocabulary) = (self.language, self.vocabulary);
        self.open_sentence(tok);
        if tok.end.wrapping_sub(tok.start) == 1
            && matches!(tok.kind, TokenKind::Punct | TokenKind::Symbol)
        {
            if let Some(&byte) = text.as_bytes().get(tok.start) {
                return self.ascii_mark(byte, tok, index);
            }
        }
        let token_text = &text[tok.start..tok.end];
        let norm_start = self.norms.len();
        let mut ids = [UNKNOWN; 2];
        let mut count = 1;
        match tok.kind {
            TokenKind::Word => {
                self.words += 1;
                if let Some(key) =
                    fold_short_ascii(text.as_bytes(), tok.start, tok.end, tok.elongated)
                {
                    return self.short_word(true, key, tok, index);
                }
                lex_word(
                    language,
                    vocabulary,
                    token_text,
                    tok.elongated,
                    &mut self.buf,
                    &mut ids,
                    &mut count,
                );
                self.norms.push_str(&self.buf);
                self.appended(tok, index, norm_start);
            }
            TokenKind::Number => {
                // A number some pattern spells out matches as itself;
                // any other number matches `<#NUMBER>`.
                self.words += 1;
                ids[0] = match vocabulary.lookup(token_text) {
                    id if vocabulary.is_known(id) => id,
                    _ => vocabulary.class_id(TokenKind::Number),
                };
            }
            TokenKind::Url | TokenKind::Email | TokenKind::Mention | TokenKind::Hashtag => {
                ids[0] = vocabulary.class_id(tok.kind);
            }
            kind => ids[0] = vocabulary.lookup(&normalize_other(language, token_text, kind)),
        }
        if tok.kind == TokenKind::Punct && token_text.contains(['?', '？', '⁉']) {
            if let Some(current) = self.sentences.last_mut() {
                current.question = true;
            }
        }
        let content = is_content(tok.kind);
        for &id in &ids[..count] {
            self.push_term(index, id, self.vocabulary.flags(id), content);
        }
    }

    #[inline]
    fn ascii_word(
        &mut self,
        text: &str,
        mut tok: RawToken,
        index: usize,
        key: u128,
        marks: bool,
    ) -> RawToken {
        if key != 0 {
            self.open_sentence(&tok);
            self.words += 1;
            self.short_word(marks, key, &mut tok, index);
        } else {
            self.token(text, &mut tok, index);
        }
        tok
    }

    #[inline(always)]
    fn plain_word(&mut self, tok: &mut RawToken, index: usize, key: u128) -> bool {
        // What `short_word` does for a word with no mark that is not a
        // whole-word contraction, when it cannot end in a
        // suffix and continues the sentence of the token before.
        if key == 0 || tok.sentence != self.sentence || self.plain_words_split {
            return false;
        }
        let (id, flags) = self.vocabulary.lookup_key_flags(key);
        if flags & SPLITS != 0 {
            return false;
        }
        self.last_end = tok.end;
        self.words += 1;
        tok.norm = (tok.start as u32, tok.end as u32);
        self.push_term(index, id, flags, true);
        true
    }
}

impl Lexer<'_> {
    /// Opens a sentence span if `tok` starts a sentence, closing the one
    /// before; notes the end of `tok`.
    #[inline]
    fn open_sentence(&mut self, tok: &RawToken) {
        if tok.sentence != self.sentence {
            self.sentence = tok.sentence;
            self.close_sentence();
            self.negation_left = 0;
            self.content_start = u32::MAX;
            let at = self.terms.len() as u32;
            self.sentences.push(SentenceSpan {
                start: tok.start,
                end: tok.end,
                first_term: at,
                end_term: at,
                content_start: u32::MAX,
                question: false,
            });
        }
        self.last_end = tok.end;
    }

    /// The term of `tok`, a mark or symbol of one ASCII byte, `byte`: what
    /// [`normalize_other`] makes of it, looked up by index.
    #[inline]
    fn ascii_mark(&mut self, byte: u8, tok: &mut RawToken, index: usize) {
        let punct = tok.kind == TokenKind::Punct;
        let vocabulary = self.vocabulary;
        let id = vocabulary.ascii_id(match byte {
            b'?' | b'!' => byte,
            _ if punct && self.language.is_sentence_end(char::from(byte)) => b'.',
            _ => byte,
        });
        tok.norm = (0, 0);
        if punct && byte == b'?' {
            if let Some(current) = self.sentences.last_mut() {
                current.question = true;
            }
        }
        self.push_term(index, id, vocabulary.flags(id), false);
    }

    /// Notes the form of the word `tok` (token `index`): the arena from
    /// `start` on, just appended.
    fn appended(&mut self, tok: &mut RawToken, index: usize, start: usize) {
        let end = self.norms.len();
        if self.wide {
            self.appended.push((index, start, end));
            return;
        }
        // Within the limit, which is at most `u32::MAX`, nothing is cut.
        self.overflow |= end > self.limit;
        tok.norm = (start as u32, end as u32);
    }

    /// Sets the end of the current sentence (its last token and term).
    fn close_sentence(&mut self) {
        let end_term = self.terms.len() as u32;
        if let Some(current) = self.sentences.last_mut() {
            current.end = self.last_end;
            current.end_term = end_term;
            current.content_start = self.content_start;
        }
    }

    /// The terms of the word `tok`, which [`fold_short_ascii`] packed as
    /// `key`, its normalized form its own span of the arena; `marks`: it
    /// may hold a byte other than a letter, a digit or `_`.
    #[inline(always)]
    fn short_word(&mut self, marks: bool, key: u128, tok: &mut RawToken, index: usize) {
        // The fold lower-cases `A`-`Z` and changes nothing else, as
        // `make_ascii_lowercase` does; the arena starts with a copy of the
        // text lower-cased so, so the form is the word's own bytes there,
        // no copy. (Not wide, the text is within the arena limit, which is
        // at most `u32::MAX`: the offsets fit; wide, `widen` replaces them.)
        let (norm_start, norm_end) = (tok.start, tok.end);
        tok.norm = (norm_start as u32, norm_end as u32);
        let vocabulary = self.vocabulary;
        let (id, flags) = vocabulary.lookup_key_flags(key);
        if flags & SPLITS != 0 {
            if let Some((first, second)) = vocabulary.contractions.get(&id).copied() {
                return self.push_pair(index, first, second);
            }
        }
        if (marks || self.plain_words_split) && self.language.may_split_key(key) {
            let norm = self.norms.get(norm_start..norm_end).unwrap_or_default();
            if let Some((first, second)) = self.language.split_suffix(norm) {
                let (first, second) = (vocabulary.lookup(first), vocabulary.lookup(second));
                return self.push_pair(index, first, second);
            }
        }
        self.push_term(index, id, flags, true);
    }

    fn push_pair(&mut self, index: usize, first: u32, second: u32) {
        let vocabulary = self.vocabulary;
        self.push_term(index, first, vocabulary.flags(first), true);
        self.push_term(index, second, vocabulary.flags(second), true);
    }

    /// Appends term `id` (flags `flags`) of token `index`, with its
    /// negation, to the current sentence.
    #[inline(always)]
    fn push_term(&mut self, index: usize, id: u32, flags: u8, content: bool) {
        if content {
            self.content_start = self.content_start.min(self.terms.len() as u32);
        }
        // Most terms: no flag, no scope open.
        if usize::from(flags) | self.negation_left == 0 {
            self.terms.push(Term {
                id,
                token: index as u32,
                sentence: self.sentence,
                negated: false,
            });
            return;
        }
        self.push_scoped_term(index, id, flags);
    }

    /// [`Lexer::push_term`] for a term with a flag or in a negation scope.
    #[inline(never)]
    fn push_scoped_term(&mut self, index: usize, id: u32, flags: u8) {
        let negated = if flags & CLAUSE_END != 0 {
            self.negation_left = 0;
            false
        } else if self.negation_left > 0 {
            self.negation_left -= 1;
            true
        } else {
            false
        };
        if flags & NEGATOR != 0 {
            self.negation_left = self.language.negation_reach;
        }
        self.terms.push(Term {
            id,
            token: index as u32,
            sentence: self.sentence,
            negated,
        });
    }
}

/// The terms of a word [`fold_short_ascii`] does not take, its normalized
/// form left in `buf`.
fn lex_word(
    language: &Language,
    vocabulary: &Vocabulary,
    word: &str,
    elongated: bool,
    buf: &mut String,
    ids: &mut [u32; 2],
    count: &mut usize,
) {
    normalize_word(word, 2, buf);
    let id = vocabulary.lookup(buf);
    if let Some((first, second)) = vocabulary.contraction(id) {
        *ids = [first, second];
        *count = 2;
    } else if let Some((first, second)) = language.split_suffix(buf) {
        *ids = [vocabulary.lookup(first), vocabulary.lookup(second)];
        *count = 2;
    } else {
        ids[0] = id;
        // An elongation no pattern knows may be one letter too long still
        // ("sooo" → "soo" → "so").
        if elongated && !vocabulary.is_known(id) {
            normalize_word(word, 1, buf);
            ids[0] = vocabulary.lookup(buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything lexing wrote, comparable.
    fn lexed_view(lexed: &Lexed) -> String {
        let sentences: Vec<_> = lexed
            .sentences
            .iter()
            .map(|s| {
                (
                    s.start,
                    s.end,
                    s.first_term,
                    s.end_term,
                    s.content_start,
                    s.question,
                )
            })
            .collect();
        let terms: Vec<_> = lexed
            .terms
            .iter()
            .map(|t| (t.id, t.token, t.sentence, t.negated))
            .collect();
        let norms: Vec<&str> = (0..lexed.tokens.len()).map(|i| lexed.norm(i)).collect();
        format!(
            "{:?}\n{norms:?}\n{terms:?}\n{sentences:?}\nwords {}",
            lexed.tokens, lexed.words
        )
    }

    /// Lexing with the scanner's fast path (lexing fused into it) and
    /// without (the general path, each token lexed once it is final).
    fn both_paths(text: &str) -> (String, String) {
        let analyzer = crate::Analyzer::new();
        let compiled = analyzer.compiled();
        let (mut fast, mut general) = (Lexed::default(), Lexed::default());
        let (language, vocabulary) = (&compiled.language, &compiled.vocabulary);
        lex_with(language, vocabulary, text, &mut fast, true);
        lex_with(language, vocabulary, text, &mut general, false);
        (lexed_view(&fast), lexed_view(&general))
    }

    /// Everything lexing wrote but the arena offsets, which a wide text
    /// does not read: each token with its form, terms, sentences.
    fn forms_view(lexed: &Lexed) -> String {
        let tokens: Vec<_> = (0..lexed.tokens.len())
            .map(|i| {
                let t = lexed.tokens[i];
                let shape = (t.start, t.end, t.kind, t.sentence);
                (shape, t.caps, t.elongated, t.emphatic, lexed.norm(i))
            })
            .collect();
        let view = lexed_view(lexed);
        let rest = view.split_once('\n').map_or("", |(_, rest)| rest);
        format!("{tokens:?}\n{rest}")
    }

    /// [`forms_view`] of `text` lexed with the arena limit `limit` instead
    /// of [`NORM_LIMIT`], and whether it was lexed wide.
    fn with_limit(text: &str, limit: usize) -> (String, bool) {
        let analyzer = crate::Analyzer::new();
        let compiled = analyzer.compiled();
        let mut lexed = Lexed::default();
        let (language, vocabulary) = (&compiled.language, &compiled.vocabulary);
        lex_within(language, vocabulary, text, &mut lexed, true, limit);
        (forms_view(&lexed), !lexed.far.is_empty())
    }

    #[test]
    fn forms_past_the_arena_limit() {
        // With `appends`: a word whose form is appended after the copy of
        // the text (elongated, non-ASCII, a backtick).
        for (text, appends) in [
            (
                "I'm SOOO sorry!!! Really?! I don't know, we can't. Mr. Smith isn't here...",
                true,
            ),
            (
                "Caf\u{e9} \u{130}stanbul Helloooooooooooooooooooo `quoted` not sooo bad, you're",
                true,
            ),
            (
                "Thanks :) see https://t.co/x. 3.5 @you #tag DONT I'LL won't \u{1F621}!! ok.",
                false,
            ),
        ] {
            let (narrow, wide) = with_limit(text, NORM_LIMIT);
            assert!(!wide, "{text:?}");
            // Over the limit: wide at once. Within it, when forms appended
            // after the copy pass it: lexed again, wide.
            for limit in [0, 1, text.len() / 2, text.len() - 1, text.len()] {
                let (view, wide) = with_limit(text, limit);
                assert_eq!(wide, limit < text.len() || appends, "{text:?} {limit}");
                assert_eq!(view, narrow, "{text:?} {limit}");
            }
        }
    }

    #[test]
    fn one_byte_forms_are_static() {
        for b in 0..=127u8 {
            let one = char::from(b).to_string();
            assert_eq!(static_ascii(&one), Some(one.as_str()));
        }
        assert_eq!(static_ascii("ab"), None);
        assert_eq!(static_ascii("é"), None);
        let tokens = crate::Analyzer::new().tokenize("I SAID no!!! A");
        let borrowed: Vec<bool> = tokens
            .iter()
            .map(|t| matches!(t.norm, Cow::Borrowed(_)))
            .collect();
        // `SAID` needs its own lower-cased copy; `I`, `!!!` and `A` do not.
        assert_eq!(borrowed, [true, false, true, true, true]);
        let norms: Vec<&str> = tokens.iter().map(|t| t.norm.as_ref()).collect();
        assert_eq!(norms, ["i", "said", "no", "!", "a"]);
    }

    /// The first content term of each sentence, from its terms' token
    /// kinds (`u32::MAX` for none): what lexing keeps as it goes.
    fn content_starts(lexed: &Lexed) -> Vec<u32> {
        lexed
            .sentences
            .iter()
            .map(|s| {
                (s.first_term..s.end_term)
                    .find(|&k| {
                        is_content(lexed.tokens[lexed.terms[k as usize].token as usize].kind)
                    })
                    .unwrap_or(u32::MAX)
            })
            .collect()
    }

    #[test]
    fn content_start_is_the_first_content_term() {
        let analyzer = crate::Analyzer::new();
        let compiled = analyzer.compiled();
        let (language, vocabulary) = (&compiled.language, &compiled.vocabulary);
        for text in [
            "@bob :) I'm not sorry. Thanks! !!! #tag https://t.co/x ok",
            "!!! ... ?? :( sorry",
            "",
            "Hi. @you 3 apples \u{1F621} $ yes",
        ] {
            for fast in [true, false] {
                let mut lexed = Lexed::default();
                lex_with(language, vocabulary, text, &mut lexed, fast);
                let kept: Vec<u32> = lexed.sentences.iter().map(|s| s.content_start).collect();
                assert_eq!(kept, content_starts(&lexed), "{text:?}");
            }
        }
    }

    #[test]
    fn fused_path_cases() {
        for text in [
            "I'm SOOO sorry!!! Really?! I don't know, we can't. Mr. Smith isn't here...",
            "Thanks :) see https://t.co/x. never mind\nnot ok?? DONT you're  youre CAN'T",
            "It's 3.5 or 1,000 -- __ x_y a:b I'LL won't caf\u{e9} \u{1F621}!! ok.",
            "Helloooooooooooooooooooo aaaaaaaaaaaaaaaaaaaaaaaaaaa not sooo bad",
            "I\u{2019}m so sorry\u{2014}I don\u{2019}t know\u{2026} \u{201c}DON\u{2019}T\u{201d} you\u{2019}re",
        ] {
            let (fast, general) = both_paths(text);
            assert_eq!(fast, general, "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fused_path_agrees_on_texty_ascii(text in "([A-Za-z]{1,6}|[ \n]|[.!?,;:'\"()_@#/<>-]|[0-9]{1,3}|not|never|but|don't|DONT|I'm|im|you'll|can't|sooo+|www\\.|https?://|:\\(|<3|[a-z]{1,3}@[a-z]{1,3}\\.[a-z]{2}){0,30}") {
            let (fast, general) = both_paths(&text);
            proptest::prop_assert_eq!(fast, general);
        }

        #[test]
        fn fused_path_agrees_on_typographic_text(text in "([A-Za-z]{1,6}|[ \n]|[.!?,'-]|not|don\u{2019}t|I\u{2019}m|can\u{2019}t|[\u{2013}\u{2014}\u{2019}\u{201c}\u{201d}\u{2026}]){0,30}") {
            let (fast, general) = both_paths(&text);
            proptest::prop_assert_eq!(fast, general);
        }

        #[test]
        fn fused_path_agrees_on_any_text(text in "(\\PC|[a-zA-Z .!?'\n]|not |n't )*") {
            let (fast, general) = both_paths(&text);
            proptest::prop_assert_eq!(fast, general);
        }

        #[test]
        fn content_start_agrees_on_any_text(text in "(\\PC|[a-zA-Z .!?'\n@#:()$]|not |:\\)|#[a-z]{1,3}|@[a-z]{1,3})*") {
            let analyzer = crate::Analyzer::new();
            let compiled = analyzer.compiled();
            let mut lexed = Lexed::default();
            lex(&compiled.language, &compiled.vocabulary, &text, &mut lexed);
            let kept: Vec<u32> = lexed.sentences.iter().map(|s| s.content_start).collect();
            proptest::prop_assert_eq!(kept, content_starts(&lexed));
        }

        #[test]
        fn same_short_is_a_slice_compare(
            a in proptest::collection::vec(proptest::sample::select(b"aAbB".to_vec()), 0..40),
            b in proptest::collection::vec(proptest::sample::select(b"aAbB".to_vec()), 0..40),
            start in 0usize..40,
            len in 0usize..=SHORT_TERM,
        ) {
            let expected = a.get(start..start + len) == b.get(start..start + len);
            proptest::prop_assert_eq!(same_short(&a, &b, start, len), expected);
        }

        #[test]
        fn forms_agree_past_any_arena_limit(
            text in "([A-Za-z]{1,6}|[ \n]|[.!?,;:'`_@#-]|[0-9]{1,3}|not|don't|I'm|sooo+|caf\u{e9}|\u{130}|\\PC){0,20}",
            limit in 0usize..80,
        ) {
            let (narrow, _) = with_limit(&text, NORM_LIMIT);
            let (view, _) = with_limit(&text, limit);
            proptest::prop_assert_eq!(view, narrow);
        }

        #[test]
        fn vocabulary_finds_what_it_interned(
            terms in proptest::collection::vec("[a-c'é]{0,17}", 0..300),
            probes in proptest::collection::vec("[a-c'é]{0,17}", 0..50),
        ) {
            let mut vocabulary = Vocabulary::default();
            let mut reference = std::collections::HashMap::new();
            for t in &terms {
                let next = reference.len() as u32 + 1;
                let id = *reference.entry(t.clone()).or_insert(next);
                proptest::prop_assert_eq!(vocabulary.intern(t), id);
            }
            proptest::prop_assert_eq!(vocabulary.len(), reference.len());
            for t in terms.iter().chain(&probes) {
                proptest::prop_assert_eq!(vocabulary.get(t), reference.get(t).copied());
            }
        }

        #[test]
        fn flags_found_with_a_key_agree_with_flags(
            before in proptest::collection::vec("[a-c'n]{1,5}|not|never|but|don't|can't", 0..40),
            after in proptest::collection::vec("[a-e']{1,6}", 0..200),
        ) {
            // Flags are set after some terms are interned and copied to
            // their slots; later terms grow the table, which keeps them.
            let en = Language::english();
            let mut vocabulary = Vocabulary::default();
            for t in &before {
                vocabulary.intern(t);
            }
            vocabulary.mark_negation_terms(&en);
            for (word, first, second) in en.contractions() {
                vocabulary.add_contraction(word, first, second);
            }
            for t in &after {
                vocabulary.intern(t);
            }
            let marked = en.negators.iter().chain(&en.clause_ends).map(|t| t.to_string());
            let contractions = en.contractions().map(|(w, _, _)| w.to_string());
            for t in before.iter().chain(&after).cloned().chain(marked).chain(contractions) {
                let Some(key) = Vocabulary::pack(&t) else { continue };
                let id = vocabulary.lookup(&t);
                proptest::prop_assert_eq!(
                    vocabulary.lookup_key_flags(key),
                    (id, vocabulary.flags(id)),
                    "{}", t
                );
            }
        }

        #[test]
        fn cached_ids_agree_with_lookup(
            terms in proptest::collection::vec(
                "[a-c!?.,]{0,2}|<#(URL|EMAIL|MENTION|HASHTAG|NUMBER)>", 0..40),
        ) {
            let mut vocabulary = Vocabulary::default();
            for t in &terms {
                vocabulary.intern(t);
            }
            for byte in 0..=255u8 {
                let term = [byte];
                let expected = std::str::from_utf8(&term).map_or(UNKNOWN, |t| vocabulary.lookup(t));
                proptest::prop_assert_eq!(vocabulary.ascii_id(byte), expected);
            }
            for kind in [TokenKind::Word, TokenKind::Punct, TokenKind::Symbol]
                .into_iter()
                .chain(CLASS_KINDS)
            {
                let expected = class_name(kind).map_or(UNKNOWN, |n| vocabulary.lookup(n));
                proptest::prop_assert_eq!(vocabulary.class_id(kind), expected);
            }
        }
    }
}
