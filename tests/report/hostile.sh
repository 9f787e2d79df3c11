#!/usr/bin/env bash
# End-to-end check that `ldarts report` runs no script a run folder brings
# (docs/report.md, "Offline by construction"): a real tiny search, copied and
# given hostile files, as a folder shared by someone else might be:
#   - cells/epoch-001-evil.svg: an SVG with a <script> and an onload= handler,
#   - cells/epoch-001-"><img src=x onerror="document.title='PWNED'">.svg: a
#     real Graphviz picture under a file name made to close an attribute,
# then its report opened in headless Chromium (--dump-dom):
#   - the hostile scripts did not run: the title is not PWNED and no element
#     with an id starting "pwned" exists,
#   - the page's own script did run: body data-ready="1", no data-js-errors,
#     and every epoch label reads "epoch N (k of n)" (only the script writes
#     "of"),
#   - the DOM holds only the page's two <script> elements, and every cell
#     picture (the hostile ones too) is an <img> with a data: URI.
# Usage: tests/report/hostile.sh LDARTS_BINARY OUT_DIR
# Exit 77 (ctest: SKIPPED) when chromium or gnuplot is missing.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"  # args, tools, a tiny search into $out/run
cp -r "$out/run" "$out/shared"
cells="$out/shared/cells"
[ -f "$cells/epoch-001-cell.svg" ] || fail "the search drew no cells/epoch-001-cell.svg"
cat > "$cells/epoch-001-evil.svg" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"
 onload="document.body.appendChild(document.createElement('p')).id='pwned-onload'">
<script>document.body.appendChild(document.createElement('p')).id = 'pwned-script';</script>
<g id="graph0"><text x="4" y="24">evil</text></g>
</svg>
EOF
cp "$cells/epoch-001-cell.svg" "$cells/epoch-001-\"><img src=x onerror=\"document.title='PWNED'\">.svg"

"$binary" report "$out/shared" --out "$out/report.html" > "$out/report.log" 2>&1 \
    || { cat "$out/report.log"; fail "ldarts report"; }

"$chromium" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$out/chromium-profile" \
    --virtual-time-budget=5000 --dump-dom "file://$out/report.html" > "$out/dom.html" 2> "$out/chromium.log" \
    || { tail -20 "$out/chromium.log"; fail "chromium --dump-dom"; }

python3 - "$out" "$(ls "$cells"/epoch-*.svg | wc -l)" <<'EOF'
import re, sys
from html.parser import HTMLParser

out, pictures = sys.argv[1], int(sys.argv[2])

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.body, self.title, self.ids, self.scripts, self.frames, self.labels = None, "", [], 0, [], []
        self.open = None  # "title" or "label" while inside one
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "script":
            self.scripts += 1
        if tag == "img" and "frame" in (a.get("class") or "").split():
            self.frames.append(a.get("src") or "")
        if tag == "title" and self.body is None:
            self.open = "title"
        if tag == "span" and a.get("class") == "epoch-label":
            self.open = "label"
            self.labels.append("")
    def handle_endtag(self, tag):
        if tag in ("title", "span"):
            self.open = None
    def handle_data(self, data):
        if self.open == "title":
            self.title += data
        elif self.open == "label":
            self.labels[-1] += data

page = Page()
page.feed(open(f"{out}/dom.html", encoding="utf-8").read())
problems = []
# The hostile scripts did not run.
if "PWNED" in page.title:
    problems.append(f"the page's title is {page.title!r}: a script from the run folder ran")
pwned = [i for i in page.ids if i.startswith("pwned")]
if pwned:
    problems.append(f"elements {pwned} exist: a script from the run folder ran")
# The page's own script did.
if page.body is None:
    problems.append("no <body> in the dumped DOM")
else:
    if page.body.get("data-ready") != "1":
        problems.append(f"body data-ready is {page.body.get('data-ready')!r}, not '1' (the page's script did not run)")
    if page.body.get("data-js-errors"):
        problems.append(f"script errors: {page.body['data-js-errors']}")
if not page.labels or not all(re.fullmatch(r"epoch \d+ \(\d+ of \d+\)", l) for l in page.labels):
    problems.append(f"epoch labels {page.labels} were not written by the page's script")
if page.scripts != 2:
    problems.append(f"{page.scripts} <script> elements in the DOM, expected the page's own 2")
if len(page.frames) != pictures or not all(s.startswith("data:image/svg+xml;base64,") for s in page.frames):
    problems.append(f"{len(page.frames)} cell pictures as <img> with a data: URI, expected all {pictures}")

if problems:
    print("FAIL:\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"OK: no script from the run folder ran; the page's own did; {pictures} cell pictures as data: images")
EOF
