//! Fault handling of the online layer against a local server on 127.0.0.1:
//! 429 with and without Retry-After, 5xx then success, a hanging server, a
//! body cut in half, HTML instead of JSON, a redirect loop, a 301 for a
//! merged entity, an empty reference list, unknown ids; keys never leak;
//! the configured rate and concurrency are never exceeded (server-side
//! timestamps). After each: the store passes `PRAGMA integrity_check`,
//! nothing is stored twice, the report names what failed.

mod fetch_server;

use citemap::config::FetchConfig;
use citemap::fetch::session::{CachePolicy, KeyState, Reader, Report, Session};
use citemap::fetch::{crossref, openalex, opencitations, Client, FailReason, Service};
use citemap::store::Store;
use fetch_server::{check_store, config, fixture, Reply, Server};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

fn client(cfg: &FetchConfig) -> Client {
    Client::with_secrets(cfg, None, Default::default()).unwrap()
}

/// Looks up DOIs at Crossref (one request each) through a fresh session.
fn crossref_lookup(
    cfg: &FetchConfig,
    store: &std::path::Path,
    dois: &[&str],
    policy: CachePolicy,
) -> (BTreeMap<String, KeyState>, Report) {
    let mut st = Store::open(store).unwrap();
    let c = if policy.offline { None } else { Some(client(cfg)) };
    let mut s = Session::new(c, &mut st, policy);
    let keys: Vec<String> = dois.iter().map(|d| format!("doi:{d}")).collect();
    let make = |_: &str, v: &[String]| v.first().map(|d| crossref::work(cfg, d));
    let out = s.lookup(Service::Crossref, Reader::Crossref, &keys, 1, &make).unwrap();
    let report = s.report.clone();
    (out.into_iter().map(|(k, r)| (k, r.state)).collect(), report)
}

const PONE: &str = "10.1371/journal.pone.0033693";

fn pone() -> Reply {
    Reply::json(200, fixture("crossref/works_doi_10.1371_journal.pone.0033693.json"))
}

fn failed_reason(s: &KeyState) -> Option<FailReason> {
    match s {
        KeyState::Failed { reason, .. } => Some(*reason),
        _ => None,
    }
}

#[test]
fn retry_after_in_seconds_is_waited_then_the_answer_kept() {
    let srv = Server::start(Duration::ZERO, |s| {
        if s.nth == 0 {
            Reply::json(429, "{}").with_header("Retry-After", "1")
        } else {
            pone()
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let cfg = config(&srv.base);
    let t = Instant::now();
    let (states, report) = crossref_lookup(&cfg, &db, &[PONE], CachePolicy::default());
    assert_eq!(states[&format!("doi:{PONE}")], KeyState::Found);
    let seen = srv.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen[1].at - seen[0].at >= Duration::from_millis(950), "Retry-After not honoured");
    assert!(t.elapsed() < Duration::from_secs(5));
    assert_eq!(report.services[&Service::Crossref].requests, 2);
    check_store(&db);
    // The record came in with provenance naming the request.
    let st = Store::open(&db).unwrap();
    let recs = st.records().unwrap();
    assert!(recs
        .iter()
        .any(|r| *r.at.input == format!("{}/crossref/works/{PONE}", srv.base) && r.title.is_some()));
}

#[test]
fn retry_after_as_an_http_date_and_429_without_it() {
    let srv = Server::start(Duration::ZERO, |s| match (s.target.contains("a1"), s.nth) {
        (true, 0) => Reply::json(429, "{}").with_header(
            "Retry-After",
            &httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(1)),
        ),
        (false, 0) | (false, 1) => Reply::json(429, "{}"),
        _ => pone(),
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let cfg = config(&srv.base);
    let (states, _) = crossref_lookup(&cfg, &db, &["10.1/a1", "10.1/b2"], CachePolicy::default());
    // The body is pone's, so neither DOI is in it: missing, not failed.
    assert_eq!(states["doi:10.1/a1"], KeyState::Missing);
    assert_eq!(states["doi:10.1/b2"], KeyState::Missing);
    assert_eq!(srv.count(), 5);
    check_store(&db);
}

#[test]
fn always_429_fails_with_the_reason_and_the_run_goes_on() {
    let srv =
        Server::start(
            Duration::ZERO,
            |s| if s.target.contains("bad") { Reply::json(429, "{}") } else { pone() },
        );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let cfg = config(&srv.base);
    let (states, report) = crossref_lookup(&cfg, &db, &["10.1/bad", PONE], CachePolicy::default());
    assert_eq!(failed_reason(&states["doi:10.1/bad"]), Some(FailReason::RateLimited));
    assert_eq!(states[&format!("doi:{PONE}")], KeyState::Found);
    assert_eq!(report.failures.len(), 1);
    assert_eq!(report.failures[0].keys, vec!["doi:10.1/bad".to_string()]);
    assert_eq!(report.services[&Service::Crossref].failed[&FailReason::RateLimited], 1);
    // 1 + max_retries attempts for the bad one.
    assert_eq!(srv.seen().iter().filter(|s| s.target.contains("bad")).count(), 3);
    // A failure is not cached: the next run asks again.
    let st = Store::open(&db).unwrap();
    assert!(st.response("crossref", "doi:10.1/bad").unwrap().is_none());
    check_store(&db);
}

#[test]
fn server_errors_then_success() {
    let srv = Server::start(Duration::ZERO, |s| match s.nth {
        0 => Reply::json(500, "{}"),
        1 => Reply::json(502, "{}"),
        2 => Reply::json(503, "{}"),
        _ => pone(),
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut cfg = config(&srv.base);
    cfg.max_retries = 3;
    let (states, _) = crossref_lookup(&cfg, &db, &[PONE], CachePolicy::default());
    assert_eq!(states[&format!("doi:{PONE}")], KeyState::Found);
    assert_eq!(srv.count(), 4);
    check_store(&db);
}

#[test]
fn a_hanging_server_times_out() {
    let srv = Server::start(Duration::ZERO, |_| Reply::Hang(Duration::from_secs(3)));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut cfg = config(&srv.base);
    cfg.timeout_secs = 0.3;
    cfg.max_retries = 1;
    let t = Instant::now();
    let (states, report) = crossref_lookup(&cfg, &db, &[PONE], CachePolicy::default());
    assert_eq!(failed_reason(&states[&format!("doi:{PONE}")]), Some(FailReason::Timeout));
    assert!(t.elapsed() < Duration::from_secs(3));
    assert_eq!(report.failures[0].reason, FailReason::Timeout);
    assert!(report.failures[0].url.ends_with(PONE));
    check_store(&db);
    assert_eq!(Store::open(&db).unwrap().inputs().unwrap().len(), 0);
}

#[test]
fn a_body_cut_in_half_is_never_stored() {
    let srv = Server::start(Duration::ZERO, |_| {
        let body = fixture("crossref/works_doi_10.1371_journal.pone.0033693.json");
        let half = body.len() / 2;
        Reply::Cut { body, send: half }
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let cfg = config(&srv.base);
    let (states, report) = crossref_lookup(&cfg, &db, &[PONE], CachePolicy::default());
    assert_eq!(failed_reason(&states[&format!("doi:{PONE}")]), Some(FailReason::Truncated));
    assert_eq!(srv.count(), 3, "a cut body is retried");
    assert!(report.failures[0].detail.contains("ended") || report.failures[0].detail.contains("announced"));
    check_store(&db);
    assert_eq!(Store::open(&db).unwrap().inputs().unwrap().len(), 0);
}

#[test]
fn complete_json_with_a_short_content_length_lie_is_caught_by_the_parser() {
    // The server sends half the JSON and announces exactly that much.
    let srv = Server::start(Duration::ZERO, |_| {
        let body = fixture("crossref/works_doi_10.1371_journal.pone.0033693.json");
        Reply::json(200, body[..body.len() / 2].to_vec())
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let (states, _) = crossref_lookup(&config(&srv.base), &db, &[PONE], CachePolicy::default());
    assert_eq!(failed_reason(&states[&format!("doi:{PONE}")]), Some(FailReason::Truncated));
    assert_eq!(Store::open(&db).unwrap().inputs().unwrap().len(), 0);
}

#[test]
fn html_instead_of_json_is_not_data() {
    let srv = Server::start(Duration::ZERO, |_| {
        Reply::typed(
            200,
            "text/html; charset=utf-8",
            "<!DOCTYPE html><html><body>Service unavailable</body></html>",
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let (states, report) = crossref_lookup(&config(&srv.base), &db, &[PONE], CachePolicy::default());
    assert_eq!(failed_reason(&states[&format!("doi:{PONE}")]), Some(FailReason::WrongContentType));
    assert_eq!(srv.count(), 1, "not retried");
    assert_eq!(report.failures.len(), 1);
    check_store(&db);
    assert_eq!(Store::open(&db).unwrap().inputs().unwrap().len(), 0);
}

#[test]
fn a_redirect_loop_fails() {
    let srv = Server::start(Duration::ZERO, |s| Reply::Full {
        status: 301,
        headers: vec![("Location".into(), s.target.clone())],
        body: Vec::new(),
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let (states, _) = crossref_lookup(&config(&srv.base), &db, &[PONE], CachePolicy::default());
    assert_eq!(failed_reason(&states[&format!("doi:{PONE}")]), Some(FailReason::Redirects));
    assert!(srv.count() <= 7);
    check_store(&db);
}

#[test]
fn unknown_ids_are_missing_not_failed_and_cached_as_such() {
    // Crossref's real 404 is plain text.
    let srv = Server::start(Duration::ZERO, |_| {
        Reply::typed(404, "text/plain", fixture("crossref/works_doi_not_found_404.txt"))
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let cfg = config(&srv.base);
    let (states, report) = crossref_lookup(&cfg, &db, &["10.9999/none"], CachePolicy::default());
    assert_eq!(states["doi:10.9999/none"], KeyState::Missing);
    assert!(report.failures.is_empty());
    let (states, report) = crossref_lookup(&cfg, &db, &["10.9999/none"], CachePolicy::default());
    assert_eq!(states["doi:10.9999/none"], KeyState::Missing);
    assert_eq!(report.services[&Service::Crossref].from_cache, 1);
    assert_eq!(srv.count(), 1, "a missing answer is not asked twice");
    // --refresh asks again; --max-age 0 too once time passed.
    let (_, _) =
        crossref_lookup(&cfg, &db, &["10.9999/none"], CachePolicy { refresh: true, ..Default::default() });
    assert_eq!(srv.count(), 2);
    check_store(&db);
}

#[test]
fn openalex_301_for_a_merged_work_is_followed_and_an_empty_list_kept_apart() {
    let srv = Server::start(Duration::ZERO, |s| {
        if s.target.contains("cited_by:W1111") {
            let to = s.target.replace("W1111", "W3046863325");
            Reply::Full { status: 301, headers: vec![("Location".into(), to)], body: Vec::new() }
        } else if s.target.contains("cited_by:W3046863325") {
            Reply::json(200, fixture("openalex/works_filter_cited_by_perpage1.json"))
        } else if s.target.starts_with("/oc/") {
            Reply::json(200, "[]")
        } else {
            Reply::json(404, "{}")
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let cfg = config(&srv.base);
    let run = |srv_policy: CachePolicy| {
        let mut st = Store::open(&db).unwrap();
        let c = if srv_policy.offline { None } else { Some(client(&cfg)) };
        let mut s = Session::new(c, &mut st, srv_policy);
        s.lists(vec![
            (openalex::links(&cfg, "W1111", true), Reader::Openalex),
            (opencitations::links(&cfg, "10.1/empty", true), Reader::Opencitations),
        ])
        .unwrap()
    };
    let res = run(CachePolicy::default());
    assert_eq!(res[0].state, KeyState::Found);
    assert!(res[0]
        .records
        .iter()
        .any(|r| r.title.as_deref() == Some("Glove: Global Vectors for Word Representation")));
    assert_eq!(res[1].state, KeyState::Empty);
    let n = srv.count();
    // Offline afterwards: the same from the store, nothing sent.
    let again = run(CachePolicy { offline: true, ..Default::default() });
    assert_eq!(again[0].state, KeyState::Found);
    assert_eq!(again[0].records.len(), res[0].records.len());
    assert_eq!(again[1].state, KeyState::Empty);
    assert_eq!(srv.count(), n);
    check_store(&db);
}

#[test]
fn offline_reports_what_is_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let cfg = config("http://127.0.0.1:9");
    let (states, report) =
        crossref_lookup(&cfg, &db, &[PONE], CachePolicy { offline: true, ..Default::default() });
    assert_eq!(failed_reason(&states[&format!("doi:{PONE}")]), Some(FailReason::Offline));
    assert_eq!(report.failures[0].keys, vec![format!("doi:{PONE}")]);
}

#[test]
fn keys_and_contact_are_sent_but_never_stored_or_reported() {
    let srv = Server::start(Duration::ZERO, |s| {
        if s.target.contains("filter=doi:10.1%2Fecho") || s.target.contains("filter=doi:10.1/echo") {
            // An error body echoing the request, key included.
            Reply::json(400, format!("{{\"error\":\"bad\",\"message\":\"{}\"}}", s.target))
        } else {
            Reply::json(200, fixture("openalex/works_filter_openalex_cursor_page2_last.json"))
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let cfg = config(&srv.base);
    let mut keys: [Option<String>; 5] = Default::default();
    keys[Service::Openalex.index()] = Some("SECRETKEY123".into());
    let c = Client::with_secrets(&cfg, Some("me@example.org".into()), keys).unwrap();
    let mut st = Store::open(&db).unwrap();
    let mut s = Session::new(Some(c), &mut st, CachePolicy::default());
    let make = |scheme: &str, v: &[String]| openalex::lookup(&cfg, scheme, v);
    let keys = vec!["doi:10.1/echo".to_string(), "pmid:1".to_string()];
    let out = s.lookup(Service::Openalex, Reader::Openalex, &keys, 50, &make).unwrap();
    assert_eq!(failed_reason(&out["doi:10.1/echo"].state), Some(FailReason::ClientError));
    assert_eq!(out["pmid:1"].state, KeyState::Missing);
    let report = serde_json::to_string(&s.report).unwrap();
    assert!(report.contains("bad"), "{report}");
    assert!(!report.contains("SECRETKEY123") && !report.contains("me@example.org"), "{report}");
    drop(s);
    let seen = srv.seen();
    assert!(seen
        .iter()
        .all(|s| s.target.contains("api_key=SECRETKEY123") && s.target.contains("mailto=me%40example.org")));
    assert!(seen.iter().all(|s| s.headers["user-agent"].contains("mailto:me@example.org")));
    drop(st);
    let bytes = std::fs::read(&db).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("SECRETKEY123") && !text.contains("me@example.org"));
    check_store(&db);
}

#[test]
fn rate_and_concurrency_are_never_exceeded() {
    // 24 Crossref look-ups at 20/s with 2 in flight; the server holds each
    // answer 60 ms so a third concurrent request would show.
    let srv = Server::start(Duration::from_millis(60), |_| pone());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut cfg = config(&srv.base);
    cfg.crossref.rate = 20.0;
    cfg.crossref.concurrency = 2;
    let dois: Vec<String> = (0..24).map(|i| format!("10.1/r{i}")).collect();
    let refs: Vec<&str> = dois.iter().map(String::as_str).collect();
    let t = Instant::now();
    crossref_lookup(&cfg, &db, &refs, CachePolicy::default());
    let seen = srv.seen();
    assert_eq!(seen.len(), 24);
    let max_in_flight = seen.iter().map(|s| s.in_flight).max().unwrap();
    assert!(max_in_flight <= 2, "{max_in_flight} requests in flight");
    let mut at: Vec<Instant> = seen.iter().map(|s| s.at).collect();
    at.sort();
    // Any window of one second holds at most 20 (+1 for the boundary) requests.
    for (i, a) in at.iter().enumerate() {
        let n = at[i..].iter().take_while(|b| **b - *a < Duration::from_secs(1)).count();
        assert!(n <= 21, "{n} requests within one second");
    }
    // Paced, not bursty: any 300 ms window holds at most 6 + 1 (connection
    // set-up on a busy machine can shift single arrivals a little).
    for (i, a) in at.iter().enumerate() {
        let n = at[i..].iter().take_while(|b| **b - *a < Duration::from_millis(300)).count();
        assert!(n <= 7, "{n} requests within 300 ms");
    }
    assert!(t.elapsed() >= Duration::from_millis(23 * 50 - 100));
}

#[test]
fn advertised_lower_limits_take_over() {
    // The server says 5 per second: the configured 50 must give way.
    let srv = Server::start(Duration::ZERO, |_| {
        pone().with_header("x-rate-limit-limit", "5").with_header("x-rate-limit-interval", "1s")
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut cfg = config(&srv.base);
    cfg.crossref.rate = 50.0;
    cfg.crossref.concurrency = 1;
    let dois: Vec<String> = (0..4).map(|i| format!("10.1/h{i}")).collect();
    let refs: Vec<&str> = dois.iter().map(String::as_str).collect();
    crossref_lookup(&cfg, &db, &refs, CachePolicy::default());
    let mut at: Vec<Instant> = srv.seen().iter().map(|s| s.at).collect();
    at.sort();
    // After the first answer, requests are ~200 ms apart.
    assert!(at[3] - at[1] >= Duration::from_millis(350), "{:?}", at[3] - at[1]);
}

#[test]
fn a_failed_refresh_loses_nothing_already_stored() {
    // First answer whole, every later one cut short.
    let srv = Server::start(Duration::ZERO, |s| {
        let body = fixture("crossref/works_doi_10.1371_journal.pone.0033693.json");
        if s.nth == 0 {
            Reply::json(200, body)
        } else {
            let half = body.len() / 2;
            Reply::Cut { body, send: half }
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let cfg = config(&srv.base);
    let (states, _) = crossref_lookup(&cfg, &db, &[PONE], CachePolicy::default());
    assert_eq!(states[&format!("doi:{PONE}")], KeyState::Found);
    let before = Store::open(&db).unwrap().records().unwrap().len();
    let (states, report) =
        crossref_lookup(&cfg, &db, &[PONE], CachePolicy { refresh: true, ..Default::default() });
    assert_eq!(failed_reason(&states[&format!("doi:{PONE}")]), Some(FailReason::Truncated));
    assert_eq!(report.failures[0].keys, vec![format!("doi:{PONE}")]);
    let st = Store::open(&db).unwrap();
    assert_eq!(st.records().unwrap().len(), before);
    assert_eq!(st.response("crossref", &format!("doi:{PONE}")).unwrap().unwrap().outcome, "found");
    drop(st);
    check_store(&db);
    // And the stored answer still serves an offline run.
    let (states, _) =
        crossref_lookup(&cfg, &db, &[PONE], CachePolicy { offline: true, ..Default::default() });
    assert_eq!(states[&format!("doi:{PONE}")], KeyState::Found);
}

#[test]
fn settings_never_print_keys_or_the_contact_address() {
    let mut c = citemap::config::Config::default();
    c.fetch.mailto = "me@example.org".into();
    c.fetch.openalex.api_key = "SECRETKEY123".into();
    let json = serde_json::to_string(&c).unwrap();
    let toml = toml::to_string(&c).unwrap();
    for text in [json, toml] {
        assert!(!text.contains("SECRETKEY123") && !text.contains("me@example.org"), "{text}");
    }
    // They are still read from a configuration file.
    let parsed = citemap::config::Config::from_toml(
        "[fetch]\nmailto = \"a@b.org\"\n[fetch.pubmed]\napi_key = \"K\"\n",
    )
    .unwrap();
    assert_eq!(parsed.fetch.mailto, "a@b.org");
    assert_eq!(parsed.fetch.pubmed.api_key, "K");
}

#[test]
fn a_second_run_asks_only_what_the_first_could_not_get() {
    // Run 1: one DOI keeps failing. Run 2 (server recovered): only that one is asked.
    let srv = Server::start(Duration::ZERO, |s| {
        if s.target.contains("r2") && s.nth < 3 {
            Reply::json(503, "{}")
        } else {
            pone()
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let cfg = config(&srv.base);
    let dois = ["10.1/r1", "10.1/r2", "10.1/r3"];
    let (states, _) = crossref_lookup(&cfg, &db, &dois, CachePolicy::default());
    assert_eq!(failed_reason(&states["doi:10.1/r2"]), Some(FailReason::ServerError));
    assert_eq!(srv.count(), 5);
    let (states, report) = crossref_lookup(&cfg, &db, &dois, CachePolicy::default());
    assert_eq!(states["doi:10.1/r2"], KeyState::Missing);
    assert_eq!(report.services[&Service::Crossref].from_cache, 2);
    assert_eq!(report.services[&Service::Crossref].requests, 1);
    assert_eq!(srv.count(), 6);
    check_store(&db);
}

#[test]
fn works_with_only_a_pmcid_or_an_arxiv_id_are_looked_up() {
    let srv = Server::start(Duration::ZERO, |s| {
        if s.target.starts_with("/openalex/works?filter=pmcid:PMC5815332&") {
            // The recorded PeerJ work (its ids carry .../pmc/articles/5815332).
            let work = String::from_utf8(fixture("openalex/work_W2741809807_peerj.json")).unwrap();
            return Reply::json(
                200,
                format!("{{\"meta\":{{\"count\":1}},\"results\":[{work}],\"group_by\":[]}}"),
            );
        }
        if s.target.starts_with("/s2/paper/batch") {
            // Semantic Scholar knows neither (aligned null).
            return Reply::json(200, "[null]");
        }
        Reply::typed(500, "text/plain", format!("no route for {}", s.target))
    });
    let cfg = config(&srv.base);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut st = Store::open(&path).unwrap();
    let mut s = Session::new(Some(client(&cfg)), &mut st, CachePolicy::default());
    let works = vec![
        vec![citemap::model::Identifier::Pmcid("PMC5815332".into())],
        vec![citemap::model::Identifier::Arxiv("1706.03762".into())],
    ];
    let got =
        citemap::fetch::enrich::enrich(&mut s, &cfg, &works, &[Service::Openalex, Service::SemanticScholar])
            .unwrap();
    assert_eq!(got.states[&(Service::Openalex, "pmcid:PMC5815332".to_string())], KeyState::Found);
    assert_eq!(got.states[&(Service::SemanticScholar, "arxiv:1706.03762".to_string())], KeyState::Missing);
    assert!(
        !got.states.contains_key(&(Service::Openalex, "arxiv:1706.03762".to_string())),
        "OpenAlex has no arXiv filter"
    );
    let batches: Vec<serde_json::Value> = srv
        .seen()
        .iter()
        .filter(|x| x.target.starts_with("/s2/paper/batch"))
        .map(|x| serde_json::from_slice::<serde_json::Value>(&x.body).unwrap()["ids"].clone())
        .collect();
    assert!(batches.contains(&serde_json::json!(["ARXIV:1706.03762"])), "{batches:?}");
    assert!(batches.contains(&serde_json::json!(["PMCID:PMC5815332"])), "{batches:?}");
    assert_eq!(srv.count(), 3);
    drop(s);
    // The answer gives the work its DOI and PMID.
    let records = st.records().unwrap();
    assert!(records.iter().any(|r| r.ids.iter().any(|i| i.to_string() == "doi:10.7717/peerj.4375")));
    drop(st);
    check_store(&path);
}

#[test]
fn openalex_lookups_over_the_daily_budget_fail_with_budget_and_are_asked_later() {
    // The recorded works page answers every batch.
    let srv = Server::start(Duration::ZERO, |_| {
        Reply::json(200, fixture("openalex/works_filter_openalex_cursor_page2_last.json"))
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut cfg = config(&srv.base);
    // Three filter batches of 50 would cost $0.0003; the budget allows one.
    cfg.openalex.daily_budget = Some(0.00015);
    let keys: Vec<String> = (0..120).map(|k| format!("doi:10.9999/b.{k}")).collect();
    let run = |cfg: &FetchConfig| {
        let mut st = Store::open(&db).unwrap();
        let mut s = Session::new(Some(client(cfg)), &mut st, CachePolicy::default());
        s.set_budgets(cfg);
        let make = |scheme: &str, v: &[String]| openalex::lookup(cfg, scheme, v);
        let out = s.lookup(Service::Openalex, Reader::Openalex, &keys, openalex::BATCH, &make).unwrap();
        (out, s.report.clone())
    };
    let (out, report) = run(&cfg);
    assert_eq!(srv.count(), 1);
    let over = out.values().filter(|r| failed_reason(&r.state) == Some(FailReason::Budget)).count();
    assert_eq!(over, 70, "two batches over the budget");
    assert_eq!(report.services[&Service::Openalex].failed[&FailReason::Budget], 70);
    assert_eq!(report.failures.iter().filter(|f| f.reason == FailReason::Budget).count(), 2);
    assert!(report.failures.iter().all(|f| f.detail.contains("daily budget")));
    // With room again, only what the budget stopped is asked.
    cfg.openalex.daily_budget = Some(1.0);
    let (out, report) = run(&cfg);
    assert_eq!(srv.count(), 3);
    assert!(out.values().all(|r| failed_reason(&r.state).is_none()));
    assert_eq!(report.services[&Service::Openalex].from_cache, 50);
    // No budget at all: nothing is priced, nothing refused.
    cfg.openalex.daily_budget = None;
    let (_, report) = run(&cfg);
    assert_eq!(report.failed(), 0);
    check_store(&db);
}
