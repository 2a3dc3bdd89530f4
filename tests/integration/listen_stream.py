#!/usr/bin/env python3
"""A `listen run --stream` command for cli_listen_stream.sh: reads one JSON
line per chunk, records it and answers one line.

  listen_stream.py RECORD STATE MODE

RECORD gets "LISTENER DB SEQ DOCS" per delivered chunk (the --exec record
format of listen_data.py check --json-lines); STATE/pids gets "PID
FSSTUDIO_LISTENER FSSTUDIO_DB" per line received. The first process of a
STATE directory (STATE/started absent) behaves by MODE:
  ok      answers ok
  fail    answers "fail" until STATE/go exists, then ok (any process)
  exit2   exits after answering 2 chunks
  silent  never answers
  slow    answers ok after 0.2 s (any process)
  stubborn  as slow, and stays 30 s after its input ends (it must be killed)
Later processes answer ok (but fail and slow, as said)."""
import json
import os
import sys
import time

record, state, mode = sys.argv[1:4]
first = not os.path.exists(state + "/started")
open(state + "/started", "a").close()
n = 0
for line in sys.stdin:
    d = json.loads(line)
    with open(state + "/pids", "a") as f:
        f.write("%d %s %s\n" % (os.getpid(), os.environ.get("FSSTUDIO_LISTENER"),
                                os.environ.get("FSSTUDIO_DB")))
    if mode == "fail" and not os.path.exists(state + "/go"):
        print("fail\tnot now", flush=True)
        continue
    if mode == "silent" and first:
        continue
    if mode in ("slow", "stubborn"):
        time.sleep(0.2)
    with open(record, "a") as f:
        f.write("%s %s %s %s\n" % (d["listener"], d["db"], json.dumps(d["seq"]), json.dumps(d["docs"])))
    print("ok", flush=True)
    n += 1
    if mode == "exit2" and first and n == 2:
        sys.exit(0)
if mode == "stubborn":
    time.sleep(30)
