//! Hooks for the test suite and the benchmarks, compiled only with the
//! `testing` feature (`npm run build:test`; published builds leave it out).

use std::time::Instant;

use empathize as core;
use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::{Env, JsValue};
use napi_derive::napi;
use rayon::prelude::*;

use crate::errors::{run, Failure};
use crate::reference::to_json;
use crate::{args, score_reports, score_summaries, ScoreMany};

/// What `new Analyzer()` builds.
fn default_analyzer() -> core::Analyzer {
    core::Analyzer::builder()
        .offsets(core::OffsetUnit::Utf16)
        .build()
        .expect("the default pack builds")
}

/// The reference transfer: what `new Analyzer()[method](first, second)`
/// returns, as the JSON text of the core's serde output with camelCase
/// fields (one `JSON.parse` gives the objects). The tests compare the
/// binding's reports with it.
#[napi(js_name = "_referenceJson")]
pub fn reference_json(
    env: &Env,
    method: String,
    first: Option<Unknown<'_>>,
    second: Option<Unknown<'_>>,
) -> napi::Result<String> {
    run(env, || {
        let analyzer = default_analyzer();
        fn arg<'v>(value: Option<Unknown<'v>>) -> Result<Unknown<'v>, Failure> {
            value.ok_or_else(|| Failure::Value("the method needs an argument".into()))
        }
        match method.as_str() {
            "score" => {
                let text = args::string(arg(first)?, || "text".into())?;
                let customer = args::optional_string(second, || "customer".into())?;
                match customer {
                    Some(customer) => to_json(&analyzer.score_reply(&customer, &text)),
                    None => to_json(&analyzer.score(&text)),
                }
            }
            "scoreMany" => {
                let texts = args::strings(arg(first)?, "texts")?;
                let customers = args::optional_strings(second, "customers")?;
                to_json(&score_reports(&analyzer, &texts, customers.as_deref())?)
            }
            "scoreSummary" => {
                let text = args::string(arg(first)?, || "text".into())?;
                let customer = args::optional_string(second, || "customer".into())?;
                match customer {
                    Some(customer) => to_json(&analyzer.score_reply_summary(&customer, &text)),
                    None => to_json(&analyzer.score_summary(&text)),
                }
            }
            "analyzeCustomer" => {
                to_json(&analyzer.analyze_customer(&args::string(arg(first)?, || "text".into())?))
            }
            "analyzeConversation" => {
                to_json(&analyzer.analyze_conversation(&args::turns(arg(first)?)?))
            }
            "tokenize" => {
                to_json(&analyzer.tokenize(&args::string(arg(first)?, || "text".into())?))
            }
            "rules" => to_json(&analyzer.rules()),
            other => Err(Failure::Value(format!("no reference for {other}"))),
        }
    })
}

/// Seconds to score `texts` natively `iterations` times on all cores (no
/// JS objects): the baseline the binding benchmarks compare against.
/// `summary`: the summaries (`score_summary`) instead of the full reports.
#[napi(js_name = "_benchNative")]
pub fn bench_native(
    env: &Env,
    #[napi(ts_arg_type = "Array<string>")] texts: Unknown<'_>,
    iterations: u32,
    summary: Option<bool>,
) -> napi::Result<f64> {
    run(env, || {
        let texts = args::strings(texts, "texts")?;
        let analyzer = core::Analyzer::new();
        let mut seconds = 0.0;
        for _ in 0..iterations {
            let start = Instant::now();
            if summary.unwrap_or(false) {
                let batch = score_summaries(&analyzer, &texts, None)?;
                seconds += start.elapsed().as_secs_f64();
                drop(batch);
            } else {
                let batch = analyzer.score_batch(&texts);
                seconds += start.elapsed().as_secs_f64();
                drop(batch);
            }
        }
        Ok(seconds)
    })
}

/// Panics on the JS thread (or on a pool worker): the error must reach JS
/// as an `Error` with code `INTERNAL`.
#[napi(js_name = "_testPanic")]
pub fn test_panic(env: &Env, in_pool: Option<bool>) -> napi::Result<()> {
    run(env, || injected_panic(in_pool.unwrap_or(false)))
}

/// `scoreManyAsync` whose task panics (on a pool worker when `inPool`).
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
        let texts = crate::texts::strings(env, texts, "texts")?;
        let mut task = ScoreMany::new(core::Analyzer::new(), texts, None);
        task.injected_panic = Some(in_pool.unwrap_or(false));
        Ok(AsyncTask::new(task))
    })
}

pub(crate) fn injected_panic(in_pool: bool) -> ! {
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

/// One `score` call cut short after a stage, for the benchmarks: `0` scores
/// (returns the score), `1` also encodes (returns the number of ops), `2`
/// also decodes (returns the report, as `score`); `3` sends only the score
/// through the transfer (its fixed cost).
#[napi(js_name = "_benchStage")]
pub fn bench_stage<'env>(
    env: &'env Env,
    analyzer: &crate::Analyzer,
    text: String,
    stage: u32,
) -> napi::Result<Unknown<'env>> {
    run(env, || {
        let report = analyzer.inner.score(&text);
        Ok(match stage {
            0 => env.create_double(report.score)?.to_unknown(),
            1 => {
                let ops = crate::transport::encode(&report)?.ops();
                env.create_double(ops as f64)?.to_unknown()
            }
            3 => crate::transport::to_js(env, crate::transport::encode(&report.score)?)?,
            _ => crate::transport::to_js(env, crate::transport::encode(&report)?)?,
        })
    })
}

/// `scoreMany` cut short after a stage, as [`bench_stage`]: `0` scores
/// (returns the number of reports), `1` also encodes (returns the number of
/// ops), `2` also decodes (returns the reports, as `scoreMany`). `summary`:
/// as `scoreMany(texts, { summary: true })`.
#[napi(js_name = "_benchManyStage")]
pub fn bench_many_stage<'env>(
    env: &'env Env,
    analyzer: &crate::Analyzer,
    texts: Vec<String>,
    stage: u32,
    summary: Option<bool>,
) -> napi::Result<Unknown<'env>> {
    run(env, || {
        if summary.unwrap_or(false) {
            let summaries = score_summaries(&analyzer.inner, &texts, None)?;
            many_stage(env, &summaries, stage)
        } else {
            let reports = score_reports(&analyzer.inner, &texts, None)?;
            many_stage(env, &reports, stage)
        }
    })
}

fn many_stage<'env, T: serde::Serialize + Sync>(
    env: &'env Env,
    reports: &[T],
    stage: u32,
) -> Result<Unknown<'env>, Failure> {
    Ok(match stage {
        0 => env.create_double(reports.len() as f64)?.to_unknown(),
        1 => {
            let ops = crate::transport::encode_batch(reports)?.ops();
            env.create_double(ops as f64)?.to_unknown()
        }
        _ => crate::transport::to_js(env, crate::transport::encode_batch(reports)?)?,
    })
}

/// `new Analyzer().scoreMany(texts)` with the transfer cut into segments of
/// about `limit` string bytes or `limit` ops each (the real limits are 128 MB
/// and 16 M ops), for the tests of multi-segment decoding:
/// `[segments, reports]`.
#[napi(js_name = "_scoreManyInSegments")]
pub fn score_many_in_segments<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "Array<string>")] texts: Unknown<'_>,
    limit: u32,
) -> napi::Result<Vec<Unknown<'env>>> {
    run(env, || {
        let texts = args::strings(texts, "texts")?;
        let reports = score_reports(&default_analyzer(), &texts, None)?;
        let limit = limit as usize;
        let encoded =
            crate::transport::encode_each_cut_at(reports.len(), |i| &reports[i], limit, limit)?;
        let segments = env.create_double(encoded.segments() as f64)?.to_unknown();
        Ok(vec![segments, crate::transport::to_js(env, encoded)?])
    })
}

/// What `decode.js` is called with for `scoreMany(texts, { summary })`, as
/// an array `[tables, single, ops, length, strings, count, more]`, with the
/// tables of every shape and static string (as a fresh environment gets
/// them): for benchmarks of the decoder alone (bench/decode.mjs).
#[napi(js_name = "_decodeArgs")]
pub fn decode_args<'env>(
    env: &'env Env,
    analyzer: &crate::Analyzer,
    texts: Vec<String>,
    summary: Option<bool>,
) -> napi::Result<Unknown<'env>> {
    run(env, || {
        let encoded = if summary.unwrap_or(false) {
            crate::transport::encode_batch(&score_summaries(&analyzer.inner, &texts, None)?)?
        } else {
            crate::transport::encode_batch(&score_reports(&analyzer.inner, &texts, None)?)?
        };
        crate::transport::decode_args(env, encoded)
    })
}

/// Reads `texts` as `scoreMany` does (`texts.rs`), or one by one as
/// before (`oneByOne`), for the benchmarks: the bytes of the texts read.
#[napi(js_name = "_benchReadTexts")]
pub fn bench_read_texts(
    env: &Env,
    #[napi(ts_arg_type = "Array<string>")] texts: Unknown<'_>,
    one_by_one: Option<bool>,
) -> napi::Result<f64> {
    run(env, || {
        let texts = read_texts(env, texts, one_by_one.unwrap_or(false))?;
        Ok((0..texts.len()).map(|i| texts.get(i).len()).sum::<usize>() as f64)
    })
}

/// The texts as `scoreMany` reads them (or one by one, `oneByOne`), back as
/// JS strings: for the tests that compare the two readings.
#[napi(js_name = "_readTexts")]
pub fn read_texts_back(
    env: &Env,
    #[napi(ts_arg_type = "Array<string>")] texts: Unknown<'_>,
    one_by_one: Option<bool>,
) -> napi::Result<Vec<String>> {
    run(env, || {
        let texts = read_texts(env, texts, one_by_one.unwrap_or(false))?;
        Ok((0..texts.len()).map(|i| texts.get(i).to_string()).collect())
    })
}

fn read_texts(
    env: &Env,
    texts: Unknown<'_>,
    one_by_one: bool,
) -> Result<crate::texts::Texts, Failure> {
    if one_by_one {
        Ok(crate::texts::Texts::from_strings(args::strings(
            texts, "texts",
        )?))
    } else {
        crate::texts::strings(env, texts, "texts")
    }
}
