//! Reflective listening: what a reply echoes of the customer's words, and the
//! sentence shapes EPITOME annotators read as interpretation or exploration
//! (first-person experience, questions put to the person).

use std::sync::Arc;

use crate::text::lex::{Lexed, SentenceSpan};
use crate::text::normalize::expand_contraction;
use crate::text::scan::RawToken;
use crate::text::TokenKind;

/// Function words that carry no content of their own.
const STOPWORDS: &[&str] = &[
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "although",
    "always",
    "am",
    "an",
    "and",
    "another",
    "any",
    "anyone",
    "anything",
    "are",
    "around",
    "as",
    "at",
    "back",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "does",
    "doing",
    "done",
    "down",
    "during",
    "each",
    "else",
    "even",
    "ever",
    "every",
    "everyone",
    "everything",
    "few",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "getting",
    "go",
    "goes",
    "going",
    "gone",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "know",
    "let",
    "like",
    "lot",
    "made",
    "make",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "never",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "often",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "really",
    "same",
    "say",
    "said",
    "see",
    "she",
    "should",
    "so",
    "some",
    "someone",
    "something",
    "still",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "think",
    "this",
    "those",
    "though",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "want",
    "was",
    "way",
    "we",
    "well",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "yeah",
    "yes",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "'s",
    "im",
    "dont",
    "cant",
    "ive",
    "thats",
    "feel",
    "feeling",
    "people",
    "time",
    "day",
    "year",
    "years",
    "good",
    "bad",
    "right",
    "sure",
    "okay",
    "ok",
    "hi",
    "hello",
    "thanks",
    "thank",
    "please",
    "sorry",
    "need",
    "also",
    "actually",
    "maybe",
    "kind",
    "pretty",
    "stuff",
];

/// Most content words kept from a customer message (bounds the cost of overlap).
const MAX_KEYWORDS: usize = 512;

fn is_stopword(w: &str) -> bool {
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().copied().collect())
        .contains(w)
}

/// A crude stem so "worried"/"worry"/"worrying" meet: strips common suffixes.
fn stem(w: &str) -> &str {
    for suffix in [
        "ingly", "edly", "ing", "ied", "ies", "ed", "ly", "es", "s", "y",
    ] {
        if w.len() > suffix.len() + 3 {
            if let Some(base) = w.strip_suffix(suffix) {
                return base;
            }
        }
    }
    w
}

/// The content words of lexed text (lower case, stemmed, deduplicated, sorted).
pub(crate) fn keywords(lexed: &Lexed) -> Arc<[Box<str>]> {
    let mut out: Vec<Box<str>> = Vec::new();
    for (i, t) in lexed.tokens.iter().enumerate() {
        if t.kind != TokenKind::Word {
            continue;
        }
        let w = lexed.norm(i);
        if w.len() < 3 || w.contains('\'') || is_stopword(w) {
            continue;
        }
        out.push(stem(w).into());
        if out.len() >= MAX_KEYWORDS * 4 {
            break;
        }
    }
    out.sort_unstable();
    out.dedup();
    out.truncate(MAX_KEYWORDS);
    out.into()
}

/// What kind of question a sentence asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum QuestionKind {
    /// Not a question.
    #[default]
    None,
    /// A suggestion in question form ("have you tried…?", "maybe X?").
    Suggestive,
    /// Rhetorical or a tag ("so what?", "…, you know?", a one-word question).
    Rhetorical,
    /// About the writer, not the person ("how would I know?").
    Own,
    /// To the person, about their situation in their own words, or at length.
    ToPersonSpecific,
    /// To the person, generic ("are you ok?").
    ToPerson,
    /// Any other question.
    Other,
}

/// What a first-person statement does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum FirstPerson {
    /// No first person.
    #[default]
    None,
    /// An opinion, wish or advice ("I think you should", "I hope").
    Opinion,
    /// The writer's own experience ("I went through", "I was", "I feel").
    Experience,
    /// Any other first-person statement.
    Other,
}

/// Sentence shapes that count as EPITOME evidence.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SentenceShape {
    pub question: QuestionKind,
    pub first_person: FirstPerson,
    /// Marks an experience as shared (too, same, also, similar, "me too").
    pub shared: bool,
    /// Content words the sentence shares with the customer's message.
    pub echoes: usize,
    /// Word count.
    pub words: usize,
    /// A question that checks the writer has understood ("so you feel…?",
    /// "…, is that right?", a statement with a question mark): a restatement.
    pub confirming: bool,
    /// A statement that advises: a modal of advice after "you" ("you could
    /// try", "you might want to"), or a hedged opener ("maybe…", "perhaps…").
    pub advice: bool,
    /// Token index of the last contrast ("…, but …") after the sentence's
    /// first words: the clause after it carries the sentence's main act.
    pub contrast: Option<usize>,
    /// The sentence speaks to the person ("you", "your").
    pub addresses_you: bool,
}

const SUGGESTIVE_OPENERS: &[&[&str]] = &[
    &["maybe"],
    &["perhaps"],
    &["have", "you", "tried"],
    &["have", "you", "considered"],
    &["have", "you", "thought", "about"],
    &["have", "you", "looked"],
    &["did", "you", "try"],
    &["why", "not"],
    &["why", "do", "not", "you"],
    &["what", "about"],
    &["how", "about"],
    &["could", "you", "try"],
    &["can", "you", "try"],
    &["would", "you", "consider"],
    &["try"],
    &["wouldn't", "it"],
    &["would", "it", "not"],
    &["is", "it", "possible"],
];
const TAGS: &[&[&str]] = &[
    &["you", "know"],
    &["right"],
    &["ok"],
    &["okay"],
    &["is", "not", "it"],
    &["yeah"],
    &["huh"],
    &["eh"],
];
const OPINION_VERBS: &[&str] = &[
    "think",
    "hope",
    "believe",
    "guess",
    "suggest",
    "recommend",
    "would",
    "wish",
    "want",
    "agree",
    "promise",
    "bet",
    "swear",
    "mean",
    "advise",
    "encourage",
    "urge",
    "bet",
    "doubt",
    "assume",
    "should",
    "could",
    "can",
    "will",
    "apologize",
];
const EXPERIENCE_VERBS: &[&str] = &[
    "was",
    "were",
    "had",
    "went",
    "felt",
    "been",
    "got",
    "lost",
    "used",
    "struggled",
    "dealt",
    "did",
    "tried",
    "found",
    "started",
    "stopped",
    "became",
    "spent",
    "thought",
    "knew",
    "left",
    "took",
    "made",
    "gave",
    "came",
    "saw",
    "grew",
    "moved",
    "quit",
    "failed",
    "cried",
    "suffered",
    "am",
    "feel",
    "have",
    "know",
    "get",
    "struggle",
    "deal",
    "go",
    "live",
    "relate",
    "understand",
    "remember",
    "experienced",
    "went",
    "battled",
    "fought",
    "survived",
    "ended",
    "turned",
];

fn starts_with_seq(words: &[&str], seq: &[&str]) -> bool {
    words.len() >= seq.len() && words.iter().zip(seq).all(|(w, s)| w == s)
}

fn ends_with_seq(words: &[&str], seq: &[&str]) -> bool {
    words.len() >= seq.len()
        && words[words.len() - seq.len()..]
            .iter()
            .zip(seq)
            .all(|(w, s)| w == s)
}

fn classify_question(
    words: &[&str],
    addresses_you: bool,
    mentions_self: bool,
    echoes: usize,
) -> QuestionKind {
    let opener = words.iter().position(|w| {
        !matches!(
            *w,
            "so" | "and" | "but" | "well" | "oh" | "hey" | "also" | "then"
        )
    });
    let body = &words[opener.unwrap_or(words.len())..];
    if SUGGESTIVE_OPENERS.iter().any(|s| starts_with_seq(body, s)) {
        return QuestionKind::Suggestive;
    }
    if body.len() <= 2 || TAGS.iter().any(|t| ends_with_seq(words, t)) || body.contains(&"should") {
        return QuestionKind::Rhetorical;
    }
    if mentions_self && !addresses_you {
        return QuestionKind::Own;
    }
    // A question about the people and things of their story ("what did
    // your mother say?", "how did the relationship end?") explores it as
    // much as one put to them.
    let about_their_world = echoes > 0
        || body.iter().any(|w| {
            matches!(
                *w,
                "he" | "she" | "they" | "him" | "her" | "them" | "his" | "their"
            )
        });
    if addresses_you || about_their_world {
        if echoes > 0 || body.len() >= 7 {
            QuestionKind::ToPersonSpecific
        } else {
            QuestionKind::ToPerson
        }
    } else {
        QuestionKind::Other
    }
}

/// A question without its question mark, known by its word order: a
/// question word then a verb ("how old are you", "what did he say") or a
/// verb then a pronoun ("are you ok", "is it possible").
fn interrogative(words: &[&str]) -> bool {
    const AUX: &[&str] = &[
        "is", "are", "was", "were", "do", "does", "did", "have", "has", "can", "could", "would",
        "will",
    ];
    const WH: &[&str] = &["how", "what", "why", "when", "where", "who", "which"];
    const SUBJECT: &[&str] = &["you", "it", "he", "she", "they", "there", "anyone", "your"];
    match words {
        [w, next, ..] if WH.contains(w) => {
            AUX.contains(next) || matches!(*next, "old" | "long" | "much" | "many" | "often")
        }
        [verb, subject, ..] if AUX.contains(verb) => SUBJECT.contains(subject),
        _ => false,
    }
}

/// Words that open a clause without changing what it does.
fn skip_openers<'a, 'w>(words: &'a [&'w str]) -> &'a [&'w str] {
    let opener = words.iter().position(|w| {
        !matches!(
            *w,
            "so" | "and" | "but" | "well" | "oh" | "hey" | "also" | "then" | "okay" | "ok" | "ah"
        )
    });
    &words[opener.unwrap_or(words.len())..]
}

/// A question that checks understanding rather than asks: "so" followed by
/// a statement ("so you feel…?", "so she left?"), a confirming tag ("is that
/// right?", "correct?"), or statement word order addressed to the person
/// ("you feel worried about work?").
fn confirming_question(words: &[&str], addresses_you: bool) -> bool {
    const TAGS: &[&[&str]] = &[
        &["is", "that", "right"],
        &["is", "that", "correct"],
        &["is", "that", "true"],
        &["is", "that", "so"],
        &["am", "i", "right"],
        &["correct"],
        &["right"],
    ];
    const SUBJECT: &[&str] = &[
        "you", "your", "it", "that", "he", "she", "they", "his", "her", "their", "the", "this",
    ];
    if TAGS.iter().any(|t| ends_with_seq(words, t)) && addresses_you {
        return true;
    }
    let body = skip_openers(words);
    let first = body.first().copied().unwrap_or("");
    let second = body.get(1).copied().unwrap_or("");
    let so_statement = words.first() == Some(&"so") && SUBJECT.contains(&first);
    let declarative = addresses_you
        && SUBJECT.contains(&first)
        && !matches!(second, "know" | "think" | "mean")
        && body.len() >= 3;
    so_statement || declarative
}

/// A statement that advises: "maybe…"/"perhaps…" first, or a modal of
/// advice after "you" ("you could try", "you have to", "you might want to").
fn advice_statement(words: &[&str], addresses_you: bool) -> bool {
    const ADVICE: &[&str] = &["should", "could", "might", "may", "need", "ought", "must"];
    let body = skip_openers(words);
    if matches!(body.first(), Some(&("maybe" | "perhaps"))) {
        return true;
    }
    addresses_you
        && words
            .windows(3)
            .any(|w| w[0] == "you" && (ADVICE.contains(&w[1]) || (w[1] == "have" && w[2] == "to")))
}

fn classify_first_person(words: &[&str]) -> FirstPerson {
    let mut found = false;
    for (i, w) in words.iter().enumerate() {
        if !matches!(*w, "i" | "my" | "me" | "myself" | "mine") {
            continue;
        }
        found = true;
        if *w == "i" {
            // The verb after "I" (skipping adverbs) says what the sentence does.
            let verb = words[i + 1..].iter().find(|v| {
                !matches!(
                    **v,
                    "really"
                        | "just"
                        | "also"
                        | "too"
                        | "still"
                        | "totally"
                        | "honestly"
                        | "do"
                        | "definitely"
                        | "truly"
                        | "actually"
                        | "kind"
                        | "of"
                        | "sort"
                )
            });
            // What follows the verb: "I am *sure*", "I have *read* that".
            let after = words.get(i + 2).copied().unwrap_or("");
            match verb.copied() {
                Some(v) if OPINION_VERBS.contains(&v) => return FirstPerson::Opinion,
                Some("am")
                    if matches!(
                        after,
                        "sorry"
                            | "not"
                            | "sure"
                            | "thinking"
                            | "guessing"
                            | "saying"
                            | "going"
                            | "glad"
                            | "happy"
                            | "pleased"
                            | "grateful"
                            | "thankful"
                            | "here"
                    ) =>
                {
                    return FirstPerson::Opinion
                }
                Some("have") if matches!(after, "read" | "heard" | "to") => {
                    return FirstPerson::Opinion
                }
                Some(v) if EXPERIENCE_VERBS.contains(&v) => return FirstPerson::Experience,
                _ => {}
            }
        } else if *w == "my" || *w == "me" {
            return FirstPerson::Experience;
        }
    }
    if found {
        FirstPerson::Other
    } else {
        FirstPerson::None
    }
}

/// Reads the shape of each sentence of lexed text.
pub(crate) fn sentence_shapes(lexed: &Lexed, customer: Option<&[Box<str>]>) -> Vec<SentenceShape> {
    let mut shapes = vec![SentenceShape::default(); lexed.sentences.len()];
    // The sentence's words live in one arena string; no allocation per word.
    let mut arena = String::new();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (i, s) in lexed.sentences.iter().enumerate() {
        let shape = &mut shapes[i];
        arena.clear();
        ranges.clear();
        let mut addresses_you = false;
        let mut mentions_self = false;
        for (index, t) in tokens_of(lexed, s) {
            if t.kind != TokenKind::Word {
                continue;
            }
            shape.words += 1;
            if shape.words > 2 && matches!(lexed.norm(index), "but" | "however") {
                shape.contrast = Some(index);
            }
            let buf = lexed.norm(index);
            if let Some(keywords) = customer {
                if buf.len() >= 3 && !is_stopword(buf) {
                    let w = stem(buf);
                    if keywords.binary_search_by(|k| (**k).cmp(w)).is_ok() {
                        shape.echoes += 1;
                    }
                }
            }
            let (first, second) = expand_contraction(buf);
            for w in std::iter::once(first).chain(second) {
                match w {
                    "you" | "your" | "yours" | "yourself" | "u" | "ur" | "ya" => {
                        addresses_you = true
                    }
                    "i" | "my" | "me" | "myself" | "mine" => mentions_self = true,
                    "too" | "same" | "also" | "similar" | "similarly" | "relate" | "either" => {
                        shape.shared = true
                    }
                    _ => {}
                }
                ranges.push((arena.len(), arena.len() + w.len()));
                arena.push_str(w);
            }
        }
        let word = |k: usize| ranges.get(k).map_or("", |&(a, b)| &arena[a..b]);
        let question = s.question || interrogative(&[word(0), word(1)]);
        let hedged = matches!(word(0), "maybe" | "perhaps");
        shape.addresses_you = addresses_you;
        if !question && !mentions_self && !addresses_you && !hedged {
            continue;
        }
        let words: Vec<&str> = ranges.iter().map(|&(a, b)| &arena[a..b]).collect();
        if question {
            shape.question = classify_question(&words, addresses_you, mentions_self, shape.echoes);
            shape.confirming = confirming_question(&words, addresses_you);
        } else {
            shape.advice = advice_statement(&words, addresses_you);
            if mentions_self {
                shape.first_person = classify_first_person(&words);
            }
        }
    }
    shapes
}

fn tokens_of<'l>(
    lexed: &'l Lexed,
    s: &SentenceSpan,
) -> impl Iterator<Item = (usize, &'l RawToken)> {
    let first = lexed
        .terms
        .get(s.first_term as usize)
        .map_or(0, |t| t.token as usize);
    let last = if s.end_term > s.first_term {
        lexed
            .terms
            .get(s.end_term as usize - 1)
            .map_or(0, |t| t.token as usize + 1)
    } else {
        first
    };
    lexed.tokens[first..last.max(first)]
        .iter()
        .enumerate()
        .map(move |(i, t)| (first + i, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_without_question_marks() {
        for q in [
            "how old are you",
            "what did he say",
            "are you ok",
            "is it possible",
        ] {
            let words: Vec<&str> = q.split(' ').collect();
            assert!(interrogative(&words), "{q}");
        }
        for s in [
            "what i did was",
            "how it works",
            "you are ok",
            "i am here",
            "there is hope",
        ] {
            let words: Vec<&str> = s.split(' ').collect();
            assert!(!interrogative(&words), "{s}");
        }
    }

    #[test]
    fn confirming_questions_and_advice() {
        let words = |s: &'static str| s.split(' ').collect::<Vec<&str>>();
        for (q, you) in [
            ("so you feel let down", true),
            ("you were charged twice is that right", true),
            ("so the parcel never came", false),
            ("you have been waiting since monday", true),
        ] {
            assert!(confirming_question(&words(q), you), "{q}");
        }
        for q in ["how are you feeling", "do you know why", "what did he say"] {
            assert!(!confirming_question(&words(q), true), "{q}");
        }
        assert!(advice_statement(&words("you could try the app"), true));
        assert!(advice_statement(&words("you have to restart it"), true));
        assert!(advice_statement(&words("maybe ask your sister"), false));
        assert!(!advice_statement(&words("you have a point"), true));
        assert!(!advice_statement(&words("you are right"), true));
    }

    #[test]
    fn stems_meet() {
        assert_eq!(stem("worried"), stem("worries"));
        assert_eq!(stem("charged"), stem("charges"));
    }
}
