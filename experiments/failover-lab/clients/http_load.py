#!/usr/bin/python3
"""Sends one request every 10 ms to nginx (even sequence numbers GET, odd ones POST, so that nginx's
different retry rules for non-idempotent requests show), each on its own thread so that a slow request
does not delay the next. Writes one TSV line per request when it stops (SIGTERM or --seconds):
t_send t_recv seq method status upstream(X-Upstream) backend(body) latency_ms error"""
import argparse
import http.client
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

stop = threading.Event()


def one(host, port, seq, timeout):
    method = "GET" if seq % 2 == 0 else "POST"
    t0 = time.time()
    status, upstream, backend, err = 0, "", "", ""
    try:
        c = http.client.HTTPConnection(host, port, timeout=timeout)
        body = ("seq=%d" % seq).encode() if method == "POST" else None
        c.request(method, "/w?seq=%d" % seq, body=body, headers={"Connection": "close"})
        r = c.getresponse()
        status = r.status
        upstream = r.getheader("X-Upstream", "")
        backend = r.read().decode(errors="replace")[:40] if status == 200 else ""
        c.close()
    except Exception as e:  # noqa: BLE001
        err = ("%s: %s" % (type(e).__name__, e)).replace("\t", " ").replace("\n", " ")[:200]
    t1 = time.time()
    return "%.6f\t%.6f\t%d\t%s\t%d\t%s\t%s\t%.3f\t%s\n" % (t0, t1, seq, method, status, upstream, backend,
                                                           (t1 - t0) * 1000, err)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--interval", type=float, default=0.01)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--timeout", type=float, default=10)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    futures = []
    with ThreadPoolExecutor(max_workers=64) as pool:
        seq, next_t, end = 0, time.time(), time.time() + a.seconds
        while not stop.is_set() and time.time() < end:
            futures.append(pool.submit(one, "127.0.0.1", a.port, seq, a.timeout))
            seq += 1
            next_t += a.interval
            d = next_t - time.time()
            if d > 0:
                time.sleep(d)
    with open(a.out, "w") as f:
        f.write("t_send\tt_recv\tseq\tmethod\tstatus\tupstream\tbackend\tlatency_ms\terror\n")
        for fu in futures:
            f.write(fu.result())


if __name__ == "__main__":
    main()
