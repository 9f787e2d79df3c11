#!/usr/bin/env python3
"""One search step of ldarts against one step of the published authors' code, in float64
(docs/reference-steps.md), or in float32 against the published float64 step with the
published code's own float32 noise floor (--dtype float32, docs/reference-float32.md).

    OMP_NUM_THREADS=1 PY tests/reference/compare_step.py --method darts-2nd \
        --binary build/tests/reference/reference_step [--steps 2] [--json out.json]

For the method this script
  1. builds the published supernet (NB201 C=8, N=1 by default; DARTS space for
     darts-minus) in float64 with the published constructor and optimizers;
  2. sets α to 0.3·N(0,1) (softmax(α) not uniform) and makes a synthetic train and valid
     batch (N(0,1) images, random labels of 10 classes);
  3. writes ω (published parameter order), the BN buffers ldarts has, α, the batches and
     the ldarts options to a file, runs tests/reference/reference_step on it (ldarts'
     Searcher::step, --steps times) and reads ω, α, BN buffers, SGD momentum and
     Adam's exp_avg of α back;
  4. runs the published code's own step function, imported from the exported tree
     (never re-implemented): search_func of DARTS-V1/DARTS-V2/PCDARTS.py (Lambda-DARTS
     NAS-Bench201; --published autodl: AutoDL-Projects), train() of
     nasbench201/train_search.py (Beta-DARTS, SmoothDARTS), train() of DARTS-
     src/search/train_search.py, train() of chenxin061/pdarts train_search.py (one
     P-DARTS stage), on a one-batch loader, with .cuda() a no-op;
  5. prints max |Δ| and relative differences of ω, α, the ω gradient (momentum buffer),
     the α gradient (Adam's first moment) and the BN buffers.

Nothing of the published code is copied here. Run-time patches (no numerical change):
.cuda() → identity; a torchvision stub when torchvision is missing; accuracy()
re-compiled with .reshape(-1) where .view(-1) raises on current PyTorch; the clip
function wrapped to record the norm it saw; for sdarts-* torch.Tensor.uniform_ is
replaced *inside the published step only* by a function that writes ldarts' draw (the
same U(−ε, ε) numbers, replayed by reference_step.cpp), so both sides use one
perturbation; for p-darts with --skip-dropout, torch.nn.Dropout.forward is replaced
inside the published step by one that multiplies by ldarts' masks (drawn from the
seeds reference_step.cpp replays). --clip, --arch-clip and --clip-omega-only change the
published clip on purpose (docs/reference-steps.md, D1).

--lambda L (NB201 darts / pc-darts, Lambda-DARTS' DARTS-V1.py / PCDARTS.py): the Λ
regularizer on both sides, λ_t = L in the step (no ramp): the published search_func with
args.corr_regularization = True, network.lambda_ = L, network.epsilon_0 = --epsilon0 (1e-4
as in scripts-search/algos/DARTS-V1.sh); ldarts --regularizer corr --fd-mode central with
schedule.lambda = L. The published get_corr() / get_perturbations() are wrapped (the
values they return are recorded, nothing else changes) for Λ_train, Λ_valid and ε; the
published ‖Δ‖ is epsilon_0 / ε (get_perturbations: ε = epsilon_0 / ‖Δ‖).

--dtype float32: the float64 start (ω, α, BN buffers, batches) is rounded to float32
first; from that one rounded start the published step runs in float64 (as without the
flag) and again in float32 (a second published network built under
torch.set_default_dtype(float32), loaded with the rounded start), and ldarts runs in
float32 (reference_step's float64 = 0, --channels-last and --cell-kernel as given).
"floor" = published float32 vs published float64; the other figures = ldarts float32 vs
published float64; "ratio" = the latter ÷ the former per figure (pass: ≤ 3).
"""
import argparse
import statistics
import ast
import math
import json
import os
import subprocess
import sys
import tempfile
import types
from types import SimpleNamespace

sys.dont_write_bytecode = True

import torch  # noqa: E402

REPOS = {
    "quark0": "quark0+darts",
    "pcdarts": "yuhuixu1993+PC-DARTS",
    "autodl": "D-X-Y+AutoDL-Projects",
    "dartsminus": "Meituan-AutoML+DARTS-",
    "lambda": "dr-faustus+Lambda-DARTS",
    "beta": "Sunshine-Ye+Beta-DARTS",
    "sdarts": "xiangning-chen+SmoothDARTS",
    "pdarts": "chenxin061+pdarts",
}


# ---------------------------------------------------------------------------- patches
def patch_cuda():
    torch.Tensor.cuda = lambda self, *a, **k: self
    torch.nn.Module.cuda = lambda self, *a, **k: self


def torchvision_stub():
    try:
        import torchvision  # noqa: F401
        return
    except ImportError:
        pass

    class Stub(types.ModuleType):
        def __getattr__(self, item):
            if item.startswith("__"):
                raise AttributeError(item)
            return Stub(self.__name__ + "." + item)

        def __call__(self, *a, **k):
            raise RuntimeError("torchvision stub called: " + self.__name__)

    for name in ["torchvision", "torchvision.datasets", "torchvision.datasets.utils", "torchvision.transforms"]:
        m = Stub(name)
        m.__path__ = []
        sys.modules[name] = m
    sys.modules["torchvision.datasets"].VisionDataset = type("VisionDataset", (object,), {})


def patch_accuracy(module, name="accuracy"):
    """SmoothDARTS' optimizers/darts/utils.py accuracy() and AutoDL's
    xautodl/utils/evaluation_utils.py obtain_accuracy() do correct[:k].view(-1) on a
    transposed tensor, which raises on current PyTorch (bookkeeping after the update).
    Re-compiled from their own source with .reshape(-1); the values are the same."""
    import inspect
    import textwrap
    fn = getattr(module, name)
    src = textwrap.dedent(inspect.getsource(fn))
    if "correct[:k].view(-1)" not in src:
        return fn
    ns = dict(vars(inspect.getmodule(fn)))
    exec(compile(src.replace("correct[:k].view(-1)", "correct[:k].reshape(-1)"), inspect.getsourcefile(fn), "exec"), ns)
    setattr(module, name, ns[name])
    return ns[name]


def commit_of(ref_root, ref):
    """The commit of the exported tree, from the mirror it came from (if here)."""
    name = os.path.relpath(ref.root, ref_root).split(os.sep)[0]
    git = "/work/.mirror/%s/repo" % name
    try:
        return subprocess.run(["git", "-C", git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def load_function(path, name, namespace, fixes=()):
    """Executes only `def name` of a published script (their module level parses
    arguments and opens data sets), after the (old, new) text replacements `fixes`."""
    src = open(path).read()
    for old, new in fixes:
        src = src.replace(old, new)
    tree = ast.parse(src, filename=path)
    fns = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    assert len(fns) == 1, (path, name)
    exec(compile(ast.Module(body=fns, type_ignores=[]), path, "exec"), namespace)
    return namespace[name]


# `cuda(async=True)` is a syntax error since Python 3.7 (in branches that do not run here, or
# .cuda() is a no-op), and `x.data[0]` (bookkeeping after the update) raises on 0-dim tensors
# since PyTorch 0.4 (quark0/darts, PC-DARTS, DARTS-).
PY3_FIXES = (("async=True", "non_blocking=True"), (".data[0]", ".data.item()"))


def queues(batches):
    """One-batch loaders of the published loops: every (train) batch, the first valid batch."""
    return [(x, y) for (x, y, _, _) in batches], [(vx, vy) for (_, _, vx, vy) in batches[:1]]


class ClipRecorder:
    """Wraps torch.nn.utils.clip_grad_norm_: records the norm it returns and the
    norm over ω alone (the published NB201 scripts clip network.parameters(), α included)."""

    def __init__(self):
        self.orig = torch.nn.utils.clip_grad_norm_
        self.records = []
        self.override = None  # --clip: another max_norm on both sides
        self.drop = set()     # ids of parameters left out of the published clip (--clip-omega-only)
        self.alpha_ids = set()  # a clip over these alone is an α clip (P-DARTS): recorded with "arch": True
        self.arch_override = None  # --arch-clip: another max_norm of that α clip on both sides

    def __call__(self, params, max_norm, *a, **k):
        params = list(params)
        if self.drop:  # --clip-omega-only: the clip as ldarts has it, over ω alone
            params = [q for q in params if id(q) not in self.drop]
        arch = bool(params) and all(id(q) in self.alpha_ids for q in params)
        if arch and self.arch_override is not None:
            max_norm = self.arch_override
        elif not arch and self.override is not None:
            max_norm = self.override
        total = self.orig(params, max_norm, *a, **k)
        self.records.append({"total_norm": float(total), "max_norm": float(max_norm), "n_params": len(params),
                             **({"arch": True} if arch else {})})
        return total

    def install(self):
        torch.nn.utils.clip_grad_norm_ = self
        torch.nn.utils.clip_grad_norm = self  # the deprecated name (DARTS- src/search/train_search.py:374)


class InjectedUniform:
    """torch.Tensor.uniform_ that writes the given tensors in order (the SDARTS draws)."""

    def __init__(self, tensors):
        self.tensors = list(tensors)
        self.used = 0
        self.orig = torch.Tensor.uniform_

    def __enter__(self):
        def uniform_(t, a=0.0, b=1.0, *rest, **kw):
            src = self.tensors[self.used]
            assert tuple(src.shape) == tuple(t.shape), (src.shape, t.shape)
            assert abs(src.abs().max().item()) <= b + 1e-12, "the draw exceeds ε: different ε on the two sides"
            self.used += 1
            with torch.no_grad():
                return t.copy_(src)
        torch.Tensor.uniform_ = uniform_
        return self

    def __exit__(self, *exc):
        torch.Tensor.uniform_ = self.orig


class InjectedDropout:
    """torch.nn.Dropout.forward that multiplies by ldarts' mask: the n-th call of the k-th
    Dropout module (model.modules() order) draws Bernoulli(1 − p) from a CPU generator seeded
    with seeds[n][k] (the seed ldarts' SkipDropout module k uses in pass n,
    src/ops/skip_dropout.cpp) and returns x·mask/(1 − p), as ldarts does."""

    def __init__(self, model, seeds):
        self.index = {id(m): k for k, m in enumerate(x for x in model.modules() if isinstance(x, torch.nn.Dropout))}
        self.seeds = [[int(v) % 2 ** 64 for v in t.tolist()] for t in seeds]
        self.calls = [0] * len(self.index)
        self.orig = torch.nn.Dropout.forward

    def __enter__(self):
        def forward(module, x):
            k = self.index[id(module)]
            n = self.calls[k]
            self.calls[k] += 1
            assert module.training and 0 < module.p < 1 and not module.inplace
            gen = torch.Generator().manual_seed(self.seeds[n][k])
            mask = torch.empty(x.shape, dtype=x.dtype).bernoulli_(1 - module.p, generator=gen)
            return x * mask.div_(1 - module.p)
        torch.nn.Dropout.forward = forward
        return self

    def __exit__(self, *exc):
        torch.nn.Dropout.forward = self.orig


# ---------------------------------------------------------------------------- helpers
def bn_buffers(model, skip_types):
    """running_mean, running_var, num_batches_tracked of every BatchNorm outside the
    search cells (ldarts' search-cell BNs have no running statistics)."""
    skip = set()
    for name, m in model.named_modules():
        if isinstance(m, skip_types):
            skip.add(name + ".")
    names, out = [], []
    for name, m in model.named_modules():
        if isinstance(m, torch.nn.BatchNorm2d) and not any(name.startswith(s) for s in skip) and m.track_running_stats:
            for b in ("running_mean", "running_var", "num_batches_tracked"):
                names.append(name + "." + b)
                out.append(getattr(m, b))
    return names, out


def named_weights(model, weights):
    ids = {id(p): n for n, p in model.named_parameters()}
    return [ids[id(p)] for p in weights]


def diff(a, b, before=None):
    a, b = a.double(), b.double()
    d = (a - b).abs()
    r = {"max_abs": d.max().item() if d.numel() else 0.0,
         "max_rel": (d / b.abs().clamp_min(1e-300)).max().item() if d.numel() else 0.0,
         "norm_rel": (d.norm() / b.norm().clamp_min(1e-300)).item()}
    if before is not None:
        step = (b - before.double()).norm().item()
        r["of_update"] = d.norm().item() / step if step > 0 else float("nan")
    return r


def flat(ts):
    return torch.cat([t.reshape(-1).double() for t in ts]) if ts else torch.zeros(0)


def worst_of_update(mine, theirs, before, names):
    """The worst tensor's ‖mine − theirs‖ / ‖theirs − before‖ (tensors that moved), its name."""
    worst = (0.0, "")
    for a, b, b0, n in zip(mine, theirs, before, names):
        step = (b.double() - b0.double()).norm().item()
        if step > 0:
            worst = max(worst, ((a.double() - b.double()).norm().item() / step, n))
    return list(worst)


ABSOLUTE_SCALARS = ("alignment_train", "alignment_valid")   # Λ: absolute differences
RELATIVE_SCALARS = ("epsilon", "delta_norm", "clip_norm")   # relative differences


def scalar_errors(mine, theirs):
    """max over steps of |Λ − Λ'| and of |x − x'| / |x'| for ε, ‖Δ‖ and the clip's norm, where both sides have them."""
    out = {}
    for k in ABSOLUTE_SCALARS + RELATIVE_SCALARS:
        a, b = mine.get(k), theirs.get(k)
        if not a or not b or len(a) != len(b):
            continue
        if k in ABSOLUTE_SCALARS:
            out[k] = max(abs(x - y) for x, y in zip(a, b))
        else:
            out[k] = max(abs(x - y) / max(abs(y), 1e-300) for x, y in zip(a, b))
    return out


def ratio(err, floor):
    if floor is None or err is None:
        return None
    if floor == 0:
        return 0.0 if err == 0 else float("inf")
    return err / floor


# ---------------------------------------------------------------------------- methods
class Nb201Lambda:
    """Lambda-DARTS NAS-Bench201: DARTS-V1 (darts), DARTS-V2 (darts-2nd), PCDARTS (pc-darts)."""

    SCRIPTS = {"darts": ("DARTS-V1", "DARTS.config", 1e-4),     # scripts-search/algos/DARTS-V1.sh:43
               "darts-2nd": ("DARTS-V2", "DARTS.config", 3e-4),  # DARTS-V2.sh:37
               "pc-darts": ("PCDARTS", "PCDARTS.config", 6e-4)}  # PCDARTS.sh

    def __init__(self, args):
        self.args = args
        self.root = os.path.join(args.ref_root, REPOS["lambda"], "NAS-Bench201")
        sys.path.insert(0, os.path.join(self.root, "lib"))
        self.name, self.config_file, self.arch_lr = self.SCRIPTS[args.method]
        self.published = "dr-faustus/Lambda-DARTS NAS-Bench201/exps/algos/%s.py search_func" % self.name

    def build(self):
        from config_utils import load_config, dict2config
        from procedures import get_optim_scheduler
        from models import get_cell_based_tiny_net, get_search_spaces
        a = self.args
        torch.manual_seed(a.seed)
        space = get_search_spaces("cell", "nas-bench-102")
        net = get_cell_based_tiny_net(dict2config({"name": self.name, "C": a.channels, "N": a.cells, "max_nodes": 4,
                                                   "num_classes": 10, "space": space}, None))
        config = load_config(os.path.join(self.root, "configs/nas-benchmark/algos", self.config_file),
                             {"class_num": 10, "xshape": (1, 3, a.image, a.image)}, None)
        w_opt, w_sched, criterion = get_optim_scheduler(net.get_weights(), config)
        a_opt = torch.optim.Adam(net.get_alphas(), lr=self.arch_lr, betas=(0.5, 0.999), weight_decay=1e-3)
        w_sched.update(a.epoch, 0.0)  # main(): once per epoch
        self.net, self.criterion, self.w_opt, self.a_opt, self.sched = net, criterion, w_opt, a_opt, w_sched
        # DARTS-V2 runs on torch.nn.DataParallel(search_model) (DARTS-V2.py:220); without
        # GPUs DataParallel calls the module directly.
        self.network = torch.nn.DataParallel(net) if self.name == "DARTS-V2" else net
        self.config = config
        from models.cell_searchs.search_cells import SearchCell
        self.cell_types = (SearchCell,)
        self.scalars = {"corr": [], "epsilon": []} if hasattr(net, "get_corr") else None  # DARTS-V2: no get_corr
        if self.args.lambda_:
            if self.name not in ("DARTS-V1", "PCDARTS"):
                sys.exit("--lambda: only the Lambda-DARTS NB201 DARTS-V1.py / PCDARTS.py search_func have the regularizer")
            net.lambda_ = self.args.lambda_  # main(): lambda_ * epoch / (total_epoch - 1); here λ_t itself
            net.epsilon_0 = self.args.epsilon0
        if self.scalars is not None:
            self.instrument(net)
        return net

    def instrument(self, net):
        """Records what get_corr() and get_perturbations() compute (returned unchanged)."""
        orig_corr, orig_pert = net.get_corr, net.get_perturbations

        def get_corr(*a):
            v = orig_corr(*a)
            self.scalars["corr"].append(float(v))
            return v

        def get_perturbations():
            p = orig_pert()
            self.scalars["epsilon"].append(float(net.epsilon))
            return p

        net.get_corr, net.get_perturbations = get_corr, get_perturbations

    def published_scalars(self, steps):
        """Per step Λ_train, Λ_valid (search_func: get_corr() after the ω backward and after the α step), ε, ‖Δ‖."""
        c, e = self.scalars["corr"], self.scalars["epsilon"]
        first, second = getattr(self, "corr_order", ("alignment_train", "alignment_valid"))
        out = {first: c[0::2][:steps], second: c[1::2][:steps]}
        if e:
            out["epsilon"] = e[:steps]
            out["delta_norm"] = [self.args.epsilon0 / x for x in e[:steps]]
        return out

    def weights(self):
        return self.net.get_weights()

    def alphas(self):
        return self.net.get_alphas()

    def arch_optimizer(self):
        return self.a_opt

    def weight_optimizer(self):
        return self.w_opt

    def options(self):
        c = self.config
        lr = self.w_opt.param_groups[0]["lr"]
        return {"method": self.args.method, "lr": lr, "step_lr": lr, "momentum": c.momentum, "weight_decay": c.decay,
                "nesterov": int(bool(c.nesterov)), "arch_lr": self.arch_lr, "arch_weight_decay": 1e-3,
                "partial_channels": 4 if self.name == "PCDARTS" else 1,
                "step_order": "arch-first" if self.name == "DARTS-V2" else "weights-first",
                "epoch": self.args.epoch, "epochs": c.epochs, "grad_clip": 5}

    def step(self, batches, noise):
        import time as _time
        from log_utils import AverageMeter, time_string
        from utils import obtain_accuracy
        ns = {"time": _time, "torch": torch, "AverageMeter": AverageMeter, "time_string": time_string,
              "obtain_accuracy": obtain_accuracy,
              "args": SimpleNamespace(corr_regularization=bool(self.args.lambda_))}
        path = os.path.join(self.root, "exps/algos/%s.py" % self.name)
        if self.name == "DARTS-V2":  # search_func calls these module-level functions
            import numpy as np
            from copy import deepcopy
            ns.update({"np": np, "deepcopy": deepcopy})
            for f in ("_concat", "_hessian_vector_product", "backward_step_unrolled"):
                load_function(path, f, ns)
        search_func = load_function(path, "search_func", ns)
        log = SimpleNamespace(log=lambda s: None)
        search_func(batches, self.network, self.criterion, self.sched, self.w_opt, self.a_opt, "000", 10 ** 9, log)


class Nb201AutoDL(Nb201Lambda):
    """D-X-Y/AutoDL-Projects exps/NAS-Bench-201-algos/DARTS-V1.py / DARTS-V2.py with
    configs/nas-benchmark/algos/DARTS.config (wd 5e-4, Nesterov) and
    scripts-search/NAS-Bench-201-algos/DARTS-V*.sh (α lr 3e-4, track_running_stats as given)."""

    SCRIPTS = {"darts": ("DARTS-V1", "DARTS.config", 3e-4), "darts-2nd": ("DARTS-V2", "DARTS.config", 3e-4)}

    def __init__(self, args):
        self.args = args
        self.root = os.path.join(args.ref_root, REPOS["autodl"])
        sys.path.insert(0, self.root)
        self.name, self.config_file, self.arch_lr = self.SCRIPTS[args.method]
        self.published = "D-X-Y/AutoDL-Projects exps/NAS-Bench-201-algos/%s.py search_func" % self.name

    def build(self):
        from xautodl.config_utils import load_config, dict2config
        from xautodl.procedures import get_optim_scheduler
        from xautodl.models import get_cell_based_tiny_net, get_search_spaces
        from xautodl.models.cell_searchs.search_cells import NAS201SearchCell
        a = self.args
        torch.manual_seed(a.seed)
        space = get_search_spaces("cell", "nas-bench-201")
        net = get_cell_based_tiny_net(dict2config({"name": self.name, "C": a.channels, "N": a.cells, "max_nodes": 4,
                                                   "num_classes": 10, "space": space, "affine": False,
                                                   "track_running_stats": bool(a.cell_bn_stats)}, None))
        config = load_config(os.path.join(self.root, "configs/nas-benchmark/algos", self.config_file),
                             {"class_num": 10, "xshape": (1, 3, a.image, a.image)}, None)
        w_opt, w_sched, criterion = get_optim_scheduler(net.get_weights(), config)
        a_opt = torch.optim.Adam(net.get_alphas(), lr=self.arch_lr, betas=(0.5, 0.999), weight_decay=1e-3)
        w_sched.update(a.epoch, 0.0)
        self.net, self.criterion, self.w_opt, self.a_opt, self.sched = net, criterion, w_opt, a_opt, w_sched
        self.network = torch.nn.DataParallel(net) if self.name == "DARTS-V2" else net
        self.config = config
        self.cell_types = (NAS201SearchCell,)
        return net

    def weights(self):
        """ω that ldarts has: AutoDL's ReLUConvBN gives the search cells' convolutions a bias
        (bias=not affine, xautodl/models/cell_operations.py:137); ldarts' have none (an
        affine-free BN in training mode removes a per-channel constant exactly)."""
        names = {id(p): n for n, p in self.net.named_parameters()}
        return [w for w in self.net.get_weights() if not self.is_cell_bias(names[id(w)])]

    def cell_biases(self):
        return [(n, p) for n, p in self.net.named_parameters() if self.is_cell_bias(n)]

    @staticmethod
    def is_cell_bias(name):
        return ".edges." in name and name.endswith(".bias")

    def step(self, batches, noise):
        import time as _time
        from xautodl.log_utils import AverageMeter, time_string
        import xautodl.utils.evaluation_utils as evaluation_utils
        obtain_accuracy = patch_accuracy(evaluation_utils, "obtain_accuracy")
        ns = {"time": _time, "torch": torch, "AverageMeter": AverageMeter, "time_string": time_string,
              "obtain_accuracy": obtain_accuracy}
        path = os.path.join(self.root, "exps/NAS-Bench-201-algos/%s.py" % self.name)
        if self.name == "DARTS-V2":
            import numpy as np
            from copy import deepcopy
            ns.update({"np": np, "deepcopy": deepcopy})
            for f in ("_concat", "_hessian_vector_product", "backward_step_unrolled"):
                load_function(path, f, ns)
        search_func = load_function(path, "search_func", ns)
        log = SimpleNamespace(log=lambda s: None)
        extra = (5.0,) if self.name == "DARTS-V1" else ()  # --gradient_clip 5 (DARTS-V1.py:383)
        search_func(batches, self.network, self.criterion, self.sched, self.w_opt, self.a_opt, "000", 10 ** 9, log, *extra)


class PublishedLoop:
    """What the DARTS-style published loops share: α of the network, the Architect's
    Adam, the ω SGD, and the cosine lr of the epoch index (CosineAnnealingLR at epoch e)
    from the hyper-parameters `hyper()`."""

    def hyper(self):
        return self.hp

    def alphas(self):
        return self.net.arch_parameters()

    def arch_optimizer(self):
        return self.architect.optimizer

    def weight_optimizer(self):
        return self.w_opt

    def lr(self):
        h, e = self.hyper(), self.args.epoch
        return h.learning_rate_min + (h.learning_rate - h.learning_rate_min) * (1 + math.cos(math.pi * e / h.epochs)) / 2


class QuarkDarts(PublishedLoop):
    """quark0/darts cnn/train_search.py train() (DARTS space with `none`, 8 ops; ldarts
    --space darts-none), first order or --unrolled (cnn/architect.py), argparse defaults.
    α are plain tensors there, so the clip covers ω alone, as in ldarts."""

    def __init__(self, args):
        self.args = args
        self.root = os.path.join(args.ref_root, REPOS["quark0"], "cnn")
        sys.path.insert(0, self.root)
        self.published = "quark0/darts cnn/train_search.py train()" + (" --unrolled" if args.method == "darts-2nd" else "")
        self.hp = SimpleNamespace(learning_rate=0.025, learning_rate_min=0.001, momentum=0.9, weight_decay=3e-4,
                                  epochs=50, grad_clip=5, arch_learning_rate=3e-4, arch_weight_decay=1e-3,
                                  unrolled=args.method == "darts-2nd", report_freq=10 ** 9)

    def build(self):
        from model_search import Network, Cell
        from architect import Architect
        a = self.args
        torch.manual_seed(a.seed)
        self.criterion = torch.nn.CrossEntropyLoss()
        net = Network(a.channels, 10, a.layers, self.criterion)
        h = self.hp
        self.w_opt = torch.optim.SGD(net.parameters(), h.learning_rate, momentum=h.momentum, weight_decay=h.weight_decay)
        self.architect = Architect(net, h)
        self.net = net
        self.cell_types = (Cell,)
        return net

    def weights(self):
        return list(self.net.parameters())

    def options(self):
        h = self.hp
        return {"method": self.args.method, "space": "darts-none", "layers": self.args.layers, "lr": self.lr(),
                "step_lr": self.lr(), "momentum": h.momentum, "weight_decay": h.weight_decay,
                "arch_lr": h.arch_learning_rate, "arch_weight_decay": h.arch_weight_decay, "step_order": "arch-first",
                "epoch": self.args.epoch, "epochs": h.epochs, "grad_clip": h.grad_clip, "hvp_r": 0.01}

    def train_extra(self):
        """Arguments of the published train() after the lr (PC-DARTS: the epoch)."""
        return ()

    def step(self, batches, noise):
        import utils
        from torch.autograd import Variable
        patch_accuracy(utils)
        path = os.path.join(self.root, "train_search.py")
        ns = {"torch": torch, "nn": torch.nn, "utils": utils, "Variable": Variable, "args": self.hp,
              "logging": SimpleNamespace(info=lambda *a: None)}
        train = load_function(path, "train", ns, PY3_FIXES)  # quark0 :158-160, PC-DARTS :144, :154, :168-170
        for g in self.w_opt.param_groups:
            g["lr"] = self.lr()
        train(*queues(batches), self.net, self.architect, self.criterion, self.w_opt, self.lr(), *self.train_extra())


class LambdaDartsSpace(QuarkDarts):
    """dr-faustus/Lambda-DARTS sota/cnn/train_search.py train() (first order) on
    sota/cnn/model_search.py Network with spaces_dict['s5'] (the DARTS space without `none`, 7
    ops; ldarts --space darts), argparse defaults (SGD 0.025 cosine → 0.001 over 50 epochs, wd
    3e-4, clip 5 over ω; Architect: Adam 3e-4 (0.5, 0.999) wd 1e-3; α step first). With --lambda:
    --corr_regularization corr, model.lambda_ = λ_t, epsilon_0 = --epsilon0 (run_search.sh: 1e-3).
    Λ and the perturbation cover the normal cells (get_corr, get_perturbations)."""

    corr_order = ("alignment_valid", "alignment_train")  # train(): get_corr() after the α step, then after the ω backward

    def __init__(self, args):
        self.args = args
        self.root = os.path.join(args.ref_root, REPOS["lambda"])
        sys.path.insert(0, self.root)
        self.published = "dr-faustus/Lambda-DARTS sota/cnn/train_search.py train()"
        self.hp = SimpleNamespace(learning_rate=0.025, learning_rate_min=0.001, momentum=0.9, weight_decay=3e-4,
                                  epochs=50, grad_clip=5, arch_learning_rate=3e-4, arch_weight_decay=1e-3,
                                  unrolled=False, report_freq=10 ** 9, save="ref",
                                  corr_regularization="corr" if args.lambda_ else "none")

    def build(self):
        from sota.cnn.model_search import Network, Cell
        from sota.cnn.spaces import spaces_dict
        from sota.cnn.architect import Architect
        a = self.args
        torch.manual_seed(a.seed)
        self.criterion = torch.nn.CrossEntropyLoss()
        net = Network(a.channels, 10, a.layers, self.criterion, spaces_dict["s5"], epsilon_0=a.epsilon0,
                      lambda_=a.lambda_, corr_type=self.hp.corr_regularization)
        net.lambda_ = a.lambda_  # main(): lambda_ * epoch / (epochs - 1); here λ_t itself
        h = self.hp
        self.w_opt = torch.optim.SGD(net.parameters(), h.learning_rate, momentum=h.momentum, weight_decay=h.weight_decay)
        self.architect = Architect(net, h)
        self.net = net
        self.cell_types = (Cell,)
        self.scalars = {"corr": [], "epsilon": []}
        Nb201Lambda.instrument(self, net)
        return net

    def published_scalars(self, steps):
        return Nb201Lambda.published_scalars(self, steps)

    def options(self):
        o = super().options()
        o.update({"space": "darts"})
        return o

    def step(self, batches, noise):
        import sota.cnn.utils as utils
        patch_accuracy(utils)
        ns = {"torch": torch, "nn": torch.nn, "utils": utils, "args": self.hp,
              "logging": SimpleNamespace(info=lambda *a: None)}
        train = load_function(os.path.join(self.root, "sota/cnn/train_search.py"), "train", ns)
        for g in self.w_opt.param_groups:
            g["lr"] = self.lr()
        # train() takes iter(valid_queue) once and one valid batch per step
        train([(x, y) for (x, y, _, _) in batches], [(vx, vy) for (_, _, vx, vy) in batches], self.net,
              self.architect, self.criterion, self.w_opt, self.lr())


class PcDartsSpace(QuarkDarts):
    """yuhuixu1993/PC-DARTS train_search.py train() (CIFAR, DARTS space with `none`): K = 4
    partial channels with channel shuffle and max-pool bypass on stride-2 edges, edge
    normalization β trained with α; argparse defaults (lr 0.1 → 0 cosine over 50 epochs,
    α lr 6e-4, α updated from epoch 15). ldarts: --method pc-darts --partial-channels 4
    --edge-normalization --space darts-none."""

    def __init__(self, args):
        self.args = args
        self.root = os.path.join(args.ref_root, REPOS["pcdarts"])
        sys.path.insert(0, self.root)
        self.published = "yuhuixu1993/PC-DARTS train_search.py train()"
        self.hp = SimpleNamespace(learning_rate=0.1, learning_rate_min=0.0, momentum=0.9, weight_decay=3e-4,
                                  epochs=50, grad_clip=5, arch_learning_rate=6e-4, arch_weight_decay=1e-3,
                                  unrolled=False, report_freq=10 ** 9)

    def alphas(self):
        return self.net.arch_parameters()[:2]

    def betas(self):
        return self.net.arch_parameters()[2:]

    def options(self):
        o = super().options()
        o.update({"method": "pc-darts", "partial_channels": 4, "edge_normalization": 1})
        return o

    def train_extra(self):
        return (self.args.epoch,)


class PDarts(PublishedLoop):
    """chenxin061/pdarts train_search.py train() (one P-DARTS stage: first-order DARTS, α step
    first, α gradient clipped at 5, ω clip 5, SGD 0.025 cosine → 0 over 25 epochs, Adam 6e-4
    (0.5, 0.999) wd 1e-3) on model_search.Network(C, 10, layers, criterion, switches_normal,
    switches_reduce, p) with the 8 PRIMITIVES (`none` first). --pdarts-keep K < 8: every edge
    keeps K ops, those of the K largest entries of a random α (one pruning, train_search.py's
    get_min_k), so that the edges' op lists differ. ldarts: --method p-darts on
    stage_space(darts-none, those ops per edge) (reference_step's edge_ops option)."""

    PRIMITIVES = ["none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
                  "dil_conv_3x3", "dil_conv_5x5"]

    def __init__(self, args):
        self.args = args
        self.root = os.path.join(args.ref_root, REPOS["pdarts"])
        sys.path.insert(0, self.root)
        self.published = "chenxin061/pdarts train_search.py train()"
        self.hp = SimpleNamespace(learning_rate=0.025, learning_rate_min=0.0, momentum=0.9, weight_decay=3e-4,
                                  epochs=25, grad_clip=5, arch_learning_rate=6e-4, arch_weight_decay=1e-3,
                                  report_freq=10 ** 9)
        self.mask_seeds = []

    def switches(self, generator):
        """[14][8] booleans per cell type: all True, or the `keep` largest of a random α per edge."""
        keep = self.args.pdarts_keep
        out = []
        for _ in range(2):
            rows = []
            for score in torch.randn(14, 8, generator=generator):
                kept = set(score.argsort(descending=True)[:keep].tolist())
                rows.append([j in kept for j in range(8)])
            out.append(rows)
        return out

    def build(self):
        from model_search import Network, Cell
        a = self.args
        self.switches_normal, self.switches_reduce = self.switches(torch.Generator().manual_seed(2000 + a.seed))
        torch.manual_seed(a.seed)
        self.criterion = torch.nn.CrossEntropyLoss()
        net = Network(a.channels, 10, a.layers, self.criterion, switches_normal=self.switches_normal,
                      switches_reduce=self.switches_reduce, p=a.skip_dropout)
        # α are torch.FloatTensor(numpy) (model_search.py:157-158): float32 whatever the default
        # dtype. Cast in place (the same Parameter objects) before the optimizers hold them.
        for al in net.arch_parameters():
            al.data = al.data.to(torch.float64)
        self.net = net
        self.network = torch.nn.DataParallel(net)  # train_search.py:126 (without GPUs it calls the module)
        h = self.hp
        self.network_params = [v for k, v in self.network.named_parameters()
                               if not (k.endswith("alphas_normal") or k.endswith("alphas_reduce"))]
        self.w_opt = torch.optim.SGD(self.network_params, h.learning_rate, momentum=h.momentum,
                                     weight_decay=h.weight_decay)
        self.a_opt = torch.optim.Adam(net.arch_parameters(), lr=h.arch_learning_rate, betas=(0.5, 0.999),
                                      weight_decay=h.arch_weight_decay)
        self.cell_types = (Cell,)
        return net

    def weights(self):
        return self.network_params

    def arch_optimizer(self):
        return self.a_opt

    def edge_ops(self):
        """reference_step's edge_ops: "normal: a b | c d ...; reduce: ..." in PRIMITIVES order."""
        return "; ".join("%s: %s" % (name, " | ".join(" ".join(o for o, on in zip(self.PRIMITIVES, row) if on)
                                                      for row in sw))
                         for name, sw in (("normal", self.switches_normal), ("reduce", self.switches_reduce)))

    def options(self):
        h, a = self.hp, self.args
        return {"method": "p-darts", "space": "darts-none", "layers": a.layers, "lr": self.lr(), "step_lr": self.lr(),
                "momentum": h.momentum, "weight_decay": h.weight_decay, "arch_lr": h.arch_learning_rate,
                "arch_weight_decay": h.arch_weight_decay, "step_order": "arch-first", "epoch": a.epoch,
                "epochs": h.epochs, "grad_clip": h.grad_clip, "arch_grad_clip": h.grad_clip,
                "pdarts_stage": a.pdarts_stage - 1, "skip_dropout": a.skip_dropout, "edge_ops": self.edge_ops(),
                "seed": a.seed}

    def step(self, batches, noise):
        import contextlib
        import utils
        patch_accuracy(utils)
        path = os.path.join(self.root, "train_search.py")
        ns = {"torch": torch, "nn": torch.nn, "utils": utils, "args": self.hp,
              "logging": SimpleNamespace(info=lambda *a: None)}
        train = load_function(path, "train", ns)
        for g in self.w_opt.param_groups:
            g["lr"] = self.lr()
        injected = InjectedDropout(self.net, self.mask_seeds) if self.mask_seeds else contextlib.nullcontext()
        with injected:
            train(*queues(batches), self.network, self.network_params, self.criterion, self.w_opt, self.a_opt,
                  self.lr(), train_arch=True)
        self.dropout_modules = sum(isinstance(m, torch.nn.Dropout) for m in self.net.modules())
        self.dropout_calls = injected.calls if self.mask_seeds else None


class DartsMinusSpace(PublishedLoop):
    """Meituan-AutoML/DARTS- src/search/train_search.py train() with the options of
    scripts/run_darts_minus.sh (--space s5 --auxiliary_skip --skip_beta 1 --decay linear),
    first order, in the DARTS space with `none` (ldarts: --space darts-none).

    DARTS- gives each stride-2 edge of a reduction cell an auxiliary FactorizedReduce of its
    own (model_search.py:18-19); ldarts adds β_e to skip_connect's weight, so there the
    auxiliary path shares skip_connect's FactorizedReduce (docs/methods.md, deviations).
    To start from the same function, the auxiliary FactorizedReduce weights are set equal
    to the skip_connect ones; those tensors are then compared apart (see the report)."""

    def __init__(self, args):
        self.args = args
        self.root = os.path.join(args.ref_root, REPOS["dartsminus"])
        sys.path.insert(0, self.root)
        self.published = "Meituan-AutoML/DARTS- src/search/train_search.py train()"

    def build(self):
        a = self.args
        self.tmp = tempfile.mkdtemp(prefix="dartsminus-")
        argv, cwd = sys.argv, os.getcwd()
        # src/search/args.py parses sys.argv and creates its experiment folder at import
        sys.argv = ["train_search.py", "--space", "s5", "--auxiliary_skip", "--skip_beta", "1", "--decay", "linear",
                    "--disable_cuda", "--save", os.path.join(self.tmp, "exp"), "--layers", str(a.layers),
                    "--init_channels", str(a.channels)]
        os.chdir(self.tmp)
        try:
            import src.search.args as A
            from src.search.model_search import Network
            from src.search.architect import Architect
            from src.spaces import spaces_dict
        finally:
            sys.argv = argv
            os.chdir(cwd)
        self.A = A
        self.primitives = spaces_dict["s5"]
        torch.manual_seed(a.seed)
        self.criterion = torch.nn.CrossEntropyLoss()
        net = Network(A.args.init_channels, A.args.n_classes, A.args.layers, self.criterion, self.primitives,
                      steps=A.args.nodes, args=A.args)
        self.net = net
        h = A.args
        self.w_opt = torch.optim.SGD(net.parameters(), h.learning_rate, momentum=h.momentum, weight_decay=h.weight_decay)
        self.architect = Architect(net, h)
        self.cell_types = (type(net.cells[0]),)
        # the auxiliary FactorizedReduce := skip_connect's (same function at the start)
        skip = self.primitives["primitives_reduct"][0].index("skip_connect")
        self.aux_pairs = []
        with torch.no_grad():
            for cname, cell in net.cells.named_children():
                for ename, op in cell._ops.named_children():
                    if op.stride == 2:
                        fr = op._ops[skip]
                        for (n1, p1), (n2, p2) in zip(op.auxiliary_op.named_parameters(), fr.named_parameters()):
                            p1.copy_(p2)
                            self.aux_pairs.append(("cells.%s._ops.%s.auxiliary_op.%s" % (cname, ename, n1), p1,
                                                   "cells.%s._ops.%s._ops.%d.%s" % (cname, ename, skip, n2), p2))
        return net

    def weights(self):
        aux = {id(t[1]) for t in self.aux_pairs}
        return [p for p in self.net.parameters() if id(p) not in aux]

    def hyper(self):
        return self.A.args  # CosineAnnealingLR(optimizer, 50, eta_min).step(epoch)

    def options(self):
        h = self.A.args
        return {"method": "darts-minus", "space": "darts-none", "layers": self.args.layers, "lr": self.lr(),
                "step_lr": self.lr(), "momentum": h.momentum, "weight_decay": h.weight_decay,
                "arch_lr": h.arch_learning_rate, "arch_weight_decay": h.arch_weight_decay, "step_order": "arch-first",
                "epoch": self.args.epoch, "epochs": h.epochs, "grad_clip": h.grad_clip, "aux_skip_beta": h.skip_beta}

    def step(self, batches, noise):
        import logging
        import src.utils as utils
        from torch.autograd import Variable
        from copy import deepcopy
        patch_accuracy(utils)
        path = os.path.join(self.root, "src/search/train_search.py")
        # `target.cuda(async=True)` (:355, :364, :399, :467) is a syntax error since Python 3.7; it sits in
        # `if not args.disable_cuda:` branches that do not run here. Renamed to non_blocking.
        ns = {"torch": torch, "nn": torch.nn, "utils": utils, "Variable": Variable, "args": self.A.args,
              "logging": SimpleNamespace(info=lambda *a: None), "deepcopy": deepcopy}
        train = load_function(path, "train", ns, PY3_FIXES[:1])
        self.A.beta_decay_scheduler.step(self.args.epoch)  # train_search.py:107
        for g in self.w_opt.param_groups:
            g["lr"] = self.lr()
        self.aux_before = [(t[1].detach().clone(), t[3].detach().clone()) for t in self.aux_pairs]
        train(self.args.epoch, self.primitives, *queues(batches), self.net, self.architect, self.criterion, self.w_opt,
              self.lr(), None, None)


class Nb201SmoothFamily(PublishedLoop):  # lr: train_search.py:153-157
    """nasbench201/train_search.py train() of SmoothDARTS (sdarts-rs, sdarts-adv) and
    Beta-DARTS (beta-darts)."""

    def __init__(self, args):
        self.args = args
        repo = "beta" if args.method == "beta-darts" else "sdarts"
        self.root = os.path.join(args.ref_root, REPOS[repo])
        sys.path.insert(0, self.root)
        self.published = "%s nasbench201/train_search.py train()" % {"beta": "Sunshine-Ye/Beta-DARTS",
                                                                     "sdarts": "xiangning-chen/SmoothDARTS"}[repo]

    def build(self):
        from nasbench201.model import Network, SearchCell
        a = self.args
        torch.manual_seed(a.seed)
        self.criterion = torch.nn.CrossEntropyLoss()
        # track_running_stats of the search cells: the published default True; --cell-bn-stats 0
        # builds the cells without (then eval mode normalizes with batch statistics, as ldarts).
        net = Network(C=a.channels, N=a.cells, max_nodes=4, num_classes=10, criterion=self.criterion,
                      track_running_stats=bool(a.cell_bn_stats))
        self.net = net
        # argparse defaults (train_search.py:34-57)
        self.hp = SimpleNamespace(learning_rate=0.025, learning_rate_min=0.001, momentum=0.9, weight_decay=3e-4,
                                  arch_learning_rate=3e-4, arch_weight_decay=1e-3, grad_clip=5, epochs=100,
                                  epsilon_alpha=0.3, unrolled=False, report_freq=10 ** 9, save="ref")
        self.w_opt = torch.optim.SGD(net.get_weights(), self.hp.learning_rate, momentum=self.hp.momentum,
                                     weight_decay=self.hp.weight_decay)
        from optimizers.darts.architect import Architect
        self.architect = Architect(net, self.hp)
        self.cell_types = (SearchCell,)
        return net

    def weights(self):
        return self.net.get_weights()

    def options(self):
        h = self.hp
        return {"method": self.args.method, "lr": self.lr(), "step_lr": self.lr(), "momentum": h.momentum,
                "weight_decay": h.weight_decay, "arch_lr": h.arch_learning_rate,
                "arch_weight_decay": h.arch_weight_decay, "step_order": "arch-first", "epoch": self.args.epoch,
                "epochs": h.epochs, "grad_clip": h.grad_clip, "perturb_epsilon": h.epsilon_alpha, "pgd_steps": 7,
                "beta_decay": 50, "seed": self.args.seed}

    def step(self, batches, noise):
        import optimizers.darts.utils as utils
        patch_accuracy(utils)
        from attacker.perturb import Linf_PGD_alpha, Random_alpha
        import numpy as np
        ns = {"torch": torch, "nn": torch.nn, "utils": utils, "np": np, "logging": SimpleNamespace(info=lambda *a: None),
              "args": self.hp}
        path = os.path.join(self.root, "nasbench201/train_search.py")
        train = load_function(path, "train", ns)
        for g in self.w_opt.param_groups:
            g["lr"] = self.lr()
        h, e = self.hp, self.args.epoch
        eps = 0.03 + (h.epsilon_alpha - 0.03) * e / h.epochs  # train_search.py:169-171
        published_perturb = {"sdarts-rs": Random_alpha, "sdarts-adv": Linf_PGD_alpha}.get(self.args.method)
        self.perturbation = []  # max |P − softmax(α)| of each ω pass (0: the attack was discarded)
        perturb = None
        if published_perturb is not None:
            def perturb(model, X, y, epsilon):
                p0 = [a.detach().clone() for a in model.arch_parameters()]
                published_perturb(model, X, y, epsilon)
                self.perturbation.append(max((a - b).abs().max().item() for a, b in zip(model.arch_parameters(), p0)))
        extra = (e,) if self.args.method == "beta-darts" else ()
        self.net.train()
        with InjectedUniform(noise) as inj:
            train(*queues(batches), self.net, self.architect, self.criterion, self.w_opt, self.lr(), perturb,
                  eps, *extra)
        self.noise_used = inj.used


# ---------------------------------------------------------------------------- main
def summarize(files):
    print("| run | shape | steps | clip acts (published / ldarts norm) | ω max abs | ω rel (‖Δ‖/‖ω‖) | ω Δ/update | ∇ω (SGD buf) rel | α max abs | ∇α (Adam m) rel | BN buffers rel |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for f in files:
        d = json.load(open(f))
        o = d["options"]
        cells = "N=%s" % o["cells_per_stage"] if o.get("space", "nb201") == "nb201" else "L=%s" % o["layers"]
        sh = "C=%s %s %d² b%d" % (o["channels"], cells, d["shapes"]["batch"][2], d["shapes"]["batch"][0])
        clip_pub = ["%.2f" % r["total_norm"] for r in d["clip_published"]]
        acts = any(r["total_norm"] > r["max_norm"] for r in d["clip_published"])
        clip = "%s (%s / %s)" % ("yes" if acts else "no", " ".join(clip_pub), " ".join("%.2f" % x for x in d["grad_norm_ldarts"]))
        print("| %s | %s | %d | %s | %.1e | %.1e | %.1e | %.1e | %.1e | %.1e | %.1e |" % (
            os.path.basename(f)[:-5], sh, d["steps"], clip, d["omega"]["max_abs"], d["omega"]["norm_rel"],
            d["omega"]["of_update"], d["momentum"]["norm_rel"], d["alpha"]["max_abs"], d["alpha_grad"]["norm_rel"],
            d["buffers"]["norm_rel"]))
    for f in files:
        d = json.load(open(f))
        if d.get("arch_clip_published"):
            r = d["arch_clip_published"]
            print("\n%s: α clip (published norm per step, max_norm %g): %s%s" % (
                os.path.basename(f)[:-5], r[0]["max_norm"], " ".join("%.3g" % x["total_norm"] for x in r),
                "; skip dropout %g, %d modules, ldarts' masks replayed in %d passes" % (
                    d["skip_dropout"]["rate"], d["skip_dropout"]["modules"], d["skip_dropout"]["masks_replayed"])
                if d.get("skip_dropout") and d["skip_dropout"]["rate"] > 0 else ""))
        if d.get("beta"):
            print("\n%s: PC-DARTS β: max abs %.1e, gradient (Adam m) rel %.1e" % (
                os.path.basename(f)[:-5], d["beta"]["max_abs"], d["beta_grad"]["norm_rel"]))
        if d.get("omega_without_shared_fr"):
            w, fr = d["omega_without_shared_fr"], d["shared_fr"]
            print("\n%s: ω without the %d shared FactorizedReduce tensors: max abs %.1e, Δ/update %.1e; "
                  "shared FactorizedReduce vs the published skip_connect one: max abs %.1e%s" % (
                      os.path.basename(f)[:-5], fr["tensors"], w["max_abs"], w["of_update"],
                      fr["max_abs_vs_published_skip_fr"],
                      "" if fr["max_abs_vs_skip_plus_aux_update"] is None else
                      ", vs skip_connect + auxiliary update: max abs %.1e" % fr["max_abs_vs_skip_plus_aux_update"]))


def published_scalars(ref, steps, clip_records):
    """Λ_train, Λ_valid, ε, ‖Δ‖ (where the published code computes them) and the ω clip's norm, per step."""
    out = ref.published_scalars(steps) if getattr(ref, "scalars", None) is not None else {}
    out["clip_norm"] = [r["total_norm"] for r in clip_records][:steps]
    return out


def published_float32(args, ref, start_state, start_alphas, start_betas, batches, noise, clip):
    """The published step once more, in float32, from the rounded start: a second published network
    built under torch.set_default_dtype(float32) (so that what the published code creates with the
    default dtype is float32 too), loaded with the start (state_dict, α, β), on float32 batches.
    Returns that published object and the clip records of its run."""
    torch.set_default_dtype(torch.float32)
    try:
        ref32 = type(ref)(args)
        net32 = ref32.build()
        net32.load_state_dict(start_state)  # exact: the start is float32-representable
        with torch.no_grad():
            for a, b in zip(ref32.alphas(), start_alphas):
                a.copy_(b)
            for a, b in zip(ref32.betas() if hasattr(ref32, "betas") else [], start_betas):
                a.copy_(b)
        assert all(t.dtype == torch.float32 for t in list(net32.parameters()) + list(ref32.alphas()))
        ref32.mask_seeds = list(getattr(ref, "mask_seeds", []))
        if clip.drop:
            clip.drop |= {id(a) for a in ref32.alphas()}
        clip.alpha_ids |= {id(a) for a in ref32.alphas()} | \
            {id(b) for b in (ref32.betas() if hasattr(ref32, "betas") else [])}
        n0 = len(clip.records)
        ref32.step([(bx.float(), by, bvx.float(), bvy) for (bx, by, bvx, bvy) in batches],
                   [t.float() for t in noise])
        records = clip.records[n0:]
    finally:
        torch.set_default_dtype(torch.float64)
    return ref32, records


def fmt_ratio(e, f):
    if e is None:
        return "—"
    r = ratio(e, f)
    return "%.1e (%s)" % (e, "—" if r is None else "%.2g×" % r)


def float32_columns(ds):
    """(title, ldarts error of a report, floor of a report) of every figure all reports have."""
    cols = [("ω Δ/update", lambda d: d["omega"]["of_update"], lambda d: d["floor"]["omega"]["of_update"]),
            ("ω worst tensor", lambda d: d["omega_worst_tensor_of_update"][0],
             lambda d: d["floor"]["omega_worst_tensor_of_update"][0]),
            ("∇α (Adam m) rel", lambda d: d["alpha_grad"]["norm_rel"], lambda d: d["floor"]["alpha_grad"]["norm_rel"])]
    names = {"alignment_train": "Λ_train abs", "alignment_valid": "Λ_valid abs", "epsilon": "ε rel",
             "delta_norm": "‖Δ‖ rel", "clip_norm": "clip norm rel"}
    for k in ABSOLUTE_SCALARS + RELATIVE_SCALARS:
        if all(k in d["scalar_errors"] and k in d["floor"]["scalar_errors"] for d in ds):
            cols.append((names[k], lambda d, k=k: d["scalar_errors"][k], lambda d, k=k: d["floor"]["scalar_errors"][k]))
    return cols


def path_name(d):
    p = d["ldarts_path"]
    return "ldarts %s, channels-last %s" % (p["cell_kernel"], "on" if p["channels_last"] else "off")


def summarize_float32(files):
    """The Markdown table of --dtype float32 reports: one row per ldarts path, each figure the
    median over the reports of that path (seeds), ÷ the published float32 floor (the median over
    the same seeds); the floor row first, and per row the reports whose ω error exceeds 1e-2.
    A single step's float32 error is heavy-tailed on every path, the published one included
    (a ReLU input within float32 rounding of 0 in one of Λ's ± passes: src/search/fidelity.h),
    so the verdict is on medians. Then the same per report, and the scalars."""
    ds = [json.load(open(f)) for f in files]
    cols = float32_columns(ds)
    seeds = sorted({d["options"]["seed"] for d in ds}, key=str)
    paths = []
    for d in ds:
        if path_name(d) not in paths:
            paths.append(path_name(d))
    header = "| %s | " + " | ".join(c[0] for c in cols) + " | reports with ω error > 1e-2 | verdict (each ≤ 3× the floor) |"
    rule = "|---" * (len(cols) + 3) + "|"
    print("Medians over seeds %s; in brackets ÷ the published float32 floor (the median over the same seeds)." % " ".join(map(str, seeds)))
    print()
    print(header % "run")
    print(rule)
    floor_runs = {}
    for d in ds:  # one floor per seed (every path of a seed starts from the same state)
        floor_runs[str(d["options"]["seed"])] = d
    fl = list(floor_runs.values())
    floor = [statistics.median(c[2](d) for d in fl) for c in cols]
    jumps = lambda runs, get: sum(1 for d in runs if get(d) > 1e-2)
    print("| published float32 (the floor) | " + " | ".join("%.1e" % f for f in floor) +
          " | %d/%d | |" % (jumps(fl, cols[0][2]), len(fl)))
    for name in paths:
        mine = [d for d in ds if path_name(d) == name]
        errs = [statistics.median(c[1](d) for d in mine) for c in cols]
        ok = all(ratio(e, f) is not None and ratio(e, f) <= 3 for e, f in zip(errs, floor))
        print("| %s | " % name + " | ".join(fmt_ratio(e, f) for e, f in zip(errs, floor)) +
              " | %d/%d | %s |" % (jumps(mine, cols[0][1]), len(mine), "pass" if ok else "FAIL"))
    print()
    print("Per run (ldarts float32 vs published float64; in brackets ÷ that run's floor, published float32 vs float64):")
    print()
    print("| run | " + " | ".join(c[0] for c in cols) + " | verdict (each ≤ 3× the floor) |")
    print("|---" * (len(cols) + 2) + "|")
    for f, d in zip(files, ds):
        print("| %s | " % os.path.basename(f)[:-5] +
              " | ".join(fmt_ratio(c[1](d), c[2](d)) for c in cols) + " | %s |" % ("pass" if d["pass"] else "FAIL"))
    print()
    print("Scalars per run (step 1, ...):")
    for f, d in zip(files, ds):
        pub, mine, p32 = d["scalars_published"], d["scalars_ldarts"], d["floor"]["scalars_published_float32"]
        show = lambda x: "; ".join("%s %s" % (k, " ".join("%.9g" % v for v in x[k])) for k in x if k != "regularized")
        print("- %s: published float64: %s | published float32: %s | ldarts float32: %s" % (
            os.path.basename(f)[:-5], show(pub), show(p32), show(mine)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--summarize", nargs="+", metavar="JSON", help="print a Markdown table of --json files and exit")
    p.add_argument("--method",
                   choices=["darts", "darts-2nd", "pc-darts", "beta-darts", "sdarts-rs", "sdarts-adv", "darts-minus",
                            "p-darts"])
    p.add_argument("--layers", type=int, default=5, help="DARTS space (darts-minus, p-darts, quark0, pcdarts): cells")
    p.add_argument("--pdarts-keep", type=int, default=8,
                   help="p-darts: ops per edge (8: stage 1; fewer: a pruning of a random α, other ops per edge)")
    p.add_argument("--pdarts-stage", type=int, default=1, help="p-darts: the stage (1-based; ldarts' pdarts_stage)")
    p.add_argument("--skip-dropout", type=float, default=0.0,
                   help="p-darts: the rate of the dropout after stride-1 skip_connects (0: no Dropout modules); "
                        "both sides use ldarts' masks")
    p.add_argument("--arch-clip", type=float, default=None,
                   help="p-darts: max_norm of the α gradient clip on both sides instead of the published 5")
    p.add_argument("--published", default=None, choices=["lambda", "autodl", "quark0", "pcdarts", "lambda-sota"],
                   help="darts, darts-2nd: Lambda-DARTS' NAS-Bench201 copy (default), AutoDL-Projects (NB201) "
                        "or quark0/darts (DARTS space with none) or lambda-sota = Lambda-DARTS sota/cnn/train_search.py (darts only, DARTS space without none, ldarts --space darts); pc-darts: Lambda-DARTS' NB201 PCDARTS.py "
                        "(default) or pcdarts = yuhuixu1993/PC-DARTS (DARTS space with none)")
    p.add_argument("--ref-root", default=os.environ.get("LDARTS_REF_ROOT", "/work/ref-code"),
                   help="folder with the exported published trees (owner+name/)")
    p.add_argument("--binary", default="build/tests/reference/reference_step")
    p.add_argument("--channels", type=int, default=8)
    p.add_argument("--cells", type=int, default=1, help="NB201 N")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--image", type=int, default=16)
    p.add_argument("--steps", type=int, default=1, help="steps on the same batches (2: the momentum path too)")
    p.add_argument("--epoch", type=int, default=None,
                   help="epoch index (default 0; 10 for beta-darts and sdarts-*, so that λ_e, ε_e are not the start values)")
    p.add_argument("--alpha-scale", type=float, default=0.3)
    p.add_argument("--input-scale", type=float, default=1.0, help="scales the images (and so the gradient norm)")
    p.add_argument("--cell-bn-stats", type=int, default=1,
                   help="SmoothDARTS/Beta-DARTS: track_running_stats of the search cells' BN (published: 1)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cell-kernel", default="fused", choices=["fused", "per-edge"])
    p.add_argument("--channels-last", type=int, default=1, choices=[0, 1], help="ldarts SearchOptions channels_last")
    p.add_argument("--dtype", default="float64", choices=["float64", "float32"],
                   help="float32: round the start to float32, run ldarts in float32, the published step in float64 "
                        "and in float32 (its noise floor) from that start")
    p.add_argument("--lambda", dest="lambda_", type=float, default=0.0,
                   help="NB201 darts / pc-darts (Lambda-DARTS): the Λ regularizer on both sides with λ_t = this")
    p.add_argument("--epsilon0", type=float, default=1e-4, help="with --lambda: ε0 on both sides (DARTS-V1.sh: 1e-4)")
    p.add_argument("--summarize-float32", nargs="+", metavar="JSON",
                   help="print the Markdown table of --dtype float32 --json files and exit")
    p.add_argument("--clip", type=float, default=None,
                   help="max_norm of the ω clip on both sides instead of the published 5 (to make the clip act)")
    p.add_argument("--clip-omega-only", action="store_true",
                   help="leave α out of the published clip (ldarts clips ω alone by default; docs/method.md)")
    p.add_argument("--clip-with-alpha", action="store_true",
                   help="ldarts --clip-with-alpha: its ω clip also counts α's gradient, as the NB201 codebases")
    p.add_argument("--json", default=None, help="write the figures here")
    p.add_argument("--ref-only", action="store_true", help="run the published step alone (checks the set-up)")
    args = p.parse_args()
    if args.summarize:
        return summarize(args.summarize)
    if args.summarize_float32:
        return summarize_float32(args.summarize_float32)
    if not args.method:
        p.error("--method is required")
    if args.epoch is None and args.published == "pcdarts":
        args.epoch = 15  # train_search.py:156: the α step runs from epoch 15 on
    if args.lambda_ and not ((args.published in (None, "lambda") and args.method in ("darts", "pc-darts")) or
                             (args.published == "lambda-sota" and args.method == "darts")):
        p.error("--lambda: only --method darts / pc-darts with the Lambda-DARTS NB201 code (the default --published) "
                "or --method darts --published lambda-sota")
    if args.published == "lambda-sota" and args.method != "darts":
        p.error("--published lambda-sota: --method darts (first order) only")
    if args.epoch is None:
        args.epoch = 10 if args.method in ("beta-darts", "sdarts-rs", "sdarts-adv", "darts-minus", "p-darts") else 0

    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    patch_cuda()
    torchvision_stub()
    clip = ClipRecorder()
    clip.override = args.clip
    clip.arch_override = args.arch_clip
    clip.install()

    if args.published == "autodl":
        ref = Nb201AutoDL(args)
    elif args.published == "quark0":
        ref = QuarkDarts(args)
    elif args.published == "pcdarts":
        ref = PcDartsSpace(args)
    elif args.published == "lambda-sota":
        ref = LambdaDartsSpace(args)
    elif args.method == "darts-minus":
        ref = DartsMinusSpace(args)
    elif args.method == "p-darts":  # first epoch with α steps (eps_no_archs = 10)
        ref = PDarts(args)
    elif args.method in ("darts", "darts-2nd", "pc-darts"):
        ref = Nb201Lambda(args)
    else:
        ref = Nb201SmoothFamily(args)
    net = ref.build()
    if args.clip_omega_only:
        clip.drop = {id(a) for a in ref.alphas()}
    clip.alpha_ids = {id(a) for a in ref.alphas()} | {id(b) for b in (ref.betas() if hasattr(ref, "betas") else [])}
    g = torch.Generator().manual_seed(1000 + args.seed)
    with torch.no_grad():
        for a in ref.alphas():
            a.copy_(args.alpha_scale * torch.randn(a.shape, generator=g))
    x = args.input_scale * torch.randn(args.batch, 3, args.image, args.image, generator=g)
    y = torch.randint(0, 10, (args.batch,), generator=g)
    vx = args.input_scale * torch.randn(args.batch, 3, args.image, args.image, generator=g)
    vy = torch.randint(0, 10, (args.batch,), generator=g)
    batches = [(x, y, vx, vy)] * args.steps

    weights = ref.weights()
    wnames = named_weights(net, weights)
    bnames, buffers = bn_buffers(net, ref.cell_types)
    before_w = [w.detach().clone() for w in weights]
    extra = ref.cell_biases() if hasattr(ref, "cell_biases") else []
    extra_before = [p.detach().clone() for _, p in extra]
    before_a = [a.detach().clone() for a in ref.alphas()]
    if hasattr(ref, "betas"):  # PC-DARTS β: the same 0.3·N(0, 1) as α
        with torch.no_grad():
            for b in ref.betas():
                b.copy_(args.alpha_scale * torch.randn(b.shape, generator=g))
    float32 = args.dtype == "float32"
    if float32:  # one start for all three runs: the float64 start rounded to float32
        with torch.no_grad():
            for t in list(net.parameters()) + list(net.buffers()) + list(ref.alphas()) + \
                    list(ref.betas() if hasattr(ref, "betas") else []):
                if t.is_floating_point():
                    t.copy_(t.float().double())
        x, vx = x.float().double(), vx.float().double()
        batches = [(x, y, vx, vy)] * args.steps
        before_w = [w.detach().clone() for w in weights]
        extra_before = [p.detach().clone() for _, p in extra]
        before_a = [a.detach().clone() for a in ref.alphas()]
    start_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
    start_betas = [b.detach().clone() for b in ref.betas()] if hasattr(ref, "betas") else []
    options = ref.options()
    options.setdefault("space", "nb201")
    options.update({"channels": args.channels, "cells_per_stage": args.cells, "float64": 0 if float32 else 1,
                    "batch_size": args.batch, "in_channels": 3, "num_classes": 10, "steps": args.steps,
                    "cell_kernel": args.cell_kernel, "channels_last": args.channels_last, "regularizer": "none"})
    if args.lambda_:
        options.update({"regularizer": "corr", "lambda": args.lambda_, "epsilon0": args.epsilon0, "fd_mode": "central"})
    options.setdefault("seed", args.seed)
    if args.clip is not None:
        options["grad_clip"] = args.clip
    if args.clip_with_alpha:
        options["clip_with_alpha"] = 1
    if args.arch_clip is not None:
        options["arch_grad_clip"] = args.arch_clip

    if args.ref_only:
        g2 = torch.Generator().manual_seed(5)
        ref.step(batches, [0.01 * torch.randn(a.shape, generator=g2) for _ in range(args.steps) for a in ref.alphas()])
        print(json.dumps({"clip": clip.records, "omega_update_norm": (flat(ref.weights()) - flat(before_w)).norm().item(),
                          "alpha_update_norm": (flat(ref.alphas()) - flat(before_a)).norm().item(),
                          "weights": wnames[:5], "n_weights": len(wnames), "buffers": bnames}, indent=1))
        return
    with tempfile.TemporaryDirectory() as tmp:
        fin, fout = os.path.join(tmp, "in.pt"), os.path.join(tmp, "out.pt")
        torch.save({"options": {k: str(v) for k, v in options.items()},
                    "weights": [w.detach().clone() for w in weights],
                    "buffers": [b.detach().clone() for b in buffers],
                    "alphas": before_a, **({"betas": [b.detach().clone() for b in ref.betas()]} if hasattr(ref, "betas") else {}),
                    "train_x": x, "train_y": y, "valid_x": vx, "valid_y": vy}, fin)
        run = subprocess.run([args.binary, fin, fout], capture_output=True, text=True,
                             env=dict(os.environ, OMP_NUM_THREADS="1"))
        if run.returncode != 0:
            sys.exit("reference_step failed:\n" + run.stdout + run.stderr)
        out = torch.load(fout, weights_only=False)

    noise = list(out["noise"])
    ref.mask_seeds = list(out.get("mask_seeds", []))  # p-darts with skip dropout: ldarts' masks on both sides
    ref.step(batches, noise)
    if ref.mask_seeds:
        assert ref.dropout_modules == out["skip_dropout_modules"], (ref.dropout_modules, out["skip_dropout_modules"])
        assert ref.dropout_calls == [2 * args.steps] * ref.dropout_modules, ref.dropout_calls
    if args.method.startswith("sdarts"):
        assert ref.noise_used == len(noise), ("published draws", ref.noise_used, "ldarts draws", len(noise))

    clip_f64 = list(clip.records)
    after_w = ref.weights()
    a_opt = ref.arch_optimizer()
    ref_exp_avg = [a_opt.state[a]["exp_avg"] for a in ref.alphas()]
    ref_momentum = [ref.weight_optimizer().state[w]["momentum_buffer"] for w in after_w]
    extra_report = None
    if extra:  # parameters of the published model that ldarts does not have
        wd, lr = ref.weight_optimizer().param_groups[0]["weight_decay"], ref.weight_optimizer().param_groups[0]["lr"]
        grads = [ref.weight_optimizer().state[p]["momentum_buffer"] - wd * b for (_, p), b in zip(extra, extra_before)]
        extra_report = {"count": len(extra), "numel": int(sum(p.numel() for _, p in extra)),
                        "max_abs_value": max(b.abs().max().item() for b in extra_before),
                        "max_abs_loss_gradient_step1": max(g.abs().max().item() for g in grads) if args.steps == 1 else None}
    report = {"method": args.method, "published": ref.published, "published_commit": commit_of(args.ref_root, ref), "options": options,
              "shapes": {"omega_tensors": len(weights), "omega_numel": int(sum(w.numel() for w in weights)),
                         "alpha": [list(a.shape) for a in ref.alphas()], "batch": [args.batch, 3, args.image, args.image]},
              "steps": args.steps,
              "omega": diff(flat(out["weights"]), flat(after_w), flat(before_w)),
              "alpha": diff(flat(out["alphas"]), flat(ref.alphas()), flat(before_a)),
              "alpha_grad": diff(flat(out["alpha_exp_avg"]), flat(ref_exp_avg)),
              "beta": diff(flat(out["betas"]), flat(ref.betas())) if hasattr(ref, "betas") else None,
              "beta_grad": diff(flat(out["beta_exp_avg"]), flat([a_opt.state[b]["exp_avg"] for b in ref.betas()]))
                           if hasattr(ref, "betas") else None,
              "momentum": diff(flat(out["momentum"]), flat(ref_momentum)),
              "buffers": diff(flat([b for b in out["buffers"]]), flat(buffers)),
              "omega_update_norm": (flat(after_w) - flat(before_w)).norm().item(),
              "alpha_update_norm": (flat(ref.alphas()) - flat(before_a)).norm().item(),
              "published_only_parameters": extra_report,
              "clip_published": [r for r in clip_f64 if not r.get("arch")],
              "arch_clip_published": [r for r in clip_f64 if r.get("arch")],
              "skip_dropout": {"rate": args.skip_dropout, "modules": out["skip_dropout_modules"],
                               "masks_replayed": len(ref.mask_seeds)} if args.method == "p-darts" else None,
              "perturbation_published": getattr(ref, "perturbation", None), "grad_norm_ldarts": list(out["grad_norm"]),
              "train_loss_ldarts": list(out["train_loss"]), "arch_loss_ldarts": list(out["arch_loss"])}
    # per-tensor worst ω entries and the name mapping
    per = []
    for i, (n, a, b) in enumerate(zip(wnames, out["weights"], after_w)):
        per.append((diff(a, b)["max_abs"], n, out["weight_names"][i] if i < len(out["weight_names"]) else "?"))
    per.sort(reverse=True)
    report["worst_omega_tensors"] = per[:3]
    report["dtype"] = args.dtype
    report["lambda"] = args.lambda_
    report["epsilon0"] = args.epsilon0 if args.lambda_ else None
    report["ldarts_path"] = {"cell_kernel": args.cell_kernel, "channels_last": args.channels_last}
    report["omega_worst_tensor_of_update"] = worst_of_update(out["weights"], after_w, before_w, wnames)
    # The clip norms compare where both clips cover the same tensors: the NB201 codebases clip
    # network.parameters(), α included (ldarts: --clip-with-alpha, or --clip-omega-only there).
    clip_comparable = options.get("space") != "nb201" or args.clip_with_alpha or args.clip_omega_only
    report["clip_norm_compared"] = bool(clip_comparable)
    mine_scalars = {"clip_norm": list(out["grad_norm"])} if clip_comparable else {}
    for k in ABSOLUTE_SCALARS:
        mine_scalars[k] = list(out[k])
    if args.lambda_:
        mine_scalars.update({"epsilon": list(out["epsilon"]), "delta_norm": list(out["delta_norm"]),
                             "regularized": list(out["regularized"])})
    scalars_published = published_scalars(ref, args.steps, report["clip_published"])
    report["scalars_ldarts"], report["scalars_published"] = mine_scalars, scalars_published
    report["scalar_errors"] = scalar_errors(mine_scalars, scalars_published)
    if float32:
        ref32, records32 = published_float32(args, ref, start_state, before_a, start_betas, batches, noise, clip)
        w32 = ref32.weights()
        ea32 = [ref32.arch_optimizer().state[a]["exp_avg"] for a in ref32.alphas()]
        mom32 = [ref32.weight_optimizer().state[w]["momentum_buffer"] for w in w32]
        _, buffers32 = bn_buffers(ref32.net, ref32.cell_types)
        s32 = published_scalars(ref32, args.steps, [r for r in records32 if not r.get("arch")])
        floor = {"omega": diff(flat(w32), flat(after_w), flat(before_w)),
                 "omega_worst_tensor_of_update": worst_of_update(w32, after_w, before_w, wnames),
                 "alpha": diff(flat(ref32.alphas()), flat(ref.alphas()), flat(before_a)),
                 "alpha_grad": diff(flat(ea32), flat(ref_exp_avg)),
                 "momentum": diff(flat(mom32), flat(ref_momentum)),
                 "buffers": diff(flat(buffers32), flat(buffers)),
                 "scalars_published_float32": s32,
                 "scalar_errors": scalar_errors(s32, scalars_published)}
        report["floor"] = floor
        figures = {"omega_of_update": (report["omega"]["of_update"], floor["omega"]["of_update"]),
                   "omega_worst_tensor": (report["omega_worst_tensor_of_update"][0],
                                          floor["omega_worst_tensor_of_update"][0]),
                   "alpha_grad": (report["alpha_grad"]["norm_rel"], floor["alpha_grad"]["norm_rel"])}
        for k in ABSOLUTE_SCALARS + RELATIVE_SCALARS:
            if k in report["scalar_errors"] and k in floor["scalar_errors"]:
                figures[k] = (report["scalar_errors"][k], floor["scalar_errors"][k])
        report["ratios"] = {k: ratio(e, f) for k, (e, f) in figures.items()}
        report["pass"] = all(r is not None and r <= 3 for r in report["ratios"].values())
    report["weight_name_mapping"] = [[a, b] for a, b in zip(wnames, out["weight_names"])]
    report["buffer_name_mapping"] = [[a, b] for a, b in zip(bnames, out["buffer_names"])]
    if hasattr(ref, "aux_pairs"):  # darts-minus: the shared FactorizedReduce of stride-2 edges
        pos = {id(w): i for i, w in enumerate(after_w)}
        shared = {pos[id(t[3])] for t in ref.aux_pairs}
        keep = [i for i in range(len(after_w)) if i not in shared]
        report["omega_without_shared_fr"] = diff(flat([out["weights"][i] for i in keep]), flat([after_w[i] for i in keep]),
                                                 flat([before_w[i] for i in keep]))
        lr, wd = ref.lr(), ref.weight_optimizer().param_groups[0]["weight_decay"]
        worst_sum, worst_plain = 0.0, 0.0
        for (aname, aux, sname, skip), (aux0, skip0) in zip(ref.aux_pairs, ref.aux_before):
            mine = out["weights"][pos[id(skip)]]
            # ldarts: one tensor with gradient g_skip + g_aux (and wd once); DARTS-: two tensors
            predicted = skip.detach() + aux.detach() - skip0 + lr * wd * skip0
            worst_sum = max(worst_sum, (mine - predicted).abs().max().item())
            worst_plain = max(worst_plain, (mine - skip.detach()).abs().max().item())
        report["shared_fr"] = {"tensors": len(ref.aux_pairs), "max_abs_vs_published_skip_fr": worst_plain,
                               "max_abs_vs_skip_plus_aux_update": worst_sum if args.steps == 1 else None}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    short = {k: report.get(k) for k in ("method", "published", "published_commit", "dtype", "lambda", "ldarts_path", "steps",
                                        "omega", "omega_worst_tensor_of_update", "alpha", "alpha_grad",
                                        "beta", "beta_grad", "momentum", "buffers", "omega_update_norm",
                                    "alpha_update_norm", "published_only_parameters", "omega_without_shared_fr", "shared_fr", "clip_published",
                                        "arch_clip_published", "skip_dropout", "perturbation_published", "grad_norm_ldarts", "worst_omega_tensors",
                                        "scalars_ldarts", "scalars_published", "scalar_errors", "floor", "ratios", "pass")}
    print(json.dumps(short, indent=1))


if __name__ == "__main__":
    main()
