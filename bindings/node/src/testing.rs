//! Hooks for the test suite and the benchmarks, compiled only with the
//! `testing` feature (`npm run build:test`; published builds leave it out).

use std::time::Instant;

use empathize as core;
use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::Env;
use napi_derive::napi;
use rayon::prelude::*;

use crate::errors::run;
use crate::{args, ScoreMany};

/// Seconds to score `texts` natively `iterations` times on all cores (no
/// JS objects): the baseline the binding benchmarks compare against.
#[napi(js_name = "_benchNative")]
pub fn bench_native(
    env: &Env,
    #[napi(ts_arg_type = "Array<string>")] texts: Unknown<'_>,
    iterations: u32,
) -> napi::Result<f64> {
    run(env, || {
        let texts = args::strings(texts, "texts")?;
        let analyzer = core::Analyzer::new();
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
        let mut task = ScoreMany::new(core::Analyzer::new(), args::strings(texts, "texts")?, None);
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
