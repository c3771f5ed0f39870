//! The report types of the bindings, generated from the core.
//!
//! The core's report structs are the only definition of the report schema.
//! This crate reads their JSON Schema (derived with `schemars` behind the
//! core's `schema` feature) and writes:
//!
//! - [`python`]: `bindings/python/python/empathize/_reports.py`, one class
//!   per struct (fields typed and documented) and a `Literal` per enum;
//! - [`typescript`]: `bindings/node/src/header.d.ts`, one interface per
//!   struct with camelCase fields and a string union per enum, followed by
//!   the hand-written API declarations of `bindings/node/src/api.d.ts`
//!   (napi-rs puts this header at the top of `index.d.ts`);
//! - [`field_sets`]: `tests/schema/reports.json`, the field names of every
//!   struct, which the Rust, Python and Node test suites compare with the
//!   reports they get.
//!
//! `cargo test -p empathize-schema` fails when a committed file is stale;
//! `EMPATHIZE_BLESS=1 cargo test -p empathize-schema` rewrites them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

/// Where the generated files live, relative to the workspace root.
pub const PYTHON_PATH: &str = "bindings/python/python/empathize/_reports.py";
/// The napi-rs header of `index.d.ts` (generated types + `api.d.ts`).
pub const TYPESCRIPT_PATH: &str = "bindings/node/src/header.d.ts";
/// The hand-written part of the TypeScript header.
pub const TYPESCRIPT_API_PATH: &str = "bindings/node/src/api.d.ts";
/// The field names of every report struct, for the three test suites.
pub const FIELD_SETS_PATH: &str = "tests/schema/reports.json";

/// Methods written by hand in `empathize/_record.py`, mixed into the
/// generated Python class of the same struct.
const PYTHON_MIXINS: &[(&str, &str)] = &[
    ("MessageReport", "MessageReportMethods"),
    ("ReplySummary", "ReplySummaryMethods"),
    ("CustomerReport", "HtmlMethods"),
    ("ConversationReport", "HtmlMethods"),
];

/// The phrase the core's docs use for spans; each language says its unit.
const OFFSET_UNIT_DOC: &str =
    " (bytes unless the analyzer was built with another [`OffsetUnit`](crate::OffsetUnit))";

/// A named type of the schema.
enum Def {
    /// A struct: its doc and fields (name, doc, type) in name order.
    Struct {
        doc: String,
        fields: Vec<(String, String, Ty)>,
    },
    /// A unit enum serialized as one of these strings.
    Strings { doc: String, values: Vec<String> },
}

/// The type of a field.
#[derive(Debug, Clone)]
enum Ty {
    Bool,
    Int,
    Float,
    Str,
    Named(String),
    List(Box<Ty>),
    Tuple(Vec<Ty>),
    Map(Box<Ty>, Box<Ty>),
    Optional(Box<Ty>),
    /// A string that is one of these (a map key of an enum type).
    OneOf(Vec<String>),
}

/// Every type reachable from the reports a binding returns, by name.
fn definitions() -> BTreeMap<String, Def> {
    let mut generator = schemars::SchemaGenerator::default();
    let roots = [
        generator.root_schema_for::<empathize::MessageReport>(),
        generator.root_schema_for::<empathize::ReplySummary>(),
        generator.root_schema_for::<empathize::CustomerReport>(),
        generator.root_schema_for::<empathize::ConversationReport>(),
        generator.root_schema_for::<empathize::Token<'static>>(),
        generator.root_schema_for::<empathize::RuleInfo>(),
    ];
    let mut out = BTreeMap::new();
    for root in roots {
        let root = root.as_value();
        let title = root["title"].as_str().unwrap_or_default().to_string();
        out.insert(title, def(root));
        if let Some(defs) = root.get("$defs").and_then(Value::as_object) {
            for (name, schema) in defs {
                out.insert(name.clone(), def(schema));
            }
        }
    }
    out
}

/// The doc of a schema, without Rust examples (code blocks).
fn doc(schema: &Value) -> String {
    let text = schema["description"].as_str().unwrap_or_default();
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code {
            out.push(line);
        }
    }
    out.join("\n").trim().replace(OFFSET_UNIT_DOC, "{unit}")
}

fn def(schema: &Value) -> Def {
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let fields = props
            .iter()
            .map(|(name, s)| (name.clone(), doc(s), ty(s)))
            .collect();
        return Def::Struct {
            doc: doc(schema),
            fields,
        };
    }
    let values = match (schema.get("enum"), schema.get("oneOf")) {
        (Some(Value::Array(values)), _) => values
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        (_, Some(Value::Array(variants))) => variants
            .iter()
            .filter_map(|v| v["const"].as_str().map(String::from))
            .collect(),
        _ => panic!("unsupported schema (neither struct nor string enum): {schema}"),
    };
    Def::Strings {
        doc: doc(schema),
        values,
    }
}

fn ty(schema: &Value) -> Ty {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return Ty::Named(reference.rsplit('/').next().unwrap_or_default().to_string());
    }
    if let Some(Value::Array(options)) = schema.get("anyOf") {
        let real: Vec<&Value> = options.iter().filter(|o| o["type"] != "null").collect();
        assert_eq!(
            real.len(),
            1,
            "only `T | null` unions are supported: {schema}"
        );
        return Ty::Optional(Box::new(ty(real[0])));
    }
    match &schema["type"] {
        Value::Array(types) => {
            let real: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
            assert_eq!(
                real.len(),
                1,
                "only `T | null` unions are supported: {schema}"
            );
            let mut inner = schema.as_object().cloned().unwrap_or_default();
            inner.insert("type".into(), real[0].clone());
            Ty::Optional(Box::new(ty(&Value::Object(inner))))
        }
        Value::String(t) => match t.as_str() {
            "boolean" => Ty::Bool,
            "integer" => Ty::Int,
            "number" => Ty::Float,
            "string" => Ty::Str,
            "array" => match schema.get("prefixItems").and_then(Value::as_array) {
                Some(items) => Ty::Tuple(items.iter().map(ty).collect()),
                None => Ty::List(Box::new(ty(&schema["items"]))),
            },
            // A map keyed by an enum comes as one optional property per key.
            "object" => match schema.get("properties").and_then(Value::as_object) {
                Some(keys) => {
                    let value = keys.values().next().map_or(Ty::Str, ty);
                    Ty::Map(
                        Box::new(Ty::OneOf(keys.keys().cloned().collect())),
                        Box::new(value),
                    )
                }
                None => {
                    let key = schema.get("propertyNames").map_or(Ty::Str, ty);
                    Ty::Map(Box::new(key), Box::new(ty(&schema["additionalProperties"])))
                }
            },
            other => panic!("unsupported schema type {other}: {schema}"),
        },
        _ => panic!("unsupported schema: {schema}"),
    }
}

/// `follow_up` → `followUp`, the field names JS sees.
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Rustdoc links and the offset unit phrase, as a binding's docs say them.
fn plain_doc(text: &str, unit: &str) -> String {
    let text = text.replace("{unit}", unit);
    // [`Name`](path) and [`Name`] → `Name`
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(open) = rest.find("[`") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find("`]") else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        out.push_str(&after[..close + 1]);
        rest = &after[close + 2..];
        if rest.starts_with('(') {
            if let Some(end) = rest.find(')') {
                rest = &rest[end + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

const GENERATED: &str =
    "Generated by crates/empathize-schema from the core's report structs: do not edit.\n\
    `EMPATHIZE_BLESS=1 cargo test -p empathize-schema` rewrites it.";

/// The enum type whose values are exactly `values`, if there is one.
fn enum_named(values: &[String]) -> Option<String> {
    let mut wanted = values.to_vec();
    wanted.sort();
    definitions().into_iter().find_map(|(name, def)| match def {
        Def::Strings { mut values, .. } => {
            values.sort();
            (values == wanted).then_some(name)
        }
        Def::Struct { .. } => None,
    })
}

fn py_type(t: &Ty) -> String {
    match t {
        Ty::OneOf(values) => enum_named(values).unwrap_or_else(|| "str".into()),
        Ty::Bool => "bool".into(),
        Ty::Int => "int".into(),
        Ty::Float => "float".into(),
        Ty::Str => "str".into(),
        Ty::Named(n) => n.clone(),
        Ty::List(t) => format!("list[{}]", py_type(t)),
        Ty::Tuple(ts) => format!(
            "tuple[{}]",
            ts.iter().map(py_type).collect::<Vec<_>>().join(", ")
        ),
        Ty::Map(k, v) => format!("dict[{}, {}]", py_type(k), py_type(v)),
        Ty::Optional(t) => format!("{} | None", py_type(t)),
    }
}

fn py_doc(text: &str, indent: &str) -> String {
    let text = plain_doc(text, " (code points: `text[start:end]`)").replace('\\', "\\\\");
    format!("{indent}\"\"\"{}\"\"\"\n", text.trim_end())
}

/// `_reports.py`: the Python report classes.
pub fn python() -> String {
    let defs = definitions();
    let mut out = String::new();
    for line in GENERATED.lines() {
        let _ = writeln!(out, "# {}", line.trim());
    }
    out.push_str(
        "\"\"\"The report types: one class per report struct of the core, one ``Literal`` per\n\
         enum. Reports are read-only; ``to_dict()`` gives the same data as plain dicts.\"\"\"\n\n\
         from __future__ import annotations\n\n\
         from typing import Literal\n\n",
    );
    let mixins: Vec<&str> = PYTHON_MIXINS.iter().map(|(_, m)| *m).collect();
    let mut imports = vec!["Record"];
    for m in mixins {
        if !imports.contains(&m) {
            imports.push(m);
        }
    }
    imports.sort_unstable();
    let _ = writeln!(
        out,
        "from empathize._record import {}\n",
        imports.join(", ")
    );
    for (name, def) in &defs {
        if let Def::Strings { doc, values } = def {
            let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
            let _ = writeln!(out, "{name} = Literal[{}]", quoted.join(", "));
            if !doc.is_empty() {
                out.push_str(&py_doc(doc, ""));
            }
            out.push('\n');
        }
    }
    let mut classes = Vec::new();
    for (name, def) in &defs {
        let Def::Struct { doc, fields } = def else {
            continue;
        };
        let mixin = PYTHON_MIXINS
            .iter()
            .find(|(s, _)| s == name)
            .map(|(_, m)| *m);
        let bases = match mixin {
            Some(m) => format!("{m}, Record"),
            None => "Record".to_string(),
        };
        let _ = writeln!(out, "\nclass {name}({bases}):");
        if !doc.is_empty() {
            out.push_str(&py_doc(doc, "    "));
            out.push('\n');
        }
        out.push_str("    __slots__ = ()\n");
        let names: Vec<String> = fields.iter().map(|(f, _, _)| format!("\"{f}\"")).collect();
        let _ = writeln!(out, "    _fields = ({},)\n", names.join(", "));
        for (field, doc, t) in fields {
            let _ = writeln!(out, "    {field}: {}", py_type(t));
            if !doc.is_empty() {
                out.push_str(&py_doc(doc, "    "));
            }
        }
        classes.push(name.clone());
    }
    out.push_str("\n\nCLASSES: dict[str, type[Record]] = {\n");
    for name in &classes {
        let _ = writeln!(out, "    \"{name}\": {name},");
    }
    out.push_str("}\n\"\"\"The report classes by struct name: the native module builds reports from them.\"\"\"\n");
    out
}

fn ts_type(t: &Ty) -> String {
    match t {
        Ty::OneOf(values) => enum_named(values).unwrap_or_else(|| "string".into()),
        Ty::Bool => "boolean".into(),
        Ty::Int | Ty::Float => "number".into(),
        Ty::Str => "string".into(),
        Ty::Named(n) => n.clone(),
        Ty::List(t) => match **t {
            Ty::Optional(_) => format!("Array<{}>", ts_type(t)),
            _ => format!("{}[]", ts_type(t)),
        },
        Ty::Tuple(ts) => format!(
            "[{}]",
            ts.iter().map(ts_type).collect::<Vec<_>>().join(", ")
        ),
        Ty::Map(k, v) => format!("Partial<Record<{}, {}>>", ts_type(k), ts_type(v)),
        Ty::Optional(t) => format!("{} | null", ts_type(t)),
    }
}

fn ts_doc(text: &str, indent: &str) -> String {
    let text = plain_doc(text, " (UTF-16 code units: `text.slice(start, end)`)");
    let lines: Vec<&str> = text.trim_end().lines().collect();
    match lines.as_slice() {
        [] => String::new(),
        [one] => format!("{indent}/** {one} */\n"),
        many => {
            let mut s = format!("{indent}/**\n");
            for l in many {
                let _ = writeln!(s, "{indent} * {l}");
            }
            let _ = writeln!(s, "{indent} */");
            s
        }
    }
}

/// `header.d.ts`: the TypeScript report types followed by `api`, the
/// hand-written declarations of `api.d.ts`.
pub fn typescript(api: &str) -> String {
    let defs = definitions();
    let mut out = String::from("/* eslint-disable */\n");
    for line in GENERATED.lines() {
        let _ = writeln!(out, "// {}", line.trim());
    }
    out.push_str(
        "// The report types below come from the core; the API after them from src/api.d.ts.\n\n",
    );
    for (name, def) in &defs {
        match def {
            Def::Strings { doc, values } => {
                out.push_str(&ts_doc(doc, ""));
                let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
                let _ = writeln!(out, "export type {name} = {}\n", quoted.join(" | "));
            }
            Def::Struct { doc, fields } => {
                out.push_str(&ts_doc(doc, ""));
                let _ = writeln!(out, "export interface {name} {{");
                for (field, doc, t) in fields {
                    out.push_str(&ts_doc(doc, "  "));
                    let _ = writeln!(out, "  {}: {}", camel_case(field), ts_type(t));
                }
                out.push_str("}\n\n");
            }
        }
    }
    out.push_str(api.trim_end());
    out.push('\n');
    out
}

/// `reports.json`: struct name → its field names (snake_case, as Rust and
/// Python give them; Node gives them in camelCase).
pub fn field_sets() -> String {
    let mut sets = Map::new();
    for (name, def) in definitions() {
        if let Def::Struct { fields, .. } = def {
            let names = fields
                .into_iter()
                .map(|(f, _, _)| Value::String(f))
                .collect();
            sets.insert(name, Value::Array(names));
        }
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(sets)).unwrap_or_default();
    text.push('\n');
    text
}
