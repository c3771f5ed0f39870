//! The scanner: text to raw tokens with offsets, shapes and sentences.

use unicode_segmentation::UnicodeSegmentation;

use crate::text::language::Language;
use crate::text::TokenKind;

/// A token as the scanner produces it: offsets and shape, no normalization.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawToken {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    pub sentence: u32,
    pub caps: bool,
    pub elongated: bool,
    pub emphatic: bool,
}

/// Cuts `text` into raw tokens, appending them to `out`.
pub(crate) fn scan(language: &Language, text: &str, out: &mut Vec<RawToken>) {
    let mut state = SentenceState {
        language,
        sentence: 0,
        open: false,
        pending: false,
    };
    let mut pos = 0;
    while pos < text.len() {
        // Whitespace between chunks; a line break ends the sentence.
        let rest = &text[pos..];
        let ws = run_len(rest, true);
        if ws > 0 {
            if rest[..ws].contains('\n') {
                state.line_break();
            }
            pos += ws;
            continue;
        }
        let chunk_len = run_len(rest, false);
        scan_chunk(text, pos, pos + chunk_len, &mut state, out);
        pos += chunk_len;
    }
}

/// Length of the run of whitespace (`space`) or of non-whitespace that
/// starts `s`, as `char::is_whitespace` sees it; ASCII bytes are read
/// without decoding.
fn run_len(s: &str, space: bool) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let (white, len) = if c.is_ascii() {
            (is_ascii_space(c), 1)
        } else {
            let Some(ch) = s[i..].chars().next() else {
                break;
            };
            (ch.is_whitespace(), ch.len_utf8())
        };
        if white != space {
            return i;
        }
        i += len;
    }
    b.len()
}

/// `char::is_whitespace` for an ASCII byte (which, unlike
/// `u8::is_ascii_whitespace`, includes the vertical tab).
fn is_ascii_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t'..=b'\r')
}

struct SentenceState<'l> {
    language: &'l Language,
    sentence: u32,
    /// Tokens have been emitted in the current sentence.
    open: bool,
    /// A terminal mark was seen: the next content token starts a sentence.
    pending: bool,
}

impl SentenceState<'_> {
    fn line_break(&mut self) {
        if self.open {
            self.pending = true;
        }
    }

    fn push(&mut self, out: &mut Vec<RawToken>, mut tok: RawToken, text: &str) {
        let starts_new = self.pending && !attaches_to_previous(self.language, &tok, text);
        if starts_new {
            self.sentence += 1;
            self.pending = false;
            self.open = false;
        }
        tok.sentence = self.sentence;
        self.open = true;
        if tok.kind == TokenKind::Punct && self.language.is_terminal(&text[tok.start..tok.end]) {
            let abbreviation = out.last().is_some_and(|prev| {
                prev.end == tok.start
                    && prev.kind == TokenKind::Word
                    && &text[tok.start..tok.end] == "."
                    && self.language.is_abbreviation(&text[prev.start..prev.end])
            });
            if !abbreviation {
                self.pending = true;
            }
        }
        out.push(tok);
    }
}

/// Closing marks and emoji after a full stop belong to the sentence it ends.
fn attaches_to_previous(language: &Language, tok: &RawToken, text: &str) -> bool {
    match tok.kind {
        TokenKind::Emoji | TokenKind::Emoticon => true,
        TokenKind::Punct => {
            let s = &text[tok.start..tok.end];
            language.is_terminal(s) || matches!(s, ")" | "]" | "\"" | "'" | "’" | "”" | "»" | "」")
        }
        _ => false,
    }
}

fn raw(start: usize, end: usize, kind: TokenKind) -> RawToken {
    RawToken {
        start,
        end,
        kind,
        sentence: 0,
        caps: false,
        elongated: false,
        emphatic: false,
    }
}

fn scan_chunk(
    text: &str,
    start: usize,
    end: usize,
    state: &mut SentenceState,
    out: &mut Vec<RawToken>,
) {
    let chunk = &text[start..end];
    let b = chunk.as_bytes();
    // Whole-chunk shapes first: they would be torn apart by word boundaries.
    if starts_with_ignore_case(chunk, "http://")
        || starts_with_ignore_case(chunk, "https://")
        || starts_with_ignore_case(chunk, "www.")
    {
        let len = trim_trailing_punct(chunk);
        state.push(out, raw(start, start + len, TokenKind::Url), text);
        return scan_words(text, start + len, end, state, out);
    }
    if b.len() > 1 && (b[0] == b'@' || b[0] == b'#') {
        let name = chunk[1..]
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
            .map_or(chunk.len() - 1, |(i, _)| i);
        if name > 0 {
            let kind = if b[0] == b'@' {
                TokenKind::Mention
            } else {
                TokenKind::Hashtag
            };
            state.push(out, raw(start, start + 1 + name, kind), text);
            return scan_words(text, start + 1 + name, end, state, out);
        }
    }
    if let Some(len) = email_len(chunk) {
        state.push(out, raw(start, start + len, TokenKind::Email), text);
        return scan_words(text, start + len, end, state, out);
    }
    if let Some(e) = state.language.emoticon_at(chunk) {
        state.push(out, raw(start, start + e.len(), TokenKind::Emoticon), text);
        return scan_words(text, start + e.len(), end, state, out);
    }
    scan_words(text, start, end, state, out)
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Length of `s` without trailing sentence punctuation and closing brackets.
fn trim_trailing_punct(s: &str) -> usize {
    s.trim_end_matches(|c: char| {
        matches!(
            c,
            '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '"' | '\'' | '’' | '”' | '…'
        )
    })
    .len()
}

fn email_len(chunk: &str) -> Option<usize> {
    let at = chunk.find('@')?;
    if at == 0 {
        return None;
    }
    let len = trim_trailing_punct(chunk);
    if len <= at + 1 {
        return None;
    }
    let local = &chunk[..at];
    let domain = &chunk[at + 1..len];
    let local_ok = local
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"._%+-".contains(&c));
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && domain
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'-');
    (local_ok && domain_ok).then_some(len)
}

/// Splits `text[start..end]` at word boundaries and pushes the tokens.
fn scan_words(
    text: &str,
    start: usize,
    end: usize,
    state: &mut SentenceState,
    out: &mut Vec<RawToken>,
) {
    if start >= end {
        return;
    }
    let slice = &text[start..end];
    let mut ascii;
    let mut unicode;
    let is_ascii = slice.is_ascii();
    let segments: &mut dyn Iterator<Item = (usize, &str)> = if is_ascii {
        ascii = AsciiWords {
            text: slice,
            pos: 0,
        };
        &mut ascii
    } else {
        unicode = slice.split_word_bound_indices();
        &mut unicode
    };
    for (offset, segment) in segments {
        let seg_start = start + offset;
        let seg_end = seg_start + segment.len();
        let kind = if is_ascii {
            classify_ascii(state.language, segment.as_bytes())
        } else {
            classify(state.language, segment)
        };
        let Some(kind) = kind else {
            continue;
        };
        // Merge runs of the same punctuation (`!!!`, `?!`, `...`, `--`).
        if kind == TokenKind::Punct {
            if let Some(prev) = out.last_mut() {
                if prev.kind == TokenKind::Punct && prev.end == seg_start {
                    let last = text[prev.start..prev.end].chars().next_back();
                    if last.is_some_and(|c| mergeable(state.language, c, segment)) {
                        prev.end = seg_end;
                        // Look at the head of the run only: a run of a million
                        // marks must not be rescanned at every merge.
                        let cut = floor_char_boundary(text, prev.end.min(prev.start + 64));
                        let head = &text[prev.start..cut.max(prev.start)];
                        prev.emphatic = head.matches(['!', '！']).count() >= 2
                            || (head.contains(['!', '！']) && head.contains(['?', '？']));
                        continue;
                    }
                }
            }
        }
        let mut tok = raw(seg_start, seg_end, kind);
        if kind == TokenKind::Word {
            let (caps, elongated) = if is_ascii {
                word_shape_ascii(segment.as_bytes())
            } else {
                word_shape(segment)
            };
            tok.caps = caps;
            tok.elongated = elongated;
        }
        state.push(out, tok, text);
    }
}

/// Whether punctuation `next` continues a run ending in `last`.
/// Word boundaries of UAX #29 for ASCII text without whitespace, the common
/// case, without the general machinery. A property test checks it against
/// `unicode-segmentation` on arbitrary ASCII.
struct AsciiWords<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for AsciiWords<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let b = self.text.as_bytes();
        let start = self.pos;
        if start >= b.len() {
            return None;
        }
        let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
        let mut i = start + 1;
        if word(b[start]) {
            loop {
                match b.get(i) {
                    Some(&c) if word(c) => i += 1,
                    Some(&m) if i + 1 < b.len() => {
                        let (before, after) = (b[i - 1], b[i + 1]);
                        let letters = before.is_ascii_alphabetic()
                            && after.is_ascii_alphabetic()
                            && matches!(m, b':' | b'.' | b'\'');
                        let digits = before.is_ascii_digit()
                            && after.is_ascii_digit()
                            && matches!(m, b',' | b';' | b'.' | b'\'');
                        if letters || digits {
                            i += 2;
                        } else {
                            break;
                        }
                    }
                    _ => break,
                }
            }
        }
        self.pos = i;
        Some((start, &self.text[start..i]))
    }
}

fn mergeable(language: &Language, last: char, next: &str) -> bool {
    (language.is_sentence_end(last) && language.is_terminal(next))
        || next.chars().all(|d| d == last)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn classify(language: &Language, segment: &str) -> Option<TokenKind> {
    let first = segment.chars().next()?;
    if segment
        .chars()
        .all(|c| c.is_whitespace() || is_invisible(c))
    {
        return None;
    }
    if is_emoji(first) {
        return Some(TokenKind::Emoji);
    }
    if segment.chars().any(char::is_alphabetic) {
        return Some(TokenKind::Word);
    }
    if segment.chars().any(char::is_numeric) {
        return Some(TokenKind::Number);
    }
    if is_punct(first) || language.is_sentence_end(first) {
        return Some(TokenKind::Punct);
    }
    Some(TokenKind::Symbol)
}

/// [`classify`] for an ASCII segment, byte by byte.
fn classify_ascii(language: &Language, segment: &[u8]) -> Option<TokenKind> {
    let &first = segment.first()?;
    // ASCII whitespace and controls are all invisible; no ASCII is emoji.
    if segment.iter().all(|&c| c == b' ' || c.is_ascii_control()) {
        return None;
    }
    if segment.iter().any(u8::is_ascii_alphabetic) {
        return Some(TokenKind::Word);
    }
    if segment.iter().any(u8::is_ascii_digit) {
        return Some(TokenKind::Number);
    }
    if first.is_ascii_punctuation() || language.is_sentence_end(char::from(first)) {
        return Some(TokenKind::Punct);
    }
    Some(TokenKind::Symbol)
}

/// Format and control characters that carry no content on their own.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{FE00}'..='\u{FE0F}' | '\u{00AD}')
}

pub(crate) fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF
        | 0x2190..=0x21FF | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x203C | 0x2049 | 0x2122 | 0x2139)
        && !matches!(c, '‼' | '⁉')
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c, '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '¡' | '¿' | '«' | '»' | '。' | '、' | '！' | '？' | '，' | '：' | '；' | '「' | '」')
}

/// (all caps with ≥ 2 letters, a letter repeated ≥ 3 times in a row)
fn word_shape(word: &str) -> (bool, bool) {
    shape(
        word.chars()
            .map(|c| (c.is_alphabetic(), c.is_uppercase(), u32::from(c))),
    )
}

/// [`word_shape`] for an ASCII word, byte by byte.
fn word_shape_ascii(word: &[u8]) -> (bool, bool) {
    shape(word.iter().map(|&c| {
        (
            c.is_ascii_alphabetic(),
            c.is_ascii_uppercase(),
            u32::from(c),
        )
    }))
}

/// The shape of a word given as `(is letter, is upper case, code)` per character.
#[inline]
fn shape(chars: impl Iterator<Item = (bool, bool, u32)>) -> (bool, bool) {
    let mut letters = 0;
    let mut upper = true;
    let mut run = 0;
    let mut prev = None;
    let mut elongated = false;
    for (letter, is_upper, code) in chars {
        if letter {
            letters += 1;
            upper &= is_upper;
            if prev == Some(code) {
                run += 1;
                elongated |= run >= 3;
            } else {
                run = 1;
            }
        } else {
            run = 0;
        }
        prev = Some(code);
    }
    (letters >= 2 && upper, elongated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::{normalize_other, normalize_word};

    fn kinds(text: &str) -> Vec<(String, TokenKind, u32)> {
        let mut out = Vec::new();
        scan(&Language::english(), text, &mut out);
        out.iter()
            .map(|t| (text[t.start..t.end].to_string(), t.kind, t.sentence))
            .collect()
    }

    #[test]
    fn words_and_punctuation() {
        let k = kinds("Hi, I’m here!!! Really?!");
        let texts: Vec<&str> = k.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(texts, ["Hi", ",", "I’m", "here", "!!!", "Really", "?!"]);
        assert_eq!(k[4].1, TokenKind::Punct);
        assert_eq!(k[5].2, 1, "a new sentence starts after !!!");
    }

    #[test]
    fn urls_emails_mentions_tags() {
        let k = kinds("@AppleSupport see https://t.co/abc. Mail me@x.com #fail");
        let got: Vec<(&str, TokenKind)> = k.iter().map(|t| (t.0.as_str(), t.1)).collect();
        assert_eq!(
            got,
            [
                ("@AppleSupport", TokenKind::Mention),
                ("see", TokenKind::Word),
                ("https://t.co/abc", TokenKind::Url),
                (".", TokenKind::Punct),
                ("Mail", TokenKind::Word),
                ("me@x.com", TokenKind::Email),
                ("#fail", TokenKind::Hashtag),
            ]
        );
    }

    #[test]
    fn emoji_and_emoticons() {
        let k = kinds("ugh 😡😡 :( ❤️ 👍🏽");
        let got: Vec<(&str, TokenKind)> = k.iter().map(|t| (t.0.as_str(), t.1)).collect();
        assert_eq!(
            got,
            [
                ("ugh", TokenKind::Word),
                ("😡", TokenKind::Emoji),
                ("😡", TokenKind::Emoji),
                (":(", TokenKind::Emoticon),
                ("❤️", TokenKind::Emoji),
                ("👍🏽", TokenKind::Emoji),
            ]
        );
        assert_eq!(
            normalize_other(&Language::english(), "❤️", TokenKind::Emoji),
            "❤"
        );
        let escaped = kinds("hugs &lt;3");
        assert_eq!(
            (escaped[1].0.as_str(), escaped[1].1),
            ("&lt;3", TokenKind::Emoticon)
        );
        assert_eq!(
            normalize_other(&Language::english(), "&lt;3", TokenKind::Emoticon),
            "<3"
        );
        assert_eq!(
            normalize_other(&Language::english(), "👍🏽", TokenKind::Emoji),
            "👍"
        );
    }

    #[test]
    fn sentences_and_abbreviations() {
        let k = kinds("Hi Mr. Smith. Thanks!\nNew line here");
        let sentences: Vec<u32> = k.iter().map(|t| t.2).collect();
        // Hi Mr . Smith . Thanks ! New line here
        assert_eq!(sentences, [0, 0, 0, 0, 0, 1, 1, 2, 2, 2]);
    }

    #[test]
    fn caps_and_elongation() {
        assert_eq!(word_shape("THIRD"), (true, false));
        assert_eq!(word_shape("I"), (false, false));
        assert_eq!(word_shape("soooo"), (false, true));
        assert_eq!(word_shape("NOOOO"), (true, true));
        let mut buf = String::new();
        normalize_word("Soooo", 2, &mut buf);
        assert_eq!(buf, "soo");
        normalize_word("Soooo", 1, &mut buf);
        assert_eq!(buf, "so");
        normalize_word("I’M", 2, &mut buf);
        assert_eq!(buf, "i'm");
    }

    #[test]
    fn invisible_characters_are_skipped() {
        let k = kinds("a\u{200B}b \u{0000} c");
        let texts: Vec<&str> = k.iter().map(|t| t.0.as_str()).collect();
        assert!(texts.contains(&"c"));
        assert!(!texts.iter().any(|t| t.contains('\u{0000}')));
    }

    proptest::proptest! {
        #[test]
        fn ascii_fast_path_agrees_with_uax29(text in "[!-~]{0,40}") {
            let fast: Vec<(usize, &str)> = AsciiWords { text: &text, pos: 0 }.collect();
            let slow: Vec<(usize, &str)> = text.split_word_bound_indices().collect();
            proptest::prop_assert_eq!(fast, slow);
        }

        #[test]
        fn ascii_byte_paths_agree_with_char_paths(text in "[\\x00-\\x7f]{0,12}") {
            let en = Language::english();
            proptest::prop_assert_eq!(classify_ascii(&en, text.as_bytes()), classify(&en, &text));
            proptest::prop_assert_eq!(word_shape_ascii(text.as_bytes()), word_shape(&text));
            for space in [true, false] {
                let slow = if space {
                    text.find(|c: char| !c.is_whitespace())
                } else {
                    text.find(char::is_whitespace)
                };
                proptest::prop_assert_eq!(run_len(&text, space), slow.unwrap_or(text.len()));
            }
        }

        #[test]
        fn run_len_agrees_on_any_text(text in "\\PC{0,12}") {
            for space in [true, false] {
                let slow = if space {
                    text.find(|c: char| !c.is_whitespace())
                } else {
                    text.find(char::is_whitespace)
                };
                proptest::prop_assert_eq!(run_len(&text, space), slow.unwrap_or(text.len()));
            }
        }

        #[test]
        fn ascii_fast_path_agrees_on_wordy_text(text in "[a-c0-2_.,;:']{0,30}") {
            let fast: Vec<(usize, &str)> = AsciiWords { text: &text, pos: 0 }.collect();
            let slow: Vec<(usize, &str)> = text.split_word_bound_indices().collect();
            proptest::prop_assert_eq!(fast, slow);
        }
    }
}
