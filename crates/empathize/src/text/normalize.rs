//! Normalized forms: what a token is written as in a pattern.

use std::borrow::Cow;

use crate::text::scan::{is_terminal, EMOTICONS};
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
pub(crate) fn normalize_other<'a>(text: &'a str, kind: TokenKind) -> Cow<'a, str> {
    match kind {
        TokenKind::Punct if is_terminal(text) => {
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

/// Whether `term` is the normalized form of an emoticon (`:d` for `:D`).
pub(crate) fn is_emoticon_term(term: &str) -> bool {
    EMOTICONS
        .iter()
        .any(|e| normalize_other(e, TokenKind::Emoticon) == term)
}

/// Splits a normalized word into the one or two terms it stands for
/// (`i'm` → `i`, `am`; `dont` → `do`, `not`).
pub(crate) fn expand_contraction(norm: &str) -> (&str, Option<&'static str>) {
    // Words are short: a plain loop beats a call to memrchr here.
    let Some(apos) = norm.bytes().rposition(|b| b == b'\'') else {
        if let Some(expanded) = bare_contraction(norm) {
            return (expanded.0, Some(expanded.1));
        }
        return (norm, None);
    };
    if apos == 0 || apos + 1 == norm.len() {
        return (norm, None);
    }
    let (base, suffix) = (&norm[..apos], &norm[apos..]);
    if suffix == "'t" && base.ends_with('n') {
        let stem = &base[..base.len() - 1];
        let stem = match stem {
            "ca" => "can",
            "wo" => "will",
            "sha" => "shall",
            "ai" => "is",
            "" => return (norm, None),
            s => s,
        };
        return (stem, Some("not"));
    }
    let second = match suffix {
        "'m" => "am",
        "'re" => "are",
        "'ve" => "have",
        "'ll" => "will",
        "'d" => "would",
        "'s" => match base {
            "let" => "us",
            "it" | "that" | "what" | "there" | "here" | "he" | "she" | "who" | "where" | "how"
            | "when" | "why" | "everything" | "nothing" | "something" | "this" | "everyone"
            | "someone" | "nobody" | "life" => "is",
            _ => "'s",
        },
        _ => return (norm, None),
    };
    (base, Some(second))
}

fn bare_contraction(w: &str) -> Option<(&'static str, &'static str)> {
    if !(2..=8).contains(&w.len()) {
        return None;
    }
    // Every word below ends in one of these: most words are out at once.
    if !matches!(
        w.as_bytes()[w.len() - 1],
        b'm' | b'e' | b't' | b'l' | b's' | b'a'
    ) {
        return None;
    }
    Some(match w {
        "im" => ("i", "am"),
        "ive" => ("i", "have"),
        "dont" => ("do", "not"),
        "cant" | "cannot" => ("can", "not"),
        "wont" => ("will", "not"),
        "didnt" => ("did", "not"),
        "doesnt" => ("does", "not"),
        "isnt" => ("is", "not"),
        "wasnt" => ("was", "not"),
        "werent" => ("were", "not"),
        "arent" => ("are", "not"),
        "couldnt" => ("could", "not"),
        "wouldnt" => ("would", "not"),
        "shouldnt" => ("should", "not"),
        "havent" => ("have", "not"),
        "hasnt" => ("has", "not"),
        "hadnt" => ("had", "not"),
        "aint" => ("is", "not"),
        "youre" => ("you", "are"),
        "youve" => ("you", "have"),
        "youll" => ("you", "will"),
        "theyre" => ("they", "are"),
        "theyve" => ("they", "have"),
        "weve" => ("we", "have"),
        "thats" => ("that", "is"),
        "whats" => ("what", "is"),
        "theres" => ("there", "is"),
        "gonna" => ("going", "to"),
        "wanna" => ("want", "to"),
        "gotta" => ("got", "to"),
        _ => return None,
    })
}

/// Terms that open a negation scope.
pub(crate) fn is_negator(term: &str) -> bool {
    matches!(
        term,
        "not"
            | "no"
            | "never"
            | "nothing"
            | "nobody"
            | "none"
            | "neither"
            | "nor"
            | "without"
            | "hardly"
            | "barely"
            | "nowhere"
            | "n't"
    )
}

/// Terms that close a negation scope (clause boundaries).
pub(crate) fn ends_clause(term: &str) -> bool {
    matches!(
        term,
        "," | ";"
            | ":"
            | "."
            | "!"
            | "?"
            | "…"
            | "—"
            | "-"
            | "but"
            | "however"
            | "although"
            | "though"
            | "yet"
            | "("
            | ")"
    )
}

/// How many terms a negation reaches, at most, inside its clause.
pub(crate) const NEGATION_REACH: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contractions() {
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
            assert_eq!(expand_contraction(input), want, "{input}");
        }
    }

    #[test]
    fn punctuation_normalization() {
        assert_eq!(normalize_other("!!!", TokenKind::Punct), "!");
        assert_eq!(normalize_other("?!", TokenKind::Punct), "?");
        assert_eq!(normalize_other("...", TokenKind::Punct), "…");
        assert_eq!(normalize_other("–", TokenKind::Punct), "—");
        assert_eq!(normalize_other("https://x.y", TokenKind::Url), "<#URL>");
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
