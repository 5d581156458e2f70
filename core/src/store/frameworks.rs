//! Storage of reference frameworks (ESCO, ISCO, ROME, NAF, RNCP, RS),
//! version by version. Written once for both backends.
//!
//! An import writes a whole [`Dataset`] in one transaction: a file is in,
//! or it is not; never half. Importing the same files again leaves the same
//! rows (upserts, and the labels of the languages read are replaced).

use super::{PgStore, SqliteStore, StoreError, StoreResult};
use atout_frameworks::{Dataset, Framework};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// One imported version of a framework family.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FrameworkVersion {
    pub id: String,
    /// `esco` (ESCO and ISCO-08), `rome` (ROME and NAF), `rncp` (RNCP and RS).
    pub family: String,
    pub version: String,
    pub published_on: Option<String>,
    pub source: String,
    /// JSON array.
    pub languages: String,
    /// `active` or `retired`.
    pub status: String,
    /// JSON object.
    pub counts: String,
    /// JSON object.
    pub report: String,
    pub imported_by: Option<String>,
    pub imported_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What an import writes, besides the data itself.
#[derive(Debug, Clone)]
pub struct FrameworkImport<'a> {
    /// The id of the version row if the version is new.
    pub id: String,
    pub family: &'a str,
    pub version: &'a str,
    pub published_on: Option<&'a str>,
    /// The names of the files read.
    pub source: &'a str,
    pub imported_by: Option<&'a str>,
    pub at: DateTime<Utc>,
    pub dataset: &'a Dataset,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportOutcome {
    pub version: FrameworkVersion,
    /// A new version (else another language or a repeat of one imported).
    pub created: bool,
    /// The version it replaced as the active one, if any.
    pub replaced: Option<String>,
    /// Codes of the previous active version that this one does not have:
    /// (framework, code). They stay resolvable through the old version.
    pub gone: Vec<(String, String)>,
}

/// A concept as stored, with its labels, for the search index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConcept {
    pub framework: String,
    pub code: String,
    pub kind: String,
    pub parent: Option<String>,
    pub level: Option<String>,
    /// The concept is active in an active version.
    pub active: bool,
    pub version: String,
    /// (lang, label, preferred, guessed), preferred first.
    pub labels: Vec<(String, String, bool, bool)>,
}

/// A concept with everything known of it, as one version has it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConceptDetail {
    pub framework: String,
    pub code: String,
    pub kind: String,
    pub parent: Option<String>,
    pub level: Option<String>,
    pub active: bool,
    pub skill_type: Option<String>,
    /// JSON `{"blocks", "certifiers"}` of RNCP/RS records.
    #[serde(skip)]
    pub extra: Option<String>,
    pub version: String,
    pub version_status: String,
    pub labels: Vec<(String, String, bool, bool)>,
    pub descriptions: Vec<(String, String)>,
}

/// A link between two concepts, seen from one of them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkRecord {
    pub from_framework: String,
    pub from_code: String,
    pub relation: String,
    pub to_framework: String,
    pub to_code: String,
}

const VERSION_COLUMNS: &str = "id, family, version, published_on, source, languages, status, \
     counts, report, imported_by, imported_at, updated_at";

/// Rows per multi-row INSERT: well under both drivers' bind limits.
const BATCH: usize = 500;

/// How many of the codes gone since the previous version the report keeps
/// by name (the count is always exact).
const GONE_LISTED: usize = 2_000;

/// The family an import of this framework belongs to.
pub fn family_of(framework: Framework) -> &'static str {
    match framework {
        Framework::Esco | Framework::Isco => "esco",
        Framework::Rome | Framework::Naf => "rome",
        Framework::Rncp | Framework::Rs => "rncp",
    }
}

#[async_trait::async_trait]
pub trait FrameworkStore: Send + Sync {
    /// Writes a dataset into its version (created if new, merged if it
    /// exists: another language, or the same files again), in one
    /// transaction.
    async fn import_framework(&self, import: &FrameworkImport<'_>) -> StoreResult<ImportOutcome>;
    /// Every version, newest first within each family.
    async fn framework_versions(&self) -> StoreResult<Vec<FrameworkVersion>>;
    /// One concept per (framework, code): from the active version that has
    /// it, else from the most recent version that had it (then inactive).
    async fn concepts_for_index(&self) -> StoreResult<Vec<StoredConcept>>;
    /// A concept as the active version has it, else as the latest version
    /// that had it.
    async fn concept(&self, framework: &str, code: &str) -> StoreResult<Option<ConceptDetail>>;
    /// Links from these concepts (of the version each resolves to), with
    /// these relations.
    async fn links_from(
        &self,
        framework: &str,
        codes: &[String],
        relations: &[&str],
    ) -> StoreResult<Vec<LinkRecord>>;
    /// Links to this concept from active versions, with these relations.
    async fn links_to(
        &self,
        framework: &str,
        code: &str,
        relations: &[&str],
    ) -> StoreResult<Vec<LinkRecord>>;
    /// The version of this framework a code is written against today (the
    /// active version having the code).
    async fn current_version(&self, framework: &str, code: &str) -> StoreResult<Option<String>>;
}

fn b(v: bool) -> i64 {
    i64::from(v)
}

macro_rules! framework_sql {
    ($name:ident, $db:ty) => {
        impl $name {
            /// The version row a concept resolves to: active first, then the
            /// most recently imported.
            const RESOLVE: &'static str = "SELECT c.version_id FROM concepts c \
                 JOIN framework_versions v ON v.id = c.version_id \
                 WHERE c.framework = $1 AND c.code = $2 \
                 ORDER BY CASE v.status WHEN 'active' THEN 0 ELSE 1 END, v.imported_at DESC \
                 LIMIT 1";
        }

        #[async_trait::async_trait]
        impl FrameworkStore for $name {
            async fn import_framework(
                &self,
                import: &FrameworkImport<'_>,
            ) -> StoreResult<ImportOutcome> {
                let data = import.dataset;
                let mut tx = self.write().await?;
                let existing: Option<FrameworkVersion> = sqlx::query_as(&format!(
                    "SELECT {VERSION_COLUMNS} FROM framework_versions \
                     WHERE family = $1 AND version = $2"
                ))
                .bind(import.family)
                .bind(import.version)
                .fetch_optional(&mut *tx)
                .await?;
                // The version this one is compared with: for a new one, the
                // active one; for a merge, the one it was compared with
                // when it was new.
                let compared_with: Option<String> = existing.as_ref().and_then(|v| {
                    serde_json::from_str::<serde_json::Value>(&v.report)
                        .ok()?
                        .get("previousVersion")?
                        .as_str()
                        .map(str::to_owned)
                });
                let previous: Option<FrameworkVersion> = match (&existing, compared_with) {
                    (None, _) => {
                        sqlx::query_as(&format!(
                            "SELECT {VERSION_COLUMNS} FROM framework_versions \
                             WHERE family = $1 AND status = 'active' AND version <> $2"
                        ))
                        .bind(import.family)
                        .bind(import.version)
                        .fetch_optional(&mut *tx)
                        .await?
                    }
                    (Some(_), Some(name)) => {
                        sqlx::query_as(&format!(
                            "SELECT {VERSION_COLUMNS} FROM framework_versions \
                             WHERE family = $1 AND version = $2"
                        ))
                        .bind(import.family)
                        .bind(name)
                        .fetch_optional(&mut *tx)
                        .await?
                    }
                    (Some(_), None) => None,
                };
                let created = existing.is_none();
                let (version_id, mut languages) = match &existing {
                    Some(v) => (
                        v.id.clone(),
                        serde_json::from_str::<BTreeSet<String>>(&v.languages)
                            .map_err(|e| StoreError::Corrupt(format!("version languages: {e}")))?,
                    ),
                    None => (import.id.clone(), BTreeSet::new()),
                };
                // The newer of the two (by the publisher's date when both
                // have one) is the active one; importing an older version
                // later keeps it beside, retired.
                let becomes_active = match (&existing, &previous) {
                    (Some(v), _) => v.status == "active",
                    (None, None) => true,
                    (None, Some(p)) => match (import.published_on, p.published_on.as_deref()) {
                        (Some(new), Some(old)) => new >= old,
                        _ => true,
                    },
                };
                if created {
                    sqlx::query(&format!(
                        "INSERT INTO framework_versions ({VERSION_COLUMNS}) \
                         VALUES ($1, $2, $3, $4, $5, '[]', $6, '{{}}', '{{}}', $7, $8, $8)"
                    ))
                    .bind(&version_id)
                    .bind(import.family)
                    .bind(import.version)
                    .bind(import.published_on)
                    .bind(import.source)
                    .bind(if becomes_active { "active" } else { "retired" })
                    .bind(import.imported_by)
                    .bind(import.at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| StoreError::from_sqlx(e, "this version exists"))?;
                }

                for chunk in data.concepts.chunks(BATCH) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO concepts (version_id, framework, code, kind, parent, level, \
                         active, skill_type, extra) ",
                    );
                    q.push_values(chunk, |mut row, c| {
                        let extra = if c.blocks.is_empty() && c.certifiers.is_empty() {
                            None
                        } else {
                            Some(json!({"blocks": c.blocks, "certifiers": c.certifiers}).to_string())
                        };
                        row.push_bind(version_id.clone())
                            .push_bind(c.framework.as_str())
                            .push_bind(c.code.clone())
                            .push_bind(c.kind.as_str())
                            .push_bind(c.parent.clone())
                            .push_bind(c.level.clone())
                            .push_bind(b(c.active))
                            .push_bind(c.skill_type.clone())
                            .push_bind(extra);
                    });
                    q.push(
                        " ON CONFLICT (version_id, framework, code) DO UPDATE SET \
                         kind = excluded.kind, \
                         parent = COALESCE(excluded.parent, concepts.parent), \
                         level = COALESCE(excluded.level, concepts.level), \
                         active = excluded.active, \
                         skill_type = COALESCE(excluded.skill_type, concepts.skill_type), \
                         extra = COALESCE(excluded.extra, concepts.extra)",
                    );
                    q.build().execute(&mut *tx).await?;
                }

                // The labels and descriptions of the languages read are
                // replaced; other languages' stay (that is the merge).
                let langs_read: BTreeSet<&str> = data
                    .concepts
                    .iter()
                    .flat_map(|c| {
                        c.labels
                            .iter()
                            .map(|l| l.lang.as_str())
                            .chain(c.descriptions.iter().map(|(lang, _)| lang.as_str()))
                    })
                    .collect();
                for lang in &langs_read {
                    for table in ["concept_labels", "concept_descriptions"] {
                        // Only this import's concepts: a ROME file does not
                        // take away labels another file of the family gave.
                        for chunk in data.concepts.chunks(BATCH) {
                            let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                                "DELETE FROM {table} WHERE version_id = "
                            ));
                            q.push_bind(version_id.clone());
                            q.push(" AND lang = ");
                            q.push_bind(lang.to_string());
                            q.push(" AND (framework, code) IN (");
                            for (i, c) in chunk.iter().enumerate() {
                                q.push(if i == 0 { "(" } else { ", (" });
                                q.push_bind(c.framework.as_str());
                                q.push(", ");
                                q.push_bind(c.code.clone());
                                q.push(")");
                            }
                            q.push(")");
                            q.build().execute(&mut *tx).await?;
                        }
                    }
                }
                let labels: Vec<(&atout_frameworks::Concept, i64, &atout_frameworks::Label)> = data
                    .concepts
                    .iter()
                    .flat_map(|c| {
                        // Positions count within each language, preferred first.
                        let mut per_lang: BTreeMap<&str, Vec<&atout_frameworks::Label>> =
                            BTreeMap::new();
                        for l in &c.labels {
                            per_lang.entry(l.lang.as_str()).or_default().push(l);
                        }
                        per_lang
                            .into_values()
                            .flat_map(|mut ls| {
                                ls.sort_by_key(|l| !l.preferred);
                                ls.into_iter().enumerate().map(|(i, l)| (c, i as i64, l))
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect();
                for chunk in labels.chunks(BATCH) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO concept_labels (version_id, framework, code, lang, position, \
                         label, preferred, guessed) ",
                    );
                    q.push_values(chunk, |mut row, (c, position, l)| {
                        row.push_bind(version_id.clone())
                            .push_bind(c.framework.as_str())
                            .push_bind(c.code.clone())
                            .push_bind(l.lang.clone())
                            .push_bind(*position)
                            .push_bind(l.text.clone())
                            .push_bind(b(l.preferred))
                            .push_bind(b(l.guessed));
                    });
                    q.build().execute(&mut *tx).await?;
                }
                let descriptions: Vec<(&atout_frameworks::Concept, &String, &String)> = data
                    .concepts
                    .iter()
                    .flat_map(|c| c.descriptions.iter().map(move |(lang, d)| (c, lang, d)))
                    .collect();
                for chunk in descriptions.chunks(BATCH) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO concept_descriptions (version_id, framework, code, lang, \
                         description) ",
                    );
                    q.push_values(chunk, |mut row, (c, lang, d)| {
                        row.push_bind(version_id.clone())
                            .push_bind(c.framework.as_str())
                            .push_bind(c.code.clone())
                            .push_bind((*lang).clone())
                            .push_bind((*d).clone());
                    });
                    q.push(
                        " ON CONFLICT (version_id, framework, code, lang) \
                         DO UPDATE SET description = excluded.description",
                    );
                    q.build().execute(&mut *tx).await?;
                }
                for chunk in data.links.chunks(BATCH) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO concept_links (version_id, from_framework, from_code, \
                         relation, to_framework, to_code) ",
                    );
                    q.push_values(chunk, |mut row, l| {
                        row.push_bind(version_id.clone())
                            .push_bind(l.from_framework.as_str())
                            .push_bind(l.from_code.clone())
                            .push_bind(l.relation.as_str())
                            .push_bind(l.to_framework.as_str())
                            .push_bind(l.to_code.clone());
                    });
                    q.push(" ON CONFLICT DO NOTHING");
                    q.build().execute(&mut *tx).await?;
                }

                // What the version holds now, all languages merged.
                let by_kind: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT framework, kind, COUNT(*) FROM concepts WHERE version_id = $1 \
                     GROUP BY framework, kind ORDER BY framework, kind",
                )
                .bind(&version_id)
                .fetch_all(&mut *tx)
                .await?;
                let by_relation: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT relation, COUNT(*) FROM concept_links WHERE version_id = $1 \
                     GROUP BY relation ORDER BY relation",
                )
                .bind(&version_id)
                .fetch_all(&mut *tx)
                .await?;
                let label_langs: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT lang, COUNT(*) FROM concept_labels WHERE version_id = $1 \
                     GROUP BY lang ORDER BY lang",
                )
                .bind(&version_id)
                .fetch_all(&mut *tx)
                .await?;
                let mut concepts = serde_json::Map::new();
                for (framework, kind, n) in by_kind {
                    concepts
                        .entry(framework)
                        .or_insert_with(|| json!({}))
                        .as_object_mut()
                        .map(|m| m.insert(kind, json!(n)));
                }
                let counts = json!({
                    "concepts": concepts,
                    "links": by_relation.into_iter().collect::<BTreeMap<_, _>>(),
                    "labels": label_langs.into_iter().collect::<BTreeMap<_, _>>(),
                });

                // Codes the previous version had and this one does not.
                let mut gone: Vec<(String, String)> = Vec::new();
                let mut gone_count: i64 = 0;
                if let Some(p) = &previous {
                    gone_count = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM concepts o WHERE o.version_id = $1 AND NOT EXISTS \
                         (SELECT 1 FROM concepts n WHERE n.version_id = $2 \
                          AND n.framework = o.framework AND n.code = o.code)",
                    )
                    .bind(&p.id)
                    .bind(&version_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    gone = sqlx::query_as(
                        "SELECT o.framework, o.code FROM concepts o WHERE o.version_id = $1 \
                         AND NOT EXISTS (SELECT 1 FROM concepts n WHERE n.version_id = $2 \
                         AND n.framework = o.framework AND n.code = o.code) \
                         ORDER BY o.framework, o.code LIMIT $3",
                    )
                    .bind(&p.id)
                    .bind(&version_id)
                    .bind(GONE_LISTED as i64)
                    .fetch_all(&mut *tx)
                    .await?;
                }
                let mut old_report: serde_json::Value = existing
                    .as_ref()
                    .and_then(|v| serde_json::from_str(&v.report).ok())
                    .unwrap_or_else(|| json!({}));
                let mut skipped: Vec<serde_json::Value> = old_report
                    .get_mut("skipped")
                    .and_then(|s| s.as_array_mut())
                    .map(std::mem::take)
                    .unwrap_or_default();
                for note in data.notes.iter() {
                    let note = json!({"file": note.file, "line": note.line, "reason": note.reason});
                    if skipped.len() < 1_000 && !skipped.contains(&note) {
                        skipped.push(note);
                    }
                }
                let skipped_count = old_report
                    .get("skippedCount")
                    .and_then(|n| n.as_u64())
                    .unwrap_or(0)
                    .max(data.notes.len() as u64);
                let report = json!({
                    "previousVersion": previous.as_ref().map(|p| p.version.clone()),
                    "goneCount": gone_count,
                    "gone": gone.iter().map(|(f, c)| json!({"framework": f, "code": c})).collect::<Vec<_>>(),
                    "skippedCount": skipped_count,
                    "skipped": skipped,
                });
                languages.extend(data.languages.iter().cloned());
                let mut sources: BTreeSet<String> = existing
                    .as_ref()
                    .map(|v| v.source.split(", ").map(str::to_owned).collect())
                    .unwrap_or_default();
                sources.extend(
                    import
                        .source
                        .split(", ")
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                );
                let sources: Vec<String> = sources.into_iter().collect();
                sqlx::query(
                    "UPDATE framework_versions SET languages = $2, counts = $3, report = $4, \
                     source = $5, updated_at = $6, \
                     published_on = COALESCE($7, published_on) WHERE id = $1",
                )
                .bind(&version_id)
                .bind(serde_json::to_string(&languages).unwrap_or_else(|_| "[]".into()))
                .bind(counts.to_string())
                .bind(report.to_string())
                .bind(sources.join(", "))
                .bind(import.at)
                .bind(import.published_on)
                .execute(&mut *tx)
                .await?;
                let mut replaced = None;
                if created && becomes_active {
                    if let Some(p) = &previous {
                        sqlx::query(
                            "UPDATE framework_versions SET status = 'retired', updated_at = $2 \
                             WHERE id = $1",
                        )
                        .bind(&p.id)
                        .bind(import.at)
                        .execute(&mut *tx)
                        .await?;
                        replaced = Some(p.version.clone());
                    }
                }
                let version: FrameworkVersion = sqlx::query_as(&format!(
                    "SELECT {VERSION_COLUMNS} FROM framework_versions WHERE id = $1"
                ))
                .bind(&version_id)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(ImportOutcome {
                    version,
                    created,
                    replaced,
                    gone,
                })
            }

            async fn framework_versions(&self) -> StoreResult<Vec<FrameworkVersion>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {VERSION_COLUMNS} FROM framework_versions \
                     ORDER BY family, imported_at DESC"
                ))
                .fetch_all(self.pool())
                .await?)
            }

            async fn concepts_for_index(&self) -> StoreResult<Vec<StoredConcept>> {
                let versions = self.framework_versions().await?;
                // Active versions first, then the others newest first: the
                // first version seen for a code is the one it resolves to.
                let mut order: Vec<&FrameworkVersion> = versions.iter().collect();
                order.sort_by_key(|v| (v.status != "active", std::cmp::Reverse(v.imported_at)));
                let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
                let mut out: Vec<StoredConcept> = Vec::new();
                for v in order {
                    let rows: Vec<(String, String, String, Option<String>, Option<String>, i64)> =
                        sqlx::query_as(
                            "SELECT framework, code, kind, parent, level, active FROM concepts \
                             WHERE version_id = $1 ORDER BY framework, code",
                        )
                        .bind(&v.id)
                        .fetch_all(self.pool())
                        .await?;
                    let mut here: BTreeMap<(String, String), usize> = BTreeMap::new();
                    for (framework, code, kind, parent, level, active) in rows {
                        let key = (framework.clone(), code.clone());
                        if seen.contains_key(&key) {
                            continue;
                        }
                        here.insert(key.clone(), out.len());
                        seen.insert(key, out.len());
                        out.push(StoredConcept {
                            framework,
                            code,
                            kind,
                            parent,
                            level,
                            active: active != 0 && v.status == "active",
                            version: v.version.clone(),
                            labels: Vec::new(),
                        });
                    }
                    if here.is_empty() {
                        continue;
                    }
                    let labels: Vec<(String, String, String, String, i64, i64)> = sqlx::query_as(
                        "SELECT framework, code, lang, label, preferred, guessed \
                         FROM concept_labels WHERE version_id = $1 \
                         ORDER BY framework, code, lang, position",
                    )
                    .bind(&v.id)
                    .fetch_all(self.pool())
                    .await?;
                    for (framework, code, lang, label, preferred, guessed) in labels {
                        if let Some(&i) = here.get(&(framework, code)) {
                            out[i].labels.push((lang, label, preferred != 0, guessed != 0));
                        }
                    }
                }
                Ok(out)
            }

            async fn concept(
                &self,
                framework: &str,
                code: &str,
            ) -> StoreResult<Option<ConceptDetail>> {
                let version_id: Option<String> = sqlx::query_scalar(Self::RESOLVE)
                    .bind(framework)
                    .bind(code)
                    .fetch_optional(self.pool())
                    .await?;
                let Some(version_id) = version_id else {
                    return Ok(None);
                };
                #[allow(clippy::type_complexity)]
                let row: (
                    String,
                    Option<String>,
                    Option<String>,
                    i64,
                    Option<String>,
                    Option<String>,
                    String,
                    String,
                ) = sqlx::query_as(
                    "SELECT c.kind, c.parent, c.level, c.active, c.skill_type, c.extra, \
                     v.version, v.status FROM concepts c \
                     JOIN framework_versions v ON v.id = c.version_id \
                     WHERE c.version_id = $1 AND c.framework = $2 AND c.code = $3",
                )
                .bind(&version_id)
                .bind(framework)
                .bind(code)
                .fetch_one(self.pool())
                .await?;
                let labels: Vec<(String, String, i64, i64)> = sqlx::query_as(
                    "SELECT lang, label, preferred, guessed FROM concept_labels \
                     WHERE version_id = $1 AND framework = $2 AND code = $3 \
                     ORDER BY lang, position",
                )
                .bind(&version_id)
                .bind(framework)
                .bind(code)
                .fetch_all(self.pool())
                .await?;
                let descriptions: Vec<(String, String)> = sqlx::query_as(
                    "SELECT lang, description FROM concept_descriptions \
                     WHERE version_id = $1 AND framework = $2 AND code = $3 ORDER BY lang",
                )
                .bind(&version_id)
                .bind(framework)
                .bind(code)
                .fetch_all(self.pool())
                .await?;
                let (kind, parent, level, active, skill_type, extra, version, status) = row;
                Ok(Some(ConceptDetail {
                    framework: framework.to_owned(),
                    code: code.to_owned(),
                    kind,
                    parent,
                    level,
                    active: active != 0 && status == "active",
                    skill_type,
                    extra,
                    version,
                    version_status: status,
                    labels: labels
                        .into_iter()
                        .map(|(l, t, p, g)| (l, t, p != 0, g != 0))
                        .collect(),
                    descriptions,
                }))
            }

            async fn links_from(
                &self,
                framework: &str,
                codes: &[String],
                relations: &[&str],
            ) -> StoreResult<Vec<LinkRecord>> {
                let mut out = Vec::new();
                for code in codes {
                    let version_id: Option<String> = sqlx::query_scalar(Self::RESOLVE)
                        .bind(framework)
                        .bind(code)
                        .fetch_optional(self.pool())
                        .await?;
                    let Some(version_id) = version_id else { continue };
                    let rows: Vec<LinkRecord> = sqlx::query_as(
                        "SELECT from_framework, from_code, relation, to_framework, to_code \
                         FROM concept_links WHERE version_id = $1 AND from_framework = $2 \
                         AND from_code = $3 ORDER BY relation, to_framework, to_code",
                    )
                    .bind(&version_id)
                    .bind(framework)
                    .bind(code)
                    .fetch_all(self.pool())
                    .await?;
                    out.extend(rows.into_iter().filter(|l| relations.contains(&l.relation.as_str())));
                }
                Ok(out)
            }

            async fn links_to(
                &self,
                framework: &str,
                code: &str,
                relations: &[&str],
            ) -> StoreResult<Vec<LinkRecord>> {
                let rows: Vec<LinkRecord> = sqlx::query_as(
                    "SELECT DISTINCT l.from_framework, l.from_code, l.relation, l.to_framework, \
                     l.to_code FROM concept_links l \
                     JOIN framework_versions v ON v.id = l.version_id \
                     WHERE l.to_framework = $1 AND l.to_code = $2 AND v.status = 'active' \
                     ORDER BY l.from_framework, l.from_code",
                )
                .bind(framework)
                .bind(code)
                .fetch_all(self.pool())
                .await?;
                Ok(rows
                    .into_iter()
                    .filter(|l| relations.contains(&l.relation.as_str()))
                    .collect())
            }

            async fn current_version(
                &self,
                framework: &str,
                code: &str,
            ) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar(
                    "SELECT v.version FROM concepts c \
                     JOIN framework_versions v ON v.id = c.version_id \
                     WHERE c.framework = $1 AND c.code = $2 AND v.status = 'active' LIMIT 1",
                )
                .bind(framework)
                .bind(code)
                .fetch_optional(self.pool())
                .await?)
            }
        }
    };
}

framework_sql!(SqliteStore, sqlx::Sqlite);
framework_sql!(PgStore, sqlx::Postgres);
