//! A tiny HTTP/1.1 server on 127.0.0.1 for the fetch tests: one thread per
//! connection, `Connection: close` on every answer, a handler deciding each
//! reply (status, headers, body, or a fault: hang, body cut short), and a log
//! of every request with its arrival time and the number in flight.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
    pub at: Instant,
    /// Requests in flight when this one arrived (itself included).
    pub in_flight: usize,
    /// How many earlier requests had the same target.
    pub nth: usize,
}

/// What to answer.
pub enum Reply {
    /// A normal answer.
    Full { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// Announce `body.len()` bytes, send only the first `send`, close.
    Cut { body: Vec<u8>, send: usize },
    /// Say nothing for this long, then close.
    Hang(Duration),
}

impl Reply {
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
        }
    }
    pub fn typed(status: u16, ctype: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full { status, headers: vec![("Content-Type".into(), ctype.into())], body: body.into() }
    }
    pub fn with_header(mut self, k: &str, v: &str) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((k.into(), v.into()));
        }
        self
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

pub struct Server {
    pub base: String,
    log: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Starts a server answering with `handler`, optionally holding each
    /// answer back for `delay` (to see concurrency).
    pub fn start(delay: Duration, handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let log: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let in_flight = Arc::new(AtomicUsize::new(0));
        let log2 = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, handler, in_flight) = (log2.clone(), handler.clone(), in_flight.clone());
                std::thread::spawn(move || serve(stream, &log, &*handler, &in_flight, delay));
            }
        });
        Server { base, log }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.log.lock().unwrap().len()
    }
}

fn serve(
    stream: TcpStream,
    log: &Mutex<Vec<Seen>>,
    handler: &Handler,
    in_flight: &AtomicUsize,
    delay: Duration,
) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let at = Instant::now();
    let now_in = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; len];
    let _ = reader.read_exact(&mut body);
    let seen = {
        let mut log = log.lock().unwrap();
        let nth = log.iter().filter(|s| s.target == target).count();
        let s = Seen { method, target, headers, body, at, in_flight: now_in, nth };
        log.push(s.clone());
        s
    };
    let reply = handler(&seen);
    if !delay.is_zero() {
        std::thread::sleep(delay);
    }
    let mut out = stream;
    match reply {
        Reply::Full { status, headers, body } => {
            let mut head =
                format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = out.write_all(head.as_bytes());
            let _ = out.write_all(&body);
        }
        Reply::Cut { body, send } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = out.write_all(head.as_bytes());
            let _ = out.write_all(&body[..send.min(body.len())]);
        }
        Reply::Hang(d) => std::thread::sleep(d),
    }
    let _ = out.flush();
    in_flight.fetch_sub(1, Ordering::SeqCst);
    let _ = out.shutdown(std::net::Shutdown::Both);
}

/// A recorded body from `../shared/fixtures/api/`.
pub fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("../shared/fixtures/api/{path}")).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// Settings pointing every service at `base` (`{base}/openalex`, ...), with
/// quick backoff for tests.
pub fn config(base: &str) -> citemap::config::FetchConfig {
    let mut c = citemap::config::FetchConfig::default();
    c.openalex.base_url = format!("{base}/openalex");
    c.crossref.base_url = format!("{base}/crossref");
    c.pubmed.base_url = format!("{base}/pubmed");
    c.semantic_scholar.base_url = format!("{base}/s2");
    c.opencitations.base_url = format!("{base}/oc");
    for s in [&mut c.openalex, &mut c.crossref, &mut c.pubmed, &mut c.semantic_scholar, &mut c.opencitations]
    {
        s.rate = 200.0;
        s.concurrency = 4;
    }
    c.backoff_ms = 10;
    c.backoff_cap_ms = 50;
    c.max_retries = 2;
    c.timeout_secs = 5.0;
    c
}

/// `PRAGMA integrity_check` of the store file, and whether any (service,
/// key) or input label appears twice.
pub fn check_store(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let dup_labels: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM (SELECT label FROM inputs GROUP BY label HAVING COUNT(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dup_labels, 0, "an input label is stored twice");
    let dup_sha: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM (SELECT sha256 FROM inputs GROUP BY sha256 HAVING COUNT(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dup_sha, 0);
}
