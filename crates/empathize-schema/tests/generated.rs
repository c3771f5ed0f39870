//! The generated binding types are current, and the reports Rust serializes
//! carry exactly the fields the generated types (and so Python and Node) say.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use empathize::{Analyzer, Turn};
use empathize_schema as schema;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Compares a generated file with the committed one; rewrites it under
/// `EMPATHIZE_BLESS=1`.
fn check(path: &str, generated: &str) {
    let path = root().join(path);
    if std::env::var_os("EMPATHIZE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("a parent directory")).expect("mkdir");
        std::fs::write(&path, generated).expect("write the generated file");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: run `EMPATHIZE_BLESS=1 cargo test -p empathize-schema` and commit it",
        path.display()
    );
}

#[test]
fn python_types_are_current() {
    check(schema::PYTHON_PATH, &schema::python());
}

#[test]
fn typescript_types_are_current() {
    let api = std::fs::read_to_string(root().join(schema::TYPESCRIPT_API_PATH)).expect("api.d.ts");
    check(schema::TYPESCRIPT_PATH, &schema::typescript(&api));
}

#[test]
fn field_sets_are_current() {
    check(schema::FIELD_SETS_PATH, &schema::field_sets());
}

/// Every object in `value` whose type is known: type name → the field sets seen.
fn collect(
    value: &Value,
    ty: &str,
    sets: &BTreeMap<String, BTreeSet<String>>,
    seen: &mut BTreeMap<String, usize>,
) {
    let Value::Object(map) = value else { return };
    let fields: BTreeSet<String> = map.keys().cloned().collect();
    assert_eq!(Some(&fields), sets.get(ty), "fields of {ty}");
    *seen.entry(ty.to_string()).or_default() += 1;
    let nested: &[(&str, &str)] = match ty {
        "MessageReport" => &[
            ("dimensions", "Dimensions"),
            ("epitome", "Epitome"),
            ("evidence", "Evidence"),
            ("strategies", "SentenceStrategy"),
            ("matches", "Match"),
            ("breakdown", "ScoreTerm"),
            ("tips", "Tip"),
            ("context", "ReplyContext"),
        ],
        "ReplySummary" => &[
            ("dimensions", "Dimensions"),
            ("epitome", "Epitome"),
            ("strategies", "SentenceStrategy"),
            ("tips", "Tip"),
            ("context", "ReplyContext"),
        ],
        "CustomerReport" => &[
            ("emotions", "Emotions"),
            ("matches", "Match"),
            ("breakdown", "ScoreTerm"),
        ],
        "ConversationReport" => &[
            ("breakdown", "ScoreTerm"),
            ("turns", "TurnReport"),
            ("missed_opportunities", "MissedOpportunity"),
            ("scripted_repetition", "Repetition"),
            ("tips", "Tip"),
            ("agents", "AgentSummary"),
        ],
        "TurnReport" => &[("customer", "CustomerReport"), ("reply", "MessageReport")],
        _ => &[],
    };
    for (field, inner) in nested {
        match &map[*field] {
            Value::Array(items) => items.iter().for_each(|i| collect(i, inner, sets, seen)),
            other => collect(other, inner, sets, seen),
        }
    }
}

#[test]
fn rust_reports_carry_the_schema_fields() {
    let sets: BTreeMap<String, BTreeSet<String>> =
        serde_json::from_str(&schema::field_sets()).expect("field sets are JSON");
    let analyzer = Analyzer::new();
    let customer = "This is the THIRD time I'm asking!!! My order never arrived and I'm furious.";
    let reply = "I'm so sorry, that must be frustrating. I'll send a new one today. Did it arrive?";
    let mut seen = BTreeMap::new();
    let json = |v: &dyn erased::Json| v.json();
    collect(
        &json(&analyzer.score_reply(customer, reply)),
        "MessageReport",
        &sets,
        &mut seen,
    );
    collect(
        &json(&analyzer.score_reply_summary(customer, reply)),
        "ReplySummary",
        &sets,
        &mut seen,
    );
    collect(
        &json(&analyzer.analyze_customer(customer)),
        "CustomerReport",
        &sets,
        &mut seen,
    );
    let turns = vec![
        Turn::customer(customer),
        Turn::agent("Per our policy, refunds take 10 business days.").with_agent("a1"),
        Turn::customer("Unacceptable. I want a manager."),
        Turn::agent(reply).with_agent("a2"),
        Turn::agent("Per our policy, refunds take 10 business days.").with_agent("a1"),
    ];
    collect(
        &json(&analyzer.analyze_conversation(&turns)),
        "ConversationReport",
        &sets,
        &mut seen,
    );
    for token in analyzer.tokenize(customer) {
        collect(&json(&token), "Token", &sets, &mut seen);
    }
    for rule in analyzer.rules().iter().take(5) {
        collect(&json(rule), "RuleInfo", &sets, &mut seen);
    }
    let unseen: Vec<&String> = sets.keys().filter(|k| !seen.contains_key(*k)).collect();
    assert!(
        unseen.is_empty(),
        "no report of these types was checked: {unseen:?}"
    );
}

mod erased {
    /// Any serializable report as a JSON value.
    pub trait Json {
        fn json(&self) -> serde_json::Value;
    }

    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).expect("reports serialize")
        }
    }
}
