//! Leak check: a million calls through the public API, printing the resident
//! set size (RSS) at checkpoints and its growth after warm-up.
//!
//! `cargo run --release -p empathize --example soak [-- --calls 1000000 --json]`
//!
//! The calls cycle through `score`, `score_reply`, `score_batch` (16 texts,
//! counted as one call), `analyze_customer`, `analyze_conversation`,
//! `tokenize` and building an analyzer from a malformed pack (an error,
//! handled). Texts are the real corpus of `../shared/data` when present,
//! else a built-in mix. The Python (`bindings/python/bench/soak.py`) and Node
//! (`bindings/node/bench/soak.mjs`) soaks make the same mix of calls.

use std::path::PathBuf;
use std::time::Instant;

use empathize::{Analyzer, Turn};

/// Replies (and the customer messages they answer) to cycle through.
fn corpus() -> Vec<(String, String)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/epitome/emotional-reactions.dev.csv");
    let mut pairs: Vec<(String, String)> = csv::Reader::from_path(path)
        .map(|mut reader| {
            reader
                .records()
                .flatten()
                .filter_map(|row| Some((row.get(2)?.to_string(), row.get(3)?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    if pairs.is_empty() {
        pairs = [
            (
                "My order is late AGAIN and I'm furious 😡",
                "I'm so sorry, I understand how frustrating that is. I'll fix it today.",
            ),
            (
                "Where is my refund???",
                "Per our policy, refunds take 10 business days.",
            ),
            ("I'm in tears, this was a gift 😭", "Nope."),
            (
                "",
                "Hi Maria, thanks for reaching out! Does that work for you? 🙏",
            ),
        ]
        .iter()
        .map(|(c, r)| (c.to_string(), r.to_string()))
        .collect();
    }
    pairs
}

/// Current resident set size in KiB (Linux), from `/proc/self/statm`.
fn rss_kb() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * 4
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let calls: u64 = args
        .iter()
        .position(|a| a == "--calls")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let json = args.iter().any(|a| a == "--json");
    let checkpoint = (calls / 10).max(1);
    let warm_up = checkpoint; // RSS after the first tenth is the baseline

    let analyzer = Analyzer::new();
    let pairs = corpus();
    let batch: Vec<&str> = pairs.iter().take(16).map(|(_, r)| r.as_str()).collect();
    let bad_pack = "[[rules]]\nid = \"broken\"\ncategory = \"apology\"\nweight = 1.0\npatterns = [\"(so sorry\"]\n";

    let started = Instant::now();
    let mut done: u64 = 0;
    let mut next_checkpoint = checkpoint;
    let mut checkpoints: Vec<(u64, u64)> = vec![(0, rss_kb())];
    let mut baseline = None;
    let mut sink = 0.0f64; // keeps results alive enough not to be optimised away
    let mut i = 0usize;
    while done < calls {
        let (customer, reply) = &pairs[i % pairs.len()];
        match i % 16 {
            0..=5 => {
                sink += analyzer.score(reply).score;
                done += 1;
            }
            6..=9 => {
                sink += analyzer.score_reply(customer, reply).score;
                done += 1;
            }
            10 => {
                let reports = analyzer.score_batch(&batch);
                sink += reports.iter().map(|r| r.score).sum::<f64>();
                done += 1;
            }
            11 | 12 => {
                sink += analyzer.analyze_customer(customer).distress;
                done += 1;
            }
            13 => {
                let next_reply = &pairs[(i + 1) % pairs.len()].1;
                let turns = [
                    Turn::customer(customer.as_str()),
                    Turn::agent(reply.as_str()).with_agent("a1"),
                    Turn::customer("I already told you, this is the third time!!!"),
                    Turn::agent(next_reply.as_str()).with_agent("a2"),
                ];
                sink += analyzer.analyze_conversation(&turns).score;
                done += 1;
            }
            14 => {
                sink += analyzer.tokenize(reply).len() as f64;
                done += 1;
            }
            _ => {
                // The error path: a malformed pack (fails while parsing,
                // before any compilation).
                let err = Analyzer::builder().pack(bad_pack).build();
                sink += f64::from(u8::from(err.is_err()));
                done += 1;
            }
        }
        i += 1;
        if done >= next_checkpoint {
            let rss = rss_kb();
            checkpoints.push((done, rss));
            if done >= warm_up && baseline.is_none() {
                baseline = Some(rss);
            }
            if !json {
                println!(
                    "{:>9} calls  RSS {:7.1} MB  ({:.1} s)",
                    done,
                    rss as f64 / 1024.0,
                    started.elapsed().as_secs_f64()
                );
            }
            next_checkpoint += checkpoint;
        }
    }
    let last = checkpoints.last().map_or(0, |c| c.1);
    let baseline = baseline.unwrap_or(last);
    let growth_mb = (last as f64 - baseline as f64) / 1024.0;
    if json {
        let points: Vec<String> = checkpoints
            .iter()
            .map(|(n, kb)| format!("[{n}, {:.1}]", *kb as f64 / 1024.0))
            .collect();
        println!(
            "{{\"language\": \"rust\", \"calls\": {done}, \"seconds\": {:.2}, \"rss_mb\": [{}], \"growth_after_warm_up_mb\": {growth_mb:.2}}}",
            started.elapsed().as_secs_f64(),
            points.join(", ")
        );
    } else {
        println!(
            "{done} calls in {:.1} s; RSS growth after warm-up ({} calls): {growth_mb:+.2} MB (checksum {sink:.0})",
            started.elapsed().as_secs_f64(),
            warm_up
        );
    }
}
