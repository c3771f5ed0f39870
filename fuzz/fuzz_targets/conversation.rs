#![no_main]
//! Any sequence of turns analyzes without panicking, with consistent indices.
use empathize::{Role, Turn};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|turns: Vec<(bool, Option<u8>, String)>| {
    let turns: Vec<Turn> = turns
        .into_iter()
        .take(64)
        .map(|(agent, id, text)| Turn {
            role: if agent { Role::Agent } else { Role::Customer },
            text,
            agent_id: id.map(|i| format!("a{}", i % 4)),
            timestamp: None,
        })
        .collect();
    let report = empathize::Analyzer::new().analyze_conversation(&turns);
    assert_eq!(report.turns.len(), turns.len());
    for m in &report.missed_opportunities {
        assert!(m.customer_turn < m.agent_turn && m.agent_turn < turns.len());
    }
    assert!((0.0..=100.0).contains(&report.score));
});
