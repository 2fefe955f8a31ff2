#!/usr/bin/python3
"""Turns the failover lab's run outputs into per-run results, per-case summaries and measured.json.

Standard library only. Subcommands (run.sh uses all of them):
  recovered RUN_DIR --margin S   exit 0 once the writer has written OK for S seconds after its last failure
  run RUN_DIR                    parse one run's logs -> RUN_DIR/result.json, print a one-line summary
  case CASE_DIR                  aggregate CASE_DIR/run-*/result.json -> CASE_DIR/summary.json
  measured OUT CASE_DIR... [--command CMD]   merge case summaries into OUT (measured.json)
  check CASE_DIR MEASURED        exit 0 if the run's write outage is within [0.5*min, 1.5*max] of MEASURED
All times in results are seconds relative to the kill (SIGKILL or SIGSTOP of the victim).
"""
import argparse
import datetime as dt
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import time

UTC = dt.timezone.utc

# ----------------------------------------------------------------------------------------------- inputs


def read_meta(run_dir):
    meta = {}
    path = os.path.join(run_dir, "meta.env")
    if os.path.exists(path):
        for line in open(path):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    return meta


def read_writes(run_dir):
    """writes.tsv: t_start t_end seq ok|err slot target error"""
    rows = []
    path = os.path.join(run_dir, "writes.tsv")
    if not os.path.exists(path):
        return rows
    for line in open(path, errors="replace"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 7:
            continue  # a line cut short by a kill
        rows.append({"t0": float(parts[0]), "t1": float(parts[1]), "seq": int(parts[2]), "ok": parts[3] == "ok",
                     "slot": int(parts[4]), "target": parts[5], "err": parts[6]})
    return rows


def parse_slots(spec):
    """'0-5460,7000' -> set of slots"""
    out = set()
    for part in filter(None, (spec or "").split(",")):
        if part.startswith("["):
            continue  # migrating/importing markers; none in this lab
        a, _, b = part.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


# Redis: "1234:X 04 Dec 2026 15:44:25.123 # message"
REDIS_LINE = re.compile(r"^\d+:\w (\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2}\.\d{3}) . (.*)$")
# Postgres (log_line_prefix '%m [%p] '), PgBouncer, Patroni (our format): "2026-12-04 15:44:25.123 ..."
ISO_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[.,]\d{3})(?: UTC)? (.*)$")
# nginx error log: "2026/12/04 15:44:25 [error] ..." (second resolution only)
NGINX_LINE = re.compile(r"^(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) \[(\w+)\] (.*)$")
# our own stamped logs (callback, etcd watch): "<epoch seconds> message"
EPOCH_LINE = re.compile(r"^(\d{9,}\.\d+) (.*)$")


def redis_log(path):
    for line in open(path, errors="replace"):
        m = REDIS_LINE.match(line.rstrip("\n"))
        if m:
            t = dt.datetime.strptime(m.group(1), "%d %b %Y %H:%M:%S.%f").replace(tzinfo=UTC).timestamp()
            yield t, m.group(2)


def iso_log(path):
    for line in open(path, errors="replace"):
        m = ISO_LINE.match(line.rstrip("\n"))
        if m:
            t = dt.datetime.strptime(m.group(1).replace(",", "."), "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
            yield t.timestamp(), m.group(2)


def epoch_log(path):
    for line in open(path, errors="replace"):
        m = EPOCH_LINE.match(line.rstrip("\n"))
        if m:
            yield float(m.group(1)), m.group(2)


def nginx_log(path):
    for line in open(path, errors="replace"):
        m = NGINX_LINE.match(line.rstrip("\n"))
        if m:
            t = dt.datetime.strptime(m.group(1), "%Y/%m/%d %H:%M:%S").replace(tzinfo=UTC).timestamp()
            yield t, m.group(2), m.group(3)


def port_of(path):
    m = re.search(r"-(\d+)\.log$", path)
    return m.group(1) if m else os.path.basename(path)


def r3(x):
    return None if x is None else round(x, 3)

# ------------------------------------------------------------------------------------ client metrics


def write_metrics(rows, kill, affected=lambda r: True):
    """Client-visible numbers from the writer's attempt log, relative to the kill."""
    after = [r for r in rows if r["t0"] >= kill or r["t1"] >= kill]
    errs = [r for r in after if not r["ok"]]
    # Recovery = the first acknowledged write to the victim's key space that was sent after the first
    # failure of a write to that key space (a write racing the kill by a millisecond can still succeed).
    aff_err = [r for r in errs if affected(r)]
    since = aff_err[0]["t0"] if aff_err else kill
    aff_ok = [r for r in after if r["ok"] and r["t0"] >= since and affected(r)]
    m = {
        "write_outage_s": r3(aff_ok[0]["t1"] - kill) if aff_ok else None,
        "first_error_s": r3(errs[0]["t1"] - kill) if errs else None,
        "last_error_s": r3(errs[-1]["t1"] - kill) if errs else None,
        "failed_attempts": len(errs),
    }
    # Longest time without any acknowledged write (any key) across the kill: what a single-threaded
    # client stalls for.
    oks = [r["t1"] for r in rows if r["ok"]]
    before = [t for t in oks if t < kill]
    later = [t for t in oks if t >= kill]
    if before and later:
        seq_t = [before[-1]] + later
        m["client_stall_s"] = r3(max(b - a for a, b in zip(seq_t, seq_t[1:])))
    kinds = {}
    for r in errs:
        k = r["err"].split(":", 1)[0]
        kinds[k] = kinds.get(k, 0) + 1
    return m, {"error_kinds": kinds, "error_examples": sorted({r["err"][:160] for r in errs})[:8]}


def verify_metrics(run_dir):
    path = os.path.join(run_dir, "verify.json")
    if not os.path.exists(path):
        return {"lost_writes": None}, {"verify": "missing"}
    v = json.load(open(path))
    return {"lost_writes": v.get("lost"), "acked_writes": v.get("acked")}, {"verify": v}


def first_events(found, kill):
    """found: list of (event, t). First occurrence at or after the kill, relative to it."""
    out = {}
    for ev, t in sorted(found, key=lambda x: x[1]):
        if t >= kill - 0.001 and ev not in out:
            out[ev] = r3(t - kill)
    return out

# -------------------------------------------------------------------------------------------- families


SENTINEL_EVENTS = ["+sdown", "+odown", "+new-epoch", "+try-failover", "+vote-for-leader", "+elected-leader",
                   "+failover-state-select-slave", "+selected-slave", "+failover-state-send-slaveof-noone",
                   "+failover-state-wait-promotion", "+promoted-slave", "+failover-state-reconf-slaves",
                   "+slave-reconf-sent", "+slave-reconf-inprog", "+slave-reconf-done", "+failover-end",
                   "+switch-master", "+tilt", "-tilt"]


def parse_sentinel(run_dir, meta, kill):
    found, per_sentinel = [], {}
    for path in sorted(glob.glob(os.path.join(run_dir, "sentinel-*.log"))):
        port = port_of(path)
        for t, msg in redis_log(path):
            if t < kill - 0.001:
                continue
            ev = msg.split(" ", 1)[0]
            if ev not in SENTINEL_EVENTS:
                continue
            if ev == "+sdown" and not msg.startswith("+sdown master"):
                continue  # +sdown of the old master re-listed as a replica, or of a sentinel
            found.append((ev, t))
            per_sentinel.setdefault(port, {}).setdefault(ev, r3(t - kill))
    # The promoted replica's own log: when it actually became a master.
    for path in sorted(glob.glob(os.path.join(run_dir, "redis-*.log"))):
        for t, msg in redis_log(path):
            if t >= kill and "MASTER MODE enabled" in msg:
                found.append(("replica: MASTER MODE enabled", t))
    events = first_events(found, kill)
    sw = sorted(v["+switch-master"] for v in per_sentinel.values() if "+switch-master" in v)
    details = {"per_sentinel": per_sentinel}
    extra = {}
    if sw:
        extra["switch_master_last_s"] = sw[-1]
        extra["switch_master_spread_s"] = r3(sw[-1] - sw[0])
        extra["sentinels_switched"] = len(sw)
    return events, extra, details


CLUSTER_PATTERNS = [
    ("Marking node as failing (quorum reached)", re.compile(r"Marking node (\w+) as failing \(quorum reached\)")),
    ("Cluster state changed: fail", re.compile(r"Cluster state changed: fail")),
    ("Start of election delayed", re.compile(r"Start of election delayed for (\d+) milliseconds")),
    ("Starting a failover election", re.compile(r"Starting a failover election for epoch")),
    ("Failover election won", re.compile(r"Failover election won")),
    ("configEpoch set after failover", re.compile(r"configEpoch set to \d+ after successful failover")),
    ("Cluster state changed: ok", re.compile(r"Cluster state changed: ok")),
]


def parse_cluster(run_dir, meta, kill):
    found, details, extra = [], {"election_delay_ms": None, "state_ok_per_node": {}}, {}
    victim_id = meta.get("victim_id", "")
    victim_port = meta.get("victim", ":").rsplit(":", 1)[1]
    for path in sorted(glob.glob(os.path.join(run_dir, "redis-*.log"))):
        port = port_of(path)
        if port == victim_port:
            continue
        for t, msg in redis_log(path):
            if t < kill - 0.001:
                continue
            for name, rx in CLUSTER_PATTERNS:
                m = rx.search(msg)
                if not m:
                    continue
                if name.startswith("Marking") and not victim_id.startswith(m.group(1)[:40]):
                    continue
                if name == "Start of election delayed":
                    details["election_delay_ms"] = int(m.group(1))
                    extra["election_delay_ms"] = int(m.group(1))
                if name == "Cluster state changed: ok":
                    details["state_ok_per_node"].setdefault(port, r3(t - kill))
                found.append((name, t))
    events = first_events(found, kill)
    oks = list(details["state_ok_per_node"].values())
    if oks:
        extra["cluster_state_ok_last_s"] = max(oks)
    return events, extra, details


PATRONI_PATTERNS = [
    ("etcd: leader key deleted (TTL expired)", "etcd", re.compile(r"^DELETE")),
    ("patroni: Lock owner: None", "patroni", re.compile(r"Lock owner: None")),
    ("patroni: promoted self to leader by acquiring session lock", "patroni",
     re.compile(r"promoted self to leader by acquiring session lock")),
    ("patroni: acquired session lock as a leader", "patroni", re.compile(r"acquired session lock as a leader")),
    ("postgres: received promote request", "postgres", re.compile(r"received promote request")),
    ("postgres: selected new timeline", "postgres", re.compile(r"selected new timeline ID")),
    ("postgres: ready to accept connections", "postgres",
     re.compile(r"database system is ready to accept connections")),
    ("callback: on_role_change master", "callback", re.compile(r"on_role_change (master|primary)")),
    ("callback: pgbouncer RELOAD done", "callback", re.compile(r"RELOAD done")),
    ("pgbouncer: RELOAD", "pgbouncer", re.compile(r"RELOAD command issued")),
]


def parse_patroni(run_dir, meta, kill):
    victim = meta.get("victim_node", "")
    sources = {"etcd": [], "patroni": [], "postgres": [], "callback": [], "pgbouncer": []}
    p = os.path.join(run_dir, "etcd-watch.log")
    if os.path.exists(p):
        sources["etcd"] += [(t, m) for t, m in epoch_log(p) if "leader" in m or m.startswith("DELETE")]
    for path in glob.glob(os.path.join(run_dir, "patroni-*.log")):
        if victim and victim in os.path.basename(path):
            continue
        sources["patroni"] += list(iso_log(path))
    for path in glob.glob(os.path.join(run_dir, "pg-*", "*.log")):
        if victim and ("pg-" + victim) in path:
            continue
        sources["postgres"] += list(iso_log(path))
    p = os.path.join(run_dir, "callback.log")
    if os.path.exists(p):
        sources["callback"] += list(epoch_log(p))
    p = os.path.join(run_dir, "pgbouncer.log")
    if os.path.exists(p):
        sources["pgbouncer"] += list(iso_log(p))
    found = []
    for name, src, rx in PATRONI_PATTERNS:
        for t, msg in sources[src]:
            if t >= kill - 0.001 and rx.search(msg):
                found.append((name, t))
    return first_events(found, kill), {}, {}


def parse_nginx(run_dir, meta, kill):
    """nginx cases: per-request client log, nginx access log ($msec) and error log (1 s resolution)."""
    dead = meta.get("victim", "")
    fail_timeout = float(meta.get("fail_timeout_s", "10"))
    m, details, events = {}, {}, {}
    # Client: requests.tsv = t_send t_recv seq method status upstream backend latency_ms error
    reqs = []
    path = os.path.join(run_dir, "requests.tsv")
    for line in open(path, errors="replace") if os.path.exists(path) else []:
        p = line.rstrip("\n").split("\t")
        if len(p) < 9 or p[0] == "t_send":
            continue
        reqs.append({"t0": float(p[0]), "t1": float(p[1]), "seq": int(p[2]), "method": p[3],
                     "status": int(p[4]) if p[4].isdigit() else 0, "upstream": p[5], "backend": p[6],
                     "lat": float(p[7]), "err": p[8]})
    before = [r for r in reqs if r["t0"] < kill]
    after = [r for r in reqs if r["t0"] >= kill]
    bad = [r for r in after if r["err"] or r["status"] >= 500 or r["status"] == 0]
    m["requests_after_kill"] = len(after)
    m["client_errors"] = len(bad)
    m["client_errors_get"] = sum(1 for r in bad if r["method"] == "GET")
    m["client_errors_post"] = sum(1 for r in bad if r["method"] == "POST")
    m["first_error_s"] = r3(bad[0]["t0"] - kill) if bad else None
    m["last_error_s"] = r3(bad[-1]["t0"] - kill) if bad else None
    details["error_statuses"] = sorted({"%s %s %s" % (r["method"], r["status"], r["err"][:80]) for r in bad})[:10]
    details["error_times_s"] = [r3(r["t0"] - kill) for r in bad][:50]
    served = {}
    for r in after:
        served[r["backend"] or "-"] = served.get(r["backend"] or "-", 0) + 1
    details["served_by_after_kill"] = served

    def pct(xs, q):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else None

    base = [r["lat"] for r in before if not r["err"]]
    hit = [r for r in after if dead and dead in r["upstream"]]
    m["baseline_latency_ms_p50"] = r3(pct(base, 0.5))
    m["baseline_latency_ms_p99"] = r3(pct(base, 0.99))
    m["dead_hit_latency_ms_p50"] = r3(pct([r["lat"] for r in hit], 0.5))
    m["dead_hit_latency_ms_max"] = r3(max([r["lat"] for r in hit], default=0) or None)
    if m["dead_hit_latency_ms_p50"] is not None and m["baseline_latency_ms_p50"] is not None:
        m["latency_added_ms_p50"] = r3(m["dead_hit_latency_ms_p50"] - m["baseline_latency_ms_p50"])
    m["after_kill_latency_ms_p99"] = r3(pct([r["lat"] for r in after if not r["err"]], 0.99))
    m["after_kill_latency_ms_max"] = r3(max([r["lat"] for r in after], default=0))

    # Access log: "$msec $method $uri $status $upstream_addr..." -> every request nginx sent to the dead server.
    tries = []
    path = os.path.join(run_dir, "nginx-access.log")
    for line in open(path, errors="replace") if os.path.exists(path) else []:
        p = line.split(" ", 4)
        if len(p) < 5:
            continue
        # $msec is when the request finished; minus $request_time (the last field) is when it arrived.
        t = float(p[0]) - float(line.split()[-1])
        # Only failed tries at the dead upstream ("addr1, addr2" "502, 200"), with 1 s of slack because
        # kill_time is read just after kill(2) returned, by a forked `date`.
        q = re.match(r'"([^"]*)" "([^"]*)"', p[4])
        if not q or t < kill - 1 or not dead:
            continue
        addrs = [x.strip() for x in q.group(1).split(",")]
        codes = [x.strip() for x in q.group(2).split(",")]
        if any(ad == dead and not co.startswith("2") for ad, co in zip(addrs, codes)):
            tries.append(t)
    tries.sort()
    m["dead_server_requests"] = len(tries)
    if tries:
        first = tries[0]
        windows = {}
        for t in tries:
            k = int((t - first) // fail_timeout)
            windows[k] = windows.get(k, 0) + 1
        n_windows = int((max(r["t0"] for r in after) - first) // fail_timeout) + 1 if after else 1
        per = [windows.get(k, 0) for k in range(n_windows)]
        details["dead_server_requests_per_window"] = per
        details["dead_server_request_times_s"] = [r3(t - kill) for t in tries][:80]
        m["dead_server_requests_first_window"] = per[0]
        later = per[1:-1] if len(per) > 2 else per[1:]   # the last window is cut short by the end of the run
        m["dead_server_requests_per_later_window"] = statistics.median(later) if later else None
        probes = [t for t in tries if t - first >= fail_timeout * 0.5]   # after the first disable
        gaps = [b - a for a, b in zip(tries, tries[1:]) if b - a > 1.0]
        m["probe_interval_s_median"] = r3(statistics.median(gaps)) if gaps else None
        events["first request to dead server (access log)"] = r3(tries[0] - kill)
        if probes:
            events["first probe after the disable (access log)"] = r3(probes[0] - kill)

    # Error log: 1 s resolution; times are floored to the second, so they can read up to 1 s early.
    path = os.path.join(run_dir, "nginx-error.log")
    conn_fail, disabled, timeouts = [], [], []
    for t, level, msg in nginx_log(path) if os.path.exists(path) else []:
        if t < int(kill) or (dead and dead not in msg and "temporarily disabled" not in msg):
            continue
        if "connect() failed" in msg:
            conn_fail.append(t)
        elif "upstream server temporarily disabled" in msg:
            disabled.append(t)
        elif "timed out" in msg:
            timeouts.append(t)
    m["errlog_connect_failures"] = len(conn_fail)
    m["errlog_timeouts"] = len(timeouts)
    m["errlog_disabled_marks"] = len(disabled)
    if disabled:
        events["temporarily disabled (error log, 1 s res.)"] = r3(disabled[0] - kill)
    if conn_fail:
        events["first connect() failed (error log, 1 s res.)"] = r3(conn_fail[0] - kill)
    if timeouts:
        events["first upstream timed out (error log, 1 s res.)"] = r3(timeouts[0] - kill)
    details["errlog_disabled_times_s"] = [r3(t - kill) for t in disabled][:40]
    details["errlog_connect_fail_times_s"] = [r3(t - kill) for t in conn_fail][:80]
    details["errlog_timeout_times_s"] = [r3(t - kill) for t in timeouts][:80]
    return events, m, details

# --------------------------------------------------------------------------------------- subcommands


def family_of(case):
    return case.split("-")[0]


def cmd_recovered(a):
    meta = read_meta(a.run_dir)
    if "kill_time" not in meta:
        return 1
    kill = float(meta["kill_time"])
    rows = read_writes(a.run_dir)
    # A disruption is a failed attempt or an attempt that hung for more than 0.5 s (PgBouncer queues the
    # client instead of failing it, so the Patroni case can show no error at all).
    marks = [r["t1"] for r in rows if r["t1"] >= kill and (not r["ok"] or r["t1"] - r["t0"] > 0.5)]
    if not marks or not rows[-1]["ok"]:
        return 1
    last = max(marks)
    oks_after = [r for r in rows if r["ok"] and r["t0"] > last]
    return 0 if oks_after and time.time() - last >= a.margin else 1


def cmd_run(a):
    meta = read_meta(a.run_dir)
    case = meta.get("case", "?")
    res = {"case": case, "run": int(meta.get("run", 0)), "ok": False, "metrics": {}, "events": {}, "details": {}}
    if "kill_time" not in meta:
        res["error"] = meta.get("error", "the run stopped before the kill")
    else:
        kill = float(meta["kill_time"])
        res["kill_time_utc"] = dt.datetime.fromtimestamp(kill, UTC).isoformat(timespec="milliseconds")
        res["loadavg_at_kill"] = meta.get("loadavg")
        fam = family_of(case)
        if fam == "nginx":
            events, metrics, details = parse_nginx(a.run_dir, meta, kill)
            res["metrics"].update(metrics)
            res["ok"] = bool(metrics.get("requests_after_kill"))
        else:
            affected = lambda r: True
            if fam == "cluster":
                slots = parse_slots(meta.get("victim_slots"))
                affected = lambda r: r["slot"] in slots
            metrics, d1 = write_metrics(read_writes(a.run_dir), kill, affected)
            vm, d2 = verify_metrics(a.run_dir)
            metrics.update(vm)
            parser = {"sentinel": parse_sentinel, "cluster": parse_cluster, "patroni": parse_patroni}[fam]
            events, extra, details = parser(a.run_dir, meta, kill)
            metrics.update(extra)
            res["metrics"], res["details"] = metrics, {**d1, **d2, **details}
            res["ok"] = metrics.get("write_outage_s") is not None
        res["events"] = events
        if fam == "nginx":
            res["details"] = details
    with open(os.path.join(a.run_dir, "result.json"), "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)
    print(one_line(res))
    return 0


def one_line(res):
    m, e = res["metrics"], res["events"]
    head = "%s run %d:" % (res["case"], res["run"])
    if not res["ok"]:
        return "%s FAILED (%s)" % (head, res.get("error", "no recovery seen"))
    if family_of(res["case"]) == "nginx":
        return ("%s client errors %s (GET %s, POST %s), dead-server requests %s (first window %s, later windows %s), "
                "disabled mark %ss, added latency p50 %sms" % (
                    head, m.get("client_errors"), m.get("client_errors_get"), m.get("client_errors_post"),
                    m.get("dead_server_requests"), m.get("dead_server_requests_first_window"),
                    m.get("dead_server_requests_per_later_window"),
                    e.get("temporarily disabled (error log, 1 s res.)"), m.get("latency_added_ms_p50")))
    key = {"sentinel": "+switch-master", "cluster": "Failover election won",
           "patroni": "patroni: promoted self to leader by acquiring session lock"}[family_of(res["case"])]
    return "%s write outage %ss (first error %ss, last error %ss), %s %ss, lost writes %s" % (
        head, m.get("write_outage_s"), m.get("first_error_s"), m.get("last_error_s"), key, e.get(key),
        m.get("lost_writes"))


def stats(values):
    vals = [v for v in values if isinstance(v, (int, float))]
    if not vals:
        return None
    return {"min": r3(min(vals)), "median": r3(statistics.median(vals)), "max": r3(max(vals)),
            "values": [r3(v) for v in values], "n": len(vals)}


def cmd_case(a):
    results = []
    for p in sorted(glob.glob(os.path.join(a.case_dir, "run-*", "result.json"))):
        results.append(json.load(open(p)))
    good = [r for r in results if r["ok"]]
    case = results[0]["case"] if results else os.path.basename(a.case_dir.rstrip("/"))
    settings = {}
    sp = os.path.join(a.case_dir, "settings.json")
    if os.path.exists(sp):
        settings = json.load(open(sp))
    summary = {"case": case, "settings": settings, "runs": len(results), "runs_ok": len(good)}
    metric_names = sorted({k for r in good for k in r["metrics"]})
    for k in metric_names:
        s = stats([r["metrics"].get(k) for r in good])
        if s:
            summary[k] = s
    event_names = []
    for r in good:
        for k in sorted(r["events"], key=lambda k: r["events"][k]):
            if k not in event_names:
                event_names.append(k)
    summary["events"] = {}
    for k in event_names:
        s = stats([r["events"].get(k) for r in good])
        if s:
            s["values"] = [v for v in s["values"] if v is not None]
            summary["events"][k] = s
    summary["events"] = dict(sorted(summary["events"].items(), key=lambda kv: kv[1]["median"]))
    summary["run_seconds"] = stats([r.get("run_seconds") for r in results]) if results else None
    rs = []
    for r in results:
        p = os.path.join(a.case_dir, "run-%02d" % r["run"], "meta.env")
        meta = read_meta(os.path.dirname(p))
        if "start_time" in meta and "end_time" in meta:
            rs.append(float(meta["end_time"]) - float(meta["start_time"]))
    summary["run_seconds"] = stats(rs)
    with open(os.path.join(a.case_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(summary_line(summary))
    return 0 if good else 1


def summary_line(s):
    def mm(k):
        v = s.get(k)
        return "%s [%s-%s]" % (v["median"], v["min"], v["max"]) if v else "-"
    if family_of(s["case"]) == "nginx":
        return "%s: %d/%d runs ok; client errors %s; dead-server requests %s; first window %s; later windows %s" % (
            s["case"], s["runs_ok"], s["runs"], mm("client_errors"), mm("dead_server_requests"),
            mm("dead_server_requests_first_window"), mm("dead_server_requests_per_later_window"))
    return "%s: %d/%d runs ok; write outage median %s s; first error %s s; lost writes %s" % (
        s["case"], s["runs_ok"], s["runs"], mm("write_outage_s"), mm("first_error_s"), mm("lost_writes"))


PACKAGES = ["redis-server", "redis-sentinel", "redis-tools", "postgresql-15", "patroni", "etcd-server",
            "etcd-client", "pgbouncer", "nginx", "python3-redis", "python3-psycopg2", "python3-etcd"]


def package_versions():
    out = {}
    for p in PACKAGES:
        try:
            out[p] = subprocess.run(["dpkg-query", "-W", "-f=${Version}", p], capture_output=True, text=True,
                                    check=True).stdout.strip()
        except (subprocess.CalledProcessError, FileNotFoundError):
            out[p] = None
    return out


def machine():
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    osr = dict(l.rstrip("\n").split("=", 1) for l in open("/etc/os-release") if "=" in l)
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": os.uname().release,
            "os": osr.get("PRETTY_NAME", "?").strip('"'),
            "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}


def cmd_measured(a):
    data = {}
    if os.path.exists(a.out):
        data = json.load(open(a.out))
    data["generated"] = dt.datetime.now(UTC).isoformat(timespec="seconds")
    data["command"] = a.command or data.get("command")
    data["packages"] = package_versions()
    data["machine"] = machine()
    data["units"] = "seconds relative to the SIGKILL (SIGSTOP for nginx-1-10s-stop) of the victim, unless named _ms"
    cases = data.setdefault("cases", {})
    for d in a.case_dirs:
        p = os.path.join(d, "summary.json")
        if os.path.exists(p):
            s = json.load(open(p))
            cases[s["case"]] = s
    order = ["sentinel-5000", "sentinel-default", "cluster-5000", "cluster-default", "patroni",
             "nginx-3-30s", "nginx-1-10s", "nginx-1-10s-stop"]
    data["cases"] = {k: cases[k] for k in sorted(cases, key=lambda k: order.index(k) if k in order else 99)}
    with open(a.out, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print("wrote %s (%s)" % (a.out, ", ".join(data["cases"])))
    return 0


def cmd_check(a):
    s = json.load(open(os.path.join(a.case_dir, "summary.json")))
    ref = json.load(open(a.measured))["cases"].get(s["case"])
    if not ref or "write_outage_s" not in ref:
        print("check: no committed write_outage_s for %s in %s" % (s["case"], a.measured))
        return 1
    if "write_outage_s" not in s:
        print("check: FAIL, this run measured no write outage")
        return 1
    lo, hi = 0.5 * ref["write_outage_s"]["min"], 1.5 * ref["write_outage_s"]["max"]
    ok = True
    for v in s["write_outage_s"]["values"]:
        inside = v is not None and lo <= v <= hi
        ok = ok and inside
        print("check %s: write outage %s s vs committed [min %s, max %s] -> allowed [%.3f, %.3f]: %s" % (
            s["case"], v, ref["write_outage_s"]["min"], ref["write_outage_s"]["max"], lo, hi,
            "PASS" if inside else "FAIL"))
    return 0 if ok else 1


def cmd_table(a):
    """Markdown tables of measured.json for the README."""
    data = json.load(open(a.measured))

    def mm(v, fmt="%.2f"):
        if not v:
            return "–"
        f = lambda x: (fmt % x) if isinstance(x, float) else str(x)
        return "%s (%s–%s)" % (f(v["median"]), f(v["min"]), f(v["max"]))

    out = []
    out.append("| case | runs | write outage s | first error s | last error s | longest client stall s | lost writes |")
    out.append("|---|---|---|---|---|---|---|")
    for name, c in data["cases"].items():
        if family_of(name) == "nginx":
            continue
        out.append("| %s | %d/%d | %s | %s | %s | %s | %s |" % (
            name, c["runs_ok"], c["runs"], mm(c.get("write_outage_s")), mm(c.get("first_error_s")),
            mm(c.get("last_error_s")), mm(c.get("client_stall_s")), mm(c.get("lost_writes"), "%d")))
    out.append("")
    for name, c in data["cases"].items():
        if family_of(name) == "nginx":
            continue
        out.append("**%s** – protocol events, s after the kill, median (min–max) over the runs that logged them:" % name)
        out.append("")
        out.append("| event | median (min–max) | runs |")
        out.append("|---|---|---|")
        for ev, v in c["events"].items():
            out.append("| `%s` | %s | %d |" % (ev, mm(v, "%.3f"), v["n"]))
        extra = [k for k in ("switch_master_last_s", "switch_master_spread_s", "election_delay_ms",
                             "cluster_state_ok_last_s") if k in c]
        for k in extra:
            out.append("| %s | %s | %d |" % (k, mm(c[k], "%.3f"), c[k]["n"]))
        out.append("")
    out.append("| case | runs | client errors (GET / POST) | requests to the dead upstream: total / first window / per later window | probe interval s | 'temporarily disabled' first mark s (1 s res.) | latency added to requests that hit the dead upstream, p50 ms | max latency ms |")
    out.append("|---|---|---|---|---|---|---|---|")
    for name, c in data["cases"].items():
        if family_of(name) != "nginx":
            continue
        ev = c["events"].get("temporarily disabled (error log, 1 s res.)")
        out.append("| %s | %d/%d | %s (%s / %s) | %s / %s / %s | %s | %s | %s | %s |" % (
            name, c["runs_ok"], c["runs"], mm(c.get("client_errors"), "%d"), mm(c.get("client_errors_get"), "%d"),
            mm(c.get("client_errors_post"), "%d"), mm(c.get("dead_server_requests"), "%d"),
            mm(c.get("dead_server_requests_first_window"), "%d"),
            mm(c.get("dead_server_requests_per_later_window"), "%.1f"), mm(c.get("probe_interval_s_median")),
            mm(ev), mm(c.get("latency_added_ms_p50"), "%.1f"), mm(c.get("after_kill_latency_ms_max"), "%.0f")))
    out.append("")
    out.append("| case | wall time of one run s, median (min–max) |")
    out.append("|---|---|")
    for name, c in data["cases"].items():
        out.append("| %s | %s |" % (name, mm(c.get("run_seconds"), "%.0f")))
    print("\n".join(out))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("recovered")
    p.add_argument("run_dir")
    p.add_argument("--margin", type=float, default=5)
    p = sub.add_parser("run")
    p.add_argument("run_dir")
    p = sub.add_parser("case")
    p.add_argument("case_dir")
    p = sub.add_parser("measured")
    p.add_argument("out")
    p.add_argument("case_dirs", nargs="+")
    p.add_argument("--command")
    p = sub.add_parser("table")
    p.add_argument("measured")
    p = sub.add_parser("check")
    p.add_argument("case_dir")
    p.add_argument("measured")
    a = ap.parse_args()
    return {"recovered": cmd_recovered, "run": cmd_run, "case": cmd_case, "measured": cmd_measured,
            "check": cmd_check, "table": cmd_table}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
