"""Times one evaluation-training step of the authors' code (issue 26, item 1).

The loop body of `train()` in sota/cnn/train.py of dr-faustus/Lambda-DARTS
(the DARTS one): forward with the auxiliary head, cross-entropy + 0.4 x the
auxiliary loss, backward, clip_grad_norm_(5), SGD(0.025, momentum 0.9, wd 3e-4),
with `model.drop_path_prob` at its full value; on a fixed synthetic batch, as
`ldarts train --benchmark N` times its step. The authors' model.py and
genotypes.py are imported at run time from LAMBDA_REF (an export of the
repository outside this clone; nothing of it is committed). train.py itself is
not imported: it parses its command line and imports torchvision and
tensorboard at import time; its six lines of step are restated below.

  LAMBDA_REF=~/.cache/lambda-ref ~/.cache/lambda-ref-venv/bin/python \\
      tests/reference/time_train.py --threads 2 --steps 3
  build/ldarts train --config configs/train-cifar10.toml --genotype tests/data/darts_v2.txt \\
      --benchmark 3 --threads 2 --device cpu
"""
import argparse
import os
import resource
import statistics
import sys
import time
import types


def stub_torchvision():
    # sota/cnn/utils.py imports torchvision for its data helpers, which are never called here.
    try:
        import torchvision  # noqa: F401
        return
    except ImportError:
        pass
    for name in ["torchvision", "torchvision.transforms", "torchvision.datasets", "torchvision.datasets.utils"]:
        module = types.ModuleType(name)
        module.__path__ = []
        module.VisionDataset = object
        sys.modules[name] = module
    sys.modules["torchvision"].transforms = sys.modules["torchvision.transforms"]
    sys.modules["torchvision"].datasets = sys.modules["torchvision.datasets"]
    sys.modules["torchvision.datasets"].utils = sys.modules["torchvision.datasets.utils"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--genotype", default="tests/data/darts_v2.txt",
                        help="a file of Genotype(...) text (as ldarts reads it), or a name in sota/cnn/genotypes.py")
    parser.add_argument("--channels", type=int, default=36)
    parser.add_argument("--layers", type=int, default=20)
    parser.add_argument("--batch", type=int, default=96)
    parser.add_argument("--drop-path", type=float, default=0.2)
    args = parser.parse_args()
    root = os.environ.get("LAMBDA_REF")
    if not root or not os.path.isdir(os.path.join(root, "sota", "cnn")):
        sys.exit("set LAMBDA_REF to an export of dr-faustus/Lambda-DARTS (tests/reference/time_train.py's docstring)")
    sys.path.insert(0, root)
    stub_torchvision()
    import torch
    import torch.nn as nn
    torch.set_num_threads(args.threads)
    # CPU runs of the CUDA-only reference: .cuda() is the identity, and drop_path's mask
    # (utils.py: torch.cuda.FloatTensor(n, 1, 1, 1).bernoulli_(keep)) is made on the CPU.
    torch.Tensor.cuda = lambda self, *a, **k: self
    torch.cuda.FloatTensor = lambda *size: torch.empty(*size)
    import sota.cnn.genotypes as genotypes
    from sota.cnn.model import Network

    torch.manual_seed(0)
    if os.path.isfile(args.genotype):
        genotype = eval(open(args.genotype).read(), vars(genotypes))  # Genotype(...) text, range() included
    else:
        genotype = getattr(genotypes, args.genotype)
    model = Network(args.channels, 10, args.layers, True, genotype)
    model.drop_path_prob = args.drop_path
    model.train()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), 0.025, momentum=0.9, weight_decay=3e-4)
    images = torch.randn(args.batch, 3, 32, 32)
    target = torch.randint(0, 10, (args.batch,))

    def step():  # train() of sota/cnn/train.py, lines 157-165
        optimizer.zero_grad()
        logits, logits_aux = model(images)
        loss = criterion(logits, target)
        loss += 0.4 * criterion(logits_aux, target)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5)
        optimizer.step()

    step()  # warm-up, as ldarts train --benchmark
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    params = sum(p.numel() for n, p in model.named_parameters() if "auxiliary" not in n)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("authors' train() step: %s C=%d L=%d, batch %d, drop path %g, %d threads: mean %.1f ms, median %.1f ms "
          "(%d steps), %.1f images/s, %d parameters without the auxiliary head, peak RSS %.0f MiB"
          % (args.genotype, args.channels, args.layers, args.batch, args.drop_path, args.threads,
             1000 * statistics.mean(times), 1000 * statistics.median(times), args.steps,
             args.batch / statistics.mean(times), params, peak))


if __name__ == "__main__":
    main()
