//! Tokens, normalization and negation scope.
//!
//! Text is cut into whitespace-separated chunks; URLs, e-mail addresses,
//! @mentions, #tags and emoticons are recognised whole, and everything else
//! is split at Unicode word boundaries (UAX #29, via `unicode-segmentation`).
//! Tokens borrow from the input and carry byte offsets. For matching, each
//! token becomes one or two *terms*: its normalized form (case-folded,
//! apostrophes made straight, elongations squeezed) with contractions
//! expanded (`I’m` → `i` `am`).

use std::borrow::Cow;

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

/// What kind of thing a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// Letters, possibly with apostrophes or digits (`I’m`, `3rd`, `café`).
    Word,
    /// Digits (`10`, `3.5`, `1,000`).
    Number,
    /// Punctuation; runs of `!`/`?`/`.` are one token (`!!!`, `?!`, `...`).
    Punct,
    /// An emoji (with its modifiers and joiners).
    Emoji,
    /// A text emoticon such as `:(` or `<3`.
    Emoticon,
    /// A URL (`https://…`, `www.…`).
    Url,
    /// An e-mail address.
    Email,
    /// An `@mention`.
    Mention,
    /// A `#hashtag`.
    Hashtag,
    /// Any other symbol (`$`, `%`, `©`, …).
    Symbol,
}

/// A token of the input, borrowing its text.
///
/// ```
/// let tokens = empathize::Analyzer::new().tokenize("I’m SOOO sorry!!!");
/// let norms: Vec<&str> = tokens.iter().map(|t| t.norm.as_ref()).collect();
/// assert_eq!(norms, ["i am", "so", "sorry", "!"]);
/// assert!(tokens[1].caps && tokens[1].elongated);
/// assert!(tokens[3].emphatic);
/// assert_eq!(&"I’m SOOO sorry!!!"[tokens[0].start..tokens[0].end], "I’m");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Token<'a> {
    /// The token as it appears in the input.
    pub text: &'a str,
    /// Offset of the start in the input (bytes unless the analyzer was built with another [`OffsetUnit`](crate::OffsetUnit)).
    pub start: usize,
    /// Offset one past the end in the input (bytes unless the analyzer was built with another [`OffsetUnit`](crate::OffsetUnit)).
    pub end: usize,
    /// What the token is.
    pub kind: TokenKind,
    /// Normalized form used for matching; contractions appear expanded
    /// (`"i am"`). URLs, e-mails, mentions, tags and numbers normalize to a
    /// class name (`<#URL>`, `<#NUMBER>`, …).
    pub norm: Cow<'a, str>,
    /// Index of the sentence holding the token (0-based).
    pub sentence: usize,
    /// The word is written in capitals (two letters or more, all upper case).
    pub caps: bool,
    /// A letter is repeated three times or more (`soooo`).
    pub elongated: bool,
    /// Emphatic punctuation (`!!`, `?!`, `!!!`).
    pub emphatic: bool,
    /// The token lies inside the scope of a negation (`not`, `never`, `n't`, …).
    pub negated: bool,
}

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

const EMOTICONS: &[&str] = &[
    ":'(", ":’(", ":-(", ":(", ":-)", ":)", ":-D", ":D", ";-)", ";)", ":-/", ":/", ":-P", ":P",
    ":p", ":|", "</3", "<3", "&lt;3", "xD", "XD", ":-o", ":o", ":O", "D:", "T_T", ";_;", "^_^",
    ":-*",
];

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "vs", "etc", "e.g", "i.e", "jr", "sr", "approx", "dept", "inc",
    "ltd", "co", "no", "min", "hr", "hrs", "p.s",
];

/// Cuts `text` into raw tokens, appending them to `out`.
pub(crate) fn scan(text: &str, out: &mut Vec<RawToken>) {
    let mut state = SentenceState::default();
    let mut pos = 0;
    while pos < text.len() {
        // Whitespace between chunks; a line break ends the sentence.
        let rest = &text[pos..];
        let ws = rest
            .char_indices()
            .find(|&(_, c)| !c.is_whitespace())
            .map_or(rest.len(), |(i, _)| i);
        if ws > 0 {
            if rest[..ws].contains('\n') {
                state.line_break();
            }
            pos += ws;
            continue;
        }
        let chunk_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        scan_chunk(text, pos, pos + chunk_len, &mut state, out);
        pos += chunk_len;
    }
}

#[derive(Default)]
struct SentenceState {
    sentence: u32,
    /// Tokens have been emitted in the current sentence.
    open: bool,
    /// A terminal mark was seen: the next content token starts a sentence.
    pending: bool,
}

impl SentenceState {
    fn line_break(&mut self) {
        if self.open {
            self.pending = true;
        }
    }

    fn push(&mut self, out: &mut Vec<RawToken>, mut tok: RawToken, text: &str) {
        let starts_new = self.pending && !attaches_to_previous(&tok, text);
        if starts_new {
            self.sentence += 1;
            self.pending = false;
            self.open = false;
        }
        tok.sentence = self.sentence;
        self.open = true;
        if tok.kind == TokenKind::Punct && is_terminal(&text[tok.start..tok.end]) {
            let abbreviation = out.last().is_some_and(|prev| {
                prev.end == tok.start
                    && prev.kind == TokenKind::Word
                    && &text[tok.start..tok.end] == "."
                    && ABBREVIATIONS
                        .iter()
                        .any(|a| text[prev.start..prev.end].eq_ignore_ascii_case(a))
            });
            if !abbreviation {
                self.pending = true;
            }
        }
        out.push(tok);
    }
}

/// Closing marks and emoji after a full stop belong to the sentence it ends.
fn attaches_to_previous(tok: &RawToken, text: &str) -> bool {
    match tok.kind {
        TokenKind::Emoji | TokenKind::Emoticon => true,
        TokenKind::Punct => {
            let s = &text[tok.start..tok.end];
            is_terminal(s) || matches!(s, ")" | "]" | "\"" | "'" | "’" | "”" | "»" | "」")
        }
        _ => false,
    }
}

fn is_terminal(s: &str) -> bool {
    s.chars()
        .all(|c| matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？' | '‼' | '⁉'))
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
    // Emoticons start with a mark, or are tiny (`xD`, `D:`, `T_T`).
    let maybe_emoticon = matches!(b[0], b':' | b';' | b'<' | b'^' | b'&')
        || (matches!(b[0], b'x' | b'X' | b'D' | b'T') && b.len() <= 4);
    if let Some(e) = EMOTICONS.iter().filter(|_| maybe_emoticon).find(|e| {
        chunk.starts_with(**e)
            && chunk[e.len()..]
                .chars()
                .all(|c| c.is_ascii_punctuation() && !matches!(c, '(' | ')' | ':'))
    }) {
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
    let segments: &mut dyn Iterator<Item = (usize, &str)> = if slice.is_ascii() {
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
        let Some(kind) = classify(segment) else {
            continue;
        };
        // Merge runs of the same punctuation (`!!!`, `?!`, `...`, `--`).
        if kind == TokenKind::Punct {
            if let Some(prev) = out.last_mut() {
                if prev.kind == TokenKind::Punct && prev.end == seg_start {
                    let last = text[prev.start..prev.end].chars().next_back();
                    if last.is_some_and(|c| mergeable(c, segment)) {
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
            let (caps, elongated) = word_shape(segment);
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

fn mergeable(last: char, next: &str) -> bool {
    let terminal = |c: char| is_terminal(c.encode_utf8(&mut [0; 4]));
    (terminal(last) && is_terminal(next)) || next.chars().all(|d| d == last)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn classify(segment: &str) -> Option<TokenKind> {
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
    if is_punct(first) {
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
    let mut letters = 0;
    let mut upper = true;
    let mut run = 0;
    let mut prev = '\0';
    let mut elongated = false;
    for c in word.chars() {
        if c.is_alphabetic() {
            letters += 1;
            if !c.is_uppercase() {
                upper = false;
            }
            if c == prev {
                run += 1;
                if run >= 3 {
                    elongated = true;
                }
            } else {
                run = 1;
            }
        } else {
            run = 0;
        }
        prev = c;
    }
    (letters >= 2 && upper, elongated)
}

// ---------------------------------------------------------------------------
// Normalization

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

    fn kinds(text: &str) -> Vec<(String, TokenKind, u32)> {
        let mut out = Vec::new();
        scan(text, &mut out);
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
        assert_eq!(normalize_other("❤️", TokenKind::Emoji), "❤");
        let escaped = kinds("hugs &lt;3");
        assert_eq!(
            (escaped[1].0.as_str(), escaped[1].1),
            ("&lt;3", TokenKind::Emoticon)
        );
        assert_eq!(normalize_other("&lt;3", TokenKind::Emoticon), "<3");
        assert_eq!(normalize_other("👍🏽", TokenKind::Emoji), "👍");
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
        fn ascii_fast_path_agrees_with_uax29(text in "[!-~]{0,40}") {
            let fast: Vec<(usize, &str)> = AsciiWords { text: &text, pos: 0 }.collect();
            let slow: Vec<(usize, &str)> = text.split_word_bound_indices().collect();
            proptest::prop_assert_eq!(fast, slow);
        }

        #[test]
        fn word_normalization_fast_path_agrees(word in "[a-cA-C`'’é]{0,12}", keep in 1usize..=2) {
            let (mut fast, mut slow) = (String::new(), String::new());
            normalize_word(&word, keep, &mut fast);
            normalize_word_by_char(&word, keep, &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }

        #[test]
        fn ascii_fast_path_agrees_on_wordy_text(text in "[a-c0-2_.,;:']{0,30}") {
            let fast: Vec<(usize, &str)> = AsciiWords { text: &text, pos: 0 }.collect();
            let slow: Vec<(usize, &str)> = text.split_word_bound_indices().collect();
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn invisible_characters_are_skipped() {
        let k = kinds("a\u{200B}b \u{0000} c");
        let texts: Vec<&str> = k.iter().map(|t| t.0.as_str()).collect();
        assert!(texts.contains(&"c"));
        assert!(!texts.iter().any(|t| t.contains('\u{0000}')));
    }
}
