"""The store sits on nlp/ alone: the service, the CLI and the console use it, and it uses none of
them; a serving replica still loads no training code."""

import subprocess
import sys

from tests.service.test_process import ROOT


def modules_loaded_by(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return {name.split(".")[0] for name in done.stdout.split()}


def test_the_store_imports_neither_service_nor_training() -> None:
    loaded = modules_loaded_by(
        "import store.database, store.records, store.counts, store.migrate, store.settings; "
        "from store import migrate; migrate.head()"
    )
    assert "nlp" in loaded
    assert not loaded & {"service", "training", "cli", "console"}


def test_the_service_with_its_store_loads_no_training_code() -> None:
    loaded = modules_loaded_by("import service.main, service.persist")
    assert "store" in loaded
    assert not loaded & {"training", "cli", "console"}


def test_the_console_sits_on_training_nlp_and_the_store_never_on_the_service() -> None:
    loaded = modules_loaded_by("import console.app, console.training_job")
    assert {"training", "nlp", "store"} <= loaded
    assert "service" not in loaded
