//! The words sentence shapes are read from: the shape lexicons of the pack,
//! compiled. Word lists become classes of vocabulary terms (bits), so the
//! lookup lexing does anyway tells what a word is; word sequences are kept
//! as lists of vocabulary ids (their words interned, so a sentence's words
//! are compared as the ids lexing gave them), stem suffixes as strings.
//! Also the customer's content words a reply can echo.

use std::hash::Hasher;
use std::sync::Arc;

use crate::error::RulePackError;
use crate::rules::pack::{LexiconEntry, MergedPack};
use crate::text::lex::{Lexed, Vocabulary};
use crate::text::TokenKind;

/// Most words in an entry of a sequence lexicon (`ADVICE`, …).
const MAX_SEQUENCE_WORDS: usize = 8;
/// Most content words kept from a customer message (bounds the cost of overlap).
const MAX_KEYWORDS: usize = 512;
/// Shorter words are never keywords: they are function words in any
/// language closely enough, and too short to stem.
pub(crate) const MIN_KEYWORD_BYTES: usize = 3;
/// A stem suffix is cut only when more than this many bytes remain.
const MIN_STEM_BYTES: usize = 3;

/// Bits of a word's classes, one per word-list lexicon.
pub(crate) mod class {
    pub const STOPWORD: u32 = 1 << 0;
    pub const CONTRAST: u32 = 1 << 1;
    pub const SECOND_PERSON: u32 = 1 << 2;
    pub const FIRST_PERSON: u32 = 1 << 3;
    pub const FIRST_PERSON_SUBJECT: u32 = 1 << 4;
    pub const FIRST_PERSON_OWN: u32 = 1 << 5;
    pub const SHARED: u32 = 1 << 6;
    pub const HEDGE: u32 = 1 << 7;
    pub const THIRD_PERSON: u32 = 1 << 8;
    pub const RHETORICAL: u32 = 1 << 9;
    pub const DISCOURSE_MARKER: u32 = 1 << 10;
    pub const INTERJECTION: u32 = 1 << 11;
    pub const QUESTION_WORD: u32 = 1 << 12;
    pub const QUESTION_WORD_MODIFIER: u32 = 1 << 13;
    pub const AUXILIARY: u32 = 1 << 14;
    pub const QUESTION_SUBJECT: u32 = 1 << 15;
    pub const RESTATEMENT_OPENER: u32 = 1 << 16;
    pub const STATEMENT_SUBJECT: u32 = 1 << 17;
    pub const ASKING_VERB: u32 = 1 << 18;
    pub const VERB_ADVERB: u32 = 1 << 19;
    pub const OPINION_VERB: u32 = 1 << 20;
    pub const EXPERIENCE_VERB: u32 = 1 << 21;
    /// The words a sequence lexicon's entries start or end with: a
    /// sentence is compared with the lexicon only where an entry can match.
    pub const SUGGESTIVE_FIRST: u32 = 1 << 22;
    pub const QUESTION_TAG_LAST: u32 = 1 << 23;
    pub const CONFIRMING_TAG_LAST: u32 = 1 << 24;
    pub const ADVICE_FIRST: u32 = 1 << 25;
    pub const OPINION_FIRST: u32 = 1 << 26;
    /// The second words of `ADVICE` entries ("you **should**").
    pub const ADVICE_SECOND: u32 = 1 << 27;
    /// The second words of `OPINION_PHRASES` entries ("am **sure**").
    pub const OPINION_SECOND: u32 = 1 << 28;
    /// Any first-person word.
    pub const SELF: u32 = FIRST_PERSON | FIRST_PERSON_SUBJECT | FIRST_PERSON_OWN;
}

/// The word-list lexicons and the class each gives its words.
const WORD_LISTS: &[(&str, u32)] = &[
    ("STOPWORDS", class::STOPWORD),
    ("CONTRAST", class::CONTRAST),
    ("SECOND_PERSON", class::SECOND_PERSON),
    ("FIRST_PERSON", class::FIRST_PERSON),
    ("FIRST_PERSON_SUBJECT", class::FIRST_PERSON_SUBJECT),
    ("FIRST_PERSON_OWN", class::FIRST_PERSON_OWN),
    ("SHARED_EXPERIENCE", class::SHARED),
    ("HEDGES", class::HEDGE),
    ("THIRD_PERSON", class::THIRD_PERSON),
    ("RHETORICAL_QUESTION_WORDS", class::RHETORICAL),
    ("DISCOURSE_MARKERS", class::DISCOURSE_MARKER),
    ("INTERJECTIONS", class::INTERJECTION),
    ("QUESTION_WORDS", class::QUESTION_WORD),
    ("QUESTION_WORD_MODIFIERS", class::QUESTION_WORD_MODIFIER),
    ("AUXILIARIES", class::AUXILIARY),
    ("QUESTION_SUBJECTS", class::QUESTION_SUBJECT),
    ("RESTATEMENT_OPENERS", class::RESTATEMENT_OPENER),
    ("STATEMENT_SUBJECTS", class::STATEMENT_SUBJECT),
    ("ASKING_VERBS", class::ASKING_VERB),
    ("VERB_ADVERBS", class::VERB_ADVERB),
    ("OPINION_VERBS", class::OPINION_VERB),
    ("EXPERIENCE_VERBS", class::EXPERIENCE_VERB),
];

/// The lexicons of word sequences and suffixes (a test checks each is documented).
#[cfg(test)]
pub(crate) const SHAPE_LEXICONS: &[&str] = &[
    "SUGGESTIVE_OPENERS",
    "QUESTION_TAGS",
    "CONFIRMING_TAGS",
    "ADVICE",
    "OPINION_PHRASES",
    "STEM_SUFFIXES",
];

/// A sequence of words, as a lexicon entry gives it: their vocabulary ids.
pub(crate) type Words = Vec<u32>;

/// The sequence lexicons of the sentence shapes, compiled (their word
/// lists live in the vocabulary as word classes).
#[derive(Debug, Default, Clone)]
pub(crate) struct ShapeLexicons {
    pub suggestive_openers: Vec<Words>,
    pub question_tags: Vec<Words>,
    pub confirming_tags: Vec<Words>,
    /// `ADVICE` grouped by first word: a position is tried once per group.
    pub advice: Vec<(u32, Vec<Words>)>,
    /// Some `ADVICE` entry is one word: its first word advises whatever
    /// follows (otherwise only before an [`ADVICE_SECOND`](class::ADVICE_SECOND)).
    pub advice_single_word: bool,
    pub opinion_phrases: Vec<Words>,
    /// Some `OPINION_PHRASES` entry is one word (otherwise an entry is
    /// compared only before an [`OPINION_SECOND`](class::OPINION_SECOND)).
    pub opinion_single_word: bool,
    stem_suffixes: Vec<Box<str>>,
    /// For each byte, the indices in `stem_suffixes` of the suffixes a
    /// word ending with it may have (those ending with it, and an empty
    /// one), in lexicon order; empty for a byte no suffix ends with, or
    /// when there are no suffixes at all.
    stem_by_last: Vec<Box<[usize]>>,
}

impl ShapeLexicons {
    /// Compiles the shape lexicons of `merged`, giving the words of its
    /// word lists their classes in `vocabulary`.
    pub fn compile(
        merged: &MergedPack,
        vocabulary: &mut Vocabulary,
    ) -> Result<ShapeLexicons, RulePackError> {
        let mut out = ShapeLexicons::default();
        for &(name, bit) in WORD_LISTS {
            for entry in merged.lexicon(name) {
                vocabulary.add_classes(one_word(entry, name)?, bit);
            }
        }
        // A sequence's words are interned, so that each has an id whatever
        // the other lexicons hold; its first word gets the class `first`,
        // its second `second`, its last the class `last`.
        let mut sequences =
            |name: &str, first: u32, second: u32, last: u32| -> Result<Vec<Words>, RulePackError> {
                merged
                    .looped_lexicon(name)?
                    .iter()
                    .map(|entry| {
                        let words: Vec<&str> = entry.pattern.split_whitespace().collect();
                        match words.len() {
                            0 => Err(entry.error(name, "an entry needs at least one word")),
                            n if n > MAX_SEQUENCE_WORDS => Err(entry.error(
                                name,
                                format!("an entry has at most {MAX_SEQUENCE_WORDS} words"),
                            )),
                            n => words
                                .iter()
                                .enumerate()
                                .map(|(i, w)| {
                                    check_normalized(entry, name, w)?;
                                    let bits = if i == 0 { first } else { 0 }
                                        | if i == 1 { second } else { 0 }
                                        | if i == n - 1 { last } else { 0 };
                                    vocabulary.add_classes(w, bits);
                                    Ok(vocabulary.lookup(w))
                                })
                                .collect(),
                        }
                    })
                    .collect()
            };
        out.suggestive_openers = sequences("SUGGESTIVE_OPENERS", class::SUGGESTIVE_FIRST, 0, 0)?;
        out.question_tags = sequences("QUESTION_TAGS", 0, 0, class::QUESTION_TAG_LAST)?;
        out.confirming_tags = sequences("CONFIRMING_TAGS", 0, 0, class::CONFIRMING_TAG_LAST)?;
        for mut entry in sequences("ADVICE", class::ADVICE_FIRST, class::ADVICE_SECOND, 0)? {
            let first = entry.remove(0);
            out.advice_single_word |= entry.is_empty();
            match out.advice.iter_mut().find(|(f, _)| *f == first) {
                Some((_, rests)) => rests.push(entry),
                None => out.advice.push((first, vec![entry])),
            }
        }
        out.opinion_phrases = sequences(
            "OPINION_PHRASES",
            class::OPINION_FIRST,
            class::OPINION_SECOND,
            0,
        )?;
        out.opinion_single_word = out.opinion_phrases.iter().any(|p| p.len() == 1);
        for entry in merged.looped_lexicon("STEM_SUFFIXES")? {
            out.stem_suffixes
                .push(one_word(entry, "STEM_SUFFIXES")?.into());
        }
        if !out.stem_suffixes.is_empty() {
            out.stem_by_last = (0..=u8::MAX)
                .map(|b| {
                    (0..out.stem_suffixes.len())
                        .filter(|&i| {
                            out.stem_suffixes[i]
                                .as_bytes()
                                .last()
                                .is_none_or(|&l| l == b)
                        })
                        .collect()
                })
                .collect();
        }
        Ok(out)
    }

    /// A crude stem so "worried"/"worry"/"worrying" meet: the first suffix
    /// of `STEM_SUFFIXES` that fits is cut.
    ///
    /// Only the suffixes that end as `w` does are tried, and compared byte
    /// by byte in line (most are one to three bytes: a `memcmp` call would
    /// cost more than the comparison).
    pub fn stem<'w>(&self, w: &'w str) -> &'w str {
        let bytes = w.as_bytes();
        let Some(&last) = bytes.last() else {
            return w;
        };
        let Some(candidates) = self.stem_by_last.get(usize::from(last)) else {
            return w;
        };
        for &i in candidates.iter() {
            let Some(suffix) = self.stem_suffixes.get(i) else {
                continue;
            };
            let suffix = suffix.as_bytes();
            if bytes.len() > suffix.len() + MIN_STEM_BYTES {
                let cut = bytes.len() - suffix.len();
                if bytes[cut..].iter().zip(suffix).all(|(a, b)| a == b) {
                    // `suffix` is UTF-8 and `w` ends with it: `cut` is a
                    // char boundary.
                    return w.get(..cut).unwrap_or(w);
                }
            }
        }
        w
    }
}

/// An entry that must be one word in normalized form.
fn one_word<'e>(entry: &'e LexiconEntry, lexicon: &str) -> Result<&'e str, RulePackError> {
    let w = entry.pattern.as_str();
    if w.is_empty() || w.contains(char::is_whitespace) {
        return Err(entry.error(lexicon, "each entry is one word, without spaces"));
    }
    check_normalized(entry, lexicon, w)?;
    Ok(w)
}

fn check_normalized(entry: &LexiconEntry, lexicon: &str, w: &str) -> Result<(), RulePackError> {
    if w.chars()
        .any(|c| c.is_uppercase() || matches!(c, '’' | '‘'))
    {
        return Err(entry.error(
            lexicon,
            format!(
                "`{w}` is not in normalized form (lower case, straight apostrophes, contractions expanded)"
            ),
        ));
    }
    Ok(())
}

/// The content words of a customer message (lower case, stemmed, each
/// once), in one buffer, with a hash table over them and which bytes they
/// start with: what a reply can echo.
#[derive(Debug, Clone)]
pub(crate) struct Keywords {
    text: String,
    /// `text[a..b]` of each keyword, in the order they were added.
    spans: Vec<(u32, u32)>,
    /// Open addressing over `spans`: `i + 1` for keyword `i`, 0 for an
    /// empty slot. Its length is a power of two, at least twice the number
    /// of keywords (so a probe always ends at an empty slot).
    table: Vec<u32>,
    /// The bits ([`Keywords::bit`]) of how the keywords start.
    starts: [u64; 64],
}

/// The same keywords, whatever the order they were added in.
impl PartialEq for Keywords {
    fn eq(&self, other: &Keywords) -> bool {
        fn sorted(k: &Keywords) -> Vec<&str> {
            let mut words: Vec<&str> = k.iter().collect();
            words.sort_unstable();
            words
        }
        self.spans.len() == other.spans.len() && sorted(self) == sorted(other)
    }
}

/// A stem keeps more than [`MIN_STEM_BYTES`] bytes of its word, so a word
/// and its stem start alike over [`MIN_KEYWORD_BYTES`] bytes (see
/// [`Keywords::may_start`]).
const _: () = assert!(MIN_STEM_BYTES + 1 >= MIN_KEYWORD_BYTES);

impl Keywords {
    /// An empty set with room for `n` keywords.
    fn with_room(n: usize) -> Keywords {
        Keywords {
            text: String::new(),
            spans: Vec::with_capacity(n),
            table: vec![0; Self::table_len(n)],
            starts: [0; 64],
        }
    }

    fn table_len(n: usize) -> usize {
        (2 * n.max(1)).next_power_of_two()
    }

    /// Empties the set, as [`Keywords::with_room`] would make it, keeping
    /// its buffers.
    fn reset(&mut self, n: usize) {
        self.text.clear();
        self.spans.clear();
        self.spans.reserve(n);
        self.table.clear();
        self.table.resize(Self::table_len(n), 0);
        self.starts = [0; 64];
    }

    /// The keywords `words` (each once; a repeated word is kept once).
    #[cfg(test)]
    pub fn new(words: &[&str]) -> Keywords {
        let mut k = Keywords::with_room(words.len());
        for w in words {
            k.insert(w);
        }
        k
    }

    /// The keywords, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans
            .iter()
            .map(|&(a, b)| self.text.get(a as usize..b as usize).unwrap_or_default())
    }

    fn hash(w: &str) -> usize {
        let mut h = rustc_hash::FxHasher::default();
        h.write(w.as_bytes());
        h.finish() as usize
    }

    /// The slot of `w` in `table`: where it is, or the empty slot where it
    /// would go.
    fn slot(&self, w: &str) -> usize {
        let mask = self.table.len() - 1;
        let mut at = Self::hash(w) & mask;
        loop {
            let k = match self.table.get(at) {
                Some(&k) if k != 0 => k as usize - 1,
                _ => return at,
            };
            let (a, b) = self.spans.get(k).copied().unwrap_or_default();
            if self.text.get(a as usize..b as usize) == Some(w) {
                return at;
            }
            at = (at + 1) & mask;
        }
    }

    /// Adds `w` unless it is a keyword; whether it was added. The table
    /// must have room (see [`Keywords::with_room`]).
    fn insert(&mut self, w: &str) -> bool {
        if 2 * (self.spans.len() + 1) > self.table.len() {
            self.grow();
        }
        let at = self.slot(w);
        if self.table[at] != 0 {
            return false;
        }
        let a = self.text.len() as u32;
        self.text.push_str(w);
        self.spans.push((a, self.text.len() as u32));
        self.table[at] = self.spans.len() as u32;
        match Self::bit(w.as_bytes()) {
            Some(b) => self.starts[b / 64] |= 1 << (b % 64),
            // A keyword too short to hash: every word may start it.
            None => self.starts = [u64::MAX; 64],
        }
        true
    }

    /// Doubles the table.
    fn grow(&mut self) {
        let mut table = vec![0u32; self.table.len().max(1) * 2];
        let mask = table.len() - 1;
        for (i, w) in self.iter().enumerate() {
            let mut at = Self::hash(w) & mask;
            while table[at] != 0 {
                at = (at + 1) & mask;
            }
            table[at] = i as u32 + 1;
        }
        self.table = table;
    }

    /// Whether `w` is a keyword.
    pub fn contains(&self, w: &str) -> bool {
        !self.spans.is_empty() && self.table.get(self.slot(w)).is_some_and(|&k| k != 0)
    }

    /// A bit (of 4096) for the first [`MIN_KEYWORD_BYTES`] bytes of `w`.
    #[inline]
    fn bit(w: &[u8]) -> Option<usize> {
        let b = w.get(..MIN_KEYWORD_BYTES)?;
        let key = b.iter().fold(0u32, |h, &c| h << 8 | u32::from(c));
        Some((key.wrapping_mul(0x9E37_79B1) >> 20) as usize)
    }

    /// Whether a keyword may start as the word `w` does: false for a word
    /// whose stem cannot be a keyword (no keyword starts with its first
    /// bytes, or it is shorter than [`MIN_KEYWORD_BYTES`]).
    #[inline]
    pub fn may_start(&self, w: &[u8]) -> bool {
        Self::bit(w).is_some_and(|b| self.starts[b / 64] & 1 << (b % 64) != 0)
    }

    /// Whether the stem of `w`, of at least [`MIN_KEYWORD_BYTES`] bytes, is a keyword.
    pub fn holds_stem_of(&self, lexicons: &ShapeLexicons, w: &str) -> bool {
        w.len() >= MIN_KEYWORD_BYTES && self.contains(lexicons.stem(w))
    }
}

impl Default for Keywords {
    fn default() -> Keywords {
        Keywords::with_room(0)
    }
}

/// The content words of lexed text (lower case, stemmed, each once): of its
/// first `4 ×` [`MAX_KEYWORDS`] content words, the [`MAX_KEYWORDS`] stems
/// that sort first.
///
/// The stems go into a hash table as they come (most repeat little, and
/// most messages have far fewer than [`MAX_KEYWORDS`]): they are sorted
/// only when there are more than that to choose from.
///
/// They are read into `spare` when no report holds it any more (a reply's
/// context, dropped once the reply is scored), keeping its buffers;
/// otherwise into a new set, which becomes the spare. Either way the
/// result is `spare`, shared.
pub(crate) fn keywords(
    vocabulary: &Vocabulary,
    lexicons: &ShapeLexicons,
    lexed: &Lexed,
    spare: &mut Arc<Keywords>,
) -> Arc<Keywords> {
    let room = lexed.terms.len().min(MAX_KEYWORDS);
    match Arc::get_mut(spare) {
        Some(out) => {
            out.reset(room);
            read_keywords(vocabulary, lexicons, lexed, out);
        }
        None => {
            let mut out = Keywords::with_room(room);
            read_keywords(vocabulary, lexicons, lexed, &mut out);
            *spare = Arc::new(out);
        }
    }
    spare.clone()
}

/// [`keywords`] into `out`, an empty set with room.
fn read_keywords(
    vocabulary: &Vocabulary,
    lexicons: &ShapeLexicons,
    lexed: &Lexed,
    out: &mut Keywords,
) {
    let terms = &lexed.terms[..];
    // Room for the stems of as many bytes of words (bounded: a long
    // message's keywords repeat).
    out.text.reserve(lexed.norms.len().min(MAX_KEYWORDS * 8));
    let mut seen = 0usize;
    let mut k = 0;
    while let Some(term) = terms.get(k) {
        // A word's terms are next to each other: the first stands for it.
        let first = k;
        k += 1;
        while terms.get(k).is_some_and(|t| t.token == term.token) {
            k += 1;
        }
        let two_terms = k > first + 1;
        let Some(token) = lexed.tokens.get(term.token as usize) else {
            continue;
        };
        // A word kept whole has the id of its norm: a stopword is known
        // before its text is read. A contraction's norm was never looked
        // up.
        if token.kind != TokenKind::Word
            || (!two_terms && vocabulary.classes(lexed.id(first)) & class::STOPWORD != 0)
        {
            continue;
        }
        let w = lexed.norm(term.token as usize);
        // (A short word: a loop, not a `memchr` call.)
        if w.len() < MIN_KEYWORD_BYTES || w.bytes().any(|b| b == b'\'') {
            continue;
        }
        if two_terms && vocabulary.classes_of(w) & class::STOPWORD != 0 {
            continue;
        }
        out.insert(lexicons.stem(w));
        seen += 1;
        if seen >= MAX_KEYWORDS * 4 {
            break;
        }
    }
    if out.spans.len() > MAX_KEYWORDS {
        let mut sorted: Vec<&str> = out.iter().collect();
        sorted.sort_unstable();
        sorted.truncate(MAX_KEYWORDS);
        let mut kept = Keywords::with_room(MAX_KEYWORDS);
        for w in sorted {
            kept.insert(w);
        }
        *out = kept;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english() -> ShapeLexicons {
        let mut merged = MergedPack::default();
        let mut vocabulary = Vocabulary::default();
        let compiled = merged
            .add(crate::DEFAULT_PACK, "en")
            .and_then(|()| ShapeLexicons::compile(&merged, &mut vocabulary));
        match compiled {
            Ok(lexicons) => lexicons,
            Err(e) => panic!("the English pack's lexicons: {e}"),
        }
    }

    #[test]
    fn every_language_lexicon_is_documented_and_in_the_english_pack() {
        let docs = include_str!("../../../../docs/rules.md");
        let mut merged = MergedPack::default();
        if let Err(e) = merged.add(crate::DEFAULT_PACK, "en") {
            panic!("{e}");
        }
        let names = crate::text::language::TEXT_LEXICONS
            .iter()
            .chain(SHAPE_LEXICONS)
            .chain(WORD_LISTS.iter().map(|(name, _)| name));
        for name in names {
            assert!(
                docs.contains(&format!("`{name}`")),
                "{name} in docs/rules.md"
            );
            assert!(!merged.lexicon(name).is_empty(), "{name} in en.toml");
        }
    }

    #[test]
    fn stem_skips_only_words_no_suffix_ends() {
        let en = english();
        let naive = |w: &'static str| {
            en.stem_suffixes
                .iter()
                .filter(|s| w.len() > s.len() + MIN_STEM_BYTES)
                .find_map(|s| w.strip_suffix(&**s))
                .unwrap_or(w)
        };
        for w in [
            "",
            "worried",
            "worry",
            "worrying",
            "charges",
            "quickly",
            "cats",
            "waited",
            "thanks",
            "help",
            "refund",
            "problem",
            "amazingly",
            "tried",
            "sorry",
            "café",
        ] {
            assert_eq!(en.stem(w), naive(w), "{w}");
        }
        assert_eq!(en.stem("worrying"), "worry");
    }

    #[test]
    fn stems_meet() {
        let en = english();
        assert_eq!(en.stem("worried"), en.stem("worries"));
        assert_eq!(en.stem("charged"), en.stem("charges"));
    }
}
