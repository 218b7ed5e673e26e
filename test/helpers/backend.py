"""A small HTTP backend that answers with its own name and records what it received.

Every request (any method, any path) gets 200, body `<name>` and header `x-backend: <name>`.
Runnable as a script for the demo:  python3 backend.py --name v1 --port 18081
"""
import argparse
import http.server
import threading


class Backend:
    """A threaded HTTP/1.1 server on 127.0.0.1 in a background thread."""

    def __init__(self, name, port=0, host="127.0.0.1"):
        self.name = name
        self.requests = []  # dicts: method, path, headers (lower-case keys), body
        self._lock = threading.Lock()
        backend = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive towards Envoy
            disable_nagle_algorithm = True  # headers and body are separate writes

            def _answer(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                with backend._lock:
                    backend.requests.append({
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    })
                out = backend.name.encode()
                self.send_response(200)
                self.send_header("content-type", "text/plain")
                self.send_header("content-length", str(len(out)))
                self.send_header("x-backend", backend.name)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(out)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _answer

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server((host, port), Handler)
        self.host = host
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"backend-{name}",
                                        daemon=True)
        self._thread.start()

    @property
    def count(self):
        with self._lock:
            return len(self.requests)

    def received(self):
        """A copy of the requests received so far."""
        with self._lock:
            return list(self.requests)

    def clear(self):
        with self._lock:
            self.requests.clear()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __repr__(self):
        return f"Backend({self.name!r}, port={self.port})"


def main():
    ap = argparse.ArgumentParser(description="HTTP backend that answers with its name")
    ap.add_argument("--name", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    args = ap.parse_args()
    b = Backend(args.name, args.port, args.host)
    print(f"backend {b.name} listening on {b.host}:{b.port}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        b.stop()


if __name__ == "__main__":
    main()
