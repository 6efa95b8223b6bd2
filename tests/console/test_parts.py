"""The console's small parts: upload names, training-job progress and liveness, key parsing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.auth import check_key, parse_keys
from console.jobs import Job, Jobs, write_job
from console.messages import reason_zh
from console.training_job import progress_of
from console.uploads import Uploads, safe_name


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("台账 2026.11.xlsx", "台账_2026_11.xlsx"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("C:\\Users\\wang\\desk.CSV", "desk.csv"),
        ("....jsonl", "upload.jsonl"),
    ],
)
def test_an_upload_name_can_only_name_a_file_in_the_corpus_folder(given: str, expected: str) -> None:
    assert safe_name(given) == expected


def test_an_upload_is_only_its_analysts_and_tokens_are_checked() -> None:
    uploads = Uploads()
    upload = uploads.add("a.csv", b"x", "wang")
    assert uploads.get(upload.token, "wang") is upload
    assert uploads.get(upload.token, "li") is None
    assert uploads.get("../" + upload.token, "wang") is None


def test_progress_moves_forward_through_trains_messages() -> None:
    job = Job("20261206-010101-abcdef", "wang")
    steps = [
        "5062 records from 17 files",
        "cross-validation fold 1/5",
        "cross-validation fold 3/5",
        "fitting the final model on all records",
    ]
    percents = []
    for message in steps:
        job.percent, job.message = progress_of(message, job)
        percents.append(job.percent)
    assert percents == sorted(percents) and percents[0] == 5 and percents[-1] == 80
    assert progress_of("something new", job) == (80, "something new")


def test_a_job_whose_process_is_gone_is_reported_failed(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)
    jobs = Jobs(tmp_path)
    write_job(tmp_path / "20261206-010101-abcdef.json", Job("20261206-010101-abcdef", "wang", "running", pid=dead_pid))
    write_job(
        tmp_path / "20261206-010102-abcdef.json", Job("20261206-010102-abcdef", "wang", "running", pid=os.getpid())
    )
    assert jobs.get("20261206-010101-abcdef").state == "failed"  # type: ignore[union-attr]
    assert jobs.running() is not None and jobs.running().id == "20261206-010102-abcdef"  # type: ignore[union-attr]
    assert jobs.get("../../etc/passwd") is None


def test_keys_are_named_pairs() -> None:
    keys = parse_keys(["wang:key-for-wang-1", " li : key-for-li-22 "], "DT_ANALYST_KEYS")
    assert check_key("key-for-li-22", keys) == "li" and check_key("key-for-li-2", keys) is None
    with pytest.raises(ValueError, match="entry 1"):
        parse_keys(["no-name-here"], "DT_ANALYST_KEYS")
    with pytest.raises(ValueError, match="8 or more"):
        parse_keys(["wang:short"], "DT_ANALYST_KEYS")


def test_importer_reasons_are_told_in_chinese_and_unknown_ones_kept() -> None:
    assert reason_zh("empty text") == "内容为空"
    assert reason_zh("same text already in /srv/data/labeled/land.jsonl:12 as land/low").startswith(
        "语料中已有相同内容（land.jsonl:12）"
    )
    assert reason_zh("a reason not seen before") == "a reason not seen before"
