#!/usr/bin/env python3
"""A recording Convertigo target for the listener tests, on loopback.

usage: listen_target.py DIR
Prints its port on DIR/port. Each POST is answered as DIR/mode says at that
moment: "ok" (200, the request recorded as one JSON line in DIR/record),
"500" (500, not recorded) or "hang" (answers after 5 s, not recorded)."""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

DIR = sys.argv[1]
LOCK = threading.Lock()


def mode():
    try:
        with open(os.path.join(DIR, "mode")) as f:
            return f.read().strip() or "ok"
    except OSError:
        return "ok"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status):
        body = b'{"ok":true}' if status == 200 else b'{"error":"failed"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass    # the client gave up (a hang test)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode()
        m = mode()
        if m == "hang":
            time.sleep(5)
            return self.answer(200)
        if m == "500":
            return self.answer(500)
        form = parse_qs(body, keep_blank_values=True)
        rec = {
            "path": self.path,
            "type": self.headers.get("Content-Type"),
            "auth": self.headers.get("Authorization"),
            "sequence": form.get("__sequence"),
            "context": form.get("__context"),
            "remove": form.get("__removeContext"),
            "docs": [json.loads(d) for d in form.get("doc", [])],
        }
        with LOCK, open(os.path.join(DIR, "record"), "a") as f:
            f.write(json.dumps(rec) + "\n")
        self.answer(200)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
server.serve_forever()
