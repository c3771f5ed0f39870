//! Reading a batch's texts (`scoreMany`, `scoreManyAsync`: `texts` and
//! `customers`) with a few napi calls instead of several per text.
//!
//! Read one by one, each text cost an element read, a type check, two UTF-8
//! passes of V8 (length, then write), a zeroed allocation and its free: 1.2
//! to 2 ms CPU for the 2,714 texts of the bench corpus, 5 to 8 % of a
//! `scoreMany` pass. A small JS function (`texts.js`, compiled once per
//! environment) reads the elements instead, checks that they are strings
//! and writes their UTF-8 one after the other into a byte buffer it keeps
//! (memory outside V8's heap), with the end of each in a `Uint32Array` it
//! keeps too; Rust copies the bytes once into one `String` (checked UTF-8)
//! and cuts it at the ends: no napi call and no allocation per text, and
//! nothing on the JS heap per text. (Joining the texts into JS strings
//! instead, as a first version did, left a flat copy of about 1 MB per pass
//! on the JS heap: more scavenges, each copying the live reports of a batch,
//! made `scoreMany` slower in interleaved runs.)
//!
//! The texts are those read one by one: `Buffer#write` makes each UTF-8 on
//! its own, a lone surrogate as U+FFFD (one unit, as the surrogate; what
//! napi's UTF-8 read gives), so no pair forms across two texts.

use napi::bindgen_prelude::{Array, FromNapiValue, Function, Unknown};
use napi::{Env, JsValue, ValueType};

use crate::args;
use crate::errors::{Failure, Outcome};

/// The source of `gather`: an expression that evaluates to the function.
pub(crate) const GATHER: &str = include_str!("texts.js");

/// A batch's texts: their UTF-8 one after the other, and where each ends.
#[derive(Debug, Default)]
pub(crate) struct Texts {
    text: String,
    /// Per text, its end in `text` (on a character boundary, not below the
    /// one before): it starts where the text before it ends.
    ends: Vec<usize>,
}

impl Texts {
    /// How many texts.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The text `i` (`i < len()`).
    pub(crate) fn get(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |before| self.ends[before]);
        // The ends were checked when made: `get` always finds the text.
        self.text.get(start..self.ends[i]).unwrap_or_default()
    }

    /// Texts read one by one.
    pub(crate) fn from_strings(strings: Vec<String>) -> Texts {
        let mut texts = Texts {
            text: String::with_capacity(strings.iter().map(String::len).sum()),
            ends: Vec::with_capacity(strings.len()),
        };
        for string in &strings {
            texts.text.push_str(string);
            texts.ends.push(texts.text.len());
        }
        texts
    }

    /// The texts of `bytes` (their UTF-8, one after the other), each ending
    /// at the next of `ends`; an error unless the bytes are UTF-8, the ends
    /// character boundaries in order and the last one the end of `bytes`.
    fn from_utf8(bytes: &[u8], ends: &[u32]) -> Outcome<Texts> {
        let text = std::str::from_utf8(bytes).map_err(|_| mismatch())?;
        let mut start = 0;
        let ends = ends
            .iter()
            .map(|&end| {
                let end = end as usize;
                if end < start || !text.is_char_boundary(end) {
                    return Err(mismatch());
                }
                start = end;
                Ok(end)
            })
            .collect::<Outcome<Vec<usize>>>()?;
        if start != text.len() {
            return Err(mismatch());
        }
        Ok(Texts {
            text: text.to_owned(),
            ends,
        })
    }
}

fn mismatch() -> Failure {
    Failure::Internal("reading texts: the ends do not match the text".into())
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
    let bytes: &[u8] = FromNapiValue::from_unknown(element(&parts, 0)?)?;
    let ends: &[u32] = FromNapiValue::from_unknown(element(&parts, 1)?)?;
    let n: u32 = FromNapiValue::from_unknown(element(&parts, 2)?)?;
    let used: f64 = FromNapiValue::from_unknown(element(&parts, 3)?)?;
    let bytes = bytes.get(..used as usize).ok_or_else(mismatch)?;
    let ends = ends.get(..n as usize).ok_or_else(mismatch)?;
    Texts::from_utf8(bytes, ends)
}

/// An optional array of strings: `undefined` and `null` mean absent.
pub(crate) fn optional_strings(
    env: &Env,
    value: Option<Unknown<'_>>,
    what: &str,
) -> Outcome<Option<Texts>> {
    args::optional(value, |v| strings(env, v, what))
}

fn element<'env>(array: &Array<'env>, index: u32) -> Outcome<Unknown<'env>> {
    array
        .get::<Unknown<'env>>(index)?
        .ok_or_else(|| Failure::Internal("reading texts: a part is missing".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `parts` joined, and the end of each.
    fn joined(parts: &[&str]) -> (String, Vec<u32>) {
        let mut text = String::new();
        let mut ends = Vec::new();
        for part in parts {
            text.push_str(part);
            ends.push(text.len() as u32);
        }
        (text, ends)
    }

    #[test]
    fn bytes_are_cut_at_their_ends() {
        let parts = [
            "",
            "abc",
            "é",
            "naïve café",
            "",
            "😀x",
            "x😀",
            "日本語",
            "\u{FFFD}",
            "",
            "plain",
            "",
        ];
        let (text, ends) = joined(&parts);
        let texts = Texts::from_utf8(text.as_bytes(), &ends).unwrap();
        assert_eq!(texts.len(), parts.len());
        for (i, part) in parts.iter().enumerate() {
            assert_eq!(texts.get(i), *part, "text {i}");
        }
        let one_by_one = Texts::from_strings(parts.iter().map(|p| p.to_string()).collect());
        assert_eq!((one_by_one.text, one_by_one.ends), (texts.text, texts.ends));
        // No texts at all.
        assert_eq!(Texts::from_utf8(b"", &[]).unwrap().len(), 0);
    }

    #[test]
    fn ends_that_do_not_fit_are_an_error() {
        let text = "a😀b".as_bytes();
        let bad: [&[u32]; 7] = [
            &[],        // bytes left over
            &[1],       // bytes left over
            &[2, 6],    // inside the emoji
            &[5, 1, 6], // going back
            &[7],       // past the end
            &[6, 7],    // past the end
            &[0, 3],    // bytes left over
        ];
        for ends in bad {
            assert!(Texts::from_utf8(text, ends).is_err(), "{ends:?}");
        }
        // Not UTF-8 (half an emoji).
        assert!(Texts::from_utf8(&text[..3], &[3]).is_err());
        // The ends that fit, with empty texts among them.
        let texts = Texts::from_utf8(text, &[0, 1, 1, 5, 6]).unwrap();
        let got: Vec<&str> = (0..texts.len()).map(|i| texts.get(i)).collect();
        assert_eq!(got, ["", "a", "", "😀", "b"]);
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
