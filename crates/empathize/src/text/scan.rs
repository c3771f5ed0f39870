//! The scanner: text to raw tokens with offsets, shapes and sentences.

use unicode_segmentation::UnicodeSegmentation;

use crate::text::language::Language;
use crate::text::normalize::{ascii_key, window, SHORT_TERM, WORD_MASKS};
use crate::text::TokenKind;

/// A token as the scanner produces it: offsets and shape, no normalization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawToken {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    pub sentence: u32,
    pub caps: bool,
    pub elongated: bool,
    pub emphatic: bool,
    /// Where lexing put the normalized form of a word in its arena, read
    /// through `Lexed::norm` (which does not read it in a text lexed wide,
    /// see `NORM_LIMIT`); `(0, 0)` for any other token and in a plain scan.
    pub norm: (u32, u32),
}

/// Cuts `text` into raw tokens, appending them to `out`.
///
/// Runs of ASCII are read through one byte-class table ([`CLASS`]): a chunk
/// of ASCII without whitespace is cut into words and marks in one pass
/// ([`ascii_words`]). A chunk holding any other byte goes through the
/// general path (Unicode whitespace, UAX #29 word boundaries). A property
/// test checks that both paths cut any text alike.
pub(crate) fn scan(language: &Language, text: &str, out: &mut Vec<RawToken>) {
    scan_into(language, text, out, (), true);
}

/// What the scanner hands each token to once it is final (no later mark
/// merges into it): lexing, fused into the scanner's walk.
pub(crate) trait Sink {
    /// Token `index` of the output, `tok`, is final.
    fn token(&mut self, _text: &str, _tok: &mut RawToken, _index: usize) {}

    /// Token `index`, `tok`, is a word of ASCII letters, digits, `_` and
    /// inner marks, final as it is cut; `key`: its normalized form packed
    /// as [`fold_short_ascii`](crate::text::normalize::fold_short_ascii)
    /// packs it, when the word is short and not elongated, else 0 (no key
    /// is 0: a key holds the word's length); `marks`: it holds an inner
    /// mark (`I'm`, `3.5`), else only letters, digits and `_`. Returns the token to push: the
    /// token is handed over by value, before it is pushed, so that it
    /// stays in registers.
    #[inline]
    fn ascii_word(
        &mut self,
        text: &str,
        mut tok: RawToken,
        index: usize,
        _key: u128,
        _marks: bool,
    ) -> RawToken {
        self.token(text, &mut tok, index);
        tok
    }

    /// The quick path of [`Sink::ascii_word`] for a word of letters,
    /// digits and `_`, `key` as there (0: none), `tok`'s
    /// sentence the current one, the tokens before it final and no
    /// sentence to start: true when the sink took it; false, having
    /// changed nothing, when it needs the full path.
    #[inline(always)]
    fn plain_word(&mut self, _tok: &mut RawToken, _index: usize, _key: u128) -> bool {
        false
    }
}

/// Plain scanning: tokens only.
impl Sink for () {}

/// [`scan`], every final token handed to `sink`, with the ASCII fast path
/// on or off (off: every chunk goes through the general path, the
/// reference the fast path is tested against).
pub(crate) fn scan_into<S: Sink>(
    language: &Language,
    text: &str,
    out: &mut Vec<RawToken>,
    sink: S,
    fast: bool,
) -> S {
    let mut state = SentenceState {
        language,
        sentence: 0,
        open: false,
        pending: false,
        sink,
        finished: out.len(),
    };
    let b = text.as_bytes();
    let mut pos = 0;
    'text: while let Some(&first) = b.get(pos) {
        let class = CLASS[usize::from(first)];
        if fast && class & SPACE != 0 {
            // A run of ASCII whitespace; a line break ends the sentence.
            let mut newline = false;
            while let Some(&c) = b.get(pos) {
                if CLASS[usize::from(c)] & SPACE == 0 {
                    break;
                }
                newline |= c == b'\n';
                pos += 1;
            }
            if newline {
                state.line_break();
            }
            continue;
        }
        if fast && class & NON_ASCII == 0 {
            // An ASCII chunk, unless a non-ASCII byte comes before the
            // next ASCII whitespace.
            loop {
                let (end, at, stop) = ascii_chunk_end(b, pos);
                if !stop.is_ascii() {
                    break;
                }
                scan_ascii_chunk(text, pos, end, at, &mut state, out);
                pos = end;
                // One space, the usual gap, then another ASCII chunk: on
                // to it at once.
                match b.get(pos + 1) {
                    Some(&c)
                        if stop == b' ' && CLASS[usize::from(c)] & (SPACE | NON_ASCII) == 0 =>
                    {
                        pos += 1;
                    }
                    _ => continue 'text,
                }
            }
        }
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
        scan_chunk(text, pos, pos + chunk_len, &mut state, out, fast);
        pos += chunk_len;
    }
    state.flush(text, out);
    state.sink
}

/// Byte classes of the ASCII fast path, one table for every question the
/// scanner asks of a byte.
const SPACE: u16 = 1 << 0;
const LETTER: u16 = 1 << 1;
const DIGIT: u16 = 1 << 2;
/// Letters, digits and `_`: the bytes of a word segment.
const WORD: u16 = 1 << 3;
const UPPER: u16 = 1 << 4;
/// ASCII controls that are not whitespace: skipped.
const CONTROL: u16 = 1 << 5;
const NON_ASCII: u16 = 1 << 6;
/// Between two letters, these do not break a word (UAX #29 MidLetter and
/// MidNumLetQ, as far as ASCII goes).
const MID_LETTER: u16 = 1 << 7;
/// Between two digits, these do not break a number (MidNum, MidNumLetQ).
const MID_NUM: u16 = 1 << 8;
/// First bytes of a URL (`http://`, `https://`, `www.`).
const URL_START: u16 = 1 << 9;
/// First bytes of a mention or a hashtag.
const TAG_START: u16 = 1 << 11;
/// `@` anywhere in a chunk may make an e-mail address.
const AT: u16 = 1 << 10;
/// Not a byte class: what [`ascii_segment_end`] adds to the classes of a
/// segment when an inner mark joined two of its parts.
const JOINED: u16 = 1 << 12;

static CLASS: [u16; 256] = byte_classes();

const fn byte_classes() -> [u16; 256] {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        table[i] = if !c.is_ascii() {
            NON_ASCII
        } else if matches!(c, b' ' | b'\t'..=b'\r') {
            // `char::is_whitespace` for ASCII, with the vertical tab.
            SPACE
        } else if c.is_ascii_control() {
            CONTROL
        } else if c.is_ascii_uppercase() {
            LETTER | WORD | UPPER
        } else if c.is_ascii_lowercase() {
            LETTER | WORD
        } else if c.is_ascii_digit() {
            DIGIT | WORD
        } else if c == b'_' {
            WORD
        } else {
            0
        };
        if matches!(c, b':' | b'.' | b'\'') {
            table[i] |= MID_LETTER;
        }
        if matches!(c, b',' | b';' | b'.' | b'\'') {
            table[i] |= MID_NUM;
        }
        if matches!(c, b'h' | b'H' | b'w' | b'W') {
            table[i] |= URL_START;
        }
        if matches!(c, b'@' | b'#') {
            table[i] |= TAG_START;
        }
        if c == b'@' {
            table[i] |= AT;
        }
        i += 1;
    }
    table
}

/// Where the run of bytes from `b[start]` that are neither ASCII
/// whitespace nor non-ASCII ends, whether it holds an `@`, and the byte
/// that ends it (0 at the end of `b`). Eight bytes are tested at once
/// (bytes below `!`, at or above 0x80, or `@` stop the word-wide test; the
/// byte found is then classified on its own).
#[inline]
fn ascii_chunk_end(b: &[u8], start: usize) -> (usize, bool, u8) {
    const LOW: u64 = u64::MAX / 0xFF;
    const HIGH: u64 = LOW * 0x80;
    let mut i = start;
    let mut at = false;
    while let Some(word) = b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
        let x = u64::from_le_bytes(word);
        // The high bit of a byte: below 0x21 (`x - 0x21` borrows and the
        // byte had no high bit), `@` (a zero byte of `x ^ "@@…"`), or
        // non-ASCII. A borrow can only flag bytes above a flagged one, so
        // the lowest flag is exact.
        let t = x ^ (LOW * 0x40);
        let stop = ((x.wrapping_sub(LOW * 0x21) & !x) | (t.wrapping_sub(LOW) & !t) | x) & HIGH;
        if stop == 0 {
            i += 8;
            continue;
        }
        i += (stop.trailing_zeros() / 8) as usize;
        let Some(&c) = b.get(i) else {
            return (i, at, 0);
        };
        let class = CLASS[usize::from(c)];
        if class & (SPACE | NON_ASCII) != 0 {
            return (i, at, c);
        }
        at |= class & AT != 0;
        i += 1;
    }
    while let Some(&c) = b.get(i) {
        let class = CLASS[usize::from(c)];
        if class & (SPACE | NON_ASCII) != 0 {
            return (i, at, c);
        }
        at |= class & AT != 0;
        i += 1;
    }
    (i, at, 0)
}

/// An ASCII chunk (no whitespace) `text[start..end]`; `at`: it holds an `@`.
fn scan_ascii_chunk<S: Sink>(
    text: &str,
    start: usize,
    end: usize,
    at: bool,
    state: &mut SentenceState<S>,
    out: &mut Vec<RawToken>,
) {
    let b = text.as_bytes();
    let Some(&first_byte) = b.get(start) else {
        return;
    };
    let first = CLASS[usize::from(first_byte)];
    // Whole-chunk shapes (URL, mention, hashtag, e-mail) are for the
    // general path; a chunk that cannot hold one is cut here.
    if first & TAG_START != 0
        || at
        || (first & URL_START != 0 && url_prefix(b.get(start..end).unwrap_or_default()))
    {
        return scan_chunk(text, start, end, state, out, true);
    }
    let emoticon = match state.language.may_start_emoticon(first_byte) {
        true => state.language.emoticon_at(&text[start..end]),
        false => None,
    };
    let words = match emoticon {
        Some(e) => {
            state.push(out, raw(start, start + e.len(), TokenKind::Emoticon), text);
            start + e.len()
        }
        None => start,
    };
    ascii_words::<S, false>(text, words, end, state, out);
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

struct SentenceState<'l, S: Sink> {
    language: &'l Language,
    sentence: u32,
    /// Tokens have been emitted in the current sentence.
    open: bool,
    /// A terminal mark was seen: the next content token starts a sentence.
    pending: bool,
    /// Owned, not borrowed: one indirection less on every token.
    sink: S,
    /// Tokens handed to the sink: all but the last, which a mark may still
    /// merge into, or all.
    finished: usize,
}

impl<S: Sink> SentenceState<'_, S> {
    fn line_break(&mut self) {
        if self.open {
            self.pending = true;
        }
    }

    /// Hands the last token to the sink if it has not had it.
    #[inline]
    fn flush(&mut self, text: &str, out: &mut [RawToken]) {
        let index = out.len().wrapping_sub(1);
        if self.finished <= index {
            if let Some(last) = out.last_mut() {
                self.sink.token(text, last, index);
            }
            self.finished = out.len();
        }
    }

    /// Starts a sentence for a word or number if a mark or line break ended
    /// the one before: such a token never attaches to it and never ends one.
    #[inline]
    fn content_sentence(&mut self) -> u32 {
        if self.pending {
            self.sentence += 1;
            self.pending = false;
        }
        self.open = true;
        self.sentence
    }

    /// Pushes an ASCII word (see [`Sink::ascii_word`]), final at once.
    /// Most words are plain (see [`Sink::plain_word`]): those take a short
    /// path inlined in the scanner's loop, no call.
    #[inline(always)]
    fn push_ascii_word(
        &mut self,
        out: &mut Vec<RawToken>,
        mut tok: RawToken,
        text: &str,
        key: u128,
        marks: bool,
    ) {
        self.flush(text, out);
        let index = out.len();
        // No mark or line break ended the sentence: the word joins the
        // current one.
        if !marks && !self.pending {
            tok.sentence = self.sentence;
            if self.sink.plain_word(&mut tok, index, key) {
                self.open = true;
                out.push(tok);
                self.finished = index + 1;
                return;
            }
        }
        self.push_any_ascii_word(out, tok, text, key, marks);
    }

    /// [`SentenceState::push_ascii_word`] for any ASCII word.
    #[inline(never)]
    fn push_any_ascii_word(
        &mut self,
        out: &mut Vec<RawToken>,
        mut tok: RawToken,
        text: &str,
        key: u128,
        marks: bool,
    ) {
        debug_assert_eq!(tok.kind, TokenKind::Word);
        self.flush(text, out);
        tok.sentence = self.content_sentence();
        let index = out.len();
        out.push(self.sink.ascii_word(text, tok, index, key, marks));
        self.finished = out.len();
    }

    /// Pushes a number, final at once.
    #[inline]
    fn push_number(&mut self, out: &mut Vec<RawToken>, mut tok: RawToken, text: &str) {
        debug_assert_eq!(tok.kind, TokenKind::Number);
        self.flush(text, out);
        tok.sentence = self.content_sentence();
        let index = out.len();
        out.push(tok);
        if let Some(last) = out.last_mut() {
            self.sink.token(text, last, index);
        }
        self.finished = out.len();
    }

    fn push(&mut self, out: &mut Vec<RawToken>, mut tok: RawToken, text: &str) {
        self.flush(text, out);
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
                    && self.language.is_abbreviation_at(text, prev.start, prev.end)
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
        norm: (0, 0),
    }
}

fn scan_chunk<S: Sink>(
    text: &str,
    start: usize,
    end: usize,
    state: &mut SentenceState<S>,
    out: &mut Vec<RawToken>,
    fast: bool,
) {
    let chunk = &text[start..end];
    let b = chunk.as_bytes();
    // Whole-chunk shapes first: they would be torn apart by word boundaries.
    if url_prefix(b) {
        let len = trim_trailing_punct(chunk);
        state.push(out, raw(start, start + len, TokenKind::Url), text);
        return scan_words(text, start + len, end, state, out, fast);
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
            return scan_words(text, start + 1 + name, end, state, out, fast);
        }
    }
    if let Some(len) = email_len(chunk) {
        state.push(out, raw(start, start + len, TokenKind::Email), text);
        return scan_words(text, start + len, end, state, out, fast);
    }
    if let Some(e) = state.language.emoticon_at(chunk) {
        state.push(out, raw(start, start + e.len(), TokenKind::Emoticon), text);
        return scan_words(text, start + e.len(), end, state, out, fast);
    }
    scan_words(text, start, end, state, out, fast)
}

/// Whether the chunk `b` starts like a URL. (The prefixes are ASCII: in
/// UTF-8 text, bytes equal to one end on a character boundary.)
#[inline]
fn url_prefix(b: &[u8]) -> bool {
    starts_with_ignore_case(b, b"http://")
        || starts_with_ignore_case(b, b"https://")
        || starts_with_ignore_case(b, b"www.")
}

#[inline]
fn starts_with_ignore_case(s: &[u8], prefix: &[u8]) -> bool {
    s.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
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
fn scan_words<S: Sink>(
    text: &str,
    start: usize,
    end: usize,
    state: &mut SentenceState<S>,
    out: &mut Vec<RawToken>,
    fast: bool,
) {
    if start >= end {
        return;
    }
    let slice = &text[start..end];
    if fast && slice.is_ascii() {
        return ascii_words::<S, false>(text, start, end, state, out);
    }
    if fast && typographic_ascii(slice.as_bytes()) {
        return ascii_words::<S, true>(text, start, end, state, out);
    }
    for (offset, segment) in slice.split_word_bound_indices() {
        let seg_start = start + offset;
        let seg_end = seg_start + segment.len();
        let Some(kind) = classify(state.language, segment) else {
            continue;
        };
        if kind == TokenKind::Punct && merge_punct(text, seg_start, seg_end, state.language, out) {
            continue;
        }
        let mut tok = raw(seg_start, seg_end, kind);
        if kind == TokenKind::Word {
            (tok.caps, tok.elongated) = word_shape(segment);
        }
        state.push(out, tok, text);
    }
}

/// `’`, the apostrophe phones and word processors type: UAX #29 MidNumLet,
/// like `'` it joins two letters or two digits (`I’m`).
const APOSTROPHE: [u8; 3] = [0xE2, 0x80, 0x99];

/// The length of the typographic mark at `b[i]` that the byte path of the
/// scanner takes, or 0: [`APOSTROPHE`], and `– — “ ” …`, which UAX #29
/// never joins to anything (Other). (`‘` is not taken: MidNumLet too.)
#[inline]
fn typographic_mark(b: &[u8], i: usize) -> usize {
    match b.get(i..i + 3) {
        Some(&[0xE2, 0x80, 0x93 | 0x94 | 0x99 | 0x9C | 0x9D | 0xA6]) => 3,
        _ => 0,
    }
}

/// Whether the chunk `b` is ASCII but for typographic marks (see
/// [`typographic_mark`]): the byte path cuts it as UAX #29 does.
fn typographic_ascii(b: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c.is_ascii() {
            i += 1;
            continue;
        }
        match typographic_mark(b, i) {
            0 => return false,
            len => i += len,
        }
    }
    true
}

/// [`scan_words`] for ASCII without whitespace, one pass over the bytes:
/// the word boundaries of UAX #29 as far as ASCII goes, the kind and the
/// shape of each segment from the byte classes. `MARKS`: the chunk may
/// hold typographic marks (see [`typographic_ascii`]); a word joined by
/// `’` is then cut here and read as any other word.
#[inline(always)]
fn ascii_words<S: Sink, const MARKS: bool>(
    text: &str,
    start: usize,
    end: usize,
    state: &mut SentenceState<S>,
    out: &mut Vec<RawToken>,
) {
    let b = &text.as_bytes()[..end];
    let mut i = start;
    while let Some(&c) = b.get(i) {
        let class = CLASS[usize::from(c)];
        if MARKS && class & NON_ASCII != 0 {
            i = typographic_token(text, i, state, out);
            continue;
        }
        if class & WORD != 0 {
            let (seg_end, seen) = ascii_segment_end::<MARKS>(b, i);
            if MARKS && seen & NON_ASCII != 0 {
                typographic_word(text, i, seg_end, seen, state, out);
            } else if seen & LETTER != 0 {
                let mut tok = raw(i, seg_end, TokenKind::Word);
                let len = seg_end - i;
                let upper = seen & UPPER != 0;
                let x = window(text.as_bytes(), i, len);
                // No capital and no byte three times in a row: the shape
                // is plain, nothing to count.
                if upper || len > SHORT_TERM || may_repeat(x, len) {
                    (tok.caps, tok.elongated) = ascii_shape(&b[i..seg_end]);
                }
                // The normalized form of a short word that is not
                // elongated is the word lower-cased.
                let key = match len <= SHORT_TERM && !tok.elongated {
                    true => ascii_key(x, len, upper),
                    false => 0,
                };
                state.push_ascii_word(out, tok, text, key, seen & JOINED != 0);
            } else if seen & DIGIT != 0 {
                state.push_number(out, raw(i, seg_end, TokenKind::Number), text);
            } else if !merge_punct(text, i, seg_end, state.language, out) {
                // A run of `_`.
                state.push(out, raw(i, seg_end, TokenKind::Punct), text);
            }
            i = seg_end;
        } else {
            // One byte: a control (skipped) or a mark.
            if class & CONTROL == 0 && !merge_punct(text, i, i + 1, state.language, out) {
                state.push(out, raw(i, i + 1, TokenKind::Punct), text);
            }
            i += 1;
        }
    }
}

/// The mark at `b[i]` of a chunk [`typographic_ascii`] accepts, pushed as
/// [`scan_words`] pushes it; returns where it ends.
#[inline(never)]
fn typographic_token<S: Sink>(
    text: &str,
    i: usize,
    state: &mut SentenceState<S>,
    out: &mut Vec<RawToken>,
) -> usize {
    let end = i + typographic_mark(text.as_bytes(), i).max(1);
    let Some(segment) = text.get(i..end) else {
        return end;
    };
    if let Some(kind) = classify(state.language, segment) {
        if kind != TokenKind::Punct || !merge_punct(text, i, end, state.language, out) {
            state.push(out, raw(i, end, kind), text);
        }
    }
    end
}

/// The word `text[start..end]` that `’` joined (`seen`: the classes of its
/// bytes), pushed as [`scan_words`] pushes it. Its kind and shape come
/// from its bytes: [`classify`] and [`word_shape`] read `’` as neither a
/// letter nor a digit, and its bytes are neither.
#[inline(never)]
fn typographic_word<S: Sink>(
    text: &str,
    start: usize,
    end: usize,
    seen: u16,
    state: &mut SentenceState<S>,
    out: &mut Vec<RawToken>,
) {
    let mut tok = raw(start, end, TokenKind::Number);
    if seen & LETTER != 0 {
        tok.kind = TokenKind::Word;
        (tok.caps, tok.elongated) = ascii_shape(&text.as_bytes()[start..end]);
    }
    state.push(out, tok, text);
}

/// End of the word segment that starts at `b[start]` (a letter, digit or
/// `_`) and the union of the classes of its bytes, with [`JOINED`] when it
/// holds an inner mark. `MARKS`: `’` joins too (and adds [`NON_ASCII`]).
#[inline]
fn ascii_segment_end<const MARKS: bool>(b: &[u8], start: usize) -> (usize, u16) {
    let mut i = start;
    let mut seen = 0;
    loop {
        while let Some(&c) = b.get(i) {
            let k = CLASS[usize::from(c)];
            if k & WORD == 0 {
                break;
            }
            seen |= k;
            i += 1;
        }
        // A mark between two letters or two digits joins them (`I'm`, `3.5`).
        let (Some(&mid), Some(&after)) = (b.get(i), b.get(i + 1)) else {
            break;
        };
        let (before, mut mid_class, mut after_class) = (
            CLASS[usize::from(b[i - 1])],
            CLASS[usize::from(mid)],
            CLASS[usize::from(after)],
        );
        let mut mid_len = 1;
        if MARKS && b.get(i..i + 3) == Some(&APOSTROPHE[..]) {
            let Some(&after) = b.get(i + 3) else {
                break;
            };
            (mid_len, mid_class) = (3, MID_LETTER | MID_NUM | NON_ASCII);
            after_class = CLASS[usize::from(after)];
        }
        let joins = (mid_class & MID_LETTER != 0 && before & after_class & LETTER != 0)
            || (mid_class & MID_NUM != 0 && before & after_class & DIGIT != 0);
        if !joins {
            break;
        }
        seen |= after_class | JOINED | (mid_class & NON_ASCII);
        i += mid_len + 1;
    }
    (i, seen)
}

/// Whether some byte of the ASCII word `x` (its `len` bytes, as
/// [`window`] reads them) comes three times in a row: a word that may be
/// elongated.
#[inline]
fn may_repeat(x: u128, len: usize) -> bool {
    const LOW: u128 = u128::MAX / 0xFF;
    if len < 3 {
        return false;
    }
    if len <= 8 {
        // Most words: the same on one machine word.
        const LOW64: u64 = u64::MAX / 0xFF;
        let x = x as u64;
        let t = (x ^ (x >> 8)) | (x ^ (x >> 16));
        let within = (LOW64 * 0x80) & ((1u64 << (8 * (len - 2))) - 1);
        return t.wrapping_sub(LOW64) & !t & within != 0;
    }
    // A zero byte of `t` at byte `i`: bytes `i`, `i + 1` and `i + 2` are equal.
    let t = (x ^ (x >> 8)) | (x ^ (x >> 16));
    let within = (LOW * 0x80) & WORD_MASKS[len - 2];
    t.wrapping_sub(LOW) & !t & within != 0
}

/// [`word_shape`] of an ASCII word.
#[inline]
fn ascii_shape(word: &[u8]) -> (bool, bool) {
    let mut letters = 0;
    let mut lower = false;
    let mut run = 0;
    let mut prev = 0;
    let mut elongated = false;
    for &c in word {
        let k = CLASS[usize::from(c)];
        if k & LETTER != 0 {
            letters += 1;
            lower |= k & UPPER == 0;
            if c == prev {
                run += 1;
                elongated |= run >= 3;
            } else {
                run = 1;
            }
        } else {
            run = 0;
        }
        prev = c;
    }
    (letters >= 2 && !lower, elongated)
}

/// Merges the mark `text[start..end]` into the punctuation token right
/// before it when it continues its run (`!!!`, `?!`, `...`, `--`).
fn merge_punct(
    text: &str,
    start: usize,
    end: usize,
    language: &Language,
    out: &mut [RawToken],
) -> bool {
    let Some(prev) = out.last_mut() else {
        return false;
    };
    if prev.kind != TokenKind::Punct || prev.end != start {
        return false;
    }
    let last = text[prev.start..prev.end].chars().next_back();
    if !last.is_some_and(|c| mergeable(language, c, &text[start..end])) {
        return false;
    }
    prev.end = end;
    // Look at the head of the run only: a run of a million marks must not
    // be rescanned at every merge.
    let cut = floor_char_boundary(text, prev.end.min(prev.start + 64));
    let head = &text[prev.start..cut.max(prev.start)];
    prev.emphatic = head.matches(['!', '！']).count() >= 2
        || (head.contains(['!', '！']) && head.contains(['?', '？']));
    true
}

/// Whether punctuation `next` continues a run ending in `last`.
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
pub(crate) fn word_shape(word: &str) -> (bool, bool) {
    shape(
        word.chars()
            .map(|c| (c.is_alphabetic(), c.is_uppercase(), u32::from(c))),
    )
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

    /// The word segments of ASCII text as the fast path cuts it.
    fn ascii_segments(text: &str) -> Vec<(usize, &str)> {
        let b = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let end = if CLASS[usize::from(b[i])] & WORD != 0 {
                let (end, _) = ascii_segment_end::<false>(b, i);
                // A word with a letter three times in a row is seen as one.
                let len = end - i;
                let repeat = len > SHORT_TERM || may_repeat(window(b, i, len), len);
                assert!(repeat || !ascii_shape(&b[i..end]).1);
                end
            } else {
                i + 1
            };
            out.push((i, &text[i..end]));
            i = end;
        }
        out
    }

    /// Both paths of the scanner on `text`, tokens and sentence states.
    fn both_paths(text: &str) -> (Vec<RawToken>, Vec<RawToken>) {
        let en = Language::english();
        let (mut fast, mut general) = (Vec::new(), Vec::new());
        scan_into(&en, text, &mut fast, (), true);
        scan_into(&en, text, &mut general, (), false);
        (fast, general)
    }

    #[test]
    fn fast_path_cases() {
        for text in [
            "Hi Mr. Smith. Thanks!\nNew line here",
            "I'm SOOO sorry!!! Really?! ... -- __ a_b 3.5 1,000 x.y.z a:b 'a' a'",
            "see https://t.co/abc. Mail me@x.com #fail @you :( <3 x:D xD",
            "tab\there\x0bvt\x0c\r\n\x00ctl\x1fa\x7f.",
            "mixed caf\u{e9} and\u{a0}nbsp\u{2003}em \u{1F621}!! ok.",
            "I\u{2019}m sorry\u{2014}I\u{2019}ll fix it\u{2026} \u{201c}ok\u{201d} 3\u{2019}5 dogs\u{2019} \u{2019}tis",
            "a\u{2019}\u{2019}b a\u{2019}.b @bob\u{2019}s x\u{2018}y \u{2018}y\u{2019} 1\u{2013}2 _\u{2019}a a\u{2019}_",
        ] {
            let (fast, general) = both_paths(text);
            assert_eq!(fast, general, "{text:?}");
        }
    }

    /// `run_len` against `str::find`, over spaces and over non-spaces.
    fn run_len_agrees(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        for space in [true, false] {
            let slow = if space {
                text.find(|c: char| !c.is_whitespace())
            } else {
                text.find(char::is_whitespace)
            };
            proptest::prop_assert_eq!(run_len(text, space), slow.unwrap_or(text.len()));
        }
        Ok(())
    }

    /// [`ascii_chunk_end`] one byte at a time.
    fn chunk_end_by_byte(b: &[u8], start: usize) -> (usize, bool, u8) {
        let mut i = start;
        let mut at = false;
        while let Some(&c) = b.get(i) {
            if c.is_ascii_whitespace() || c == 0x0b || !c.is_ascii() {
                break;
            }
            at |= c == b'@';
            i += 1;
        }
        (i, at, b.get(i).copied().unwrap_or(0))
    }

    #[test]
    fn chunk_end_cases() {
        for text in [
            "",
            "a",
            "abcdefgh",
            "abcdefghi j",
            "abcdefg\u{e9}",
            "a@b.com x",
            "ab\x01cd\x1fefghij\x7fk@",
            "abcdefgh\x0bij",
            "\u{e9}",
            "abc def",
        ] {
            let b = text.as_bytes();
            for start in 0..b.len() {
                assert_eq!(
                    ascii_chunk_end(b, start),
                    chunk_end_by_byte(b, start),
                    "{text:?} {start}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn may_repeat_finds_any_byte_three_times_in_a_row(word in "[a-c0_]{0,15}", after in "[ a-z]{0,16}") {
            let b = word.as_bytes();
            let text = format!("{word}{after}");
            let slow = b.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]);
            proptest::prop_assert_eq!(may_repeat(window(text.as_bytes(), 0, b.len()), b.len()), slow);
        }

        #[test]
        fn chunk_end_agrees_with_bytewise(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    0u8..=255,
                    proptest::sample::select(vec![b' ', b'@', b'a', b'!', 0x0b, 0x0c, 0x1f, 0x20, 0x21, 0x3f, 0x41, 0x7f, 0x80, 0xff]),
                ],
                0..40,
            ),
            start in 0usize..40,
        ) {
            let start = start.min(bytes.len());
            proptest::prop_assert_eq!(ascii_chunk_end(&bytes, start), chunk_end_by_byte(&bytes, start));
        }

        #[test]
        fn ascii_fast_path_agrees_with_uax29(text in "[!-~]{0,40}") {
            let slow: Vec<(usize, &str)> = text.split_word_bound_indices().collect();
            proptest::prop_assert_eq!(ascii_segments(&text), slow);
        }

        #[test]
        fn ascii_fast_path_agrees_on_wordy_text(text in "[a-cA-C0-2_.,;:']{0,30}") {
            let slow: Vec<(usize, &str)> = text.split_word_bound_indices().collect();
            proptest::prop_assert_eq!(ascii_segments(&text), slow);
        }

        #[test]
        fn ascii_byte_paths_agree_with_char_paths(text in "[\\x00-\\x7f]{0,12}") {
            let en = Language::english();
            let kind = |t: &str| {
                let (fast, _) = both_paths(t);
                fast.first().map(|t| t.kind)
            };
            let word = CLASS[usize::from(text.as_bytes().first().copied().unwrap_or(b' '))] & WORD != 0;
            if word && ascii_segments(&text).len() == 1 && en.emoticon_at(&text).is_none() {
                // One segment (and not a chunk-level emoticon such as `XD`,
                // which both paths take whole before cutting words): the
                // fast path's kind and shape are those of the char path.
                proptest::prop_assert_eq!(kind(&text), classify(&en, &text));
            }
            proptest::prop_assert_eq!(ascii_shape(text.as_bytes()), word_shape(&text));
            run_len_agrees(&text)?;
        }

        #[test]
        fn run_len_agrees_on_any_text(text in "\\PC{0,12}") {
            run_len_agrees(&text)?;
        }

        #[test]
        fn scan_fast_path_agrees_on_ascii(text in "[\\x00-\\x7f]{0,60}") {
            let (fast, general) = both_paths(&text);
            proptest::prop_assert_eq!(fast, general);
        }

        #[test]
        fn scan_fast_path_agrees_on_texty_ascii(text in "([A-Za-z]{1,6}|[ \\n]|[.!?,;:'\"()_@#/<>-]|[0-9]{1,3}|www\\.|https?://|:\\(|<3|[a-z]{1,3}@[a-z]{1,3}\\.[a-z]{2}|[@#][a-z_]{1,4}){0,30}") {
            let (fast, general) = both_paths(&text);
            proptest::prop_assert_eq!(fast, general);
        }

        #[test]
        fn scan_fast_path_agrees_on_typographic_text(text in "([A-Za-z]{1,4}|[0-9]{1,2}|[ \n]|[.!?,'_@#:-]|[\u{2013}\u{2014}\u{2018}\u{2019}\u{201c}\u{201d}\u{2026}\u{e9}]){0,30}") {
            let (fast, general) = both_paths(&text);
            proptest::prop_assert_eq!(fast, general);
        }

        #[test]
        fn scan_fast_path_agrees_on_any_text(text in "(\\PC|[a-z .!?'\n])*") {
            let (fast, general) = both_paths(&text);
            proptest::prop_assert_eq!(fast, general);
        }
    }
}
