//! Hostile input: huge, repetitive, strange text and packs built to blow up.
//! Each gets a result or a typed error; time grows linearly (checked as a
//! ratio between two sizes of the thread's CPU time, never as an absolute
//! time).

use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use cpu_time::ThreadTime;

use empathize::{Analyzer, Role, Turn};

/// Tests that time things hold the cores alone: the heavy tests of this
/// file (a million-text batch on every core, 10 MB messages) would otherwise
/// run beside them and skew one side of a ratio.
static CORES: RwLock<()> = RwLock::new(());

fn shared_cores() -> RwLockReadGuard<'static, ()> {
    CORES.read().unwrap_or_else(PoisonError::into_inner)
}

fn exclusive_cores() -> RwLockWriteGuard<'static, ()> {
    CORES.write().unwrap_or_else(PoisonError::into_inner)
}

fn analyzer() -> Analyzer {
    Analyzer::new()
}

/// Doubling the input must not much more than double the time. The time is
/// the CPU time of this thread (every run here is single-threaded), so time
/// spent descheduled on a loaded machine does not count. The two sizes run
/// in alternation, seven times each, and the best time of each is kept, so
/// what noise is left (caches shared with other processes) hits both alike
/// and rarely every run.
fn assert_linear(name: &str, mut run: impl FnMut(usize)) {
    let mut time = |k: usize| {
        let t = ThreadTime::now();
        run(k);
        t.elapsed()
    };
    time(1); // warm-up: caches, allocator
    let (mut small, mut large) = (Duration::MAX, Duration::MAX);
    for _ in 0..7 {
        small = small.min(time(1));
        large = large.min(time(4));
    }
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-6);
    assert!(
        ratio < 8.0,
        "{name}: 4× input took {ratio:.1}× the time ({small:?} → {large:?})"
    );
}

#[test]
fn ten_megabyte_message() {
    let _cores = shared_cores();
    let unit = "I'm so sorry about the delay!!! Per our policy we can't refund. 😭 ";
    let text = unit.repeat(10_000_000 / unit.len());
    let report = analyzer().score(&text);
    assert!((0.0..=100.0).contains(&report.score));
    assert!(!report.matches.is_empty());
    for m in report.matches.iter().take(1000) {
        assert_eq!(&text[m.start..m.end], m.text);
    }
    let customer = analyzer().analyze_customer(&text);
    assert!(customer.distress <= 1.0);
}

#[test]
fn scoring_time_is_linear_in_text_size() {
    let _cores = exclusive_cores();
    let a = analyzer();
    let unit =
        "Hi! I understand how frustrating that is, sorry, but per our policy no. Does that work? ";
    assert_linear("score", |k| {
        let _ = a.score(&unit.repeat(2000 * k));
    });
    assert_linear("customer", |k| {
        let _ = a.analyze_customer(&"I'm FURIOUS!!! third time calling 😡 ".repeat(2000 * k));
    });
    assert_linear("repeated characters", |k| {
        let _ = a.score(&"a".repeat(200_000 * k));
    });
    assert_linear("no spaces", |k| {
        let _ = a.score(&"sorry!".repeat(40_000 * k));
    });
}

#[test]
fn deeply_repeated_characters_and_punctuation() {
    let _cores = shared_cores();
    let a = analyzer();
    for text in [
        "!".repeat(1_000_000),
        "?".repeat(100_000),
        "😭".repeat(100_000),
        "s".repeat(1_000_000),
        format!("s{}rry", "o".repeat(500_000)),
        ".".repeat(100_000),
        "\n".repeat(100_000),
        "-".repeat(100_000),
        "'".repeat(100_000),
        "a'".repeat(100_000),
        "@".repeat(10_000),
        "http://".repeat(10_000),
    ] {
        let r = a.score(&text);
        assert!((0.0..=100.0).contains(&r.score));
        let _ = a.tokenize(&text);
    }
}

#[test]
fn a_million_tiny_messages() {
    let _cores = shared_cores();
    let a = analyzer();
    let texts: Vec<String> = (0..1_000_000)
        .map(|i| ["ok", "no", "sorry", "", "?", "😭"][i % 6].to_string())
        .collect();
    let reports = a.score_batch(&texts);
    assert_eq!(reports.len(), texts.len());
}

#[test]
fn hundred_thousand_turn_conversation() {
    let _cores = exclusive_cores();
    let a = analyzer();
    let make = |n: usize| -> Vec<Turn> {
        (0..n)
            .map(|i| {
                if i % 2 == 0 {
                    Turn::customer(["I'm upset!", "where is it", "THIRD TIME!!!", "thanks"][i % 4])
                } else {
                    Turn::agent(
                        [
                            "Fantastic!",
                            "Can you send the order id?",
                            "I'm sorry, I understand.",
                            "Done.",
                        ][i % 4],
                    )
                    .with_agent(format!("a{}", i % 7))
                }
            })
            .collect()
    };
    let report = a.analyze_conversation(&make(100_000));
    assert_eq!(report.turns.len(), 100_000);
    assert!(report.agents.len() == 7);
    assert_linear("conversation", |k| {
        let _ = a.analyze_conversation(&make(2_500 * k));
    });
}

#[test]
fn every_unicode_general_category_and_controls() {
    let _cores = shared_cores();
    let a = analyzer();
    // Every scalar value in chunks: letters, marks, numbers, punctuation,
    // symbols, separators, controls, private use, unassigned.
    let all: Vec<char> = (0u32..=0x10FFFF).filter_map(char::from_u32).collect();
    for chunk in all.chunks(4096) {
        let text: String = chunk.iter().collect();
        let r = a.score(&text);
        assert!((0.0..=100.0).contains(&r.score));
        for m in &r.matches {
            assert_eq!(&text[m.start..m.end], m.text);
        }
        let spaced: String = chunk.iter().flat_map(|c| [*c, ' ']).collect();
        let _ = a.analyze_customer(&spaced);
        let _ = a.tokenize(&spaced);
    }
    for text in [
        "sorry\0sorry\0",
        "\u{202E}I'm so sorry\u{202C} مرحبا שלום",
        "Z\u{0336}\u{0337}\u{0338}a\u{0300}\u{0301}\u{0302}\u{0303}lgo sorry",
        "\u{FEFF}\u{200B}\u{200D}\u{2060}",
        "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} family 🏳️‍🌈",
        "\x1b[31mred\x1b[0m sorry",
    ] {
        let r = a.score(text);
        for m in &r.matches {
            assert_eq!(&text[m.start..m.end], m.text);
        }
    }
}

#[test]
fn rule_packs_built_to_blow_up_are_errors_or_bounded() {
    let _cores = shared_cores();
    // A huge alternation: rejected at the expansion limit.
    let alternation = (0..20)
        .map(|i| format!("(a{i}|b{i}|c{i})"))
        .collect::<Vec<_>>()
        .join(" ");
    let pack = format!("[[rules]]\nid = \"x\"\ncategory = \"care\"\nweight = 1.0\npatterns = [\"{alternation}\"]\n");
    let err = Analyzer::builder().pack(pack).build().unwrap_err();
    assert!(err.message().contains("expands"), "{err}");

    // A self-referencing lexicon.
    let pack = "[lexicons]\nA = [\"x <A>\"]\n[[rules]]\nid = \"x\"\ncategory = \"care\"\nweight = 1.0\npatterns = [\"<A>\"]\n";
    let err = Analyzer::builder().pack(pack).build().unwrap_err();
    assert!(err.message().contains("cycle"), "{err}");

    // Gaps everywhere: allowed up to the limit, and matching stays linear.
    let pack = "[[rules]]\nid = \"x\"\ncategory = \"care\"\nweight = 1.0\npatterns = [\"a *{0,8} a *{0,8} a *{0,8} a *{0,8} a\"]\n";
    let gappy = Analyzer::builder()
        .pack(pack)
        .build()
        .expect("gaps within limits");
    assert_linear("gaps", |k| {
        let _ = gappy.score(&"a ".repeat(20_000 * k));
    });
    let too_many = "[[rules]]\nid = \"x\"\ncategory = \"care\"\nweight = 1.0\npatterns = [\"a *{0,8} a *{0,8} a *{0,8} a *{0,8} a *{0,8} a\"]\n";
    assert!(Analyzer::builder().pack(too_many).build().is_err());

    // Thousands of rules compile, and a deep lexicon chain stops at its limit.
    let mut many = String::new();
    for i in 0..5000 {
        many.push_str(&format!("[[rules]]\nid = \"r{i}\"\ncategory = \"care\"\nweight = 0.1\npatterns = [\"w{i} (x|y) z{i}\"]\n"));
    }
    let big = Analyzer::builder().pack(many).build().expect("5000 rules");
    assert_eq!(big.rules().len(), 5000);
    let _ = big.score("w17 x z17 w4999 y z4999");
    let mut chain = String::from("[lexicons]\n");
    for i in 0..40 {
        chain.push_str(&format!("L{i} = [\"<L{}>\"]\n", i + 1));
    }
    chain.push_str("L40 = [\"end\"]\n[[rules]]\nid = \"x\"\ncategory = \"care\"\nweight = 1.0\npatterns = [\"<L0>\"]\n");
    assert!(Analyzer::builder().pack(chain).build().is_err());

    // Junk and oversized sources.
    for junk in [
        "\0\0\0",
        "[[rules]]\nid = 5\n",
        "x = [1,",
        &"[".repeat(10_000),
    ] {
        assert!(Analyzer::builder().pack(junk).build().is_err());
    }
    let huge = format!("# {}\n", "x".repeat(17 << 20));
    assert!(Analyzer::builder().pack(huge).build().is_err());
}

#[test]
fn roles_parse_with_aliases() {
    for (s, r) in [
        ("user", Role::Customer),
        ("Customer", Role::Customer),
        ("bot", Role::Agent),
        ("assistant", Role::Agent),
        ("AGENT", Role::Agent),
    ] {
        assert_eq!(s.parse::<Role>().unwrap(), r);
    }
    assert!("martian".parse::<Role>().is_err());
}

#[test]
fn edge_conversations() {
    let a = analyzer();
    let empty = a.analyze_conversation(&[]);
    assert_eq!(empty.turns.len(), 0);
    assert!(!empty.late_empathy && empty.first_distress_turn.is_none());
    let only_customer =
        a.analyze_conversation(&[Turn::customer("I'm furious!"), Turn::customer("HELLO???")]);
    assert!(
        only_customer.missed_opportunities.is_empty(),
        "no agent turn: nothing was missed yet"
    );
    let only_agent = a.analyze_conversation(&[Turn::agent("Hi!"), Turn::agent("")]);
    assert_eq!(only_agent.turns.len(), 2);
    let consecutive = a.analyze_conversation(&[
        Turn::customer("I'm in tears, my account was hacked"),
        Turn::customer("hello?"),
        Turn::agent("Please send the account id."),
    ]);
    let missed: Vec<usize> = consecutive
        .missed_opportunities
        .iter()
        .map(|m| m.customer_turn)
        .collect();
    assert_eq!(missed, [0], "the distress of turn 0 still needed an answer");
}
