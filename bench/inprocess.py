"""In-process speed of the live model: latency of one typical text (60–120 characters) and
throughput of one batch of 10,000 texts, in this one process (one core).

    .venv/bin/python -m bench.inprocess [--models models]
"""

import argparse
import json
import time
from pathlib import Path

from nlp.predictor import Triage
from nlp.registry import load_live
from training.evaluate import load_set

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    parser.add_argument("--single", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    pipeline, manifest = load_live(args.models)
    triage = Triage(pipeline, manifest)  # as the service runs it: cues, review flag, explanations
    texts = [r.text for r in load_set(ROOT / "data" / "test")]
    typical = [t for t in texts if 60 <= len(t) <= 120]
    triage.predict(typical[:50])
    latencies = []
    for i in range(args.single):
        started = time.perf_counter()
        triage.predict([typical[i % len(typical)]])
        latencies.append(time.perf_counter() - started)
    latencies.sort()
    batch = (texts * (args.batch // len(texts) + 1))[: args.batch]
    started = time.perf_counter()
    triage.predict(batch)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "model": manifest["version"],
                "typical_texts": len(typical),
                "single_p50_ms": round(latencies[len(latencies) // 2] * 1000, 3),
                "single_p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 3),
                "batch_texts": len(batch),
                "batch_seconds": round(seconds, 2),
                "batch_texts_per_second": round(len(batch) / seconds),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
