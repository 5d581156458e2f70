//! Password and PIN hashing (argon2id) with bounded memory.
//!
//! Each hash needs its parameters' memory (19 MiB for OWASP's first
//! argon2id choice). Run without a bound, a burst of logins takes the
//! server to gigabytes (150 concurrent logins: 2.8 GB resident, and the
//! allocator kept 2.3 GB after the burst). Here:
//!
//! - a semaphore admits at most `memory / (m_cost + 2 MiB)` hashes at once
//!   (the blocks, and the stack of the thread that computes them), sized
//!   from `password_hash_memory_mib` (default 256 MiB: 12 hashes);
//! - each admitted hash works in a block buffer taken from a pool and given
//!   back after, so the memory is allocated once, at most once per place,
//!   and never given to the allocator to hoard;
//! - a caller that finds no place within [`PasswordHasher::WAIT`] gets
//!   [`HashError::Busy`] (the API answers 503 with `Retry-After`);
//! - the work runs on the blocking pool, never on the async workers.
//!
//! The hashes are ordinary PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$...`):
//! the argon2 crate computes them; only the memory is ours.

use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

/// What a place costs beside its blocks: the stack of the blocking thread
/// that computes the hash (tokio's default, 2 MiB).
const THREAD_STACK_KIB: usize = 2 * 1024;

/// Why a hash was not computed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every place stayed taken for [`PasswordHasher::WAIT`].
    #[error("too many password checks at once: try again shortly")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

/// Hashes and checks secrets with argon2id, within a memory budget.
/// Cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    places: Arc<Semaphore>,
    buffers: Arc<Mutex<Vec<Vec<Block>>>>,
    size: usize,
    wait: Duration,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("places", &self.size)
            .finish_non_exhaustive()
    }
}

impl PasswordHasher {
    /// How long a caller waits for a place.
    pub const WAIT: Duration = Duration::from_secs(2);

    /// OWASP's first argon2id choice (19 MiB, 2 passes, 1 lane), as many at
    /// once as fit in `memory_mib` with their threads (21 MiB each; at
    /// least one).
    pub fn new(memory_mib: u32) -> Result<Self, HashError> {
        let params =
            Params::new(19 * 1024, 2, 1, None).map_err(|e| HashError::Failed(e.to_string()))?;
        Ok(Self::with_params(params, memory_mib, Self::WAIT))
    }

    /// Any parameters, any wait (tests).
    pub fn with_params(params: Params, memory_mib: u32, wait: Duration) -> Self {
        // The blocks, and the blocking thread's stack (2 MiB).
        let per_hash_kib = params.m_cost().max(1) as usize + THREAD_STACK_KIB;
        let size = ((memory_mib as usize * 1024) / per_hash_kib).max(1);
        Self {
            params,
            places: Arc::new(Semaphore::new(size)),
            buffers: Arc::new(Mutex::new(Vec::new())),
            size,
            wait,
        }
    }

    /// Hashes at most this many at once.
    pub fn places(&self) -> usize {
        self.size
    }

    /// Places free now (metrics and tests).
    pub fn available(&self) -> usize {
        self.places.available_permits()
    }

    /// A new PHC hash of `secret`.
    pub async fn hash(&self, secret: Zeroizing<String>) -> Result<String, HashError> {
        let salt = crate::crypto::random_bytes(16).map_err(|e| HashError::Failed(e.to_string()))?;
        let params = self.params.clone();
        self.run(move |blocks| {
            use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
            let mut out = Zeroizing::new(vec![0u8; params.output_len().unwrap_or(32)]);
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
                .hash_password_into_with_memory(secret.as_bytes(), &salt, &mut out, blocks)
                .map_err(|e| HashError::Failed(e.to_string()))?;
            let salt =
                SaltString::encode_b64(&salt).map_err(|e| HashError::Failed(e.to_string()))?;
            let fail = |e: argon2::password_hash::Error| HashError::Failed(e.to_string());
            let phc = PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params).map_err(fail)?,
                salt: Some(salt.as_salt()),
                hash: Some(Output::new(&out).map_err(fail)?),
            };
            Ok(phc.to_string())
        })
        .await
    }

    /// Whether `secret` matches the PHC hash `phc` (constant time).
    pub async fn verify(&self, secret: Zeroizing<String>, phc: String) -> Result<bool, HashError> {
        self.run(move |blocks| {
            use argon2::password_hash::PasswordHash;
            let fail = |e: argon2::password_hash::Error| HashError::Failed(e.to_string());
            let parsed = PasswordHash::new(&phc).map_err(fail)?;
            let algorithm = Algorithm::try_from(parsed.algorithm).map_err(fail)?;
            let version = parsed
                .version
                .map(Version::try_from)
                .transpose()
                .map_err(|e| HashError::Failed(e.to_string()))?
                .unwrap_or_default();
            let params = Params::try_from(&parsed).map_err(fail)?;
            let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
                return Err(HashError::Failed("a hash without salt or output".into()));
            };
            let mut salt_buf = [0u8; 64];
            let salt = salt.decode_b64(&mut salt_buf).map_err(fail)?;
            let mut out = Zeroizing::new(vec![0u8; expected.len()]);
            let argon = Argon2::new(algorithm, version, params.clone());
            // A hash made with more memory than the pool's buffers (older
            // parameters) gets a buffer of its own, within its place.
            let mut own;
            let blocks = if params.block_count() > blocks.len() {
                own = vec![Block::default(); params.block_count()];
                &mut own[..]
            } else {
                &mut blocks[..]
            };
            argon
                .hash_password_into_with_memory(secret.as_bytes(), salt, &mut out, blocks)
                .map_err(|e| HashError::Failed(e.to_string()))?;
            let computed = argon2::password_hash::Output::new(&out).map_err(fail)?;
            // `Output`'s equality is constant time.
            Ok(computed == expected)
        })
        .await
    }

    /// Runs `job` on the blocking pool with a place and a buffer.
    async fn run<R, F>(&self, job: F) -> Result<R, HashError>
    where
        R: Send + 'static,
        F: FnOnce(&mut [Block]) -> Result<R, HashError> + Send + 'static,
    {
        let place = tokio::time::timeout(self.wait, self.places.clone().acquire_owned())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(|_| HashError::Busy)?;
        let buffers = self.buffers.clone();
        let blocks_needed = self.params.block_count();
        tokio::task::spawn_blocking(move || {
            let _place = place;
            let mut blocks = buffers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .pop()
                .unwrap_or_else(|| vec![Block::default(); blocks_needed]);
            let result = job(&mut blocks);
            // The buffer holds what the hash computed from the secret:
            // wiped before it goes back.
            for block in blocks.iter_mut() {
                *block = Block::default();
            }
            buffers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(blocks);
            result
        })
        .await
        .map_err(|e| HashError::Failed(e.to_string()))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(memory_mib: u32, wait: Duration) -> PasswordHasher {
        // 1 MiB per hash: quick tests of the same code.
        PasswordHasher::with_params(Params::new(1024, 1, 1, None).unwrap(), memory_mib, wait)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashes_verify_and_interoperate_with_the_argon2_crate() {
        // 1 MiB of blocks + 2 MiB of stack per place.
        let hasher = small(12, PasswordHasher::WAIT);
        assert_eq!(hasher.places(), 4);
        let phc = hasher
            .hash(Zeroizing::new("correct horse".into()))
            .await
            .unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{phc}");
        assert!(hasher
            .verify(Zeroizing::new("correct horse".into()), phc.clone())
            .await
            .unwrap());
        assert!(!hasher
            .verify(Zeroizing::new("correct horsE".into()), phc.clone())
            .await
            .unwrap());
        // The argon2 crate's own verifier accepts our hash...
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse", &parsed)
            .is_ok());
        // ...and we accept the crate's, with other (larger) parameters.
        use argon2::password_hash::{PasswordHasher as _, SaltString};
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let theirs = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(2048, 2, 1, None).unwrap(),
        )
        .hash_password(b"pin 1234", &salt)
        .unwrap()
        .to_string();
        assert!(hasher
            .verify(Zeroizing::new("pin 1234".into()), theirs.clone())
            .await
            .unwrap());
        assert!(!hasher
            .verify(Zeroizing::new("pin 1235".into()), theirs)
            .await
            .unwrap());
        assert!(hasher
            .verify(Zeroizing::new("x".into()), "not a hash".into())
            .await
            .is_err());
        assert_eq!(hasher.available(), 4);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_the_places_hash_at_once_and_the_rest_are_told_busy() {
        // One place, a wait shorter than two hashes of 64 MiB.
        let hasher = PasswordHasher::with_params(
            Params::new(64 * 1024, 3, 1, None).unwrap(),
            66,
            Duration::from_millis(1),
        );
        assert_eq!(hasher.places(), 1);
        let phc = hasher.hash(Zeroizing::new("secret".into())).await.unwrap();
        let mut jobs = Vec::new();
        for _ in 0..20 {
            let hasher = hasher.clone();
            let phc = phc.clone();
            jobs.push(tokio::spawn(async move {
                hasher.verify(Zeroizing::new("secret".into()), phc).await
            }));
        }
        let (mut ok, mut busy) = (0, 0);
        for job in jobs {
            match job.await.unwrap() {
                Ok(true) => ok += 1,
                Err(HashError::Busy) => busy += 1,
                other => panic!("{other:?}"),
            }
        }
        assert!(ok >= 1, "the first one ran");
        assert!(busy >= 10, "the others found no place in 1 ms: {busy}");
        assert_eq!(ok + busy, 20);
        // One buffer was ever made: the pool reuses it.
        assert_eq!(hasher.buffers.lock().unwrap().len(), 1);
        assert_eq!(hasher.available(), 1);
    }
}
