#!/usr/bin/env python3
"""One row per search of a sweep folder (ldarts sweep ... --out DIR) with a
training per search (train = ...): the table of docs/results.md's study.

    python3 scripts/study_table.py runs/study-fmnist [--by regularizer]

Columns: the grouping key, seed, final genotype, connected, parameter-free ops,
NB201 CIFAR-10 valid / test, CIFAR-100 and ImageNet16-120 test (from the
search's metrics.csv, which ldarts fills from data/nb201), the best-validation
genotype's CIFAR-10 valid / test when it differs, the supernet's validation
accuracy, the mean layer alignment Λ of the last epoch, and the test top-1 of
the cell trained by the sweep's training (test.json). The mean ± std and 95 %
CI per group come from `ldarts summarize DIR --by KEY`.
"""
import csv
import json
import os
import sys


def config(folder):
    values = {}
    with open(os.path.join(folder, "config.toml")) as f:
        for line in f:
            if "=" in line and not line.lstrip().startswith("#"):
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip().strip('"')
    return values


def number(text, digits=2):
    try:
        return f"{float(text):.{digits}f}"
    except (TypeError, ValueError):
        return ""


def main(root, by):
    print(f"| {by} | seed | final genotype | connected | param-free | C10 valid | C10 test | C100 | IN16 | "
          "best-valid genotype: C10 valid / test | supernet valid acc | Λ train | F-MNIST judge top-1 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        if name.endswith(".train") or not os.path.isfile(os.path.join(folder, "metrics.csv")):
            continue
        with open(os.path.join(folder, "metrics.csv")) as f:
            rows = list(csv.DictReader(f))
        if not rows:
            continue
        r, c = rows[-1], config(folder)
        judge = ""
        test_json = folder + ".train/test.json"
        if os.path.isfile(test_json):
            with open(test_json) as f:
                judge = number(json.load(f).get("top1"))
        best = "same" if r.get("best_genotype") == r["genotype"] else \
            f"epoch {int(r['best_epoch']) + 1}: {number(r.get('best_cifar10_valid'))} / {number(r.get('best_cifar10_test'))}"
        escaped = r["genotype"].replace("|", "\\|")  # a pipe inside a Markdown table cell
        connected = {"1": "yes", "0": "**no**"}.get(r.get("connected", ""), "?")
        print(f"| {c.get(by, '')} | {c.get('seed', '')} | `{escaped}` | {connected} | "
              f"{r.get('parameter_free_ops', '')}/6 | {number(r.get('cifar10_valid'))} | {number(r['cifar10_test'])} | "
              f"{number(r['cifar100_test'])} | {number(r['imagenet16_test'])} | {best} | {number(r['valid_acc'])} | "
              f"{number(r['alignment_train'], 4)} | {judge} |")


if __name__ == "__main__":
    args = sys.argv[1:]
    by = "regularizer"
    if "--by" in args:
        i = args.index("--by")
        by = args[i + 1]
        del args[i:i + 2]
    main(args[0] if args else "runs/study-fmnist", by)
