#![no_main]
//! Any pack source (and any single pattern) compiles or fails with a typed
//! error; a compiled pack scores text without panicking.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (src, pattern) = input;
    if let Ok(a) = empathize::Analyzer::builder().pack(src).build() {
        let _ = a.score("I'm so sorry, per our policy we can't. 😭");
    }
    let escaped = pattern.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', " ");
    let pack = format!(
        "[lexicons]\nL = [\"a\", \"b c\"]\n[[rules]]\nid = \"r\"\ncategory = \"care\"\nweight = 1.0\npatterns = [\"{escaped}\"]\n"
    );
    if let Ok(a) = empathize::Analyzer::builder().pack(pack).build() {
        let _ = a.score(pattern);
    }
});
