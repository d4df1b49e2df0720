//! The online layer: the only module that touches the network.
//!
//! One module per service builds request addresses and reads what comes back
//! ([`openalex`], [`crossref`], [`pubmed`], [`semantic_scholar`],
//! [`opencitations`]); [`http`] sends them (reqwest with rustls on the `ring`
//! provider, tokio) with per-service politeness: a token bucket and a
//! concurrency limit from [`FetchConfig`], contact details
//! (`mailto`, `User-Agent`, NCBI `tool`/`email`), API keys, `Retry-After`,
//! exponential backoff with jitter and a cap, timeouts, and checks that a
//! body is whole and of the expected type before it is accepted as data.
//! [`session`] puts the store's response cache in front of it (offline,
//! refresh, max age, resume); [`enrich`] (look-ups by identifier) and
//! [`chase`] (citation chasing) are the two jobs built on a session.
//!
//! Every request has a **label**: its address without secrets or contact
//! details. The label is what the store keeps (as the input's label, so
//! provenance names the service and the request) and what reports print;
//! keys and the contact address are added only when the request is sent and
//! never appear in labels, errors or logs.
//!
//! Three outcomes are kept apart (see [`Outcome`]): the service *has* the
//! thing (a body, possibly an empty list), the service says it is *missing*
//! (404, `null` in a batch, absent from a batch answer), or the request
//! *failed* (with a [`FailReason`]).

pub mod chase;
pub mod crossref;
pub mod enrich;
pub mod http;
pub mod openalex;
pub mod opencitations;
pub mod pubmed;
pub mod search;
pub mod semantic_scholar;
pub mod session;
mod settings;

use serde::Serialize;
pub use settings::{FetchConfig, ServiceConfig};

pub use http::{Client, Outcome};

/// A scholarly API citemap knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// OpenAlex.
    Openalex,
    /// Crossref REST API.
    Crossref,
    /// NCBI E-utilities (PubMed).
    Pubmed,
    /// Semantic Scholar Graph API.
    SemanticScholar,
    /// OpenCitations Index API.
    Opencitations,
}

impl Service {
    /// Every service.
    pub const ALL: [Service; 5] = [
        Service::Openalex,
        Service::Crossref,
        Service::Pubmed,
        Service::SemanticScholar,
        Service::Opencitations,
    ];

    /// Name used in settings, reports and the store.
    pub fn name(self) -> &'static str {
        match self {
            Service::Openalex => "openalex",
            Service::Crossref => "crossref",
            Service::Pubmed => "pubmed",
            Service::SemanticScholar => "semantic_scholar",
            Service::Opencitations => "opencitations",
        }
    }

    /// The service called `name` (as [`Service::name`] prints it).
    pub fn from_name(name: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Position in [`Service::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The environment variable holding this service's API key.
    pub fn key_env(self) -> Option<&'static str> {
        match self {
            Service::Openalex => Some("OPENALEX_API_KEY"),
            Service::Pubmed => Some("NCBI_API_KEY"),
            Service::SemanticScholar => Some("S2_API_KEY"),
            Service::Crossref => Some("CROSSREF_PLUS_TOKEN"),
            Service::Opencitations => Some("OPENCITATIONS_TOKEN"),
        }
    }

    /// This service's settings.
    pub fn settings(self, cfg: &FetchConfig) -> &ServiceConfig {
        match self {
            Service::Openalex => &cfg.openalex,
            Service::Crossref => &cfg.crossref,
            Service::Pubmed => &cfg.pubmed,
            Service::SemanticScholar => &cfg.semantic_scholar,
            Service::Opencitations => &cfg.opencitations,
        }
    }
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a body should be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// JSON (checked to parse completely).
    Json,
    /// XML (checked to be well-formed to the end).
    Xml,
}

/// One request to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The service asked.
    pub service: Service,
    /// Full address without secrets or contact details (the store label).
    pub label: String,
    /// JSON body for a POST (Semantic Scholar batch); `None`: GET.
    pub post: Option<String>,
    /// What the body must be.
    pub kind: BodyKind,
}

impl Request {
    /// A GET of `label` expecting `kind`.
    pub fn get(service: Service, label: String, kind: BodyKind) -> Request {
        Request { service, label, post: None, kind }
    }
}

/// Why a request failed (after its retries).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailReason {
    /// No answer within the timeout.
    Timeout,
    /// Could not connect.
    Connect,
    /// 429 / rate limit, still refused after the retries (or Retry-After too long).
    RateLimited,
    /// A 5xx status, still after the retries.
    ServerError,
    /// A 4xx status other than 404/410/429 (bad request, bad key).
    ClientError,
    /// The body ended before it was complete.
    Truncated,
    /// The body was not of the expected type (HTML instead of JSON ...).
    WrongContentType,
    /// Redirected too often (a loop).
    Redirects,
    /// The body was larger than `fetch.max_body_bytes`.
    TooLarge,
    /// `--offline` and nothing stored.
    Offline,
    /// The service's daily budget (`[fetch.*] daily_budget`) is spent.
    Budget,
    /// Anything else reqwest reported.
    Other,
}

impl FailReason {
    /// Name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            FailReason::Timeout => "timeout",
            FailReason::Connect => "connect",
            FailReason::RateLimited => "rate_limited",
            FailReason::ServerError => "server_error",
            FailReason::ClientError => "client_error",
            FailReason::Truncated => "truncated",
            FailReason::WrongContentType => "wrong_content_type",
            FailReason::Redirects => "redirects",
            FailReason::TooLarge => "too_large",
            FailReason::Offline => "offline",
            FailReason::Budget => "budget",
            FailReason::Other => "other",
        }
    }
}

/// Percent-encodes `s` for use inside a URL path segment or query value
/// (everything but unreserved characters; `/` kept when `keep_slash`).
pub fn encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let plain =
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || keep_slash && b == b'/';
        if plain {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What one request to `service` at `label` costs, US dollars (see
/// [`crate::config::ServiceConfig::daily_budget`]).
pub fn cost_usd(service: Service, label: &str) -> f64 {
    match service {
        Service::Openalex => openalex::cost_usd(label),
        _ => 0.0,
    }
}

/// `base` without a trailing `/`.
pub fn base(cfg: &FetchConfig, service: Service) -> String {
    service.settings(cfg).base_url.trim_end_matches('/').to_string()
}

/// Parses an age such as `30d`, `12h`, `90m`, `45s` (a bare number is days).
pub fn parse_age(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&s[..i], &s[i..]),
        None => (s, "d"),
    };
    let n: u64 = num.parse().ok()?;
    let mult = match unit.trim() {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        "w" => 7 * 86_400,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// Seconds since 1970 now.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        assert_eq!(parse_age("30d"), Some(30 * 86_400));
        assert_eq!(parse_age("2h"), Some(7_200));
        assert_eq!(parse_age("7"), Some(7 * 86_400));
        assert_eq!(parse_age("x"), None);
        assert_eq!(parse_age("3y"), None);
    }

    #[test]
    fn encoding_keeps_unreserved() {
        assert_eq!(encode("10.1002/(sici)1097 x", true), "10.1002/%28sici%291097%20x");
        assert_eq!(encode("a|b", false), "a%7Cb");
    }
}
