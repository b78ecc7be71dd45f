#!/usr/bin/env python3
"""The pricer's Python peer as its users write it: multiprocessing.Pool, one process per core,
`pool.map` over the chunks (NumPy, vectorised over a chunk's paths), the results added in chunk
order. Prints BENCH.md JSON lines (impl python-multiprocessing, metric paths_per_s) with the
price; the timing starts once the pool is up (its start-up is the startup_s key).

  /usr/bin/python3 bench/pricer/python_mp.py [--bench european|asian|both] [--european-paths N]
      [--asian-paths N] [--time-steps 32] [--chunk-paths 16384] [--seed S] [--threads N]"""
import argparse
import functools
import multiprocessing
import os
import time

import model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    model.add_arguments(parser, os.cpu_count())
    args = parser.parse_args()
    started = time.perf_counter()
    with multiprocessing.Pool(processes=args.threads) as pool:
        startup = time.perf_counter() - started
        for which in model.benches(args):
            p = model.bench_params(args, which)
            t0 = time.perf_counter()
            results = pool.map(functools.partial(model.simulate_chunk, p),
                               range(model.chunk_count(p)))
            seconds = time.perf_counter() - t0
            model.report(which, "python-multiprocessing", p, seconds, results, args.threads,
                         startup)


if __name__ == "__main__":
    main()
