//! The golden cases of `tests/golden/`, shared with the Python and Node suites.

use std::path::PathBuf;

use empathize::{Analyzer, ConversationReport, CustomerReport, MessageReport, Role, Turn};
use serde_json::Value;

fn golden(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/golden")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn input(case: &Value, key: &str) -> Option<String> {
    let text = case.get(key)?.as_str()?.to_string();
    let repeat = case.get("repeat").and_then(Value::as_u64).unwrap_or(1) as usize;
    Some(if repeat > 1 {
        vec![text; repeat].join(" ")
    } else {
        text
    })
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn check_offsets(text: &str, matches: &[empathize::Match], failures: &mut Vec<String>) {
    for m in matches {
        if text.get(m.start..m.end) != Some(m.text.as_str()) {
            failures.push(format!(
                "offsets: {}..{} do not slice {:?}",
                m.start, m.end, m.text
            ));
        }
    }
}

fn check_reply(report: &MessageReport, expect: &Value, failures: &mut Vec<String>) {
    let Some(expect) = expect.as_object() else {
        return;
    };
    for (key, want) in expect {
        let mut fail = |msg: String| failures.push(format!("{key}: {msg}"));
        let flags: Vec<&str> = report.flags.iter().map(|f| f.as_str()).collect();
        let counted = || {
            report
                .matches
                .iter()
                .filter(|m| !m.negated && !m.suppressed)
                .map(|m| m.category.as_str())
                .collect::<Vec<_>>()
        };
        match key.as_str() {
            "score_min" => {
                if report.score < want.as_f64().unwrap_or(0.0) {
                    fail(format!("score {:.1} < {want}", report.score));
                }
            }
            "score_max" => {
                if report.score > want.as_f64().unwrap_or(100.0) {
                    fail(format!("score {:.1} > {want}", report.score));
                }
            }
            "flags_include" => {
                for f in strs(want) {
                    if !flags.contains(&f) {
                        fail(format!("missing flag {f} (have {flags:?})"));
                    }
                }
            }
            "flags_exclude" => {
                for f in strs(want) {
                    if flags.contains(&f) {
                        fail(format!("unexpected flag {f}"));
                    }
                }
            }
            "dimensions_min" | "dimensions_max" => {
                let dims = serde_json::to_value(report.dimensions).unwrap_or_default();
                for (d, bound) in want.as_object().into_iter().flatten() {
                    let value = dims.get(d).and_then(Value::as_f64);
                    let bound = bound.as_f64().unwrap_or(0.0);
                    match value {
                        None => fail(format!("unknown dimension {d}")),
                        Some(v) if key == "dimensions_min" && v < bound => {
                            fail(format!("{d} = {v} < {bound}"))
                        }
                        Some(v) if key == "dimensions_max" && v > bound => {
                            fail(format!("{d} = {v} > {bound}"))
                        }
                        _ => {}
                    }
                }
            }
            "tips_include" => {
                for t in strs(want) {
                    if !report.has_tip(t) {
                        let have: Vec<&str> = report.tips.iter().map(|t| t.code).collect();
                        fail(format!("missing tip {t} (have {have:?})"));
                    }
                }
            }
            "tips_exclude" => {
                for t in strs(want) {
                    if report.has_tip(t) {
                        fail(format!("unexpected tip {t}"));
                    }
                }
            }
            "categories_include" => {
                let have = counted();
                for c in strs(want) {
                    if !have.contains(&c) {
                        fail(format!("no counted match of {c} (have {have:?})"));
                    }
                }
            }
            "categories_exclude" => {
                let have = counted();
                for c in strs(want) {
                    if have.contains(&c) {
                        fail(format!("unexpected counted match of {c}"));
                    }
                }
            }
            "negated_include" => {
                for c in strs(want) {
                    if !report
                        .matches
                        .iter()
                        .any(|m| m.negated && m.category.as_str() == c)
                    {
                        fail(format!("no negated match of {c}"));
                    }
                }
            }
            "epitome_min" | "epitome_max" => {
                let e = serde_json::to_value(report.epitome).unwrap_or_default();
                for (m, level) in want.as_object().into_iter().flatten() {
                    let have = e.get(m).and_then(Value::as_u64);
                    let holds = match key.as_str() {
                        "epitome_min" => have >= level.as_u64(),
                        _ => have.is_some() && have <= level.as_u64(),
                    };
                    if !holds {
                        fail(format!("{m} = {have:?}, {key} {level}"));
                    }
                }
            }
            "max_matches" => {
                if report.matches.len() as u64 > want.as_u64().unwrap_or(0) {
                    fail(format!("{} matches", report.matches.len()));
                }
            }
            other => fail(format!("unknown expect key `{other}` for a reply")),
        }
    }
}

fn check_customer(report: &CustomerReport, expect: &Value, failures: &mut Vec<String>) {
    let Some(expect) = expect.as_object() else {
        return;
    };
    for (key, want) in expect {
        let mut fail = |msg: String| failures.push(format!("{key}: {msg}"));
        match key.as_str() {
            "distress_level" => {
                if Some(u64::from(report.distress_level)) != want.as_u64() {
                    fail(format!(
                        "level {} (distress {})",
                        report.distress_level, report.distress
                    ));
                }
            }
            "distress_level_min" => {
                if u64::from(report.distress_level) < want.as_u64().unwrap_or(0) {
                    fail(format!(
                        "level {} (distress {})",
                        report.distress_level, report.distress
                    ));
                }
            }
            "emotions_min" => {
                let e = serde_json::to_value(report.emotions).unwrap_or_default();
                for (name, bound) in want.as_object().into_iter().flatten() {
                    let v = e.get(name).and_then(Value::as_f64).unwrap_or(-1.0);
                    if v < bound.as_f64().unwrap_or(0.0) {
                        fail(format!("{name} = {v} < {bound}"));
                    }
                }
            }
            "escalation" => {
                if Some(report.escalation) != want.as_bool() {
                    fail(format!("escalation {}", report.escalation));
                }
            }
            "repetition" => {
                if Some(report.repetition) != want.as_bool() {
                    fail(format!("repetition {}", report.repetition));
                }
            }
            "complaint" => {
                if Some(report.complaint) != want.as_bool() {
                    fail(format!("complaint {}", report.complaint));
                }
            }
            other => fail(format!(
                "unknown expect key `{other}` for a customer message"
            )),
        }
    }
}

#[test]
fn golden_messages() {
    let analyzer = Analyzer::new();
    let data = golden("messages.json");
    let mut all_failures = Vec::new();
    let cases = data["cases"].as_array().expect("cases");
    assert!(cases.len() >= 40);
    for case in cases {
        let name = case["name"].as_str().unwrap_or("?");
        let text = input(case, "text").expect("text");
        let mut failures = Vec::new();
        if case.get("kind").and_then(Value::as_str) == Some("customer") {
            let report = analyzer.analyze_customer(&text);
            check_offsets(&text, &report.matches, &mut failures);
            check_customer(&report, &case["expect"], &mut failures);
            // Same input, same report.
            if analyzer.analyze_customer(&text) != report {
                failures.push("not deterministic".into());
            }
        } else {
            let report = match input(case, "customer") {
                Some(c) => analyzer.score_reply(&c, &text),
                None => analyzer.score(&text),
            };
            check_offsets(&text, &report.matches, &mut failures);
            check_reply(&report, &case["expect"], &mut failures);
            let logit: f64 = report.breakdown.iter().map(|t| t.value).sum();
            let rederived = 100.0 / (1.0 + (-logit).exp());
            if (rederived - report.score).abs() > 0.01 {
                failures.push(format!(
                    "score {} is not 100·σ(Σ breakdown) = {rederived}",
                    report.score
                ));
            }
        }
        if !failures.is_empty() {
            all_failures.push(format!("{name}: {}", failures.join("; ")));
        }
    }
    assert!(all_failures.is_empty(), "\n{}\n", all_failures.join("\n"));
}

fn turns(case: &Value) -> Vec<Turn> {
    case["turns"]
        .as_array()
        .expect("turns")
        .iter()
        .map(|t| {
            let role: Role = t["role"].as_str().unwrap_or("").parse().expect("role");
            Turn {
                role,
                text: t["text"].as_str().unwrap_or("").to_string(),
                agent_id: t
                    .get("agent_id")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                timestamp: None,
            }
        })
        .collect()
}

fn check_conversation(report: &ConversationReport, expect: &Value, failures: &mut Vec<String>) {
    let Some(expect) = expect.as_object() else {
        return;
    };
    let missed: Vec<u64> = report
        .missed_opportunities
        .iter()
        .map(|m| m.customer_turn as u64)
        .collect();
    let ints = |v: &Value| -> Vec<u64> {
        v.as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default()
    };
    let opt = |o: Option<usize>| o.map(|x| x as u64);
    for (key, want) in expect {
        let mut fail = |msg: String| failures.push(format!("{key}: {msg}"));
        match key.as_str() {
            "late_empathy" => {
                if Some(report.late_empathy) != want.as_bool() {
                    fail(format!("late_empathy {}", report.late_empathy));
                }
            }
            "missed_opportunities" => {
                if missed != ints(want) {
                    fail(format!("missed {missed:?}"));
                }
            }
            "missed_opportunities_include" => {
                for t in ints(want) {
                    if !missed.contains(&t) {
                        fail(format!("turn {t} not missed (missed {missed:?})"));
                    }
                }
            }
            "first_distress_turn" => {
                if opt(report.first_distress_turn) != want.as_u64() {
                    fail(format!("{:?}", report.first_distress_turn));
                }
            }
            "first_empathy_turn" => {
                if opt(report.first_empathy_turn) != want.as_u64() {
                    fail(format!("{:?}", report.first_empathy_turn));
                }
            }
            "empathy_latency_min" => {
                if opt(report.empathy_latency) < want.as_u64() {
                    fail(format!("{:?}", report.empathy_latency));
                }
            }
            "scripted_repetition_include" => {
                let phrases: Vec<&str> = report
                    .scripted_repetition
                    .iter()
                    .map(|r| r.phrase.as_str())
                    .collect();
                for p in strs(want) {
                    if !phrases.contains(&p) {
                        fail(format!("`{p}` not reported (have {phrases:?})"));
                    }
                }
            }
            "question_streak_min" => {
                if (report.question_streak as u64) < want.as_u64().unwrap_or(0) {
                    fail(format!("{}", report.question_streak));
                }
            }
            "question_streak_max" => {
                if (report.question_streak as u64) > want.as_u64().unwrap_or(0) {
                    fail(format!("{}", report.question_streak));
                }
            }
            "resolution_confirmed" => {
                if Some(report.resolution_confirmed) != want.as_bool() {
                    fail(format!("{}", report.resolution_confirmed));
                }
            }
            "score_min" => {
                if report.score < want.as_f64().unwrap_or(0.0) {
                    fail(format!("{:.1}", report.score));
                }
            }
            "score_max" => {
                if report.score > want.as_f64().unwrap_or(100.0) {
                    fail(format!("{:.1}", report.score));
                }
            }
            "flags_include" => {
                let seen: Vec<&str> = report
                    .turns
                    .iter()
                    .filter_map(|t| t.reply.as_ref())
                    .flat_map(|r| r.flags.iter().map(|f| f.as_str()))
                    .collect();
                for f in strs(want) {
                    if !seen.contains(&f) {
                        fail(format!("flag {f} never raised"));
                    }
                }
            }
            "tips_include" => {
                let codes: Vec<&str> = report.tips.iter().map(|t| t.code).collect();
                for t in strs(want) {
                    if !codes.contains(&t) {
                        fail(format!("missing tip {t} (have {codes:?})"));
                    }
                }
            }
            other => fail(format!("unknown expect key `{other}`")),
        }
    }
}

#[test]
fn golden_conversations() {
    let analyzer = Analyzer::new();
    let data = golden("conversations.json");
    let mut all_failures = Vec::new();
    for case in data["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap_or("?");
        let turns = turns(case);
        let report = analyzer.analyze_conversation(&turns);
        let mut failures = Vec::new();
        for (turn, r) in turns.iter().zip(&report.turns) {
            let matches = r
                .reply
                .as_ref()
                .map(|x| &x.matches)
                .or(r.customer.as_ref().map(|x| &x.matches));
            check_offsets(&turn.text, matches.map_or(&[][..], |m| m), &mut failures);
        }
        check_conversation(&report, &case["expect"], &mut failures);
        if !failures.is_empty() {
            all_failures.push(format!("{name}: {}", failures.join("; ")));
        }
    }
    assert!(all_failures.is_empty(), "\n{}\n", all_failures.join("\n"));
}

/// The support strategy of one-sentence cases (ESConv taxonomy): overall
/// accuracy at least the file's `min_accuracy`.
#[test]
fn golden_strategies() {
    let analyzer = Analyzer::new();
    let data = golden("strategies.json");
    let cases = data["cases"].as_array().expect("cases");
    let mut misses = Vec::new();
    for case in cases {
        let text = case["text"].as_str().expect("text");
        let want = case["strategy"].as_str().expect("strategy");
        let report = analyzer.score(text);
        assert_eq!(report.strategies.len(), 1, "one sentence: {text}");
        let got = report.strategies[0].strategy.as_str();
        if got != want {
            misses.push(format!("{want} -> {got}: {text}"));
        }
    }
    let accuracy = 1.0 - misses.len() as f64 / cases.len() as f64;
    let min = data["min_accuracy"].as_f64().expect("min_accuracy");
    println!("strategies: {accuracy:.3} on {} cases", cases.len());
    assert!(
        accuracy >= min,
        "accuracy {accuracy:.3} < {min}:\n{}",
        misses.join("\n")
    );
}
