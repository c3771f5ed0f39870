//! Property tests over arbitrary input.

use empathize::{Analyzer, OffsetUnit, ReplySummary, Role, Turn};
use proptest::prelude::*;

fn analyzer() -> &'static Analyzer {
    static A: std::sync::OnceLock<Analyzer> = std::sync::OnceLock::new();
    A.get_or_init(Analyzer::new)
}

/// Text that mixes support phrases, emoji, punctuation and arbitrary Unicode.
fn texty() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("I'm so sorry".to_string()),
        Just("I understand".to_string()),
        Just("not".to_string()),
        Just("Per our policy".to_string()),
        Just("😭".to_string()),
        Just("!!!".to_string()),
        Just("?".to_string()),
        Just("’".to_string()),
        Just("https://x.co/a".to_string()),
        Just("@bob".to_string()),
        "\\PC{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(pieces, 0..12).prop_map(|v| v.join(" "))
}

/// Analyzers whose summaries must equal their reports': the default, one
/// with the learned reply tables of `esconv-strategies` (whose n-grams move
/// evidence and strategies), one counting UTF-16 units.
fn summary_analyzers() -> &'static [Analyzer] {
    static A: std::sync::OnceLock<Vec<Analyzer>> = std::sync::OnceLock::new();
    A.get_or_init(|| {
        let esconv = empathize::packs::get("esconv-strategies").expect("bundled pack");
        vec![
            Analyzer::new(),
            Analyzer::builder()
                .extra_pack(esconv)
                .build()
                .expect("esconv pack"),
            Analyzer::builder()
                .offsets(OffsetUnit::Utf16)
                .build()
                .expect("utf-16"),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn summaries_equal_their_reports(customer in texty(), reply in texty()) {
        for a in summary_analyzers() {
            prop_assert_eq!(a.score_summary(&reply), ReplySummary::from(a.score(&reply)));
            prop_assert_eq!(
                a.score_reply_summary(&customer, &reply),
                ReplySummary::from(a.score_reply(&customer, &reply))
            );
        }
    }

    #[test]
    fn reply_reports_are_well_formed(text in texty()) {
        let report = analyzer().score(&text);
        prop_assert!((0.0..=100.0).contains(&report.score));
        for m in &report.matches {
            prop_assert!(m.start <= m.end && m.end <= text.len());
            prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            prop_assert_eq!(&text[m.start..m.end], m.text.as_str());
        }
        for s in &report.strategies {
            prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        }
        for (_, v) in report.dimensions.iter() {
            prop_assert!((0.0..=1.0).contains(&v));
        }
        prop_assert_eq!(analyzer().score(&text), report);
    }

    #[test]
    fn customer_reports_are_well_formed(text in texty()) {
        let report = analyzer().analyze_customer(&text);
        prop_assert!((0.0..=1.0).contains(&report.distress));
        prop_assert!(report.distress_level <= 3);
        for m in &report.matches {
            prop_assert_eq!(&text[m.start..m.end], m.text.as_str());
        }
        prop_assert_eq!(analyzer().analyze_customer(&text), report);
    }

    #[test]
    fn tokens_are_on_char_boundaries_and_ordered(text in any::<String>()) {
        let tokens = analyzer().tokenize(&text);
        let mut last = 0;
        for t in &tokens {
            prop_assert!(t.start >= last && t.start < t.end && t.end <= text.len());
            prop_assert_eq!(&text[t.start..t.end], t.text);
            last = t.end;
        }
    }

    #[test]
    fn replies_to_context_are_well_formed(customer in texty(), reply in texty()) {
        let report = analyzer().score_reply(&customer, &reply);
        prop_assert!((0.0..=100.0).contains(&report.score));
        let logit: f64 = report.breakdown.iter().map(|t| t.value).sum();
        prop_assert!((100.0 / (1.0 + (-logit).exp()) - report.score).abs() < 0.01);
    }

    #[test]
    fn conversations_never_panic(turns in prop::collection::vec((any::<bool>(), texty()), 0..8)) {
        let turns: Vec<Turn> = turns
            .into_iter()
            .map(|(agent, text)| Turn { role: if agent { Role::Agent } else { Role::Customer }, text, agent_id: agent.then(|| "a".to_string()), timestamp: None })
            .collect();
        let report = analyzer().analyze_conversation(&turns);
        prop_assert_eq!(report.turns.len(), turns.len());
        prop_assert!((0.0..=100.0).contains(&report.score));
        for m in &report.missed_opportunities {
            prop_assert!(m.customer_turn < m.agent_turn && m.agent_turn < turns.len());
        }
    }

    #[test]
    fn pack_compiler_never_panics(src in "\\PC{0,200}") {
        let _ = Analyzer::builder().pack(src).build();
    }

    #[test]
    fn pattern_compiler_never_panics(pattern in "[a-z <>()|?*{},0-9#\\\\]{0,40}") {
        let pack = format!("[[rules]]\nid = \"r\"\ncategory = \"care\"\nweight = 1.0\npatterns = [{}]\n", toml_string(&pattern));
        if let Ok(a) = Analyzer::builder().pack(pack).build() {
            let _ = a.score("a b c (d) e? f");
        }
    }
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
