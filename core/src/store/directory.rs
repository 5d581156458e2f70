//! The public directory's queries: listed organisations searched on their
//! folded names and town (folded in Rust, so both backends compare the
//! same text), their templates' visibility, profile changes. Written once
//! for both backends.

use super::{
    sql::{OrgRow, ORG_COLUMNS},
    NewAuditEntry, Organisation, PgStore, SqliteStore, StoreResult,
};
use crate::directory::fold;

/// A search, already folded and bounded (see `directory::query_of`).
#[derive(Debug, Clone, Default)]
pub struct DirectoryQuery {
    /// Folded words: each must appear in the folded names. At most 6.
    pub words: Vec<String>,
    /// Folded town, compared whole.
    pub town: Option<String>,
    pub kind: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// A template and whether the directory shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateVisibility {
    pub id: String,
    pub name_fr: String,
    pub name_en: String,
    pub credential_type: String,
    pub public: bool,
}

/// A profile change: the organisation as it must be, and (when given) the
/// only templates to show.
#[derive(Debug, Clone)]
pub struct ProfileChange {
    pub org: Organisation,
    pub public_templates: Option<Vec<String>>,
}

/// The folded search text (names and identifier) and town of an
/// organisation, as stored.
pub(super) fn folded(org: &Organisation) -> (String, Option<String>) {
    (
        fold(&format!("{} {} {}", org.name_fr, org.name_en, org.slug)),
        org.town.as_deref().map(fold).filter(|t| !t.is_empty()),
    )
}

#[async_trait::async_trait]
pub trait DirectoryStore: Send + Sync {
    /// Listed organisations matching the query, by folded name; and how
    /// many match in all.
    async fn search_directory(&self, q: &DirectoryQuery) -> StoreResult<(Vec<Organisation>, i64)>;
    /// An organisation's templates, oldest first, with their visibility.
    async fn template_visibility(&self, org_id: &str) -> StoreResult<Vec<TemplateVisibility>>;
    /// Writes the profile fields (and the folded town), and which templates
    /// are public, with the audit line, in one transaction.
    async fn update_org_profile(
        &self,
        change: &ProfileChange,
        audit: &NewAuditEntry,
    ) -> StoreResult<()>;
    /// Folds the organisations written before the directory existed (at
    /// start-up); returns how many.
    async fn refold_orgs(&self) -> StoreResult<u64>;
}

/// The filter shared by the search and its count: `$1`..`$6` words, `$7`
/// the town, `$8` the kind.
const DIRECTORY_WHERE: &str = "listed = 1 \
     AND (CAST($1 AS TEXT) IS NULL OR search_folded LIKE $1) \
     AND (CAST($2 AS TEXT) IS NULL OR search_folded LIKE $2) \
     AND (CAST($3 AS TEXT) IS NULL OR search_folded LIKE $3) \
     AND (CAST($4 AS TEXT) IS NULL OR search_folded LIKE $4) \
     AND (CAST($5 AS TEXT) IS NULL OR search_folded LIKE $5) \
     AND (CAST($6 AS TEXT) IS NULL OR search_folded LIKE $6) \
     AND (CAST($7 AS TEXT) IS NULL OR town_folded = $7) \
     AND (CAST($8 AS TEXT) IS NULL OR kind = $8)";

/// The six word patterns (folded words hold no LIKE wildcard).
fn patterns(q: &DirectoryQuery) -> [Option<String>; 6] {
    let mut out: [Option<String>; 6] = Default::default();
    for (slot, w) in out.iter_mut().zip(&q.words) {
        *slot = Some(format!("%{w}%"));
    }
    out
}

#[derive(sqlx::FromRow)]
struct VisibilityRow {
    id: String,
    name_fr: String,
    name_en: String,
    credential_type: String,
    published: i64,
}

/// Results are ordered by their folded text, byte by byte on both
/// backends (PostgreSQL's locale collations would skip spaces and order
/// differently from SQLite).
macro_rules! directory_sql {
    ($name:ident, $order:expr) => {
        #[async_trait::async_trait]
        impl DirectoryStore for $name {
            async fn search_directory(&self, q: &DirectoryQuery) -> StoreResult<(Vec<Organisation>, i64)> {
                let p = patterns(q);
                let sql = format!(
                    "SELECT {ORG_COLUMNS} FROM organisations WHERE {DIRECTORY_WHERE} \
                     ORDER BY {} LIMIT $9 OFFSET $10",
                    $order
                );
                let mut query = sqlx::query_as::<_, OrgRow>(&sql);
                for w in &p {
                    query = query.bind(w.clone());
                }
                let rows = query
                    .bind(q.town.clone())
                    .bind(q.kind.clone())
                    .bind(q.limit)
                    .bind(q.offset)
                    .fetch_all(self.pool())
                    .await?;
                let count_sql = format!("SELECT COUNT(*) FROM organisations WHERE {DIRECTORY_WHERE}");
                let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
                for w in &p {
                    count = count.bind(w.clone());
                }
                let total = count
                    .bind(q.town.clone())
                    .bind(q.kind.clone())
                    .fetch_one(self.pool())
                    .await?;
                Ok((rows.into_iter().map(Into::into).collect(), total))
            }

            async fn template_visibility(&self, org_id: &str) -> StoreResult<Vec<TemplateVisibility>> {
                Ok(sqlx::query_as::<_, VisibilityRow>(
                    "SELECT id, name_fr, name_en, credential_type, published FROM credential_templates \
                     WHERE org_id = $1 ORDER BY created_at, id",
                )
                .bind(org_id)
                .fetch_all(self.pool())
                .await?
                .into_iter()
                .map(|r| TemplateVisibility {
                    id: r.id,
                    name_fr: r.name_fr,
                    name_en: r.name_en,
                    credential_type: r.credential_type,
                    public: r.published != 0,
                })
                .collect())
            }

            async fn update_org_profile(&self, change: &ProfileChange, audit: &NewAuditEntry) -> StoreResult<()> {
                let org = &change.org;
                let (search, town) = folded(org);
                let mut tx = self.write().await?;
                sqlx::query(
                    "UPDATE organisations SET description = $2, town = $3, kind = $4, website = $5, \
                     listed = $6, search_folded = $7, town_folded = $8, updated_at = $9 WHERE id = $1",
                )
                .bind(&org.id)
                .bind(&org.description)
                .bind(&org.town)
                .bind(&org.kind)
                .bind(&org.website)
                .bind(i64::from(org.listed))
                .bind(search)
                .bind(town)
                .bind(org.updated_at)
                .execute(&mut *tx)
                .await?;
                if let Some(ids) = &change.public_templates {
                    sqlx::query("UPDATE credential_templates SET published = 0 WHERE org_id = $1")
                        .bind(&org.id)
                        .execute(&mut *tx)
                        .await?;
                    for id in ids {
                        sqlx::query("UPDATE credential_templates SET published = 1 WHERE org_id = $1 AND id = $2")
                            .bind(&org.id)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn refold_orgs(&self) -> StoreResult<u64> {
                let rows = sqlx::query_as::<_, OrgRow>(&format!(
                    "SELECT {ORG_COLUMNS} FROM organisations WHERE search_folded IS NULL"
                ))
                .fetch_all(self.pool())
                .await?;
                if rows.is_empty() {
                    return Ok(0);
                }
                let mut tx = self.write().await?;
                let mut n = 0;
                for row in rows {
                    let org: Organisation = row.into();
                    let (search, town) = folded(&org);
                    n += sqlx::query(
                        "UPDATE organisations SET search_folded = $2, town_folded = $3 \
                         WHERE id = $1 AND search_folded IS NULL",
                    )
                    .bind(&org.id)
                    .bind(search)
                    .bind(town)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                }
                tx.commit().await?;
                Ok(n)
            }
        }
    };
}

directory_sql!(SqliteStore, "search_folded, slug");
directory_sql!(PgStore, "search_folded COLLATE \"C\", slug COLLATE \"C\"");
