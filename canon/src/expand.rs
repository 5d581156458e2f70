//! The JSON-LD 1.1 Expansion Algorithm (API section 5.1) and Value Expansion
//! (5.3), with the `expand()` API's final steps.

use crate::context::{
    container, expand_iri, normalize_language, ActiveContext, Env, Processor, TermDefinition,
};
use crate::error::Error;
use crate::iri::{is_absolute_iri, is_keyword};
use crate::limits::Budget;
use crate::options::ProcessingMode;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::sync::Arc;

/// Expands `doc` (JSON-LD 1.1 API `expand()`): the expanded form, always an
/// array (a top-level object holding only `@graph` is unwrapped, null gives
/// an empty array).
pub fn expand(doc: &Value, env: &Env<'_>, budget: &mut Budget) -> Result<Value, Error> {
    let mut p = Processor::new(env, budget);
    let base: Option<Arc<str>> = env.options.base.as_deref().map(Arc::from);
    let mut active = p.initial_context(base.clone());
    if let Some(ec) = &env.options.expand_context {
        let local = match ec {
            Value::Object(o) => o.get("@context").unwrap_or(ec),
            other => other,
        };
        active = p.process_local(&active, local, base.as_ref())?;
    }
    let mut x = Expander { p, base_url: base };
    let out = x.element(&active, None, None, doc, false, false, 0)?;
    let out = match out {
        Value::Object(mut m) if m.len() == 1 && m.contains_key("@graph") => {
            m.remove("@graph").unwrap_or(Value::Null)
        }
        other => other,
    };
    Ok(match out {
        Value::Null => Value::Array(Vec::new()),
        a @ Value::Array(_) => a,
        other => Value::Array(vec![other]),
    })
}

/// A safe-mode refusal: the jsonld.js event code, prefixed.
fn unsafe_event(event: &'static str, detail: impl Into<String>) -> Error {
    Error::json_ld(event, detail)
}

fn err(code: &'static str, detail: impl Into<String>) -> Error {
    Error::json_ld(code, detail)
}

/// `v` as an array (null is the empty array).
fn into_array(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// Appends `value` (each item, if an array) to the array at `key`.
fn add_value(map: &mut Map<String, Value>, key: &str, value: Value) {
    let entry = map
        .entry(key.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !entry.is_array() {
        let old = entry.take();
        *entry = Value::Array(vec![old]);
    }
    if let Value::Array(a) = entry {
        match value {
            Value::Array(items) => a.extend(items),
            other => a.push(other),
        }
    }
}

fn is_value_object(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.contains_key("@value"))
}

fn is_list_object(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.contains_key("@list"))
}

fn is_graph_object(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.contains_key("@graph")
            && m.keys()
                .all(|k| matches!(k.as_str(), "@graph" | "@id" | "@index" | "@context"))
    })
}

fn is_node_object(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        !m.contains_key("@value") && !m.contains_key("@list") && !m.contains_key("@set")
    })
}

fn list_object(items: Vec<Value>) -> Value {
    let mut m = Map::new();
    m.insert("@list".to_owned(), Value::Array(items));
    Value::Object(m)
}

/// Value Expansion (API 5.3.2). Null when the value maps to nothing (an
/// `@id` of keyword form).
fn value_expansion(ctx: &ActiveContext, def: Option<&TermDefinition>, value: &Value) -> Value {
    let type_mapping = def.and_then(|d| d.type_mapping.as_deref());
    if let Value::String(s) = value {
        let as_id = match type_mapping {
            Some("@id") => Some(expand_iri(ctx, s, true, false)),
            Some("@vocab") => Some(expand_iri(ctx, s, true, true)),
            _ => None,
        };
        if let Some(iri) = as_id {
            let Some(iri) = iri else {
                return Value::Null;
            };
            let mut m = Map::new();
            m.insert("@id".to_owned(), Value::String(iri.into_owned()));
            return Value::Object(m);
        }
    }
    let mut m = Map::new();
    m.insert("@value".to_owned(), value.clone());
    match type_mapping {
        Some(t) if !matches!(t, "@id" | "@vocab" | "@none") => {
            m.insert("@type".to_owned(), Value::String(t.to_owned()));
        }
        _ => {
            if value.is_string() {
                let language = match def.and_then(|d| d.language.as_ref()) {
                    Some(l) => l.as_deref(),
                    None => ctx.language.as_deref(),
                };
                let direction = match def.and_then(|d| d.direction) {
                    Some(d) => d,
                    None => ctx.direction,
                };
                if let Some(l) = language {
                    m.insert("@language".to_owned(), Value::String(l.to_owned()));
                }
                if let Some(d) = direction {
                    m.insert(
                        "@direction".to_owned(),
                        Value::String(d.as_str().to_owned()),
                    );
                }
            }
        }
    }
    Value::Object(m)
}

struct Expander<'a, 'b> {
    p: Processor<'a, 'b>,
    /// The document's base URL (for `@context` entries met in it).
    base_url: Option<Arc<str>>,
}

impl Expander<'_, '_> {
    fn json_ld_10(&self) -> bool {
        self.p.options.processing_mode == ProcessingMode::JsonLd10
    }

    /// The Expansion Algorithm (API 5.1.2). Null means "nothing".
    ///
    /// `def` is the term definition of `property` in `active` (looked up
    /// once by the caller).
    #[allow(clippy::too_many_arguments)]
    fn element(
        &mut self,
        active: &Arc<ActiveContext>,
        property: Option<&str>,
        def: Option<&TermDefinition>,
        element: &Value,
        from_map: bool,
        inside_list: bool,
        depth: usize,
    ) -> Result<Value, Error> {
        self.p.budget.depth(depth)?;
        match element {
            Value::Null => Ok(Value::Null),
            Value::Array(items) => {
                let as_list = inside_list || def.is_some_and(|d| d.has_container(container::LIST));
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    self.p.budget.tick()?;
                    match self.element(active, property, def, item, from_map, false, depth + 1)? {
                        Value::Array(a) if as_list => out.push(list_object(a)),
                        Value::Array(a) => out.extend(a),
                        Value::Null => {}
                        other => out.push(other),
                    }
                }
                Ok(Value::Array(out))
            }
            Value::Object(map) => self.object(active, property, def, map, from_map, depth),
            scalar => {
                if matches!(property, None | Some("@graph")) {
                    if self.p.options.safe && !inside_list {
                        return Err(unsafe_event(
                            "safe mode: free-floating scalar",
                            scalar.to_string(),
                        ));
                    }
                    return Ok(Value::Null);
                }
                self.p.budget.node()?;
                Ok(match def.and_then(|d| d.context.as_ref()) {
                    Some(sc) => {
                        let ctx = self.p.process_scoped(active, sc, false, true)?;
                        let def = property.and_then(|p| ctx.term(p)).map(|d| &**d);
                        value_expansion(&ctx, def, scalar)
                    }
                    None => value_expansion(active, def, scalar),
                })
            }
        }
    }

    /// Steps 6 to 20 of the Expansion Algorithm: a map.
    fn object(
        &mut self,
        active: &Arc<ActiveContext>,
        property: Option<&str>,
        def: Option<&TermDefinition>,
        element: &Map<String, Value>,
        from_map: bool,
        depth: usize,
    ) -> Result<Value, Error> {
        self.p.budget.node()?;
        let property_scoped = def.and_then(|d| d.context.as_ref());
        let mut ctx = active.clone();
        // Step 7: a type-scoped context does not reach into node objects.
        if !from_map {
            if let Some(previous) = ctx.previous.clone() {
                let keeps = element.keys().any(|k| match keyword_of(&ctx, k) {
                    Some("@value") => true,
                    Some("@id") => element.len() == 1,
                    _ => false,
                });
                if !keeps {
                    ctx = previous;
                }
            }
        }
        if let Some(sc) = property_scoped {
            ctx = self.p.process_scoped(&ctx, sc, true, true)?;
        }
        if let Some(local) = element.get("@context") {
            let base = self.base_url.clone();
            ctx = self.p.process_local(&ctx, local, base.as_ref())?;
        }
        let type_scoped = ctx.clone();
        let mut input_type: Option<&str> = None;
        let mut seen_type_key = false;
        for (key, value) in element {
            if keyword_of(&type_scoped, key) != Some("@type") {
                continue;
            }
            let mut terms: Vec<&str> = match value {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if !seen_type_key {
                seen_type_key = true;
                input_type = match value {
                    Value::Array(a) => a.last().and_then(Value::as_str),
                    other => other.as_str(),
                };
            }
            terms.sort_unstable();
            for t in terms {
                self.p.budget.tick()?;
                if let Some(sc) = type_scoped.term(t).and_then(|d| d.context.as_ref()) {
                    ctx = self.p.process_scoped(&ctx, sc, false, false)?;
                }
            }
        }
        let input_is_json =
            input_type.is_some_and(|t| expand_iri(&ctx, t, true, true).as_deref() == Some("@json"));
        let mut result = Map::new();
        self.entries(
            &ctx,
            &type_scoped,
            property,
            element,
            input_is_json,
            &mut result,
            depth,
        )?;
        self.finish(result, property)
    }

    /// Steps 15 to 19: value, list and set objects checked, free-floating
    /// values dropped.
    fn finish(
        &mut self,
        mut result: Map<String, Value>,
        property: Option<&str>,
    ) -> Result<Value, Error> {
        let out = if let Some(value) = result.get("@value") {
            let has_type = result.contains_key("@type");
            if result.keys().any(|k| {
                !matches!(
                    k.as_str(),
                    "@direction" | "@index" | "@language" | "@type" | "@value"
                )
            }) || (has_type
                && (result.contains_key("@language") || result.contains_key("@direction")))
            {
                return Err(err(
                    "invalid value object",
                    format!("{}", Value::Object(result)),
                ));
            }
            let is_json = result.get("@type").and_then(Value::as_str) == Some("@json");
            if !is_json {
                if value.is_null() || value.as_array().is_some_and(Vec::is_empty) {
                    return Ok(Value::Null);
                }
                if !value.is_string() && result.contains_key("@language") {
                    return Err(err("invalid language-tagged value", value.to_string()));
                }
                if let Some(t) = result.get("@type") {
                    if !t.as_str().is_some_and(is_absolute_iri) {
                        return Err(err("invalid typed value", t.to_string()));
                    }
                }
            }
            Value::Object(result)
        } else if let Some(t) = result.get_mut("@type") {
            if !t.is_array() {
                let one = t.take();
                *t = Value::Array(vec![one]);
            }
            Value::Object(result)
        } else if result.contains_key("@set") || result.contains_key("@list") {
            if result.len() > 2 || (result.len() == 2 && !result.contains_key("@index")) {
                return Err(err(
                    "invalid set or list object",
                    format!("{}", Value::Object(result)),
                ));
            }
            match result.remove("@set") {
                Some(set) => set,
                None => Value::Object(result),
            }
        } else {
            Value::Object(result)
        };
        if let Value::Object(m) = &out {
            if m.len() == 1 && m.contains_key("@language") {
                return Ok(Value::Null);
            }
            if matches!(property, None | Some("@graph"))
                && (m.is_empty()
                    || m.contains_key("@value")
                    || m.contains_key("@list")
                    || (m.len() == 1 && m.contains_key("@id")))
            {
                if self.p.options.safe {
                    let event = if m.is_empty() {
                        "safe mode: empty object"
                    } else if m.contains_key("@value") {
                        "safe mode: object with only @value"
                    } else if m.contains_key("@list") {
                        "safe mode: object with only @list"
                    } else {
                        "safe mode: object with only @id"
                    };
                    return Err(unsafe_event(event, ""));
                }
                return Ok(Value::Null);
            }
        }
        Ok(out)
    }

    /// Steps 13 and 14: the entries of `element` (and of its nested
    /// properties) expanded into `result`.
    #[allow(clippy::too_many_arguments)]
    fn entries(
        &mut self,
        ctx: &Arc<ActiveContext>,
        type_scoped: &Arc<ActiveContext>,
        property: Option<&str>,
        element: &Map<String, Value>,
        input_is_json: bool,
        result: &mut Map<String, Value>,
        depth: usize,
    ) -> Result<(), Error> {
        let mut nests: Vec<&str> = Vec::new();
        for (key, value) in element {
            self.p.budget.tick()?;
            if key == "@context" {
                continue;
            }
            // The key's definition, looked up once (IRI expansion of a
            // defined term is its IRI mapping, with vocab true).
            let def = if is_keyword(key) { None } else { ctx.term(key) };
            let expanded = match def {
                Some(d) => d.iri.as_deref().map(Cow::Borrowed),
                None => expand_iri(ctx, key, false, true),
            };
            let Some(expanded) = expanded else {
                if self.p.options.safe {
                    return Err(unsafe_event("safe mode: invalid property", key.clone()));
                }
                continue;
            };
            if is_keyword(&expanded) {
                if expanded == "@nest" {
                    if property == Some("@reverse") {
                        return Err(err("invalid reverse property map", key.clone()));
                    }
                    nests.push(key);
                    continue;
                }
                self.keyword(
                    ctx,
                    type_scoped,
                    property,
                    &expanded,
                    value,
                    input_is_json,
                    result,
                    depth,
                )?;
                continue;
            }
            if !expanded.contains(':') {
                if self.p.options.safe {
                    return Err(unsafe_event("safe mode: invalid property", key.clone()));
                }
                continue;
            }
            self.property(ctx, key, def.map(|d| &**d), &expanded, value, result, depth)?;
        }
        for nest_key in nests {
            let values = match element.get(nest_key) {
                Some(Value::Array(a)) => a.as_slice(),
                Some(v) => std::slice::from_ref(v),
                None => &[],
            };
            for nested in values {
                let Value::Object(nested) = nested else {
                    return Err(err("invalid @nest value", nested.to_string()));
                };
                if nested
                    .keys()
                    .any(|k| expand_iri(ctx, k, false, true).as_deref() == Some("@value"))
                {
                    return Err(err("invalid @nest value", "a nested value object"));
                }
                let nested_ctx = match ctx.term(nest_key).and_then(|d| d.context.clone()) {
                    Some(sc) => self.p.process_scoped(ctx, &sc, true, true)?,
                    None => ctx.clone(),
                };
                self.entries(
                    &nested_ctx,
                    type_scoped,
                    Some(nest_key),
                    nested,
                    input_is_json,
                    result,
                    depth + 1,
                )?;
            }
        }
        Ok(())
    }

    /// Step 13.4: an entry whose key expands to a keyword.
    #[allow(clippy::too_many_arguments)]
    fn keyword(
        &mut self,
        ctx: &Arc<ActiveContext>,
        type_scoped: &Arc<ActiveContext>,
        property: Option<&str>,
        keyword: &str,
        value: &Value,
        input_is_json: bool,
        result: &mut Map<String, Value>,
        depth: usize,
    ) -> Result<(), Error> {
        if property == Some("@reverse") {
            return Err(err("invalid reverse property map", keyword.to_owned()));
        }
        if result.contains_key(keyword)
            && keyword != "@included"
            && (keyword != "@type" || self.json_ld_10())
        {
            return Err(err("colliding keywords", keyword.to_owned()));
        }
        match keyword {
            "@id" => {
                let Value::String(s) = value else {
                    return Err(err("invalid @id value", value.to_string()));
                };
                // An IRI of keyword form expands to null, kept as such (as
                // the suite expects).
                let id = expand_iri(ctx, s, true, false)
                    .map_or(Value::Null, |iri| Value::String(iri.into_owned()));
                if self.p.options.safe {
                    match id.as_str() {
                        None => {
                            return Err(unsafe_event("safe mode: reserved @id value", s.clone()))
                        }
                        Some(iri) if !is_absolute_iri(iri) && !iri.starts_with("_:") => {
                            return Err(unsafe_event(
                                "safe mode: relative @id reference",
                                s.clone(),
                            ))
                        }
                        _ => {}
                    }
                }
                result.insert("@id".to_owned(), id);
            }
            "@type" => {
                let expanded = match value {
                    Value::String(s) => match expand_iri(type_scoped, s, true, true) {
                        Some(iri) => Value::String(iri.into_owned()),
                        None => return Ok(()),
                    },
                    Value::Array(items) => {
                        let mut out = Vec::with_capacity(items.len());
                        for item in items {
                            let Value::String(s) = item else {
                                return Err(err("invalid type value", value.to_string()));
                            };
                            if let Some(iri) = expand_iri(type_scoped, s, true, true) {
                                out.push(Value::String(iri.into_owned()));
                            }
                        }
                        Value::Array(out)
                    }
                    other => return Err(err("invalid type value", other.to_string())),
                };
                if self.p.options.safe {
                    let all = match &expanded {
                        Value::Array(a) => a.len(),
                        _ => 1,
                    };
                    let given = match value {
                        Value::Array(a) => a.len(),
                        _ => 1,
                    };
                    let relative = into_array(expanded.clone()).into_iter().any(|t| {
                        t.as_str().is_some_and(|t| {
                            !is_absolute_iri(t) && !t.starts_with("_:") && !t.starts_with('@')
                        })
                    });
                    if relative || all != given {
                        return Err(unsafe_event(
                            "safe mode: relative @type reference",
                            value.to_string(),
                        ));
                    }
                }
                match result.remove("@type") {
                    Some(existing) => {
                        let mut all = into_array(existing);
                        all.extend(into_array(expanded));
                        result.insert("@type".to_owned(), Value::Array(all));
                    }
                    None => {
                        result.insert("@type".to_owned(), expanded);
                    }
                }
            }
            "@graph" => {
                let e = self.element(ctx, Some("@graph"), None, value, false, false, depth + 1)?;
                result.insert("@graph".to_owned(), Value::Array(into_array(e)));
            }
            "@included" => {
                if self.json_ld_10() {
                    return Ok(());
                }
                // The specification passes a null active property, which
                // would drop free-floating values before they could be
                // refused: "@included" keeps them to be refused.
                let e = into_array(self.element(
                    ctx,
                    Some("@included"),
                    None,
                    value,
                    false,
                    false,
                    depth + 1,
                )?);
                if let Some(bad) = e.iter().find(|v| !is_node_object(v)) {
                    return Err(err("invalid @included value", bad.to_string()));
                }
                let mut all = result
                    .remove("@included")
                    .map(into_array)
                    .unwrap_or_default();
                all.extend(e);
                result.insert("@included".to_owned(), Value::Array(all));
            }
            "@value" => {
                if input_is_json {
                    if self.json_ld_10() {
                        return Err(err("invalid value object value", value.to_string()));
                    }
                } else if value.is_array() || value.is_object() {
                    return Err(err("invalid value object value", value.to_string()));
                }
                result.insert("@value".to_owned(), value.clone());
            }
            "@language" => {
                let Value::String(s) = value else {
                    return Err(err("invalid language-tagged string", value.to_string()));
                };
                result.insert("@language".to_owned(), Value::String(normalize_language(s)));
            }
            "@direction" => {
                if self.json_ld_10() {
                    return Ok(());
                }
                match value.as_str() {
                    Some(d @ ("ltr" | "rtl")) => {
                        result.insert("@direction".to_owned(), Value::String(d.to_owned()));
                    }
                    _ => return Err(err("invalid base direction", value.to_string())),
                }
            }
            "@index" => {
                let Value::String(s) = value else {
                    return Err(err("invalid @index value", value.to_string()));
                };
                result.insert("@index".to_owned(), Value::String(s.clone()));
            }
            "@list" => {
                if matches!(property, None | Some("@graph")) {
                    return Ok(());
                }
                let def = property.and_then(|p| ctx.term(p)).map(|d| &**d);
                let e = self.element(ctx, property, def, value, false, true, depth + 1)?;
                result.insert("@list".to_owned(), Value::Array(into_array(e)));
            }
            "@set" => {
                let def = property.and_then(|p| ctx.term(p)).map(|d| &**d);
                let e = self.element(ctx, property, def, value, false, false, depth + 1)?;
                if !e.is_null() {
                    result.insert("@set".to_owned(), e);
                }
            }
            "@reverse" => {
                if !value.is_object() {
                    return Err(err("invalid @reverse value", value.to_string()));
                }
                let e =
                    self.element(ctx, Some("@reverse"), None, value, false, false, depth + 1)?;
                if let Value::Object(mut e) = e {
                    if let Some(Value::Object(twice)) = e.remove("@reverse") {
                        for (p, items) in twice {
                            add_value(result, &p, items);
                        }
                    }
                    if !e.is_empty() {
                        for (p, items) in e {
                            for item in into_array(items) {
                                if is_value_object(&item) || is_list_object(&item) {
                                    return Err(err(
                                        "invalid reverse property value",
                                        item.to_string(),
                                    ));
                                }
                                add_reverse(result, &p, item);
                            }
                        }
                    }
                }
            }
            // Framing keywords and keywords with no meaning in a node
            // object: nothing to expand.
            _ => {}
        }
        Ok(())
    }

    /// Steps 13.5 to 13.14: an entry whose key expands to an IRI.
    #[allow(clippy::too_many_arguments)]
    fn property(
        &mut self,
        ctx: &Arc<ActiveContext>,
        key: &str,
        def: Option<&TermDefinition>,
        expanded_property: &str,
        value: &Value,
        result: &mut Map<String, Value>,
        depth: usize,
    ) -> Result<(), Error> {
        let containers = def.as_ref().map_or(0, |d| d.container);
        let expanded = if def.is_some_and(|d| d.type_mapping.as_deref() == Some("@json")) {
            self.p.budget.node()?;
            let mut m = Map::new();
            m.insert("@value".to_owned(), value.clone());
            m.insert("@type".to_owned(), Value::String("@json".to_owned()));
            Value::Object(m)
        } else if let (true, Value::Object(map)) = (containers & container::LANGUAGE != 0, value) {
            self.language_map(ctx, def, map)?
        } else if let (true, Value::Object(map)) = (
            containers & (container::INDEX | container::TYPE | container::ID) != 0,
            value,
        ) {
            let index_key = def.and_then(|d| d.index.as_deref()).unwrap_or("@index");
            self.index_map(ctx, key, containers, index_key, map, depth)?
        } else {
            self.element(ctx, Some(key), def, value, false, false, depth + 1)?
        };
        if expanded.is_null() {
            return Ok(());
        }
        let mut expanded = expanded;
        if containers & container::LIST != 0 && !is_list_object(&expanded) {
            expanded = list_object(into_array(expanded));
        }
        if containers & container::GRAPH != 0
            && containers & (container::ID | container::INDEX) == 0
        {
            expanded = Value::Array(
                into_array(expanded)
                    .into_iter()
                    .map(|ev| {
                        let mut m = Map::new();
                        m.insert("@graph".to_owned(), Value::Array(into_array(ev)));
                        Value::Object(m)
                    })
                    .collect(),
            );
        }
        if def.is_some_and(|d| d.reverse) {
            for item in into_array(expanded) {
                if is_value_object(&item) || is_list_object(&item) {
                    return Err(err("invalid reverse property value", item.to_string()));
                }
                add_reverse(result, expanded_property, item);
            }
        } else {
            add_value(result, expanded_property, expanded);
        }
        Ok(())
    }

    /// Step 13.7: a language map.
    fn language_map(
        &mut self,
        ctx: &ActiveContext,
        def: Option<&TermDefinition>,
        map: &Map<String, Value>,
    ) -> Result<Value, Error> {
        let direction = match def.and_then(|d| d.direction) {
            Some(d) => d,
            None => ctx.direction,
        };
        let mut out = Vec::new();
        for (language, values) in map {
            let is_none = language == "@none"
                || expand_iri(ctx, language, false, true).as_deref() == Some("@none");
            let values = match values {
                Value::Array(a) => a.as_slice(),
                other => std::slice::from_ref(other),
            };
            for item in values {
                let s = match item {
                    Value::Null => continue,
                    Value::String(s) => s,
                    other => return Err(err("invalid language map value", other.to_string())),
                };
                self.p.budget.node()?;
                let mut v = Map::new();
                v.insert("@value".to_owned(), Value::String(s.clone()));
                if !is_none {
                    v.insert(
                        "@language".to_owned(),
                        Value::String(normalize_language(language)),
                    );
                }
                if let Some(d) = direction {
                    v.insert(
                        "@direction".to_owned(),
                        Value::String(d.as_str().to_owned()),
                    );
                }
                out.push(Value::Object(v));
            }
        }
        Ok(Value::Array(out))
    }

    /// Step 13.8: an index, id or type map.
    fn index_map(
        &mut self,
        ctx: &Arc<ActiveContext>,
        key: &str,
        containers: u8,
        index_key: &str,
        map: &Map<String, Value>,
        depth: usize,
    ) -> Result<Value, Error> {
        let mut out = Vec::new();
        for (index, index_value) in map {
            self.p.budget.tick()?;
            let mut map_ctx = ctx.clone();
            if containers & (container::ID | container::TYPE) != 0 {
                if let Some(previous) = &ctx.previous {
                    map_ctx = previous.clone();
                }
                if containers & container::TYPE != 0 {
                    if let Some(sc) = map_ctx.term(index).and_then(|d| d.context.clone()) {
                        map_ctx = self.p.process_scoped(&map_ctx, &sc, false, true)?;
                    }
                }
            }
            let expanded_index = expand_iri(ctx, index, false, true);
            let is_none = expanded_index.as_deref() == Some("@none");
            let def = map_ctx.term(key).map(|d| &**d);
            let items = into_array(self.element(
                &map_ctx,
                Some(key),
                def,
                index_value,
                true,
                false,
                depth + 1,
            )?);
            for item in items {
                let mut item = item;
                if containers & container::GRAPH != 0 && !is_graph_object(&item) {
                    let mut m = Map::new();
                    m.insert("@graph".to_owned(), Value::Array(vec![item]));
                    item = Value::Object(m);
                }
                if let Value::Object(m) = &mut item {
                    if containers & container::INDEX != 0 && index_key != "@index" && !is_none {
                        if m.contains_key("@value") {
                            return Err(err(
                                "invalid value object",
                                format!("a value object indexed by {index_key}"),
                            ));
                        }
                        let re_expanded = value_expansion(
                            ctx,
                            ctx.term(index_key).map(|d| &**d),
                            &Value::String(index.clone()),
                        );
                        let Some(prop) = expand_iri(ctx, index_key, false, true) else {
                            return Err(err("invalid term definition", index_key.to_owned()));
                        };
                        let prop = prop.into_owned();
                        let mut values = vec![re_expanded];
                        if let Some(existing) = m.remove(&prop) {
                            values.extend(into_array(existing));
                        }
                        m.insert(prop, Value::Array(values));
                    } else if containers & container::INDEX != 0
                        && !m.contains_key("@index")
                        && !is_none
                    {
                        m.insert("@index".to_owned(), Value::String(index.clone()));
                    } else if containers & container::ID != 0 && !m.contains_key("@id") && !is_none
                    {
                        if let Some(id) = expand_iri(ctx, index, true, false) {
                            m.insert("@id".to_owned(), Value::String(id.into_owned()));
                        }
                    } else if containers & container::TYPE != 0 && !is_none {
                        if let Some(t) = &expanded_index {
                            let mut types = vec![Value::String(t.to_string())];
                            if let Some(existing) = m.remove("@type") {
                                types.extend(into_array(existing));
                            }
                            m.insert("@type".to_owned(), Value::Array(types));
                        }
                    }
                }
                out.push(item);
            }
        }
        Ok(Value::Array(out))
    }
}

/// The keyword `key` stands for in `ctx` (itself, or the keyword its term
/// is an alias of): what IRI expansion would give when it is a keyword.
fn keyword_of<'c>(ctx: &'c ActiveContext, key: &'c str) -> Option<&'c str> {
    if key.starts_with('@') {
        return is_keyword(key).then_some(key);
    }
    ctx.term(key)
        .and_then(|d| d.iri.as_deref())
        .filter(|iri| iri.starts_with('@') && is_keyword(iri))
}

/// Appends `item` to `property` in the `@reverse` map of `result`.
fn add_reverse(result: &mut Map<String, Value>, property: &str, item: Value) {
    let entry = result
        .entry("@reverse".to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(m) = entry {
        add_value(m, property, item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextCache;
    use crate::error::Limit;
    use crate::limits::Limits;
    use crate::options::{JsonLdOptions, Loader, StaticLoader};
    use serde_json::json;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A loader counting its calls.
    struct Counting {
        inner: StaticLoader,
        calls: AtomicUsize,
    }

    impl Loader for Counting {
        fn load(&self, url: &str) -> Option<Arc<Value>> {
            self.calls.fetch_add(1, Ordering::Relaxed);
            self.inner.load(url)
        }
    }

    fn run(doc: &Value, loader: &dyn Loader, cache: &ContextCache) -> Result<Value, Error> {
        run_with(doc, loader, cache, Limits::default())
    }

    fn run_with(
        doc: &Value,
        loader: &dyn Loader,
        cache: &ContextCache,
        limits: Limits,
    ) -> Result<Value, Error> {
        let options = JsonLdOptions::default();
        let env = Env {
            options: &options,
            loader,
            cache,
        };
        expand(doc, &env, &mut Budget::new(limits))
    }

    fn credential_loader() -> Counting {
        let mut inner = StaticLoader::new();
        inner.insert(
            "https://example.org/ctx",
            json!({"@context": {
                "@protected": true,
                "ex": "https://example.org/vocab#",
                "name": "ex:name",
                "Thing": {"@id": "ex:Thing", "@context": {
                    "size": {"@id": "ex:size", "@type": "ex:Size"}
                }},
                "part": {"@id": "ex:part", "@type": "@id"}
            }}),
        );
        inner.insert(
            "https://example.org/self",
            json!({"@context": ["https://example.org/self", {"a": "https://a/"}]}),
        );
        Counting {
            inner,
            calls: AtomicUsize::new(0),
        }
    }

    #[test]
    fn cached_contexts_give_the_same_result_without_loading() {
        let loader = credential_loader();
        let cache = ContextCache::new();
        let doc = json!({
            "@context": ["https://example.org/ctx", {"extra": "https://example.org/extra"}],
            "@type": "Thing",
            "name": "n",
            "size": "3",
            "extra": "e",
            "part": {"@id": "https://example.org/p", "size": "ignored: type-scoped"}
        });
        let first = run(&doc, &loader, &cache).expect("expands");
        let calls = loader.calls.load(Ordering::Relaxed);
        assert_eq!(calls, 1);
        let second = run(&doc, &loader, &cache).expect("expands");
        assert_eq!(first, second);
        assert_eq!(loader.calls.load(Ordering::Relaxed), calls, "no reload");
        assert_eq!(
            first,
            json!([{
                "@type": ["https://example.org/vocab#Thing"],
                "https://example.org/vocab#name": [{"@value": "n"}],
                "https://example.org/vocab#size": [{"@value": "3", "@type": "https://example.org/vocab#Size"}],
                "https://example.org/extra": [{"@value": "e"}],
                "https://example.org/vocab#part": [{"@id": "https://example.org/p"}]
            }])
        );
    }

    #[test]
    fn one_document_context_does_not_leak_into_the_next() {
        let loader = credential_loader();
        let cache = ContextCache::new();
        let a = json!({"@context": {"x": "https://a.example/x"}, "x": "1"});
        let b = json!({"x": "1", "https://b.example/y": "2"});
        assert_eq!(
            run(&a, &loader, &cache).expect("expands"),
            json!([{"https://a.example/x": [{"@value": "1"}]}])
        );
        assert_eq!(
            run(&b, &loader, &cache).expect("expands"),
            json!([{"https://b.example/y": [{"@value": "2"}]}])
        );
    }

    #[test]
    fn protected_terms_stay_protected_from_the_cache() {
        let loader = credential_loader();
        let cache = ContextCache::new();
        let doc = json!({
            "@context": ["https://example.org/ctx", {"name": "https://evil.example/name"}],
            "name": "n"
        });
        for _ in 0..2 {
            let e = run(&doc, &loader, &cache).expect_err("protected");
            assert_eq!(e.code(), Some("protected term redefinition"));
        }
    }

    #[test]
    fn a_context_including_itself_overflows() {
        let loader = credential_loader();
        let cache = ContextCache::new();
        let doc = json!({"@context": "https://example.org/self", "a": "1"});
        let e = run(&doc, &loader, &cache).expect_err("cycle");
        assert_eq!(e.code(), Some("context overflow"));
    }

    #[test]
    fn deep_documents_are_too_complex_not_a_crash() {
        let loader = credential_loader();
        let cache = ContextCache::new();
        let mut doc = json!({"@id": "https://x.example/leaf"});
        for _ in 0..200 {
            doc = json!({"https://x.example/p": [doc]});
        }
        assert_eq!(
            run(&doc, &loader, &cache),
            Err(Error::TooComplex(Limit::Depth))
        );
    }

    #[test]
    fn long_term_dependency_chains_are_bounded() {
        let loader = credential_loader();
        let cache = ContextCache::new();
        let mut ctx = Map::new();
        ctx.insert("t0".to_owned(), json!("https://x.example/"));
        for i in 1..2000 {
            ctx.insert(format!("t{i}"), json!(format!("t{}:x", i - 1)));
        }
        let doc = json!({"@context": Value::Object(ctx), "t1999": "v"});
        // Bounded: refused as too complex, or resolved within the limits;
        // never a stack overflow or a JSON-LD error.
        let got = run(&doc, &loader, &cache);
        assert!(matches!(got, Err(Error::TooComplex(_)) | Ok(_)), "{got:?}");
    }

    #[test]
    fn limits_on_contexts_are_charged() {
        let loader = credential_loader();
        let cache = ContextCache::new();
        let big: Map<String, Value> = (0..300)
            .map(|i| (format!("term{i}"), json!(format!("https://x.example/{i}"))))
            .collect();
        let doc = json!({"@context": Value::Object(big.clone()), "term1": "v"});
        let small = Limits {
            max_term_definitions: 100,
            ..Limits::default()
        };
        assert_eq!(
            run_with(&doc, &loader, &cache, small),
            Err(Error::TooComplex(Limit::TermDefinitions))
        );
        let tiny = Limits {
            max_inline_context: 100,
            ..Limits::default()
        };
        assert_eq!(
            run_with(&doc, &loader, &cache, tiny),
            Err(Error::TooComplex(Limit::InlineContextSize))
        );
        let none = Limits {
            max_contexts: 0,
            ..Limits::default()
        };
        let remote = json!({"@context": "https://example.org/ctx", "name": "n"});
        assert_eq!(
            run_with(&remote, &loader, &ContextCache::new(), none),
            Err(Error::TooComplex(Limit::Contexts))
        );
        let few = Limits {
            max_nodes: 3,
            ..Limits::default()
        };
        let many = json!({"https://x.example/p": ["a", "b", "c", "d"]});
        assert_eq!(
            run_with(&many, &loader, &cache, few),
            Err(Error::TooComplex(Limit::Nodes))
        );
    }

    #[test]
    fn unknown_contexts_fail_to_load() {
        let loader = credential_loader();
        let cache = ContextCache::new();
        let doc = json!({"@context": "https://example.org/nope", "a": "1"});
        let e = run(&doc, &loader, &cache).expect_err("unknown");
        assert_eq!(e.code(), Some("loading remote context failed"));
    }
}
