//! Scores the corpus in a loop, for profilers. Build it with the `profiling`
//! profile (the release build with debug info; `release` itself is stripped):
//! `cargo build --profile profiling -p empathize --example profile_score`, then
//! `perf record target/profiling/examples/profile_score` or
//! `valgrind --tool=callgrind target/profiling/examples/profile_score 1`.
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/epitome");
    let mut texts = Vec::new();
    for name in ["emotional-reactions", "interpretations", "explorations"] {
        if let Ok(mut r) = csv::Reader::from_path(dir.join(format!("{name}.dev.csv"))) {
            texts.extend(
                r.records()
                    .flatten()
                    .filter_map(|row| row.get(3).map(str::to_string)),
            );
        }
    }
    let analyzer = empathize::Analyzer::new();
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    // A second argument `customer` profiles `analyze_customer` instead,
    // `summary` the summary path (`score_summary`, as the Arrow and pandas
    // rows read it), `tokenize` the public tokens.
    let mode = std::env::args().nth(2).unwrap_or_default();
    for _ in 0..rounds {
        for t in &texts {
            match mode.as_str() {
                "customer" => {
                    std::hint::black_box(analyzer.analyze_customer(t));
                }
                "summary" => {
                    std::hint::black_box(analyzer.score_summary(t));
                }
                "tokenize" => {
                    std::hint::black_box(analyzer.tokenize(t));
                }
                _ => {
                    std::hint::black_box(analyzer.score(t));
                }
            }
        }
    }
}
