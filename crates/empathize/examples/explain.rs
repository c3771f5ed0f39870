//! Prints the report of a reply: `cargo run --example explain -- "REPLY" ["CUSTOMER"]`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(reply) = args.first() else {
        eprintln!("usage: explain REPLY [CUSTOMER]");
        std::process::exit(2);
    };
    let analyzer = empathize::Analyzer::new();
    let report = match args.get(1) {
        Some(customer) => {
            let c = analyzer.analyze_customer(customer);
            println!(
                "customer: distress {:.2} (level {}), escalation {}, repetition {}",
                c.distress, c.distress_level, c.escalation, c.repetition
            );
            for m in &c.matches {
                println!(
                    "  {:<14} {:<32} {:?}{}",
                    m.category.as_str(),
                    m.rule,
                    m.text,
                    if m.negated { " (negated)" } else { "" }
                );
            }
            analyzer.score_reply_to(&c, reply)
        }
        None => analyzer.score(reply),
    };
    println!(
        "score {:.1}  flags {:?}",
        report.score,
        report.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>()
    );
    println!(
        "epitome ER{} IN{} EX{}",
        report.epitome.emotional_reactions,
        report.epitome.interpretations,
        report.epitome.explorations
    );
    for m in &report.matches {
        let state = if m.negated {
            " (negated)"
        } else if m.suppressed {
            " (suppressed)"
        } else {
            ""
        };
        println!(
            "  {:<16} {:+.2} {:<36} {:?}{}",
            m.category.as_str(),
            m.contribution,
            m.rule,
            m.text,
            state
        );
    }
    for t in &report.breakdown {
        if t.match_index.is_none() {
            println!("  [{:?}] {} {:+.2}", t.source, t.label, t.value);
        }
    }
    for s in &report.strategies {
        println!("  sentence {:?}: {}", &reply[s.start..s.end], s.strategy);
    }
    for t in &report.tips {
        println!("  tip {}: {}", t.code, t.message);
    }
}
