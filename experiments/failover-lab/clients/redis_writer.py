#!/usr/bin/python3
"""Writes SET w:<seq> <seq> every 10 ms through redis-py's Sentinel or Cluster client, logging every attempt.

The sequence number is retried until it is acknowledged (the "simple loop" on top of the library's own
retries), so the sequence of acknowledged values has no gaps the client knows about; a value that is
acknowledged and later absent is a lost write.

Log (TSV, one line per attempt): t_start t_end seq ok|err slot target error_text
On SIGTERM the loop stops, every acknowledged key is read back from the current master(s) and the
result is written to --verify as JSON.
"""
import argparse
import json
import signal
import sys
import time

import redis
from redis.crc import key_slot
from redis.sentinel import Sentinel
from redis.cluster import RedisCluster, ClusterNode

stop = False


def on_term(signum, frame):
    global stop
    stop = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["sentinel", "cluster"], required=True)
    ap.add_argument("--nodes", required=True, help="comma list of host:port (sentinels or cluster nodes)")
    ap.add_argument("--service", default="lab")
    ap.add_argument("--interval", type=float, default=0.01)
    ap.add_argument("--log", required=True)
    ap.add_argument("--verify", required=True)
    ap.add_argument("--max-seconds", type=float, default=600)
    ap.add_argument("--no-rebuild", action="store_true",
                    help="cluster: keep the one RedisCluster object even after it can no longer refresh its slots")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    nodes = [(h, int(p)) for h, p in (x.rsplit(":", 1) for x in a.nodes.split(","))]

    # Library defaults throughout: no socket timeouts, no extra retry policy.
    if a.mode == "sentinel":
        sentinel = Sentinel(nodes)
        client = sentinel.master_for(a.service)
        target = lambda: "%s:%s" % client.connection_pool.master_address if client.connection_pool.master_address else "-"
    else:
        make_cluster = lambda: RedisCluster(startup_nodes=[ClusterNode(h, p) for h, p in nodes])
        client = make_cluster()
        target = lambda: "-"
    rebuilds = 0

    acked = []
    out = open(a.log, "w", buffering=1)
    seq = 1
    next_t = time.time()
    t_end_all = time.time() + a.max_seconds
    while not stop and time.time() < t_end_all:
        key = "w:%d" % seq
        t0 = time.time()
        try:
            client.set(key, seq)
            ok, err = True, ""
        except Exception as e:  # noqa: BLE001 - every failure is data here
            ok, err = False, ("%s: %s" % (type(e).__name__, e)).replace("\t", " ").replace("\n", " ")[:300]
            # redis-py 4.3.4's NodesManager.initialize() deep-copies connection kwargs that hold a bound
            # method of the client; once a node is gone that raises "cannot pickle '_thread.lock' object"
            # (wrapped in RedisClusterException) on every later refresh, so the client never sees the new
            # master (fixed upstream in redis-py 4.4.0, PR #2377). The application-level workaround: build
            # a fresh RedisCluster from the startup nodes.
            if a.mode == "cluster" and type(e) is redis.exceptions.RedisClusterException and not a.no_rebuild:
                try:
                    client = make_cluster()
                    rebuilds += 1
                    err += " [client rebuilt]"
                except Exception as e2:  # noqa: BLE001
                    err += " [rebuild failed: %s: %s]" % (type(e2).__name__, str(e2)[:200])
        t1 = time.time()
        slot = key_slot(key.encode()) if a.mode == "cluster" else -1
        try:
            tgt = target()
        except Exception:  # noqa: BLE001
            tgt = "-"
        out.write("%.6f\t%.6f\t%d\t%s\t%d\t%s\t%s\n" % (t0, t1, seq, "ok" if ok else "err", slot, tgt, err))
        if ok:
            acked.append(seq)
            seq += 1
        # Keep a 10 ms cadence, but never burst to catch up after a slow (failed) attempt.
        next_t = max(next_t + a.interval, time.time())
        delay = next_t - time.time()
        if delay > 0:
            time.sleep(delay)
    out.close()

    # Read every acknowledged key back from whatever is master now.
    result = {"acked": len(acked), "last_acked": acked[-1] if acked else 0, "client_rebuilds": rebuilds}
    try:
        missing = []
        for i in range(0, len(acked), 500):
            chunk = acked[i:i + 500]
            keys = ["w:%d" % s for s in chunk]
            if a.mode == "sentinel":
                vals = client.mget(keys)
            else:
                vals = client.mget_nonatomic(keys)
            missing += [s for s, v in zip(chunk, vals) if v is None or int(v) != s]
        result["lost"] = len(missing)
        result["lost_seqs"] = missing[:200]
        if a.mode == "sentinel":
            result["read_from"] = "%s:%s" % client.connection_pool.master_address
    except Exception as e:  # noqa: BLE001
        result["verify_error"] = "%s: %s" % (type(e).__name__, e)
    with open(a.verify, "w") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
