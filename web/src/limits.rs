//! Per-address rate limits (governor's GCRA, one state per address).
//!
//! An address is an IPv4 address, or an IPv6 **/64** (one home or one
//! cloud machine gets a /64: keying by full IPv6 address would give 2^64
//! tries to anyone with one). IPv4-mapped IPv6 addresses count as their
//! IPv4 address. The client address is the one [`crate::extract::ClientIp`]
//! gives, so `trusted_proxies` is honoured.
//!
//! Each [`Action`] has its own quota; every attempt counts (a right link as
//! much as a wrong one, so a run of guesses cannot tell a hit by the answer
//! once refused). Memory is bounded: at most [`AddressLimits::CAPACITY`]
//! addresses per action are remembered (a few MB); when the table is full
//! of live states, every address shares one overflow state until the
//! sweep ([`AddressLimits::sweep`], every minute, or at once when full)
//! forgets addresses whose quota is whole again: the limit then fails
//! closed, never open.
//!
//! These limits live in each server process. With several processes behind
//! a load balancer, an address gets each quota once per process it reaches;
//! the limits that must hold across processes (a share's PIN, a login, an
//! invitation code, reset mails) are counted in the database instead
//! (`atout_core::store::AttemptStore`).

use governor::{clock::Clock as _, DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// What an address is limited in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Opening a link by its token: a share (page or API), an invitation, a
    /// verification link, a console login token.
    Link,
    /// A citizen's login (password).
    Login,
    /// Creating an account.
    SignUp,
    /// Asking for a mail: password reset, verification resend.
    Mail,
    /// Searching the reference frameworks or the public catalogues (an
    /// autocomplete asks once per pause in typing).
    Search,
}

impl Action {
    const ALL: [Action; 5] = [
        Action::Link,
        Action::Login,
        Action::SignUp,
        Action::Mail,
        Action::Search,
    ];

    /// Burst, and one more allowed every `period`.
    fn quota(self) -> (u32, Duration) {
        match self {
            // 60 at once, then one a second.
            Action::Link => (60, Duration::from_secs(1)),
            // 30 at once, then one every 2 s: a classroom behind one NAT
            // can still sign in.
            Action::Login => (30, Duration::from_secs(2)),
            // 20 at once, then one a minute.
            Action::SignUp => (20, Duration::from_secs(60)),
            // 10 at once, then one every 2 minutes.
            Action::Mail => (10, Duration::from_secs(120)),
            // 120 at once, then ten a second: a class typing together
            // behind one address keeps its suggestions.
            Action::Search => (120, Duration::from_millis(100)),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Action::Link => "link",
            Action::Login => "login",
            Action::SignUp => "sign-up",
            Action::Mail => "mail",
            Action::Search => "search",
        }
    }
}

/// The key of an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    V4(u32),
    /// The first 64 bits.
    V6(u64),
    /// Every new address once the table is full.
    Overflow,
}

fn key_of(ip: IpAddr) -> Key {
    match ip {
        IpAddr::V4(v4) => Key::V4(u32::from(v4)),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => Key::V4(u32::from(v4)),
            None => Key::V6((u128::from(v6) >> 64) as u64),
        },
    }
}

/// The per-address limiters, one per [`Action`] (indexed by it).
pub struct AddressLimits {
    limiters: [DefaultKeyedRateLimiter<Key>; Action::ALL.len()],
    clock: governor::clock::DefaultClock,
}

impl std::fmt::Debug for AddressLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AddressLimits")
    }
}

impl Default for AddressLimits {
    fn default() -> Self {
        Self::new()
    }
}

impl AddressLimits {
    /// Addresses remembered per action.
    pub const CAPACITY: usize = 100_000;

    pub fn new() -> Self {
        Self::with_quotas(|action| action.quota())
    }

    /// Other quotas (tests).
    pub fn with_quotas(quota: impl Fn(Action) -> (u32, Duration)) -> Self {
        let limiters = Action::ALL.map(|action| {
            let (burst, period) = quota(action);
            let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
            let quota = Quota::with_period(period.max(Duration::from_millis(1)))
                .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
                .allow_burst(burst);
            DefaultKeyedRateLimiter::keyed(quota)
        });
        Self {
            limiters,
            clock: governor::clock::DefaultClock::default(),
        }
    }

    fn limiter(&self, action: Action) -> &DefaultKeyedRateLimiter<Key> {
        &self.limiters[action as usize]
    }

    /// Counts one attempt of `action` from `ip`: `Err(seconds to wait)`
    /// when the address is over its quota. No address (a test client
    /// without one): never limited.
    pub fn check(&self, action: Action, ip: Option<IpAddr>) -> Result<(), u64> {
        let Some(ip) = ip else { return Ok(()) };
        let limiter = self.limiter(action);
        let mut key = key_of(ip);
        if limiter.len() >= Self::CAPACITY {
            limiter.retain_recent();
            if limiter.len() >= Self::CAPACITY {
                // The table is full of live states: until the sweep frees
                // some, every address shares one state (memory stays
                // bounded; the limit fails closed, not open).
                key = Key::Overflow;
            }
        }
        match limiter.check_key(&key) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                Err(wait.as_secs_f64().ceil().max(1.0) as u64)
            }
        }
    }

    /// Forgets addresses whose quota is whole again (every minute).
    pub fn sweep(&self) {
        for limiter in &self.limiters {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// Addresses remembered for `action` (metrics and tests).
    pub fn len(&self, action: Action) -> usize {
        self.limiter(action).len()
    }

    pub fn is_empty(&self) -> bool {
        self.limiters.iter().all(|l| l.is_empty())
    }
}

/// Sweeps `limits` every minute, for as long as the server runs.
pub async fn sweep_forever(limits: std::sync::Arc<AddressLimits>) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        limits.sweep();
    }
}

/// [`AddressLimits::check`] as an API answer: 429 with `Retry-After`.
pub fn check_api(
    limits: &AddressLimits,
    action: Action,
    ip: Option<IpAddr>,
) -> Result<(), crate::ApiError> {
    limits.check(action, ip).map_err(|secs| {
        crate::ApiError::new(
            http::StatusCode::TOO_MANY_REQUESTS,
            "too-many-requests",
            "Too many requests from this address",
        )
        .detail(format!(
            "Too many requests of this kind ({}) from this network address: try again in {secs} seconds.",
            action.name()
        ))
        .retry_after(secs)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn ipv6_is_keyed_by_its_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            key_of("2001:db8:1:2::1".parse().unwrap()),
            key_of("2001:db8:1:2:ffff::9".parse().unwrap())
        );
        assert_ne!(
            key_of("2001:db8:1:2::1".parse().unwrap()),
            key_of("2001:db8:1:3::1".parse().unwrap())
        );
        assert_eq!(
            key_of("::ffff:192.0.2.7".parse().unwrap()),
            key_of("192.0.2.7".parse().unwrap())
        );
    }

    #[test]
    fn an_address_past_its_burst_waits_and_others_do_not() {
        let limits = AddressLimits::with_quotas(|_| (3, Duration::from_secs(60)));
        for _ in 0..3 {
            assert_eq!(limits.check(Action::Link, ip("2001:db8::1")), Ok(()));
        }
        // Another address of the same /64 shares the quota.
        let wait = limits
            .check(Action::Link, ip("2001:db8::ffff"))
            .unwrap_err();
        assert!((55..=60).contains(&wait), "{wait}");
        // Another /64, another action, or no address: free.
        assert_eq!(limits.check(Action::Link, ip("2001:db8:0:1::1")), Ok(()));
        assert_eq!(limits.check(Action::Login, ip("2001:db8::1")), Ok(()));
        assert_eq!(limits.check(Action::Link, None), Ok(()));
        assert_eq!(limits.len(Action::Link), 2);
    }

    #[test]
    fn the_sweep_forgets_addresses_whose_quota_is_whole() {
        let limits = AddressLimits::with_quotas(|_| (2, Duration::from_millis(5)));
        for i in 0..50u8 {
            let _ = limits.check(Action::Link, Some(IpAddr::from([10, 0, 0, i])));
        }
        assert_eq!(limits.len(Action::Link), 50);
        std::thread::sleep(Duration::from_millis(30));
        limits.sweep();
        assert_eq!(limits.len(Action::Link), 0);
    }
}
