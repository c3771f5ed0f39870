//! One field of a report at a time, for bindings that convert a report
//! lazily: a Python or JS report object converts a field when its caller
//! first reads it, through serde, without knowing any field.

use std::fmt;

use serde::ser::{self, Impossible, Serialize, SerializeStruct, Serializer};

/// Serializes the field `name` of the struct `value` with `serializer`, and
/// nothing else of it. `Ok(None)` when `value` is not a struct or has no
/// such field.
///
/// ```
/// let report = empathize::Analyzer::new().score("I'm so sorry.");
/// let score = empathize::serialize_field(&report, "score", serde_json::value::Serializer)?;
/// assert_eq!(score, Some(serde_json::json!(report.score)));
/// let none = empathize::serialize_field(&report, "no_such_field", serde_json::value::Serializer)?;
/// assert_eq!(none, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn serialize_field<T, S>(
    value: &T,
    name: &str,
    serializer: S,
) -> Result<Option<S::Ok>, S::Error>
where
    T: Serialize + ?Sized,
    S: Serializer,
{
    let mut picker = Picker {
        name,
        serializer: Some(serializer),
        found: None,
    };
    match value.serialize(&mut picker) {
        Ok(()) => picker.found.transpose(),
        Err(NotAStruct) => Ok(None),
    }
}

/// The names of the fields of the struct `value`, in serialization order
/// (empty when `value` is not a struct). Only names are visited, no value is
/// serialized.
///
/// ```
/// let report = empathize::Analyzer::new().analyze_customer("Where is my order?");
/// let names = empathize::field_names(&report);
/// assert_eq!(names[0], "distress");
/// assert!(names.contains(&"emotions"));
/// ```
pub fn field_names<T: Serialize + ?Sized>(value: &T) -> Vec<&'static str> {
    let mut names = Names(Vec::new());
    match value.serialize(&mut names) {
        Ok(()) => names.0,
        Err(NotAStruct) => Vec::new(),
    }
}

struct Picker<'a, S: Serializer> {
    name: &'a str,
    serializer: Option<S>,
    found: Option<Result<S::Ok, S::Error>>,
}

struct Names(Vec<&'static str>);

/// The one error of the visitors here: they read structs and nothing else.
#[derive(Debug)]
struct NotAStruct;

impl fmt::Display for NotAStruct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a struct")
    }
}

impl std::error::Error for NotAStruct {}

impl ser::Error for NotAStruct {
    fn custom<M: fmt::Display>(_: M) -> Self {
        NotAStruct
    }
}

impl<S: Serializer> SerializeStruct for &mut Picker<'_, S> {
    type Ok = ();
    type Error = NotAStruct;

    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), NotAStruct> {
        if key == self.name {
            if let Some(serializer) = self.serializer.take() {
                self.found = Some(value.serialize(serializer));
            }
        }
        Ok(())
    }

    fn end(self) -> Result<(), NotAStruct> {
        Ok(())
    }
}

impl SerializeStruct for &mut Names {
    type Ok = ();
    type Error = NotAStruct;

    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        _: &V,
    ) -> Result<(), NotAStruct> {
        self.0.push(key);
        Ok(())
    }

    fn end(self) -> Result<(), NotAStruct> {
        Ok(())
    }
}

/// A `Serializer` that accepts a struct (handing it to `SerializeStruct`)
/// and fails on anything else.
macro_rules! struct_only {
    ($ty:ty $(, $generic:ident)?) => {
        impl<'x $(, $generic: Serializer)?> Serializer for &'x mut $ty {
            type Ok = ();
            type Error = NotAStruct;
            type SerializeSeq = Impossible<(), NotAStruct>;
            type SerializeTuple = Impossible<(), NotAStruct>;
            type SerializeTupleStruct = Impossible<(), NotAStruct>;
            type SerializeTupleVariant = Impossible<(), NotAStruct>;
            type SerializeMap = Impossible<(), NotAStruct>;
            type SerializeStruct = Self;
            type SerializeStructVariant = Impossible<(), NotAStruct>;

            fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NotAStruct> {
                Ok(self)
            }

            struct_only!(@fail
                serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
                serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
                serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_char(char),
                serialize_str(&str), serialize_bytes(&[u8]), serialize_unit_struct(&'static str)
            );

            fn serialize_none(self) -> Result<(), NotAStruct> {
                Err(NotAStruct)
            }

            fn serialize_unit(self) -> Result<(), NotAStruct> {
                Err(NotAStruct)
            }

            fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), NotAStruct> {
                Err(NotAStruct)
            }

            fn serialize_some<V: Serialize + ?Sized>(self, _: &V) -> Result<(), NotAStruct> {
                Err(NotAStruct)
            }

            fn serialize_newtype_struct<V: Serialize + ?Sized>(self, _: &'static str, _: &V) -> Result<(), NotAStruct> {
                Err(NotAStruct)
            }

            fn serialize_newtype_variant<V: Serialize + ?Sized>(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: &V,
            ) -> Result<(), NotAStruct> {
                Err(NotAStruct)
            }

            fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotAStruct> {
                Err(NotAStruct)
            }

            fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotAStruct> {
                Err(NotAStruct)
            }

            fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, NotAStruct> {
                Err(NotAStruct)
            }

            fn serialize_tuple_variant(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeTupleVariant, NotAStruct> {
                Err(NotAStruct)
            }

            fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotAStruct> {
                Err(NotAStruct)
            }

            fn serialize_struct_variant(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeStructVariant, NotAStruct> {
                Err(NotAStruct)
            }
        }
    };
    (@fail $($method:ident($arg:ty)),*) => {
        $(fn $method(self, _: $arg) -> Result<(), NotAStruct> {
            Err(NotAStruct)
        })*
    };
}

struct_only!(Picker<'_, S>, S);
struct_only!(Names);
