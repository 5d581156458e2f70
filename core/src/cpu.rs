//! CPU-heavy work off the async workers: a pool of blocking threads behind
//! a concurrency limit sized to the cores, with a bounded wait for a place
//! and cancellation when the caller goes away.
//!
//! Why not `spawn_blocking` alone: tokio's blocking pool grows to hundreds
//! of threads, so a burst of expensive requests would all run at once and
//! starve everything else. Here at most `size` jobs run; the others wait at
//! most `wait`, then the caller answers 503 with `Retry-After`. And when the
//! request that asked for the job is dropped (the client went away, or the
//! answer was already sent), the job's [`Cancel`] flag is raised, so work
//! that checks it stops instead of running on for nobody.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Raised when the job's caller no longer waits for it.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// The flag itself, for code that takes a plain `Arc<AtomicBool>`.
    pub fn flag(&self) -> Arc<AtomicBool> {
        self.0.clone()
    }
}

/// Why a job did not run to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// Every place stayed taken for longer than the pool's wait.
    #[error("the server is busy: try again shortly")]
    Busy,
    /// The job panicked (a bug: logged, answered as an internal error).
    #[error("the job failed")]
    Panicked,
}

/// A bounded pool for CPU-heavy jobs. Cheap to clone.
#[derive(Debug, Clone)]
pub struct CpuPool {
    permits: Arc<Semaphore>,
    size: usize,
    wait: Duration,
}

impl CpuPool {
    /// At most `size` jobs at once (at least one); a job waits at most
    /// `wait` for a place.
    pub fn new(size: usize, wait: Duration) -> Self {
        let size = size.max(1);
        Self {
            permits: Arc::new(Semaphore::new(size)),
            size,
            wait,
        }
    }

    /// One place per core.
    pub fn per_core(wait: Duration) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::new(cores, wait)
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// How long a job waits for a place before [`PoolError::Busy`].
    pub fn wait(&self) -> Duration {
        self.wait
    }

    /// Places free right now (for metrics and tests).
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }

    /// Runs `job` on a blocking thread once a place is free. If the returned
    /// future is dropped before the job ends, the job's [`Cancel`] is raised.
    pub async fn run<R, F>(&self, job: F) -> Result<R, PoolError>
    where
        R: Send + 'static,
        F: FnOnce(&Cancel) -> R + Send + 'static,
    {
        let permit =
            match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                // Timed out, or the semaphore was closed (never done here).
                _ => return Err(PoolError::Busy),
            };
        let cancel = Cancel::new();
        let guard = CancelOnDrop(cancel.clone());
        let handle = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job(&cancel)
        });
        let result = handle.await.map_err(|_| PoolError::Panicked);
        std::mem::forget(guard);
        result
    }
}

/// Raises the flag when the waiting future is dropped early.
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_size_jobs_run_and_the_others_are_told_busy() {
        let pool = CpuPool::new(2, Duration::from_millis(50));
        let running = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let peak = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut jobs = Vec::new();
        for _ in 0..6 {
            let pool = pool.clone();
            let running = running.clone();
            let peak = peak.clone();
            jobs.push(tokio::spawn(async move {
                pool.run(move |_| {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(200));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        let mut done = 0;
        let mut busy = 0;
        for job in jobs {
            match job.await.unwrap() {
                Ok(()) => done += 1,
                Err(PoolError::Busy) => busy += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(done, 2, "two places");
        assert_eq!(busy, 4, "the others waited 50 ms, not 200");
        assert_eq!(peak.load(Ordering::SeqCst), 2);
        assert_eq!(pool.available(), 2, "every place given back");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_dropped_caller_cancels_its_job() {
        let pool = CpuPool::new(1, Duration::from_secs(1));
        let seen = Arc::new(AtomicBool::new(false));
        let seen_in_job = seen.clone();
        let started = Instant::now();
        let job = pool.run(move |cancel| {
            while !cancel.is_cancelled() {
                if started.elapsed() > Duration::from_secs(5) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            seen_in_job.store(true, Ordering::SeqCst);
        });
        // The caller gives up after 50 ms.
        assert!(tokio::time::timeout(Duration::from_millis(50), job)
            .await
            .is_err());
        // The job sees the flag and ends; its place comes back.
        for _ in 0..200 {
            if pool.available() == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(seen.load(Ordering::SeqCst), "the job saw the cancellation");
        assert_eq!(pool.available(), 1);
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
