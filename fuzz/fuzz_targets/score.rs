#![no_main]
//! Scoring any reply, alone or against any customer message, gives a
//! well-formed report whose spans slice the text.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (customer, reply) = input;
    let analyzer = empathize::Analyzer::new();
    let report = analyzer.score_reply(customer, reply);
    assert!((0.0..=100.0).contains(&report.score));
    for m in &report.matches {
        assert_eq!(&reply[m.start..m.end], m.text);
    }
    let c = analyzer.analyze_customer(customer);
    assert!((0.0..=1.0).contains(&c.distress));
    for m in &c.matches {
        assert_eq!(&customer[m.start..m.end], m.text);
    }
});
