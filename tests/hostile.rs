//! Issue 15: hostile input, hostile file systems, two users at once. One
//! test per reproduction of the issue, named after it: folders that link to
//! themselves, pipes and standard input, gzip bombs and cut gzip files, huge
//! fields, cut records, inputs of no known kind, outputs written as a set,
//! `--out` on links and devices, two ingests at once, exports that their
//! consumers can read, and interrupted commands (fault injection).

#[path = "support/tools.rs"]
mod tools;

use citemap::ingest::{self, Limits, Options};
use citemap::model::{Diagnostic, Record, Severity};
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// ------------------------------------------------------------ peak memory

/// The system allocator, keeping the peak of live bytes, so a test can show
/// what reading a gzip bomb costs in memory.
struct Peak;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Peak {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now =
                    LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Peak = Peak;

/// Tests that read in this process take turns, so the peak one measures is
/// its own (the command-line tests run in child processes).
static IN_PROCESS: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn in_process() -> std::sync::MutexGuard<'static, ()> {
    IN_PROCESS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Peak live bytes above what was live when `f` started.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let v = f();
    (v, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

// ---------------------------------------------------------------- helpers

/// `n` RIS records with titles "Study N of PREFIX".
fn ris(n: usize, prefix: &str) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "TY  - JOUR\nTI  - Study {i} of {prefix} outcomes in care\nAU  - Author{i}, Ann\nPY  - 2020\nDO  - 10.1234/{prefix}.{i}\nER  - \n\n"
        ));
    }
    s
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("write to Vec");
    e.finish().expect("finish gzip")
}

fn citemap(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_citemap"));
    c.current_dir(dir).env_remove("SOURCE_DATE_EPOCH").env("SOURCE_DATE_EPOCH", "1700000000");
    c
}

/// Waits for `child` at most `secs` seconds: a hang fails the test instead
/// of stalling the suite.
/// Starts `citemap --json --store s.db ingest FILE` in `dir` with its output
/// captured (`what` names the run in the panic when it cannot start).
fn spawn_ingest(dir: &Path, file: &str, what: &str) -> Child {
    citemap(dir)
        .args(["--json", "--store", "s.db", "ingest", file])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect(what)
}

fn finish(mut child: Child, secs: u64) -> Output {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if child.try_wait().expect("child status").is_some() {
            return child.wait_with_output().expect("child output");
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("citemap hung for {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run(dir: &Path, args: &[&str]) -> Output {
    let child = citemap(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("citemap starts");
    finish(child, 120)
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// The `--json` report of an ingest: (path, records, status) per file.
fn ingest_report(o: &Output) -> Vec<(String, u64, String)> {
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("json: {}", text(o)));
    v["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["records"].as_u64().unwrap_or(0),
                f["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn read_each(
    name: &str,
    bytes: &[u8],
    opts: &Options,
) -> (Option<ingest::Format>, Vec<Record>, Vec<Diagnostic>) {
    let mut records = Vec::new();
    let (f, d) =
        ingest::read_each(name, &mut &bytes[..], opts, u64::MAX, &mut |r| records.push(r)).expect("reads");
    (f, records, d)
}

/// True when a diagnostic of any severity mentions `needle`.
fn mentions(diags: &[Diagnostic], needle: &str) -> bool {
    diags.iter().any(|d| d.message.contains(needle))
}

fn has(diags: &[Diagnostic], severity: Severity, needle: &str) -> bool {
    diags.iter().any(|d| d.severity == severity && d.message.contains(needle))
}

fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status().expect("mkfifo runs").success();
    assert!(ok, "mkfifo {}", p.display());
}

fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

// ------------------------------------------------------ 1. walking folders

#[test]
fn folder_with_two_symlinks_to_itself_ln_s_dot_a_and_b_ends_and_reads_each_file_once() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path().join("d");
    std::fs::create_dir(&d).expect("mkdir");
    std::fs::write(d.join("x.ris"), ris(10, "self")).expect("write");
    symlink(".", &d.join("a"));
    symlink(".", &d.join("b"));
    let o = run(t.path(), &["--json", "--store", "s.db", "ingest", "d"]);
    assert!(o.status.success(), "{}", text(&o));
    let files = ingest_report(&o);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].1, 10, "each record once, not once per path");
    // One symlink to its own folder: the file is still read once.
    let t2 = tempfile::tempdir().expect("tempdir");
    std::fs::write(t2.path().join("x.ris"), ris(10, "one")).expect("write");
    symlink(".", &t2.path().join("loop"));
    let o = run(t2.path(), &["--json", "--store", "s.db", "ingest", "."]);
    let records: u64 = ingest_report(&o).iter().filter(|f| f.0.ends_with(".ris")).map(|f| f.1).sum();
    assert_eq!(records, 10, "{}", text(&o));
}

#[test]
fn fifo_with_no_writer_inside_a_folder_is_skipped_with_a_warning_not_a_hang() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path().join("d");
    std::fs::create_dir(&d).expect("mkdir");
    std::fs::write(d.join("x.ris"), ris(3, "fifo")).expect("write");
    mkfifo(&d.join("p.ris"));
    let o = run(t.path(), &["--store", "s.db", "ingest", "d"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("d/p.ris") && out.contains("named pipe inside a folder"), "{out}");
    assert!(out.contains("3 record(s)"), "{out}");
}

#[test]
fn cat_x_ris_piped_to_ingest_dev_stdin_and_dash_is_read_once() {
    for arg in ["/dev/stdin", "-"] {
        let t = tempfile::tempdir().expect("tempdir");
        let mut child = citemap(t.path())
            .args(["--json", "--store", "s.db", "ingest", arg])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts");
        let data = ris(25, "stdin");
        let mut stdin = child.stdin.take().expect("stdin");
        let writer = std::thread::spawn(move || stdin.write_all(data.as_bytes()));
        let o = finish(child, 120);
        writer.join().expect("writer thread").expect("piped");
        assert!(o.status.success(), "{arg}: {}", text(&o));
        let files = ingest_report(&o);
        assert_eq!(files, vec![(arg.to_string(), 25, "added".to_string())], "{arg}");
    }
}

#[test]
fn named_pipe_given_explicitly_is_opened_once_and_read() {
    let t = tempfile::tempdir().expect("tempdir");
    let p = t.path().join("in.ris");
    mkfifo(&p);
    let child = spawn_ingest(t.path(), "in.ris", "starts");
    let data = ris(7, "pipe");
    let pp = p.clone();
    // A FIFO opened twice would block the second open for ever: one writer only.
    let writer = std::thread::spawn(move || std::fs::write(pp, data));
    let o = finish(child, 60);
    writer.join().expect("writer").expect("written");
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(ingest_report(&o)[0].1, 7);
}

// --------------------------------------------------- 2. bounds before allocation

/// A multi-member gzip of `member` repeated `n` times: expands to
/// `n * member.len()` bytes from a small file.
fn bomb(member: &[u8], n: usize) -> Vec<u8> {
    let one = gz(member);
    one.repeat(n)
}

#[test]
fn gzip_bomb_of_ten_gib_zeros_from_ten_mb_costs_no_more_than_its_first_block() {
    let _turn = in_process();
    let b = bomb(&vec![0u8; 1 << 20], 10 << 10);
    assert!(b.len() < 12 << 20, "a 10 MB file: {}", b.len());
    let ((f, records, diags), peak) = peak_during(|| read_each("bomb.gz", &b, &Options::default()));
    assert_eq!(f, None);
    assert!(records.is_empty());
    assert!(has(&diags, Severity::Error, "binary data"), "{diags:?}");
    assert!(peak < 32 << 20, "peak {peak} bytes");
}

#[test]
fn gzip_bomb_of_ris_text_stops_at_a_small_configured_bound_with_memory_below_it() {
    let _turn = in_process();
    // 1 GiB of RIS from a ~2 MB file; a bound of 8 MiB.
    let b = bomb(ris(9000, "bomb").as_bytes(), 1 << 30 >> 20);
    let opts =
        Options { max_decompressed_bytes: Some(8 << 20), max_gzip_ratio: Some(0), ..Options::default() };
    // The records handed out are counted and dropped, as `ingest` does
    // (they go to the store): what is measured is the reader's own memory.
    let mut n = 0usize;
    let ((f, diags), peak) = peak_during(|| {
        ingest::read_each("bomb.ris.gz", &mut &b[..], &opts, u64::MAX, &mut |_| n += 1).expect("reads")
    });
    assert_eq!(f, None, "beyond the bound: skipped");
    assert!(n > 10_000, "records streamed before the bound: {n}");
    assert!(has(&diags, Severity::Error, "beyond the limit of 8388608 bytes"), "{diags:?}");
    assert!(peak < 8 << 20, "peak {peak} bytes");
}

#[test]
fn gzip_bomb_expanding_hundreds_of_times_is_stopped_by_the_ratio_bound_under_defaults() {
    let _turn = in_process();
    // 64 MiB of one repeated record per member, 160 members: 10 GiB from ~36 MB.
    let rec = "TY  - JOUR\nTI  - Study of bombs in care\nAU  - Author, Ann\nPY  - 2020\nER  - \n\n";
    let member = gz(rec.repeat((64 << 20) / rec.len()).as_bytes());
    let b = member.repeat(160);
    let mut n = 0usize;
    let ((f, diags), peak) = peak_during(|| {
        ingest::read_each("bomb.ris.gz", &mut &b[..], &Options::default(), u64::MAX, &mut |_| n += 1)
            .expect("reads")
    });
    assert_eq!(f, None, "skipped");
    assert!(has(&diags, Severity::Error, "a zip bomb? skipped (ingest.max_gzip_ratio)"), "{diags:?}");
    // Stopped just past the 8 MiB where the ratio is first checked.
    assert!(n < 200_000, "{n} records read before the stop");
    assert!(peak < 16 << 20, "peak {peak} bytes");
    // Ordinary gzip (RIS compresses ~10 times) is not touched by the bound.
    let plain = ris(100_000, "ordinary");
    let (f, records, diags) = read_each("ok.ris.gz", &gz(plain.as_bytes()), &Options::default());
    assert_eq!(f, Some(ingest::Format::Ris), "{diags:?}");
    assert_eq!(records.len(), 100_000);
}

#[test]
fn one_huge_ris_title_is_cut_with_a_warning_naming_file_line_and_record() {
    let _turn = in_process();
    let mut text = ris(2, "before");
    let huge = "A".repeat(3 << 20);
    text.push_str(&format!("TY  - JOUR\nTI  - {huge}\nAU  - Big, Title\nPY  - 2021\nER  - \n\n"));
    text.push_str(&ris(2, "after"));
    let opts = Options {
        limits: Limits { max_line_bytes: 1 << 20, max_field_bytes: 64 << 10, ..Limits::default() },
        ..Options::default()
    };
    // Both the streamed path (a big RIS) and the path read whole (a small one).
    for padded in [false, true] {
        let mut t = text.clone();
        if padded {
            t.push_str(&ris(2000, "padding"));
        }
        let (f, records, diags) = read_each("huge.ris", t.as_bytes(), &opts);
        assert_eq!(f, Some(ingest::Format::Ris));
        let big = &records[2];
        assert!(big.title.as_ref().is_some_and(|t| t.len() <= 64 << 10), "title cut to the field bound");
        let line = diags.iter().find(|d| d.message.contains("ingest.max_line_bytes")).expect("line warning");
        assert_eq!((&*line.at.input, line.at.line), ("huge.ris", 16));
        let field =
            diags.iter().find(|d| d.message.contains("ingest.max_field_bytes")).expect("field warning");
        assert!(field.message.starts_with("record 3: title is"), "{}", field.message);
        assert_eq!(field.at.line, 15);
        assert!(records.len() >= 5);
    }
}

#[test]
fn a_record_over_the_record_bound_is_dropped_with_a_warning() {
    let _turn = in_process();
    let mut text = ris(1, "small");
    let kw: String = (0..200).map(|i| format!("KW  - keyword number {i} {}\n", "x".repeat(500))).collect();
    text.push_str(&format!("TY  - JOUR\nTI  - Many keywords\n{kw}ER  - \n\n"));
    text.push_str(&ris(1, "last"));
    let opts =
        Options { limits: Limits { max_record_bytes: 50_000, ..Limits::default() }, ..Options::default() };
    let (_, records, diags) = read_each("kw.ris", text.as_bytes(), &opts);
    assert_eq!(records.len(), 2, "the big record dropped, the rest kept");
    let d = diags.iter().find(|d| d.message.contains("ingest.max_record_bytes")).expect("warning");
    assert!(d.message.starts_with("record 2 holds"), "{}", d.message);
    assert_eq!(d.at.line, 8);
}

#[test]
fn read_and_the_stream_agree_on_a_name_over_the_bound_at_the_end() {
    let _turn = in_process();
    // Streamed (big enough) RIS whose last author runs into 3000 bytes with no line break.
    let mut text = ris(700, "agree");
    text.push_str("TY  - JOUR\nTI  - Last\nAU  - ");
    text.push_str(&"z".repeat(3000));
    assert!(text.len() > ingest::SNIFF_BYTES);
    let whole = ingest::read("t.ris", text.as_bytes(), &Options::default());
    let streamed =
        ingest::read_from("t.ris", &mut text.as_bytes(), &Options::default(), u64::MAX).expect("reads");
    assert_eq!(whole.0, streamed.0);
    assert!(whole.1.records == streamed.1.records);
    let last = whole.1.records.last().expect("records");
    assert!(last.authors[0].raw.len() <= ingest::MAX_NAME_BYTES);
}

#[test]
fn a_100000_character_name_is_cut_so_map_stays_linear() {
    let _turn = in_process();
    let name = "Q".repeat(100_000);
    let text = format!("TY  - JOUR\nTI  - One long name\nAU  - {name}, A\nPY  - 2020\nER  - \n\n");
    let (_, records, diags) = read_each("name.ris", text.as_bytes(), &Options::default());
    let a = &records[0].authors[0];
    assert!(a.raw.len() <= ingest::MAX_NAME_BYTES && a.family.len() <= ingest::MAX_NAME_BYTES);
    assert!(has(&diags, Severity::Warning, "author name is"), "{diags:?}");
}

#[test]
fn xml_nested_deeper_than_200_levels_is_reported() {
    let _turn = in_process();
    let deep = format!(
        "<?xml version=\"1.0\"?>\n<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>{}T{}</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>\n",
        "<i>".repeat(300),
        "</i>".repeat(300)
    );
    let (_, p) = ingest::read("deep.xml", deep.as_bytes(), &Options::default());
    assert!(mentions(&p.diagnostics, "nested deeper than 200 levels"), "{:?}", p.diagnostics);
    assert_eq!(p.records.len(), 1);
    // A CSL-JSON item nested deeper than the JSON readers' bound (128) says so.
    let json = format!(
        "[{{\"id\": \"a\", \"type\": \"article-journal\", \"title\": \"Deep\", \"note\": {}1{}}}]",
        "[".repeat(1000),
        "]".repeat(1000)
    );
    let (_, p) = ingest::read("deep.json", json.as_bytes(), &Options::default());
    assert!(mentions(&p.diagnostics, "nested 1002 levels deep"), "{:?}", p.diagnostics);
}

// ------------------------------------------------------- 3. truncation visible

#[test]
fn truncated_medline_keeps_its_last_record_with_input_ends_inside_record_n() {
    let _turn = in_process();
    let mut text = String::new();
    for i in 1..=3 {
        text.push_str(&format!(
            "PMID- 1000{i}\nTI  - A trial of thing number {i} in adults\nFAU - Smith, John\nAU  - Smith J\nDP  - 2020\n\n"
        ));
    }
    let cut = &text[..text.len() - 20];
    let (_, p) = ingest::read("cut.nbib", cut.as_bytes(), &Options::default());
    assert_eq!(p.records.len(), 3, "the cut record is kept");
    assert!(has(&p.diagnostics, Severity::Warning, "input ends inside record 3"), "{:?}", p.diagnostics);
    let (_, whole) = ingest::read("whole.nbib", text.as_bytes(), &Options::default());
    assert!(!has(&whole.diagnostics, Severity::Warning, "input ends inside"));
    // A scraped abstract page cut mid-sentence (seed 003, cut at 608 bytes).
    let page = std::fs::read("../shared/seeds/003_ae60668fb8a411d6.txt").expect("seed 003");
    let (f, p) = ingest::read("cut003.txt", &page[..608], &Options::default());
    assert_eq!(f, Some(ingest::Format::AbstractPage));
    assert!(has(&p.diagnostics, Severity::Warning, "input ends inside record 1"), "{:?}", p.diagnostics);
    let (_, whole) = ingest::read("003.txt", &page, &Options::default());
    assert!(!has(&whole.diagnostics, Severity::Warning, "input ends inside"), "the whole page is not cut");
    // BibTeX cut right after an entry's type.
    let bib = "@article{a,\n title = {One},\n year = {2001}\n}\n\n@ar";
    let (_, p) = ingest::read("cut.bib", bib.as_bytes(), &Options::default());
    assert_eq!(p.records.len(), 1);
    let d = p.diagnostics.iter().find(|d| d.message.contains("input ends inside record 2")).expect("warned");
    assert_eq!(d.at.line, 6);
}

#[test]
fn truncated_gz_yields_the_records_before_the_cut_plus_an_error() {
    let _turn = in_process();
    let data = ris(3000, "cut");
    let z = gz(data.as_bytes());
    let cut = &z[..z.len() * 6 / 10];
    // Streamed (read_each) and held whole (read).
    let (f, records, diags) = read_each("cut.ris.gz", cut, &Options::default());
    assert_eq!(f, Some(ingest::Format::Ris));
    assert!(records.len() > 1000 && records.len() < 3000, "{}", records.len());
    assert!(has(&diags, Severity::Error, "gzip data is cut short"), "{diags:?}");
    let (f, p) = ingest::read("cut.ris.gz", cut, &Options::default());
    assert_eq!(f, Some(ingest::Format::Ris));
    assert!(p.records.len() > 1000);
    assert!(has(&p.diagnostics, Severity::Error, "the records before it are kept"));
}

#[test]
fn unknown_kind_of_input_says_empty_binary_cut_json_at_line_or_unknown_xml_root() {
    let _turn = in_process();
    // Plain text that no export format claims goes to the general page
    // reader (issue 11), which says why when it finds nothing in it.
    let (f, p) = ingest::read("text", b"hello there\nsecond line\n", &Options::default());
    assert_eq!(f, Some(ingest::Format::Page));
    assert!(p.records.is_empty());
    assert!(has(&p.diagnostics, Severity::Warning, "nothing to read"), "{:?}", p.diagnostics);
    let cases: [(&str, &[u8], &str); 5] = [
        ("empty", b"", "the input is empty"),
        ("blank", b"  \n\n ", "only blank space"),
        ("binary", &[0x89, b'P', b'N', b'G', 0, 0, 0, 0x0d, 1, 2, 3, 0, 0, 0, 4, 5], "binary data"),
        ("cut json", b"{\n  \"a\": [1,\n 2,\n", "JSON cut short: it ends at line 4"),
        (
            "xml",
            b"<?xml version=\"1.0\"?>\n<!-- c -->\n<rss version=\"2.0\"><channel/></rss>",
            "root element <rss>",
        ),
    ];
    for (name, bytes, want) in cases {
        let (f, p) = ingest::read(name, bytes, &Options::default());
        assert_eq!(f, None, "{name}");
        let msg = &p.diagnostics.iter().find(|d| d.severity == Severity::Error).expect("error").message;
        assert!(msg.starts_with("unknown kind of input: ") && msg.contains(want), "{name}: {msg}");
        // The streaming entry gives the same reason.
        let (_, _, d) = read_each(name, bytes, &Options::default());
        assert!(has(&d, Severity::Error, want), "{name} streamed: {d:?}");
    }
}

// ---------------------------------------------------------- 4. outputs as a set

/// Every file of `dir` with the SHA-256 of its bytes.
fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, citemap::store::sha256_hex(&std::fs::read(&p).unwrap_or_default()))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn map_that_read_nothing_typo_in_a_path_leaves_the_previous_outputs() {
    let t = tempfile::tempdir().expect("tempdir");
    std::fs::write(t.path().join("a.ris"), ris(5, "good")).expect("write");
    let o = run(t.path(), &["-q", "map", "a.ris", "--out", "out", "--format", "dot,graphml"]);
    assert!(o.status.success(), "{}", text(&o));
    let before = snapshot(&t.path().join("out"));
    assert_eq!(before.len(), 3);
    let o = run(t.path(), &["-q", "map", "a.rsi", "--out", "out", "--format", "dot,graphml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("nothing written"), "{}", text(&o));
    assert_eq!(snapshot(&t.path().join("out")), before);
}

#[test]
fn export_out_symlink_and_device_refused_unless_force_and_dash_is_stdout() {
    let t = tempfile::tempdir().expect("tempdir");
    std::fs::write(t.path().join("a.ris"), ris(4, "exp")).expect("write");
    assert!(run(t.path(), &["-q", "--store", "s.db", "ingest", "a.ris"]).status.success());
    // A symbolic link is not replaced.
    symlink("target.dot", &t.path().join("link.dot"));
    let o = run(t.path(), &["-q", "--store", "s.db", "export", "-f", "dot", "--out", "link.dot"]);
    assert!(!o.status.success() && text(&o).contains("symbolic link"), "{}", text(&o));
    assert!(!t.path().join("target.dot").exists());
    let o = run(t.path(), &["-q", "--store", "s.db", "--force", "export", "-f", "dot", "--out", "link.dot"]);
    assert!(o.status.success(), "{}", text(&o));
    let meta = std::fs::symlink_metadata(t.path().join("link.dot")).expect("link");
    assert!(meta.file_type().is_symlink(), "the link stays a link");
    assert!(std::fs::read_to_string(t.path().join("target.dot")).expect("target").starts_with("digraph"));
    // A device is refused, and with --force written into, never replaced.
    let o = run(t.path(), &["-q", "--store", "s.db", "export", "-f", "ris", "--out", "/dev/null"]);
    assert!(!o.status.success() && text(&o).contains("not a regular file"), "{}", text(&o));
    let o = run(t.path(), &["-q", "--store", "s.db", "--force", "export", "-f", "ris", "--out", "/dev/null"]);
    assert!(o.status.success(), "{}", text(&o));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/null").expect("null").file_type().is_char_device());
    // `-`: standard output.
    let o = run(t.path(), &["-q", "--store", "s.db", "export", "-f", "ris", "--out", "-"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).matches("TY  - ").count(), 4);
    assert!(!t.path().join("-").exists());
}

// ---------------------------------------------------------------- 5. store

/// Waits (up to 120 s) until another process holds the write lock of the
/// store at `path`: this test's own attempt to begin a write finds it busy.
fn until_store_locked(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if path.exists() {
            if let Ok(mut store) = citemap::store::Store::open(path) {
                store.set_busy_timeout(Duration::ZERO).expect("busy timeout");
                if let Err(citemap::store::Error::Busy { .. }) = store.batch() {
                    return;
                }
            }
        }
        assert!(Instant::now() < deadline, "no other process took the write lock of {}", path.display());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Reads a citemap's stderr on a thread of its own: the receiver hears
/// once per "waiting for another citemap on s.db" line, and the thread gives
/// back everything read.
fn watch_for_wait(
    stderr: std::process::ChildStderr,
) -> (std::sync::mpsc::Receiver<()>, std::thread::JoinHandle<String>) {
    use std::io::BufRead;
    let (said, waits) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("waiting for another citemap on s.db") {
                said.send(()).ok();
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    (waits, reader)
}

#[test]
fn two_concurrent_ingests_on_one_store_both_succeed_and_leave_no_wal() {
    let t = tempfile::tempdir().expect("tempdir");
    std::fs::write(t.path().join("b.ris"), ris(6, "second")).expect("write");
    let fifo = t.path().join("a.ris");
    mkfifo(&fifo);
    // The first ingest holds the write lock while it waits for its input;
    // the second starts once it does, and the first is fed once the second
    // says it waits (on a busy machine, fixed pauses were not always enough).
    // The store exists first, so that this test's own look at the lock
    // (which opens the store) never waits for the first one's creation of
    // it (that wait is the next test's).
    drop(citemap::store::Store::open(&t.path().join("s.db")).expect("store"));
    let first = spawn_ingest(t.path(), "a.ris", "first starts");
    until_store_locked(&t.path().join("s.db"));
    let mut second = spawn_ingest(t.path(), "b.ris", "second starts");
    let (waits, reader) = watch_for_wait(second.stderr.take().expect("second's stderr"));
    let told = waits.recv_timeout(Duration::from_secs(120)).is_ok();
    std::fs::write(&fifo, ris(5, "first")).expect("feed the first");
    let a = finish(first, 120);
    let b = finish(second, 120);
    let b_stderr = reader.join().expect("second's stderr read");
    assert!(a.status.success(), "first: {}", text(&a));
    assert!(b.status.success(), "second: {}{b_stderr}", text(&b));
    assert!(told, "the second did not say it waits: {}{b_stderr}", text(&b));
    assert_eq!(ingest_report(&a)[0].1, 5);
    assert_eq!(ingest_report(&b)[0].1, 6);
    let store = citemap::store::Store::open(&t.path().join("s.db")).expect("opens");
    assert_eq!(store.inputs().expect("inputs").len(), 2);
    assert_eq!(store.records().expect("records").len(), 11);
    drop(store);
    assert!(!t.path().join("s.db-wal").exists(), "no -wal left after clean exits");
}

/// A citemap that opens a store while another process is still creating
/// it (the write lock held, half the tables made) says it waits, then sets
/// up the rest and ingests once the lock is let go.
#[test]
fn an_ingest_into_a_store_being_created_says_it_waits_then_succeeds() {
    let t = tempfile::tempdir().expect("tempdir");
    std::fs::write(t.path().join("b.ris"), ris(6, "second")).expect("write");
    let creating = rusqlite::Connection::open(t.path().join("s.db")).expect("db");
    creating.pragma_update(None, "journal_mode", "WAL").expect("wal");
    creating
        .execute_batch("BEGIN IMMEDIATE; CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);")
        .expect("lock");
    let mut child = spawn_ingest(t.path(), "b.ris", "ingest starts");
    let (waits, reader) = watch_for_wait(child.stderr.take().expect("stderr"));
    let told = waits.recv_timeout(Duration::from_secs(120)).is_ok();
    creating.execute_batch("COMMIT;").expect("commit");
    drop(creating);
    let o = finish(child, 120);
    let err = reader.join().expect("stderr read");
    assert!(told, "the ingest did not say it waits: {}{err}", text(&o));
    assert!(o.status.success(), "{}{err}", text(&o));
    assert_eq!(ingest_report(&o)[0].1, 6);
    let store = citemap::store::Store::open(&t.path().join("s.db")).expect("opens");
    assert_eq!(store.records().expect("records").len(), 6);
}

/// A folder where one output goes: the command fails before any output
/// is renamed into place, so the other outputs are not replaced either.
#[test]
fn a_folder_in_place_of_one_output_leaves_every_output_as_it_was() {
    let t = tempfile::tempdir().expect("tempdir");
    std::fs::write(t.path().join("a.ris"), ris(4, "folder")).expect("write");
    std::fs::create_dir_all(t.path().join("out").join("map.svg")).expect("folder");
    std::fs::write(t.path().join("out").join("graph.dot"), "old").expect("old output");
    let o = run(t.path(), &["-q", "map", "a.ris", "--out", "out", "--date", "2026-01-01"]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("a folder is there"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(t.path().join("out").join("graph.dot")).expect("dot"), "old");
    assert!(!t.path().join("out").join("graph.graphml").exists());
    let left: Vec<String> = std::fs::read_dir(t.path().join("out"))
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.iter().all(|n| !n.starts_with(".citemap-tmp")), "{left:?}");
}

// ---------------------------------------------------- 6. exports for consumers

/// A store holding records whose text attacks each consumer.
fn hostile_store(dir: &Path) {
    let long = "L".repeat(20_000);
    let text = format!(
        "TY  - JOUR\nTI  - =HYPERLINK(\"http://x\",\"click\") study\u{1b}]0;owned\u{7}\nAU  - \u{1b}[2JEvil\u{0}, Eve\nPY  - 2020\nDO  - 10.1/evil\nER  - \n\n\
         TY  - JOUR\nTI  - Ends in a backslash \\\nAU  - @Plus, Bob\nPY  - 2021\nDO  - 10.1/bs\nER  - \n\n\
         TY  - JOUR\nTI  - {long}\nAU  - -Minus, Carl\nPY  - 2022\nDO  - 10.1/long\nER  - \n\n"
    );
    std::fs::write(dir.join("evil.ris"), text).expect("write");
    let o = run(dir, &["-q", "--store", "s.db", "ingest", "evil.ris"]);
    assert!(o.status.success(), "{}", text_of(&o));
}

fn text_of(o: &Output) -> String {
    text(o)
}

fn no_controls(bytes: &[u8]) -> bool {
    !bytes.iter().any(|&b| b < 0x20 && b != b'\n' && b != b'\t' && b != b'\r' || b == 0x7f)
}

#[test]
fn csv_cells_starting_with_formula_characters_get_a_quote_unless_raw_csv() {
    let t = tempfile::tempdir().expect("tempdir");
    hostile_store(t.path());
    let o =
        run(t.path(), &["-q", "--store", "s.db", "export", "-f", "csv", "--graph", "full", "--out", "g.csv"]);
    assert!(o.status.success(), "{}", text(&o));
    let nodes = std::fs::read(t.path().join("g_nodes.csv")).expect("nodes");
    assert!(no_controls(&nodes), "control bytes in CSV");
    let s = String::from_utf8_lossy(&nodes);
    assert!(s.contains("\"'=HYPERLINK("), "{s}");
    assert!(!s.contains(",=") && !s.contains(",\"=") && !s.contains(",@") && !s.contains(",-M"), "{s}");
    let o = run(
        t.path(),
        &["-q", "--store", "s.db", "export", "-f", "csv", "--graph", "full", "--out", "raw.csv", "--raw-csv"],
    );
    assert!(o.status.success());
    let raw = std::fs::read_to_string(t.path().join("raw_nodes.csv")).expect("raw");
    assert!(raw.contains("\"=HYPERLINK(") && !raw.contains("'=HYPERLINK"), "{raw}");
}

#[test]
fn nul_bel_esc_never_reach_ris_export_show_or_query() {
    let t = tempfile::tempdir().expect("tempdir");
    hostile_store(t.path());
    let o = run(t.path(), &["-q", "--store", "s.db", "export", "-f", "ris", "--out", "out.ris"]);
    assert!(o.status.success());
    let r = std::fs::read(t.path().join("out.ris")).expect("ris");
    assert!(no_controls(&r), "control bytes in RIS");
    assert!(String::from_utf8_lossy(&r).contains("]0;owned"));
    let o = run(t.path(), &["--store", "s.db", "show", "work", "10.1/evil"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(no_controls(&o.stdout) && no_controls(&o.stderr), "{:?}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("[2JEvil"));
    let o = run(t.path(), &["--store", "s.db", "query", "author", "Evil"]);
    assert!(no_controls(&o.stdout) && no_controls(&o.stderr), "{:?}", text(&o));
}

#[test]
fn dot_strings_stay_below_graphviz_limit_with_the_full_text_in_graphml_and_pajek_backslash() {
    let t = tempfile::tempdir().expect("tempdir");
    hostile_store(t.path());
    for (f, out) in [("dot", "g.dot"), ("graphml", "g.graphml"), ("pajek", "g.net")] {
        let o = run(t.path(), &["-q", "--store", "s.db", "export", "-f", f, "--graph", "full", "--out", out]);
        assert!(o.status.success(), "{f}: {}", text(&o));
    }
    let dot = std::fs::read_to_string(t.path().join("g.dot")).expect("dot");
    // Longest quoted run: every string below Graphviz's 16,384 characters.
    let longest = dot.split('"').map(str::len).max().unwrap_or(0);
    assert!(longest < 16_384, "{longest}");
    let graphml = std::fs::read_to_string(t.path().join("g.graphml")).expect("graphml");
    assert!(graphml.contains(&"L".repeat(20_000)), "GraphML keeps the full title");
    if tools::graphviz() {
        let o = Command::new("dot").arg("-Tsvg").arg(t.path().join("g.dot")).output().expect("dot");
        assert!(o.status.success(), "graphviz rejects: {}", String::from_utf8_lossy(&o.stderr));
    }
    let net = std::fs::read_to_string(t.path().join("g.net")).expect("net");
    assert!(!net.contains("\\\""), "no label ends in a backslash: {net}");
    let script = "import networkx as nx, sys; g = nx.read_pajek(sys.argv[1]); print(g.number_of_nodes())";
    if tools::networkx() {
        let o =
            Command::new("python3").args(["-c", script]).arg(t.path().join("g.net")).output().expect("py");
        assert!(o.status.success(), "networkx: {}", String::from_utf8_lossy(&o.stderr));
    }
}

// ------------------------------------------------------ 7. fault injection

/// Runs `args` with a file-size limit of `kib` KiB (`ulimit -f`): a write
/// past it fails with EFBIG (`ignore_signal`) or kills the process with
/// SIGXFSZ, as a full disk or a crash would interrupt it.
fn run_limited(dir: &Path, kib: u64, ignore_signal: bool, args: &[&str]) -> Output {
    let trap = if ignore_signal { "trap '' XFSZ; " } else { "" };
    let script = format!("{trap}ulimit -f {}; exec \"$0\" \"$@\"", kib * 1024 / 512);
    let child = Command::new("sh")
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_citemap"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    finish(child, 300)
}

#[test]
fn interrupted_ingest_and_map_on_a_size_limited_disk_leave_store_and_outputs_as_they_were() {
    let t = tempfile::tempdir().expect("tempdir");
    std::fs::write(t.path().join("a.ris"), ris(20, "kept")).expect("write");
    // Incompressible-enough text so the store grows past the limit.
    let big: String = (0..6000)
        .map(|i| {
            format!(
                "TY  - JOUR\nTI  - Study {i} {:x}\nAB  - {}\nAU  - Writer{i}, Z\nPY  - 2019\nER  - \n\n",
                i * 7919,
                (0..40)
                    .map(|k| format!("{:08x}", (i as u64 * 2_654_435_761 + k * 40_503) % 4_294_967_291))
                    .collect::<String>()
            )
        })
        .collect();
    std::fs::write(t.path().join("big.ris"), &big).expect("write");
    assert!(run(t.path(), &["-q", "--store", "s.db", "ingest", "a.ris"]).status.success());
    let o = run(t.path(), &["-q", "map", "a.ris", "--out", "out", "--format", "dot,graphml"]);
    assert!(o.status.success(), "{}", text(&o));
    let outputs = snapshot(&t.path().join("out"));
    let store_before = {
        let s = citemap::store::Store::open(&t.path().join("s.db")).expect("opens");
        (s.inputs().expect("inputs"), s.records().expect("records").len())
    };
    std::fs::write(t.path().join("before.ris"), b"kept as it was\n").expect("write");
    assert!(run(t.path(), &["-q", "--store", "e.db", "ingest", "big.ris"]).status.success());
    let limit_kib = (std::fs::metadata(t.path().join("s.db")).expect("db").len() / 1024) + 256;
    for ignore_signal in [true, false] {
        let o =
            run_limited(t.path(), limit_kib, ignore_signal, &["-q", "--store", "s.db", "ingest", "big.ris"]);
        assert!(!o.status.success(), "the limit interrupts the ingest: {}", text(&o));
        let s = citemap::store::Store::open(&t.path().join("s.db")).expect("the store still opens");
        assert_eq!((s.inputs().expect("inputs"), s.records().expect("records").len()), store_before);
        drop(s);
        // An export bigger than the limit leaves the previous file.
        let o = run_limited(
            t.path(),
            256,
            ignore_signal,
            &["-q", "--store", "e.db", "export", "-f", "ris", "--out", "before.ris"],
        );
        assert!(!o.status.success(), "the limit interrupts the export: {}", text(&o));
        assert_eq!(std::fs::read(t.path().join("before.ris")).expect("read"), b"kept as it was\n");
        let o = run_limited(
            t.path(),
            64,
            ignore_signal,
            &["-q", "map", "big.ris", "--out", "out", "--format", "dot,graphml"],
        );
        assert!(!o.status.success(), "the limit interrupts the map: {}", text(&o));
        // A killed run may leave its hidden temporary file; the outputs
        // themselves are as they were.
        let after = snapshot(&t.path().join("out"));
        let named: Vec<_> = after.iter().filter(|(n, _)| !n.starts_with(".citemap-tmp-")).cloned().collect();
        assert_eq!(named, outputs, "outputs as they were");
        assert!(ignore_signal || after.len() >= named.len());
        // The next run removes what the killed one left.
        let o = run(t.path(), &["-q", "map", "a.ris", "--out", "out", "--format", "dot,graphml"]);
        assert!(o.status.success(), "{}", text(&o));
        assert_eq!(snapshot(&t.path().join("out")), outputs, "nothing left behind");
    }
}
