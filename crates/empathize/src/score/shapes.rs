//! Reflective listening: what a reply echoes of the customer's words, and the
//! sentence shapes EPITOME annotators read as interpretation or exploration
//! (first-person experience, questions put to the person).
//!
//! The words each shape is read from are pack lexicons (`docs/rules.md`,
//! "Language lexicons", compiled in [`shape_words`](super::shape_words)):
//! a word's classes are bits of its vocabulary term and the words of a
//! sequence lexicon are vocabulary ids, so no string is compared while a
//! sentence is read.

use crate::score::shape_words::{class, Keywords, ShapeLexicons, Words};
use crate::text::language::Language;
use crate::text::lex::{Lexed, Term, Vocabulary, CONTRACTION};
use crate::text::TokenKind;

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

// Compared word by word, in line: most entries differ at their first word,
// and `[u32]::starts_with` would call `memcmp` for each.
fn starts_with_seq(words: &[Word], seq: &[u32]) -> bool {
    words.len() >= seq.len() && words.iter().zip(seq).all(|(w, s)| w.id == *s)
}

fn ends_with_seq(words: &[Word], seq: &[u32]) -> bool {
    words.len() >= seq.len()
        && words
            .iter()
            .rev()
            .zip(seq.iter().rev())
            .all(|(w, s)| w.id == *s)
}

/// A word of a sentence: its vocabulary id (a word no lexicon or pattern
/// names is [`UNKNOWN`](crate::text::lex::UNKNOWN), which no sequence
/// holds) and its classes.
#[derive(Debug, Clone, Copy)]
struct Word {
    id: u32,
    classes: u32,
}

/// The words of a sentence, contractions expanded.
#[derive(Debug, Default)]
struct SentenceWords {
    words: Vec<Word>,
    /// The classes of all its words, or-ed: a class no word has needs no
    /// search.
    seen: u32,
}

impl SentenceWords {
    /// Index of the first word with none of the classes `skip`.
    fn first_without(&self, skip: u32) -> usize {
        if self.seen & skip == 0 {
            return 0;
        }
        self.words
            .iter()
            .position(|w| w.classes & skip == 0)
            .unwrap_or(self.words.len())
    }

    /// Whether some word in `words[from..]` has one of the classes `wanted`.
    fn any_from(&self, from: usize, wanted: u32) -> bool {
        self.seen & wanted != 0
            && self
                .words
                .get(from..)
                .is_some_and(|w| w.iter().any(|w| w.classes & wanted != 0))
    }

    /// Index where the words start once discourse markers and
    /// interjections are skipped.
    fn body_start(&self) -> usize {
        self.first_without(class::DISCOURSE_MARKER | class::INTERJECTION)
    }

    fn class(&self, k: usize) -> u32 {
        self.words.get(k).map_or(0, |w| w.classes)
    }

    /// Whether the words end with one of `tails`, whose last words have
    /// the class `last`.
    fn ends_with_any(&self, tails: &[Words], last: u32) -> bool {
        self.words.last().is_some_and(|w| w.classes & last != 0)
            && tails.iter().any(|t| ends_with_seq(&self.words, t))
    }
}

fn classify_question(
    lexicons: &ShapeLexicons,
    s: &SentenceWords,
    addresses_you: bool,
    mentions_self: bool,
    echoes: usize,
) -> QuestionKind {
    let start = s.first_without(class::DISCOURSE_MARKER);
    let body = &s.words[start..];
    if s.class(start) & class::SUGGESTIVE_FIRST != 0
        && lexicons
            .suggestive_openers
            .iter()
            .any(|o| starts_with_seq(body, o))
    {
        return QuestionKind::Suggestive;
    }
    if body.len() <= 2
        || s.ends_with_any(&lexicons.question_tags, class::QUESTION_TAG_LAST)
        || s.any_from(start, class::RHETORICAL)
    {
        return QuestionKind::Rhetorical;
    }
    if mentions_self && !addresses_you {
        return QuestionKind::Own;
    }
    // A question about the people and things of their story ("what did
    // your mother say?", "how did the relationship end?") explores it as
    // much as one put to them.
    let about_their_world = echoes > 0 || s.any_from(start, class::THIRD_PERSON);
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

/// A question without its question mark, known by the classes of its first
/// two words: a question word then an auxiliary or a modifier ("how old are
/// you", "what did he say"), or an auxiliary then a subject ("are you ok",
/// "is it possible").
fn interrogative(first: u32, second: u32) -> bool {
    if first & class::QUESTION_WORD != 0 {
        second & (class::AUXILIARY | class::QUESTION_WORD_MODIFIER) != 0
    } else if first & class::AUXILIARY != 0 {
        second & class::QUESTION_SUBJECT != 0
    } else {
        false
    }
}

/// A question that checks understanding rather than asks: a restatement
/// opener followed by a statement ("so you feel…?", "so she left?"), a
/// confirming tag ("is that right?", "correct?"), or statement word order
/// addressed to the person ("you feel worried about work?").
fn confirming_question(lexicons: &ShapeLexicons, s: &SentenceWords, addresses_you: bool) -> bool {
    if s.ends_with_any(&lexicons.confirming_tags, class::CONFIRMING_TAG_LAST) && addresses_you {
        return true;
    }
    let start = s.body_start();
    let body_len = s.words.len() - start;
    let first = s.class(start);
    let second = s.class(start + 1);
    let subject = first & class::STATEMENT_SUBJECT != 0 && start < s.words.len();
    let so_statement = s.class(0) & class::RESTATEMENT_OPENER != 0 && subject;
    let declarative = addresses_you && subject && second & class::ASKING_VERB == 0 && body_len >= 3;
    so_statement || declarative
}

/// A statement that advises: a hedge first ("maybe…", "perhaps…"), or
/// advice addressed to the person ("you could try", "you have to"), with
/// at least three words from its start.
fn advice_statement(lexicons: &ShapeLexicons, s: &SentenceWords, addresses_you: bool) -> bool {
    let start = s.body_start();
    if s.class(start) & class::HEDGE != 0 && start < s.words.len() {
        return true;
    }
    let n = s.words.len();
    addresses_you
        && s.seen & class::ADVICE_FIRST != 0
        && s.words.iter().enumerate().any(|(i, w)| {
            w.classes & class::ADVICE_FIRST != 0
                && (s.class(i + 1) & class::ADVICE_SECOND != 0 || lexicons.advice_single_word)
                && lexicons.advice.iter().any(|(first, rests)| {
                    w.id == *first
                        && rests.iter().any(|rest| {
                            i + (rest.len() + 1).max(3) <= n
                                && starts_with_seq(&s.words[i + 1..], rest)
                        })
                })
        })
}

fn classify_first_person(lexicons: &ShapeLexicons, s: &SentenceWords) -> FirstPerson {
    if s.seen & class::SELF == 0 {
        return FirstPerson::None;
    }
    // Without one of these words no first person is more than `Other`.
    let telling = class::FIRST_PERSON_OWN
        | class::OPINION_VERB
        | class::OPINION_FIRST
        | class::EXPERIENCE_VERB;
    if s.seen & (class::FIRST_PERSON_SUBJECT | class::FIRST_PERSON_OWN) == 0
        || s.seen & telling == 0
    {
        return FirstPerson::Other;
    }
    for (i, w) in s.words.iter().enumerate() {
        let c = w.classes;
        if c & class::SELF == 0 {
            continue;
        }
        if c & class::FIRST_PERSON_SUBJECT != 0 {
            // The verb after the subject (skipping adverbs) says what the
            // sentence does.
            let verb = s.words[i + 1..]
                .iter()
                .find(|w| w.classes & class::VERB_ADVERB == 0);
            let verb_class = verb.map_or(0, |w| w.classes);
            if verb_class & class::OPINION_VERB != 0
                || (s.class(i + 1) & class::OPINION_FIRST != 0
                    && (s.class(i + 2) & class::OPINION_SECOND != 0
                        || lexicons.opinion_single_word)
                    && lexicons
                        .opinion_phrases
                        .iter()
                        .any(|p| starts_with_seq(&s.words[i + 1..], p)))
            {
                return FirstPerson::Opinion;
            }
            if verb_class & class::EXPERIENCE_VERB != 0 {
                return FirstPerson::Experience;
            }
        } else if c & class::FIRST_PERSON_OWN != 0 {
            return FirstPerson::Experience;
        }
    }
    FirstPerson::Other
}

/// Reusable buffers of [`sentence_shapes`]: its output and the words of
/// the sentence being read.
#[derive(Debug, Default)]
pub(crate) struct Shapes {
    /// The shape of each sentence of the last call.
    pub shapes: Vec<SentenceShape>,
    sentence: SentenceWords,
}

/// Whether word token `index` of `lexed`, of the word classes `classes`,
/// echoes one of the customer's `keywords`: a content word of at least
/// [`MIN_KEYWORD_BYTES`](super::shape_words::MIN_KEYWORD_BYTES) bytes whose
/// stem is one. Most words are not looked
/// up: no keyword starts as they do.
#[inline]
fn echoed(
    keywords: &Keywords,
    lexicons: &ShapeLexicons,
    lexed: &Lexed,
    index: usize,
    classes: u32,
) -> bool {
    if classes & class::STOPWORD != 0 {
        return false;
    }
    let norm = lexed.norm(index);
    keywords.may_start(norm.as_bytes()) && keywords.holds_stem_of(lexicons, norm)
}

/// The classes [`about`] reads.
const ABOUT: u32 = class::SECOND_PERSON | class::SELF | class::SHARED;

/// Who a word of a sentence is about, as [`sentence_shapes`] reads it: the
/// second person first, then the first person, then a shared experience
/// (a word in several of those lexicons counts for the first only). Or-ed
/// over a sentence's words, it says whether the sentence addresses the
/// person, mentions the writer, marks an experience as shared.
#[inline]
fn about(c: u32) -> u32 {
    if c & class::SECOND_PERSON != 0 {
        class::SECOND_PERSON
    } else if c & class::SELF != 0 {
        class::SELF
    } else {
        c & class::SHARED
    }
}

/// What the word loop of [`shapes_of`] gathers of a sentence besides its
/// words.
#[derive(Debug, Default)]
struct Gathered {
    /// [`about`] of every word, or-ed.
    who: u32,
    /// The classes of every word, or-ed.
    seen: u32,
    /// The token of the last contrast after the sentence's first words.
    contrast: Option<usize>,
    /// Words that echo the customer's keywords.
    echoes: usize,
}

/// What [`PartsReader::read_parts`] reads words with.
struct PartsReader<'a> {
    language: &'a Language,
    vocabulary: &'a Vocabulary,
    lexicons: &'a ShapeLexicons,
    lexed: &'a Lexed,
    customer: Option<&'a Keywords>,
}

impl PartsReader<'_> {
    /// Reads a word that is not the common case (a word lexing kept whole):
    /// a contraction lexed to two terms (`parts`), or an elongation. Word
    /// number `count` of its sentence. Kept out of line, so the common
    /// case's loop stays small.
    #[inline(never)]
    fn read_parts(&self, parts: &[Term], count: usize, g: &mut Gathered, words: &mut Vec<Word>) {
        let Self {
            language,
            vocabulary,
            lexicons,
            lexed,
            customer,
        } = *self;
        let Some(term) = parts.first() else {
            return;
        };
        let index = term.token as usize;
        let first_id = term.id;
        let second = parts.get(1);
        let elongated = lexed.tokens.get(index).is_some_and(|t| t.elongated);
        // A word lexing kept whole has the id of its norm: its classes
        // are an array read. A contraction's parts are the terms lexing
        // made of it. Only an elongation, which lexing may shorten after
        // it looked for a contraction ("immm" → "im"), is looked at again.
        let norm_class = if second.is_some() {
            vocabulary.classes_of(lexed.norm(index))
        } else {
            vocabulary.classes(first_id)
        };
        if count > 2 && norm_class & class::CONTRAST != 0 {
            g.contrast = Some(index);
        }
        if let Some(keywords) = customer {
            if echoed(keywords, lexicons, lexed, index, norm_class) {
                g.echoes += 1;
            }
        }
        // The word's parts, as vocabulary ids: a whole word's is the id
        // lexing gave it, a contraction's the ids of the terms it made
        // (the ids of the parts `expand_contraction` gives), an
        // elongation's those of its expansion, looked up.
        let whole = second.is_none()
            && (!elongated
                || (norm_class & CONTRACTION == 0
                    && language.split_suffix(lexed.norm(index)).is_none()));
        let mut push = |id: u32, c: u32| {
            g.who |= about(c);
            g.seen |= c;
            words.push(Word { id, classes: c });
        };
        if whole {
            push(first_id, norm_class);
        } else if let Some(second) = second {
            for id in [first_id, second.id] {
                push(id, vocabulary.classes(id));
            }
        } else {
            let (first, second) = language.expand_contraction(lexed.norm(index));
            for w in std::iter::once(first).chain(second) {
                let id = vocabulary.lookup(w);
                push(id, vocabulary.classes(id));
            }
        }
    }
}

/// Reads the shape of each sentence of lexed text into `out.shapes`.
pub(crate) fn sentence_shapes(
    language: &Language,
    vocabulary: &Vocabulary,
    lexicons: &ShapeLexicons,
    lexed: &Lexed,
    customer: Option<&Keywords>,
    out: &mut Shapes,
) {
    // Two copies of the loop: without a customer message, the word loop
    // carries no echo check at all.
    if customer.is_some() {
        shapes_of::<true>(language, vocabulary, lexicons, lexed, customer, out);
    } else {
        shapes_of::<false>(language, vocabulary, lexicons, lexed, None, out);
    }
}

/// [`sentence_shapes`], looking for echoes of `customer` when `ECHO`.
#[inline(always)]
fn shapes_of<const ECHO: bool>(
    language: &Language,
    vocabulary: &Vocabulary,
    lexicons: &ShapeLexicons,
    lexed: &Lexed,
    customer: Option<&Keywords>,
    out: &mut Shapes,
) {
    let Shapes { shapes, sentence } = out;
    shapes.clear();
    shapes.reserve(lexed.sentences.len());
    let reader = PartsReader {
        language,
        vocabulary,
        lexicons,
        lexed,
        customer,
    };
    for s in &lexed.sentences {
        let mut shape = SentenceShape::default();
        let words = &mut sentence.words;
        words.clear();
        let span = s.first_term as usize..s.end_term as usize;
        let terms = lexed.terms.get(span).unwrap_or_default();
        // A word is about one part most of the time.
        words.reserve(terms.len());
        let mut g = Gathered::default();
        let mut count = 0usize;
        let mut rest = terms;
        while let [term, tail @ ..] = rest {
            let index = term.token as usize;
            let two_terms = matches!(tail, [next, ..] if next.token == term.token);
            let parts;
            (parts, rest) = rest.split_at(if two_terms { 2 } else { 1 });
            let Some(token) = lexed.tokens.get(index) else {
                continue;
            };
            if token.kind != TokenKind::Word {
                continue;
            }
            count += 1;
            if two_terms || token.elongated {
                reader.read_parts(parts, count, &mut g, words);
                continue;
            }
            // The common case: a word lexing kept whole (see `read_parts`
            // for the others).
            let c = vocabulary.classes(term.id);
            // Most words are none of these.
            if c & (class::CONTRAST | ABOUT) != 0 {
                if count > 2 && c & class::CONTRAST != 0 {
                    g.contrast = Some(index);
                }
                g.who |= about(c);
            }
            if let Some(keywords) = customer.filter(|_| ECHO) {
                if echoed(keywords, lexicons, lexed, index, c) {
                    g.echoes += 1;
                }
            }
            g.seen |= c;
            words.push(Word {
                id: term.id,
                classes: c,
            });
        }
        let Gathered {
            who,
            seen,
            contrast,
            echoes,
        } = g;
        shape.echoes = echoes;
        shape.words = count;
        shape.contrast = contrast;
        let addresses_you = who & class::SECOND_PERSON != 0;
        let mentions_self = who & class::SELF != 0;
        shape.shared = who & class::SHARED != 0;
        shape.addresses_you = addresses_you;
        sentence.seen = seen;
        let question = s.question || interrogative(sentence.class(0), sentence.class(1));
        let hedged = sentence.class(0) & class::HEDGE != 0;
        if question {
            shape.question = classify_question(
                lexicons,
                sentence,
                addresses_you,
                mentions_self,
                shape.echoes,
            );
            shape.confirming = confirming_question(lexicons, sentence, addresses_you);
        } else if mentions_self || addresses_you || hedged {
            shape.advice = advice_statement(lexicons, sentence, addresses_you);
            if mentions_self {
                shape.first_person = classify_first_person(lexicons, sentence);
            }
        }
        shapes.push(shape);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::pack::MergedPack;
    use crate::score::shape_words::MIN_KEYWORD_BYTES;

    struct English {
        lexicons: ShapeLexicons,
        vocabulary: Vocabulary,
    }

    impl std::ops::Deref for English {
        type Target = ShapeLexicons;
        fn deref(&self) -> &ShapeLexicons {
            &self.lexicons
        }
    }

    fn english() -> English {
        let mut merged = MergedPack::default();
        let mut vocabulary = Vocabulary::default();
        let compiled = merged
            .add(crate::DEFAULT_PACK, "en")
            .and_then(|()| ShapeLexicons::compile(&merged, &mut vocabulary));
        match compiled {
            Ok(lexicons) => English {
                lexicons,
                vocabulary,
            },
            Err(e) => panic!("the English pack's lexicons: {e}"),
        }
    }

    fn words(en: &English, s: &str) -> SentenceWords {
        let words: Vec<Word> = s
            .split(' ')
            .map(|w| en.vocabulary.lookup(w))
            .map(|id| Word {
                id,
                classes: en.vocabulary.classes(id),
            })
            .collect();
        let seen = words.iter().fold(0, |seen, w| seen | w.classes);
        SentenceWords { words, seen }
    }

    proptest::proptest! {
        /// The keyword filter lets through every word whose stem is a
        /// keyword (it may let others through: the stem and the search
        /// decide).
        #[test]
        fn keyword_filter_misses_no_echo(
            customer in proptest::collection::vec("[a-cé]{1,3}(s|es|ed|ing|ly|ies|)", 0..40),
            words in proptest::collection::vec("[a-cé]{1,3}(s|es|ed|ing|ly|ies|)", 1..40),
        ) {
            let en = english();
            let mut stems: Vec<&str> = customer
                .iter()
                .filter(|w| w.len() >= MIN_KEYWORD_BYTES)
                .map(|w| en.stem(w))
                .collect();
            stems.sort_unstable();
            stems.dedup();
            let keywords = Keywords::new(&stems);
            proptest::prop_assert!(keywords.iter().eq(stems.iter().copied()));
            for w in &words {
                let echoed = w.len() >= MIN_KEYWORD_BYTES && stems.binary_search(&en.stem(w)).is_ok();
                proptest::prop_assert_eq!(
                    keywords.may_start(w.as_bytes()) && keywords.holds_stem_of(&en, w),
                    echoed,
                    "{}", w
                );
            }
        }

        /// What `sentence_shapes` relies on to compare words by id: a
        /// word lexed to one term has the id of its norm, a word lexed to
        /// two the ids of the parts `expand_contraction` makes of its norm.
        #[test]
        fn word_ids_are_the_ids_of_their_text(
            words in proptest::collection::vec(
                "(I|i|you|You|we|it|that|Y|y|can|don|won|sh|sho|so|ok)                 ('|’|)(m|mm|ll|re|s|d|t|ve|all|nt|uld|oo|ooo|)", 1..12),
        ) {
            let analyzer = crate::Analyzer::new();
            let compiled = analyzer.compiled();
            let (language, vocabulary) = (&compiled.language, &compiled.vocabulary);
            let text = words.join(" ");
            let mut lexed = Lexed::default();
            compiled.lex(&text, &mut lexed);
            let mut k = 0;
            while k < lexed.terms.len() {
                let index = lexed.terms[k].token as usize;
                let count = lexed.terms[k..]
                    .iter()
                    .take_while(|t| t.token as usize == index)
                    .count();
                if lexed.tokens[index].kind == TokenKind::Word {
                    let norm = lexed.norm(index);
                    let ids: Vec<u32> = lexed.terms[k..k + count].iter().map(|t| t.id).collect();
                    if count == 1 {
                        proptest::prop_assert_eq!(ids[0], vocabulary.lookup(norm), "{}", norm);
                    } else {
                        let (first, second) = language.expand_contraction(norm);
                        let second = second.map(|w| vocabulary.lookup(w));
                        proptest::prop_assert_eq!(
                            (ids[0], Some(ids[1])),
                            (vocabulary.lookup(first), second),
                            "{}", norm
                        );
                    }
                }
                k += count;
            }
        }
    }

    #[test]
    fn questions_without_question_marks() {
        let en = english();
        let asks = |s: &str| {
            let w = words(&en, s);
            interrogative(w.class(0), w.class(1))
        };
        for q in [
            "how old are you",
            "what did he say",
            "are you ok",
            "is it possible",
        ] {
            assert!(asks(q), "{q}");
        }
        for s in [
            "what i did was",
            "how it works",
            "you are ok",
            "i am here",
            "there is hope",
        ] {
            assert!(!asks(s), "{s}");
        }
    }

    #[test]
    fn confirming_questions_and_advice() {
        let en = english();
        for (q, you) in [
            ("so you feel let down", true),
            ("you were charged twice is that right", true),
            ("so the parcel never came", false),
            ("you have been waiting since monday", true),
        ] {
            assert!(confirming_question(&en, &words(&en, q), you), "{q}");
        }
        for q in ["how are you feeling", "do you know why", "what did he say"] {
            assert!(!confirming_question(&en, &words(&en, q), true), "{q}");
        }
        let advises = |s: &str, you: bool| advice_statement(&en, &words(&en, s), you);
        assert!(advises("you could try the app", true));
        assert!(advises("you have to restart it", true));
        assert!(advises("maybe ask your sister", false));
        assert!(!advises("you have a point", true));
        assert!(!advises("you are right", true));
    }
}
