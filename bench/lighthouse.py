"""Lighthouse in mobile mode on the key public pages, served as in production.

    python bench/lighthouse.py                      # db.sqlite3 with the demo content
    python bench/lighthouse.py --db /tmp/demo.sqlite3 --runs 3

Serves the database with gunicorn, production settings and whitenoise (bench/public_pages.py),
runs npm ``lighthouse`` (pinned below) against Debian's Chromium on home, search with facets,
a practice, the comparison, an event and the worksheet, and prints the four category scores
of each (the median of --runs). Targets (docs/design.md): accessibility >= 98, best
practices >= 95, SEO >= 95, performance >= 90.

Lighthouse is installed with npm into --tools (outside the repository) when missing; it
needs Node 18.20 or newer. Nothing here is run by the test suite.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from public_pages import ROOT, page_types, production_server, setup_django

LIGHTHOUSE = "lighthouse@12.2.3"
PAGES = ["home", "search", "practice", "compare", "event", "worksheet"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 90, "accessibility": 98, "best-practices": 95, "seo": 95}


def lighthouse_cli(tools):
    cli = Path(tools) / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        if not shutil.which("npm"):
            sys.exit("npm not found: install Node.js 18.20+ (Debian: apt-get install nodejs npm)")
        Path(tools).mkdir(parents=True, exist_ok=True)
        print(f"Installing {LIGHTHOUSE} into {tools} ...", file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--prefix", str(tools), "--no-audit", "--no-fund", LIGHTHOUSE],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return cli


def run_once(cli, url, chromium, workdir):
    report = Path(workdir) / "report.json"
    command = [
        "node",
        str(cli),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    env = dict(os.environ, CHROME_PATH=chromium)
    # Lighthouse sometimes loses the trace on a loaded machine (NO_NAVSTART): try once more.
    if subprocess.run(command, check=False, env=env).returncode != 0:
        subprocess.run(command, check=True, env=env)
    data = json.loads(report.read_text())
    scores = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
    failed = []
    for category in CATEGORIES[1:]:
        for ref in data["categories"][category]["auditRefs"]:
            score = data["audits"][ref["id"]]["score"]
            if ref["weight"] and score is not None and score < 1:
                failed.append(ref["id"])
    return scores, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "db.sqlite3"))
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median is shown")
    parser.add_argument(
        "--tools", default=os.environ.get("LIGHTHOUSE_DIR", "/tmp/portal-lighthouse-12.2.3")
    )
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    args = parser.parse_args()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True)
    cli = lighthouse_cli(args.tools)
    setup_django(args.db)
    pages = {name: path for name, path, _login in page_types() if name in PAGES}
    print(f"Lighthouse 12.2.3 (mobile), Node {node.stdout.strip()}, {args.chromium}")
    header = f"{'page':10} " + " ".join(f"{c:>15}" for c in CATEGORIES)
    rows, misses = [], {}
    with production_server(args.db) as base, tempfile.TemporaryDirectory() as workdir:
        for name in PAGES:
            if name not in pages:
                continue
            url = base + pages[name]
            # One visit first, so the run measures a served page, not the first rendition.
            with urllib.request.urlopen(url, timeout=120) as response:
                response.read()
            runs = [run_once(cli, url, args.chromium, workdir) for _ in range(args.runs)]
            scores = {c: statistics.median(r[0][c] for r in runs) for c in CATEGORIES}
            misses[name] = sorted({a for r in runs for a in r[1]})
            rows.append((name, scores))
        # Printed before the server stops, so a slow shutdown cannot lose the figures.
        print(header)
        for name, scores in rows:
            print(f"{name:10} " + " ".join(f"{scores[c]:>15}" for c in CATEGORIES))
        print(f"{'target':10} " + " ".join(f"{TARGETS[c]:>15}" for c in CATEGORIES))
        for name, failed in misses.items():
            if failed:
                print(f"  {name}: audits not passed: {', '.join(failed)}")
        sys.stdout.flush()
    below = [(n, c) for n, s in rows for c in CATEGORIES if s[c] < TARGETS[c]]
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
