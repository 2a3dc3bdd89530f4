#!/usr/bin/env python3
"""Documents and expectations for the listener tests (cli_listen.sh).

Document i has a kind by i % 5: a submitted inspection, a draft inspection,
a defect, a site, a note without type; even ones carry an owner (~c8oAcl,
which a delivery must not carry). The seed deletes every i % 7 == 3.

  listen_data.py seed URL DB N          write documents 0..N-1, delete some
  listen_data.py write URL DB FROM N [PAUSE]
        write documents FROM..FROM+N-1 in bulks of 10, PAUSE s apart (0.02)
  listen_data.py expect N               the ids each listener must get, as JSON
  listen_data.py check RECORD N [--from M] [--exact] [--json-lines]
        compare a recording (target or --exec) with the expectation for the
        documents M..N-1 (M: 0): prints one line per listener, "NAME ok" or
        what differs."""
import json
import sys
import time
import urllib.request

KINDS = ["insp-s", "insp-d", "defect", "site", "note"]
CHUNK = {"SubmittedInspections": 20, "DefectChanges": 10, "DelInsp": 5, "DelDefects": 7}
SEED = 1000


def doc(i):
    k = KINDS[i % 5]
    d = {"_id": "%s-%05d" % (k, i), "n": i, "c8oGrp": "g%d" % (i % 2)}
    if k.startswith("insp"):
        d["type"] = "inspection"
        d["site"] = "site-%05d" % (i - i % 5 + 3)
        d["date"] = "2026-12-%02d" % (1 + i % 28)
        d["status"] = "submitted" if k == "insp-s" else "draft"
    elif k != "note":
        d["type"] = k
    if i % 2 == 0:
        d["~c8oAcl"] = "user%d" % (i % 3)
    return d


def deleted(i):
    return i < SEED and i % 7 == 3


def post(url, path, body):
    req = urllib.request.Request(url + path, json.dumps(body).encode(),
                                 {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))


def write(url, db, lo, n, bulk, pause):
    revs = {}
    for s in range(lo, lo + n, bulk):
        docs = [doc(i) for i in range(s, min(s + bulk, lo + n))]
        for r in post(url, "/" + db + "/_bulk_docs", {"docs": docs}):
            revs[r["id"]] = r["rev"]
        if pause:
            time.sleep(pause)
    return revs


def seed(url, db, n):
    revs = write(url, db, 0, n, 250, 0)
    gone = [{"_id": doc(i)["_id"], "_rev": revs[doc(i)["_id"]], "_deleted": True}
            for i in range(n) if deleted(i)]
    post(url, "/" + db + "/_bulk_docs", {"docs": gone})


def expect(n, lo=0):
    e = {k: set() for k in CHUNK}
    for i in range(lo, n):
        d, gone = doc(i), deleted(i)
        sub = d.get("status") == "submitted"
        if sub and not gone:
            e["SubmittedInspections"].add(d["_id"])
        if d.get("type") == "defect" or gone:
            e["DefectChanges"].add(d["_id"])
        if sub and gone:
            e["DelInsp"].add(d["_id"])
        if d.get("type") == "defect" and gone:
            e["DelDefects"].add(d["_id"])
    return e


def check_listener(name, posts, want, exact):
    ids = [d["_id"] for p in posts for d in p["docs"]]
    problems = []
    if set(ids) - want:
        problems.append("unexpected %s" % sorted(set(ids) - want)[:5])
    if want - set(ids):
        problems.append("missing %d, e.g. %s" % (len(want - set(ids)), sorted(want - set(ids))[:5]))
    if exact and len(ids) != len(set(ids)):
        problems.append("%d delivered twice" % (len(ids) - len(set(ids))))
    if any(len(p["docs"]) > CHUNK[name] or not p["docs"] for p in posts):
        problems.append("a chunk of %s documents" % sorted({len(p["docs"]) for p in posts}))
    for p in posts:
        for d in p["docs"]:
            if "~c8oAcl" in d or "_c8oHash" in d:
                problems.append("%s not cleaned" % d["_id"])
            if name.startswith("Del") and (d.get("_deleted") or d.get("n") is None):
                problems.append("%s delivered without its previous content" % d["_id"])
            if name == "DelInsp" and d.get("status") != "submitted":
                problems.append("%s: not the submitted previous revision" % d["_id"])
    return problems


def check(record, n, lo, exact, lines):
    posts = {k: [] for k in CHUNK}
    with open(record) as f:
        for line in f:
            if lines:   # --exec recording: "LISTENER DB SEQ JSON"
                name, _db, _seq, body = line.rstrip("\n").split(" ", 3)
                posts[name].append({"docs": json.loads(body)})
            else:
                p = json.loads(line)
                posts[p["context"][0][len("listener_"):]].append(p)
    want = expect(n, lo)
    for name in CHUNK:
        if lines and not posts[name]:
            continue
        problems = check_listener(name, posts[name], want[name], exact)
        print(name, "ok" if not problems else "; ".join(problems[:3]))


def main(a):
    if a[0] == "seed":
        seed(a[1], a[2], int(a[3]))
    elif a[0] == "write":
        write(a[1], a[2], int(a[3]), int(a[4]), 10, float(a[5]) if len(a) > 5 else 0.02)
    elif a[0] == "expect":
        print(json.dumps({k: sorted(v) for k, v in expect(int(a[1])).items()}))
    elif a[0] == "check":
        lo = int(a[a.index("--from") + 1]) if "--from" in a else 0
        check(a[1], int(a[2]), lo, "--exact" in a, "--json-lines" in a)


main(sys.argv[1:])
