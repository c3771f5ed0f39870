//! How text becomes terms: tokens, normalization, sentences and negation.
//!
//! * [`scan`] cuts text into tokens with byte offsets and sentence indices:
//!   whitespace-separated chunks; URLs, e-mail addresses, @mentions, #tags
//!   and emoticons whole; everything else at Unicode word boundaries
//!   (UAX #29, via `unicode-segmentation`).
//! * [`normalize`] gives each token the form patterns are written in
//!   (case-folded, apostrophes made straight, elongations squeezed) and
//!   expands contractions (`I’m` → `i` `am`).
//! * [`lex`] maps the normalized tokens to the vocabulary's term ids and
//!   marks sentences and negation scope, fused into the scanner's walk:
//!   the scanner hands it each token once no mark can merge into it, an
//!   ASCII word as it is cut, with its folded key. Everything downstream —
//!   matching, scoring, [`Analyzer::tokenize`](crate::Analyzer::tokenize) —
//!   reads its output, so a word is normalized once.

use std::borrow::Cow;

use serde::Serialize;

pub(crate) mod language;
pub(crate) mod lex;
pub(crate) mod normalize;
pub(crate) mod scan;

/// What kind of thing a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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
#[non_exhaustive]
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
