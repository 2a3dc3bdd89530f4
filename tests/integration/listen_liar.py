#!/usr/bin/env python3
"""A CouchDB that does not hold longpolls, for the listener tests: on
loopback, in front of a real server, it answers every
`_changes?feed=longpoll` at once with no change (as a proxy with a short
idle timeout, or a server that lies, would) and passes every other request
on. Counts the longpolls it answered in DIR/longpolls.

usage: listen_liar.py DIR UPSTREAM_URL   (prints its port on DIR/port)"""
import json
import os
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DIR, UP = sys.argv[1], sys.argv[2].rstrip("/")
LOCK = threading.Lock()
COUNT = [0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        u = urlsplit(self.path)
        q = parse_qs(u.query)
        if u.path.endswith("/_changes") and q.get("feed") == ["longpoll"]:
            with LOCK:
                COUNT[0] += 1
                with open(os.path.join(DIR, "longpolls"), "w") as f:
                    f.write("%d\n" % COUNT[0])
            since = (q.get("since") or ["0"])[0]
            last = int(since) if since.isdigit() else since
            return self.reply(200, json.dumps({"results": [], "last_seq": last}).encode())
        req = urllib.request.Request(UP + self.path, data=body, method=self.command)
        for h in ("Content-Type", "Accept", "Authorization"):
            if self.headers.get(h):
                req.add_header(h, self.headers[h])
        try:
            with urllib.request.urlopen(req) as r:
                self.reply(r.status, r.read(), r.headers.get("Content-Type", "application/json"))
        except urllib.error.HTTPError as err:
            self.reply(err.code, err.read(), err.headers.get("Content-Type", "application/json"))

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
srv.serve_forever()
