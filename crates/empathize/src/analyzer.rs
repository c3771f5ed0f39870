//! The analyzer: compiled packs plus the scoring entry points.

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::error::RulePackError;
use crate::offsets::{OffsetUnit, ToUnit};
use crate::report::{CustomerReport, MessageReport, ReplySummary};
use crate::rules::compile::{touches_masked, Compiled};
use crate::rules::pack::MergedPack;
use crate::rules::rule::Rule as RuleInfo;
use crate::score::selection::Side;
use crate::score::{self, Work};
use crate::text::Token;

/// The default English rule pack, as TOML.
pub const DEFAULT_PACK: &str = include_str!("../packs/en.toml");

/// The learned weight tables that ship with the default pack, by name,
/// each a pack of its own applied on top of [`DEFAULT_PACK`]. They were
/// fitted on data whose licences allow any use with attribution (see
/// `NOTICE`); each table's header names its data, licence and command.
pub const DEFAULT_TABLES: &[(&str, &str)] = &[
    (
        "goemotions-emotions",
        include_str!("../packs/learned/goemotions-emotions.toml"),
    ),
    (
        "goemotions-distress",
        include_str!("../packs/learned/goemotions-distress.toml"),
    ),
];

/// The default pack and its learned tables, merged.
fn default_merged() -> Result<MergedPack, RulePackError> {
    let mut merged = MergedPack::default();
    merged.add(DEFAULT_PACK, "en")?;
    for (name, src) in DEFAULT_TABLES {
        merged.add(src, name)?;
    }
    Ok(merged)
}

fn default_compiled() -> &'static Arc<Compiled> {
    static DEFAULT: OnceLock<Arc<Compiled>> = OnceLock::new();
    DEFAULT.get_or_init(|| {
        let compiled = default_merged().and_then(|merged| Compiled::compile(&merged));
        match compiled {
            Ok(c) => Arc::new(c),
            // The embedded pack is compiled by the test suite; failing here is
            // a bug in this crate, not a user error.
            Err(e) => panic!("the embedded English pack does not compile: {e}"),
        }
    })
}

thread_local! {
    static WORK: RefCell<Work> = RefCell::new(Work::default());
}

/// Runs `f` with this thread's scratch buffers (fresh ones if they are busy).
fn with_work<R>(f: impl FnOnce(&mut Work) -> R) -> R {
    WORK.with(|cell| match cell.try_borrow_mut() {
        Ok(mut work) => f(&mut work),
        Err(_) => f(&mut Work::default()),
    })
}

/// Scores replies, reads customer messages and analyzes conversations.
///
/// Building compiles the rule packs once; an `Analyzer` is then immutable,
/// `Send + Sync`, and cheap to clone (an `Arc` inside).
///
/// ```
/// use empathize::{Analyzer, Flag};
///
/// let analyzer = Analyzer::new();
/// let good = analyzer.score_reply(
///     "I was charged twice and I'm really stressed about rent!",
///     "I'm so sorry about the double charge, I understand how stressful that is. \
///      I've refunded it and I'll check tomorrow that it cleared.",
/// );
/// let bad = analyzer.score_reply(
///     "I was charged twice and I'm really stressed about rent!",
///     "Per our policy, refunds take 10 business days.",
/// );
/// assert!(good.score > bad.score);
/// assert!(bad.has_flag(Flag::PolicyWall));
/// ```
#[derive(Clone, Debug)]
pub struct Analyzer {
    compiled: Arc<Compiled>,
    offsets: OffsetUnit,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl Analyzer {
    /// An analyzer with the default English pack. Cheap: the pack is
    /// compiled once per process and shared.
    ///
    /// ```
    /// let analyzer = empathize::Analyzer::new();
    /// assert_eq!(analyzer.pack_name(), "en");
    /// assert!(analyzer.rules().iter().any(|r| r.id == "apology.im_sorry"));
    /// ```
    pub fn new() -> Analyzer {
        Analyzer {
            compiled: default_compiled().clone(),
            offsets: OffsetUnit::Byte,
        }
    }

    /// A builder to replace the pack, add packs, change weights or disable rules.
    ///
    /// ```
    /// let analyzer = empathize::Analyzer::builder()
    ///     .extra_pack(r#"
    ///         [[rules]]
    ///         id = "warmth.aloha"
    ///         category = "warmth"
    ///         weight = 0.8
    ///         patterns = ["aloha"]
    ///     "#)
    ///     .build()?;
    /// assert!(analyzer.score("Aloha!").dimensions.warmth > 0.0);
    /// # Ok::<(), empathize::RulePackError>(())
    /// ```
    pub fn builder() -> AnalyzerBuilder {
        AnalyzerBuilder::default()
    }

    /// The unit the spans of this analyzer's reports are counted in (set
    /// with [`AnalyzerBuilder::offsets`]; bytes by default).
    ///
    /// ```
    /// use empathize::{Analyzer, OffsetUnit};
    /// assert_eq!(Analyzer::new().offsets(), OffsetUnit::Byte);
    /// let analyzer = Analyzer::builder().offsets(OffsetUnit::Utf16).build()?;
    /// assert_eq!(analyzer.offsets(), OffsetUnit::Utf16);
    /// # Ok::<(), empathize::RulePackError>(())
    /// ```
    pub fn offsets(&self) -> OffsetUnit {
        self.offsets
    }

    /// Scores an agent reply on its own.
    ///
    /// ```
    /// use empathize::{Analyzer, Dimension};
    /// let report = Analyzer::new().score("I'm so sorry, I'll sort this out for you today.");
    /// assert!(report.dimensions.get(Dimension::Apology) > 0.0);
    /// assert!(report.context.is_none()); // no customer message given
    /// ```
    pub fn score(&self, reply: &str) -> MessageReport {
        self.in_unit(reply, self.reply_in_bytes(reply, None))
    }

    /// Scores an agent reply to a customer message: acknowledgment becomes
    /// needed when the customer is upset.
    ///
    /// ```
    /// use empathize::Analyzer;
    /// let analyzer = Analyzer::new();
    /// let reply = "Your refund has been processed.";
    /// let report = analyzer.score_reply("I'm furious, you charged me twice!!", reply);
    /// assert!(report.context.is_some_and(|c| c.distress > 0.0));
    /// // The same reply, with no feeling acknowledged, scores lower to an upset customer.
    /// assert!(report.score < analyzer.score(reply).score);
    /// assert!(report.has_tip("acknowledge_feelings"));
    /// ```
    pub fn score_reply(&self, customer: &str, reply: &str) -> MessageReport {
        let report = with_work(|w| {
            let c = score::analyze_customer(&self.compiled, customer, w, false);
            score::score_reply(&self.compiled, reply, Some(&c), w)
        });
        self.in_unit(reply, report)
    }

    /// Scores a reply given an already-analyzed customer message (read it
    /// once, score several candidate replies to it).
    ///
    /// ```
    /// use empathize::Analyzer;
    /// let analyzer = Analyzer::new();
    /// let message = "My flight was cancelled and nobody told me.";
    /// let customer = analyzer.analyze_customer(message);
    /// for reply in ["I'm so sorry, that must be stressful.", "Rebook online."] {
    ///     assert_eq!(analyzer.score_reply_to(&customer, reply), analyzer.score_reply(message, reply));
    /// }
    /// ```
    pub fn score_reply_to(&self, customer: &CustomerReport, reply: &str) -> MessageReport {
        self.in_unit(reply, self.reply_in_bytes(reply, Some(customer)))
    }

    /// The summary of [`score`](Self::score): score, logit, dimensions,
    /// flags, EPITOME levels, strategies, tips, equal to the report's, with
    /// no matches, evidence or breakdown built (cheaper when only those
    /// columns are read, as by a table row).
    ///
    /// ```
    /// use empathize::{Analyzer, ReplySummary};
    /// let analyzer = Analyzer::new();
    /// let reply = "Per our policy, we can't refund you.";
    /// let summary = analyzer.score_summary(reply);
    /// assert!(summary.has_tip("offer_alternative"));
    /// assert_eq!(summary, ReplySummary::from(analyzer.score(reply)));
    /// ```
    pub fn score_summary(&self, reply: &str) -> ReplySummary {
        let summary = with_work(|w| score::score_reply_summary(&self.compiled, reply, None, w));
        self.in_unit(reply, summary)
    }

    /// The summary of [`score_reply`](Self::score_reply) (see
    /// [`score_summary`](Self::score_summary)).
    ///
    /// ```
    /// use empathize::{Analyzer, ReplySummary};
    /// let analyzer = Analyzer::new();
    /// let (customer, reply) = ("I'm furious, you charged me twice!!", "Refund processed.");
    /// let summary = analyzer.score_reply_summary(customer, reply);
    /// assert!(summary.context.is_some_and(|c| c.distress > 0.0));
    /// assert_eq!(summary, ReplySummary::from(analyzer.score_reply(customer, reply)));
    /// ```
    pub fn score_reply_summary(&self, customer: &str, reply: &str) -> ReplySummary {
        let summary = with_work(|w| {
            let c = score::analyze_customer(&self.compiled, customer, w, false);
            score::score_reply_summary(&self.compiled, reply, Some(&c), w)
        });
        self.in_unit(reply, summary)
    }

    /// A reply report with byte offsets, whatever [`offsets`](Self::offsets) says.
    pub(crate) fn reply_in_bytes(
        &self,
        reply: &str,
        customer: Option<&CustomerReport>,
    ) -> MessageReport {
        with_work(|w| score::score_reply(&self.compiled, reply, customer, w))
    }

    /// A customer report with byte offsets, whatever [`offsets`](Self::offsets) says.
    pub(crate) fn customer_in_bytes(&self, text: &str) -> CustomerReport {
        with_work(|w| score::analyze_customer(&self.compiled, text, w, true))
    }

    /// `report` (byte offsets into `text`) in this analyzer's offset unit.
    fn in_unit<R: ToUnit>(&self, text: &str, mut report: R) -> R {
        if self.offsets != OffsetUnit::Byte {
            report.to_unit(text, self.offsets);
        }
        report
    }

    /// Scores many replies on all cores; the output keeps the input order.
    ///
    /// ```
    /// let analyzer = empathize::Analyzer::new();
    /// let replies = ["Thanks for your patience!", "Per our policy, no."];
    /// let reports = analyzer.score_batch(&replies);
    /// assert_eq!(reports.len(), 2);
    /// assert_eq!(reports[1], analyzer.score(replies[1]));
    /// ```
    pub fn score_batch<S: AsRef<str> + Sync>(&self, replies: &[S]) -> Vec<MessageReport> {
        replies.par_iter().map(|r| self.score(r.as_ref())).collect()
    }

    /// Scores many `(customer, reply)` pairs on all cores, in input order.
    ///
    /// ```
    /// let analyzer = empathize::Analyzer::new();
    /// let pairs = [
    ///     ("Where is my parcel?", "It ships tomorrow."),
    ///     ("I'm so upset, it arrived broken!", "I'm sorry, I'll send a new one today."),
    /// ];
    /// let reports = analyzer.score_reply_batch(&pairs);
    /// assert_eq!(reports[1], analyzer.score_reply(pairs[1].0, pairs[1].1));
    /// ```
    pub fn score_reply_batch<C, R>(&self, pairs: &[(C, R)]) -> Vec<MessageReport>
    where
        C: AsRef<str> + Sync,
        R: AsRef<str> + Sync,
    {
        pairs
            .par_iter()
            .map(|(c, r)| self.score_reply(c.as_ref(), r.as_ref()))
            .collect()
    }

    /// Reads a customer message: distress, emotions, escalation, repetition.
    ///
    /// ```
    /// use empathize::{Analyzer, Emotion};
    /// let report = Analyzer::new()
    ///     .analyze_customer("This is the third time I'm asking. I want to speak to a manager!");
    /// assert!(report.escalation);
    /// assert!(report.repetition);
    /// assert!(report.distress > 0.0);
    /// assert_eq!(report.emotions.get(Emotion::Gratitude), 0.0);
    /// ```
    pub fn analyze_customer(&self, text: &str) -> CustomerReport {
        self.in_unit(text, self.customer_in_bytes(text))
    }

    /// Splits text into tokens with byte offsets, normalized forms, sentence
    /// indices and negation scope.
    ///
    /// ```
    /// use empathize::TokenKind;
    /// let tokens = empathize::Analyzer::new().tokenize("I don't care. Bye :(");
    /// let care = tokens.iter().find(|t| t.text == "care").unwrap();
    /// assert!(care.negated);
    /// assert_eq!(tokens.last().unwrap().kind, TokenKind::Emoticon);
    /// assert_eq!(tokens.last().unwrap().sentence, 1);
    /// ```
    pub fn tokenize<'a>(&self, text: &'a str) -> Vec<Token<'a>> {
        let tokens = with_work(|w| {
            self.compiled.lex(text, &mut w.lexed);
            let lexed = &w.lexed;
            let language = &self.compiled.language;
            // Terms come in token order: one walk gives each token its
            // term count and negation.
            let mut k = 0;
            lexed
                .tokens
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let (mut count, mut negated) = (0, false);
                    while let Some(term) =
                        lexed.terms.get(k).filter(|term| term.token as usize == i)
                    {
                        count += 1;
                        negated |= term.negated;
                        k += 1;
                    }
                    let raw = &text[t.start..t.end];
                    Token {
                        text: raw,
                        start: t.start,
                        end: t.end,
                        kind: t.kind,
                        norm: lexed.token_norm(language, text, raw, t, i, count),
                        sentence: t.sentence as usize,
                        caps: t.caps,
                        elongated: t.elongated,
                        emphatic: t.emphatic,
                        negated,
                    }
                })
                .collect()
        });
        self.in_unit(text, tokens)
    }

    /// The rules of the active packs.
    ///
    /// ```
    /// use empathize::{Analyzer, Category, Flag};
    /// let rules = Analyzer::new().rules();
    /// let rule = rules.iter().find(|r| r.id == "policy_wall.per_our_policy").unwrap();
    /// assert_eq!(rule.category, Category::Flag(Flag::PolicyWall));
    /// assert_eq!(rule.pack, "en");
    /// ```
    pub fn rules(&self) -> Vec<RuleInfo> {
        self.compiled.rules.clone()
    }

    /// The learned weight tables of the active packs.
    ///
    /// ```
    /// let tables = empathize::Analyzer::new().tables();
    /// let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    /// assert!(names.contains(&"goemotions-distress"));
    /// assert!(tables.iter().all(|t| t.entries > 0));
    /// ```
    pub fn tables(&self) -> Vec<TableInfo> {
        self.compiled
            .tables
            .iter()
            .map(|t| TableInfo {
                name: t.name.clone(),
                output: t.output.as_str(),
                targets: t
                    .targets
                    .iter()
                    .map(|g| (g.category.as_str().to_string(), g.bias, g.rules))
                    .collect(),
                entries: t.entries,
                trained_on: t.header.trained_on.clone(),
                licence: t.header.licence.clone(),
                command: t.header.command.clone(),
                held_in: t.header.held_in.clone(),
                description: t.header.description.clone(),
                pack: t.pack.clone(),
                line: t.line,
            })
            .collect()
    }

    /// The n-grams of up to `max_n` terms that a learned table could weigh
    /// in `text`: normalized terms, inside one sentence, none starting
    /// inside a negation scope. This is how `empathize train` reads text,
    /// so a table trained on these n-grams finds them again when scoring.
    ///
    /// ```
    /// let analyzer = empathize::Analyzer::new();
    /// let grams: Vec<String> = analyzer
    ///     .ngrams("I'm not happy.", 2)
    ///     .into_iter()
    ///     .map(|g| g.text)
    ///     .collect();
    /// assert!(grams.contains(&"i am".to_string()));
    /// assert!(grams.contains(&"not happy".to_string()));
    /// assert!(!grams.contains(&"happy".to_string())); // negated
    /// ```
    pub fn ngrams(&self, text: &str, max_n: usize) -> Vec<Ngram> {
        self.ngrams_of(text, max_n, false)
    }

    /// The n-grams of up to `max_n` terms that a table reading customer
    /// messages could weigh in `text`: those of [`Analyzer::ngrams`] but
    /// the ones that touch a hit of a rule with `mask_learned` (a
    /// customer's "sorry to bother you" is politeness; its "sorry" is not
    /// the "sorry" of remorse). `empathize train` reads customer messages
    /// this way.
    ///
    /// ```
    /// let analyzer = empathize::Analyzer::new();
    /// let grams = |text: &str| -> Vec<String> {
    ///     analyzer.customer_ngrams(text, 1).into_iter().map(|g| g.text).collect()
    /// };
    /// assert!(!grams("Sorry to bother you, where is my invoice?").contains(&"sorry".to_string()));
    /// assert!(grams("I'm so sorry, I ordered the wrong size").contains(&"sorry".to_string()));
    /// ```
    pub fn customer_ngrams(&self, text: &str, max_n: usize) -> Vec<Ngram> {
        self.ngrams_of(text, max_n, true)
    }

    fn ngrams_of(&self, text: &str, max_n: usize, customer: bool) -> Vec<Ngram> {
        with_work(|w| {
            self.compiled.lex(text, &mut w.lexed);
            // The spans of `mask_learned` hits, which customer tables skip.
            let mut masked = Vec::new();
            if customer {
                self.compiled.find_hits(
                    &w.lexed,
                    Side::Customer,
                    &mut w.segments,
                    &mut w.hits,
                    &mut w.learned,
                );
                masked = self.compiled.masked_spans(&w.hits);
            }
            let lexed = &w.lexed;
            let terms = lexed.term_texts(&self.compiled.language, text, &self.compiled.vocabulary);
            let mut out = Vec::new();
            for (i, term) in lexed.terms.iter().enumerate() {
                if term.negated {
                    continue;
                }
                let Some(sentence) = lexed.sentences.get(term.sentence as usize) else {
                    continue;
                };
                let mut joined = String::new();
                for n in 1..=max_n {
                    let last = i + n - 1;
                    if last >= lexed.terms.len() || lexed.terms[last].sentence != term.sentence {
                        break;
                    }
                    if n > 1 {
                        joined.push(' ');
                    }
                    joined.push_str(&terms[last]);
                    if touches_masked(&masked, i as u32, last as u32 + 1) {
                        continue;
                    }
                    let (start, end) = lexed.span(i as u32, last as u32 + 1);
                    out.push(Ngram {
                        text: joined.clone(),
                        start,
                        end,
                        sentence: (sentence.start, sentence.end),
                    });
                }
            }
            out
        })
    }

    /// The scoring parameters in force (defaults overridden by the packs'
    /// `[scoring]` tables), as `(name, value)` pairs.
    ///
    /// ```
    /// let params = empathize::Analyzer::new().scoring_parameters();
    /// let decay = params.iter().find(|(name, _)| *name == "decay").unwrap().1;
    /// assert!(decay > 0.0 && decay < 1.0);
    /// ```
    pub fn scoring_parameters(&self) -> Vec<(&'static str, f64)> {
        self.compiled.scoring.pairs()
    }

    /// The name of the base pack (its `[pack] name`).
    ///
    /// ```
    /// let analyzer = empathize::Analyzer::builder()
    ///     .pack("[pack]\nname = \"tiny\"\n")
    ///     .build()?;
    /// assert_eq!(analyzer.pack_name(), "tiny");
    /// # Ok::<(), empathize::RulePackError>(())
    /// ```
    pub fn pack_name(&self) -> &str {
        &self.compiled.name
    }

    /// The compiled packs, for the crate's other modules.
    pub(crate) fn compiled(&self) -> &Compiled {
        &self.compiled
    }

    /// How many token sequences the packs compiled into (a size measure).
    ///
    /// ```
    /// use empathize::Analyzer;
    /// let bigger = Analyzer::builder()
    ///     .extra_pack("[[rules]]\nid = \"warmth.aloha\"\ncategory = \"warmth\"\nweight = 0.8\npatterns = [\"aloha\"]\n")
    ///     .build()?;
    /// assert!(bigger.compiled_sequences() > Analyzer::new().compiled_sequences());
    /// # Ok::<(), empathize::RulePackError>(())
    /// ```
    pub fn compiled_sequences(&self) -> usize {
        self.compiled.sequences
    }
}

/// A learned weight table of the active packs, as `empathize rules list` shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct TableInfo {
    /// The table name (the first half of its matches' `rule`).
    pub name: String,
    /// What it predicts: `emotions`, `distress`, `strategies` or `epitome`.
    pub output: &'static str,
    /// Its targets, each with its bias and the weight of the rules' evidence.
    pub targets: Vec<(String, f64, f64)>,
    /// How many n-grams it weighs, over all targets.
    pub entries: usize,
    /// The data it was trained on.
    pub trained_on: String,
    /// The licence of that data.
    pub licence: String,
    /// The command that produced it.
    pub command: String,
    /// The score it reached on its training data.
    pub held_in: String,
    /// Its description.
    pub description: String,
    /// The pack it comes from.
    pub pack: String,
    /// The line of its `name` in that pack.
    pub line: Option<usize>,
}

/// An n-gram of normalized terms in a text, as learned tables read it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Ngram {
    /// The terms, one space apart (`i am so sorry`), as a table writes them.
    pub text: String,
    /// Byte offset of its start in the text.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// Byte span of the sentence it is in.
    pub sentence: (usize, usize),
}

/// Builds an [`Analyzer`] from rule packs.
#[derive(Debug, Clone, Default)]
pub struct AnalyzerBuilder {
    base: Option<(Option<String>, String)>,
    extras: Vec<(Option<String>, String)>,
    weights: Vec<(String, f64)>,
    disabled: Vec<String>,
    offsets: OffsetUnit,
}

impl AnalyzerBuilder {
    /// Replaces the default English pack with this one (TOML source).
    ///
    /// ```
    /// let analyzer = empathize::Analyzer::builder()
    ///     .pack(r#"
    ///         [[rules]]
    ///         id = "apology.sorry"
    ///         category = "apology"
    ///         weight = 1.0
    ///         patterns = ["sorry"]
    ///     "#)
    ///     .build()?;
    /// assert_eq!(analyzer.rules().len(), 1); // the English rules are gone
    /// assert_eq!(analyzer.score("Sorry!").matches[0].rule.as_ref(), "apology.sorry");
    /// # Ok::<(), empathize::RulePackError>(())
    /// ```
    pub fn pack(mut self, toml: impl Into<String>) -> Self {
        self.base = Some((None, toml.into()));
        self
    }

    /// Like [`pack`](Self::pack), with a name (e.g. the file name) that
    /// errors in the pack are reported under.
    ///
    /// ```
    /// let err = empathize::Analyzer::builder()
    ///     .pack_named("mine.toml", "[[rule]]\nid = 3")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("mine.toml"));
    /// ```
    pub fn pack_named(mut self, name: impl Into<String>, toml: impl Into<String>) -> Self {
        self.base = Some((Some(name.into()), toml.into()));
        self
    }

    /// Adds a pack on top of the base pack: new rules are added, rules with
    /// an existing id replace it, lexicons with an existing name extend it.
    ///
    /// ```
    /// use empathize::Analyzer;
    /// let analyzer = Analyzer::builder()
    ///     .extra_pack(r#"
    ///         [[rules]]
    ///         id = "apology.im_sorry"
    ///         category = "apology"
    ///         weight = 2.0
    ///         patterns = ["i am sorry"]
    ///     "#)
    ///     .build()?;
    /// let rule = analyzer.rules().into_iter().find(|r| r.id == "apology.im_sorry").unwrap();
    /// assert_eq!(rule.weight, 2.0); // replaced, not added
    /// assert_eq!(analyzer.rules().len(), Analyzer::new().rules().len());
    /// # Ok::<(), empathize::RulePackError>(())
    /// ```
    pub fn extra_pack(mut self, toml: impl Into<String>) -> Self {
        self.extras.push((None, toml.into()));
        self
    }

    /// Like [`extra_pack`](Self::extra_pack), with a name (e.g. the file
    /// name) that errors in the pack are reported under, instead of
    /// `extra pack #N`.
    ///
    /// ```
    /// let err = empathize::Analyzer::builder()
    ///     .extra_pack_named("team.toml", "[[rule]]\nid = 3")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("team.toml"));
    /// ```
    pub fn extra_pack_named(mut self, name: impl Into<String>, toml: impl Into<String>) -> Self {
        self.extras.push((Some(name.into()), toml.into()));
        self
    }

    /// Overrides the weight of a rule; an unknown rule id fails the build.
    ///
    /// ```
    /// use empathize::Analyzer;
    /// let analyzer = Analyzer::builder().weight("apology.im_sorry", 0.25).build()?;
    /// let rule = analyzer.rules().into_iter().find(|r| r.id == "apology.im_sorry").unwrap();
    /// assert_eq!(rule.weight, 0.25);
    /// assert!(Analyzer::builder().weight("apology.no_such_rule", 1.0).build().is_err());
    /// # Ok::<(), empathize::RulePackError>(())
    /// ```
    pub fn weight(mut self, rule_id: impl Into<String>, weight: f64) -> Self {
        self.weights.push((rule_id.into(), weight));
        self
    }

    /// Switches a rule off; an unknown rule id fails the build.
    ///
    /// ```
    /// use empathize::Analyzer;
    /// let analyzer = Analyzer::builder().disable("policy_wall.per_our_policy").build()?;
    /// assert!(analyzer.rules().iter().all(|r| r.id != "policy_wall.per_our_policy"));
    /// assert!(Analyzer::builder().disable("no.such_rule").build().is_err());
    /// # Ok::<(), empathize::RulePackError>(())
    /// ```
    pub fn disable(mut self, rule_id: impl Into<String>) -> Self {
        self.disabled.push(rule_id.into());
        self
    }

    /// Counts the spans of every report in `unit` instead of bytes, so that
    /// each language slices its own strings with them: code points for
    /// Python, UTF-16 code units for JavaScript.
    ///
    /// ```
    /// use empathize::{Analyzer, OffsetUnit};
    /// let analyzer = Analyzer::builder().offsets(OffsetUnit::Char).build()?;
    /// let text = "😭 I'm so sorry";
    /// let m = &analyzer.score(text).matches[0];
    /// let chars: Vec<char> = text.chars().collect();
    /// assert_eq!(chars[m.start..m.end].iter().collect::<String>(), m.text);
    /// # Ok::<(), empathize::RulePackError>(())
    /// ```
    pub fn offsets(mut self, unit: OffsetUnit) -> Self {
        self.offsets = unit;
        self
    }

    /// Compiles the packs. Fails with an error naming the rule, field and
    /// line on any problem in the packs or in the overrides.
    ///
    /// ```
    /// let err = empathize::Analyzer::builder()
    ///     .extra_pack("[[rules]]\nid = \"x.y\"\ncategory = \"bliss\"\nweight = 1.0\npatterns = [\"hi\"]\n")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!((err.rule(), err.field(), err.line()), (Some("x.y"), Some("category"), Some(3)));
    /// ```
    pub fn build(self) -> Result<Analyzer, RulePackError> {
        if self.base.is_none()
            && self.extras.is_empty()
            && self.weights.is_empty()
            && self.disabled.is_empty()
        {
            return Ok(Analyzer {
                offsets: self.offsets,
                ..Analyzer::new()
            });
        }
        let mut merged = match &self.base {
            Some((name, src)) => {
                let mut merged = MergedPack::default();
                merged.add(src, name.as_deref().unwrap_or("custom"))?;
                merged
            }
            None => default_merged()?,
        };
        for (i, (name, src)) in self.extras.iter().enumerate() {
            match name {
                Some(name) => merged.add(src, name)?,
                None => merged.add(src, &format!("extra pack #{}", i + 1))?,
            }
        }
        for (id, w) in &self.weights {
            merged.set_weight(id, *w)?;
        }
        for id in &self.disabled {
            merged.disable(id)?;
        }
        Ok(Analyzer {
            compiled: Arc::new(Compiled::compile(&merged)?),
            offsets: self.offsets,
        })
    }
}
