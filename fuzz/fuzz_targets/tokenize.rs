#![no_main]
//! Tokens stay on character boundaries, in order, inside the text.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let analyzer = empathize::Analyzer::new();
    let mut last = 0;
    for t in analyzer.tokenize(text) {
        assert!(t.start >= last && t.start < t.end && t.end <= text.len());
        assert_eq!(&text[t.start..t.end], t.text);
        last = t.end;
    }
});
