//! What the text layer knows of a language, read from the pack's lexicons:
//! sentence-ending marks, abbreviations, emoticons, contractions, negators
//! and the terms that close a negation scope.
//!
//! The scanner and the normalizer hold only what is true of any text in
//! a script (Unicode word boundaries, case folding, apostrophe shapes,
//! URLs); every word they treat specially comes from here, so a pack for
//! another language needs no code. Lookups are hash sets and byte filters
//! built once, when the analyzer is built.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::RulePackError;
use crate::rules::pack::{LexiconEntry, MergedPack};

/// Most bytes a word looked up in [`Language::contractions`] may have: the
/// key of a short word is its bytes packed in a `u128`.
const SHORT: usize = 15;

/// The text-level language knowledge of a pack, compiled.
#[derive(Debug, Clone)]
pub(crate) struct Language {
    /// Marks that end a sentence, ASCII ones as a bit set.
    sentence_end_ascii: u128,
    sentence_end_other: Vec<char>,
    /// Abbreviations, ASCII-lower-cased: a full stop right after one does
    /// not end the sentence.
    abbreviations: FxHashSet<u128>,
    /// A filter on the length and last byte of the abbreviations (bit
    /// [`abbreviation_bit`] of each): most words before a full stop are
    /// out without a lookup.
    abbreviation_ends: Box<[u64; 64]>,
    /// Emoticons, longest first.
    emoticons: Vec<Box<str>>,
    /// For each first byte: 1 if an emoticon starts with it, 2 if one that
    /// starts with a letter or digit does.
    emoticon_start: Box<[u8; 256]>,
    /// Whole words that stand for two terms (`im` → `i am`, `can't` → `can not`).
    contractions: FxHashMap<u128, (Box<str>, Box<str>)>,
    /// The words of `contractions`, in pack order.
    contraction_words: Vec<Box<str>>,
    /// A filter on the last two bytes of the words in `contractions`
    /// (bit [`ending_bit`] of each): most words are out without a lookup.
    contraction_endings: Box<[u64; 64]>,
    /// Endings that split off as a second term (`'ll` → `will`), longest first.
    contraction_suffixes: Vec<(Box<str>, Box<str>)>,
    /// A byte every suffix holds (the apostrophe, in English): a word
    /// without it has no suffix to split off.
    suffix_marker: Option<u8>,
    /// Terms that open a negation scope.
    pub negators: Vec<Box<str>>,
    /// Terms that close one (clause boundaries).
    pub clause_ends: Vec<Box<str>>,
    /// How many terms a negation reaches, at most, inside its clause.
    pub negation_reach: usize,
}

impl Default for Language {
    fn default() -> Self {
        Language {
            sentence_end_ascii: 0,
            sentence_end_other: Vec::new(),
            abbreviations: FxHashSet::default(),
            abbreviation_ends: Box::new([0; 64]),
            emoticons: Vec::new(),
            emoticon_start: Box::new([0; 256]),
            contractions: FxHashMap::default(),
            contraction_words: Vec::new(),
            contraction_endings: Box::new([0; 64]),
            contraction_suffixes: Vec::new(),
            suffix_marker: None,
            negators: Vec::new(),
            clause_ends: Vec::new(),
            negation_reach: 0,
        }
    }
}

/// The lexicons the text layer reads (a test checks each is documented).
#[cfg(test)]
pub(crate) const TEXT_LEXICONS: &[&str] = &[
    "SENTENCE_ENDS",
    "ABBREVIATIONS",
    "EMOTICONS",
    "CONTRACTIONS",
    "CONTRACTION_SUFFIXES",
    "NEGATORS",
    "CLAUSE_ENDS",
];

impl Language {
    /// Compiles the text lexicons of `merged`; `negation_reach` comes from
    /// its `[scoring]`.
    pub fn compile(merged: &MergedPack, negation_reach: usize) -> Result<Language, RulePackError> {
        let mut language = Language {
            negation_reach,
            ..Language::default()
        };
        for entry in merged.looped_lexicon("SENTENCE_ENDS")? {
            let mut chars = entry.pattern.chars();
            let c = match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_alphanumeric() && !c.is_whitespace() => c,
                _ => {
                    return Err(entry.error(
                        "SENTENCE_ENDS",
                        "each entry is one mark (not a letter, digit or space)",
                    ))
                }
            };
            if c.is_ascii() {
                language.sentence_end_ascii |= 1 << (c as u32);
            } else if !language.sentence_end_other.contains(&c) {
                language.sentence_end_other.push(c);
            }
        }
        for entry in merged.lexicon("ABBREVIATIONS") {
            let word = one_word(entry, "ABBREVIATIONS")?;
            let key = pack_key(&word.to_ascii_lowercase()).ok_or_else(|| {
                entry.error(
                    "ABBREVIATIONS",
                    format!("`{word}` is longer than {SHORT} bytes"),
                )
            })?;
            language.abbreviations.insert(key);
            let bit = abbreviation_bit(word.len(), word.as_bytes().last().copied());
            language.abbreviation_ends[bit / 64] |= 1 << (bit % 64);
        }
        for entry in merged.looped_lexicon("EMOTICONS")? {
            let e = entry.pattern.as_str();
            if e.is_empty() || e.contains(char::is_whitespace) || e.len() > 16 {
                return Err(entry.error(
                    "EMOTICONS",
                    "each entry is one emoticon: no spaces, at most 16 bytes",
                ));
            }
            if !language.emoticons.iter().any(|x| &**x == e) {
                language.emoticons.push(e.into());
            }
            let first = e.as_bytes()[0];
            language.emoticon_start[usize::from(first)] |=
                if first.is_ascii_alphanumeric() { 2 } else { 1 };
        }
        language
            .emoticons
            .sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        for entry in merged.lexicon("CONTRACTIONS") {
            let (word, first, second) = expansion(entry, "CONTRACTIONS")?;
            if second.is_empty() {
                return Err(entry.error(
                    "CONTRACTIONS",
                    "a contraction stands for two terms: `im = i am`",
                ));
            }
            let Some(key) = pack_key(word) else {
                return Err(entry.error(
                    "CONTRACTIONS",
                    format!("`{word}` is longer than {SHORT} bytes"),
                ));
            };
            let bit = ending_bit(word);
            language.contraction_endings[bit / 64] |= 1 << (bit % 64);
            if language
                .contractions
                .insert(key, (first.into(), second.into()))
                .is_none()
            {
                language.contraction_words.push(word.into());
            }
        }
        for entry in merged.looped_lexicon("CONTRACTION_SUFFIXES")? {
            let (suffix, first, second) = expansion(entry, "CONTRACTION_SUFFIXES")?;
            if !second.is_empty() {
                return Err(entry.error(
                    "CONTRACTION_SUFFIXES",
                    "a suffix stands for one term: `'ll = will`",
                ));
            }
            language
                .contraction_suffixes
                .retain(|(s, _)| &**s != suffix);
            language
                .contraction_suffixes
                .push((suffix.into(), first.into()));
        }
        language
            .contraction_suffixes
            .sort_by_key(|(suffix, _)| std::cmp::Reverse(suffix.len()));
        language.suffix_marker = language
            .contraction_suffixes
            .first()
            .and_then(|(first, _)| {
                first.bytes().find(|&b| {
                    language
                        .contraction_suffixes
                        .iter()
                        .all(|(s, _)| s.as_bytes().contains(&b))
                })
            });
        for entry in merged.lexicon("NEGATORS") {
            language.negators.push(one_word(entry, "NEGATORS")?.into());
        }
        for entry in merged.lexicon("CLAUSE_ENDS") {
            language
                .clause_ends
                .push(one_word(entry, "CLAUSE_ENDS")?.into());
        }
        Ok(language)
    }

    /// Whether `c` ends a sentence.
    #[inline]
    pub fn is_sentence_end(&self, c: char) -> bool {
        if c.is_ascii() {
            self.sentence_end_ascii & (1 << (c as u32)) != 0
        } else {
            self.sentence_end_other.contains(&c)
        }
    }

    /// Whether every character of `s` ends a sentence (`.`, `?!`, `...`).
    #[inline]
    pub fn is_terminal(&self, s: &str) -> bool {
        match s.as_bytes() {
            // One ASCII mark, the common case: one bit read.
            &[b] if b.is_ascii() => self.sentence_end_ascii & (1 << b) != 0,
            _ => s.chars().all(|c| self.is_sentence_end(c)),
        }
    }

    /// [`Language::is_abbreviation`] of the word `text[start..end]`: a
    /// short ASCII word is looked up by its folded key, with no copy.
    #[inline]
    pub fn is_abbreviation_at(&self, text: &str, start: usize, end: usize) -> bool {
        let len = end.wrapping_sub(start);
        if len > SHORT {
            return false;
        }
        let last = end.checked_sub(1).and_then(|i| text.as_bytes().get(i));
        let bit = abbreviation_bit(len, last.copied().filter(|_| len > 0));
        if self.abbreviation_ends[bit / 64] & (1 << (bit % 64)) == 0 {
            return false;
        }
        match crate::text::normalize::fold_short_ascii(text.as_bytes(), start, end, false) {
            Some(key) => self.abbreviations.contains(&key),
            None => text
                .get(start..end)
                .is_some_and(|word| self.is_abbreviation(word)),
        }
    }

    /// Whether `word` is an abbreviation (ASCII case ignored).
    pub fn is_abbreviation(&self, word: &str) -> bool {
        let mut buf = [0u8; SHORT];
        let Some(slot) = buf.get_mut(..word.len()) else {
            return false;
        };
        slot.copy_from_slice(word.as_bytes());
        slot.make_ascii_lowercase();
        std::str::from_utf8(slot)
            .ok()
            .and_then(pack_key)
            .is_some_and(|key| self.abbreviations.contains(&key))
    }

    /// Whether some emoticon starts with `byte` ([`Language::emoticon_at`]
    /// finds none in a chunk that starts with another byte).
    #[inline]
    pub fn may_start_emoticon(&self, byte: u8) -> bool {
        self.emoticon_start[usize::from(byte)] != 0
    }

    /// The emoticon `chunk` starts with, if any. One that starts with a
    /// letter or digit is recognised only in a chunk of at most four bytes,
    /// so that words which merely begin like one (`Dr.`, `xDrive`) stay words.
    #[inline]
    pub fn emoticon_at<'e>(&'e self, chunk: &str) -> Option<&'e str> {
        let first = *chunk.as_bytes().first()?;
        let start = self.emoticon_start[usize::from(first)];
        if start == 0 || (start == 2 && chunk.len() > 4) {
            return None;
        }
        self.find_emoticon(chunk)
    }

    fn find_emoticon<'e>(&'e self, chunk: &str) -> Option<&'e str> {
        let first = chunk.as_bytes()[0];
        self.emoticons
            .iter()
            .find(|e| {
                e.as_bytes()[0] == first
                    && chunk.starts_with(&***e)
                    && chunk[e.len()..]
                        .chars()
                        .all(|c| c.is_ascii_punctuation() && !matches!(c, '(' | ')' | ':'))
            })
            .map(|e| &**e)
    }

    /// The emoticons, as written in the pack.
    pub fn emoticons(&self) -> impl Iterator<Item = &str> {
        self.emoticons.iter().map(|e| &**e)
    }

    /// Splits a normalized word into the one or two terms it stands for
    /// (`i'm` → `i`, `am`; `dont` → `do`, `not`): a whole-word contraction,
    /// else the longest contraction suffix with something before it.
    pub fn expand_contraction<'a>(&'a self, norm: &'a str) -> (&'a str, Option<&'a str>) {
        if let Some((first, second)) = self.whole_word_contraction(norm) {
            return (first, Some(second));
        }
        match self.split_suffix(norm) {
            Some((first, second)) => (first, Some(second)),
            None => (norm, None),
        }
    }

    /// The word before its longest contraction suffix, and the term the
    /// suffix stands for (`you'll` → `you`, `will`).
    #[inline]
    pub fn split_suffix<'a>(&'a self, norm: &'a str) -> Option<(&'a str, &'a str)> {
        // A plain loop: words are short, a call to memchr costs more.
        if self
            .suffix_marker
            .is_some_and(|m| !norm.bytes().any(|b| b == m))
        {
            return None;
        }
        self.contraction_suffixes
            .iter()
            .find(|(suffix, _)| norm.len() > suffix.len() && norm.ends_with(&**suffix))
            .map(|(suffix, term)| (&norm[..norm.len() - suffix.len()], &**term))
    }

    /// Whether the short term packed as `key` may end in a contraction
    /// suffix: [`Language::split_suffix`] has nothing to do when not.
    #[inline]
    pub fn may_split_key(&self, key: u128) -> bool {
        match self.suffix_marker {
            Some(marker) => crate::text::normalize::key_has_byte(key, marker),
            None => !self.contraction_suffixes.is_empty(),
        }
    }

    /// Whether a word of ASCII letters, digits and `_` alone may end in a
    /// contraction suffix: not when every suffix holds a mark (`'`), which
    /// such a word lacks.
    pub fn plain_words_split(&self) -> bool {
        match self.suffix_marker {
            Some(marker) => marker.is_ascii_alphanumeric() || marker == b'_',
            None => !self.contraction_suffixes.is_empty(),
        }
    }

    /// Every whole-word contraction: `(word, first, second)`.
    pub fn contractions(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.contraction_words
            .iter()
            .filter_map(|w| self.whole_word_contraction(w).map(|(a, b)| (&**w, a, b)))
    }

    fn whole_word_contraction(&self, word: &str) -> Option<(&str, &str)> {
        let bit = ending_bit(word);
        // Most words end in two bytes no contraction ends in: out at once.
        if self.contraction_endings[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        let (first, second) = self.contractions.get(&pack_key(word)?)?;
        Some((first, second))
    }
}

#[cfg(test)]
impl Language {
    /// The default English pack's language, for unit tests.
    pub(crate) fn english() -> Language {
        let mut merged = MergedPack::default();
        let compiled = merged
            .add(crate::DEFAULT_PACK, "en")
            .and_then(|()| Language::compile(&merged, 5));
        match compiled {
            Ok(language) => language,
            Err(e) => panic!("the English pack's lexicons: {e}"),
        }
    }
}

/// Which of 4096 bits a word of `len` bytes (at most [`SHORT`]) ending in
/// `last` sets in the abbreviation filter.
fn abbreviation_bit(len: usize, last: Option<u8>) -> usize {
    (len & 15) << 8 | usize::from(last.unwrap_or(0).to_ascii_lowercase())
}

/// Which of 4096 bits the last two bytes of `word` set in a filter.
fn ending_bit(word: &str) -> usize {
    let b = word.as_bytes();
    let last = b.last().map_or(0, |&c| usize::from(c));
    let before = b.len().checked_sub(2).map_or(0, |i| usize::from(b[i]));
    (last * 61 + before * 7) % 4096
}

/// The bytes of a short word packed into a `u128` (length in the last byte).
pub(crate) fn pack_key(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    if bytes.len() > SHORT {
        return None;
    }
    let mut key = [0u8; 16];
    key[..bytes.len()].copy_from_slice(bytes);
    key[15] = bytes.len() as u8;
    Some(u128::from_le_bytes(key))
}

/// An entry that must be one term in normalized form.
fn one_word<'e>(entry: &'e LexiconEntry, lexicon: &str) -> Result<&'e str, RulePackError> {
    let w = entry.pattern.as_str();
    if w.is_empty() || w.contains(char::is_whitespace) || w.len() > 64 {
        return Err(entry.error(lexicon, "each entry is one term, without spaces"));
    }
    if w.chars()
        .any(|c| c.is_uppercase() || matches!(c, '’' | '‘'))
    {
        return Err(entry.error(
            lexicon,
            format!(
                "`{w}` is not in normalized form (lower case, straight apostrophes); write `{}`",
                w.to_lowercase().replace(['’', '‘'], "'")
            ),
        ));
    }
    Ok(w)
}

/// An entry `word = first second`: the word and the one or two terms it
/// stands for (`second` empty for one).
fn expansion<'e>(
    entry: &'e LexiconEntry,
    lexicon: &str,
) -> Result<(&'e str, &'e str, &'e str), RulePackError> {
    let bad = || {
        entry.error(
            lexicon,
            "write `word = term term` (the word and what it stands for, in normalized form)",
        )
    };
    let (word, terms) = entry.pattern.split_once('=').ok_or_else(bad)?;
    let word = word.trim();
    let mut terms = terms.split_whitespace();
    let first = terms.next().ok_or_else(bad)?;
    let second = terms.next().unwrap_or("");
    if terms.next().is_some() || word.is_empty() || word.contains(char::is_whitespace) {
        return Err(bad());
    }
    let normalized = |s: &str| {
        !s.chars()
            .any(|c| c.is_uppercase() || matches!(c, '’' | '‘'))
    };
    if !(normalized(word) && normalized(first) && normalized(second)) {
        return Err(entry.error(
            lexicon,
            "write it in normalized form: lower case, straight apostrophes",
        ));
    }
    Ok((word, first, second))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn abbreviation_by_key_agrees(
            before in "[a-z ]{0,3}",
            word in "(mr|Mr|MRS|dr|e\\.g|etc|vs|[a-zA-Z`.é]{0,17})",
            after in "\\PC{0,20}",
        ) {
            let en = Language::english();
            let text = format!("{before}{word}{after}");
            let (start, end) = (before.len(), before.len() + word.len());
            proptest::prop_assert_eq!(en.is_abbreviation_at(&text, start, end), en.is_abbreviation(&word));
        }
    }

    #[test]
    fn plain_words_split_only_when_a_suffix_lacks_a_mark() {
        let en = Language::english();
        let plain = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        // English suffixes all hold `'`: a word of letters alone never splits.
        assert!(!en.plain_words_split());
        for word in ["dont", "youre", "im", "hello", "cannot", "x_1"] {
            assert!(plain(word));
            assert_eq!(en.split_suffix(word), None, "{word}");
        }
        assert_eq!(en.split_suffix("you'll"), Some(("you", "will")));
        let mut marked = en.clone();
        marked.suffix_marker = Some(b'n');
        assert!(marked.plain_words_split());
        marked.suffix_marker = None;
        assert_eq!(
            marked.plain_words_split(),
            !marked.contraction_suffixes.is_empty()
        );
    }

    #[test]
    fn abbreviations_found_by_key() {
        let en = Language::english();
        assert!(en.is_abbreviation_at("Hi Mr. Smith", 3, 5));
        assert!(!en.is_abbreviation_at("Hi Mo. Smith", 3, 5));
    }
}
