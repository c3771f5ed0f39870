//! Reading a batch's texts (`scoreMany`, `scoreManyAsync`: `texts` and
//! `customers`) with a few napi calls instead of several per text.
//!
//! Read one by one, each text cost an element read, a type check, two UTF-8
//! passes of V8 (length, then write) and a zeroed allocation: about 1 ms for
//! the 2,714 texts of the bench corpus, 4 % of a `scoreMany` pass. A small
//! JS function (`texts.js`, compiled once per environment) reads the
//! elements instead, checks that they are strings, notes their UTF-16
//! lengths in a reused `Uint32Array` and concatenates them into chunks of
//! about 32k units; Rust reads each chunk as UTF-16 with one napi call (V8
//! copies its units: no UTF-8 length pass, which napi's UTF-8 read makes
//! first) and makes each text UTF-8 by its length. The texts stay in one
//! buffer per chunk: no allocation per text. The price: V8 flattens each
//! chunk (a copy on the JS heap, dead at once: about 1 MB per pass of the
//! corpus, 3.7 -> 4.65 MB allocated per `scoreMany` pass, 34 -> 39
//! scavenges per 60 passes), which costs less than the calls it saves.
//!
//! The texts are those read one by one: each is made UTF-8 on its own, a
//! lone surrogate as U+FFFD (one unit, as the surrogate; what napi's UTF-8
//! read gives), so no pair forms across two texts.

use napi::bindgen_prelude::{Array, FromNapiValue, Function, Unknown, Utf16String};
use napi::{Env, JsValue, ValueType};

use crate::args;
use crate::errors::{Failure, Outcome};

/// The source of `gather`: an expression that evaluates to the function.
pub(crate) const GATHER: &str = include_str!("texts.js");

/// A batch's texts: chunks of text and where each text is in them.
#[derive(Debug, Default)]
pub(crate) struct Texts {
    chunks: Vec<String>,
    /// Per text: its chunk, and its start and end in bytes.
    spans: Vec<(usize, usize, usize)>,
}

impl Texts {
    /// How many texts.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The text `i` (`i < len()`).
    pub(crate) fn get(&self, i: usize) -> &str {
        let (chunk, start, end) = self.spans[i];
        &self.chunks[chunk][start..end]
    }

    /// Texts read one by one (each its own chunk).
    pub(crate) fn from_strings(strings: Vec<String>) -> Texts {
        let spans = strings
            .iter()
            .enumerate()
            .map(|(i, s)| (i, 0, s.len()))
            .collect();
        Texts {
            chunks: strings,
            spans,
        }
    }

    /// Appends the texts of `chunk` (UTF-16 units), whose lengths are the
    /// next of `lengths`: as many as it holds (an empty text at its end may
    /// as well be the next chunk's). Each text is made UTF-8 on its own, so
    /// a lone surrogate at its edge is U+FFFD, as when read alone.
    fn push_chunk(
        &mut self,
        chunk: &[u16],
        lengths: &mut std::slice::Iter<'_, u32>,
    ) -> Outcome<()> {
        let index = self.chunks.len();
        let mut bytes = Vec::with_capacity(chunk.len() + chunk.len() / 8);
        let mut at = 0;
        while at < chunk.len() {
            let units = *lengths.next().ok_or_else(mismatch)? as usize;
            let text = chunk.get(at..at + units).ok_or_else(mismatch)?;
            let start = bytes.len();
            push_utf8(&mut bytes, text);
            self.spans.push((index, start, bytes.len()));
            at += units;
        }
        // ASCII and the UTF-8 of whole strings: valid (checked, no `unsafe`).
        let chunk = String::from_utf8(bytes).map_err(|_| mismatch())?;
        self.chunks.push(chunk);
        Ok(())
    }
}

fn mismatch() -> Failure {
    Failure::Internal("reading texts: the lengths do not match the text".into())
}

/// Appends the UTF-8 of UTF-16 `units`, each lone surrogate as U+FFFD (what
/// napi's UTF-8 read gives): ASCII narrowed in one pass (a loop the compiler
/// vectorizes, after one that checks it), the rest by `from_utf16_lossy`.
fn push_utf8(bytes: &mut Vec<u8>, units: &[u16]) {
    if units.iter().fold(0, |any, &u| any | u) < 0x80 {
        bytes.extend(units.iter().map(|&u| u as u8));
    } else {
        bytes.extend_from_slice(String::from_utf16_lossy(units).as_bytes());
    }
}

/// The array of strings `value` (`what` names it in errors) as [`Texts`].
pub(crate) fn strings(env: &Env, value: Unknown<'_>, what: &str) -> Outcome<Texts> {
    let list = args::array(value, what, "an array of strings")?;
    let gather: Function<'_, Unknown<'_>, Unknown<'_>> =
        Function::from_unknown(crate::transport::gather(env)?)?;
    let gathered = gather.call(list.to_unknown())?;
    if gathered.get_type()? == ValueType::Number {
        // Not all strings: read again one by one, for the error (or, should a
        // getter give a string this time, the texts).
        return Ok(Texts::from_strings(args::strings(list.to_unknown(), what)?));
    }
    let parts = Array::from_unknown(gathered)?;
    let lengths: &[u32] = FromNapiValue::from_unknown(element(&parts, 0)?)?;
    let n: u32 = FromNapiValue::from_unknown(element(&parts, 1)?)?;
    let lengths = lengths.get(..n as usize).ok_or_else(mismatch)?;
    let mut texts = Texts {
        chunks: Vec::with_capacity(parts.len().saturating_sub(2) as usize),
        spans: Vec::with_capacity(lengths.len()),
    };
    let mut lengths = lengths.iter();
    for i in 2..parts.len() {
        let chunk = Utf16String::from_unknown(element(&parts, i)?)?;
        texts.push_chunk(&chunk, &mut lengths)?;
    }
    // Empty texts after the last chunk (or all texts empty: no chunk).
    for &units in lengths {
        if units != 0 {
            return Err(mismatch());
        }
        texts.spans.push((0, 0, 0));
    }
    if texts.chunks.is_empty() {
        texts.chunks.push(String::new());
    }
    Ok(texts)
}

/// An optional array of strings: `undefined` and `null` mean absent.
pub(crate) fn optional_strings(
    env: &Env,
    value: Option<Unknown<'_>>,
    what: &str,
) -> Outcome<Option<Texts>> {
    match value {
        Some(v) if !args::is_nullish(&v)? => strings(env, v, what).map(Some),
        _ => Ok(None),
    }
}

fn element<'env>(array: &Array<'env>, index: u32) -> Outcome<Unknown<'env>> {
    array
        .get::<Unknown<'env>>(index)?
        .ok_or_else(|| Failure::Internal("reading texts: a part is missing".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    fn cut(chunk: &[u16], lengths: &[u32]) -> Outcome<Texts> {
        let mut texts = Texts::default();
        texts.push_chunk(chunk, &mut lengths.iter())?;
        Ok(texts)
    }

    #[test]
    fn chunks_are_cut_at_utf16_lengths() {
        let parts = [
            "",
            "abc",
            "é",
            "naïve café",
            "",
            "😀x",
            "x😀",
            "日本語",
            "",
            "plain",
        ];
        let chunk: Vec<u16> = parts.iter().flat_map(|p| units(p)).collect();
        let lengths: Vec<u32> = parts.iter().map(|p| units(p).len() as u32).collect();
        let texts = cut(&chunk, &lengths).unwrap();
        assert_eq!(texts.len(), parts.len());
        for (i, part) in parts.iter().enumerate() {
            assert_eq!(texts.get(i), *part, "text {i}");
        }
    }

    #[test]
    fn lone_surrogates_at_text_edges_are_replaced_per_text() {
        // A high surrogate ending one text and a low one starting the next
        // are two U+FFFD (as read alone), not the pair they make joined.
        let chunk = [0x61, 0xD83D, 0xDE00, 0x62, 0xD83D, 0xDE00];
        let texts = cut(&chunk, &[2, 2, 2]).unwrap();
        assert_eq!(
            (texts.get(0), texts.get(1), texts.get(2)),
            ("a\u{FFFD}", "\u{FFFD}b", "😀")
        );
        // Each text is String::from_utf16_lossy of its units, ASCII runs
        // of every length around a block edge included.
        for n in 0..40 {
            let mut text = vec![0x78u16; n];
            text.push(0xDBFF);
            text.extend(units("b😀c"));
            text.push(0xDFFF);
            let texts = cut(&text, &[text.len() as u32]).unwrap();
            assert_eq!(texts.get(0), String::from_utf16_lossy(&text), "{n}");
        }
    }

    #[test]
    fn lengths_that_do_not_fit_are_an_error() {
        // Too long, too few.
        for lengths in [&[4u32][..], &[2], &[1], &[]] {
            assert!(cut(&units("a😀"), lengths).is_err(), "{lengths:?}");
        }
        // The lengths that fit, and an empty text at the start.
        let texts = cut(&units("a😀"), &[0, 1, 2]).unwrap();
        assert_eq!((texts.get(0), texts.get(1), texts.get(2)), ("", "a", "😀"));
    }

    #[test]
    fn strings_read_one_by_one_keep_their_order() {
        let texts = Texts::from_strings(vec!["one".into(), String::new(), "thrée".into()]);
        assert_eq!(texts.len(), 3);
        assert_eq!(
            (texts.get(0), texts.get(1), texts.get(2)),
            ("one", "", "thrée")
        );
    }
}
