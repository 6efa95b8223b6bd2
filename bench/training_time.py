"""Training time and peak memory at 1k, 10k and 100k records. The larger sets are the corpus
resampled with replacement: for timing only, never for a model anyone uses. Each size is fitted
(no cross-validation) in its own process, so peak memory is that fit's own.

    .venv/bin/python -m bench.training_time [--sizes 1000 10000 100000]
"""

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fit_once(size: int) -> dict[str, float]:
    from training.dataset import load_corpus
    from training.train import fit

    corpus = load_corpus(ROOT / "data" / "labeled")
    records = random.Random(size).choices(corpus, k=size)
    started = time.perf_counter()
    fit(records, n_jobs=2)  # as `dispute-triage train` fits (DT_TRAIN_JOBS, default 2)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"records": size, "fit_seconds": round(seconds, 1), "peak_rss_mb": round(peak_mb)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(fit_once(args.one)))
        return
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, "-m", "bench.training_time", "--one", str(size)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=1800,
        ).stdout
        print(out.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
