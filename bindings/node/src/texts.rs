//! Reading a batch's texts (`scoreMany`, `scoreManyAsync`: `texts` and
//! `customers`) with a few napi calls instead of several per text.
//!
//! Read one by one, each text cost an element read, a type check, two UTF-8
//! passes of V8 (length, then write) and a zeroed allocation: about 1 ms for
//! the 2,714 texts of the bench corpus, 4 % of a `scoreMany` pass. A small
//! JS function (`texts.js`, compiled once per environment) reads the
//! elements instead, checks that they are strings, notes their UTF-16
//! lengths in a reused `Uint32Array` and concatenates them into chunks of
//! about 32k units; Rust reads each chunk as UTF-8 with one napi call and
//! cuts it at the texts' lengths (an ASCII run is cut by its length
//! directly, the rest by walking its characters). The texts stay in the
//! chunks: no allocation per text.
//!
//! The texts are those read one by one: V8 writes a lone surrogate as
//! U+FFFD (one unit, as the surrogate), and `texts.js` ends a chunk after a
//! text that ends with a high surrogate, so no pair forms across two texts.

use napi::bindgen_prelude::{Array, FromNapiValue, Function, Unknown};
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

    /// Appends `chunk` and its texts, whose UTF-16 lengths are the next of
    /// `lengths`: as many as it holds (an empty text at its end may as well
    /// be the next chunk's).
    fn push_chunk(
        &mut self,
        chunk: String,
        lengths: &mut std::slice::Iter<'_, u32>,
    ) -> Outcome<()> {
        let index = self.chunks.len();
        let mut at = 0;
        while at < chunk.len() {
            let units = *lengths.next().ok_or_else(mismatch)?;
            let end = utf16_end(&chunk, at, units as usize).ok_or_else(mismatch)?;
            self.spans.push((index, at, end));
            at = end;
        }
        self.chunks.push(chunk);
        Ok(())
    }
}

fn mismatch() -> Failure {
    Failure::Internal("reading texts: the lengths do not match the text".into())
}

/// Where the text that starts at byte `start` of `text` and is `units`
/// UTF-16 units long ends (`None` when `text` ends first or a character
/// straddles the end).
fn utf16_end(text: &str, start: usize, units: usize) -> Option<usize> {
    let rest = text.get(start..)?;
    // ASCII: one byte per unit (the common case, checked a word at a time).
    if rest.as_bytes().get(..units).is_some_and(<[u8]>::is_ascii) {
        return Some(start + units);
    }
    let mut left = units;
    let mut end = start;
    for c in rest.chars() {
        if left == 0 {
            break;
        }
        left = left.checked_sub(c.len_utf16())?;
        end += c.len_utf8();
    }
    (left == 0).then_some(end)
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
        texts.push_chunk(String::from_unknown(element(&parts, i)?)?, &mut lengths)?;
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

    fn units(s: &str) -> u32 {
        s.encode_utf16().count() as u32
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
        let chunk: String = parts.concat();
        let lengths: Vec<u32> = parts.iter().map(|p| units(p)).collect();
        let mut texts = Texts::default();
        texts.push_chunk(chunk, &mut lengths.iter()).unwrap();
        assert_eq!(texts.len(), parts.len());
        for (i, part) in parts.iter().enumerate() {
            assert_eq!(texts.get(i), *part, "text {i}");
        }
    }

    #[test]
    fn lengths_that_do_not_fit_are_an_error() {
        // Too long, too few, and a cut inside a surrogate pair.
        for lengths in [&[4u32][..], &[2], &[1], &[2, 1]] {
            let mut texts = Texts::default();
            let result = texts.push_chunk("a😀".into(), &mut lengths.iter());
            assert!(result.is_err(), "{lengths:?}");
        }
        // The lengths that fit, and an empty text at the start.
        let mut texts = Texts::default();
        texts
            .push_chunk("a😀".into(), &mut [0, 1, 2].iter())
            .unwrap();
        assert_eq!((texts.get(0), texts.get(1), texts.get(2)), ("", "a", "😀"));
    }

    #[test]
    fn ascii_runs_then_characters() {
        assert_eq!(utf16_end("abcdef", 1, 3), Some(4));
        assert_eq!(utf16_end("ab€cd", 0, 4), Some(6));
        assert_eq!(utf16_end("ab😀cd", 0, 3), None);
        assert_eq!(utf16_end("ab😀cd", 0, 4), Some(6));
        assert_eq!(utf16_end("ab", 0, 3), None);
        assert_eq!(utf16_end("ab", 2, 0), Some(2));
        assert_eq!(utf16_end("é", 0, 0), Some(0));
        assert_eq!(utf16_end("aé", 0, 1), Some(1));
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
