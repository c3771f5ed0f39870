//! Throughput on real text: every EPITOME response and TWCS tweet in
//! `../shared/data`. Run with `cargo bench -p empathize --bench throughput`.
//!
//! Groups: `tokenize` (tokens only), `score` (full reply scoring, one core),
//! `score_reply` (with customer context), and `rules_scaling` (the default
//! pack against the default pack plus nine times as many generated rules).

use std::path::PathBuf;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use empathize::Analyzer;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// (seeker/customer, response) pairs from EPITOME and TWCS.
fn corpus() -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for name in ["emotional-reactions", "interpretations", "explorations"] {
        let path = data_dir().join(format!("epitome/{name}.dev.csv"));
        let Ok(mut reader) = csv::Reader::from_path(&path) else {
            continue;
        };
        for row in reader.records().flatten() {
            let (Some(seeker), Some(response)) = (row.get(2), row.get(3)) else {
                continue;
            };
            if seen.insert(response.to_string()) {
                pairs.push((seeker.to_string(), response.to_string()));
            }
        }
    }
    if let Ok(mut reader) = csv::Reader::from_path(data_dir().join("twcs/sample.csv")) {
        for row in reader.records().flatten() {
            if let Some(text) = row.get(4) {
                pairs.push((String::new(), text.to_string()));
            }
        }
    }
    assert!(
        !pairs.is_empty(),
        "no corpus found under {}",
        data_dir().display()
    );
    pairs
}

/// A pack of `n` generated rules in the style of the real ones.
fn generated_pack(n: usize) -> String {
    let words = [
        "refund", "parcel", "driver", "invoice", "router", "signal", "booking", "seat", "meal",
        "charge", "account", "password", "delivery", "warranty", "screen", "battery",
    ];
    let mut out = String::from(
        "[lexicons]\nGEN_VERB = [\"fix\", \"check\", \"sort\", \"handle\", \"review\"]\n",
    );
    for i in 0..n {
        let a = words[i % words.len()];
        let b = words[(i / words.len()) % words.len()];
        out.push_str(&format!(
            "[[rules]]\nid = \"ownership.gen{i}\"\ncategory = \"ownership\"\nweight = 0.1\npatterns = [\"i will <GEN_VERB> (the|your) {a} {b} x{i}\", \"{b} {a} *{{0,2}} y{i}\"]\n"
        ));
    }
    out
}

fn benches(c: &mut Criterion) {
    let pairs = corpus();
    let replies: Vec<&str> = pairs.iter().map(|(_, r)| r.as_str()).collect();
    let bytes: usize = replies.iter().map(|r| r.len()).sum();
    let analyzer = Analyzer::new();

    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    g.bench_function("tokenize", |b| {
        b.iter(|| {
            for r in &replies {
                black_box(analyzer.tokenize(r));
            }
        })
    });
    g.bench_function("score", |b| {
        b.iter(|| {
            for r in &replies {
                black_box(analyzer.score(r));
            }
        })
    });
    g.bench_function("score_reply", |b| {
        b.iter(|| {
            for (c, r) in &pairs {
                black_box(analyzer.score_reply(c, r));
            }
        })
    });
    g.finish();

    let rules = analyzer.rules().len();
    let big = Analyzer::builder()
        .extra_pack(generated_pack(rules * 9))
        .build()
        .expect("generated pack compiles");
    let mut g = c.benchmark_group("rules_scaling");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    g.bench_function(format!("{rules}_rules"), |b| {
        b.iter(|| {
            for r in &replies {
                black_box(analyzer.score(r));
            }
        })
    });
    g.bench_function(format!("{}_rules", big.rules().len()), |b| {
        b.iter(|| {
            for r in &replies {
                black_box(big.score(r));
            }
        })
    });
    g.finish();

    let reply = "I'm so sorry about the double charge, I understand how frustrating that is. \
                 I've refunded it and I'll check tomorrow that it cleared. Does that work for you?";
    let mut g = c.benchmark_group("single");
    g.throughput(Throughput::Bytes(reply.len() as u64));
    g.bench_function("score_200_bytes", |b| {
        b.iter(|| black_box(analyzer.score(black_box(reply))))
    });
    g.bench_function("analyzer_new_custom", |b| {
        b.iter(|| black_box(Analyzer::builder().extra_pack("").build()))
    });
    g.finish();
}

criterion_group!(throughput, benches);
criterion_main!(throughput);
