#!/usr/bin/env python3
"""Summarize the run folders of scripts/study_nb201.sh as markdown tables."""
import csv
import os
import sys

PARAMETER_FREE = {"none", "skip_connect", "avg_pool_3x3"}


def ops_of(genotype):
    return [tok.split("~")[0] for part in genotype.split("+") for tok in part.strip("|").split("|")]


def main(root):
    runs = sorted(d for d in os.listdir(root) if os.path.isfile(os.path.join(root, d, "metrics.csv")))
    print("| run | epoch | λ_t | Λ train | Λ valid | Λ± train | valid acc | parameter-free ops | genotype | C10 | C100 | IN16 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    finals = []
    for run in runs:
        with open(os.path.join(root, run, "metrics.csv")) as f:
            rows = list(csv.DictReader(f))
        for r in rows:
            ops = ops_of(r["genotype"])
            free = sum(op in PARAMETER_FREE for op in ops)
            print(f"| {run} | {int(r['epoch']) + 1} | {float(r['lambda']):.3f} | {float(r['alignment_train']):.4f} | "
                  f"{float(r['alignment_valid']):.4f} | {float(r['sign_alignment_train']):.4f} | "
                  f"{float(r['valid_acc']):.2f} | {free}/6 | `{r['genotype']}` | {r['cifar10_test']} | "
                  f"{r['cifar100_test']} | {r['imagenet16_test']} |")
        finals.append((run, rows[-1]))
    print()
    print("| run | final Λ train | final valid acc | parameter-free ops | final genotype | C10 | C100 | IN16 |")
    print("|---|---|---|---|---|---|---|---|")
    for run, r in finals:
        free = sum(op in PARAMETER_FREE for op in ops_of(r["genotype"]))
        print(f"| {run} | {float(r['alignment_train']):.4f} | {float(r['valid_acc']):.2f} | {free}/6 | "
              f"`{r['genotype']}` | {r['cifar10_test']} | {r['cifar100_test']} | {r['imagenet16_test']} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runs/study")
