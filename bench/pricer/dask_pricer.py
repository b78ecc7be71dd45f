#!/usr/bin/env python3
"""The pricer on Dask distributed, as its users write it: a LocalCluster of one single-threaded
worker process per core, `client.map` over the chunks (NumPy, vectorised over a chunk's paths),
`client.gather` in chunk order. Prints BENCH.md JSON lines (impl dask, metric paths_per_s) with
the price; the timing starts once the cluster is up and its workers have imported the model
(that start-up is the startup_s key).

  /usr/bin/python3 bench/pricer/dask_pricer.py [--bench european|asian|both] [--european-paths N]
      [--asian-paths N] [--time-steps 32] [--chunk-paths 16384] [--seed S] [--threads N]"""
import argparse
import functools
import importlib
import os
import sys
import time

import model

try:
    from dask.distributed import Client, LocalCluster
except ImportError:
    sys.exit("bench/pricer/dask_pricer.py: needs Dask distributed under this interpreter "
             "(Debian: apt-get install python3-dask python3-distributed; run with /usr/bin/python3)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    model.add_arguments(parser, os.cpu_count())
    args = parser.parse_args()
    started = time.perf_counter()
    with LocalCluster(n_workers=args.threads, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        client.run(importlib.import_module, "model")
        startup = time.perf_counter() - started
        for which in model.benches(args):
            p = model.bench_params(args, which)
            t0 = time.perf_counter()
            futures = client.map(functools.partial(model.simulate_chunk, p),
                                 range(model.chunk_count(p)), pure=False)
            results = client.gather(futures)
            seconds = time.perf_counter() - t0
            model.report(which, "dask", p, seconds, results, args.threads, startup)


if __name__ == "__main__":
    main()
