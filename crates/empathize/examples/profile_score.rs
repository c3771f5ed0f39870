//! Scores the corpus in a loop, for profilers. Build it with the `profiling`
//! profile (the release build with debug info; `release` itself is stripped):
//! `cargo build --profile profiling -p empathize --example profile_score`, then
//! `perf record target/profiling/examples/profile_score` or
//! `valgrind --tool=callgrind target/profiling/examples/profile_score 1`
//! (`1 latency`: the 200-byte reply of the throughput example, 1000 times).
#[allow(dead_code)]
#[path = "common/corpus.rs"]
mod corpus;

fn main() {
    let pairs = corpus::epitome_pairs();
    let texts: Vec<String> = pairs.iter().map(|(_, response)| response.clone()).collect();
    let analyzer = empathize::Analyzer::new();
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    // A second argument `customer` profiles `analyze_customer` instead,
    // `summary` the summary path (`score_summary`, as the Arrow and pandas
    // rows read it), `tokenize` the public tokens, `latency` the single
    // call the throughput example times: the 200-byte reply, 1000 times a
    // round; `pair` scores each reply given its customer message
    // (`score_reply`: the customer analysis, then the reply in context).
    let mode = std::env::args().nth(2).unwrap_or_default();
    if mode == "latency" {
        for _ in 0..rounds * 1000 {
            std::hint::black_box(analyzer.score(std::hint::black_box(corpus::REPLY_200B)));
        }
        return;
    }
    if mode == "pair" {
        for _ in 0..rounds {
            for (customer, reply) in &pairs {
                std::hint::black_box(analyzer.score_reply(customer, reply));
            }
        }
        return;
    }
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
