//! The real corpus in `../shared/data`, read the same way by every example
//! that times or checks the core (`#[path = "common/corpus.rs"] mod corpus;`).
//! Missing files give no rows.

use std::path::PathBuf;

/// The 200-byte reply whose single-call latency is timed (the same as in
/// bindings/{python,node}/bench). Not every example times it.
#[allow(dead_code)]
pub const REPLY_200B: &str = "I’m so sorry about the double charge — I understand how frustrating that is. \
                     I’ve refunded it today and I’ll check tomorrow that it cleared. Does that work \
                     for you? Thanks for bearing with us!";

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The (seeker post, response post) rows of the three EPITOME dev splits, in
/// file order, duplicates included.
pub fn epitome_pairs() -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for name in ["emotional-reactions", "interpretations", "explorations"] {
        let Ok(mut reader) = csv::Reader::from_path(data().join(format!("epitome/{name}.dev.csv")))
        else {
            continue;
        };
        for row in reader.records().flatten() {
            if let (Some(seeker), Some(response)) = (row.get(2), row.get(3)) {
                pairs.push((seeker.to_string(), response.to_string()));
            }
        }
    }
    pairs
}

/// The `text` column of the TWCS sample.
pub fn tweets() -> Vec<String> {
    let Ok(mut reader) = csv::Reader::from_path(data().join("twcs/sample.csv")) else {
        return Vec::new();
    };
    reader
        .records()
        .flatten()
        .filter_map(|row| row.get(4).map(str::to_string))
        .collect()
}
