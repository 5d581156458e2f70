//! Storage of CVs (a saved selection and order of the citizen's entries
//! and credentials, with their settings) and of the public profile page.
//! Written once for both backends.

use super::{PgStore, ShareItem, SqliteStore, StoreError, StoreResult};
use chrono::{DateTime, Utc};

/// A CV's settings (its items apart).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CvRecord {
    pub id: String,
    pub citizen_id: String,
    pub title: String,
    /// `fr` or `en`.
    pub lang: String,
    /// `classic`, `modern` or `compact`.
    pub design: String,
    /// JSON `{"text", "framework"?, "code"?}`.
    pub target: Option<String>,
    pub headline: Option<String>,
    pub presentation: Option<String>,
    /// JSON array of `{"kind", "value"}`.
    pub contact: String,
    pub photo_document_id: Option<String>,
    /// JSON array of section kinds, in order.
    pub sections: String,
    /// The share of its latest online version.
    pub share_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What became of a CV written to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CvWrite {
    Done,
    /// No such CV of this citizen (updates).
    NotFound,
    /// This item (or the photo, as a document) is not the citizen's:
    /// nothing was written.
    UnknownItem(ShareItem),
    /// The citizen has the most CVs allowed (creation).
    TooMany,
}

/// The public profile's settings.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProfileRecord {
    pub citizen_id: String,
    pub handle: String,
    pub published: i64,
    pub indexable: i64,
    pub lang: String,
    pub presentation: Option<String>,
    pub share_id: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// What became of a profile written to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileWrite {
    Done,
    /// Another citizen has this handle.
    HandleTaken,
}

const CV_COLUMNS: &str = "id, citizen_id, title, lang, design, target, headline, presentation, \
     contact, photo_document_id, sections, share_id, created_at, updated_at";
const PROFILE_COLUMNS: &str =
    "citizen_id, handle, published, indexable, lang, presentation, share_id, updated_at";

#[async_trait::async_trait]
pub trait CvStore: Send + Sync {
    /// Writes a new CV and its items (in order) in one transaction, if
    /// every item and the photo are the citizen's and they have fewer
    /// than `max` CVs.
    async fn create_cv(&self, cv: &CvRecord, items: &[ShareItem], max: i64)
        -> StoreResult<CvWrite>;
    /// Replaces a CV's settings and items (not its share, nor its
    /// creation date) in one transaction.
    async fn update_cv(&self, cv: &CvRecord, items: &[ShareItem]) -> StoreResult<CvWrite>;
    /// The citizen's CVs, newest first.
    async fn list_cvs(&self, citizen_id: &str) -> StoreResult<Vec<CvRecord>>;
    /// A CV of the citizen's and its items, in order.
    async fn get_cv(
        &self,
        citizen_id: &str,
        id: &str,
    ) -> StoreResult<Option<(CvRecord, Vec<ShareItem>)>>;
    /// Whether there was such a CV to delete.
    async fn delete_cv(&self, citizen_id: &str, id: &str) -> StoreResult<bool>;
    /// Records the share of the CV's online version.
    async fn set_cv_share(&self, citizen_id: &str, id: &str, share_id: &str) -> StoreResult<bool>;
    async fn get_profile(&self, citizen_id: &str) -> StoreResult<Option<ProfileRecord>>;
    /// The profile with this handle, published or not.
    async fn profile_by_handle(&self, handle: &str) -> StoreResult<Option<ProfileRecord>>;
    /// Creates or replaces the citizen's profile.
    async fn put_profile(&self, profile: &ProfileRecord) -> StoreResult<ProfileWrite>;
    /// Takes the profile away entirely (its handle is free again).
    async fn delete_profile(&self, citizen_id: &str) -> StoreResult<bool>;
}

macro_rules! cv_sql {
    ($name:ident, $db:ty) => {
        impl $name {
            /// The first item (or the photo) that is not the citizen's.
            async fn tx_cv_foreign(
                tx: &mut sqlx::Transaction<'static, $db>,
                cv: &CvRecord,
                items: &[ShareItem],
            ) -> StoreResult<Option<ShareItem>> {
                if let Some(item) = items.iter().find(|i| matches!(i, ShareItem::Document(_))) {
                    return Ok(Some(item.clone()));
                }
                if let Some(found) = Self::tx_foreign_item(tx, &cv.citizen_id, items).await? {
                    return Ok(Some(found));
                }
                if let Some(photo) = &cv.photo_document_id {
                    let photo = ShareItem::Document(photo.clone());
                    let photos = std::slice::from_ref(&photo);
                    if let Some(found) = Self::tx_foreign_item(tx, &cv.citizen_id, photos).await? {
                        return Ok(Some(found));
                    }
                }
                Ok(None)
            }

            async fn tx_cv_items(
                tx: &mut sqlx::Transaction<'static, $db>,
                cv_id: &str,
                items: &[ShareItem],
            ) -> StoreResult<()> {
                sqlx::query("DELETE FROM cv_items WHERE cv_id = $1")
                    .bind(cv_id)
                    .execute(&mut **tx)
                    .await?;
                for (position, item) in items.iter().enumerate() {
                    let (holding, entry) = match item {
                        ShareItem::Holding(id) => (Some(id), None),
                        ShareItem::Entry(id) => (None, Some(id)),
                        ShareItem::Document(_) => continue,
                    };
                    sqlx::query(
                        "INSERT INTO cv_items (cv_id, position, holding_id, entry_id) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(cv_id)
                    .bind(position as i64)
                    .bind(holding)
                    .bind(entry)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl CvStore for $name {
            async fn create_cv(
                &self,
                cv: &CvRecord,
                items: &[ShareItem],
                max: i64,
            ) -> StoreResult<CvWrite> {
                let mut tx = self.write().await?;
                // Serialises the citizen's writers on PostgreSQL (SQLite's
                // BEGIN IMMEDIATE already does), so the count stays true.
                sqlx::query("UPDATE citizens SET updated_at = updated_at WHERE id = $1")
                    .bind(&cv.citizen_id)
                    .execute(&mut *tx)
                    .await?;
                let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cvs WHERE citizen_id = $1")
                    .bind(&cv.citizen_id)
                    .fetch_one(&mut *tx)
                    .await?;
                if count >= max {
                    return Ok(CvWrite::TooMany);
                }
                if let Some(item) = Self::tx_cv_foreign(&mut tx, cv, items).await? {
                    return Ok(CvWrite::UnknownItem(item));
                }
                sqlx::query(&format!(
                    "INSERT INTO cvs ({CV_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
                ))
                .bind(&cv.id)
                .bind(&cv.citizen_id)
                .bind(&cv.title)
                .bind(&cv.lang)
                .bind(&cv.design)
                .bind(&cv.target)
                .bind(&cv.headline)
                .bind(&cv.presentation)
                .bind(&cv.contact)
                .bind(&cv.photo_document_id)
                .bind(&cv.sections)
                .bind(&cv.share_id)
                .bind(cv.created_at)
                .bind(cv.updated_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "this CV exists"))?;
                Self::tx_cv_items(&mut tx, &cv.id, items).await?;
                tx.commit().await?;
                Ok(CvWrite::Done)
            }

            async fn update_cv(&self, cv: &CvRecord, items: &[ShareItem]) -> StoreResult<CvWrite> {
                let mut tx = self.write().await?;
                let updated = sqlx::query(
                    "UPDATE cvs SET title = $3, lang = $4, design = $5, target = $6, headline = $7, \
                     presentation = $8, contact = $9, photo_document_id = $10, sections = $11, \
                     updated_at = $12 WHERE id = $1 AND citizen_id = $2",
                )
                .bind(&cv.id)
                .bind(&cv.citizen_id)
                .bind(&cv.title)
                .bind(&cv.lang)
                .bind(&cv.design)
                .bind(&cv.target)
                .bind(&cv.headline)
                .bind(&cv.presentation)
                .bind(&cv.contact)
                .bind(&cv.photo_document_id)
                .bind(&cv.sections)
                .bind(cv.updated_at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated == 0 {
                    return Ok(CvWrite::NotFound);
                }
                if let Some(item) = Self::tx_cv_foreign(&mut tx, cv, items).await? {
                    return Ok(CvWrite::UnknownItem(item));
                }
                Self::tx_cv_items(&mut tx, &cv.id, items).await?;
                tx.commit().await?;
                Ok(CvWrite::Done)
            }

            async fn list_cvs(&self, citizen_id: &str) -> StoreResult<Vec<CvRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {CV_COLUMNS} FROM cvs WHERE citizen_id = $1 ORDER BY created_at DESC, id"
                ))
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn get_cv(
                &self,
                citizen_id: &str,
                id: &str,
            ) -> StoreResult<Option<(CvRecord, Vec<ShareItem>)>> {
                let cv: Option<CvRecord> = sqlx::query_as(&format!(
                    "SELECT {CV_COLUMNS} FROM cvs WHERE id = $1 AND citizen_id = $2"
                ))
                .bind(id)
                .bind(citizen_id)
                .fetch_optional(self.pool())
                .await?;
                let Some(cv) = cv else { return Ok(None) };
                let rows: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
                    "SELECT holding_id, entry_id FROM cv_items WHERE cv_id = $1 ORDER BY position",
                )
                .bind(id)
                .fetch_all(self.pool())
                .await?;
                let items = rows
                    .into_iter()
                    .map(|row| match row {
                        (Some(h), None) => Ok(ShareItem::Holding(h)),
                        (None, Some(e)) => Ok(ShareItem::Entry(e)),
                        _ => Err(StoreError::Corrupt(format!(
                            "an item of CV {id} names not exactly one thing"
                        ))),
                    })
                    .collect::<StoreResult<Vec<_>>>()?;
                Ok(Some((cv, items)))
            }

            async fn delete_cv(&self, citizen_id: &str, id: &str) -> StoreResult<bool> {
                Ok(sqlx::query("DELETE FROM cvs WHERE id = $1 AND citizen_id = $2")
                    .bind(id)
                    .bind(citizen_id)
                    .execute(self.pool())
                    .await?
                    .rows_affected()
                    > 0)
            }

            async fn set_cv_share(
                &self,
                citizen_id: &str,
                id: &str,
                share_id: &str,
            ) -> StoreResult<bool> {
                Ok(sqlx::query("UPDATE cvs SET share_id = $3 WHERE id = $1 AND citizen_id = $2")
                    .bind(id)
                    .bind(citizen_id)
                    .bind(share_id)
                    .execute(self.pool())
                    .await?
                    .rows_affected()
                    > 0)
            }

            async fn get_profile(&self, citizen_id: &str) -> StoreResult<Option<ProfileRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {PROFILE_COLUMNS} FROM public_profiles WHERE citizen_id = $1"
                ))
                .bind(citizen_id)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn profile_by_handle(&self, handle: &str) -> StoreResult<Option<ProfileRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {PROFILE_COLUMNS} FROM public_profiles WHERE handle = $1"
                ))
                .bind(handle)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn put_profile(&self, p: &ProfileRecord) -> StoreResult<ProfileWrite> {
                let result = sqlx::query(&format!(
                    "INSERT INTO public_profiles ({PROFILE_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (citizen_id) DO UPDATE SET handle = excluded.handle, \
                     published = excluded.published, indexable = excluded.indexable, \
                     lang = excluded.lang, presentation = excluded.presentation, \
                     share_id = excluded.share_id, updated_at = excluded.updated_at"
                ))
                .bind(&p.citizen_id)
                .bind(&p.handle)
                .bind(p.published)
                .bind(p.indexable)
                .bind(&p.lang)
                .bind(&p.presentation)
                .bind(&p.share_id)
                .bind(p.updated_at)
                .execute(self.pool())
                .await;
                match result {
                    Ok(_) => Ok(ProfileWrite::Done),
                    Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                        Ok(ProfileWrite::HandleTaken)
                    }
                    Err(e) => Err(e.into()),
                }
            }

            async fn delete_profile(&self, citizen_id: &str) -> StoreResult<bool> {
                Ok(sqlx::query("DELETE FROM public_profiles WHERE citizen_id = $1")
                    .bind(citizen_id)
                    .execute(self.pool())
                    .await?
                    .rows_affected()
                    > 0)
            }
        }
    };
}

cv_sql!(SqliteStore, sqlx::Sqlite);
cv_sql!(PgStore, sqlx::Postgres);
