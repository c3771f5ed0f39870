//! Prints the core's speed on the real corpus in `../shared/data`:
//! `cargo run --release -p empathize --example throughput [-- [--json] [--json-out PATH] [--no-tables]
//! [--corpus FILE] [--seconds S] [--reps N] [--footprint]]`.
//!
//! Figures: tokenize and score MB/s on one core, score_reply MB/s, batch MB/s
//! on all cores, single-call latency (median, p99) of a 200-byte reply,
//! analyzer construction time, peak RSS. Each MB/s is the median of at least
//! `--reps` passes (default 5) timed after one warm-up pass, passes running
//! until `--seconds` (default 2) have passed.
//!
//! `--corpus FILE` reads the texts (and the customer messages `score_reply`
//! pairs them with) from the JSONL that `bindings/python/bench/corpus.py`
//! writes, so that `scripts/bench-all.sh` times the same bytes in every
//! language. `--footprint` only builds the default analyzer, scores the
//! 200-byte reply once and reports the build time and the peak RSS of that
//! (the process's whole footprint with the default analyzer, no corpus).

use std::time::{Duration, Instant};

use empathize::Analyzer;

#[path = "common/corpus.rs"]
mod corpus;

/// Every distinct EPITOME response with the seeker post it first answered,
/// then the tweets (no customer message).
fn corpus() -> Vec<(String, String)> {
    let mut seen = std::collections::HashSet::new();
    let mut pairs: Vec<(String, String)> = corpus::epitome_pairs()
        .into_iter()
        .filter(|(_, response)| seen.insert(response.clone()))
        .collect();
    pairs.extend(corpus::tweets().into_iter().map(|t| (String::new(), t)));
    pairs
}

/// (customer, text) pairs of a JSONL corpus written by `bench/corpus.py`.
fn corpus_file(path: &str) -> Vec<(String, String)> {
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("--corpus {path}: {e}"));
    source
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let row: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("--corpus {path}: {e}"));
            let field = |name: &str| row[name].as_str().unwrap_or_default().to_string();
            (field("customer"), field("text"))
        })
        .collect()
}

/// Runs `f` over the corpus once to warm up, then passes until at least `min`
/// has elapsed and `reps` were run; returns MB/s of the median pass.
fn throughput(bytes: usize, min: Duration, reps: usize, mut f: impl FnMut()) -> f64 {
    f(); // warm up
    let start = Instant::now();
    let mut passes = Vec::new();
    while start.elapsed() < min || passes.len() < reps.max(1) {
        let t = Instant::now();
        f();
        passes.push(t.elapsed().as_secs_f64());
    }
    passes.sort_by(f64::total_cmp);
    let n = passes.len();
    let median = if n % 2 == 1 {
        passes[n / 2]
    } else {
        (passes[n / 2 - 1] + passes[n / 2]) / 2.0
    };
    bytes as f64 / median / 1e6
}

/// The same 200-byte reply as bindings/{python,node}/bench.
const REPLY: &str = corpus::REPLY_200B;

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let json = args.iter().any(|a| a == "--json");
    // --json-out PATH: the figures as JSON in a file too (scripts/bench-all.sh).
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let json_out = value("--json-out");
    let corpus_path = value("--corpus");
    let min = Duration::from_secs_f64(
        value("--seconds").map_or(2.0, |s| s.parse().expect("--seconds: a number")),
    );
    let reps: usize = value("--reps").map_or(5, |s| s.parse().expect("--reps: a count"));
    let footprint = args.iter().any(|a| a == "--footprint");
    let t = Instant::now();
    // `--no-tables`: the rules alone, to see what the learned tables cost.
    let analyzer = if args.iter().any(|a| a == "--no-tables") {
        empathize::DEFAULT_TABLES
            .iter()
            .fold(Analyzer::builder(), |b, (name, _)| b.disable(*name))
            .build()
            .expect("default pack without tables")
    } else {
        Analyzer::new()
    };
    let first_build = t.elapsed();
    if footprint {
        std::hint::black_box(analyzer.score(REPLY));
        let figures = format!(
            "{{\"first_build_ms\": {:.1}, \"peak_rss_mb\": {:.1}}}",
            first_build.as_secs_f64() * 1e3,
            peak_rss_kb().unwrap_or(0) as f64 / 1024.0
        );
        if let Some(path) = json_out {
            std::fs::write(&path, &figures).expect("write --json-out");
        }
        println!("default analyzer: {figures}");
        return;
    }
    let t = Instant::now();
    let custom = Analyzer::builder().extra_pack("").build().expect("pack");
    let rebuild = t.elapsed();
    drop(custom);

    let pairs = match &corpus_path {
        Some(path) => corpus_file(path),
        None => corpus(),
    };
    assert!(!pairs.is_empty(), "no corpus under ../shared/data");
    let replies: Vec<&str> = pairs.iter().map(|(_, r)| r.as_str()).collect();
    let bytes: usize = replies.iter().map(|r| r.len()).sum();

    let tokenize = throughput(bytes, min, reps, || {
        for r in &replies {
            std::hint::black_box(analyzer.tokenize(r));
        }
    });
    let score = throughput(bytes, min, reps, || {
        for r in &replies {
            std::hint::black_box(analyzer.score(r));
        }
    });
    let reply_bytes: usize = pairs.iter().map(|(c, r)| c.len() + r.len()).sum();
    let score_reply = throughput(reply_bytes, min, reps, || {
        for (c, r) in &pairs {
            std::hint::black_box(analyzer.score_reply(c, r));
        }
    });
    let batch = throughput(bytes, min, reps, || {
        std::hint::black_box(analyzer.score_batch(&replies));
    });

    let reply = REPLY;
    let mut samples = Vec::with_capacity(20_000);
    for _ in 0..20_000 {
        let t = Instant::now();
        std::hint::black_box(analyzer.score(std::hint::black_box(reply)));
        samples.push(t.elapsed());
    }
    samples.sort();
    let median = samples[samples.len() / 2];
    let p99 = samples[samples.len() * 99 / 100];
    let rss = peak_rss_kb().unwrap_or(0);

    let figures = format!(
        "{{\"texts\": {}, \"bytes\": {bytes}, \"reps\": {reps}, \"seconds\": {}, \"tokenize_mb_s\": {tokenize:.2}, \"score_mb_s\": {score:.2}, \"score_reply_mb_s\": {score_reply:.2}, \"batch_mb_s\": {batch:.2}, \"threads\": {}, \"latency_200b_median_us\": {:.2}, \"latency_200b_p99_us\": {:.2}, \"reply_bytes\": {}, \"first_build_ms\": {:.1}, \"rebuild_ms\": {:.1}, \"peak_rss_mb\": {:.1}}}",
        replies.len(),
        min.as_secs_f64(),
        rayon::current_num_threads(),
        median.as_secs_f64() * 1e6,
        p99.as_secs_f64() * 1e6,
        reply.len(),
        first_build.as_secs_f64() * 1e3,
        rebuild.as_secs_f64() * 1e3,
        rss as f64 / 1024.0
    );
    if let Some(path) = json_out {
        std::fs::write(&path, &figures).expect("write --json-out");
    }
    if json {
        println!("{figures}");
    } else {
        println!(
            "corpus: {} texts, {:.2} MB (EPITOME responses + TWCS tweets)",
            replies.len(),
            bytes as f64 / 1e6
        );
        println!("tokenize             {tokenize:8.2} MB/s  (one core)");
        println!("score                {score:8.2} MB/s  (one core)");
        println!("score_reply          {score_reply:8.2} MB/s  (one core, customer + reply bytes)");
        println!(
            "score_batch          {batch:8.2} MB/s  ({} threads)",
            rayon::current_num_threads()
        );
        println!(
            "score, {}-byte reply  median {:.2} µs, p99 {:.2} µs",
            reply.len(),
            median.as_secs_f64() * 1e6,
            p99.as_secs_f64() * 1e6
        );
        println!(
            "analyzer: first build {:.1} ms, rebuild with an extra pack {:.1} ms",
            first_build.as_secs_f64() * 1e3,
            rebuild.as_secs_f64() * 1e3
        );
        println!("peak RSS {:.1} MB", rss as f64 / 1024.0);
    }
}
