"""A CouchDB 1.x stand-in for tests: forwards every request to the real
pouchdb-server given as argv[1], except POST .../_find, answered as CouchDB
1.x answers it (400: a document id may not start with an underscore).
Prints its port, then serves until killed."""
import http.server, socketserver, sys, urllib.request, urllib.error

TARGET = sys.argv[1]

class Handler(http.server.BaseHTTPRequestHandler):
    def forward(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        if self.path.split("?")[0].endswith("/_find"):
            return self.answer(400, b'{"error":"bad_request","reason":"Only reserved document ids may start with underscore."}')
        req = urllib.request.Request(TARGET + self.path, body, method=self.command)
        for k in ("Content-Type", "Accept", "Authorization"):
            if self.headers.get(k):
                req.add_header(k, self.headers[k])
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                self.answer(r.status, r.read())
        except urllib.error.HTTPError as e:
            self.answer(e.code, e.read())

    def answer(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = forward

    def log_message(self, *a):
        pass

srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
