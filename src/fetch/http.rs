//! Sending requests politely: one reqwest client (rustls with the `ring`
//! provider, no system OpenSSL), a tokio runtime per run, and per service a
//! token bucket (strict pacing: never more than `rate` requests in any
//! `1/rate` window) plus a concurrency limit.
//!
//! Retries: 429 and 503 wait for `Retry-After` (seconds or an HTTP date) when
//! given, else back off exponentially with jitter up to a cap; a 429 also
//! halves the service's rate for the rest of the run. Other 5xx, timeouts,
//! dropped connections and bodies cut short are retried with backoff; after
//! `max_retries` the item fails with its [`FailReason`]. 404/410 mean the
//! service does not have it ([`Outcome::Missing`]). Redirects (OpenAlex 301
//! for merged works) are followed, at most five in a row.
//!
//! A 2xx body is accepted only when it is whole (no early end, the length
//! the server announced) and of the expected kind (an HTML page where JSON was
//! expected is a failure, not data). Lower limits a service advertises
//! (`x-rate-limit-limit` / `x-rate-limit-interval`, `x-concurrency-limit`)
//! replace the configured ones for the rest of the run.
//!
//! Keys and the contact address are added to the address only when sending;
//! every message this module produces has them replaced by `***`.

use super::{BodyKind, FailReason, Request, Service};
use crate::fetch::FetchConfig;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// What a request gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The service answered with a complete body of the expected kind.
    Body {
        /// HTTP status.
        status: u16,
        /// The body.
        body: Vec<u8>,
    },
    /// The service does not have it (404, 410).
    Missing {
        /// HTTP status.
        status: u16,
    },
    /// Could not get an answer.
    Failed {
        /// Why.
        reason: FailReason,
        /// What happened, without secrets.
        detail: String,
    },
}

/// Why the client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// reqwest refused the settings.
    #[error("fetch: cannot build the HTTP client: {0}")]
    Build(String),
    /// tokio could not start.
    #[error("fetch: cannot start the runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

struct Bucket {
    interval: Duration,
    next: Instant,
    concurrency: u32,
}

struct Limiter {
    bucket: Mutex<Bucket>,
    sem: Semaphore,
}

struct Inner {
    http: reqwest::Client,
    cfg: FetchConfig,
    mailto: Option<String>,
    keys: [Option<String>; 5],
    limits: [Limiter; 5],
    sent: [AtomicU64; 5],
    rng: AtomicU64,
}

/// A polite HTTP client for the five services (cheap to clone).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

enum Attempt {
    Done(Outcome),
    Retry { reason: FailReason, detail: String, wait: Option<Duration> },
}

fn interval_for(rate: f64) -> Duration {
    if rate.is_finite() && rate > 0.0 {
        Duration::from_secs_f64(1.0 / rate)
    } else {
        Duration::from_secs(1)
    }
}

/// Seconds (or an HTTP date) of a `Retry-After` header, as a wait from now.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = v.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs));
        }
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

impl Client {
    /// A client for `cfg`; the contact address comes from `CITEMAP_MAILTO`
    /// or `cfg.mailto`, each key from the config or its environment variable.
    pub fn new(cfg: &FetchConfig) -> Result<Client, Error> {
        let env = |k: &str| std::env::var(k).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let mailto =
            env("CITEMAP_MAILTO").or_else(|| Some(cfg.mailto.trim().to_string()).filter(|m| !m.is_empty()));
        let keys = Service::ALL.map(|s| {
            let k = s.settings(cfg).api_key.trim();
            if k.is_empty() {
                s.key_env().and_then(env)
            } else {
                Some(k.to_string())
            }
        });
        Self::with_secrets(cfg, mailto, keys)
    }

    /// A client with the contact address and keys given (tests).
    pub fn with_secrets(
        cfg: &FetchConfig,
        mailto: Option<String>,
        keys: [Option<String>; 5],
    ) -> Result<Client, Error> {
        // rustls needs one process-wide crypto provider; `ring` builds without
        // cmake or a system library (it lacks post-quantum key exchange, which
        // rustls marks as deprecated). A second install (another client) is fine.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let ua = match &mailto {
            Some(m) => format!("{} (mailto:{m})", cfg.user_agent),
            None => cfg.user_agent.clone(),
        };
        let http = reqwest::Client::builder()
            .user_agent(ua)
            .timeout(Duration::from_secs_f64(cfg.timeout_secs.max(0.001)))
            .connect_timeout(Duration::from_secs_f64(cfg.connect_timeout_secs.max(0.001)))
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .map_err(|e| Error::Build(e.without_url().to_string()))?;
        let now = Instant::now();
        let limits = Service::ALL.map(|s| {
            let sc = s.settings(cfg);
            let conc = sc.concurrency.max(1);
            Limiter {
                bucket: Mutex::new(Bucket { interval: interval_for(sc.rate), next: now, concurrency: conc }),
                sem: Semaphore::new(conc as usize),
            }
        });
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9e37_79b9);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                cfg: cfg.clone(),
                mailto,
                keys,
                limits,
                sent: Default::default(),
                rng: AtomicU64::new(seed),
            }),
        })
    }

    /// HTTP requests sent to `service` so far (every attempt counts).
    pub fn sent(&self, service: Service) -> u64 {
        self.inner.sent[service.index()].load(Ordering::Relaxed)
    }

    /// `text` with every key and the contact address replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        let secrets = self.inner.keys.iter().flatten().chain(self.inner.mailto.iter());
        for s in secrets {
            if !s.is_empty() {
                out = out.replace(s.as_str(), "***");
                let enc = super::encode(s, false);
                if enc != *s {
                    out = out.replace(&enc, "***");
                }
            }
        }
        out
    }

    /// The address actually sent: the label plus contact and key parameters.
    fn send_url(&self, req: &Request) -> String {
        let i = &self.inner;
        let mut params: Vec<(&str, String)> = Vec::new();
        let key = i.keys[req.service.index()].clone();
        match req.service {
            Service::Openalex => {
                if let Some(k) = key {
                    params.push(("api_key", k));
                }
                if let Some(m) = &i.mailto {
                    params.push(("mailto", m.clone()));
                }
            }
            Service::Crossref => {
                if let Some(m) = &i.mailto {
                    params.push(("mailto", m.clone()));
                }
            }
            Service::Pubmed => {
                params.push(("tool", "citemap".into()));
                if let Some(m) = &i.mailto {
                    params.push(("email", m.clone()));
                }
                if let Some(k) = key {
                    params.push(("api_key", k));
                }
            }
            Service::SemanticScholar | Service::Opencitations => {}
        }
        let mut url = req.label.clone();
        for (n, (k, v)) in params.iter().enumerate() {
            let sep = if n == 0 && !url.contains('?') { '?' } else { '&' };
            url.push(sep);
            url.push_str(k);
            url.push('=');
            url.push_str(&super::encode(v, false));
        }
        url
    }

    fn jitter(&self) -> f64 {
        // splitmix64 on a shared counter: enough to spread retries apart.
        let mut z = self.inner.rng.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Backoff before retry `attempt` (0-based): base * 2^attempt, capped,
    /// with "equal jitter" (between half and all of it).
    fn backoff(&self, attempt: u32) -> Duration {
        let cfg = &self.inner.cfg;
        let raw = (cfg.backoff_ms as f64) * 2f64.powi(attempt.min(30) as i32);
        let capped = raw.min(cfg.backoff_cap_ms as f64);
        Duration::from_secs_f64(capped * (0.5 + 0.5 * self.jitter()) / 1000.0)
    }

    /// Runs `requests` concurrently within each service's limits and hands
    /// each outcome to `done` as it arrives (in completion order).
    pub fn run<F: FnMut(&Request, Outcome)>(&self, requests: Vec<Request>, mut done: F) -> Result<(), Error> {
        if requests.is_empty() {
            return Ok(());
        }
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for req in requests {
                let me = self.clone();
                set.spawn(async move {
                    let out = me.fetch(&req).await;
                    (req, out)
                });
            }
            while let Some(joined) = set.join_next().await {
                if let Ok((req, out)) = joined {
                    done(&req, out);
                }
            }
        });
        Ok(())
    }

    /// Sends one request with the retries described in the module doc.
    pub async fn fetch(&self, req: &Request) -> Outcome {
        let cfg = &self.inner.cfg;
        let mut last = (FailReason::Other, String::from("not attempted"));
        for attempt in 0..=cfg.max_retries {
            match self.attempt(req).await {
                Attempt::Done(o) => return o,
                Attempt::Retry { reason, detail, wait } => {
                    last = (reason, detail);
                    if attempt == cfg.max_retries {
                        break;
                    }
                    let w = match wait {
                        Some(w) if w.as_secs() > cfg.max_retry_after_secs => {
                            return Outcome::Failed {
                                reason,
                                detail: format!(
                                    "{}; Retry-After {} s exceeds fetch.max_retry_after_secs",
                                    last.1,
                                    w.as_secs()
                                ),
                            };
                        }
                        Some(w) => w,
                        None => self.backoff(attempt),
                    };
                    tokio::time::sleep(w).await;
                }
            }
        }
        Outcome::Failed { reason: last.0, detail: format!("{} (after {} retries)", last.1, cfg.max_retries) }
    }

    async fn attempt(&self, req: &Request) -> Attempt {
        let lim = &self.inner.limits[req.service.index()];
        let Ok(_permit) = lim.sem.acquire().await else {
            return Attempt::Done(Outcome::Failed {
                reason: FailReason::Other,
                detail: "limiter closed".into(),
            });
        };
        let wait = {
            let mut b = lim.bucket.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let slot = b.next.max(now);
            b.next = slot + b.interval;
            slot - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        self.inner.sent[req.service.index()].fetch_add(1, Ordering::Relaxed);
        let url = self.send_url(req);
        let http = &self.inner.http;
        let mut rb = match &req.post {
            Some(body) => {
                http.post(&url).header(reqwest::header::CONTENT_TYPE, "application/json").body(body.clone())
            }
            None => http.get(&url),
        };
        rb = rb.header(
            reqwest::header::ACCEPT,
            match req.kind {
                BodyKind::Json => "application/json",
                BodyKind::Xml => "application/xml, text/xml",
            },
        );
        if let Some(k) = &self.inner.keys[req.service.index()] {
            match req.service {
                Service::SemanticScholar => rb = rb.header("x-api-key", k.as_str()),
                Service::Crossref => rb = rb.header("Crossref-Plus-API-Token", format!("Bearer {k}")),
                Service::Opencitations => rb = rb.header("authorization", k.as_str()),
                Service::Openalex | Service::Pubmed => {}
            }
        }
        let resp = match rb.send().await {
            Ok(r) => r,
            Err(e) => return self.classify(&e),
        };
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
        self.adopt_limits(req.service, &header);
        let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v));
        match status {
            200..=299 => {}
            404 | 410 => return Attempt::Done(Outcome::Missing { status }),
            429 => {
                self.slow_down(req.service);
                return Attempt::Retry {
                    reason: FailReason::RateLimited,
                    detail: format!("HTTP 429 from {}", req.label),
                    wait: retry_after,
                };
            }
            403 if req.service == Service::Openalex => {
                // OpenAlex answers 403 when the rate limit is exceeded.
                let body = Self::small_body(resp).await;
                if body.to_ascii_lowercase().contains("rate") {
                    self.slow_down(req.service);
                    return Attempt::Retry {
                        reason: FailReason::RateLimited,
                        detail: format!("HTTP 403 (rate limit) from {}", req.label),
                        wait: retry_after,
                    };
                }
                return Attempt::Done(Outcome::Failed {
                    reason: FailReason::ClientError,
                    detail: self.redact(&format!("HTTP 403 from {}: {body}", req.label)),
                });
            }
            500..=599 => {
                return Attempt::Retry {
                    reason: FailReason::ServerError,
                    detail: format!("HTTP {status} from {}", req.label),
                    wait: if status == 503 { retry_after } else { None },
                };
            }
            300..=399 => {
                return Attempt::Done(Outcome::Failed {
                    reason: FailReason::Redirects,
                    detail: format!("HTTP {status} without a usable Location from {}", req.label),
                });
            }
            _ => {
                let body = Self::small_body(resp).await;
                return Attempt::Done(Outcome::Failed {
                    reason: FailReason::ClientError,
                    detail: self.redact(&format!("HTTP {status} from {}: {body}", req.label)),
                });
            }
        }
        let announced = resp.content_length();
        let content_type = header("content-type").unwrap_or_default().to_ascii_lowercase();
        let max = self.inner.cfg.max_body_bytes;
        let mut resp = resp;
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(c)) => {
                    body.extend_from_slice(&c);
                    if body.len() as u64 > max {
                        return Attempt::Done(Outcome::Failed {
                            reason: FailReason::TooLarge,
                            detail: format!("body of {} is larger than {max} bytes", req.label),
                        });
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    if e.is_timeout() {
                        return self.classify(&e);
                    }
                    return Attempt::Retry {
                        reason: FailReason::Truncated,
                        detail: format!(
                            "body of {} ended after {} bytes: {}",
                            req.label,
                            body.len(),
                            self.redact(&e.without_url().to_string())
                        ),
                        wait: None,
                    };
                }
            }
        }
        if let Some(n) = announced {
            if (body.len() as u64) < n {
                return Attempt::Retry {
                    reason: FailReason::Truncated,
                    detail: format!("body of {} has {} of {n} announced bytes", req.label, body.len()),
                    wait: None,
                };
            }
        }
        match check_body(req.kind, &content_type, &body) {
            Ok(()) => Attempt::Done(Outcome::Body { status, body }),
            Err((FailReason::Truncated, why)) => Attempt::Retry {
                reason: FailReason::Truncated,
                detail: format!("body of {} is cut short: {why}", req.label),
                wait: None,
            },
            Err((reason, why)) => Attempt::Done(Outcome::Failed {
                reason,
                detail: format!("body of {} rejected: {why}", req.label),
            }),
        }
    }

    async fn small_body(resp: reqwest::Response) -> String {
        let text = resp.text().await.unwrap_or_default();
        text.chars().take(200).collect::<String>().replace('\n', " ")
    }

    fn classify(&self, e: &reqwest::Error) -> Attempt {
        let detail = self.redact(&e.without_url_ref_string());
        if e.is_redirect() {
            return Attempt::Done(Outcome::Failed { reason: FailReason::Redirects, detail });
        }
        let reason = if e.is_timeout() {
            FailReason::Timeout
        } else if e.is_connect() {
            FailReason::Connect
        } else if e.is_body() || e.is_decode() {
            FailReason::Truncated
        } else {
            FailReason::Other
        };
        Attempt::Retry { reason, detail, wait: None }
    }

    fn slow_down(&self, service: Service) {
        let lim = &self.inner.limits[service.index()];
        let mut b = lim.bucket.lock().unwrap_or_else(|p| p.into_inner());
        b.interval = (b.interval * 2).min(Duration::from_secs(60));
    }

    /// Adopts lower limits the service advertises in its headers.
    fn adopt_limits(&self, service: Service, header: &dyn Fn(&str) -> Option<String>) {
        let lim = &self.inner.limits[service.index()];
        let limit = header("x-rate-limit-limit").and_then(|v| v.trim().parse::<f64>().ok());
        let window = header("x-rate-limit-interval")
            .and_then(|v| v.trim().trim_end_matches('s').parse::<f64>().ok())
            .unwrap_or(1.0);
        let mut b = lim.bucket.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = limit.filter(|n| *n > 0.0 && window > 0.0) {
            let advertised = interval_for(n / window);
            if advertised > b.interval {
                b.interval = advertised;
            }
        }
        if let Some(c) = header("x-concurrency-limit").and_then(|v| v.trim().parse::<u32>().ok()) {
            if c >= 1 && c < b.concurrency {
                let fewer = (b.concurrency - c) as usize;
                let gone = lim.sem.forget_permits(fewer);
                b.concurrency -= gone as u32;
            }
        }
    }
}

trait WithoutUrl {
    fn without_url_ref_string(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref_string(&self) -> String {
        // reqwest puts the full address (with keys) in its message: drop it.
        let mut text = self.to_string();
        if let Some(u) = self.url() {
            text = text.replace(u.as_str(), "<url>");
        }
        let mut src = std::error::Error::source(self);
        while let Some(s) = src {
            text.push_str(": ");
            text.push_str(&s.to_string());
            src = s.source();
        }
        text
    }
}

/// Checks that `body` is whole and of `kind` (the content type first).
fn check_body(kind: BodyKind, content_type: &str, body: &[u8]) -> Result<(), (FailReason, String)> {
    let head = body.iter().position(|b| !b.is_ascii_whitespace()).map(|i| &body[i..]).unwrap_or(&[]);
    let looks_html = head.len() >= 5 && {
        let h: Vec<u8> = head.iter().take(15).map(u8::to_ascii_lowercase).collect();
        h.starts_with(b"<!doctype html") || h.starts_with(b"<html")
    };
    if content_type.contains("html") || looks_html {
        return Err((
            FailReason::WrongContentType,
            format!("HTML ({content_type}) where {kind:?} was expected"),
        ));
    }
    match kind {
        BodyKind::Json => {
            if !content_type.is_empty()
                && !content_type.contains("json")
                && !content_type.contains("text/plain")
            {
                return Err((FailReason::WrongContentType, format!("content type {content_type}, not JSON")));
            }
            match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                Ok(_) => Ok(()),
                Err(e) if e.is_eof() => Err((FailReason::Truncated, format!("JSON ends early ({e})"))),
                Err(e) => Err((FailReason::WrongContentType, format!("not JSON ({e})"))),
            }
        }
        BodyKind::Xml => {
            if !content_type.is_empty()
                && !content_type.contains("xml")
                && !content_type.contains("text/plain")
            {
                return Err((FailReason::WrongContentType, format!("content type {content_type}, not XML")));
            }
            check_xml(body)
        }
    }
}

fn check_xml(body: &[u8]) -> Result<(), (FailReason, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut depth: i64 = 0;
    let mut roots = 0;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_)) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
            }
            Ok(Event::Empty(_)) if depth == 0 => roots += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(if depth > 0 {
                    (FailReason::Truncated, format!("XML ends inside an element ({e})"))
                } else {
                    (FailReason::WrongContentType, format!("not XML ({e})"))
                });
            }
        }
        buf.clear();
    }
    if depth > 0 {
        return Err((FailReason::Truncated, format!("XML ends with {depth} element(s) open")));
    }
    if roots == 0 {
        return Err((FailReason::WrongContentType, "no XML element".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        let later = std::time::SystemTime::now() + Duration::from_secs(120);
        let d = parse_retry_after(&httpdate::fmt_http_date(later)).unwrap();
        assert!(d.as_secs() >= 100 && d.as_secs() <= 120, "{d:?}");
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn bodies_are_checked() {
        assert!(check_body(BodyKind::Json, "application/json", b"{\"a\": [1]}").is_ok());
        assert_eq!(
            check_body(BodyKind::Json, "application/json", b"{\"a\": [1").unwrap_err().0,
            FailReason::Truncated
        );
        assert_eq!(
            check_body(BodyKind::Json, "text/html", b"<html><body>hi</body></html>").unwrap_err().0,
            FailReason::WrongContentType
        );
        assert_eq!(
            check_body(BodyKind::Json, "", b"<!DOCTYPE html><html>").unwrap_err().0,
            FailReason::WrongContentType
        );
        assert!(check_body(BodyKind::Xml, "text/xml", b"<?xml version=\"1.0\"?><a><b/></a>").is_ok());
        assert_eq!(
            check_body(BodyKind::Xml, "text/xml", b"<a><b>text</b>").unwrap_err().0,
            FailReason::Truncated
        );
    }
}
