//! Normalized forms: what a token is written as in a pattern.

use std::borrow::Cow;

use crate::text::language::Language;
use crate::text::TokenKind;

/// Class names for tokens that match as a class, not by their text.
pub(crate) fn class_name(kind: TokenKind) -> Option<&'static str> {
    match kind {
        TokenKind::Url => Some("<#URL>"),
        TokenKind::Email => Some("<#EMAIL>"),
        TokenKind::Mention => Some("<#MENTION>"),
        TokenKind::Hashtag => Some("<#HASHTAG>"),
        TokenKind::Number => Some("<#NUMBER>"),
        _ => None,
    }
}

/// Writes the normalized form of a word into `buf`: lower case, straight
/// apostrophes, runs of three or more identical letters cut to `keep`.
pub(crate) fn normalize_word(word: &str, keep: usize, buf: &mut String) {
    buf.clear();
    if only_case_to_fold(word.as_bytes(), keep) {
        // Most words: nothing to straighten or squeeze, only lower-casing.
        buf.push_str(word);
        buf.make_ascii_lowercase();
        return;
    }
    normalize_word_by_char(word, keep, buf);
}

/// Bytes of the vocabulary key of a short term (see [`fold_short_ascii`]).
pub(crate) const SHORT_TERM: usize = 15;

const LOW_BYTES: u128 = u128::MAX / 0xFF;
const HIGH_BITS: u128 = LOW_BYTES * 0x80;

/// The normalized form of the word `text[start..end]`, packed as a
/// vocabulary key (bytes in order, length in the last byte), when that form
/// is only the word lower-cased: an ASCII word of at most [`SHORT_TERM`]
/// bytes with nothing to straighten, not `elongated` (no letter three times
/// in a row). Sixteen bytes are read and lower-cased at once; `None` for any
/// other word, which [`normalize_word`] handles.
/// `WORD_MASKS[n]` keeps the low `n` bytes of a 16-byte window (a table
/// read instead of a variable 128-bit shift).
pub(crate) const WORD_MASKS: [u128; SHORT_TERM + 1] = {
    let mut masks = [0u128; SHORT_TERM + 1];
    let mut n = 0;
    while n <= SHORT_TERM {
        masks[n] = (1u128 << (8 * n)) - 1;
        n += 1;
    }
    masks
};

#[inline]
pub(crate) fn fold_short_ascii(
    text: &[u8],
    start: usize,
    end: usize,
    elongated: bool,
) -> Option<u128> {
    let len = end.checked_sub(start)?;
    if elongated || len > SHORT_TERM || end > text.len() {
        return None;
    }
    let x = window(text, start, len);
    if x & HIGH_BITS != 0 {
        return None;
    }
    // A backtick is straightened: a zero byte in `x ^ "````…"` (the bytes
    // past the word are 0x60 there, never zero).
    let t = x ^ (LOW_BYTES * 0x60);
    if t.wrapping_sub(LOW_BYTES) & !t & HIGH_BITS != 0 {
        return None;
    }
    Some(ascii_key(x, len, true))
}

/// The `len` (at most [`SHORT_TERM`]) bytes of `text` from `start`, in
/// order from the low byte, the other bytes zero.
#[inline]
pub(crate) fn window(text: &[u8], start: usize, len: usize) -> u128 {
    let len = len.min(SHORT_TERM);
    let x = match text.get(start..start + 16) {
        Some(w) => w.try_into().map_or(0, u128::from_le_bytes),
        None => {
            let mut buf = [0u8; 16];
            if let (Some(slot), Some(bytes)) = (buf.get_mut(..len), text.get(start..start + len)) {
                slot.copy_from_slice(bytes);
            }
            u128::from_le_bytes(buf)
        }
    };
    x & WORD_MASKS[len]
}

/// The key of the ASCII word `x` (a [`window`] of `len` bytes, no
/// backtick): lower-cased, length in the last byte; `upper`: it may hold
/// a capital (else it is taken as it is).
#[inline]
pub(crate) fn ascii_key(x: u128, len: usize, upper: bool) -> u128 {
    let lower = if upper {
        // Every byte is below 0x80, so no sum carries into the next byte:
        // the high bit of a byte of `x + 0x3F…` says `>= 'A'`, of
        // `x + 0x25…` `>= '['`.
        let upper = (x + LOW_BYTES * 0x3F) & !(x + LOW_BYTES * 0x25) & HIGH_BITS;
        x | (upper >> 2)
    } else {
        x
    };
    lower | ((len as u128) << 120)
}

/// Whether the term packed as `key` (see [`fold_short_ascii`]) holds `byte`.
#[inline]
pub(crate) fn key_has_byte(key: u128, byte: u8) -> bool {
    let len = (key >> 120) as usize;
    // A zero byte of `t` is a byte equal to `byte`. The test below may also
    // flag bytes above a true zero byte, never one below it: keeping the
    // flags of the term's bytes only makes it exact.
    let t = key ^ (LOW_BYTES * u128::from(byte));
    let within = HIGH_BITS & WORD_MASKS[len.min(SHORT_TERM)];
    t.wrapping_sub(LOW_BYTES) & !t & within != 0
}

/// [`normalize_word`] one character at a time, for any word.
fn normalize_word_by_char(word: &str, keep: usize, buf: &mut String) {
    buf.clear();
    let mut prev = '\0';
    let mut run = 0;
    for c in word.chars() {
        let c = match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{FF07}' | '`' | '\u{00B4}' | '\u{2032}' => {
                '\''
            }
            _ => c,
        };
        if c == prev && c.is_alphabetic() {
            run += 1;
            if run > keep {
                continue;
            }
        } else {
            run = 1;
        }
        prev = c;
        if c.is_ascii() {
            buf.push(c.to_ascii_lowercase());
        } else {
            buf.extend(c.to_lowercase());
        }
    }
}

/// Whether [`normalize_word`] has nothing to do to `word` but lower-case
/// it: ASCII, no backtick to straighten, no letter repeated more than
/// `keep` times in a row (case-sensitively, as runs are counted there).
fn only_case_to_fold(word: &[u8], keep: usize) -> bool {
    let mut run = 0;
    let mut prev = 0u8;
    for &c in word {
        if !c.is_ascii() || c == b'`' {
            return false;
        }
        if c == prev && c.is_ascii_alphabetic() {
            run += 1;
            if run > keep {
                return false;
            }
        } else {
            run = 1;
        }
        prev = c;
    }
    true
}

/// Normalized form of a non-word token (punctuation, emoji, emoticon).
pub(crate) fn normalize_other<'a>(
    language: &Language,
    text: &'a str,
    kind: TokenKind,
) -> Cow<'a, str> {
    match kind {
        // One ASCII mark, the common case: a sentence end is `?`, `!` or
        // `.` (as below), any other mark is itself.
        TokenKind::Punct if text.len() == 1 && text.is_ascii() => {
            Cow::Borrowed(match text.as_bytes() {
                b"?" | b"!" => text,
                _ if language.is_terminal(text) => ".",
                _ => text,
            })
        }
        TokenKind::Punct if language.is_terminal(text) => {
            if text.contains(['?', '？', '⁉']) {
                Cow::Borrowed("?")
            } else if text.contains(['!', '！', '‼']) {
                Cow::Borrowed("!")
            } else if text.chars().count() > 1 || text.contains('…') {
                Cow::Borrowed("…")
            } else {
                Cow::Borrowed(".")
            }
        }
        TokenKind::Punct => match text.chars().next() {
            Some('—' | '–' | '―') => Cow::Borrowed("—"),
            Some('“' | '”' | '„' | '«' | '»') => Cow::Borrowed("\""),
            Some('’' | '‘') => Cow::Borrowed("'"),
            Some(c) if text.chars().all(|d| d == c) && text.len() > c.len_utf8() => {
                Cow::Owned(c.to_string())
            }
            _ => Cow::Borrowed(text),
        },
        TokenKind::Emoji => {
            if text
                .chars()
                .any(|c| matches!(c, '\u{FE0F}' | '\u{FE0E}' | '\u{1F3FB}'..='\u{1F3FF}'))
            {
                Cow::Owned(
                    text.chars()
                        .filter(|c| {
                            !matches!(c, '\u{FE0F}' | '\u{FE0E}' | '\u{1F3FB}'..='\u{1F3FF}')
                        })
                        .collect(),
                )
            } else {
                Cow::Borrowed(text)
            }
        }
        // `&lt;3` is a heart that went through an HTML escaper.
        TokenKind::Emoticon => {
            Cow::Owned(text.replace('’', "'").replace("&lt;", "<").to_lowercase())
        }
        _ => Cow::Borrowed(class_name(kind).unwrap_or(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::language::Language;

    #[test]
    fn one_ascii_mark_normalizes_as_a_run_does() {
        // The one-byte branch of `normalize_other` against the rule it
        // shortens: a sentence end is `?`, `!` or `.`, any other mark itself.
        let en = Language::english();
        for byte in (0..128u8).filter(u8::is_ascii_punctuation) {
            let mark = char::from(byte).to_string();
            let expected = match byte {
                b'?' => "?",
                b'!' => "!",
                _ if en.is_sentence_end(char::from(byte)) => ".",
                _ => mark.as_str(),
            };
            let norm = normalize_other(&en, &mark, TokenKind::Punct);
            assert!(matches!(norm, Cow::Borrowed(_)), "{mark:?}");
            assert_eq!(norm, expected, "{mark:?}");
            // A run of two goes through the general branches: the same
            // form, but that a run of full stops is an ellipsis.
            let run = mark.repeat(2);
            let expected = if expected == "." { "…" } else { expected };
            assert_eq!(
                normalize_other(&en, &run, TokenKind::Punct),
                expected,
                "{run:?}"
            );
        }
    }

    #[test]
    fn contractions() {
        let en = Language::english();
        let cases = [
            ("i'm", ("i", Some("am"))),
            ("can't", ("can", Some("not"))),
            ("won't", ("will", Some("not"))),
            ("don't", ("do", Some("not"))),
            ("you're", ("you", Some("are"))),
            ("i've", ("i", Some("have"))),
            ("i'll", ("i", Some("will"))),
            ("that's", ("that", Some("is"))),
            ("let's", ("let", Some("us"))),
            ("customer's", ("customer", Some("'s"))),
            ("dont", ("do", Some("not"))),
            ("shouldnt", ("should", Some("not"))),
            ("im", ("i", Some("am"))),
            ("cannot", ("can", Some("not"))),
            ("rock'n'roll", ("rock'n'roll", None)),
            ("'cause", ("'cause", None)),
            ("hello", ("hello", None)),
        ];
        for (input, want) in cases {
            assert_eq!(en.expand_contraction(input), want, "{input}");
        }
    }

    #[test]
    fn punctuation_normalization() {
        let en = Language::english();
        assert_eq!(normalize_other(&en, "!!!", TokenKind::Punct), "!");
        assert_eq!(normalize_other(&en, "?!", TokenKind::Punct), "?");
        assert_eq!(normalize_other(&en, "...", TokenKind::Punct), "…");
        assert_eq!(normalize_other(&en, "–", TokenKind::Punct), "—");
        assert_eq!(
            normalize_other(&en, "https://x.y", TokenKind::Url),
            "<#URL>"
        );
    }

    /// The key `Vocabulary` packs a term into.
    fn pack(term: &str) -> u128 {
        let mut key = [0u8; 16];
        key[..term.len()].copy_from_slice(term.as_bytes());
        key[15] = term.len() as u8;
        u128::from_le_bytes(key)
    }

    proptest::proptest! {
        #[test]
        fn folded_keys_agree_with_normalize_word(
            before in "[a-z ]{0,3}",
            word in "([a-zA-Z0-9_.:'`@\\[\\]]|\\PC){0,17}",
            after in "\\PC{0,20}",
        ) {
            let text = format!("{before}{word}{after}");
            let (start, end) = (before.len(), before.len() + word.len());
            let elongated = crate::text::scan::word_shape(&word).1;
            let mut slow = String::new();
            normalize_word(&word, 2, &mut slow);
            match fold_short_ascii(text.as_bytes(), start, end, elongated) {
                Some(key) => proptest::prop_assert_eq!(key, pack(&slow)),
                None => proptest::prop_assert!(
                    elongated || word.len() > SHORT_TERM || !word.is_ascii() || word.contains('`')
                ),
            }
        }

        #[test]
        fn key_has_byte_agrees(term in "[\\x00-\\x7f]{0,15}", byte in 0u8..128) {
            proptest::prop_assert_eq!(key_has_byte(pack(&term), byte), term.as_bytes().contains(&byte));
        }

        #[test]
        fn word_normalization_fast_path_agrees(word in "[a-cA-C`'’é]{0,12}", keep in 1usize..=2) {
            let (mut fast, mut slow) = (String::new(), String::new());
            normalize_word(&word, keep, &mut fast);
            normalize_word_by_char(&word, keep, &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }
    }
}
