//! Storage of what a person builds on the frameworks (declared skills,
//! career plans with targets, steps and comments) and of the training
//! catalogue. Written once for both backends.

use super::{PgStore, SqliteStore, StoreError, StoreResult};
use chrono::{DateTime, Utc};

/// A skill the citizen declares.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CitizenSkill {
    pub id: String,
    pub citizen_id: String,
    pub framework: String,
    pub code: String,
    pub version: Option<String>,
    pub label: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanRecord {
    pub id: String,
    pub citizen_id: String,
    pub title: String,
    pub department: Option<String>,
    /// `active` or `archived`.
    pub status: String,
    /// 1: the people the citizen invites see it (and contributors comment).
    pub shared: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A code a plan refers to: a target occupation or a skill the citizen
/// listed (`essential` only means something for skills).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanCode {
    pub framework: String,
    pub code: String,
    pub version: Option<String>,
    pub label: String,
    pub essential: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StepRecord {
    pub id: String,
    pub plan_id: String,
    /// `training`, `credential`, `experience` or `other`.
    pub kind: String,
    pub title: String,
    pub training_id: Option<String>,
    pub framework: Option<String>,
    pub code: Option<String>,
    pub due_on: Option<String>,
    /// `todo`, `doing` or `done`.
    pub status: String,
    pub position: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommentRecord {
    pub id: String,
    pub plan_id: String,
    /// None: the citizen.
    pub invitation_id: Option<String>,
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A plan with everything in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFull {
    pub plan: PlanRecord,
    pub targets: Vec<PlanCode>,
    pub skills: Vec<PlanCode>,
    pub steps: Vec<StepRecord>,
    pub comments: Vec<CommentRecord>,
}

/// A training offer of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TrainingRecord {
    pub id: String,
    pub org_id: String,
    pub reference: String,
    pub title: String,
    pub description: Option<String>,
    pub certification: Option<String>,
    pub level: Option<String>,
    pub distance: i64,
    pub commune: Option<String>,
    pub department: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub duration_hours: Option<i64>,
    pub price_cents: Option<i64>,
    pub cpf: i64,
    pub url: Option<String>,
    /// `published` or `draft`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A training with the codes it is aligned to: (framework, code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Training {
    pub record: TrainingRecord,
    pub codes: Vec<(String, String)>,
}

/// What became of a write with a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    Done,
    /// The parent (plan, citizen) is not there or not the citizen's.
    NotFound,
    /// The limit is reached: nothing was written.
    TooMany,
    /// The same thing exists already.
    Exists,
}

/// What a CSV import of trainings did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrainingImport {
    pub created: u64,
    pub updated: u64,
    /// Refused: the organisation would have more than the limit.
    pub too_many: bool,
}

const PLAN_COLUMNS: &str =
    "id, citizen_id, title, department, status, shared, created_at, updated_at";
const STEP_COLUMNS: &str = "id, plan_id, kind, title, training_id, framework, code, due_on, \
     status, position, created_at, updated_at";
const TRAINING_COLUMNS: &str = "id, org_id, reference, title, description, certification, \
     level, distance, commune, department, starts_on, ends_on, duration_hours, price_cents, cpf, \
     url, status, created_at, updated_at";

#[async_trait::async_trait]
pub trait CareerStore: Send + Sync {
    async fn list_citizen_skills(&self, citizen_id: &str) -> StoreResult<Vec<CitizenSkill>>;
    /// Adds a declared skill unless the citizen has `max` or it is there.
    async fn add_citizen_skill(&self, skill: &CitizenSkill, max: i64) -> StoreResult<Limited>;
    async fn delete_citizen_skill(&self, citizen_id: &str, id: &str) -> StoreResult<bool>;

    /// Creates a plan with its targets, unless the citizen has `max`.
    async fn create_plan(
        &self,
        plan: &PlanRecord,
        targets: &[PlanCode],
        max: i64,
    ) -> StoreResult<Limited>;
    /// Replaces a plan's title, department, status, targets and listed
    /// skills (steps and comments stay).
    async fn update_plan(
        &self,
        plan: &PlanRecord,
        targets: &[PlanCode],
        skills: &[PlanCode],
    ) -> StoreResult<bool>;
    async fn list_plans(&self, citizen_id: &str) -> StoreResult<Vec<PlanFull>>;
    async fn get_plan(&self, citizen_id: &str, id: &str) -> StoreResult<Option<PlanFull>>;
    async fn delete_plan(&self, citizen_id: &str, id: &str) -> StoreResult<bool>;
    /// Adds a step at the end, unless the plan (of this citizen) has `max`.
    async fn add_step(&self, citizen_id: &str, step: &StepRecord, max: i64)
        -> StoreResult<Limited>;
    /// Changes a step's title, due date and status.
    async fn update_step(&self, citizen_id: &str, step: &StepRecord) -> StoreResult<bool>;
    async fn delete_step(&self, citizen_id: &str, plan_id: &str, id: &str) -> StoreResult<bool>;
    /// Adds a comment to a plan of this citizen, unless it has `max`.
    async fn add_comment(
        &self,
        citizen_id: &str,
        comment: &CommentRecord,
        max: i64,
    ) -> StoreResult<Limited>;

    /// Creates or replaces (by the organisation's reference) trainings and
    /// their codes, in one transaction; refused whole if the organisation
    /// would have more than `max`.
    async fn put_trainings(&self, trainings: &[Training], max: i64) -> StoreResult<TrainingImport>;
    async fn get_training(&self, id: &str) -> StoreResult<Option<Training>>;
    async fn delete_training(&self, org_id: &str, id: &str) -> StoreResult<bool>;
    async fn org_trainings(&self, org_id: &str) -> StoreResult<Vec<Training>>;
    /// Published trainings, those of this department (or at a distance)
    /// when one is given, aligned to one of `codes` when some are given;
    /// at most `limit`, by start date.
    async fn published_trainings(
        &self,
        department: Option<&str>,
        codes: &[(String, String)],
        limit: i64,
    ) -> StoreResult<Vec<Training>>;
}

macro_rules! career_sql {
    ($name:ident, $db:ty) => {
        impl $name {
            async fn plan_parts(&self, plan: PlanRecord) -> StoreResult<PlanFull> {
                let targets: Vec<PlanCode> = sqlx::query_as(
                    "SELECT framework, code, version, label, CAST(1 AS BIGINT) AS essential \
                     FROM career_plan_targets WHERE plan_id = $1 ORDER BY position",
                )
                .bind(&plan.id)
                .fetch_all(self.pool())
                .await?;
                let skills: Vec<PlanCode> = sqlx::query_as(
                    "SELECT framework, code, version, label, essential \
                     FROM career_plan_skills WHERE plan_id = $1 ORDER BY label",
                )
                .bind(&plan.id)
                .fetch_all(self.pool())
                .await?;
                let steps: Vec<StepRecord> = sqlx::query_as(&format!(
                    "SELECT {STEP_COLUMNS} FROM career_plan_steps WHERE plan_id = $1 \
                     ORDER BY position, created_at"
                ))
                .bind(&plan.id)
                .fetch_all(self.pool())
                .await?;
                let comments: Vec<CommentRecord> = sqlx::query_as(
                    "SELECT id, plan_id, invitation_id, author, body, created_at \
                     FROM career_plan_comments WHERE plan_id = $1 ORDER BY created_at, id",
                )
                .bind(&plan.id)
                .fetch_all(self.pool())
                .await?;
                Ok(PlanFull {
                    plan,
                    targets,
                    skills,
                    steps,
                    comments,
                })
            }

            async fn tx_codes(
                tx: &mut sqlx::Transaction<'static, $db>,
                plan_id: &str,
                targets: &[PlanCode],
                skills: Option<&[PlanCode]>,
            ) -> StoreResult<()> {
                sqlx::query("DELETE FROM career_plan_targets WHERE plan_id = $1")
                    .bind(plan_id)
                    .execute(&mut **tx)
                    .await?;
                for (i, t) in targets.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO career_plan_targets (plan_id, position, framework, code, \
                         version, label) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(plan_id)
                    .bind(i as i64)
                    .bind(&t.framework)
                    .bind(&t.code)
                    .bind(&t.version)
                    .bind(&t.label)
                    .execute(&mut **tx)
                    .await?;
                }
                if let Some(skills) = skills {
                    sqlx::query("DELETE FROM career_plan_skills WHERE plan_id = $1")
                        .bind(plan_id)
                        .execute(&mut **tx)
                        .await?;
                    for s in skills {
                        sqlx::query(
                            "INSERT INTO career_plan_skills (plan_id, framework, code, version, \
                             label, essential) VALUES ($1, $2, $3, $4, $5, $6) \
                             ON CONFLICT (plan_id, framework, code) DO NOTHING",
                        )
                        .bind(plan_id)
                        .bind(&s.framework)
                        .bind(&s.code)
                        .bind(&s.version)
                        .bind(&s.label)
                        .bind(s.essential)
                        .execute(&mut **tx)
                        .await?;
                    }
                }
                Ok(())
            }

            /// Locks the plan's row (PostgreSQL; SQLite's write transaction
            /// already serialises) and says whether it is the citizen's.
            async fn tx_own_plan(
                tx: &mut sqlx::Transaction<'static, $db>,
                citizen_id: &str,
                plan_id: &str,
            ) -> StoreResult<bool> {
                Ok(sqlx::query(
                    "UPDATE career_plans SET updated_at = updated_at WHERE id = $1 AND citizen_id = $2",
                )
                .bind(plan_id)
                .bind(citizen_id)
                .execute(&mut **tx)
                .await?
                .rows_affected()
                    > 0)
            }

            async fn trainings_with_codes(
                &self,
                records: Vec<TrainingRecord>,
            ) -> StoreResult<Vec<Training>> {
                let mut out = Vec::with_capacity(records.len());
                for chunk in records.chunks(500) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "SELECT training_id, framework, code FROM training_codes WHERE training_id IN (",
                    );
                    let mut sep = q.separated(", ");
                    for r in chunk {
                        sep.push_bind(r.id.clone());
                    }
                    q.push(") ORDER BY training_id, framework, code");
                    let rows: Vec<(String, String, String)> =
                        q.build_query_as().fetch_all(self.pool()).await?;
                    for r in chunk {
                        let codes = rows
                            .iter()
                            .filter(|(t, _, _)| t == &r.id)
                            .map(|(_, f, c)| (f.clone(), c.clone()))
                            .collect();
                        out.push(Training {
                            record: r.clone(),
                            codes,
                        });
                    }
                }
                Ok(out)
            }
        }

        #[async_trait::async_trait]
        impl CareerStore for $name {
            async fn list_citizen_skills(&self, citizen_id: &str) -> StoreResult<Vec<CitizenSkill>> {
                Ok(sqlx::query_as(
                    "SELECT id, citizen_id, framework, code, version, label, created_at \
                     FROM citizen_skills WHERE citizen_id = $1 ORDER BY label, code",
                )
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn add_citizen_skill(&self, s: &CitizenSkill, max: i64) -> StoreResult<Limited> {
                let mut tx = self.write().await?;
                let found = sqlx::query("UPDATE citizens SET updated_at = updated_at WHERE id = $1")
                    .bind(&s.citizen_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if found == 0 {
                    return Ok(Limited::NotFound);
                }
                let n: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM citizen_skills WHERE citizen_id = $1")
                        .bind(&s.citizen_id)
                        .fetch_one(&mut *tx)
                        .await?;
                if n >= max {
                    return Ok(Limited::TooMany);
                }
                let done = sqlx::query(
                    "INSERT INTO citizen_skills (id, citizen_id, framework, code, version, label, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (citizen_id, framework, code) DO NOTHING",
                )
                .bind(&s.id)
                .bind(&s.citizen_id)
                .bind(&s.framework)
                .bind(&s.code)
                .bind(&s.version)
                .bind(&s.label)
                .bind(s.created_at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                tx.commit().await?;
                Ok(if done == 0 { Limited::Exists } else { Limited::Done })
            }

            async fn delete_citizen_skill(&self, citizen_id: &str, id: &str) -> StoreResult<bool> {
                Ok(
                    sqlx::query("DELETE FROM citizen_skills WHERE id = $1 AND citizen_id = $2")
                        .bind(id)
                        .bind(citizen_id)
                        .execute(self.pool())
                        .await?
                        .rows_affected()
                        > 0,
                )
            }

            async fn create_plan(
                &self,
                plan: &PlanRecord,
                targets: &[PlanCode],
                max: i64,
            ) -> StoreResult<Limited> {
                let mut tx = self.write().await?;
                let found = sqlx::query("UPDATE citizens SET updated_at = updated_at WHERE id = $1")
                    .bind(&plan.citizen_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if found == 0 {
                    return Ok(Limited::NotFound);
                }
                let n: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM career_plans WHERE citizen_id = $1")
                        .bind(&plan.citizen_id)
                        .fetch_one(&mut *tx)
                        .await?;
                if n >= max {
                    return Ok(Limited::TooMany);
                }
                sqlx::query(&format!(
                    "INSERT INTO career_plans ({PLAN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                ))
                .bind(&plan.id)
                .bind(&plan.citizen_id)
                .bind(&plan.title)
                .bind(&plan.department)
                .bind(&plan.status)
                .bind(plan.shared)
                .bind(plan.created_at)
                .bind(plan.updated_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "this plan exists"))?;
                Self::tx_codes(&mut tx, &plan.id, targets, None).await?;
                tx.commit().await?;
                Ok(Limited::Done)
            }

            async fn update_plan(
                &self,
                plan: &PlanRecord,
                targets: &[PlanCode],
                skills: &[PlanCode],
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let n = sqlx::query(
                    "UPDATE career_plans SET title = $3, department = $4, status = $5, \
                     updated_at = $6, shared = $7 WHERE id = $1 AND citizen_id = $2",
                )
                .bind(&plan.id)
                .bind(&plan.citizen_id)
                .bind(&plan.title)
                .bind(&plan.department)
                .bind(&plan.status)
                .bind(plan.updated_at)
                .bind(plan.shared)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    return Ok(false);
                }
                Self::tx_codes(&mut tx, &plan.id, targets, Some(skills)).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn list_plans(&self, citizen_id: &str) -> StoreResult<Vec<PlanFull>> {
                let plans: Vec<PlanRecord> = sqlx::query_as(&format!(
                    "SELECT {PLAN_COLUMNS} FROM career_plans WHERE citizen_id = $1 \
                     ORDER BY created_at DESC, id"
                ))
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?;
                let mut out = Vec::with_capacity(plans.len());
                for p in plans {
                    out.push(self.plan_parts(p).await?);
                }
                Ok(out)
            }

            async fn get_plan(&self, citizen_id: &str, id: &str) -> StoreResult<Option<PlanFull>> {
                let plan: Option<PlanRecord> = sqlx::query_as(&format!(
                    "SELECT {PLAN_COLUMNS} FROM career_plans WHERE id = $1 AND citizen_id = $2"
                ))
                .bind(id)
                .bind(citizen_id)
                .fetch_optional(self.pool())
                .await?;
                match plan {
                    Some(p) => Ok(Some(self.plan_parts(p).await?)),
                    None => Ok(None),
                }
            }

            async fn delete_plan(&self, citizen_id: &str, id: &str) -> StoreResult<bool> {
                Ok(
                    sqlx::query("DELETE FROM career_plans WHERE id = $1 AND citizen_id = $2")
                        .bind(id)
                        .bind(citizen_id)
                        .execute(self.pool())
                        .await?
                        .rows_affected()
                        > 0,
                )
            }

            async fn add_step(
                &self,
                citizen_id: &str,
                step: &StepRecord,
                max: i64,
            ) -> StoreResult<Limited> {
                let mut tx = self.write().await?;
                if !Self::tx_own_plan(&mut tx, citizen_id, &step.plan_id).await? {
                    return Ok(Limited::NotFound);
                }
                let (n, last): (i64, Option<i64>) = sqlx::query_as(
                    "SELECT COUNT(*), MAX(position) FROM career_plan_steps WHERE plan_id = $1",
                )
                .bind(&step.plan_id)
                .fetch_one(&mut *tx)
                .await?;
                if n >= max {
                    return Ok(Limited::TooMany);
                }
                sqlx::query(&format!(
                    "INSERT INTO career_plan_steps ({STEP_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                ))
                .bind(&step.id)
                .bind(&step.plan_id)
                .bind(&step.kind)
                .bind(&step.title)
                .bind(&step.training_id)
                .bind(&step.framework)
                .bind(&step.code)
                .bind(&step.due_on)
                .bind(&step.status)
                .bind(last.map_or(0, |l| l + 1))
                .bind(step.created_at)
                .bind(step.updated_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "this step exists"))?;
                tx.commit().await?;
                Ok(Limited::Done)
            }

            async fn update_step(&self, citizen_id: &str, step: &StepRecord) -> StoreResult<bool> {
                Ok(sqlx::query(
                    "UPDATE career_plan_steps SET title = $3, due_on = $4, status = $5, \
                     updated_at = $6 WHERE id = $1 AND plan_id = $2 AND plan_id IN \
                     (SELECT id FROM career_plans WHERE citizen_id = $7)",
                )
                .bind(&step.id)
                .bind(&step.plan_id)
                .bind(&step.title)
                .bind(&step.due_on)
                .bind(&step.status)
                .bind(step.updated_at)
                .bind(citizen_id)
                .execute(self.pool())
                .await?
                .rows_affected()
                    > 0)
            }

            async fn delete_step(
                &self,
                citizen_id: &str,
                plan_id: &str,
                id: &str,
            ) -> StoreResult<bool> {
                Ok(sqlx::query(
                    "DELETE FROM career_plan_steps WHERE id = $1 AND plan_id = $2 AND plan_id IN \
                     (SELECT id FROM career_plans WHERE citizen_id = $3)",
                )
                .bind(id)
                .bind(plan_id)
                .bind(citizen_id)
                .execute(self.pool())
                .await?
                .rows_affected()
                    > 0)
            }

            async fn add_comment(
                &self,
                citizen_id: &str,
                c: &CommentRecord,
                max: i64,
            ) -> StoreResult<Limited> {
                let mut tx = self.write().await?;
                if !Self::tx_own_plan(&mut tx, citizen_id, &c.plan_id).await? {
                    return Ok(Limited::NotFound);
                }
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM career_plan_comments WHERE plan_id = $1",
                )
                .bind(&c.plan_id)
                .fetch_one(&mut *tx)
                .await?;
                if n >= max {
                    return Ok(Limited::TooMany);
                }
                sqlx::query(
                    "INSERT INTO career_plan_comments (id, plan_id, invitation_id, author, body, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&c.id)
                .bind(&c.plan_id)
                .bind(&c.invitation_id)
                .bind(&c.author)
                .bind(&c.body)
                .bind(c.created_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Limited::Done)
            }

            async fn put_trainings(
                &self,
                trainings: &[Training],
                max: i64,
            ) -> StoreResult<TrainingImport> {
                let mut out = TrainingImport::default();
                let Some(first) = trainings.first() else {
                    return Ok(out);
                };
                let org_id = first.record.org_id.clone();
                if trainings.iter().any(|t| t.record.org_id != org_id) {
                    return Err(StoreError::Corrupt(
                        "trainings of several organisations in one write".into(),
                    ));
                }
                let mut tx = self.write().await?;
                // Serialises the organisation's writers (the count stays true).
                sqlx::query("UPDATE organisations SET updated_at = updated_at WHERE id = $1")
                    .bind(&org_id)
                    .execute(&mut *tx)
                    .await?;
                for t in trainings {
                    let r = &t.record;
                    let existing: Option<String> = sqlx::query_scalar(
                        "SELECT id FROM trainings WHERE org_id = $1 AND reference = $2",
                    )
                    .bind(&r.org_id)
                    .bind(&r.reference)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let id = match existing {
                        Some(id) => {
                            sqlx::query(
                                "UPDATE trainings SET title = $2, description = $3, \
                                 certification = $4, level = $5, distance = $6, commune = $7, \
                                 department = $8, starts_on = $9, ends_on = $10, \
                                 duration_hours = $11, price_cents = $12, cpf = $13, url = $14, \
                                 status = $15, updated_at = $16 WHERE id = $1",
                            )
                            .bind(&id)
                            .bind(&r.title)
                            .bind(&r.description)
                            .bind(&r.certification)
                            .bind(&r.level)
                            .bind(r.distance)
                            .bind(&r.commune)
                            .bind(&r.department)
                            .bind(&r.starts_on)
                            .bind(&r.ends_on)
                            .bind(r.duration_hours)
                            .bind(r.price_cents)
                            .bind(r.cpf)
                            .bind(&r.url)
                            .bind(&r.status)
                            .bind(r.updated_at)
                            .execute(&mut *tx)
                            .await?;
                            out.updated += 1;
                            id
                        }
                        None => {
                            sqlx::query(&format!(
                                "INSERT INTO trainings ({TRAINING_COLUMNS}) VALUES ($1, $2, $3, \
                                 $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
                                 $18, $19)"
                            ))
                            .bind(&r.id)
                            .bind(&r.org_id)
                            .bind(&r.reference)
                            .bind(&r.title)
                            .bind(&r.description)
                            .bind(&r.certification)
                            .bind(&r.level)
                            .bind(r.distance)
                            .bind(&r.commune)
                            .bind(&r.department)
                            .bind(&r.starts_on)
                            .bind(&r.ends_on)
                            .bind(r.duration_hours)
                            .bind(r.price_cents)
                            .bind(r.cpf)
                            .bind(&r.url)
                            .bind(&r.status)
                            .bind(r.created_at)
                            .bind(r.updated_at)
                            .execute(&mut *tx)
                            .await
                            .map_err(|e| StoreError::from_sqlx(e, "this training exists"))?;
                            out.created += 1;
                            r.id.clone()
                        }
                    };
                    sqlx::query("DELETE FROM training_codes WHERE training_id = $1")
                        .bind(&id)
                        .execute(&mut *tx)
                        .await?;
                    for (framework, code) in &t.codes {
                        sqlx::query(
                            "INSERT INTO training_codes (training_id, framework, code) \
                             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                        )
                        .bind(&id)
                        .bind(framework)
                        .bind(code)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM trainings WHERE org_id = $1")
                    .bind(&org_id)
                    .fetch_one(&mut *tx)
                    .await?;
                if n > max {
                    // Dropping the transaction rolls everything back.
                    return Ok(TrainingImport {
                        too_many: true,
                        ..TrainingImport::default()
                    });
                }
                tx.commit().await?;
                Ok(out)
            }

            async fn get_training(&self, id: &str) -> StoreResult<Option<Training>> {
                let r: Option<TrainingRecord> = sqlx::query_as(&format!(
                    "SELECT {TRAINING_COLUMNS} FROM trainings WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
                match r {
                    Some(r) => Ok(self.trainings_with_codes(vec![r]).await?.pop()),
                    None => Ok(None),
                }
            }

            async fn delete_training(&self, org_id: &str, id: &str) -> StoreResult<bool> {
                Ok(sqlx::query("DELETE FROM trainings WHERE id = $1 AND org_id = $2")
                    .bind(id)
                    .bind(org_id)
                    .execute(self.pool())
                    .await?
                    .rows_affected()
                    > 0)
            }

            async fn org_trainings(&self, org_id: &str) -> StoreResult<Vec<Training>> {
                let rows: Vec<TrainingRecord> = sqlx::query_as(&format!(
                    "SELECT {TRAINING_COLUMNS} FROM trainings WHERE org_id = $1 \
                     ORDER BY starts_on, title, id"
                ))
                .bind(org_id)
                .fetch_all(self.pool())
                .await?;
                self.trainings_with_codes(rows).await
            }

            async fn published_trainings(
                &self,
                department: Option<&str>,
                codes: &[(String, String)],
                limit: i64,
            ) -> StoreResult<Vec<Training>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {TRAINING_COLUMNS} FROM trainings WHERE status = 'published'"
                ));
                if let Some(d) = department {
                    q.push(" AND (department = ");
                    q.push_bind(d.to_owned());
                    q.push(" OR distance = 1)");
                }
                if !codes.is_empty() {
                    q.push(
                        " AND id IN (SELECT training_id FROM training_codes WHERE (framework, code) IN (",
                    );
                    for (i, (f, c)) in codes.iter().take(400).enumerate() {
                        q.push(if i == 0 { "(" } else { ", (" });
                        q.push_bind(f.clone());
                        q.push(", ");
                        q.push_bind(c.clone());
                        q.push(")");
                    }
                    q.push("))");
                }
                q.push(" ORDER BY starts_on, title, id LIMIT ");
                q.push_bind(limit);
                let rows: Vec<TrainingRecord> = q.build_query_as().fetch_all(self.pool()).await?;
                self.trainings_with_codes(rows).await
            }
        }
    };
}

career_sql!(SqliteStore, sqlx::Sqlite);
career_sql!(PgStore, sqlx::Postgres);
