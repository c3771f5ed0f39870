//! Behaviour through the public API: builder, packs, offsets, batches.

use empathize::{Analyzer, Dimension, Flag, OffsetUnit, RulePackError, ToUnit, TokenKind};

#[test]
fn public_types_are_send_sync_unwind_safe() {
    fn check<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    check::<Analyzer>();
    check::<empathize::MessageReport>();
    check::<empathize::CustomerReport>();
    check::<empathize::ConversationReport>();
    check::<RulePackError>();
}

#[test]
fn the_default_pack_covers_every_category() {
    let rules = Analyzer::new().rules();
    for name in empathize::Category::all_names() {
        if ["refusal_without_alternative", "shouting"].contains(&name) {
            continue; // derived by the engine
        }
        assert!(
            rules.iter().any(|r| r.category.as_str() == name),
            "no rule for category {name}"
        );
    }
    assert!(rules.len() >= 150, "only {} rules", rules.len());
}

#[test]
fn context_lowers_the_score_of_a_reply_that_ignores_distress() {
    let a = Analyzer::new();
    let reply = "Please send us your order number.";
    let calm = a.score_reply("Hi, where can I find my order number?", reply);
    let upset = a.score_reply(
        "I'm furious, my order is lost AGAIN and I'm in tears!!!",
        reply,
    );
    assert!(
        upset.score < calm.score,
        "{} vs {}",
        upset.score,
        calm.score
    );
    assert!(upset.has_tip("acknowledge_feelings"));
}

#[test]
fn extra_pack_weights_and_disable() {
    let base = Analyzer::new();
    let text = "Aloha! I'm so sorry.";
    let with_extra = Analyzer::builder()
        .extra_pack("[[rules]]\nid = \"warmth.aloha\"\ncategory = \"warmth\"\nweight = 0.9\npatterns = [\"aloha\"]\n")
        .build()
        .unwrap();
    assert!(with_extra.score(text).dimensions.warmth > base.score(text).dimensions.warmth);

    let apology_rule = base
        .score(text)
        .matches
        .iter()
        .find(|m| m.category.as_str() == "apology")
        .map(|m| m.rule.to_string())
        .expect("an apology rule matches");
    let disabled = Analyzer::builder()
        .disable(apology_rule.clone())
        .build()
        .unwrap();
    assert!(!disabled
        .score(text)
        .matches
        .iter()
        .any(|m| *m.rule == *apology_rule));
    let heavier = Analyzer::builder()
        .weight(apology_rule.clone(), 5.0)
        .build()
        .unwrap();
    assert!(heavier.score(text).score > base.score(text).score);

    let err = Analyzer::builder()
        .disable("no.such.rule")
        .build()
        .unwrap_err();
    assert_eq!(err.rule(), Some("no.such.rule"));
}

#[test]
fn own_story_rules_count_only_when_said_to_the_person() {
    let rule = |own_story: &str| {
        format!("[[rules]]\nid = \"warmth.onward\"\ncategory = \"warmth\"\nweight = 1.0\n{own_story}patterns = [\"keep going\"]\n")
    };
    let story_only = Analyzer::builder()
        .extra_pack(rule("own_story = false\n"))
        .build()
        .unwrap();
    let anywhere = Analyzer::builder().extra_pack(rule("")).build().unwrap();
    let onward = |a: &Analyzer, text: &str| {
        a.score(text)
            .matches
            .iter()
            .any(|m| &*m.rule == "warmth.onward")
    };
    // The writer's own story: "I" before the hit, no "you" in the sentence.
    for text in [
        "I just keep going because I have to.",
        "Some days I keep going.",
    ] {
        assert!(!onward(&story_only, text), "{text}");
        assert!(onward(&anywhere, text), "{text}");
    }
    // Said to the person: no first-person subject before it, or "you" in it.
    for text in [
        "Keep going, I believe in you.",
        "Keep going my friend, I know it is hard.",
        "I know you will keep going.",
        "I keep going. Keep going!",
    ] {
        assert!(onward(&story_only, text), "{text}");
    }
    // The shipped encouragement rules are of this kind.
    let en = Analyzer::new();
    let encouraged = |text: &str| {
        en.score(text)
            .matches
            .iter()
            .any(|m| m.rule.starts_with("reassurance."))
    };
    assert!(!encouraged(
        "I just keep going because I won't know otherwise."
    ));
    assert!(encouraged("Keep going, you will make it."));
    assert!(encouraged("Hang in there my friend."));

    let err = Analyzer::builder()
        .pack("[[rules]]\nid = \"a\"\ncategory = \"care\"\nweight = 1.0\nown_story = \"no\"\npatterns = [\"x\"]\n")
        .build()
        .unwrap_err();
    assert_eq!(err.line(), Some(5), "{err}");
}

#[test]
fn replacing_the_pack() {
    let a = Analyzer::builder()
        .pack("[pack]\nname = \"tiny\"\n[[rules]]\nid = \"care.hug\"\ncategory = \"care\"\nweight = 1.0\npatterns = [\"(big)? hug\"]\n")
        .build()
        .unwrap();
    assert_eq!(a.pack_name(), "tiny");
    assert_eq!(a.rules().len(), 1);
    let r = a.score("Sending a big hug");
    assert_eq!(r.matches.len(), 1);
    assert_eq!(r.matches[0].text, "big hug");
    assert!(a.score("I'm so sorry").matches.is_empty());
}

#[test]
fn pack_errors_name_rule_field_line() {
    /// (pack source, rule, field, line)
    type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<usize>);
    let cases: &[Case] = &[
        ("[[rules]]\nid = \"a\"\ncategory = \"care\"\nweight = 1.0\npatterns = [\"(x\"]\n", Some("a"), Some("patterns"), Some(5)),
        ("[[rules]]\nid = \"a\"\ncategory = \"care\"\nweight = 1.0\npatterns = [\"<NOPE>\"]\n", Some("a"), Some("patterns"), Some(5)),
        ("[[rules]]\nid = \"a\"\ncategory = \"carez\"\nweight = 1.0\npatterns = [\"x\"]\n", Some("a"), Some("category"), Some(3)),
        ("[lexicons]\nA = [\"<B>\"]\nB = [\"<A>\"]\n[[rules]]\nid = \"a\"\ncategory = \"care\"\nweight = 1.0\npatterns = [\"<A>\"]\n", Some("B"), Some("lexicons"), Some(3)),
        ("[scoring]\nbiass = 1.0\n", None, Some("scoring.biass"), Some(2)),
        ("[[rules]]\nid = \"a\"\ncategory = \"care\"\nweight = 1.0\npatterns = [\"x *{0,99} y\"]\n", Some("a"), Some("patterns"), Some(5)),
    ];
    for (src, rule, field, line) in cases {
        let err = Analyzer::builder().pack(*src).build().unwrap_err();
        if rule.is_some() {
            assert_eq!(err.rule(), *rule, "{err}");
        }
        assert_eq!(err.field(), *field, "{err}");
        if line.is_some() {
            assert_eq!(err.line(), *line, "{err}");
        }
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn gaps_match_within_a_sentence_only() {
    // A base pack brings its own language: here, which marks end a sentence.
    let a = Analyzer::builder()
        .pack("[lexicons]\nSENTENCE_ENDS = [\".\", \"!\", \"?\"]\n[[rules]]\nid = \"hollow.inconvenience\"\ncategory = \"hollow\"\nweight = -1.0\npatterns = [\"sorry *{0,3} inconvenience\"]\n")
        .build()
        .unwrap();
    assert_eq!(a.score("Sorry for any inconvenience.").matches.len(), 1);
    assert_eq!(a.score("Sorry for the inconvenience.").matches.len(), 1);
    assert!(a
        .score("Sorry for the long wait and the inconvenience.")
        .matches
        .is_empty());
    assert!(a.score("Sorry. Inconvenience.").matches.is_empty());
}

#[test]
fn batch_keeps_order_and_equals_single_calls() {
    let a = Analyzer::new();
    let texts: Vec<String> = (0..500)
        .map(|i| {
            if i % 3 == 0 {
                format!("I'm so sorry about order {i}.")
            } else {
                format!("Per our policy, no. {i}")
            }
        })
        .collect();
    let batch = a.score_batch(&texts);
    for (t, r) in texts.iter().zip(&batch) {
        assert_eq!(&a.score(t), r);
    }
}

#[test]
fn offsets_convert_for_python_and_javascript() {
    let a = Analyzer::new();
    let text = "😭 José, 我很抱歉 — I’m so sorry, I understand how frustrating that is 🙏";
    let bytes = a.score(text);
    assert!(!bytes.matches.is_empty());
    let mut chars = bytes.clone();
    chars.to_unit(text, OffsetUnit::Char);
    let mut utf16 = bytes.clone();
    utf16.to_unit(text, OffsetUnit::Utf16);
    let code_points: Vec<char> = text.chars().collect();
    let units: Vec<u16> = text.encode_utf16().collect();
    for ((b, c), u) in bytes.matches.iter().zip(&chars.matches).zip(&utf16.matches) {
        assert_eq!(
            code_points[c.start..c.end].iter().collect::<String>(),
            b.text
        );
        assert_eq!(String::from_utf16(&units[u.start..u.end]).unwrap(), b.text);
    }
}

#[test]
fn tokenizer_points() {
    let a = Analyzer::new();
    let t = a.tokenize(
        "I’m NOT ok!!! Sooo sad 😭 see https://t.co/x @acme #fail :( I don't understand.",
    );
    let norms: Vec<&str> = t.iter().map(|t| t.norm.as_ref()).collect();
    assert_eq!(norms[0], "i am");
    assert!(t[1].caps);
    assert!(t.iter().any(|t| t.emphatic));
    assert!(t.iter().any(|t| t.elongated && t.norm == "so"));
    let kinds: Vec<TokenKind> = t.iter().map(|t| t.kind).collect();
    for k in [
        TokenKind::Emoji,
        TokenKind::Url,
        TokenKind::Mention,
        TokenKind::Hashtag,
        TokenKind::Emoticon,
    ] {
        assert!(kinds.contains(&k), "{k:?}");
    }
    let understand = t.iter().find(|t| t.norm == "understand").unwrap();
    assert!(
        understand.negated,
        "`understand` is inside the scope of n't"
    );
    assert!(t.last().unwrap().sentence > t[0].sentence);
}

#[test]
fn flags_and_dimensions_from_the_seeds() {
    let a = Analyzer::new();
    let r = a.score("I can't change the date, but what I can do is move you to the 9am flight.");
    assert!(r.dimensions.get(Dimension::Options) > 0.0);
    assert!(!r.has_flag(Flag::RefusalWithoutAlternative));
    let r = a.score("Nope.");
    assert!(r.has_flag(Flag::Refusal) || r.has_flag(Flag::Curt));
}

#[test]
fn reports_do_not_depend_on_the_thread_count() {
    let a = Analyzer::new();
    let texts: Vec<String> = (0..2000)
        .map(|i| format!("Hi {i}! I'm so sorry 😭 — per our policy we can't, but I can offer a refund. Does that work?"))
        .collect();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool")
            .install(|| a.score_batch(&texts))
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(7));
}

#[test]
fn conversation_offsets_convert_turn_by_turn() {
    let turns = [
        empathize::Turn::customer("😭 I'm in tears, my order is lost"),
        empathize::Turn::agent("我很抱歉 — I'm so sorry, I understand how upsetting this is."),
    ];
    let mut report = Analyzer::new().analyze_conversation(&turns);
    report.turns_to_unit(&turns, OffsetUnit::Utf16);
    for (turn, r) in turns.iter().zip(&report.turns) {
        let units: Vec<u16> = turn.text.encode_utf16().collect();
        let matches = r
            .reply
            .as_ref()
            .map(|x| &x.matches)
            .or(r.customer.as_ref().map(|x| &x.matches))
            .unwrap();
        assert!(!matches.is_empty());
        for m in matches {
            assert_eq!(String::from_utf16(&units[m.start..m.end]).unwrap(), m.text);
        }
    }
}

#[test]
fn learned_matches_explain_distress_and_slice_the_text() {
    let analyzer = empathize::Analyzer::new();
    let text = "😡 ugh, the app crashed again and I lost my whole playlist";
    let report = analyzer.analyze_customer(text);
    let learned: Vec<_> = report
        .matches
        .iter()
        .filter(|m| m.source == empathize::MatchSource::Learned)
        .collect();
    assert!(!learned.is_empty(), "{report:?}");
    for m in &learned {
        assert_eq!(&text[m.start..m.end], m.text);
        assert!(m.rule.contains(':'), "{}", m.rule);
    }
    // The breakdown is the distress logit; its learned terms are matches.
    let sum: f64 = report.breakdown.iter().map(|t| t.value).sum();
    let learned_distress = 1.0 / (1.0 + (-sum).exp());
    assert!(report.distress + 1e-4 >= learned_distress, "{report:?}");
    for t in &report.breakdown {
        if t.source == empathize::TermSource::Learned {
            let m = &report.matches[t.match_index.expect("index")];
            assert_eq!(m.source, empathize::MatchSource::Learned);
            assert_eq!(m.contribution, t.value);
        }
    }
    // Switched off, the table leaves no trace.
    let rules_only = empathize::Analyzer::builder()
        .disable("goemotions-distress")
        .disable("goemotions-emotions")
        .build()
        .expect("disable tables");
    let plain = rules_only.analyze_customer(text);
    assert!(plain.breakdown.is_empty());
    assert!(plain
        .matches
        .iter()
        .all(|m| m.source == empathize::MatchSource::Rule));
}

/// A distress table with one n-gram, `invoice` at weight 2, and `scale`.
fn invoice_table(scale: &str) -> String {
    format!(
        "[[tables]]\nname = \"goemotions-distress\"\noutput = \"distress\"\n{scale}\ntrained_on = \"t\"\nlicence = \"t\"\ncommand = \"t\"\nheld_in = \"t\"\n[tables.bias]\ndistress = -3.0\n[tables.weights.distress]\n\"invoice\" = 2.0\n"
    )
}

#[test]
fn a_length_scaled_table_counts_each_ngram_over_the_root_of_the_length() {
    let learned = |scale: &str, text: &str| -> (f64, f64) {
        let analyzer = empathize::Analyzer::builder()
            .extra_pack(invoice_table(scale))
            .build()
            .expect("compiles");
        let report = analyzer.analyze_customer(text);
        let term = report
            .breakdown
            .iter()
            .find(|t| t.source == empathize::TermSource::Learned)
            .expect("a learned term");
        let m = &report.matches[term.match_index.expect("index")];
        (term.value, m.contribution)
    };
    // 4 terms: 2 / √4; 16 terms: 2 / √16.
    assert_eq!(learned("", "where is my invoice"), (2.0, 2.0));
    assert_eq!(
        learned("scale = \"none\"", "where is my invoice"),
        (2.0, 2.0)
    );
    let scaled = "scale = \"sqrt-length\"";
    assert_eq!(learned(scaled, "where is my invoice"), (1.0, 1.0));
    let long = "hello again , where is my invoice from last month for the order i placed today";
    assert_eq!(learned(scaled, long), (0.5, 0.5));
    let err = empathize::Analyzer::builder()
        .extra_pack(invoice_table("scale = \"log\""))
        .build()
        .expect_err("unknown scale");
    assert!(err.to_string().contains("scale"), "{err}");
    assert_eq!(err.line(), Some(4), "{err}");
}

#[test]
fn negated_ngrams_do_not_count() {
    let analyzer = empathize::Analyzer::new();
    let text = "I am not angry at all";
    let report = analyzer.analyze_customer(text);
    assert!(
        report
            .matches
            .iter()
            .filter(|m| m.source == empathize::MatchSource::Learned)
            .all(|m| !m.text.eq_ignore_ascii_case("angry")),
        "{report:?}"
    );
}

#[test]
fn bundled_opt_in_packs_load_by_name() {
    let toml = empathize::packs::get("esconv-strategies").expect("bundled");
    assert!(toml.contains("non-commercial"));
    let analyzer = empathize::Analyzer::builder()
        .extra_pack(toml)
        .build()
        .expect("compiles");
    assert!(analyzer
        .tables()
        .iter()
        .any(|t| t.name == "esconv-strategies" && t.output == "strategies"));
    assert!(empathize::packs::get("nope").is_none());
}

#[test]
fn a_first_person_sentence_said_to_the_person_is_not_own_experience() {
    // Distinct weights, so that each sentence feature shows in the evidence.
    let a = Analyzer::builder()
        .extra_pack("[scoring]\nip_first_person = 1.25\nip_first_person_you = 0.75\n")
        .build()
        .unwrap();
    let sources = |reply: &str| -> Vec<String> {
        a.score_reply("I lost my job and I can't sleep.", reply)
            .evidence
            .iter()
            .filter(|e| e.mechanism == empathize::Mechanism::Interpretations)
            .map(|e| e.source.to_string())
            .collect()
    };
    let story = sources("I went through the same thing last year.");
    assert!(story.contains(&"own_experience".to_string()), "{story:?}");
    assert!(
        !story.contains(&"first_person_to_you".to_string()),
        "{story:?}"
    );
    let told = sources("I went through the same thing and you will get through it.");
    assert!(
        told.contains(&"first_person_to_you".to_string()),
        "{told:?}"
    );
    assert!(!told.contains(&"own_experience".to_string()), "{told:?}");
}

#[test]
fn a_reply_that_is_mostly_a_question_explores() {
    use empathize::Mechanism;
    let a = Analyzer::new();
    let seeker = "I keep having flashbacks and I can't sleep anymore.";
    let main = |reply: &str| {
        let report = a.score_reply(seeker, reply);
        let found = report
            .evidence
            .iter()
            .any(|e| e.mechanism == Mechanism::Explorations && &*e.source == "question_main_act");
        (report.epitome.get(Mechanism::Explorations), found)
    };
    // The question is the reply's main act: strong evidence, level 2.
    assert_eq!(main("How did the trauma come about?"), (2, true));
    // The same question inside a long statement is not.
    let (_, found) = main(
        "I had flashbacks for years after my accident and the nights were the worst part of it. \
         Therapy and a strict sleep routine helped me more than anything else did. \
         How did the trauma come about?",
    );
    assert!(!found);
    // Nor a rhetorical one, nor a reply an exploration rule already reads.
    assert!(!main("Who knows?").1);
    assert!(!main("What happened?").1);
}

/// A strategies table that reads "walk" as a suggestion and "hard" as
/// affirmation, nearly as strong, trusts the rules' `other` (pleasantries)
/// and nothing else, with `[scoring]` `extra`.
fn walk_table(extra: &str) -> Analyzer {
    let targets = [
        "question",
        "restatement",
        "reflection_of_feelings",
        "self_disclosure",
        "affirmation_reassurance",
        "suggestion",
        "information",
        "other",
    ];
    let bias: String = targets.iter().map(|t| format!("{t} = -3.0\n")).collect();
    let toml = format!(
        "[[tables]]\nname = \"walk\"\noutput = \"strategies\"\ntrained_on = \"a test\"\nlicence = \"none\"\ncommand = \"none\"\nheld_in = \"none\"\n\n[tables.bias]\n{bias}\n[tables.rules]\nother = 1.0\n\n[tables.weights.suggestion]\n\"walk\" = 5.0\n\n[tables.weights.affirmation_reassurance]\n\"hard\" = 4.9\n\n[scoring]\n{extra}\n"
    );
    Analyzer::builder()
        .extra_pack(toml)
        .build()
        .expect("compiles")
}

#[test]
fn a_learned_runner_up_close_to_the_tag_is_a_second_tag() {
    use empathize::Strategy;
    let text = "It is hard, a walk helps. Thanks.";
    let tags = |a: &Analyzer| -> Vec<(usize, Strategy)> {
        a.score(text)
            .strategies
            .iter()
            .map(|s| (s.start, s.strategy))
            .collect()
    };
    // Off by default: one tag per sentence, the table's best.
    let one = tags(&walk_table(""));
    assert_eq!(one.len(), 2, "{one:?}");
    assert_eq!(one[0], (0, Strategy::Suggestion));
    // Within 0.2: the runner-up (0.1 below) is a second tag of the same
    // sentence, right after the first; the other sentence keeps one.
    let two = tags(&walk_table("strategy_learned_second = 0.2"));
    assert_eq!(
        two[..2],
        [
            (0, Strategy::Suggestion),
            (0, Strategy::AffirmationReassurance)
        ],
        "{two:?}"
    );
    assert_eq!(two.len(), 3, "{two:?}");
    // Too far: 0.05 is less than the gap of 0.1.
    assert_eq!(tags(&walk_table("strategy_learned_second = 0.05")), one);
    // Both tags' n-grams are learned matches.
    let report = walk_table("strategy_learned_second = 0.2").score(text);
    let learned: Vec<&str> = report
        .matches
        .iter()
        .filter(|m| m.source == empathize::MatchSource::Learned)
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(learned, ["hard", "walk"]);
}

#[test]
fn breakdown_terms_point_at_their_rule_matches_beside_learned_ones() {
    // The learned n-gram "hope" comes before the rule match of "have a
    // great day": each match term must still point at its own rule.
    let toml = empathize::packs::get("esconv-strategies").expect("bundled");
    let a = Analyzer::builder()
        .extra_pack(toml)
        .build()
        .expect("compiles");
    for text in [
        "I hope you have a great day.",
        "It is hard, a walk helps. I hope you have a great day.",
    ] {
        let report = a.score(text);
        assert!(report
            .matches
            .iter()
            .any(|m| m.source == empathize::MatchSource::Learned));
        for term in &report.breakdown {
            if term.source != empathize::TermSource::Match {
                continue;
            }
            let m = &report.matches[term.match_index.expect("a match term")];
            assert_eq!(m.source, empathize::MatchSource::Rule, "{text}: {term:?}");
            assert_eq!(*m.rule, *term.label, "{text}: {term:?}");
        }
    }
}

/// A distress table `t-distress` with `sorry` at 2 and `invoice` at 1.
fn sorry_table(skip_masked: &str) -> String {
    format!(
        "[[tables]]\nname = \"t-distress\"\noutput = \"distress\"\n{skip_masked}\ntrained_on = \"t\"\nlicence = \"t\"\ncommand = \"t\"\nheld_in = \"t\"\n[tables.bias]\ndistress = -3.0\n[tables.weights.distress]\n\"sorry\" = 2.0\n\"invoice\" = 1.0\n"
    )
}

#[test]
fn courtesy_spans_hide_ngrams_from_tables_that_skip_masked() {
    // The learned n-grams of `t-distress` in a message, as matches.
    let learned = |pack: &str, text: &str| -> Vec<String> {
        let analyzer = empathize::Analyzer::builder()
            .disable("goemotions-distress")
            .disable("goemotions-emotions")
            .extra_pack(pack.to_string())
            .build()
            .expect("compiles");
        let report = analyzer.analyze_customer(text);
        report
            .matches
            .iter()
            .filter(|m| m.source == empathize::MatchSource::Learned)
            .map(|m| m.text.to_lowercase())
            .collect()
    };
    let polite = "Sorry to bother you, but where is my invoice?";
    let remorse = "I'm so sorry, I ordered the wrong size";
    let skips = sorry_table("skip_masked = true");
    // The default pack's courtesy rules mask "sorry to bother you".
    assert_eq!(learned(&skips, polite), vec!["invoice"]);
    assert_eq!(learned(&sorry_table(""), polite), vec!["sorry", "invoice"]);
    assert_eq!(
        learned(&sorry_table("skip_masked = false"), polite),
        vec!["sorry", "invoice"]
    );
    // Remorse is no courtesy formula.
    assert_eq!(learned(&skips, remorse), vec!["sorry"]);
    // A pack's own rule with mask_learned masks too; without it, nothing.
    let rule = |mask: &str| {
        format!(
            "[[rules]]\nid = \"courtesy.test\"\ncategory = \"courtesy\"\nweight = 0.0\n{mask}\npatterns = [\"my invoice\"]\n\n{skips}"
        )
    };
    let text = "Where is my invoice?";
    assert!(learned(&rule("mask_learned = true"), text).is_empty());
    assert_eq!(learned(&rule(""), text), vec!["invoice"]);
    // Training reads customer messages the same way.
    let analyzer = empathize::Analyzer::new();
    let grams = |text: &str| -> Vec<String> {
        analyzer
            .customer_ngrams(text, 2)
            .into_iter()
            .map(|g| g.text)
            .collect()
    };
    assert!(!grams(polite)
        .iter()
        .any(|g| g.contains("sorry") || g.contains("bother")));
    assert!(grams(polite).contains(&"invoice".to_string()));
    assert!(grams(remorse).contains(&"sorry".to_string()));
    assert!(analyzer.ngrams(polite, 1).iter().any(|g| g.text == "sorry"));
}

#[test]
fn mask_learned_and_skip_masked_are_checked_with_their_line() {
    let build = |pack: String| {
        empathize::Analyzer::builder()
            .extra_pack(pack)
            .build()
            .expect_err("invalid")
    };
    let err = build(
        "[[rules]]\nid = \"warmth.test\"\ncategory = \"warmth\"\nweight = 1.0\nmask_learned = true\npatterns = [\"hello there\"]\n"
            .to_string(),
    );
    assert!(err.to_string().contains("mask_learned"), "{err}");
    assert_eq!(err.field(), Some("mask_learned"), "{err}");
    assert_eq!(err.line(), Some(5), "{err}");
    let err = build(
        "[[tables]]\nname = \"t-epitome\"\noutput = \"epitome\"\nskip_masked = true\ntrained_on = \"t\"\nlicence = \"t\"\ncommand = \"t\"\nheld_in = \"t\"\n"
            .to_string(),
    );
    assert!(err.to_string().contains("skip_masked"), "{err}");
    assert_eq!(err.line(), Some(4), "{err}");
}

#[test]
fn a_flat_complaint_stays_the_context_of_the_reply_after_a_second_customer_turn() {
    // The complaint is a rule's ("billed twice"): the emotions the tables
    // read show none, and merging the second turn must not lose it.
    let turns = [
        empathize::Turn::customer("Hi, my card was billed twice for the March renewal."),
        empathize::Turn::customer("Order 5521."),
        empathize::Turn::agent("Please send us the last four digits of the card."),
    ];
    let analyzer = Analyzer::new();
    let first = analyzer.analyze_customer(&turns[0].text);
    assert!(first.complaint && first.distress_level == 1, "{first:?}");
    let second = analyzer.analyze_customer(&turns[1].text);
    assert!(!second.complaint, "{second:?}");
    let report = analyzer.analyze_conversation(&turns);
    let reply = report.turns[2].reply.as_ref().expect("agent turn");
    let context = reply.context.as_ref().expect("customer context");
    assert!(context.complaint, "{context:?}");
    assert_eq!(context.distress_level, 1);
}

#[test]
fn an_unless_rule_gives_way_to_its_category_and_is_checked() {
    let pack = |unless: &str| {
        format!(
            "[[rules]]\nid = \"policy_wall.test\"\ncategory = \"policy_wall\"\nweight = -1.0\n{unless}\npatterns = [\"zorbly says no\"]\n\n[[rules]]\nid = \"options.test\"\ncategory = \"options\"\nweight = 1.0\npatterns = [\"try the zorbly blue\"]\n"
        )
    };
    let analyzer = |unless: &str| {
        Analyzer::builder()
            .extra_pack(pack(unless))
            .build()
            .expect("valid pack")
    };
    let walls = |a: &Analyzer, text: &str| a.score(text).flags.contains(&Flag::PolicyWall);
    let giving_way = analyzer("unless = \"options\"");
    assert!(walls(&giving_way, "Zorbly says no."));
    assert!(!walls(
        &giving_way,
        "Zorbly says no, but try the zorbly blue."
    ));
    assert!(walls(
        &analyzer(""),
        "Zorbly says no, but try the zorbly blue."
    ));
    // Another category of the same side, named as a category.
    for (unless, message) in [
        ("unless = \"nonsense\"", "unknown category"),
        ("unless = \"policy_wall\"", "another category"),
        ("unless = \"anger\"", "same side"),
    ] {
        let err = Analyzer::builder()
            .extra_pack(pack(unless))
            .build()
            .expect_err("invalid");
        assert!(err.to_string().contains(message), "{err}");
        assert_eq!(err.field(), Some("unless"), "{err}");
        assert_eq!(err.line(), Some(5), "{err}");
    }
}
