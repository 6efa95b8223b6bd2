"""One training job, run as `python -m console.training_job <job.json>` by console/jobs.py: trains a
candidate with training.train.train and writes its progress to the job file as it goes."""

import json
import os
import re
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from console.jobs import Job, read_job, write_job

_FOLD = re.compile(r"fold (\d+)/(\d+)")
_RECORDS = re.compile(r"^(\d+) records from (\d+) files")


def progress_of(message: str, job: Job) -> tuple[int, str]:
    """Percent done and a Chinese line for one of train()'s progress messages; a message it does not
    know keeps the percent and is shown as it is."""
    if m := _RECORDS.match(message):
        return 5, f"读取了 {m.group(1)} 条记录（{m.group(2)} 个文件）"
    if m := _FOLD.search(message):
        k, n = int(m.group(1)), int(m.group(2))
        return 5 + 70 * (k - 1) // n, f"交叉验证：第 {k}/{n} 折"
    if message.startswith("fitting the final model"):
        return 80, "在全部记录上拟合最终模型，然后评估测试集并写报告"
    return job.percent, message


def main(path: Path) -> int:
    config = json.loads(path.with_suffix(".config").read_text(encoding="utf-8"))
    job = read_job(path)
    job.state, job.pid, job.message = "running", os.getpid(), "载入训练代码"
    write_job(path, job)

    def report(message: str) -> None:
        job.percent, job.message = progress_of(message, job)
        write_job(path, job)

    try:
        from training.train import train

        result = train(
            Path(config["data_dir"]),
            Path(config["models_dir"]),
            test_dir=Path(config["test_dir"]) if config.get("test_dir") else None,
            eval_dirs=[Path(p) for p in config.get("eval_dirs", [])],
            folds=int(config["folds"]),
            n_jobs=int(config["n_jobs"]),
            progress=report,
        )
    except Exception as exc:  # the job file must say why, whatever went wrong
        traceback.print_exc()
        job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
    else:
        job.state, job.percent, job.version, job.message = "done", 100, result.version, "完成"
    job.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    write_job(path, job)
    return 0 if job.state == "done" else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
