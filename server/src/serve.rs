//! Serving over HTTP, with graceful shutdown.

use crate::{ops, App};
use std::{future::Future, net::SocketAddr, sync::Arc};
use tokio::{net::TcpListener, sync::Notify, task::JoinHandle};

/// A server running in the background (used by `serve` and by tests).
pub struct Running {
    pub addr: SocketAddr,
    pub metrics_addr: Option<SocketAddr>,
    stop: Arc<Notify>,
    handle: JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Binds the listeners and starts serving in the background.
    pub async fn start(
        app: App,
        addr: SocketAddr,
        metrics_addr: Option<SocketAddr>,
    ) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
        let metrics_listener = match metrics_addr {
            Some(a) => Some(
                TcpListener::bind(a)
                    .await
                    .map_err(|e| anyhow::anyhow!("cannot listen on {a} for metrics: {e}"))?,
            ),
            None => None,
        };
        Self::with_listeners(app, listener, metrics_listener)
    }

    /// Starts serving on listeners already bound (tests bind port 0 first,
    /// to know the address before building the configuration).
    pub fn with_listeners(
        app: App,
        listener: TcpListener,
        metrics_listener: Option<TcpListener>,
    ) -> anyhow::Result<Self> {
        let addr = listener.local_addr()?;
        let metrics_addr = metrics_listener
            .as_ref()
            .map(|l| l.local_addr())
            .transpose()?;
        let stop = Arc::new(Notify::new());
        let signal = stop.clone();
        let handle = tokio::spawn(serve(app, listener, metrics_listener, async move {
            signal.notified().await
        }));
        Ok(Self {
            addr,
            metrics_addr,
            stop,
            handle,
        })
    }

    /// Stops accepting connections, lets in-flight requests finish, waits.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.stop.notify_one();
        self.handle.await?
    }

    /// Waits until the server ends (after a shutdown signal).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.handle.await?
    }
}

/// Serves until `shutdown` completes, then drains in-flight requests for at
/// most the configured shutdown timeout, and closes the database pool.
pub async fn serve(
    app: App,
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let grace = app.state.config.shutdown_timeout;
    let store = app.state.store.clone();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let wait_stop = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stopped| *stopped).await;
    };
    let metrics_task = metrics_listener.map(|l| {
        let router = ops::metrics_only(app.state.clone());
        let rx = stop_rx.clone();
        tokio::spawn(async move {
            axum::serve(l, router)
                .with_graceful_shutdown(wait_stop(rx))
                .await
        })
    });
    // Connection info: the peer address (rate limits of share links).
    let server = axum::serve(
        listener,
        app.router
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(wait_stop(stop_rx.clone()));
    let mut stop_rx2 = stop_rx.clone();
    let deadline = async move {
        let _ = stop_rx2.wait_for(|stopped| *stopped).await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        result = server => result?,
        () = deadline => tracing::warn!(?grace, "shutdown grace period over; dropping remaining connections"),
    }
    if let Some(task) = metrics_task {
        task.abort();
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM. The SIGTERM handler is installed when
/// this is called, not when the future is first polled: call it before
/// saying the server is ready, so that a SIGTERM sent right after is a
/// graceful stop, never the default kill.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let term = async move {
            match term {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {},
            () = term => {},
        }
        tracing::info!("shutdown requested");
    }
}
