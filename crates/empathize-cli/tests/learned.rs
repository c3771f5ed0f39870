//! `empathize train`, `rules check` on learned tables, `eval goemotions`.

use std::path::PathBuf;

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cmd() -> Command {
    let mut c = Command::cargo_bin("empathize").expect("binary");
    c.current_dir(root());
    c
}

fn train_example(out: &std::path::Path) {
    cmd()
        .args([
            "train",
            "labels",
            "examples/train/qa_labels.jsonl",
            "--output",
            "strategies",
            "--name",
            "acme-qa",
            "--min-df",
            "2",
            "--top-k",
            "20",
            "-o",
        ])
        .arg(out)
        .assert()
        .success();
}

#[test]
fn train_is_reproducible_readable_and_usable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a.toml"), dir.path().join("b.toml"));
    train_example(&a);
    train_example(&b);
    let (ta, tb) = (std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
    assert_eq!(ta, tb, "same data and settings must give the same bytes");
    let text = String::from_utf8(ta).expect("utf-8");
    for field in [
        "trained_on = ",
        "licence = ",
        "command = ",
        "held_in = ",
        "[tables.weights.suggestion]",
    ] {
        assert!(text.contains(field), "missing {field}:\n{text}");
    }
    // One n-gram a line, strongest first, within each target.
    let weights: Vec<f64> = text
        .split("[tables.weights.suggestion]")
        .nth(1)
        .expect("suggestion weights")
        .lines()
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.rsplit_once(" = ").and_then(|(_, w)| w.parse().ok()))
        .collect();
    assert!(weights.len() >= 3, "{weights:?}");
    assert!(weights.windows(2).all(|w| w[0] >= w[1]), "{weights:?}");

    let check = cmd()
        .args(["rules", "check"])
        .arg(&a)
        .output()
        .expect("run");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stdout).contains("learned tables"));

    // The table is used: its matches are learned ones, in the JSON report.
    let out = cmd()
        .arg("--extra-rules")
        .arg(&a)
        .args([
            "explain",
            "--format",
            "json",
            "Maybe try the billing tab under past orders.",
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let learned: Vec<&serde_json::Value> = report["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .filter(|m| m["source"] == "learned")
        .collect();
    assert!(!learned.is_empty(), "{report}");
    assert!(learned
        .iter()
        .all(|m| m["rule"].as_str().unwrap().starts_with("acme-qa:")));
    assert_eq!(report["strategies"][0]["strategy"], "suggestion");
}

fn check_pack(body: &str) -> (bool, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("team-table.toml");
    std::fs::write(&path, body).expect("write");
    let out = cmd()
        .args(["rules", "check"])
        .arg(&path)
        .output()
        .expect("run");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const HEADER: &str = "[[tables]]\nname = \"t\"\noutput = \"emotions\"\ntrained_on = \"x\"\nlicence = \"y\"\ncommand = \"z\"\nheld_in = \"w\"\n";

#[test]
fn rules_check_names_file_and_line_of_bad_tables() {
    let cases = [
        // (body after the header, expected words in the error, line)
        (
            "[tables.weights.boredom]\n\"meh\" = 1.0\n",
            "unknown target `boredom`",
            9,
        ),
        (
            "[tables.weights.anger]\n\"i am\" = 1.0\n\"i am\" = 2.0\n",
            "duplicate",
            10,
        ),
        (
            "[tables.weights.anger]\n\"i am\" = 1.0\n\"I'm\" = 2.0\n",
            "normalized form",
            10,
        ),
        ("[tables.weights.anger]\n\"ugh\" = nan\n", "finite", 9),
        ("[tables.bias]\nanger = inf\n", "finite", 9),
    ];
    for (body, words, line) in cases {
        let (ok, err) = check_pack(&format!("{HEADER}{body}"));
        assert!(!ok, "accepted:\n{body}");
        assert!(err.contains(words), "{words}: {err}");
        assert!(err.contains("team-table.toml"), "no file name: {err}");
        assert!(err.contains(&format!("line {line}")), "line {line}: {err}");
    }
    let (ok, err) = check_pack(&HEADER.replace("licence = \"y\"\n", "licence = \"\"\n"));
    assert!(!ok && err.contains("licence"), "{err}");
}

#[test]
fn eval_goemotions_reports_rules_alone_beside_the_tables() {
    // Comments written for this test, in the GoEmotions format.
    let rows = [
        ("This is infuriating, stop wasting my time", "anger"),
        ("I am so sad and lonely tonight", "sadness"),
        ("Thank you so much, this helped a lot", "gratitude"),
        ("What do you mean by that?", "confusion"),
        ("The train leaves at nine", "neutral"),
        ("I'm really nervous about the exam", "nervousness"),
    ];
    let body: String = rows
        .iter()
        .map(|(t, l)| serde_json::json!({"text": t, "labels": [l]}).to_string() + "\n")
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("dev.jsonl");
    std::fs::write(&path, body).expect("write");
    let out = cmd()
        .args(["eval", "goemotions", "--json"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(results[0]["name"], "rules alone");
    assert_eq!(results[1]["name"], "rules + learned");
    let gratitude = results[1]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["emotion"] == "gratitude")
        .expect("gratitude");
    assert_eq!(gratitude["tp"], 1, "{gratitude}");
    // Three negative comments (anger, sadness, nervousness) against one neutral one.
    assert_eq!(results[1]["negative"], 3);
    assert_eq!(results[1]["neutral"], 1);
}

/// Runs the command in the `# Made by:` line of the shipped table `file`
/// (relative to the repository root) on `../shared/data/<corpus>/` and
/// checks that it writes the file byte for byte: a change to the rules'
/// evidence a table weighs, or to training, must come with the table
/// retrained, or this fails.
fn shipped_table_reproduces(file: &str) {
    let shipped = std::fs::read_to_string(root().join(file)).expect("shipped table");
    let command = shipped
        .lines()
        .find_map(|l| l.strip_prefix("# Made by: empathize "))
        .unwrap_or_else(|| panic!("{file}: no `# Made by:` line"));
    let mut args: Vec<String> = command.split_whitespace().map(str::to_string).collect();
    // `train <corpus> <file> ...`: the data file is named as it was given.
    assert!(args.len() > 3 && args[0] == "train", "{file}: {command}");
    let data = root().join("../shared/data").join(&args[1]).join(&args[2]);
    if !data.exists() {
        eprintln!("skipped: {} is absent", data.display());
        return;
    }
    args[2] = data.to_string_lossy().into_owned();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("table.toml");
    cmd().args(&args).arg("-o").arg(&out).assert().success();
    let fresh = std::fs::read_to_string(&out).expect("trained table");
    if fresh != shipped {
        let line = fresh
            .lines()
            .zip(shipped.lines())
            .position(|(a, b)| a != b)
            .map_or(fresh.lines().count().min(shipped.lines().count()), |i| i)
            + 1;
        panic!("{file} is not what its header command writes now (first difference on line {line}): retrain it with that command");
    }
}

#[test]
fn shipped_distress_table_reproduces_from_its_header() {
    shipped_table_reproduces("crates/empathize/packs/learned/goemotions-distress.toml");
}

#[test]
fn shipped_emotions_table_reproduces_from_its_header() {
    shipped_table_reproduces("crates/empathize/packs/learned/goemotions-emotions.toml");
}

#[test]
fn shipped_esconv_table_reproduces_from_its_header() {
    shipped_table_reproduces("crates/empathize/packs/esconv-strategies.toml");
}
