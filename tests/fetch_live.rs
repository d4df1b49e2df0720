//! A live smoke test against the real services (network, rustls with the
//! system's roots). Never part of the normal run: it is ignored, and run
//! with `CITEMAP_LIVE=1 cargo test --test fetch_live -- --ignored`.

use citemap::fetch::session::{CachePolicy, KeyState, Reader, Session};
use citemap::fetch::{crossref, Client, Service};

#[test]
#[ignore = "needs the internet: CITEMAP_LIVE=1 cargo test --test fetch_live -- --ignored"]
fn crossref_knows_a_plos_one_paper() {
    assert_eq!(std::env::var("CITEMAP_LIVE").as_deref(), Ok("1"), "set CITEMAP_LIVE=1 to run");
    let cfg = citemap::config::FetchConfig::default();
    let mut store = citemap::store::Store::in_memory().unwrap();
    let mut s = Session::new(Some(Client::new(&cfg).unwrap()), &mut store, CachePolicy::default());
    let make = |_: &str, v: &[String]| v.first().map(|d| crossref::work(&cfg, d));
    let keys = vec!["doi:10.1371/journal.pone.0033693".to_string()];
    let out = s.lookup(Service::Crossref, Reader::Crossref, &keys, 1, &make).unwrap();
    assert_eq!(out[&keys[0]].state, KeyState::Found, "{:?}", s.report);
}
