"""The Spark job in local mode: the same labels as the service on the test split, bad rows
marked, the model's sha256 checked on the executors, an existing output kept."""

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from batch.model import Rules, resolve
from cli.main import app
from service.settings import Settings
from spark_runner.job import run

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = 200  # rows of the test split: enough to cover every label, quick in local mode
runner = CliRunner()


@pytest.fixture(scope="module")
def test_split() -> list[dict[str, Any]]:
    lines = (ROOT / "data" / "test" / "test.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:SAMPLE]]


@pytest.fixture(scope="module")
def service_results(client: TestClient, test_split: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """id -> what POST /v1/classify/batch answers for the record's text."""
    body = {"items": [{"id": r["id"], "text": r["text"]} for r in test_split]}
    response = client.post("/v1/classify/batch", json=body)
    assert response.status_code == 200, response.text
    return {r["id"]: r for r in response.json()["results"]}


def spark_args(*args: str) -> list[str]:
    return ["spark", *args, "--master", "local[2]"]


def test_labels_are_the_services_on_the_test_split(
    tmp_path: Path, models_root: Path, test_split: list[dict[str, Any]], service_results: dict[str, dict[str, Any]]
) -> None:
    ids = [r["id"] for r in test_split] + ["bad-null", "bad-long"]
    texts = [r["text"] for r in test_split] + [None, "地" * 5001]
    pq.write_table(pa.table({"id": ids, "text": texts, "year": [2025] * len(ids)}), tmp_path / "archive.parquet")
    summary = run(
        input_path=str(tmp_path / "archive.parquet"),
        output_path=str(tmp_path / "scored"),
        ref=resolve(models_root, None),
        rules=Rules.from_settings(Settings()),
        master="local[2]",
    )
    assert (tmp_path / "scored" / "_SUCCESS").exists()
    rows = {r["id"]: r for r in pq.read_table(tmp_path / "scored").to_pylist()}
    assert len(rows) == len(ids) and summary.rows == len(ids) and summary.bad == 2
    for record in test_split:
        mine, theirs = rows[record["id"]], service_results[record["id"]]
        assert (mine["text"], mine["year"]) == (record["text"], 2025)
        assert (mine["type"], mine["urgency"]) == (theirs["type"]["label"], theirs["urgency"]["label"])
        assert (mine["type_name"], mine["urgency_name"]) == (theirs["type"]["name"], theirs["urgency"]["name"])
        assert mine["type_confidence"] == theirs["type"]["confidence"]
        assert mine["urgency_confidence"] == theirs["urgency"]["confidence"]
        assert (mine["needs_review"], mine["review_reasons"]) == (theirs["needs_review"], theirs["review_reasons"])
        assert mine["deadline_hours"] == theirs["handling"]["deadline_hours"]
        danger = [f"{c['signal']}:{c['phrase']}" for c in theirs["cues"] if ":" not in c["signal"]]
        assert mine["danger_cues"] == danger
        assert mine["model_version"] == theirs["model_version"] and mine["row_error"] is None
    assert rows["bad-null"]["row_error"] == "empty text" and rows["bad-null"]["type"] is None
    assert rows["bad-long"]["row_error"] == "text has 5001 characters; the limit is 5000"
    types = {label: sum(r["type"]["label"] == label for r in service_results.values()) for label in summary.types}
    assert dict(summary.types) == types


def test_gbk_csv_through_the_command(tmp_path: Path, models_root: Path, test_split: list[dict[str, Any]]) -> None:
    source = tmp_path / "archive.csv"
    with source.open("w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["编号", "内容"])
        writer.writerows((r["id"], r["text"]) for r in test_split[:40])
    out = tmp_path / "scored"
    result = runner.invoke(app, spark_args("--input", str(source), "--output", str(out), "--models", str(models_root)))
    assert result.exit_code == 0, result.output
    assert "40 rows" in result.stdout and "40 scored, 0 bad" in result.stdout
    rows = pq.read_table(out).to_pylist()
    assert sorted((r["编号"], r["内容"]) for r in rows) == sorted((r["id"], r["text"]) for r in test_split[:40])
    # An existing output is not replaced without --overwrite.
    again = runner.invoke(app, spark_args("--input", str(source), "--output", str(out), "--models", str(models_root)))
    assert again.exit_code == 1
    assert "already exists" in again.stderr and len(pq.read_table(out)) == 40


def test_a_tampered_model_is_refused_on_the_executors(tmp_path: Path, tampered_registry: Path) -> None:
    pq.write_table(pa.table({"text": ["楼上漏水把我家天花板泡坏了"]}), tmp_path / "in.parquet")
    out = tmp_path / "scored"
    result = runner.invoke(
        app,
        spark_args("--input", str(tmp_path / "in.parquet"), "--output", str(out), "--models", str(tampered_registry)),
    )
    assert result.exit_code == 1
    assert "does not match the manifest" in result.stderr and "Traceback" not in result.output
    assert not (out / "_SUCCESS").exists()
