#!/usr/bin/env bash
# End-to-end check of `ldarts report` (docs/report.md): a real tiny search
# (2 epochs x 3 steps), its report, and the page opened in headless Chromium:
#   - the page's script ran (body data-ready="1") and raised no error
#     (no data-js-errors),
#   - every per-epoch series has one point per epoch (2), every per-step
#     series one per step (6), read from the figures' data-series attributes,
#   - the run is listed, nothing is loaded from elsewhere,
#   - a screenshot (OUT_DIR/report.png) was written and is not blank.
# Usage: tests/report/screenshot.sh LDARTS_BINARY OUT_DIR
# Exit 77 (ctest: SKIPPED) when chromium or gnuplot is missing.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"  # args, tools, a tiny search into $out/run
# A second run (plain DARTS) to overlay: the page must list and plot both.
"$binary" search --config configs/tiny.toml --epochs 2 --max-steps 3 --eval-steps 2 --threads 1 --regularizer none \
    --out "$out/run-darts" > "$out/search-darts.log" 2>&1 || { cat "$out/search-darts.log"; fail "ldarts search (DARTS)"; }
"$binary" report "$out/run" "$out/run-darts" --out "$out/report.html" > "$out/report.log" 2>&1 \
    || { cat "$out/report.log"; fail "ldarts report"; }
grep -qx "$out/report.html" "$out/report.log" || fail "ldarts report did not print the page's path"

# A private profile folder: nothing is read from or written to $HOME.
browse() {
  "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$out/chromium-profile" \
      --virtual-time-budget=5000 "$@" "file://$out/report.html"
}
browse --dump-dom > "$out/dom.html" 2> "$out/chromium.log" || { tail -20 "$out/chromium.log"; fail "chromium --dump-dom"; }
browse --screenshot="$out/report.png" --window-size=1400,3000 >> "$out/chromium.log" 2>&1 \
    || { tail -20 "$out/chromium.log"; fail "chromium --screenshot"; }

python3 - "$out" <<'EOF'
import json, struct, sys
from html.parser import HTMLParser

out = sys.argv[1]
EPOCHS, STEPS = 2, 6

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.body, self.figures, self.runs, self.external = None, {}, [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if tag == "figure" and "data-plot" in a:
            self.figures[a["data-plot"]] = json.loads(a["data-series"])
        if tag == "tr" and "data-run" in a:
            self.runs.append(a["data-run"])
        for key in ("src", "href"):
            value = a.get(key) or ""
            if value and not value.startswith("#") and not value.startswith("data:"):
                self.external.append(f"<{tag} {key}={value}>")

page = Page()
page.feed(open(f"{out}/dom.html", encoding="utf-8").read())
problems = []
if page.body is None:
    problems.append("no <body> in the dumped DOM")
else:
    if page.body.get("data-ready") != "1":
        problems.append(f"body data-ready is {page.body.get('data-ready')!r}, not '1' (the page's script did not finish)")
    if page.body.get("data-js-errors"):
        problems.append(f"script errors: {page.body['data-js-errors']}")
if page.runs != ["run", "run-darts"]:
    problems.append(f"run table lists {page.runs}, expected ['run', 'run-darts']")
if page.external:
    problems.append(f"the page loads from elsewhere: {page.external[:5]}")
for plot in ("loss", "accuracy", "alignment", "sign_alignment", "lambda", "lr", "steps_loss", "alpha-0-cell-0"):
    if plot not in page.figures:
        problems.append(f"no figure data-plot={plot!r}")
for plot, series in page.figures.items():
    if not series:
        problems.append(f"{plot}: no series")
    if plot.startswith("diag_"):
        continue  # one row per --probe-every steps
    expected = STEPS if plot.startswith("steps_") else EPOCHS
    if not plot.startswith("alpha-") and not any(name.startswith("run-darts/") for name in series):
        problems.append(f"{plot}: no series of the second run")
    for name, points in series.items():
        if points != expected:
            problems.append(f"{plot}: series {name!r} has {points} points, expected {expected}")

with open(f"{out}/report.png", "rb") as f:
    png = f.read()
if png[:8] != b"\x89PNG\r\n\x1a\n":
    problems.append("report.png is not a PNG")
else:
    width, height = struct.unpack(">II", png[16:24])
    if (width, height) != (1400, 3000):
        problems.append(f"report.png is {width}x{height}, expected 1400x3000")
if len(png) < 50_000:  # a blank 1400x3000 page compresses to a few kB
    problems.append(f"report.png is only {len(png)} bytes (blank page?)")

if problems:
    print("FAIL:\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"OK: {len(page.figures)} figures, one point per epoch/step in every series; screenshot {out}/report.png")
EOF
