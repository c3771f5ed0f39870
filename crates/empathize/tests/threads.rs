//! Reports do not depend on the number of threads, on real text: the EPITOME
//! pairs of `../shared/data` (read at test time; the corpus is licensed and
//! never copied into the repo), scored alone and as answers, in pools of 1,
//! 2 and 4 threads, equal one call per text. Without the corpus the test
//! says so and passes; `tests/api.rs` covers the same on generated text.

use std::path::PathBuf;

use empathize::{Analyzer, MessageReport, ReplySummary};

fn corpus() -> Option<Vec<(String, String)>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/epitome");
    let mut seen = std::collections::HashSet::new();
    let mut pairs = Vec::new();
    for split in ["emotional-reactions", "interpretations", "explorations"] {
        let mut reader = csv::Reader::from_path(dir.join(format!("{split}.dev.csv"))).ok()?;
        for row in reader.records() {
            let row = row.ok()?;
            let pair = (row.get(2)?.to_string(), row.get(3)?.to_string());
            if seen.insert(pair.clone()) {
                pairs.push(pair);
            }
        }
    }
    Some(pairs)
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
        .install(f)
}

fn first_difference(a: &[MessageReport], b: &[MessageReport]) -> Option<usize> {
    a.iter().zip(b).position(|(x, y)| x != y)
}

#[test]
fn real_corpus_same_reports_on_1_2_4_threads() {
    let Some(pairs) = corpus() else {
        eprintln!("skipped: no corpus under ../shared/data/epitome");
        return;
    };
    assert!(pairs.len() >= 2000, "{} pairs", pairs.len());
    let analyzer = Analyzer::new();
    let replies: Vec<&str> = pairs.iter().map(|(_, r)| r.as_str()).collect();
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(c, r)| (c.as_str(), r.as_str()))
        .collect();
    let single: Vec<MessageReport> = replies.iter().map(|r| analyzer.score(r)).collect();
    let single_replies: Vec<MessageReport> = refs
        .iter()
        .map(|(c, r)| analyzer.score_reply(c, r))
        .collect();
    assert_ne!(
        single, single_replies,
        "the customer context changes reports"
    );
    for threads in [1, 2, 4] {
        let batch = in_pool(threads, || analyzer.score_batch(&replies));
        assert_eq!(batch.len(), single.len());
        assert_eq!(
            first_difference(&batch, &single),
            None,
            "score_batch on {threads} threads"
        );
        let batch = in_pool(threads, || analyzer.score_reply_batch(&refs));
        assert_eq!(
            first_difference(&batch, &single_replies),
            None,
            "score_reply_batch on {threads} threads"
        );
    }
}

/// The summary path gives the full report's values on every pair of the
/// corpus, alone and as answers, with the default pack and with the learned
/// reply tables of `esconv-strategies`.
#[test]
fn real_corpus_summaries_equal_reports() {
    let Some(pairs) = corpus() else {
        eprintln!("skipped: no corpus under ../shared/data/epitome");
        return;
    };
    let esconv = empathize::packs::get("esconv-strategies").expect("bundled pack");
    let analyzers = [
        Analyzer::new(),
        Analyzer::builder()
            .extra_pack(esconv)
            .build()
            .expect("esconv pack"),
    ];
    for analyzer in &analyzers {
        for (i, (customer, reply)) in pairs.iter().enumerate() {
            assert_eq!(
                analyzer.score_summary(reply),
                ReplySummary::from(analyzer.score(reply)),
                "score, pair {i}"
            );
            assert_eq!(
                analyzer.score_reply_summary(customer, reply),
                ReplySummary::from(analyzer.score_reply(customer, reply)),
                "score_reply, pair {i}"
            );
        }
    }
}
