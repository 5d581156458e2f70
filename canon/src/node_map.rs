//! JSON-LD 1.1 API, 7.2 Node Map Generation (with 7.3 Generate Blank Node
//! Identifier): the node objects of an expanded document gathered by graph
//! and by identifier, every blank node relabelled `_:b0`, `_:b1`...
//!
//! The map is built for toRdf only, so it is typed rather than JSON: a node
//! keeps its types, its `@index` (to detect conflicting indexes) and its
//! properties; identifiers and values borrow the expanded document where
//! they can. Graphs, nodes and properties are kept in the order met rather
//! than sorted: the order only decides which blank node gets which label,
//! and the dataset is a set.

use crate::error::Error;
use crate::limits::Budget;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};

/// The name of the default graph in the node map.
pub(crate) const DEFAULT_GRAPH: &str = "@default";

/// Issues `_:b0`, `_:b1`... (7.3 Generate Blank Node Identifier): the same
/// label for the same input identifier, a new one for each anonymous node.
#[derive(Debug, Default)]
pub(crate) struct Issuer {
    issued: HashMap<String, String>,
    next: usize,
}

impl Issuer {
    /// The label for the input blank node identifier `old` (with its `_:`).
    pub(crate) fn issue(&mut self, old: &str) -> String {
        if let Some(label) = self.issued.get(old) {
            return label.clone();
        }
        let label = self.fresh();
        self.issued.insert(old.to_owned(), label.clone());
        label
    }

    /// A label no other node has.
    pub(crate) fn fresh(&mut self) -> String {
        let mut label = String::with_capacity(8);
        label.push_str("_:b");
        let _ = write!(label, "{}", self.next);
        self.next += 1;
        label
    }

    /// How many labels were issued (every label is `_:b` + a number below).
    pub(crate) fn count(&self) -> usize {
        self.next
    }
}

/// An object of a property in the node map.
#[derive(Debug)]
pub(crate) enum Item<'a> {
    /// A node reference: the node's identifier (relabelled if blank).
    Ref(Cow<'a, str>),
    /// A value object of the expanded document.
    Value(&'a Map<String, Value>),
    /// A list object: its items in order (lists are never merged).
    List(Vec<Item<'a>>),
}

impl Item<'_> {
    /// The algorithm's equality of objects: same entries; lists are never
    /// equal (each list is its own).
    fn same(&self, other: &Item<'_>) -> bool {
        match (self, other) {
            (Item::Ref(a), Item::Ref(b)) => a == b,
            (Item::Value(a), Item::Value(b)) => a == b,
            _ => false,
        }
    }

    /// A hash agreeing with [`Item::same`].
    fn hash(&self, keys: &RandomState) -> u64 {
        match self {
            Item::Ref(id) => keys.hash_one((0u8, id.as_ref())),
            // Entries combined by addition: the same whatever the order.
            Item::Value(map) => map.iter().fold(1, |acc: u64, (k, v)| {
                let mut h = keys.build_hasher();
                k.hash(&mut h);
                hash_value(v, &mut h);
                acc.wrapping_add(h.finish())
            }),
            Item::List(_) => 2,
        }
    }
}

/// Entries past which [`Objects`] and [`Node`] look things up through an
/// index rather than by scanning.
const INDEX_FROM: usize = 16;

/// The objects of one property (or the types of a node): node references
/// and value objects without repeats, lists as they come.
#[derive(Debug, Default)]
pub(crate) struct Objects<'a> {
    items: Vec<Item<'a>>,
    /// Positions of the items by hash, once there are many: the algorithm
    /// compares each new object with every object of the property, which
    /// would be quadratic. (Keyed hashes: no input can make them collide
    /// on purpose.)
    index: Option<(RandomState, HashMap<u64, Vec<usize>>)>,
}

impl<'a> Objects<'a> {
    /// The items in the order they came.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Item<'a>> {
        self.items.iter()
    }

    /// Adds `item`; unless it is a list, only if no equal item is there.
    fn add(&mut self, item: Item<'a>) {
        if let Some((keys, index)) = &mut self.index {
            let hash = item.hash(keys);
            let positions = index.entry(hash).or_default();
            if positions
                .iter()
                .any(|&p| self.items.get(p).is_some_and(|known| known.same(&item)))
            {
                return;
            }
            positions.push(self.items.len());
            self.items.push(item);
            return;
        }
        if self.items.iter().any(|known| known.same(&item)) {
            return;
        }
        self.items.push(item);
        if self.items.len() > INDEX_FROM {
            let keys = RandomState::new();
            let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
            for (i, item) in self.items.iter().enumerate() {
                index.entry(item.hash(&keys)).or_default().push(i);
            }
            self.index = Some((keys, index));
        }
    }

    /// Adds a node reference (or a type) unless there.
    fn add_reference(&mut self, id: Cow<'a, str>) {
        self.add(Item::Ref(id));
    }

    /// Adds a value object unless an equal one is there.
    fn add_value(&mut self, object: &'a Map<String, Value>) {
        self.add(Item::Value(object));
    }

    /// Adds a list object (lists are never merged).
    fn add_list(&mut self, items: Vec<Item<'a>>) {
        self.add(Item::List(items));
    }
}

/// A node of the node map.
#[derive(Debug)]
pub(crate) struct Node<'a> {
    pub(crate) id: Cow<'a, str>,
    /// `@type` values (as references), without repeats.
    pub(crate) types: Objects<'a>,
    index: Option<&'a Value>,
    /// Properties (relabelled if blank) and their objects, in the order met.
    pub(crate) properties: Vec<(Cow<'a, str>, Objects<'a>)>,
    /// Positions of the properties by name, once there are many.
    property_index: Option<HashMap<Cow<'a, str>, usize>>,
}

impl<'a> Node<'a> {
    /// The position of `property` in [`Node::properties`], added empty if
    /// absent.
    // A `&Cow`, not a `&str`: cloned into the map only when absent, a
    // borrowed identifier stays borrowed.
    #[allow(clippy::ptr_arg)]
    fn slot(&mut self, property: &Cow<'a, str>) -> usize {
        let found = match &self.property_index {
            Some(index) => index.get(property.as_ref()).copied(),
            None => self.properties.iter().position(|(p, _)| p == property),
        };
        if let Some(slot) = found {
            return slot;
        }
        let slot = self.properties.len();
        self.properties.push((property.clone(), Objects::default()));
        match &mut self.property_index {
            Some(index) => {
                index.insert(property.clone(), slot);
            }
            None if self.properties.len() > INDEX_FROM => {
                let index = self
                    .properties
                    .iter()
                    .enumerate()
                    .map(|(i, (p, _))| (p.clone(), i))
                    .collect();
                self.property_index = Some(index);
            }
            None => {}
        }
        slot
    }
}

/// One graph of the node map.
#[derive(Debug)]
pub(crate) struct Graph<'a> {
    /// `@default`, or the graph's identifier (relabelled if blank).
    pub(crate) name: Cow<'a, str>,
    pub(crate) nodes: Vec<Node<'a>>,
    /// Positions of the nodes by identifier, once there are many.
    by_id: Option<HashMap<Cow<'a, str>, usize>>,
}

impl<'a> Graph<'a> {
    fn new(name: Cow<'a, str>) -> Self {
        Self {
            name,
            nodes: Vec::with_capacity(8),
            by_id: None,
        }
    }

    /// The position of the node `id`, added if absent.
    // A `&Cow`, not a `&str`: cloned into the map only when absent, a
    // borrowed identifier stays borrowed.
    #[allow(clippy::ptr_arg)]
    fn node(&mut self, id: &Cow<'a, str>) -> usize {
        let found = match &self.by_id {
            Some(index) => index.get(id.as_ref()).copied(),
            None => self.nodes.iter().position(|n| n.id == *id),
        };
        if let Some(i) = found {
            return i;
        }
        let i = self.nodes.len();
        self.nodes.push(Node {
            id: id.clone(),
            types: Objects::default(),
            index: None,
            properties: Vec::new(),
            property_index: None,
        });
        match &mut self.by_id {
            Some(index) => {
                index.insert(id.clone(), i);
            }
            None if self.nodes.len() > INDEX_FROM => {
                let index = self
                    .nodes
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n.id.clone(), i))
                    .collect();
                self.by_id = Some(index);
            }
            None => {}
        }
        i
    }
}

/// The node map of an expanded document.
#[derive(Debug)]
pub(crate) struct NodeMap<'a> {
    /// The default graph first, then named graphs in the order met.
    pub(crate) graphs: Vec<Graph<'a>>,
    by_name: HashMap<Cow<'a, str>, usize>,
    pub(crate) issuer: Issuer,
}

/// What the element being visited is an object of.
#[derive(Debug, Clone, Copy)]
enum Target<'p, 'a> {
    /// Nothing: the top level, a graph's or `@included`'s items.
    None,
    /// A property of a node of the active graph (node, property slot).
    Property(usize, usize),
    /// A reverse property: the element's node gets the property, with this
    /// node (of the active graph) as its object.
    Reverse(usize, &'p Cow<'a, str>),
}

impl<'a> NodeMap<'a> {
    /// The node map of the expanded document `expanded` (7.2 invoked with
    /// the document, the default graph and nothing else).
    pub(crate) fn generate(expanded: &'a Value, budget: &mut Budget) -> Result<Self, Error> {
        let mut map = NodeMap {
            graphs: vec![Graph::new(Cow::Borrowed(DEFAULT_GRAPH))],
            by_name: HashMap::new(),
            issuer: Issuer::default(),
        };
        map.by_name.insert(Cow::Borrowed(DEFAULT_GRAPH), 0);
        let mut visit = Visit {
            map: &mut map,
            budget,
        };
        visit.element(expanded, 0, Target::None, None, 0)?;
        Ok(map)
    }

    // A `&Cow`, not a `&str`: cloned into the map only when absent, a
    // borrowed identifier stays borrowed.
    #[allow(clippy::ptr_arg)]
    fn graph(&mut self, name: &Cow<'a, str>) -> usize {
        if let Some(&i) = self.by_name.get(name.as_ref()) {
            return i;
        }
        let i = self.graphs.len();
        self.by_name.insert(name.clone(), i);
        self.graphs.push(Graph::new(name.clone()));
        i
    }

    /// An identifier as the node map keeps it: blank ones relabelled.
    fn identifier(&mut self, id: &'a str) -> Cow<'a, str> {
        if id.starts_with("_:") {
            Cow::Owned(self.issuer.issue(id))
        } else {
            Cow::Borrowed(id)
        }
    }
}

struct Visit<'m, 'a, 'b> {
    map: &'m mut NodeMap<'a>,
    budget: &'b mut Budget,
}

impl<'a> Visit<'_, 'a, '_> {
    /// 7.2 for one element. `depth` counts node, value and list objects
    /// (arrays directly inside arrays too), which bounds the recursion.
    fn element(
        &mut self,
        element: &'a Value,
        graph: usize,
        target: Target<'_, 'a>,
        mut list: Option<&mut Vec<Item<'a>>>,
        depth: usize,
    ) -> Result<(), Error> {
        self.budget.depth(depth)?;
        match element {
            Value::Array(items) => {
                for item in items {
                    self.budget.tick()?;
                    let d = if item.is_array() { depth + 1 } else { depth };
                    self.element(item, graph, target, list.as_deref_mut(), d)?;
                }
                Ok(())
            }
            Value::Object(object) => {
                self.budget.node()?;
                if object.contains_key("@value") {
                    // Step 4: a value object.
                    match (list, target) {
                        (Some(list), _) => list.push(Item::Value(object)),
                        (None, Target::Property(node, slot)) => {
                            self.objects(graph, node, slot).add_value(object);
                        }
                        _ => {}
                    }
                    Ok(())
                } else if let Some(items) = object.get("@list") {
                    // Step 5: a list object.
                    let mut result = Vec::new();
                    self.element(items, graph, target, Some(&mut result), depth + 1)?;
                    match (list, target) {
                        (Some(list), _) => list.push(Item::List(result)),
                        (None, Target::Property(node, slot)) => {
                            self.objects(graph, node, slot).add_list(result);
                        }
                        _ => {}
                    }
                    Ok(())
                } else {
                    self.node(object, graph, target, list, depth)
                }
            }
            // Not expanded form: nothing to gather.
            _ => Ok(()),
        }
    }

    fn objects(&mut self, graph: usize, node: usize, slot: usize) -> &mut Objects<'a> {
        &mut self.map.graphs[graph].nodes[node].properties[slot].1
    }

    /// Step 6: a node object.
    fn node(
        &mut self,
        object: &'a Map<String, Value>,
        graph: usize,
        target: Target<'_, 'a>,
        list: Option<&mut Vec<Item<'a>>>,
        depth: usize,
    ) -> Result<(), Error> {
        let id = match object.get("@id") {
            Some(Value::String(id)) => self.map.identifier(id),
            // Expansion keeps `"@id": null` where a term maps to a keyword
            // it ignores: an identifier that is never well-formed, so that
            // the node and the triples naming it are left out of the RDF.
            Some(_) => Cow::Borrowed(""),
            None => Cow::Owned(self.map.issuer.fresh()),
        };
        let node = self.map.graphs[graph].node(&id);

        match (target, list) {
            (_, Some(list)) => list.push(Item::Ref(id.clone())),
            (Target::Property(subject, slot), None) => {
                self.objects(graph, subject, slot).add_reference(id.clone());
            }
            (Target::Reverse(subject, property), None) => {
                let reference = self.map.graphs[graph].nodes[subject].id.clone();
                let n = &mut self.map.graphs[graph].nodes[node];
                let slot = n.slot(property);
                n.properties[slot].1.add_reference(reference);
            }
            (Target::None, None) => {}
        }

        if let Some(types) = object.get("@type") {
            let types = match types {
                Value::Array(types) => types.as_slice(),
                single => std::slice::from_ref(single),
            };
            for t in types {
                self.budget.tick()?;
                let Some(t) = t.as_str() else { continue };
                let t = self.map.identifier(t);
                self.map.graphs[graph].nodes[node].types.add_reference(t);
            }
        }

        if let Some(index) = object.get("@index") {
            let slot = &mut self.map.graphs[graph].nodes[node].index;
            match slot {
                Some(known) if *known != index => {
                    return Err(Error::json_ld(
                        "conflicting indexes",
                        format!("{id} has two @index values"),
                    ));
                }
                _ => *slot = Some(index),
            }
        }

        if let Some(Value::Object(reverse)) = object.get("@reverse") {
            for (p, values) in reverse {
                self.budget.tick()?;
                // Relabelled like forward properties, so that one blank node
                // identifier stays one predicate (generalized RDF only).
                let p = self.map.identifier(p);
                let target = Target::Reverse(node, &p);
                self.element(values, graph, target, None, depth + 1)?;
            }
        }

        if let Some(inner) = object.get("@graph") {
            let named = self.map.graph(&id);
            self.element(inner, named, Target::None, None, depth + 1)?;
        }

        if let Some(included) = object.get("@included") {
            self.element(included, graph, Target::None, None, depth + 1)?;
        }

        for (p, values) in object {
            if p.starts_with('@') {
                continue;
            }
            self.budget.tick()?;
            let p = self.map.identifier(p);
            let slot = self.map.graphs[graph].nodes[node].slot(&p);
            let target = Target::Property(node, slot);
            self.element(values, graph, target, None, depth + 1)?;
        }
        Ok(())
    }
}

fn hash_value(v: &Value, h: &mut impl Hasher) {
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, *b).hash(h),
        Value::Number(n) => (2u8, crate::literal::as_double(n).to_bits()).hash(h),
        Value::String(s) => (3u8, s).hash(h),
        // @json values can be deep; their length is enough to pre-filter.
        Value::Array(a) => (4u8, a.len()).hash(h),
        Value::Object(o) => (5u8, o.len()).hash(h),
    }
}
