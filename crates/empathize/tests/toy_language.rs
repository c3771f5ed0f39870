//! A pack for a toy language (`tests/packs/toy.toml`) as the only rules:
//! the engine scores, negates, expands contractions and splits sentences
//! with nothing but what the pack says. The Python and Node suites run the
//! same checks through the bindings.

use empathize::{Analyzer, Dimension};

fn zib() -> Analyzer {
    let pack = include_str!("../../../tests/packs/toy.toml");
    match Analyzer::builder().pack_named("toy.toml", pack).build() {
        Ok(analyzer) => analyzer,
        Err(e) => panic!("the toy pack does not build: {e}"),
    }
}

/// `(rule, negated)` of each match of `text`.
fn matches(analyzer: &Analyzer, text: &str) -> Vec<(String, bool)> {
    analyzer
        .score(text)
        .matches
        .iter()
        .map(|m| (m.rule.to_string(), m.negated))
        .collect()
}

#[test]
fn the_pack_is_the_only_knowledge() {
    let zib = zib();
    assert_eq!(zib.pack_name(), "zib");
    let ids: Vec<String> = zib.rules().into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["care.vi", "apology.soka", "personalization.for_you"]);
}

#[test]
fn scores_its_words() {
    let zib = zib();
    let report = zib.score("soka, vi~");
    assert!(report.dimensions.get(Dimension::Care) > 0.0);
    assert!(report.dimensions.get(Dimension::Apology) > 0.0);
    assert!(report.score > zib.score("mi~").score);
    assert_eq!(matches(&zib, "^o^"), [("care.vi".to_string(), false)]);
}

#[test]
fn its_negator_cancels_within_reach_and_clause() {
    let zib = zib();
    let not_kind = zib.score("nu vi~");
    assert_eq!(matches(&zib, "nu vi~"), [("care.vi".to_string(), true)]);
    assert_eq!(not_kind.dimensions.get(Dimension::Care), 0.0);
    assert!(not_kind.score < zib.score("vi~").score);
    // The reach is the pack's `negation_reach` (3 terms)...
    assert_eq!(
        matches(&zib, "nu mi mi vi"),
        [("care.vi".to_string(), true)]
    );
    assert_eq!(
        matches(&zib, "nu mi mi mi vi"),
        [("care.vi".to_string(), false)]
    );
    // ...and "ba" (but) ends the clause.
    assert_eq!(
        matches(&zib, "nu mi ba vi"),
        [("care.vi".to_string(), false)]
    );
    // English negators mean nothing here.
    assert_eq!(matches(&zib, "not vi"), [("care.vi".to_string(), false)]);
}

#[test]
fn its_contractions_expand() {
    let zib = zib();
    let tokens = zib.tokenize("Nuvi, ka'z");
    let norms: Vec<&str> = tokens.iter().map(|t| t.norm.as_ref()).collect();
    assert_eq!(norms, ["nu vi", ",", "ka zo"]);
    assert!(
        tokens[0].negated,
        "the negator inside `nuvi` reaches its own `vi`"
    );
    assert!(!tokens[2].negated, "the comma ends its clause");
    assert_eq!(
        matches(&zib, "nuvi, ka'z"),
        [
            ("care.vi".to_string(), true),
            ("personalization.for_you".to_string(), false),
        ]
    );
    // English contractions are not the toy language's.
    let english = zib.tokenize("don't");
    assert_eq!(english[0].norm, "don't");
}

#[test]
fn its_marks_and_abbreviations_split_sentences() {
    let zib = zib();
    let sentences = |text: &str| -> Vec<usize> {
        zib.tokenize(text)
            .iter()
            .filter(|t| t.kind == empathize::TokenKind::Word)
            .map(|t| t.sentence)
            .collect()
    };
    assert_eq!(sentences("soka~ vi~ mi"), [0, 1, 2]);
    // "kp." is an abbreviation: its full stop ends nothing.
    assert_eq!(sentences("soka kp. vi. mi"), [0, 0, 0, 1]);
    // Each sentence gets its own strategy.
    assert_eq!(zib.score("soka~ vi~ mi").strategies.len(), 3);
}

#[test]
fn a_bad_language_lexicon_is_an_error_with_pack_field_and_line() {
    let cases = [
        (
            "[lexicons]\nCONTRACTIONS = [\"nuvi nu vi\"]\n",
            "CONTRACTIONS",
            "word = term term",
        ),
        (
            "[lexicons]\nNEGATORS = [\"Nu\"]\n",
            "NEGATORS",
            "normalized form",
        ),
        (
            "[lexicons]\nSENTENCE_ENDS = [\"~~\"]\n",
            "SENTENCE_ENDS",
            "one mark",
        ),
        (
            "[lexicons]\nADVICE = [\"\"]\n",
            "ADVICE",
            "at least one word",
        ),
        ("[scoring]\nnegation_reach = 2.5\n", "", "whole number"),
    ];
    for (src, lexicon, message) in cases {
        let err = match Analyzer::builder()
            .extra_pack_named("bad.toml", src)
            .build()
        {
            Ok(_) => panic!("{src} should not build"),
            Err(e) => e,
        };
        assert_eq!(err.pack(), Some("bad.toml"), "{err}");
        assert_eq!(err.line(), Some(2), "{err}");
        assert!(err.message().contains(message), "{err}");
        if !lexicon.is_empty() {
            assert_eq!(
                err.field(),
                Some(format!("lexicons.{lexicon}").as_str()),
                "{err}"
            );
        }
    }
}

#[test]
fn an_extra_pack_extends_the_language_of_the_base() {
    let zib = Analyzer::builder()
        .pack(include_str!("../../../tests/packs/toy.toml"))
        .extra_pack("[lexicons]\nNEGATORS = [\"nai\"]\n")
        .build();
    let zib = match zib {
        Ok(a) => a,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(matches(&zib, "nai vi"), [("care.vi".to_string(), true)]);
    assert_eq!(matches(&zib, "nu vi"), [("care.vi".to_string(), true)]);
}
