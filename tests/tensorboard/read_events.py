#!/usr/bin/env python3
"""Print the scalars in a folder's TensorBoard event files, read by TensorBoard's own code.

An independent reader for the event files ldarts writes (src/io/event_file.cpp):

    read_events.py DIR            # every event file in DIR, each on its own
    read_events.py --as-run DIR   # DIR as TensorBoard shows it: one run

Each file in DIR whose name contains "tfevents" (the files TensorBoard picks) is
first read record by record with tensorboard's TFRecord reader, which checks
both CRCs of every record; a damaged or truncated file is an error here (the
loader below would silently stop at it). Then tensorboard's EventAccumulator
loads the scalars: size_guidance scalars=0 keeps every event and, by default,
purge_orphaned_data=False keeps out-of-order steps, so events duplicated by a
bad resume stay visible. --as-run instead loads DIR with TensorBoard's
defaults (all files in name order, steps that go back purge the later ones).

Output, sorted, one line per scalar event:

    tag<TAB>step<TAB>value

value is printed with 9 significant digits ('%.9g'), which identifies a float32
exactly and is what C's printf("%.9g", (double)f) prints for the same float.

Exit status: 0 with at least one line; 1 with a message on stderr when DIR is
missing, holds no event file or no scalar, or a file is damaged; 2 for usage.

Needs the `tensorboard` PyPI package, which scripts/setup.sh installs into
${LDARTS_CACHE:-~/.cache/ldarts}/test-venv: run it with that venv's python.
"""
import argparse
import os
import sys


def die(message):
    print(f"read_events.py: {message}", file=sys.stderr)
    sys.exit(1)


def event_files(folder):
    names = sorted(name for name in os.listdir(folder) if "tfevents" in name)
    return [os.path.join(folder, name) for name in names if os.path.isfile(os.path.join(folder, name))]


def check_records(path):
    """Reads every record with tensorboard's TFRecord reader; raises on a bad CRC or a truncated record."""
    from tensorboard.compat.tensorflow_stub import errors
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import PyRecordReader_New

    reader = PyRecordReader_New(path)
    while True:
        try:
            reader.GetNext()
        except errors.OutOfRangeError:
            return


def scalars(path, purge_orphaned_data):
    from tensorboard.backend.event_processing import event_accumulator

    accumulator = event_accumulator.EventAccumulator(
        path,
        size_guidance={event_accumulator.SCALARS: 0},  # 0: keep all
        purge_orphaned_data=purge_orphaned_data,
    )
    accumulator.Reload()
    for tag in accumulator.Tags()[event_accumulator.SCALARS]:
        for event in accumulator.Scalars(tag):
            yield tag, event.step, event.value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", help="folder holding event files")
    parser.add_argument("--as-run", action="store_true", help="load DIR as one TensorBoard run")
    args = parser.parse_args()

    if not os.path.isdir(args.dir):
        die(f"{args.dir} is not a folder")
    files = event_files(args.dir)
    if not files:
        die(f"no event file (a name containing 'tfevents') in {args.dir}")
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        die("the tensorboard package is missing: run scripts/setup.sh, then use its test-venv python")
    from tensorboard.compat.tensorflow_stub import errors

    rows = []
    for path in files:
        try:
            check_records(path)
        except errors.OpError as e:
            die(f"{path}: {e.message}")
        if not args.as_run:
            rows.extend(scalars(path, purge_orphaned_data=False))
    if args.as_run:
        rows.extend(scalars(args.dir, purge_orphaned_data=True))
    if not rows:
        die(f"no scalar events in {args.dir} ({len(files)} event files)")
    for tag, step, value in sorted(rows):
        print(f"{tag}\t{step}\t{value:.9g}")


if __name__ == "__main__":
    main()
