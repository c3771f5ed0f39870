//! Node.js bindings for `empathize` (the npm package `empathize`).
//!
//! A thin layer: arguments are read from JS (`args.rs`), the core does all the
//! work with spans in UTF-16 code units, and reports reach JS as the objects
//! `JSON.parse` would make of the core's serde output with camelCase fields,
//! through an op tape and a JS decoder (`tape.rs`, `transport.rs`). Failures
//! become JS errors with a `code` (`errors.rs`); panics are caught at every
//! entry point. The module functions (`score`, …) are JS over a default
//! `Analyzer` (see `index.js`); the TypeScript types of the reports are
//! generated from the core (`src/header.d.ts`).

mod args;
mod camel;
mod errors;
#[cfg(any(test, feature = "testing"))]
mod reference;
mod tape;
#[cfg(feature = "testing")]
pub mod testing;
mod texts;
mod transport;

use empathize as core;
use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::{Env, ScopedTask};
use napi_derive::napi;
#[cfg(feature = "testing")]
use rayon::prelude::*;

use crate::errors::{catch, run, Failure, Outcome};
use crate::texts::Texts;
use crate::transport::Encoded;

/// Scores `texts` (against `customers`, one per text, when given) on all
/// cores, as full reports or as summaries, encoded for one JS array (each
/// report encoded by the worker that made it).
fn score_many(
    analyzer: &core::Analyzer,
    texts: &Texts,
    customers: Option<&Texts>,
    summary: bool,
) -> Outcome<Encoded> {
    check_customers(texts.len(), customers.map(Texts::len))?;
    let n = texts.len();
    let text = |i| texts.get(i);
    match (customers, summary) {
        (None, false) => transport::encode_each(n, |i| analyzer.score(text(i))),
        (Some(c), false) => transport::encode_each(n, |i| analyzer.score_reply(c.get(i), text(i))),
        (None, true) => transport::encode_each(n, |i| analyzer.score_summary(text(i))),
        (Some(c), true) => {
            transport::encode_each(n, |i| analyzer.score_reply_summary(c.get(i), text(i)))
        }
    }
}

/// One customer message per text (given `texts` texts and `customers`
/// customer messages, if any), or an error that says so.
fn check_customers(texts: usize, customers: Option<usize>) -> Outcome<()> {
    match customers {
        Some(customers) if customers != texts => Err(Failure::Value(format!(
            "`customers` has {customers} entries but `texts` has {texts}: give one customer message per reply",
        ))),
        _ => Ok(()),
    }
}

/// The reports of [`score_many`] (for the test hooks).
#[cfg(feature = "testing")]
pub(crate) fn score_reports(
    analyzer: &core::Analyzer,
    texts: &[String],
    customers: Option<&[String]>,
) -> Outcome<Vec<core::MessageReport>> {
    check_customers(texts.len(), customers.map(<[String]>::len))?;
    Ok(match customers {
        None => analyzer.score_batch(texts),
        Some(customers) => {
            let pairs: Vec<(&str, &str)> = customers
                .iter()
                .zip(texts)
                .map(|(c, t)| (c.as_str(), t.as_str()))
                .collect();
            analyzer.score_reply_batch(&pairs)
        }
    })
}

/// The summaries of [`score_many`] with `summary: true`, in input order
/// (for the test hooks).
#[cfg(feature = "testing")]
pub(crate) fn score_summaries(
    analyzer: &core::Analyzer,
    texts: &[String],
    customers: Option<&[String]>,
) -> Outcome<Vec<core::ReplySummary>> {
    check_customers(texts.len(), customers.map(<[String]>::len))?;
    Ok(match customers {
        None => texts
            .par_iter()
            .map(|t| analyzer.score_summary(t))
            .collect(),
        Some(customers) => customers
            .par_iter()
            .zip(texts)
            .map(|(c, t)| analyzer.score_reply_summary(c, t))
            .collect(),
    })
}

/// A reply's report, or its summary, encoded for JS.
fn score_one(
    analyzer: &core::Analyzer,
    customer: Option<&str>,
    text: &str,
    summary: bool,
) -> Outcome<Encoded> {
    match (customer, summary) {
        (None, false) => transport::encode(&analyzer.score(text)),
        (Some(c), false) => transport::encode(&analyzer.score_reply(c, text)),
        (None, true) => transport::encode(&analyzer.score_summary(text)),
        (Some(c), true) => transport::encode(&analyzer.score_reply_summary(c, text)),
    }
}

fn text_arg(value: Unknown<'_>, name: &'static str) -> Outcome<String> {
    args::string(value, || name.to_string())
}

/// The TOML text of a bundled opt-in pack (e.g. `"esconv-strategies"`,
/// non-commercial), for `new Analyzer({ extraRules })`. An unknown name
/// throws `INVALID_ARG` naming the bundled packs.
#[napi]
pub fn pack(env: &Env, #[napi(ts_arg_type = "string")] name: Unknown<'_>) -> napi::Result<String> {
    run(env, || {
        let name = text_arg(name, "name")?;
        empathize::packs::get(&name)
            .map(str::to_string)
            .ok_or_else(|| {
                Failure::Value(format!(
                    "no bundled pack named {name:?}; bundled packs: {}",
                    empathize::packs::names().join(", ")
                ))
            })
    })
}

/// Compiled rule packs. `new Analyzer()` uses the default English pack
/// (compiled once per process, so it is cheap); give `rules`, `extraRules`
/// or `disable` to change it. A malformed pack throws an `Error` with code
/// `RULE_PACK` naming the rule, field and line.
///
/// Reports are plain objects; every span is in UTF-16 code units, so
/// `text.slice(m.start, m.end) === m.text`.
#[napi]
pub struct Analyzer {
    inner: core::Analyzer,
}

#[napi]
impl Analyzer {
    #[napi(constructor)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "AnalyzerOptions")] options: Option<Unknown<'_>>,
    ) -> napi::Result<Self> {
        run(env, || {
            let options = args::analyzer_options(options)?;
            let mut builder = core::Analyzer::builder().offsets(core::OffsetUnit::Utf16);
            if let Some(pack) = options.rules {
                builder = builder.pack(pack);
            }
            match options.extra_rules {
                Some(napi::Either::A(pack)) => builder = builder.extra_pack(pack),
                Some(napi::Either::B(packs)) => {
                    for pack in packs {
                        builder = builder.extra_pack(pack);
                    }
                }
                None => {}
            }
            for id in options.disable.unwrap_or_default() {
                builder = builder.disable(id);
            }
            Ok(Analyzer {
                inner: builder.build()?,
            })
        })
    }

    // The four scoring methods are typed in `src/api.d.ts` (overloads:
    // `{ summary: true }` gives `ReplySummary`), not from here.

    /// Scores an agent reply. Give the customer message it answers as
    /// `{ customer }` to make acknowledgment count when the customer is
    /// upset; `{ summary: true }` returns a `ReplySummary` (no matches,
    /// evidence or breakdown).
    #[napi(skip_typescript)]
    pub fn score<'env>(
        &self,
        env: &'env Env,
        text: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Unknown<'env>> {
        run(env, || {
            let text = text_arg(text, "text")?;
            let options = args::scoring_options(options, "score", Some("customer"))?;
            let customer = args::optional_string(options.context, || "customer".to_string())?;
            let encoded = score_one(&self.inner, customer.as_deref(), &text, options.summary)?;
            transport::to_js(env, encoded)
        })
    }

    /// Scores an agent `reply` to a `customer` message; `{ summary: true }`
    /// returns a `ReplySummary`.
    #[napi(skip_typescript)]
    pub fn score_reply<'env>(
        &self,
        env: &'env Env,
        customer: Unknown<'_>,
        reply: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Unknown<'env>> {
        run(env, || {
            let customer = text_arg(customer, "customer")?;
            let reply = text_arg(reply, "reply")?;
            let options = args::scoring_options(options, "scoreReply", None)?;
            let encoded = score_one(&self.inner, Some(&customer), &reply, options.summary)?;
            transport::to_js(env, encoded)
        })
    }

    /// Scores many replies on all cores, in input order; `{ customers }`
    /// gives the customer message of each, `{ summary: true }` returns
    /// `ReplySummary` reports.
    #[napi(skip_typescript)]
    pub fn score_many<'env>(
        &self,
        env: &'env Env,
        texts: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Unknown<'env>> {
        run(env, || {
            let texts = texts::strings(env, texts, "texts")?;
            let options = args::scoring_options(options, "scoreMany", Some("customers"))?;
            let customers = texts::optional_strings(env, options.context, "customers")?;
            let encoded = score_many(&self.inner, &texts, customers.as_ref(), options.summary)?;
            transport::to_js(env, encoded)
        })
    }

    /// Like `scoreMany`, off the main thread: the Promise resolves with the
    /// reports.
    #[napi(skip_typescript)]
    pub fn score_many_async(
        &self,
        env: &Env,
        texts: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<AsyncTask<ScoreMany>> {
        run(env, || {
            let texts = texts::strings(env, texts, "texts")?;
            let options = args::scoring_options(options, "scoreManyAsync", Some("customers"))?;
            let customers = texts::optional_strings(env, options.context, "customers")?;
            let mut task = ScoreMany::new(self.inner.clone(), texts, customers);
            task.summary = options.summary;
            Ok(AsyncTask::new(task))
        })
    }

    /// Reads a customer message: distress, emotions, escalation, repetition.
    #[napi(ts_return_type = "CustomerReport")]
    pub fn analyze_customer<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] text: Unknown<'_>,
    ) -> napi::Result<Unknown<'env>> {
        run(env, || {
            let text = text_arg(text, "text")?;
            let report = self.inner.analyze_customer(&text);
            transport::to_js(env, transport::encode(&report)?)
        })
    }

    /// Analyzes a conversation: late empathy, missed opportunities, scripted
    /// repetition, per-agent summaries.
    #[napi(ts_return_type = "ConversationReport")]
    pub fn analyze_conversation<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "Array<Turn>")] turns: Unknown<'_>,
    ) -> napi::Result<Unknown<'env>> {
        run(env, || {
            let turns = args::turns(turns)?;
            let report = self.inner.analyze_conversation(&turns);
            transport::to_js(env, transport::encode(&report)?)
        })
    }

    /// Splits text into tokens with UTF-16 offsets, normalized forms,
    /// sentence indices and negation scope.
    #[napi(ts_return_type = "Array<Token>")]
    pub fn tokenize<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] text: Unknown<'_>,
    ) -> napi::Result<Unknown<'env>> {
        run(env, || {
            let text = text_arg(text, "text")?;
            let tokens = self.inner.tokenize(&text);
            transport::to_js(env, transport::encode(&tokens)?)
        })
    }

    /// The rules of the active packs.
    #[napi(ts_return_type = "Array<RuleInfo>")]
    pub fn rules<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        run(env, || {
            transport::to_js(env, transport::encode(&self.inner.rules())?)
        })
    }
}

/// `scoreManyAsync`: scores and encodes on the pool, decodes on the JS thread.
pub struct ScoreMany {
    analyzer: core::Analyzer,
    texts: Texts,
    customers: Option<Texts>,
    /// Summaries instead of full reports.
    summary: bool,
    /// Test builds: panic inside the task (on a pool worker when true).
    #[cfg(feature = "testing")]
    pub(crate) injected_panic: Option<bool>,
}

impl ScoreMany {
    fn new(analyzer: core::Analyzer, texts: Texts, customers: Option<Texts>) -> Self {
        ScoreMany {
            analyzer,
            texts,
            customers,
            summary: false,
            #[cfg(feature = "testing")]
            injected_panic: None,
        }
    }
}

impl<'task> ScopedTask<'task> for ScoreMany {
    type Output = Outcome<Encoded>;
    type JsValue = Unknown<'task>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let texts = std::mem::take(&mut self.texts);
        let customers = self.customers.take();
        #[cfg(feature = "testing")]
        let inject = self.injected_panic;
        Ok(catch(|| {
            #[cfg(feature = "testing")]
            if let Some(in_pool) = inject {
                testing::injected_panic(in_pool);
            }
            score_many(&self.analyzer, &texts, customers.as_ref(), self.summary)
        }))
    }

    fn resolve(&mut self, env: &'task Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        // Errors are built here, on the JS thread, where JS objects can be made.
        run(env, || transport::to_js(env, output?))
    }
}
