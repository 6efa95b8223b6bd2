"""A serving replica installs without the `train` and `console` extras: a fresh virtual environment
gets the project's wheel and its serving dependencies only, imports no training-only package, and
serves a model from a registry.

The wheel is built once per state of the sources and kept in .venv/serving-wheel/ (building it
compiles the two Cython modules); the environment itself is made anew each time, its packages
coming from pip's cache.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.service.live_server import serve_process

ROOT = Path(__file__).resolve().parents[2]
# The train, console, batch and spark extras' packages (python-multipart is the module multipart).
NOT_FOR_SERVING = (
    *("pandas", "matplotlib", "openpyxl", "defusedxml", "jinja2", "multipart", "itsdangerous", "markdown"),
    *("pyarrow", "pyspark"),
)
SOURCES = (
    "pyproject.toml", "setup.py", "nlp", "service", "training", "cli", "store", "console",
    "batch", "spark_runner",
)


def source_digest() -> str:
    digest = hashlib.sha256()
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file() and p.suffix != ".so")
        for f in files:
            if "__pycache__" in f.parts or f.suffix in (".c", ".pyc"):
                continue
            digest.update(str(f.relative_to(ROOT)).encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="module")
def wheel() -> Path:
    cache = ROOT / ".venv" / "serving-wheel" / source_digest()
    found = sorted(cache.glob("dispute_triage-*.whl"))
    if found:
        return found[0]
    shutil.rmtree(cache.parent, ignore_errors=True)
    cache.mkdir(parents=True)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(cache), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    return next(cache.glob("dispute_triage-*.whl"))


@pytest.fixture(scope="module")
def serving_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("serving-only") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    return venv


def run_in(venv: Path, code: str, cwd: Path) -> str:
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_no_training_only_package_is_installed_or_imported(serving_env: Path, tmp_path: Path) -> None:
    found = run_in(
        serving_env,
        "import importlib.util as u, sys\n"
        "import cli.main, service.main, nlp.predictor\n"
        f"print([m for m in {NOT_FOR_SERVING!r} if u.find_spec(m) or m in sys.modules])\n"
        "print(cli.main.__file__)",
        tmp_path,
    ).splitlines()
    assert found[0] == "[]"
    assert str(serving_env) in found[1]  # the installed package, not this checkout


def test_training_commands_say_what_is_missing(serving_env: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(serving_env / "bin" / "dispute-triage"), "train"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "needs the train extra" in done.stderr and "dispute-triage[train]" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_serving_only_environment_serves_a_model(serving_env: Path, models_root: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {
        "DT_MODELS_DIR": str(models_root),
        "DT_DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite",
    }
    command = [str(serving_env / "bin" / "dispute-triage"), "serve", "--workers", "2"]
    with serve_process(command, env, cwd=tmp_path) as (base, _server):
        answer = httpx.post(f"{base}/v1/classify", json={"text": "我老公喝了酒拿着菜刀说要砍死我"}, timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.json()["urgency"]["label"] == "high"
        assert httpx.get(f"{base}/v1/model", timeout=10).json()["serving_path"] == "compiled"
