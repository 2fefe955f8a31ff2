#!/usr/bin/python3
"""A tiny HTTP upstream for the nginx cases: answers GET and POST with its own name (body and X-Backend
header), so the client can tell which upstream served each request."""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, NAME = int(sys.argv[1]), sys.argv[2]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        body = NAME.encode()
        self.send_response(200)
        self.send_header("X-Backend", NAME)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128   # a listen backlog like a real server's, not socketserver's 5


Server(("127.0.0.1", PORT), Handler).serve_forever()
