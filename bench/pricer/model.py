"""The pricer's model for the Python peers (python_mp.py, dask_pricer.py), as a NumPy user
writes it: the same contracts, GBM and chunking as examples/pricer/model.hpp, vectorised over
the paths of a chunk. Chunk c draws from NumPy's own generator seeded with (seed, c), so its
numbers differ from the C++ Philox streams, but not its distribution."""
import json
import math
import sys
from typing import NamedTuple

try:
    import numpy as np
except ImportError:
    sys.exit("bench/pricer: these peers need NumPy under this interpreter "
             "(Debian: apt-get install python3-numpy; run them with /usr/bin/python3)")

KINDS = ("european-call", "european-put", "asian-call")


class Params(NamedTuple):
    kind: str = "european-call"
    spot: float = 100.0
    strike: float = 100.0
    rate: float = 0.05
    sigma: float = 0.2
    maturity: float = 1.0
    paths: int = 1_000_000
    time_steps: int = 32
    seed: int = 2024
    chunk_paths: int = 16384


def chunk_count(p):
    return (p.paths + p.chunk_paths - 1) // p.chunk_paths


def paths_in_chunk(p, chunk):
    return max(0, min(p.chunk_paths, p.paths - chunk * p.chunk_paths))


def simulate_chunk(p, chunk):
    """(sum of discounted payoffs, sum of their squares, paths) of chunk `chunk`."""
    n = paths_in_chunk(p, chunk)
    rng = np.random.default_rng([p.seed, chunk])
    discount = math.exp(-p.rate * p.maturity)
    if p.kind == "asian-call":
        dt = p.maturity / p.time_steps
        z = rng.standard_normal((n, p.time_steps))
        log_returns = (p.rate - 0.5 * p.sigma**2) * dt + p.sigma * math.sqrt(dt) * z
        average = p.spot * np.exp(np.cumsum(log_returns, axis=1)).mean(axis=1)
        payoff = discount * np.maximum(average - p.strike, 0.0)
    else:
        z = rng.standard_normal(n)
        s_t = p.spot * np.exp((p.rate - 0.5 * p.sigma**2) * p.maturity +
                              p.sigma * math.sqrt(p.maturity) * z)
        intrinsic = s_t - p.strike if p.kind == "european-call" else p.strike - s_t
        payoff = discount * np.maximum(intrinsic, 0.0)
    return float(payoff.sum()), float(np.dot(payoff, payoff)), n


def estimate(results):
    """Price, standard error, and the 95 % interval from chunk results added in chunk order."""
    total = squares = 0.0
    count = 0
    for s, sq, n in results:
        total += s
        squares += sq
        count += n
    price = total / count
    variance = max((squares - count * price * price) / (count - 1), 0.0) if count > 1 else 0.0
    error = math.sqrt(variance / count)
    return price, error, price - 1.96 * error, price + 1.96 * error


def bench_params(args, which):
    """The Params of bench `which` (european or asian) from the shared command line."""
    if which == "european":
        return Params(kind="european-call", paths=args.european_paths,
                      time_steps=args.time_steps, seed=args.seed, chunk_paths=args.chunk_paths)
    return Params(kind="asian-call", paths=args.asian_paths, time_steps=args.time_steps,
                  seed=args.seed, chunk_paths=args.chunk_paths)


def add_arguments(parser, default_workers):
    """The command line shared with bench_pricer_openmp."""
    parser.add_argument("--bench", choices=("european", "asian", "both"), default="both")
    parser.add_argument("--european-paths", type=int, default=32_000_000)
    parser.add_argument("--asian-paths", type=int, default=2_000_000)
    parser.add_argument("--time-steps", type=int, default=32)
    parser.add_argument("--chunk-paths", type=int, default=16384)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--threads", type=int, default=default_workers,
                        help="worker processes (default: one per core)")


def benches(args):
    return [b for b in ("european", "asian") if args.bench in (b, "both")]


def report(which, impl, p, seconds, results, workers, startup):
    price, error, _, _ = estimate(results)
    print(json.dumps({"bench": f"pricer_{which}", "impl": impl, "metric": "paths_per_s",
                      "value": p.paths / seconds, "threads": workers, "price": price,
                      "std_error": error, "paths": p.paths, "startup_s": startup},
                     separators=(",", ":")), flush=True)

