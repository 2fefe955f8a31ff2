"""A capsim run directory (what `capsim simulate|drill|plan --out DIR` writes) as pandas tables.

The notebooks beside this file import it. They read the run named by the environment variable
CAPSIM_RUN (default: a bundled run under tests/fixtures/runs/) and save their figures as PNG files
into CAPSIM_FIGURES (default: notebooks/figures/).
"""

import json
import os
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
BUNDLED_RUNS = HERE.parent / "tests" / "fixtures" / "runs"
DEFAULT_HEADROOM = 0.7  # the runbooks' 70% capacity rule, when the run has no SLO


def run_dir(bundled):
    """The run to read: $CAPSIM_RUN, else the bundled run of that name."""
    path = Path(os.environ.get("CAPSIM_RUN") or BUNDLED_RUNS / bundled)
    if not (path / "run.json").is_file():
        raise SystemExit(f"{path}: no run.json (expected a directory written by capsim --out DIR)")
    return path


def figures_dir():
    path = Path(os.environ.get("CAPSIM_FIGURES") or HERE / "figures")
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_json(run, name):
    with open(run / name, encoding="utf-8") as f:
        return json.load(f)


def timeseries(run):
    """timeseries.csv: tidy rows time, component, metric, value (replication 0)."""
    return pd.read_csv(run / "timeseries.csv")


def metric(ts, name, components=None):
    """One column per component (or request class) of one metric, indexed by time."""
    rows = ts[ts.metric == name]
    if components is not None:
        rows = rows[rows.component.isin(components)]
    return rows.pivot_table(index="time", columns="component", values="value", sort=False)


def latency(run):
    """latency.csv: the histogram of all replications, class, upper_bound_s, count."""
    return pd.read_csv(run / "latency.csv")


def cdf(hist):
    """Per class: latency in ms and the share of requests at or below it (%)."""
    out = {}
    for cls, rows in hist.groupby("class", sort=False):
        rows = rows.sort_values("upper_bound_s")
        out[cls] = pd.DataFrame({
            "ms": rows.upper_bound_s.to_numpy() * 1e3,
            "percent": 100 * rows["count"].cumsum().to_numpy() / rows["count"].sum(),
        })
    return out


def classes(summary):
    """summary.json's request classes: means over replications, latencies in ms."""
    rows = []
    for c in summary["classes"]:
        lat = c["latency_s"]
        rows.append({
            "class": c["name"],
            "throughput_rps": c["throughput_rps"]["mean"],
            "error_rate_%": 100 * c["error_rate"]["mean"],
            "p50_ms": 1e3 * lat["p50"]["mean"],
            "p95_ms": 1e3 * lat["p95"]["mean"],
            "p95_ci95_ms": 1e3 * (lat["p95"]["ci95"] or 0),
            "p99_ms": 1e3 * lat["p99"]["mean"],
            "p99.9_ms": 1e3 * lat["p999"]["mean"],
        })
    return pd.DataFrame(rows).set_index("class")


def components(summary):
    rows = []
    for c in summary["components"]:
        rows.append({
            "component": c["name"],
            "kind": c["kind"],
            "instances": c["instances"],
            "utilisation_%": 100 * c["utilisation"]["mean"],
            "mean_queue": c["mean_queue"]["mean"],
            "max_queue": c["max_queue"],
            "saturated": c["saturated"],
        })
    return pd.DataFrame(rows).set_index("component")


def headroom(summary):
    """The utilisation ceiling: the SLO's headroom when the run was checked against one."""
    for check in summary.get("slo", {}).get("checks", []):
        if check["subject"].endswith(" utilisation"):
            return check["target"]
    return DEFAULT_HEADROOM


def save(fig, name):
    """Saves a figure as FIGURES/name.png and returns the path."""
    path = figures_dir() / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    print("wrote", path)
    return path
