#!/usr/bin/env python3
"""Hostile-input campaign behind the README's reliability figures (issue 15).

Cuts every fixture under ../shared/fixtures/formats and every seed at ten
points (half of them in the middle of a line), gzips the whole and cut
versions, and adds malformed inputs (empty, blank, binary, cut JSON, unknown
XML root, deep nesting, control bytes). Each is read with
`citemap --json ingest FILE` into a fresh store under a 60 s timeout.

Counts: inputs tried, hangs (timeouts), aborts (killed by a signal), and
"silent" cuts: a file cut in the middle of a line that came back with
records but without any warning or error.

Usage: python3 scripts/hostile_inputs.py [path/to/citemap]
"""
import gzip, json, os, subprocess, sys, tempfile

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/debug/citemap"
ROOTS = ["../shared/fixtures/formats", "../shared/seeds"]


def files():
    for root in ROOTS:
        for d, _, names in sorted(os.walk(root)):
            for n in sorted(names):
                if n.endswith(".md"):
                    continue
                p = os.path.join(d, n)
                if os.path.getsize(p) > 0:
                    yield p


def malformed():
    yield "empty.txt", b""
    yield "blank.txt", b"  \n\n"
    yield "binary.bin", bytes(range(256)) * 64
    yield "cut.json", b'{"results": [{"id": "W1", "title": "x"'
    yield "root.xml", b'<?xml version="1.0"?><rss><channel/></rss>'
    yield "deep.xml", b"<PubmedArticleSet>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</PubmedArticleSet>"
    yield "deep.json", b"[" * 100000 + b"]" * 100000
    yield "deep.bib", b"@article{k, title = {" + b"{" * 5000 + b"x" + b"}" * 5000 + b"}}"
    yield "controls.ris", b"TY  - JOUR\nTI  - \x1b[2J\x07\x00title\nER  - \n"
    yield "zeros.gz", gzip.compress(b"\0" * (8 << 20))


def run(name, data, tmp):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    store = os.path.join(tmp, "s.db")
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(store + ext):
            os.remove(store + ext)
    try:
        p = subprocess.run([BIN, "--json", "-q", "--store", store, "ingest", path],
                           capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "hang", None
    if p.returncode < 0:
        return "abort", None
    try:
        return "ok", json.loads(p.stdout)["files"][0]
    except Exception:
        return "ok", None


def main():
    tried = hangs = aborts = 0
    silent = {}
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for p in files():
            data = open(p, "rb").read()
            base = os.path.basename(p)
            cases.append((base, data, False))
            cases.append((base + ".gz", gzip.compress(data), False))
            for k in range(1, 11):
                cut = len(data) * k // 11
                mid_line = data[cut - 1:cut] != b"\n"
                cases.append((base, data[:cut], mid_line and data[:cut].strip() != b""))
                if k % 3 == 0:
                    z = gzip.compress(data)
                    cases.append((base + ".gz", z[: len(z) * k // 11], False))
        for name, data in malformed():
            cases.append((name, data, False))
        for name, data, check_silent in cases:
            tried += 1
            status, report = run(name, data, tmp)
            hangs += status == "hang"
            aborts += status == "abort"
            if status != "ok":
                print(status, name, len(data))
            if check_silent and report and report["records"] > 0:
                if not any(d["severity"] in ("warning", "error") for d in report["diagnostics"]):
                    kind = report.get("format") or "?"
                    silent[kind] = silent.get(kind, 0) + 1
                    print("silent cut:", kind, name, len(data))
    print(f"inputs tried {tried}, hangs {hangs}, aborts {aborts}")
    print("mid-line cuts read without a warning, by kind:", silent or "none")


if __name__ == "__main__":
    main()
