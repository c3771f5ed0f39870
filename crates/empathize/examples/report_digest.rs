//! Prints one digest line per kind of output over the real corpus in
//! `../shared/data` (EPITOME dev pairs + TWCS tweets), so that a change meant
//! to be invisible (speed work) can prove it is, bit for bit:
//! `cargo run --release -p empathize --example report_digest [-- --dump DIR]`.
//!
//! Kinds: `tokenize`, `score`, `score_reply`, `analyze_customer`,
//! `analyze_conversation` (each pair as customer → agent), and the same in
//! UTF-16 offsets. Each digest is an FNV-1a hash of the JSON of every report
//! in corpus order. `--dump DIR` also writes the JSON lines of each kind to
//! `DIR/KIND.jsonl`, to diff when two digests differ.

use std::io::Write;
use std::path::PathBuf;

use empathize::{Analyzer, OffsetUnit, Turn};

/// Adds the output of one kind for one (customer, reply) pair to a digest.
type Kind<'a> = &'a dyn Fn(&(String, String), &mut Digest);

#[path = "common/corpus.rs"]
mod corpus;

/// Every EPITOME (seeker, response) row, then each tweet as both the
/// customer message and the reply.
fn corpus() -> Vec<(String, String)> {
    let mut pairs = corpus::epitome_pairs();
    pairs.extend(corpus::tweets().into_iter().map(|t| (t.clone(), t)));
    pairs
}

struct Digest {
    hash: u64,
    count: usize,
    dump: Option<std::io::BufWriter<std::fs::File>>,
}

impl Digest {
    fn new(dump: Option<&PathBuf>, kind: &str) -> Digest {
        let dump = dump.map(|dir| {
            let file = std::fs::File::create(dir.join(format!("{kind}.jsonl")))
                .unwrap_or_else(|e| panic!("--dump {}: {e}", dir.display()));
            std::io::BufWriter::new(file)
        });
        Digest {
            hash: 0xcbf2_9ce4_8422_2325,
            count: 0,
            dump,
        }
    }

    fn add(&mut self, value: &impl serde::Serialize) {
        let json = serde_json::to_string(value).expect("reports serialize");
        for byte in json.bytes().chain([b'\n']) {
            self.hash ^= u64::from(byte);
            self.hash = self.hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.count += 1;
        if let Some(out) = &mut self.dump {
            writeln!(out, "{json}").expect("--dump writes");
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dump = args
        .iter()
        .position(|a| a == "--dump")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    if let Some(dir) = &dump {
        std::fs::create_dir_all(dir).expect("--dump DIR is creatable");
    }
    let pairs = corpus();
    assert!(!pairs.is_empty(), "no corpus: ../shared/data is missing");
    for (unit, suffix) in [(OffsetUnit::Byte, ""), (OffsetUnit::Utf16, "_utf16")] {
        let analyzer = Analyzer::builder()
            .offsets(unit)
            .build()
            .expect("the default pack builds");
        let kinds: [(&str, Kind); 5] = [
            ("tokenize", &|(_, reply), d| {
                d.add(&analyzer.tokenize(reply))
            }),
            ("score", &|(_, reply), d| d.add(&analyzer.score(reply))),
            ("score_reply", &|(customer, reply), d| {
                d.add(&analyzer.score_reply(customer, reply))
            }),
            ("analyze_customer", &|(customer, _), d| {
                d.add(&analyzer.analyze_customer(customer))
            }),
            ("analyze_conversation", &|(customer, reply), d| {
                let turns = [
                    Turn::customer(customer.as_str()),
                    Turn::agent(reply.as_str()),
                ];
                d.add(&analyzer.analyze_conversation(&turns))
            }),
        ];
        for (kind, run) in kinds {
            let name = format!("{kind}{suffix}");
            let mut digest = Digest::new(dump.as_ref(), &name);
            for pair in &pairs {
                run(pair, &mut digest);
            }
            println!(
                "{name:<26} {:>6} reports  {:016x}",
                digest.count, digest.hash
            );
        }
    }
}
