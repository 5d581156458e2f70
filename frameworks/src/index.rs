//! The in-memory search index behind framework autocomplete. The database
//! only stores concepts; every instance builds this index from them, so
//! search behaves the same on SQLite and PostgreSQL.
//!
//! Labels are folded ([`crate::normalize::fold`]) and cut into words. The
//! distinct words form a sorted vocabulary: the words a query word is a
//! prefix of are one contiguous range of it (two binary searches), and
//! each word has the list of labels holding it. Typos are found by walking
//! a trie of the vocabulary, carrying a row of the Damerau–Levenshtein table
//! and leaving every branch that is already too far from the query word.
//! Only the labels of the rarest query word are then scored, one by one.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::model::{Concept, ConceptKind, Framework, Label};
use crate::normalize::{fold, words};

/// Longest query text read, in characters (the rest is ignored).
pub const MAX_QUERY_CHARS: usize = 200;
/// Most query words used (the rest are ignored).
pub const MAX_QUERY_WORDS: usize = 8;
/// Most hits one search returns.
pub const MAX_LIMIT: usize = 50;
/// Most labels scored by one search: bounds the work of hostile queries
/// made of many very common short words.
const MAX_EVALUATIONS: usize = 200_000;
/// Query words longer than this are matched exactly or by prefix only.
const MAX_TYPO_WORD_CHARS: usize = 32;
/// Words indexed per label (labels are at most a few hundred characters;
/// this only bounds what a database could hand over).
const MAX_WORDS_PER_LABEL: usize = 64;
/// Longer words are left out of the vocabulary: no real label has them,
/// and they would deepen the trie (walked recursively) for nothing.
const MAX_WORD_CHARS: usize = 64;

/// A concept as the index needs it: its identity, kind, labels and the few
/// attributes shown next to a hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexedConcept {
    pub framework: Framework,
    pub code: String,
    pub kind: ConceptKind,
    pub labels: Vec<Label>,
    pub active: bool,
    /// The framework version the concept was read from.
    pub version: String,
    pub parent: Option<String>,
    pub level: Option<String>,
}

impl IndexedConcept {
    pub fn new(concept: &Concept, version: &str) -> Self {
        IndexedConcept {
            framework: concept.framework,
            code: concept.code.clone(),
            kind: concept.kind,
            labels: concept.labels.clone(),
            active: concept.active,
            version: version.to_owned(),
            parent: concept.parent.clone(),
            level: concept.level.clone(),
        }
    }
}

impl From<(&Concept, &str)> for IndexedConcept {
    fn from((concept, version): (&Concept, &str)) -> Self {
        IndexedConcept::new(concept, version)
    }
}

/// The label to show for a concept in some language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShownLabel {
    pub text: String,
    pub lang: String,
    /// Not in the language asked for.
    pub fallback: bool,
    /// A best guess, not the publisher's label.
    pub guessed: bool,
}

/// A search. Empty `kinds` or `frameworks` mean all of them.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    pub text: &'a str,
    /// The user's language (`fr`, `en`): labels in it rank first and are
    /// shown first.
    pub lang: &'a str,
    pub kinds: &'a [ConceptKind],
    pub frameworks: &'a [Framework],
    /// At most [`MAX_LIMIT`]; 0 returns nothing.
    pub limit: usize,
}

impl<'a> Query<'a> {
    /// A search of every kind and framework, 10 hits.
    pub fn new(text: &'a str, lang: &'a str) -> Self {
        Query {
            text,
            lang,
            kinds: &[],
            frameworks: &[],
            limit: 10,
        }
    }
}

/// One search result: a concept, the label to show, and why it matched.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hit {
    pub framework: Framework,
    pub code: String,
    pub kind: ConceptKind,
    /// The label to show (in the query's language when there is one).
    pub label: String,
    pub label_lang: String,
    /// `label` is not in the query's language.
    pub fallback: bool,
    /// `label` is a guess, not the publisher's label.
    pub guessed: bool,
    /// The label that matched, when it is not the one shown (an
    /// alternative label, or a label in another language).
    pub matched: Option<String>,
    pub active: bool,
    pub level: Option<String>,
    /// Higher is better; only the order means something.
    pub score: u32,
}

/// How a label matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    ExactPreferred = 1,
    ExactAlternative = 2,
    StartsPreferred = 3,
    StartsAlternative = 4,
    WordsPreferred = 5,
    WordsAlternative = 6,
    Typo = 7,
}

/// One indexed label.
#[derive(Debug, Clone)]
struct Entry {
    concept: u32,
    /// Index in the concept's `labels`.
    label: u16,
    /// Index in `Index::langs`.
    lang: u16,
    preferred: bool,
    guessed: bool,
    /// Length of the label in characters (capped), for "shorter first".
    chars: u16,
    /// The folded label: `folded[text.0..text.1]`.
    text: (u32, u32),
    /// Its word ids: `entry_words[words.0..words.1]`.
    words: (u32, u32),
}

/// The search index. Immutable once built; share it behind an `Arc` and
/// swap in a new one after an import.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Sorted by (framework, code).
    concepts: Vec<IndexedConcept>,
    /// (framework, normalised code) → concept.
    codes: HashMap<(Framework, String), u32>,
    /// ESCO: the uuid at the end of a URI → concept.
    esco_tails: HashMap<String, u32>,
    langs: Vec<String>,
    /// In concept order, so that entry order is code order.
    entries: Vec<Entry>,
    folded: String,
    entry_words: Vec<u32>,
    /// Distinct words of all labels, sorted.
    vocab: Vec<Box<str>>,
    /// Labels holding word `w`: `postings[posting_start[w]..posting_start[w + 1]]`.
    posting_start: Vec<u32>,
    postings: Vec<u32>,
    /// The vocabulary as a trie, for typo search.
    trie: Vec<TrieNode>,
}

/// The form codes are looked up in: ROME/RNCP/RS upper case without
/// spaces, NAF divisions on two digits, ESCO URIs lower case over http.
fn code_key(framework: Framework, code: &str) -> String {
    let code = code.trim();
    match framework {
        Framework::Rome | Framework::Rncp | Framework::Rs => code
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase(),
        Framework::Naf if code.len() == 1 => format!("0{code}"),
        Framework::Naf | Framework::Isco => code.to_owned(),
        Framework::Esco => {
            let lower = code.to_lowercase();
            match lower.strip_prefix("https://") {
                Some(rest) => format!("http://{rest}"),
                None => lower,
            }
        }
    }
}

/// The primary language of a tag, lower case: `fr-FR` → `fr`.
fn primary_lang(tag: &str) -> String {
    tag.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .chars()
        .take(8)
        .collect::<String>()
        .to_lowercase()
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// The label to show among `labels` for `lang`: the asked language, then
/// French, then English, then any; within one, the preferred label first,
/// then publisher's labels before guesses.
fn pick_label(labels: &[Label], lang: &str) -> Option<usize> {
    let best_of = |want: Option<&str>| {
        labels
            .iter()
            .enumerate()
            .filter(|(_, l)| want.is_none_or(|w| l.lang == w))
            .min_by_key(|(_, l)| (!l.preferred, l.guessed))
            .map(|(i, _)| i)
    };
    best_of(Some(lang))
        .or_else(|| best_of(Some("fr")))
        .or_else(|| best_of(Some("en")))
        .or_else(|| best_of(None))
}

/// What one query word matches in the vocabulary.
struct QueryWord {
    /// Vocabulary words it is a prefix of (itself included).
    range: (u32, u32),
    /// Vocabulary words within the allowed edits, sorted by word id, with
    /// their edit count (never those of `range`).
    typos: Vec<(u32, u8)>,
}

impl Index {
    /// Builds the index. Concepts with the same framework and code are
    /// merged (the first one's attributes, every distinct label).
    pub fn build(concepts: Vec<IndexedConcept>) -> Index {
        let mut concepts = concepts;
        concepts.sort_by_cached_key(|c| (c.framework, code_key(c.framework, &c.code)));
        let mut merged: Vec<IndexedConcept> = Vec::with_capacity(concepts.len());
        let mut codes = HashMap::with_capacity(concepts.len());
        // Duplicates are next to each other once sorted; the labels of the
        // concept being merged into, filled at its first duplicate.
        let mut merging: Option<(u32, HashSet<(String, String)>)> = None;
        for c in concepts {
            let key = (c.framework, code_key(c.framework, &c.code));
            if let Some(&i) = codes.get(&key) {
                let target: &mut IndexedConcept = &mut merged[i as usize];
                if merging.as_ref().is_none_or(|(m, _)| *m != i) {
                    let known = target
                        .labels
                        .iter()
                        .map(|l| (l.lang.clone(), l.text.clone()))
                        .collect();
                    merging = Some((i, known));
                }
                if let Some((_, known)) = merging.as_mut() {
                    for l in c.labels {
                        if known.insert((l.lang.clone(), l.text.clone())) {
                            target.labels.push(l);
                        }
                    }
                }
            } else if merged.len() < u32::MAX as usize {
                codes.insert(key, merged.len() as u32);
                merged.push(c);
            }
        }
        let concepts = merged;

        let mut esco_tails = HashMap::new();
        for (i, c) in concepts.iter().enumerate() {
            if c.framework == Framework::Esco {
                if let Some(tail) = c.code.trim().rsplit('/').next() {
                    esco_tails.entry(tail.to_lowercase()).or_insert(i as u32);
                }
            }
        }

        // Labels, folded into one arena.
        let mut langs: Vec<String> = Vec::new();
        let mut entries = Vec::new();
        let mut folded = String::new();
        for (ci, c) in concepts.iter().enumerate() {
            let mut seen: HashSet<(&str, &str)> = HashSet::with_capacity(c.labels.len());
            for (li, l) in c.labels.iter().enumerate().take(u16::MAX as usize) {
                if !seen.insert((&l.lang, &l.text)) {
                    continue;
                }
                let f = fold(&l.text);
                if f.is_empty() {
                    continue;
                }
                let lang = match langs.iter().position(|x| *x == l.lang) {
                    Some(p) => p,
                    None => {
                        langs.push(l.lang.clone());
                        langs.len() - 1
                    }
                };
                let start = folded.len() as u32;
                folded.push_str(&f);
                entries.push(Entry {
                    concept: ci as u32,
                    label: li as u16,
                    lang: lang.min(u16::MAX as usize) as u16,
                    preferred: l.preferred,
                    guessed: l.guessed,
                    chars: l.text.chars().count().min(4095) as u16,
                    text: (start, folded.len() as u32),
                    words: (0, 0),
                });
            }
        }

        // The vocabulary.
        let mut all: Vec<&str> = entries
            .iter()
            .flat_map(|e| {
                words(&folded[e.text.0 as usize..e.text.1 as usize])
                    .take(MAX_WORDS_PER_LABEL)
                    .filter(|w| w.len() <= MAX_WORD_CHARS || w.chars().count() <= MAX_WORD_CHARS)
            })
            .collect();
        all.sort_unstable();
        all.dedup();
        let vocab: Vec<Box<str>> = all.into_iter().map(Box::from).collect();

        // Word ids of each label, and how many labels hold each word.
        let mut entry_words = Vec::new();
        let mut counts = vec![0u32; vocab.len()];
        let mut ids = Vec::new();
        for e in &mut entries {
            let start = entry_words.len() as u32;
            ids.clear();
            for w in words(&folded[e.text.0 as usize..e.text.1 as usize]).take(MAX_WORDS_PER_LABEL)
            {
                if let Ok(id) = vocab.binary_search_by(|v| (**v).cmp(w)) {
                    entry_words.push(id as u32);
                    ids.push(id as u32);
                }
            }
            e.words = (start, entry_words.len() as u32);
            ids.sort_unstable();
            ids.dedup();
            for &id in &ids {
                counts[id as usize] += 1;
            }
        }
        let mut posting_start = Vec::with_capacity(vocab.len() + 1);
        let mut total = 0u32;
        posting_start.push(0);
        for c in &counts {
            total += c;
            posting_start.push(total);
        }
        let mut fill: Vec<u32> = posting_start[..vocab.len()].to_vec();
        let mut postings = vec![0u32; total as usize];
        for (ei, e) in entries.iter().enumerate() {
            ids.clear();
            ids.extend_from_slice(&entry_words[e.words.0 as usize..e.words.1 as usize]);
            ids.sort_unstable();
            ids.dedup();
            for &id in &ids {
                postings[fill[id as usize] as usize] = ei as u32;
                fill[id as usize] += 1;
            }
        }

        let trie = build_trie(&vocab);
        Index {
            concepts,
            codes,
            esco_tails,
            langs,
            entries,
            folded,
            entry_words,
            vocab,
            posting_start,
            postings,
            trie,
        }
    }

    /// Number of concepts.
    pub fn len(&self) -> usize {
        self.concepts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// Every concept, sorted by framework and code.
    pub fn concepts(&self) -> &[IndexedConcept] {
        &self.concepts
    }

    /// Number of labels indexed.
    pub fn label_count(&self) -> usize {
        self.entries.len()
    }

    /// A rough count of the heap memory the index uses, in bytes.
    pub fn approx_memory_bytes(&self) -> usize {
        use std::mem::size_of;
        let concepts: usize = self
            .concepts
            .iter()
            .map(|c| {
                size_of::<IndexedConcept>()
                    + c.code.capacity()
                    + c.version.capacity()
                    + c.labels.capacity() * size_of::<Label>()
                    + c.labels
                        .iter()
                        .map(|l| l.text.capacity() + l.lang.capacity())
                        .sum::<usize>()
                    + c.parent.as_ref().map_or(0, String::capacity)
                    + c.level.as_ref().map_or(0, String::capacity)
            })
            .sum();
        // A hash map entry: key, value and about one control byte, at a
        // load factor of about 7/8.
        let map_entry = size_of::<(Framework, String)>() + size_of::<u32>() + 1;
        let codes: usize = self.codes.capacity() * map_entry
            + self.codes.keys().map(|(_, k)| k.capacity()).sum::<usize>();
        let tails: usize = self.esco_tails.capacity() * (size_of::<String>() + 5)
            + self.esco_tails.keys().map(String::capacity).sum::<usize>();
        concepts
            + codes
            + tails
            + self.entries.capacity() * size_of::<Entry>()
            + self.folded.capacity()
            + self.entry_words.capacity() * 4
            + self.vocab.capacity() * size_of::<Box<str>>()
            + self.vocab.iter().map(|w| w.len()).sum::<usize>()
            + self.posting_start.capacity() * 4
            + self.postings.capacity() * 4
            + self.trie.capacity() * size_of::<TrieNode>()
    }

    /// A concept by its code: ROME, RNCP and RS codes in any case, NAF
    /// divisions with or without their leading zero, ESCO concepts by URI
    /// or by the uuid that ends it.
    pub fn get(&self, framework: Framework, code: &str) -> Option<&IndexedConcept> {
        self.find(framework, code)
            .map(|i| &self.concepts[i as usize])
    }

    fn find(&self, framework: Framework, code: &str) -> Option<u32> {
        if code.len() > 400 {
            return None;
        }
        let key = code_key(framework, code);
        if let Some(&i) = self.codes.get(&(framework, key.clone())) {
            return Some(i);
        }
        if framework == Framework::Esco && !key.contains('/') {
            return self.esco_tails.get(&key).copied();
        }
        None
    }

    /// The label to show for a concept in `lang` (falling back to French,
    /// English, then any language).
    pub fn label(&self, framework: Framework, code: &str, lang: &str) -> Option<ShownLabel> {
        let c = self.get(framework, code)?;
        let lang = primary_lang(lang);
        let l = &c.labels[pick_label(&c.labels, &lang)?];
        Some(ShownLabel {
            text: l.text.clone(),
            lang: l.lang.clone(),
            fallback: l.lang != lang,
            guessed: l.guessed,
        })
    }

    /// Searches labels and codes. See the module documentation for how;
    /// the order is: exact code, exact preferred label, exact alternative
    /// label, preferred label starting with the query, alternative label
    /// starting with it, every query word starting a word of the preferred
    /// label, of an alternative label, then matches with typos (fewer
    /// edits first). Ties: a label in the query's language first, active
    /// concepts first, publisher's labels before guesses, shorter labels
    /// first, then by code. One hit per concept.
    pub fn search(&self, q: &Query<'_>) -> Vec<Hit> {
        let limit = q.limit.min(MAX_LIMIT);
        if limit == 0 || self.concepts.is_empty() {
            return Vec::new();
        }
        let text: String = q.text.chars().take(MAX_QUERY_CHARS).collect();
        let lang = primary_lang(q.lang);
        let allowed = |c: &IndexedConcept| {
            (q.kinds.is_empty() || q.kinds.contains(&c.kind))
                && (q.frameworks.is_empty() || q.frameworks.contains(&c.framework))
        };

        let mut hits: Vec<Hit> = Vec::new();
        let mut code_hits: Vec<u32> = Vec::new();
        for ci in self.code_matches(text.trim()) {
            if !code_hits.contains(&ci) && allowed(&self.concepts[ci as usize]) {
                code_hits.push(ci);
                hits.push(self.hit(ci, None, &lang, 1000));
            }
        }

        let folded = fold(&text);
        let qwords: Vec<&str> = words(&folded).take(MAX_QUERY_WORDS).collect();
        // A code that was found is what the user meant: labels do not hold
        // codes, and typo-matching one would only add noise.
        if !code_hits.is_empty()
            || folded.chars().count() < 2
            || qwords.is_empty()
            || hits.len() >= limit
        {
            hits.truncate(limit);
            return hits;
        }
        let whole = qwords.join(" ");
        let lang_id = self.langs.iter().position(|l| *l == lang);
        let mut qw: Vec<QueryWord> = qwords
            .iter()
            .map(|w| QueryWord {
                range: self.prefix_range(w),
                typos: Vec::new(),
            })
            .collect();

        let mut best = Best::new(self.concepts.len());
        let want = limit;
        // First without typos: typo matches rank after every other match,
        // so when enough concepts match without them they cannot show.
        if qw.iter().all(|w| w.range.0 < w.range.1) {
            self.collect(&qw, false, &whole, lang_id, &allowed, &mut best);
        }
        if best.found < want {
            // Longest words first: a word that matches nothing at all ends
            // the search before the others are looked at.
            let mut order: Vec<usize> = (0..qw.len()).collect();
            order.sort_by_key(|&i| std::cmp::Reverse(qwords[i].len()));
            let mut any_typo = false;
            let mut all_match = true;
            for i in order {
                let chars: Vec<char> = qwords[i].chars().collect();
                let n = chars.len();
                // Words with digits are codes or numbers: no typos there.
                if (4..=MAX_TYPO_WORD_CHARS).contains(&n) && chars.iter().all(|c| c.is_alphabetic())
                {
                    let max_edits = if n >= 8 { 2 } else { 1 };
                    // A typo in a word still being typed ("devlop"): only
                    // from 5 characters on, shorter ones match too much.
                    let w = &mut qw[i];
                    w.typos = self.typo_words(&chars, max_edits, n >= 5, w.range);
                    any_typo |= !w.typos.is_empty();
                }
                if qw[i].range.0 == qw[i].range.1 && qw[i].typos.is_empty() {
                    all_match = false;
                    break;
                }
            }
            if any_typo && all_match {
                self.collect(&qw, true, &whole, lang_id, &allowed, &mut best);
            }
        }

        let mut keys: Vec<u64> = best
            .touched
            .iter()
            .map(|&c| best.keys[c as usize])
            .collect();
        if keys.len() > want {
            keys.select_nth_unstable(want - 1);
            keys.truncate(want);
        }
        keys.sort_unstable();
        for key in keys {
            let entry = &self.entries[(key & 0xFFFF_FFFF) as usize];
            hits.push(self.hit(entry.concept, Some(entry), &lang, score(key)));
        }
        hits
    }

    /// Concepts whose code is the query: ROME `m1805`, `RNCP34126`,
    /// `rs 5476`, ISCO digits, NAF divisions, ESCO URIs or uuids.
    fn code_matches(&self, raw: &str) -> Vec<u32> {
        let mut out = Vec::new();
        if raw.is_empty() || raw.len() > 300 {
            return out;
        }
        if raw.contains("://") || is_uuid(raw) {
            out.extend(self.find(Framework::Esco, raw));
            return out;
        }
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if compact.len() > 20 {
            return out;
        }
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if crate::read::is_rome_code(&compact) {
            out.extend(self.find(Framework::Rome, &compact));
        } else if compact.strip_prefix("RNCP").is_some_and(digits) {
            out.extend(self.find(Framework::Rncp, &compact));
        } else if compact.strip_prefix("RS").is_some_and(digits) {
            out.extend(self.find(Framework::Rs, &compact));
        } else if digits(&compact) && compact.len() <= 4 {
            out.extend(self.find(Framework::Isco, &compact));
            if compact.len() <= 2 {
                out.extend(self.find(Framework::Naf, &compact));
            }
        }
        out
    }

    /// The vocabulary words starting with `prefix`, as an id range.
    fn prefix_range(&self, prefix: &str) -> (u32, u32) {
        let lo = self.vocab.partition_point(|w| &**w < prefix);
        let hi = lo + self.vocab[lo..].partition_point(|w| w.starts_with(prefix));
        (lo as u32, hi as u32)
    }

    /// Vocabulary words within `max_edits` of `q` (optimal string alignment
    /// distance: insertions, deletions, substitutions and swaps of two
    /// neighbours), or, with `prefix_ok`, starting with such a word; sorted
    /// by word id, without the ids of `exact` (the words `q` is a prefix of).
    ///
    /// Walks the trie of the vocabulary carrying one row of the distance
    /// table per level; when every cell of a row exceeds `max_edits` (and
    /// the row before cannot help through a swap) no word below can match,
    /// and the branch is left.
    fn typo_words(
        &self,
        q: &[char],
        max_edits: u8,
        prefix_ok: bool,
        exact: (u32, u32),
    ) -> Vec<(u32, u8)> {
        let m = q.len();
        let cap = max_edits + 1;
        let mut walk = TypoWalk {
            trie: &self.trie,
            q,
            max_edits,
            cap,
            prefix_ok,
            width: m + 1,
            // Row 0: distance from the empty word to each prefix of q.
            rows: (0..=m).map(|j| j.min(cap as usize) as u8).collect(),
            end_min: vec![(m.min(cap as usize)) as u8],
            path: Vec::new(),
            out: Vec::new(),
        };
        if !self.trie.is_empty() {
            walk.node(0);
        }
        let mut out = walk.out;
        out.retain(|&(id, _)| !(exact.0 <= id && id < exact.1));
        out.sort_unstable();
        out
    }

    /// Scores the labels holding the rarest query word and keeps the best
    /// key per concept in `best`.
    #[allow(clippy::too_many_arguments)]
    fn collect(
        &self,
        qw: &[QueryWord],
        with_typos: bool,
        whole: &str,
        lang_id: Option<usize>,
        allowed: &dyn Fn(&IndexedConcept) -> bool,
        best: &mut Best,
    ) {
        let postings_of = |w: u32| {
            &self.postings[self.posting_start[w as usize] as usize
                ..self.posting_start[w as usize + 1] as usize]
        };
        let cost = |w: &QueryWord| {
            let range = (self.posting_start[w.range.1 as usize]
                - self.posting_start[w.range.0 as usize]) as usize;
            let typos: usize = if with_typos {
                w.typos.iter().map(|&(t, _)| postings_of(t).len()).sum()
            } else {
                0
            };
            range + typos
        };
        let Some(driver) = qw.iter().min_by_key(|w| cost(w)) else {
            return;
        };
        let mut done = vec![0u64; self.entries.len().div_ceil(64)];
        let mut evaluations = 0usize;
        let range_postings = &self.postings[self.posting_start[driver.range.0 as usize] as usize
            ..self.posting_start[driver.range.1 as usize] as usize];
        let typo_postings = driver
            .typos
            .iter()
            .filter(|_| with_typos)
            .flat_map(|&(t, _)| postings_of(t).iter());
        for &e in range_postings.iter().chain(typo_postings) {
            let (slot, bit) = ((e / 64) as usize, 1u64 << (e % 64));
            if done[slot] & bit != 0 {
                continue;
            }
            done[slot] |= bit;
            evaluations += 1;
            if evaluations > MAX_EVALUATIONS {
                break;
            }
            let entry = &self.entries[e as usize];
            let concept = &self.concepts[entry.concept as usize];
            if !allowed(concept) {
                continue;
            }
            let Some(key) = self.evaluate(e, entry, concept, qw, with_typos, whole, lang_id) else {
                continue;
            };
            best.offer(entry.concept, key);
        }
    }

    /// The ranking key of one label for the query, or `None` if some query
    /// word matches none of its words. Smaller is better.
    #[allow(clippy::too_many_arguments)]
    fn evaluate(
        &self,
        e: u32,
        entry: &Entry,
        concept: &IndexedConcept,
        qw: &[QueryWord],
        with_typos: bool,
        whole: &str,
        lang_id: Option<usize>,
    ) -> Option<u64> {
        let label_words = &self.entry_words[entry.words.0 as usize..entry.words.1 as usize];
        let mut edits = 0u64;
        for w in qw {
            let mut word_best: Option<u8> = None;
            for &id in label_words {
                if w.range.0 <= id && id < w.range.1 {
                    word_best = Some(0);
                    break;
                }
                if with_typos {
                    if let Ok(p) = w.typos.binary_search_by_key(&id, |t| t.0) {
                        let d = w.typos[p].1;
                        word_best = Some(word_best.map_or(d, |b| b.min(d)));
                    }
                }
            }
            edits += u64::from(word_best?);
        }
        let tier = if edits > 0 {
            Tier::Typo
        } else {
            let label = &self.folded[entry.text.0 as usize..entry.text.1 as usize];
            match (label == whole, label.starts_with(whole), entry.preferred) {
                (true, _, true) => Tier::ExactPreferred,
                (true, _, false) => Tier::ExactAlternative,
                (_, true, true) => Tier::StartsPreferred,
                (_, true, false) => Tier::StartsAlternative,
                (_, _, true) => Tier::WordsPreferred,
                (_, _, false) => Tier::WordsAlternative,
            }
        };
        let alt_typo = tier == Tier::Typo && !entry.preferred;
        let other_lang = lang_id != Some(entry.lang as usize);
        Some(
            (tier as u64) << 52
                | edits.min(15) << 48
                | u64::from(alt_typo) << 47
                | u64::from(other_lang) << 46
                | u64::from(!concept.active) << 45
                | u64::from(entry.guessed) << 44
                | u64::from(entry.chars.min(4095)) << 32
                | u64::from(e),
        )
    }

    fn hit(&self, ci: u32, matched: Option<&Entry>, lang: &str, score: u32) -> Hit {
        let c = &self.concepts[ci as usize];
        let shown = pick_label(&c.labels, lang).map(|i| &c.labels[i]);
        let matched = matched
            .and_then(|e| c.labels.get(e.label as usize))
            .filter(|m| shown.is_none_or(|s| s.text != m.text))
            .map(|m| m.text.clone());
        Hit {
            framework: c.framework,
            code: c.code.clone(),
            kind: c.kind,
            label: shown.map(|l| l.text.clone()).unwrap_or_default(),
            label_lang: shown.map(|l| l.lang.clone()).unwrap_or_default(),
            fallback: shown.is_none_or(|l| l.lang != lang),
            guessed: shown.is_some_and(|l| l.guessed),
            matched,
            active: c.active,
            level: c.level.clone(),
            score,
        }
    }
}

/// One node of the vocabulary trie. Children are contiguous in
/// `Index::trie`; node 0 is the root.
#[derive(Debug, Clone)]
struct TrieNode {
    ch: char,
    children: (u32, u32),
    /// The vocabulary id of the word ending here, or `NO_WORD`.
    word: u32,
}

const NO_WORD: u32 = u32::MAX;

/// Builds the trie of a sorted, deduplicated vocabulary, breadth first so
/// that the children of a node are contiguous.
fn build_trie(vocab: &[Box<str>]) -> Vec<TrieNode> {
    let mut nodes = vec![TrieNode {
        ch: '\0',
        children: (0, 0),
        word: NO_WORD,
    }];
    // (node, first word, end of words, byte length of the node's prefix):
    // the words in the range all start with the node's prefix.
    let mut queue = std::collections::VecDeque::from([(0usize, 0usize, vocab.len(), 0usize)]);
    while let Some((node, mut lo, hi, len)) = queue.pop_front() {
        // The shortest word sorts first: it may be the prefix itself.
        if lo < hi && vocab[lo].len() == len {
            nodes[node].word = lo as u32;
            lo += 1;
        }
        let first = nodes.len();
        let mut k = lo;
        while k < hi {
            let Some(c) = vocab[k][len..].chars().next() else {
                k += 1;
                continue;
            };
            let next = len + c.len_utf8();
            let end =
                k + vocab[k..hi].partition_point(|w| w.len() >= next && w[len..].starts_with(c));
            nodes.push(TrieNode {
                ch: c,
                children: (0, 0),
                word: NO_WORD,
            });
            queue.push_back((nodes.len() - 1, k, end, next));
            k = end;
        }
        nodes[node].children = (first as u32, nodes.len() as u32);
    }
    nodes
}

/// State of one typo search over the trie.
struct TypoWalk<'a> {
    trie: &'a [TrieNode],
    q: &'a [char],
    max_edits: u8,
    /// Values saturate here (`max_edits + 1`).
    cap: u8,
    prefix_ok: bool,
    width: usize,
    /// `rows[d * width..(d + 1) * width]`: the row after `d` characters
    /// of the path (cells outside the band may be stale; never read).
    rows: Vec<u8>,
    /// `end_min[d]`: smallest last cell over rows `0..=d`, the distance
    /// from the nearest prefix of the path to `q`.
    end_min: Vec<u8>,
    path: Vec<char>,
    out: Vec<(u32, u8)>,
}

impl TypoWalk<'_> {
    /// Visits the children of `node`, whose path is `self.path`.
    ///
    /// Only the band of cells `j` with `|j - d| <= max_edits` is computed:
    /// a cell outside it is more than `max_edits` away anyway (it needs at
    /// least `|j - d|` insertions or deletions) and holds `cap`.
    fn node(&mut self, node: usize) {
        let (first, end) = self.trie[node].children;
        let (m, width, cap, max) = (self.q.len(), self.width, self.cap, self.max_edits as usize);
        let d = self.path.len() + 1;
        let prev = (d - 1) * width;
        let cur = d * width;
        if self.rows.len() < cur + width {
            self.rows.resize(cur + width, cap);
        }
        let lo = d.saturating_sub(max).max(1);
        let hi = (d + max).min(m);
        for child in first as usize..end as usize {
            let c = self.trie[child].ch;
            let rows = &mut self.rows[..];
            rows[cur] = d.min(cap as usize) as u8;
            let mut min = rows[cur];
            // Left of the band (read below as `cur + j - 1`) and right of it
            // (read by the next row as `prev + j`).
            if lo > 1 && lo - 1 <= m {
                rows[cur + lo - 1] = cap;
            }
            if hi < m {
                rows[cur + hi + 1] = cap;
            }
            for j in lo..=hi {
                let cost = u8::from(self.q[j - 1] != c);
                let mut v = (rows[prev + j] + 1)
                    .min(rows[cur + j - 1] + 1)
                    .min(rows[prev + j - 1] + cost);
                if d >= 2 && j >= 2 && c == self.q[j - 2] && self.path[d - 2] == self.q[j - 1] {
                    v = v.min(rows[prev - width + j - 2] + 1);
                }
                let v = v.min(cap);
                rows[cur + j] = v;
                min = min.min(v);
            }
            // The next row can still come back within bounds through a
            // swap of `c` and the next character: only where `c` is a
            // query character, from the row before this one.
            let mut swap_min = cap;
            for j in (d + 1).saturating_sub(max).max(2)..=(d + 1 + max).min(m) {
                if self.q[j - 1] == c {
                    swap_min = swap_min.min(rows[prev + j - 2].saturating_add(1));
                }
            }
            // With `prefix_ok`, once a prefix of the path is within bounds
            // every word below matches: the branch cannot be left then.
            let prefix_matched = self.prefix_ok && self.end_min[d - 1] <= self.max_edits;
            if min > self.max_edits && swap_min > self.max_edits && !prefix_matched {
                continue;
            }
            // The last cell, when inside the band (it is not once the path
            // is longer than the query by more than `max_edits`).
            let last = if lo <= m && m <= hi {
                rows[cur + m]
            } else {
                cap
            };
            let end_min = self.end_min[d - 1].min(last);
            let word = self.trie[child].word;
            if word != NO_WORD {
                let dist = if self.prefix_ok {
                    last.min(end_min)
                } else {
                    last
                };
                if dist <= self.max_edits {
                    self.out.push((word, dist));
                }
            }
            if self.trie[child].children.0 < self.trie[child].children.1 {
                self.path.push(c);
                self.end_min.push(end_min);
                self.node(child);
                self.path.pop();
                self.end_min.pop();
            }
        }
    }
}

/// The score shown for a ranking key: 1000 for a code, then 100 less per
/// tier, and 40 less per edit among typo matches.
fn score(key: u64) -> u32 {
    let tier = (key >> 52) as u32;
    let edits = ((key >> 48) & 0xF) as u32;
    let alt = ((key >> 47) & 1) as u32;
    (1000 - tier * 100)
        .saturating_sub(edits * 40 + alt * 10)
        .max(1)
}

/// The best key found so far per concept.
struct Best {
    keys: Vec<u64>,
    touched: Vec<u32>,
    /// Concepts with a key.
    found: usize,
}

impl Best {
    fn new(n: usize) -> Self {
        Best {
            keys: vec![u64::MAX; n],
            touched: Vec::new(),
            found: 0,
        }
    }

    fn offer(&mut self, concept: u32, key: u64) {
        let slot = &mut self.keys[concept as usize];
        if *slot == u64::MAX {
            self.touched.push(concept);
            self.found += 1;
        }
        if key < *slot {
            *slot = key;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concept(
        framework: Framework,
        code: &str,
        kind: ConceptKind,
        labels: &[(&str, &str, bool)],
    ) -> IndexedConcept {
        IndexedConcept {
            framework,
            code: code.to_owned(),
            kind,
            labels: labels
                .iter()
                .map(|&(lang, text, preferred)| Label {
                    lang: lang.to_owned(),
                    text: text.to_owned(),
                    preferred,
                    guessed: false,
                })
                .collect(),
            active: true,
            version: "test".to_owned(),
            parent: None,
            level: None,
        }
    }

    fn index() -> Index {
        Index::build(vec![
            concept(
                Framework::Rome,
                "M1805",
                ConceptKind::Occupation,
                &[("fr", "Développeur / Développeuse web", true)],
            ),
            concept(
                Framework::Rome,
                "J1506",
                ConceptKind::Occupation,
                &[
                    ("fr", "Infirmier / Infirmière en soins généraux", true),
                    ("fr", "IDE", false),
                ],
            ),
            concept(
                Framework::Esco,
                "http://data.europa.eu/esco/occupation/c40a2919-48a9-40ea-b506-1f34f693496d",
                ConceptKind::Occupation,
                &[
                    ("en", "web developer", true),
                    ("fr", "développeur web", true),
                ],
            ),
            concept(
                Framework::Isco,
                "2512",
                ConceptKind::IscoGroup,
                &[("en", "Software developers", true)],
            ),
        ])
    }

    fn codes(hits: &[Hit]) -> Vec<&str> {
        hits.iter().map(|h| h.code.as_str()).collect()
    }

    #[test]
    fn typo_walk_finds_neighbours() {
        let idx = index();
        let q: Vec<char> = "devloppeur".chars().collect();
        let found: Vec<&str> = idx
            .typo_words(&q, 2, true, (0, 0))
            .iter()
            .map(|&(w, _)| &*idx.vocab[w as usize])
            .collect();
        assert!(found.contains(&"developpeur"), "{found:?}");
        let q: Vec<char> = "infirmeir".chars().collect();
        let found = idx.typo_words(&q, 2, false, (0, 0));
        assert!(found
            .iter()
            .any(|&(w, d)| &*idx.vocab[w as usize] == "infirmier" && d == 1));
    }

    /// Optimal string alignment distance, the plain way.
    fn osa(a: &[char], b: &[char]) -> usize {
        let (n, m) = (a.len(), b.len());
        let mut t = vec![vec![0usize; m + 1]; n + 1];
        for (i, row) in t.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in t[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=n {
            for j in 1..=m {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (t[i - 1][j] + 1)
                    .min(t[i][j - 1] + 1)
                    .min(t[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(t[i - 2][j - 2] + 1);
                }
                t[i][j] = v;
            }
        }
        t[n][m]
    }

    #[test]
    fn typo_walk_agrees_with_brute_force() {
        let data = crate::testdata::synthetic_rncp(300, 3);
        let idx = Index::build(
            data.concepts
                .iter()
                .map(|c| IndexedConcept::new(c, "t"))
                .collect(),
        );
        let queries = [
            "developeur",
            "tehcnicien",
            "maintenace",
            "logistque",
            "restaurtion",
            "ingenieru",
            "commerc",
            "gestoin",
            "numerique",
            "xyzzy",
            "abcdefgh",
            "securite",
            "enfnce",
            "oeuvre",
        ];
        for q in queries {
            let qc: Vec<char> = q.chars().collect();
            let max = if qc.len() >= 8 { 2 } else { 1 };
            for prefix_ok in [false, true] {
                let mut expected: Vec<(u32, u8)> = Vec::new();
                for (i, w) in idx.vocab.iter().enumerate() {
                    let wc: Vec<char> = w.chars().collect();
                    let mut d = osa(&wc, &qc);
                    if prefix_ok {
                        for k in 0..wc.len() {
                            d = d.min(osa(&wc[..k], &qc));
                        }
                    }
                    if d <= max {
                        expected.push((i as u32, d as u8));
                    }
                }
                let got = idx.typo_words(&qc, max as u8, prefix_ok, (0, 0));
                assert_eq!(got, expected, "{q} prefix_ok={prefix_ok}");
            }
        }
    }

    #[test]
    fn codes_and_labels() {
        let idx = index();
        assert_eq!(codes(&idx.search(&Query::new("m1805", "fr"))), ["M1805"]);
        assert_eq!(codes(&idx.search(&Query::new("2512", "fr"))), ["2512"]);
        let hits = idx.search(&Query::new("c40a2919-48a9-40ea-b506-1f34f693496d", "fr"));
        assert_eq!(hits[0].label, "développeur web");
        let hits = idx.search(&Query::new("IDE", "fr"));
        assert_eq!(hits[0].code, "J1506");
        assert_eq!(hits[0].matched.as_deref(), Some("IDE"));
        assert!(idx.search(&Query::new("x", "fr")).is_empty());
    }

    #[test]
    fn huge_labels_do_not_hurt() {
        let word = "a".repeat(100_000);
        let many: String = (0..10_000).map(|i| format!("w{i} ")).collect();
        let idx = Index::build(vec![
            concept(
                Framework::Rome,
                "A1201",
                ConceptKind::Occupation,
                &[("fr", &word, true), ("fr", "Bûcheron", false)],
            ),
            concept(
                Framework::Rome,
                "A1202",
                ConceptKind::Occupation,
                &[("fr", &many, true)],
            ),
        ]);
        assert_eq!(codes(&idx.search(&Query::new("bucheron", "fr"))), ["A1201"]);
        assert!(idx.search(&Query::new(&"a".repeat(300), "fr")).is_empty());
        assert_eq!(codes(&idx.search(&Query::new("w63", "fr"))), ["A1202"]);
        assert!(idx.search(&Query::new("w9999", "fr")).is_empty());
    }

    #[test]
    fn labels_fall_back() {
        let idx = index();
        let l = idx.label(Framework::Isco, "2512", "fr").unwrap();
        assert!(l.fallback);
        assert_eq!(l.lang, "en");
        let l = idx.label(Framework::Rome, "m1805", "fr").unwrap();
        assert!(!l.fallback);
        assert!(idx.label(Framework::Rome, "Z9999", "fr").is_none());
    }
}
