"""Fused evaluation: the lines that vary by path, compiled into one machine-code pass per chunk.

:meth:`Model.evaluate <finmodel.lines.model.Model.evaluate>` computes a line for all paths and
periods at once with numpy: one pass over memory per operation, and the arrays of a Monte Carlo
chunk do not fit in the processor's cache.  Here the expression trees of the lines that vary by
path are turned into the C source of one loop over blocks of :data:`BLOCK` paths
(:func:`plan_fused`): each block's lines are computed period by period into scratch rows that
stay in the cache, the paths of a block side by side (the loop the compiler vectorises), and only
the lines something outside reads (metrics, the caller, a line numpy computes) are written out.
The parts of a line that are the same on every path (discount factors, escalation, products of
deterministic inputs) are computed once per chunk by numpy, exactly as the numpy evaluation
computes them on one row, and enter the kernel as rows.  Only the lines a selection of outputs
and lines needs are planned (a Monte Carlo run plans those of the appraisal's selection for all
its kinds: :attr:`finmodel.risk.run.Run.shared`).  The system's C compiler builds the kernel in
the background the first time a model's structure and selection are seen on a machine; meanwhile
numpy evaluates (:func:`kernel`), and the library is kept in a cache folder by the hash of its
source.  The kernel is called through ctypes, which releases the GIL: a run's two threads
evaluate two chunks at once.

Values do not change, bit for bit (``tests/unit/lines/test_fused.py`` compares every line and
output of every example, and random expression trees, with the numpy evaluation; only the bits
of a NaN may differ, which depend on the operand an instruction passes on and which no result
shows: an undefined value is reported as null with its reason):

* each node becomes the scalar operation numpy applies elementwise (+ - x /, comparisons as
  1.0/0.0, ``IF`` choosing one of two computed values as ``numpy.where`` does, ``MAX``/``MIN``
  with numpy's NaN propagation and its choice of the second argument between equal values
  (``max(0.0, -0.0)`` is ``-0.0``), ``ABS``, powers, ``EXP`` and ``LN`` through the C library as
  numpy's loops call it, the annuity of :func:`~finmodel.lines.expr._np_pmt`), compiled
  without fast-math and without contracting a*b+c into one rounding (:data:`CFLAGS`);
* reads of other periods (``Prev``, ``Next``, ``Lag``) read the line's scratch row; lines that
  read their own past are stepped period by period, as numpy steps them;
* what is not translated (``RowTotal``, which numpy sums pairwise; ``MOD``; a ``Lag`` whose length
  varies by path; powers, exp and log on processors where numpy uses its own AVX-512 routines
  for them (:data:`~.translate.LIBM`); a power to one number (:func:`~.translate.power_to_one_number`);
  any node type this module does not know) is computed by numpy between two kernels, so a new kind
  of node is slower, never wrong.  Such a line comes right after the lines it reads
  (:func:`_numpy_steps_first`), so the kernel before it writes out little.
"""
from __future__ import annotations

import hashlib
import math
import os
import platform
import shlex
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .. import cache
from .evaluation import Step
from .expr import Expr, Lag, Next, Period, Prev, Ref, Scalar, Series
from .translate import Translator, Untranslated

if TYPE_CHECKING:  # pragma: no cover
    from .context import NpContext
    from .model import Model

MIN_PATHS = 4_000
"""Chunks of at least this many paths are evaluated fused (when there is a C compiler), the kernel
built in the background if it is not in the cache.  A chunk of fewer paths (but more than one) is
evaluated fused only with a kernel already built (by set-up or an earlier run): building one costs
seconds of compiler time, large next to what it saves on a small chunk, and tests and small runs do
not start compilers for the many model structures they build; a kernel at hand still takes about
40 % off a price solve at the pricing desk's 2,000 paths (``benchmarks/bench_before_after``, row
``desk``)."""

PRELUDE = """#include <math.h>

/* numpy.maximum / numpy.minimum on x86-64: NaN if either is NaN (the first one), else the
   first when it is strictly greater (smaller), else the second -- so max(0.0, -0.0) is -0.0 */
static inline double fm_max(double a, double b) { return a != a ? a : (b != b ? b : (a > b ? a : b)); }
static inline double fm_min(double a, double b) { return a != a ? a : (b != b ? b : (a < b ? a : b)); }

/* a choice between two values both computed, as numpy.where computes both (and an index
   clamped into the row, so both reads are valid): no branch, so the loop over paths vectorises */
static inline double fm_if(int c, double a, double b) { return c ? a : b; }

/* finmodel.lines.expr._np_roundup: numpy.sign (0 for either zero, NaN for NaN) times the ceiling
   of the magnitude */
static inline double fm_roundup(double x) {
    double sign = x > 0 ? 1.0 : (x < 0 ? -1.0 : (x == 0 ? 0.0 : x));
    return sign * ceil(fabs(x));
}

/* finmodel.lines.expr._np_pmt, one element */
static inline double fm_pmt(double rate, double nper, double pv) {
    double safe = rate == 0 ? 1.0 : rate;
    double annuity = pv * safe / (1 - pow(1 + safe, -nper));
    return rate == 0 ? pv / nper : annuity;
}
"""

@dataclass
class _Names:
    """Where the kernel finds each thing it reads."""

    scratch: dict[str, int]  # lines of this segment: row of the per-path scratch B
    rows: dict[str, int] = field(default_factory=dict)  # one-row values (lines, inputs, Lag lengths): rows of D
    per_path: dict[str, int] = field(default_factory=dict)  # varying series and lines from outside: X[j][p][t]
    scalars: dict[str, int] = field(default_factory=dict)  # varying scalar inputs: S[j][p]
    lags: dict[int, Lag] = field(default_factory=dict)  # D row of each Lag's length -> the node
    parts: dict[int, Expr] = field(default_factory=dict)  # D row of each path-invariant part -> the node


class _Translator(Translator):
    """C source of one element (path ``p``, period ``t``) of an expression."""

    FUNCS = {"max": "fm_max", "min": "fm_min", "abs": "fabs", "exp": "exp", "log": "log", "pow": "pow",
             "roundup": "fm_roundup", "pmt": "fm_pmt"}

    def __init__(self, names: _Names, varying_lines: set[str], varying_inputs: set[str]):
        self.n = names
        self.varying_lines = varying_lines
        self.varying_inputs = varying_inputs

    def _row(self, key: str) -> int:
        return self.n.rows.setdefault(key, len(self.n.rows))

    def line_at(self, name: str, t: str) -> str:
        if name in self.n.scratch:
            return f"B[{self.n.scratch[name]}][{t}][q]"
        if name in self.varying_lines:
            j = self.n.per_path.setdefault(name, len(self.n.per_path))
            return f"X[({j} * np + p0 + q) * T + {t}]"
        return f"D[{self._row('line:' + name)}][{t}]"

    def invariant(self, e: Expr) -> bool:
        """``e`` reads nothing that varies by path."""
        return not (any(d in self.varying_lines for d, _ in e.refs())
                    or any(i in self.varying_inputs for i in e.reads_inputs()))

    def own(self, e: Expr) -> str | None:
        if e.children() and not isinstance(e, Lag) and self.invariant(e):
            # a part that is the same on every path (a discount factor, a product of scalars):
            # computed once per chunk by numpy, as the numpy evaluation computes it on one row
            k = self._row(f"part:{len(self.n.parts)}")
            self.n.parts[k] = e
            return f"D[{k}][t]"
        return None

    def literal(self, v: float) -> str:
        return _literal(v)

    def choose(self, cond: str, a: str, b: str) -> str:
        return f"fm_if({cond}, {a}, {b})"

    def read(self, e: Expr) -> str:
        if isinstance(e, Period):
            return "((double)t)"
        if isinstance(e, Scalar):
            if e.name in self.varying_inputs:
                return f"S[{self.n.scalars.setdefault(e.name, len(self.n.scalars))} * np + p0 + q]"
            return f"D[{self._row('input:' + e.name)}][0]"
        if isinstance(e, Series):
            if e.name in self.varying_inputs:
                return f"X[({self.n.per_path.setdefault('input:' + e.name, len(self.n.per_path))} * np + p0 + q) * T + t]"
            return f"D[{self._row('input:' + e.name)}][t]"
        if isinstance(e, Ref):
            return self.line_at(e.name, "t")
        if isinstance(e, Prev):
            init = "0.0" if e.init is None else self.src(e.init)
            return self.choose("t > 0", self.line_at(e.ref.name, "t_1"), init)
        if isinstance(e, Next):
            return self.choose("t + 1 < T", self.line_at(e.ref.name, "t1"), "0.0")
        if isinstance(e, Lag):
            if not self.invariant(e.k):
                raise Untranslated("a Lag whose length varies by path")
            k = self._row(f"lag:{id(e)}")
            self.n.lags[k] = e
            lag = f"(long)D[{k}][0]"
            return self.choose(f"t >= {lag}", self.line_at(e.ref.name, f"(t >= {lag} ? t - {lag} : 0)"), "0.0")
        return super().read(e)


def _literal(v: float) -> str:
    """A C double literal that reads back as exactly ``v`` (Python's repr is the shortest such)."""
    if math.isnan(v):
        return "NAN"
    if math.isinf(v):
        return "INFINITY" if v > 0 else "(-INFINITY)"
    text = repr(v)
    return f"({text})" if v < 0 else text


@dataclass
class Segment:
    """Consecutive steps compiled into one kernel; which of its lines are written out is chosen
    per call (:meth:`FusedPlan.outputs`: what the outputs asked for read, the lines kept for the
    caller, what a later part reads)."""

    steps: list[Step]
    names: _Names
    source: str = ""
    digest: str | None = None  # of the source and the compiler's flags: the kernel's name in the cache
    kernel: object = None  # the compiled function once loaded (False: it could not be built)


@dataclass
class FusedPlan:
    """How a model's lines (or those a selection needs) are evaluated when a given set of inputs
    varies by path: the ``static`` steps by numpy (as before), then ``parts`` in order, each a
    :class:`Segment` or a step numpy computes.  ``varying``: the lines that vary."""

    static: list[Step]
    parts: list
    varying: set[str]
    _outputs: dict = field(default_factory=dict)

    @property
    def segments(self) -> list[Segment]:
        return [p for p in self.parts if isinstance(p, Segment)]

    def outputs(self, model: "Model", keep, outputs: list[str]) -> dict[int, list[str]]:
        """The lines each segment (by its index in ``parts``) writes out for a selection: those read
        by a later part, by one of ``outputs``, or kept for the caller (``keep``; None: all)."""
        key = (None if keep is None else tuple(sorted(keep)), tuple(outputs))
        hit = self._outputs.get(key)
        if hit is not None:
            return hit
        outside: set[str] = set(self.varying) if keep is None else set(keep) & self.varying
        for name in outputs:
            reads = model._metric_info(name)[2]
            outside.update(self.varying if reads is None else set(reads[0]) & self.varying)
        out: dict[int, list[str]] = {}
        for i, part in enumerate(self.parts):
            if isinstance(part, Segment):
                later = {d for p in self.parts[i + 1:] for s in (p.steps if isinstance(p, Segment) else [p])
                         for n in s.names for d, _ in model.lines[n].expr.refs()}
                out[i] = [n for s in part.steps for n in s.names if n in outside or n in later]
        if len(self._outputs) >= 64:
            self._outputs.clear()
        self._outputs[key] = out
        return out


def plan_fused(model: "Model", plan: list[Step], varying_inputs: set[str],
               needed: frozenset[str] | None = None) -> FusedPlan:
    """Split ``plan`` into the steps that do not vary by path when ``varying_inputs`` do, and
    segments of those that do.  ``needed``: the lines a selection of outputs and lines needs
    (closed under what they read, :meth:`Model._needed_lines <finmodel.lines.model.Model._needed_lines>`),
    the only ones planned (None: every line).  A kernel's source, and so its name in the cache,
    follows from the lines it computes: selections that need the same varying lines share one."""
    static, varying_steps, varying = [], [], set()
    for step in plan:
        if needed is not None and step.names[0] not in needed:  # a stepped component is needed whole
            continue
        reads = False
        for name in step.names:
            expr = model.lines[name].expr
            if any(d in varying for d, _ in expr.refs()) or any(i in varying_inputs for i in expr.reads_inputs()):
                reads = True
                break
        if reads:
            varying.update(step.names)
            varying_steps.append(step)
        else:
            static.append(step)
    # which steps translate; consecutive translatable steps form a segment
    translated = {}
    for step in varying_steps:
        try:
            tr = _Translator(_Names({n: 0 for n in step.names}), varying, varying_inputs)
            for name in step.names:
                tr.src(model.lines[name].expr)
            translated[id(step)] = True
        except Untranslated:
            translated[id(step)] = False
    groups: list = []
    for step in _numpy_steps_first(model, varying_steps, translated):
        ok = translated[id(step)]
        if ok and groups and isinstance(groups[-1], list):
            groups[-1].append(step)
        elif ok:
            groups.append([step])
        else:
            groups.append(step)
    parts = [_segment(model, g, varying, varying_inputs) if isinstance(g, list) else g for g in groups]
    return FusedPlan(static, parts, varying)


def _numpy_steps_first(model: "Model", steps: list[Step], translated: dict[int, bool]) -> list[Step]:
    """``steps`` (in an order of evaluation) reordered so that each step numpy computes comes as
    early as what it reads allows: the steps it depends on, then it, then the rest.  A segment
    before it then holds only what it reads, and few lines are written out and read back by the
    segment after it (the values do not depend on the order of lines that do not read each other)."""
    where = {n: i for i, step in enumerate(steps) for n in step.names}
    placed: set[int] = set()
    order: list[Step] = []
    for k, step in enumerate(steps):
        if translated[id(step)] or k in placed:
            continue
        wanted, todo = {k}, [k]
        while todo:  # the steps it depends on, through the varying lines
            for n in steps[todo.pop()].names:
                for d, _ in model.lines[n].expr.refs():
                    i = where.get(d)
                    if i is not None and i not in wanted and i not in placed:
                        wanted.add(i)
                        todo.append(i)
        order += [steps[i] for i in sorted(wanted)]
        placed |= wanted
    return order + [step for i, step in enumerate(steps) if i not in placed]


def _segment(model: "Model", steps: list[Step], varying: set[str], varying_inputs: set[str]) -> Segment:
    own = [n for s in steps for n in s.names]
    names = _Names({n: i for i, n in enumerate(own)})
    tr = _Translator(names, varying, varying_inputs)
    body = ["    double (*restrict B)[T][W] = (double (*)[T][W])Bp;", "    const double (*restrict D)[T] = (const double (*)[T])Dp;",
            "    for (long p0 = 0; p0 < n; p0 += W) {"]
    for step in steps:
        label = ", ".join(step.names).replace("*/", "* /")
        body += [f"        /* {'stepped: ' if step.stepped else ''}{label} */", "        for (long t = 0; t < T; t++) {",
                 "            const long t_1 = t > 0 ? t - 1 : 0, t1 = t + 1 < T ? t + 1 : t;"]
        for name in step.names:
            body += ["            for (long q = 0; q < W; q++)",
                     f"                B[{names.scratch[name]}][t][q] = {tr.src(model.lines[name].expr)};"]
        body += ["        }"]
    body += ["        for (long j = 0; j < nout; j++)", "            for (long q = 0; q < W && p0 + q < n; q++)",
             "                for (long t = 0; t < T; t++)",
             "                    O[j][(p0 + q) * T + t] = B[out[j]][t][q];", "    }"]
    source = "\n".join(["", f"#define W {BLOCK}", f"#define T {model.n_periods}", "",
                        "void kernel(long n, long np, long nout, const long *restrict out, const double *restrict Dp,",
                        "            const double *restrict S, const double *restrict X, double *const *restrict O,",
                        "            double *restrict Bp)", "{", *body, "}", ""])
    return Segment(steps, names, source)


BLOCK = 8
"""Paths computed side by side (the innermost loop, which the compiler vectorises): a block's
scratch rows, 8 bytes x lines x periods x BLOCK, stay in the processor's level-2 cache."""


# -- compiling ------------------------------------------------------------------------------------
CFLAGS = ("-O2", "-fvect-cost-model=dynamic", "-std=gnu99", "-fPIC", "-shared", "-fno-fast-math",
          "-ffp-contract=off")
"""IEEE arithmetic as numpy does it: no fast-math, no fused multiply-add (the default
``-ffp-contract=fast`` of GNU C would round a*b+c once instead of twice); the loops over a
block's paths vectorised wherever that pays (the default cost model of ``-O2`` rarely does)."""


def cpu_flags() -> tuple[str, ...]:
    """Compiler flags for this processor's vector instructions (AVX2 where the processor has it:
    four paths per instruction instead of two; the same IEEE operations).  A kernel built with
    them runs only on such a processor, so the processor's flags are part of its name."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return ()
    return ("-mavx2",) if platform.machine() == "x86_64" and "avx2" in flags else ()


_lock = threading.Lock()
_kernels: dict[str, object] = {}  # by source digest: the loaded kernel, or False when its build failed
_builds: dict[str, subprocess.Popen] = {}  # by source digest: compilers still running


def compiler() -> str | None:
    """The C compiler (``$CC``, else ``cc``), None when there is none: numpy evaluates then."""
    return shutil.which(os.environ.get("CC") or "cc")


def available() -> bool:
    return compiler() is not None


def cache_dir() -> Path | None:
    """Where compiled kernels are kept, by the hash of their source (:func:`finmodel.cache.folder`);
    None when it cannot be written: nothing is compiled then and numpy evaluates."""
    return cache.folder("kernels")


RETRY_HOURS = 24
"""A build that failed leaves a ``.failed`` marker: runs within this many hours do not start the
compiler again for that kernel (after it, e.g. once missing C headers are installed, they do)."""


def kernel(segment: Segment, wait: bool = False, build: bool = True):
    """The segment's compiled kernel (a ctypes function), or None while it is being built or
    when it cannot be (no compiler, no writable cache folder, a failed build, a library that
    does not load): numpy evaluates then, the same values.  ``build`` False: only a kernel already
    built (loaded, or in the cache folder); None, and no compiler started, when there is none.

    The first request for a source not in the cache starts the C compiler in the background and
    returns None: the caller computes those chunks with numpy and later chunks, or the next run,
    use the kernel.  The compiler writes the library under a name of its own build and it
    is renamed into place (atomic), so processes building the same kernel at once
    never see a partial library, and a build finishes even if this process ends first.  The
    compiler's messages go nowhere (a failure only means numpy evaluates).  ``wait``: block
    until the kernel is built (set-up, tests).
    """
    if segment.kernel is not None:
        return segment.kernel or None
    with _lock:
        if segment.digest is None:
            segment.digest = hashlib.sha256(
                (" ".join(CFLAGS + cpu_flags()) + platform.machine() + PRELUDE + segment.source).encode()).hexdigest()[:32]
        digest = segment.digest
        if digest not in _kernels:
            found = _find_or_build(digest, PRELUDE + segment.source, wait, build)
            if found is None:
                return None
            _kernels[digest] = found
        segment.kernel = _kernels[digest]
    return segment.kernel or None


def _find_or_build(digest: str, text: str, wait: bool, build: bool = True):
    """The loaded kernel; False when it cannot be had; None while it is being built (or, with
    ``build`` False, when it is not built: then no build is started)."""
    folder = cache_dir()
    if folder is None or compiler() is None:
        return False
    lib = folder / f"kernel_{digest}.so"
    running = _builds.get(digest)
    if running is None and not lib.exists():
        if not build:
            return None
        if _recent(lib.with_suffix(".failed"), RETRY_HOURS * 3_600):
            return False
        running = _start_build(text, lib)
        if running is None:
            return False
        _builds[digest] = running
    if running is not None:
        if wait:
            running.wait()
        if running.poll() is None:
            return None
        del _builds[digest]
    return _load(lib)


def wait_for_builds() -> None:
    """Wait until every kernel this process started building is built (benchmarks, tests)."""
    with _lock:
        builds = list(_builds.values())
    for build in builds:
        build.wait()


def _start_build(text: str, lib: Path) -> subprocess.Popen | None:
    """Start compiling ``text`` into ``lib`` in the background (None: it cannot be started, e.g.
    a full disk)."""
    # kernel_*: the kernels, their failure markers and leftovers of killed builds
    cache.prune(lib.parent, "*kernel_*")
    tag = f"{os.getpid()}_{os.urandom(6).hex()}"  # unique to this build, whichever process starts it
    src, tmp = lib.with_name(f".{lib.stem}_{tag}.c"), lib.with_name(f".{lib.stem}_{tag}.so")
    try:
        src.write_text(text)
    except OSError:
        return None
    q = {k: shlex.quote(str(v)) for k, v in {"src": src, "tmp": tmp, "lib": lib,
                                             "failed": lib.with_suffix(".failed")}.items()}
    command = " ".join(shlex.quote(str(a)) for a in [compiler(), *CFLAGS, *cpu_flags(), "-o", tmp, src, "-lm"])
    script = (f"if {command} && mv -f {q['tmp']} {q['lib']}; then rm -f {q['failed']}; else touch {q['failed']}; fi; "
              f"rm -f {q['src']} {q['tmp']}")
    try:
        return subprocess.Popen(["sh", "-c", script], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:  # no process can be started (no shell, a process limit)
        src.unlink(missing_ok=True)
        return None


def _recent(path: Path, seconds: float) -> bool:
    """``path`` exists and was modified less than ``seconds`` ago."""
    try:
        return time.time() - path.stat().st_mtime < seconds
    except OSError:
        return False


def _load(lib: Path):
    """The kernel of ``lib``; False when it does not load (removed meanwhile by another
    process's pruning, a damaged file)."""
    import ctypes

    try:
        fn = ctypes.CDLL(str(lib)).kernel
    except (OSError, AttributeError):
        return False
    cache.touch(lib)
    fn.restype = None
    fn.argtypes = [ctypes.c_long] * 3 + [ctypes.c_void_p] * 6
    return fn


# -- running --------------------------------------------------------------------------------------
def run_segment(model: "Model", segment: Segment, out: list[str], ctx: "NpContext") -> dict[str, np.ndarray]:
    """Evaluate a segment's lines for every path of ``ctx`` with its kernel (built: see
    :func:`kernel`); returns the lines ``out``."""
    from .expr import as2d

    T = model.n_periods
    nm = segment.names
    n = ctx.inputs.n_paths()
    D = np.empty((max(1, len(nm.rows)), T))
    for key, i in nm.rows.items():
        kind, _, name = key.partition(":")
        if kind == "line":
            a = ctx.values[name]
        elif kind == "input":
            a = ctx.inputs.get(name)
        elif kind == "lag":  # a Lag's length, checked as numpy checks it
            a = np.array([[float(nm.lags[i]._k(ctx))]])
        else:
            a = as2d(nm.parts[i].np(ctx))
        D[i] = np.broadcast_to(a, (1, T))[0]
    padded = -(-n // BLOCK) * BLOCK  # the last block's spare paths read zeros and are not written out
    S = np.zeros((max(1, len(nm.scalars)), padded))
    for name, j in nm.scalars.items():
        S[j, :n] = ctx.inputs.scalars[name][:, 0]
    X = np.zeros((max(1, len(nm.per_path)), padded, T))
    for key, j in nm.per_path.items():
        a = ctx.inputs.get(key[6:]) if key.startswith("input:") else ctx.values[key]
        X[j, :n] = np.broadcast_to(as2d(a), (n, T))
    rows = np.array([nm.scratch[name] for name in out] or [0], dtype=np.int64)
    # one array per line written out: memory the C library reuses from chunk to chunk (a single
    # block of all of them would be mapped afresh, and its pages zeroed, every chunk)
    lines = {name: np.empty((n, T)) for name in out}
    where = np.array([a.ctypes.data for a in lines.values()] or [0], dtype=np.uintp)
    B = np.empty((max(1, len(nm.scratch)), T, BLOCK))
    kernel(segment)(n, padded, len(out), rows.ctypes.data, D.ctypes.data, S.ctypes.data, X.ctypes.data,
                    where.ctypes.data, B.ctypes.data)
    return lines
