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

    proptest::proptest! {
        #[test]
        fn word_normalization_fast_path_agrees(word in "[a-cA-C`'’é]{0,12}", keep in 1usize..=2) {
            let (mut fast, mut slow) = (String::new(), String::new());
            normalize_word(&word, keep, &mut fast);
            normalize_word_by_char(&word, keep, &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }
    }
}
