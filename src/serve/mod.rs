//! `serve`: the HTTP side of the metrics endpoint, on `tiny_http`.
//!
//! Read-only by construction: GET/HEAD of `/metrics`, `/healthz` and `/`;
//! every other method is refused. Scrapes run on a few worker threads, at
//! most `max_scrapes` at once (more get 503). Responses are written under a
//! send timeout (SO_SNDTIMEO set on the listener, which accepted sockets
//! inherit), so a client that stops reading cannot hold a worker. Requests
//! are read by tiny_http's own connection threads: a slow client costs one
//! of those, never a scrape worker.
use std::io::Cursor;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::metrics::collect::{self, Options};
use crate::metrics::events::EventCounts;
use crate::metrics::expose::{self, Format};

/// How the endpoint runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub collect: Options,
    /// Scrapes served at the same time; more are answered 503.
    pub max_scrapes: usize,
    /// Time allowed to write one response.
    pub send_timeout: Duration,
}

/// What fails before serving starts.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("can't listen on {addr}: {}", plain(.source))]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("can't set up the listening socket on {addr}: {why}")]
    Setup { addr: SocketAddr, why: String },
}

/// strerror's text, without io::Error's " (os error N)".
fn plain(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The listening endpoint, bound but not yet serving.
pub struct Endpoint {
    server: Arc<Server>,
    pub addr: SocketAddr,
}

/// Binds `addr` (fails at once on a port in use or an address not ours).
pub fn bind(addr: SocketAddr, send_timeout: Duration) -> Result<Endpoint, ServeError> {
    let listener = TcpListener::bind(addr).map_err(|source| ServeError::Bind { addr, source })?;
    let tv = nix::sys::time::TimeVal::new(
        send_timeout.as_secs() as i64,
        send_timeout.subsec_micros() as i64,
    );
    nix::sys::socket::setsockopt(&listener, nix::sys::socket::sockopt::SendTimeout, &tv).map_err(
        |e| ServeError::Setup {
            addr,
            why: e.to_string(),
        },
    )?;
    let local = listener.local_addr().unwrap_or(addr);
    let server = Server::from_listener(listener, None).map_err(|e| ServeError::Setup {
        addr,
        why: e.to_string(),
    })?;
    Ok(Endpoint {
        server: Arc::new(server),
        addr: local,
    })
}

/// The endpoint's own counters, kept across scrapes.
struct SelfMetrics {
    registry: Registry,
    scrapes: Counter,
    errors: Counter,
    rejected: Counter,
    duration: Histogram,
}

impl SelfMetrics {
    fn new() -> Self {
        let mut registry = Registry::default();
        let scrapes = Counter::default();
        let errors = Counter::default();
        let rejected = Counter::default();
        // 1 ms to about 4 s.
        let duration = Histogram::new(exponential_buckets(0.001, 2.0, 13));
        registry.register("bpfscope_scrapes", "Scrapes served", scrapes.clone());
        registry.register(
            "bpfscope_scrape_errors",
            "Scrapes that failed to read the kernel",
            errors.clone(),
        );
        registry.register(
            "bpfscope_scrapes_rejected",
            "Scrapes refused because too many were running",
            rejected.clone(),
        );
        registry.register(
            "bpfscope_scrape_duration_seconds",
            "Time to collect and encode a scrape (earlier scrapes)",
            duration.clone(),
        );
        SelfMetrics {
            registry,
            scrapes,
            errors,
            rejected,
            duration,
        }
    }
}

struct Shared {
    config: Config,
    me: SelfMetrics,
    in_flight: AtomicUsize,
    /// Event tools' counts, kept across scrapes.
    events: Mutex<EventCounts>,
}

const LANDING: &str = "<!DOCTYPE html>
<html><head><title>bpfscope</title></head>
<body><h1>bpfscope</h1>
<p>BPF programs, maps, links and the bundled tools' reports, for Prometheus.</p>
<ul><li><a href=\"/metrics\">/metrics</a> (Prometheus text 0.0.4, or OpenMetrics 1.0 by Accept header)</li>
<li><a href=\"/healthz\">/healthz</a></li></ul>
</body></html>
";

/// A response with a body and its headers (ours, all valid ASCII).
fn text(status: u16, body: &str, ctype: &str) -> Response<Cursor<Vec<u8>>> {
    with_header(
        Response::from_string(body).with_status_code(status),
        "Content-Type",
        ctype,
    )
}

fn with_header(r: Response<Cursor<Vec<u8>>>, k: &str, v: &str) -> Response<Cursor<Vec<u8>>> {
    match Header::from_bytes(k.as_bytes(), v.as_bytes()) {
        Ok(h) => r.with_header(h),
        Err(()) => r,
    }
}

/// Frees a scrape slot however the scrape ends.
struct Slot<'a>(&'a AtomicUsize);
impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn scrape(shared: &Shared, req: &Request) -> Response<Cursor<Vec<u8>>> {
    let n = shared.in_flight.fetch_add(1, Ordering::SeqCst);
    let _slot = Slot(&shared.in_flight);
    if n >= shared.config.max_scrapes {
        shared.me.rejected.inc();
        let r = text(
            503,
            "too many scrapes at once\n",
            "text/plain; charset=utf-8",
        );
        return with_header(r, "Retry-After", "1");
    }
    let start = Instant::now();
    let accept = req
        .headers()
        .iter()
        .find(|h| h.field.equiv("Accept"))
        .map(|h| h.value.as_str());
    let format = Format::negotiate(accept);
    let snap = match collect::collect(&shared.config.collect, &shared.events) {
        Ok(s) => s,
        Err(e) => {
            shared.me.errors.inc();
            return text(500, &format!("{e}\n"), "text/plain; charset=utf-8");
        }
    };
    let snap_registry = expose::registry(snap);
    shared.me.scrapes.inc();
    let body = expose::encode(format, &[&shared.me.registry, &snap_registry]);
    shared.me.duration.observe(start.elapsed().as_secs_f64());
    match body {
        Ok(b) => text(200, &b, format.content_type()),
        Err(_) => {
            shared.me.errors.inc();
            text(500, "encoding failed\n", "text/plain; charset=utf-8")
        }
    }
}

fn handle(shared: &Shared, req: Request) {
    let resp = if !matches!(req.method(), Method::Get | Method::Head) {
        // Read-only: nothing here changes state.
        let r = text(405, "only GET and HEAD\n", "text/plain; charset=utf-8");
        with_header(r, "Allow", "GET, HEAD")
    } else {
        let path = req.url().split('?').next().unwrap_or("");
        match path {
            "/metrics" => scrape(shared, &req),
            "/healthz" => text(200, "ok\n", "text/plain; charset=utf-8"),
            "/" => text(200, LANDING, "text/html; charset=utf-8"),
            _ => text(404, "not found: see /\n", "text/plain; charset=utf-8"),
        }
    };
    // A client gone or too slow (send timeout): nothing to do.
    let _ = req.respond(resp);
}

/// Serves until `stop()` says so; returns once every worker is done.
pub fn serve(endpoint: Endpoint, config: Config, stop: fn() -> bool) {
    let workers = config.max_scrapes + 2;
    let shared = Arc::new(Shared {
        config,
        me: SelfMetrics::new(),
        in_flight: AtomicUsize::new(0),
        events: Mutex::new(EventCounts::default()),
    });
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let server = Arc::clone(&endpoint.server);
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                while !stop() {
                    match server.recv_timeout(Duration::from_millis(200)) {
                        Ok(Some(req)) => handle(&shared, req),
                        Ok(None) => {}
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    for h in handles {
        let _ = h.join();
    }
    endpoint.server.unblock();
}
