#!/usr/bin/python3
"""INSERTs a sequence number every 10 ms through PgBouncer with psycopg2, logging every attempt.

psycopg2 itself never retries; the loop here does: on any error it closes the connection, and the next
tick reconnects and retries the same sequence number (so acknowledged values have no gaps).
Log (TSV): t_start t_end seq ok|err -1 target error_text. On SIGTERM: read every acknowledged value back
from the current primary (found among --primaries by pg_is_in_recovery()) and write --verify JSON.
"""
import argparse
import json
import signal
import sys
import time

import psycopg2

stop = False


def on_term(signum, frame):
    global stop
    stop = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dsn", required=True, help="libpq DSN of PgBouncer")
    ap.add_argument("--primaries", required=True, help="comma list of host:port of the Postgres nodes")
    ap.add_argument("--interval", type=float, default=0.01)
    ap.add_argument("--log", required=True)
    ap.add_argument("--verify", required=True)
    ap.add_argument("--max-seconds", type=float, default=900)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)

    out = open(a.log, "w", buffering=1)
    conn = None
    acked = []
    seq = 1
    next_t = time.time()
    t_end_all = time.time() + a.max_seconds
    while not stop and time.time() < t_end_all:
        t0 = time.time()
        try:
            if conn is None:
                conn = psycopg2.connect(a.dsn)   # library defaults: no connect_timeout
                conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("INSERT INTO t(seq) VALUES (%s)", (seq,))
            ok, err = True, ""
        except Exception as e:  # noqa: BLE001 - every failure is data here
            ok, err = False, ("%s: %s" % (type(e).__name__, e)).replace("\t", " ").replace("\n", " ")[:300]
            try:
                if conn is not None:
                    conn.close()
            except Exception:  # noqa: BLE001
                pass
            conn = None
        t1 = time.time()
        out.write("%.6f\t%.6f\t%d\t%s\t-1\tpgbouncer\t%s\n" % (t0, t1, seq, "ok" if ok else "err", err))
        if ok:
            acked.append(seq)
            seq += 1
        next_t = max(next_t + a.interval, time.time())
        delay = next_t - time.time()
        if delay > 0:
            time.sleep(delay)
    out.close()

    result = {"acked": len(acked), "last_acked": acked[-1] if acked else 0}
    try:
        for hp in a.primaries.split(","):
            host, port = hp.rsplit(":", 1)
            try:
                c = psycopg2.connect(host=host, port=int(port), dbname="postgres", user="postgres", connect_timeout=3)
            except psycopg2.OperationalError:
                continue
            with c.cursor() as cur:
                cur.execute("SELECT pg_is_in_recovery()")
                if cur.fetchone()[0]:
                    c.close()
                    continue
                cur.execute("SELECT seq FROM t")
                present = {r[0] for r in cur.fetchall()}
            c.close()
            missing = [s for s in acked if s not in present]
            result.update({"lost": len(missing), "lost_seqs": missing[:200], "read_from": hp,
                           "rows_present": len(present)})
            break
        else:
            result["verify_error"] = "no primary reachable"
    except Exception as e:  # noqa: BLE001
        result["verify_error"] = "%s: %s" % (type(e).__name__, e)
    with open(a.verify, "w") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
