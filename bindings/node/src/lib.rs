//! Node.js bindings for `empathize` (the npm package `empathize`).
//!
//! A thin layer: arguments are read from JS ([`args`]), the core does all the
//! work, reports are copied into camelCase structs ([`reports`]) with spans
//! in UTF-16 code units and handed to JS as plain objects ([`transport`]).
//! Failures become JS errors with a `code` ([`errors`]); panics are caught at
//! every entry point.

mod args;
mod errors;
mod reports;
mod transport;
#[cfg(test)]
mod vocabulary;

use std::time::Instant;

use empathize as core;
use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::{Env, ScopedTask};
use napi_derive::napi;
use rayon::prelude::*;

use crate::errors::{catch, run, Failure, Outcome};
use crate::transport::JsonBatch;

// ---------------------------------------------------------------------------
// The operations, shared by the module functions, the class and the async
// task. Each returns JSON of the report structs of `reports`.

fn score_one(analyzer: &core::Analyzer, text: &str, customer: Option<&str>) -> Outcome<String> {
    let report = match customer {
        Some(customer) => analyzer.score_reply(customer, text),
        None => analyzer.score(text),
    };
    transport::to_json(&reports::message_report(report, text))
}

fn score_many(
    analyzer: &core::Analyzer,
    texts: &[String],
    customers: Option<&[String]>,
) -> Outcome<JsonBatch> {
    let batch = match customers {
        None => analyzer.score_batch(texts),
        Some(customers) if customers.len() == texts.len() => {
            let pairs: Vec<(&str, &str)> = customers
                .iter()
                .zip(texts)
                .map(|(c, t)| (c.as_str(), t.as_str()))
                .collect();
            analyzer.score_reply_batch(&pairs)
        }
        Some(customers) => {
            return Err(Failure::Value(format!(
            "`customers` has {} entries but `texts` has {}: give one customer message per reply",
            customers.len(),
            texts.len()
        )))
        }
    };
    let reports: Vec<reports::MessageReport> = batch
        .into_par_iter()
        .zip(texts.par_iter())
        .map(|(report, text)| reports::message_report(report, text))
        .collect();
    JsonBatch::new(&reports)
}

fn analyze_customer_one(analyzer: &core::Analyzer, text: &str) -> Outcome<String> {
    transport::to_json(&reports::customer_report(
        analyzer.analyze_customer(text),
        text,
    ))
}

fn analyze_conversation_one(analyzer: &core::Analyzer, turns: &[core::Turn]) -> Outcome<String> {
    transport::to_json(&reports::conversation_report(
        analyzer.analyze_conversation(turns),
        turns,
    ))
}

fn tokenize_one(analyzer: &core::Analyzer, text: &str) -> Outcome<String> {
    transport::to_json(&reports::tokens(analyzer.tokenize(text), text))
}

fn text_arg(value: Unknown<'_>, name: &'static str) -> Outcome<String> {
    args::string(value, || name.to_string())
}

fn customer_arg(value: Option<Unknown<'_>>) -> Outcome<Option<String>> {
    args::optional_string(value, || "customer".to_string())
}

/// The analyzer with the default English pack, compiled on first use and
/// shared by the whole process.
fn default_analyzer() -> core::Analyzer {
    core::Analyzer::new()
}

// ---------------------------------------------------------------------------
// Module functions (default English pack).

/// Scores an agent reply with the default English pack; give the customer
/// message it answers as `customer` to make acknowledgment count when the
/// customer is upset.
///
/// ```js
/// const r = score("Nope.", "My order is late and I'm furious!");
/// r.score;            // low
/// r.flags;            // ['curt', ...]
/// r.tips[0].message;  // what to do instead
/// ```
#[napi(ts_return_type = "MessageReport")]
pub fn score<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "string")] text: Unknown<'_>,
    #[napi(ts_arg_type = "string | null")] customer: Option<Unknown<'_>>,
) -> napi::Result<Unknown<'env>> {
    run(env, || {
        let text = text_arg(text, "text")?;
        let customer = customer_arg(customer)?;
        transport::parse(
            env,
            score_one(&default_analyzer(), &text, customer.as_deref())?,
        )
    })
}

/// Scores `reply` as an answer to the customer message `customer` (default
/// English pack). Same as `score(reply, customer)`.
#[napi(ts_return_type = "MessageReport")]
pub fn score_reply<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "string")] customer: Unknown<'_>,
    #[napi(ts_arg_type = "string")] reply: Unknown<'_>,
) -> napi::Result<Unknown<'env>> {
    run(env, || {
        let customer = text_arg(customer, "customer")?;
        let reply = text_arg(reply, "reply")?;
        transport::parse(
            env,
            score_one(&default_analyzer(), &reply, Some(&customer))?,
        )
    })
}

/// Reads a customer message: distress, emotions, escalation, repetition
/// (default English pack).
#[napi(ts_return_type = "CustomerReport")]
pub fn analyze_customer<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "string")] text: Unknown<'_>,
) -> napi::Result<Unknown<'env>> {
    run(env, || {
        let text = text_arg(text, "text")?;
        transport::parse(env, analyze_customer_one(&default_analyzer(), &text)?)
    })
}

/// Analyzes a conversation (default English pack): late empathy, missed
/// opportunities, scripted repetition, question streaks, resolution,
/// per-agent summaries, and every turn's report.
#[napi(ts_return_type = "ConversationReport")]
pub fn analyze_conversation<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "Array<Turn>")] turns: Unknown<'_>,
) -> napi::Result<Unknown<'env>> {
    run(env, || {
        let turns = args::turns(turns)?;
        transport::parse(env, analyze_conversation_one(&default_analyzer(), &turns)?)
    })
}

/// Splits text into tokens with normalized forms, sentence indices and
/// negation scope (default English pack).
#[napi(ts_return_type = "Array<Token>")]
pub fn tokenize<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "string")] text: Unknown<'_>,
) -> napi::Result<Unknown<'env>> {
    run(env, || {
        let text = text_arg(text, "text")?;
        transport::parse(env, tokenize_one(&default_analyzer(), &text)?)
    })
}

/// The TOML text of a bundled opt-in pack, for `new Analyzer({ extraRules })`.
/// `esconv-strategies` is learned from ESConv (CC BY-NC 4.0): for
/// non-commercial use only. Throws (code `INVALID_ARG`) for an unknown name.
/// A name that is not a string throws a `TypeError` (code `INVALID_ARG_TYPE`),
/// like every other function of this package.
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

/// @internal Benchmark helper: seconds spent in the native `score_batch` over
/// `iterations` runs on `texts` (default pack), without any JS conversion.
/// Not part of the API; used by `bench/bench.mjs` to compare with `scoreMany`.
#[napi(js_name = "_benchNative")]
pub fn bench_native(
    env: &Env,
    #[napi(ts_arg_type = "Array<string>")] texts: Unknown<'_>,
    iterations: u32,
) -> napi::Result<f64> {
    run(env, || {
        let texts = args::strings(texts, "texts")?;
        let analyzer = default_analyzer();
        let mut seconds = 0.0;
        for _ in 0..iterations {
            let start = Instant::now();
            let batch = analyzer.score_batch(&texts);
            seconds += start.elapsed().as_secs_f64();
            drop(batch);
        }
        Ok(seconds)
    })
}

/// @internal Test helper, not API: panics in Rust, to prove a panic reaches
/// JS as an `Error` with `code === 'INTERNAL'` and not as a crash. With
/// `inPool`, the panic happens on a worker of the pool `scoreMany` uses.
#[napi(js_name = "_testPanic")]
pub fn test_panic(env: &Env, in_pool: Option<bool>) -> napi::Result<()> {
    run(env, || injected_panic(in_pool.unwrap_or(false)))
}

/// @internal Test helper, not API: `scoreManyAsync` on `texts` with a panic
/// injected in its off-thread work (on a pool worker with `inPool`); the
/// Promise must reject with `code === 'INTERNAL'`.
#[napi(
    js_name = "_testPanicAsync",
    ts_return_type = "Promise<Array<MessageReport>>"
)]
pub fn test_panic_async(
    env: &Env,
    #[napi(ts_arg_type = "Array<string>")] texts: Unknown<'_>,
    in_pool: Option<bool>,
) -> napi::Result<AsyncTask<ScoreMany>> {
    run(env, || {
        Ok(AsyncTask::new(ScoreMany {
            analyzer: default_analyzer(),
            texts: args::strings(texts, "texts")?,
            customers: None,
            injected_panic: Some(in_pool.unwrap_or(false)),
        }))
    })
}

/// The failure the test helpers inject: a panic on the current thread, or on
/// a worker of rayon's global pool (the one batches use), which rayon carries
/// back to the caller.
fn injected_panic(in_pool: bool) -> ! {
    if in_pool {
        (0..64).into_par_iter().for_each(|i| {
            if i == 37 {
                panic!(
                    "test panic on pool worker {:?}",
                    rayon::current_thread_index()
                );
            }
        });
    }
    panic!("test panic")
}

// ---------------------------------------------------------------------------
// The class.

/// Compiled rule packs: the default English pack, a replacement pack, extra
/// packs, disabled rules. Immutable and cheap to share; build one per
/// configuration and reuse it.
///
/// ```js
/// const analyzer = new Analyzer({ extraRules: myPackToml, disable: ['warmth.hello'] });
/// const report = analyzer.scoreReply(customerMessage, draftReply);
/// ```
#[napi]
pub struct Analyzer {
    inner: core::Analyzer,
}

#[napi]
impl Analyzer {
    /// Compiles the packs. Throws an `Error` with `code === 'RULE_PACK'` (and
    /// `rule`, `field`, `line`, `pack` properties) when a pack is malformed or
    /// a disabled rule does not exist.
    #[napi(constructor)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "AnalyzerOptions")] options: Option<Unknown<'_>>,
    ) -> napi::Result<Self> {
        run(env, || {
            let options = args::analyzer_options(options)?;
            let mut builder = core::Analyzer::builder();
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

    /// Scores an agent reply, optionally as an answer to the customer
    /// message `customer`.
    #[napi(ts_return_type = "MessageReport")]
    pub fn score<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] text: Unknown<'_>,
        #[napi(ts_arg_type = "string | null")] customer: Option<Unknown<'_>>,
    ) -> napi::Result<Unknown<'env>> {
        run(env, || {
            let text = text_arg(text, "text")?;
            let customer = customer_arg(customer)?;
            transport::parse(env, score_one(&self.inner, &text, customer.as_deref())?)
        })
    }

    /// Scores `reply` as an answer to the customer message `customer`.
    #[napi(ts_return_type = "MessageReport")]
    pub fn score_reply<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] customer: Unknown<'_>,
        #[napi(ts_arg_type = "string")] reply: Unknown<'_>,
    ) -> napi::Result<Unknown<'env>> {
        run(env, || {
            let customer = text_arg(customer, "customer")?;
            let reply = text_arg(reply, "reply")?;
            transport::parse(env, score_one(&self.inner, &reply, Some(&customer))?)
        })
    }

    /// Scores many replies on all cores, blocking the event loop until done;
    /// `customers[i]`, when given, is the message `texts[i]` answers (same
    /// length). Reports come back in input order.
    #[napi(ts_return_type = "Array<MessageReport>")]
    pub fn score_many<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "Array<string>")] texts: Unknown<'_>,
        #[napi(ts_arg_type = "Array<string> | null")] customers: Option<Unknown<'_>>,
    ) -> napi::Result<Unknown<'env>> {
        run(env, || {
            let texts = args::strings(texts, "texts")?;
            let customers = args::optional_strings(customers, "customers")?;
            transport::parse_batch(env, score_many(&self.inner, &texts, customers.as_deref())?)
        })
    }

    /// Like `scoreMany`, but scores off the main thread and resolves a
    /// Promise: the event loop keeps running meanwhile. Arguments are checked
    /// (and copied) synchronously, so bad arguments throw right away.
    #[napi(ts_return_type = "Promise<Array<MessageReport>>")]
    pub fn score_many_async(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "Array<string>")] texts: Unknown<'_>,
        #[napi(ts_arg_type = "Array<string> | null")] customers: Option<Unknown<'_>>,
    ) -> napi::Result<AsyncTask<ScoreMany>> {
        run(env, || {
            let texts = args::strings(texts, "texts")?;
            let customers = args::optional_strings(customers, "customers")?;
            Ok(AsyncTask::new(ScoreMany {
                analyzer: self.inner.clone(),
                texts,
                customers,
                injected_panic: None,
            }))
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
            transport::parse(env, analyze_customer_one(&self.inner, &text)?)
        })
    }

    /// Analyzes a conversation.
    #[napi(ts_return_type = "ConversationReport")]
    pub fn analyze_conversation<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "Array<Turn>")] turns: Unknown<'_>,
    ) -> napi::Result<Unknown<'env>> {
        run(env, || {
            let turns = args::turns(turns)?;
            transport::parse(env, analyze_conversation_one(&self.inner, &turns)?)
        })
    }

    /// Splits text into tokens.
    #[napi(ts_return_type = "Array<Token>")]
    pub fn tokenize<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] text: Unknown<'_>,
    ) -> napi::Result<Unknown<'env>> {
        run(env, || {
            let text = text_arg(text, "text")?;
            transport::parse(env, tokenize_one(&self.inner, &text)?)
        })
    }

    /// The rules of the active packs.
    #[napi(ts_return_type = "Array<RuleInfo>")]
    pub fn rules<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        run(env, || {
            let json = transport::to_json(&reports::rules(self.inner.rules()))?;
            transport::parse(env, json)
        })
    }
}

/// The work of `scoreManyAsync`: scoring and serialization run on a libuv
/// worker thread (and rayon's pool); the JS thread only parses the result.
pub struct ScoreMany {
    analyzer: core::Analyzer,
    texts: Vec<String>,
    customers: Option<Vec<String>>,
    /// Set only by `_testPanicAsync`: panic inside `compute` (on a pool
    /// worker when `true`).
    injected_panic: Option<bool>,
}

impl<'task> ScopedTask<'task> for ScoreMany {
    type Output = Outcome<JsonBatch>;
    type JsValue = Unknown<'task>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let texts = std::mem::take(&mut self.texts);
        let customers = self.customers.take();
        let inject = self.injected_panic;
        Ok(catch(|| {
            if let Some(in_pool) = inject {
                injected_panic(in_pool);
            }
            score_many(&self.analyzer, &texts, customers.as_deref())
        }))
    }

    fn resolve(&mut self, env: &'task Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        // Errors are built here, on the JS thread, where JS objects can be made.
        run(env, || transport::parse_batch(env, output?))
    }
}
