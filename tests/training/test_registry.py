"""promote refuses a worse candidate unless forced; rollback restores the one before."""

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import write_jsonl
from training.dataset import load_corpus
from training.evaluate import load_set
from training.registry import PromotionRefused, promote
from training.train import train

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(scope="module")
def registry_root(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A registry with a model trained on all the corpus (live) and one trained on a tenth."""
    root = tmp_path_factory.mktemp("registry")
    full = train(ROOT / "data" / "labeled", root, folds=2)
    promote(root, full.version)
    records = load_corpus(ROOT / "data" / "labeled")
    tenth = random.Random(0).sample(records, len(records) // 10)
    small_dir = tmp_path_factory.mktemp("tenth")
    write_jsonl(small_dir / "tenth.jsonl", [{"text": r.text, "type": r.type, "urgency": r.urgency} for r in tenth])
    small = train(small_dir, root, folds=2)
    return root, full.version, small.version


def live(root: Path) -> str:
    return json.loads((root / "live.json").read_text())["version"]


def test_worse_candidate_is_refused_then_forced_then_rolled_back(registry_root: tuple[Path, str, str]) -> None:
    root, full, small = registry_root
    test = ["--models", str(root), "--test", str(ROOT / "data" / "test")]
    refused = runner.invoke(app, ["models", "promote", small, *test])
    assert refused.exit_code == 1
    assert "worse than live" in refused.output and "type macro-F1" in refused.output
    assert live(root) == full

    forced = runner.invoke(app, ["models", "promote", small, "--force", *test])
    assert forced.exit_code == 0, forced.output
    assert live(root) == small

    listing = runner.invoke(app, ["models", "list", "--models", str(root)])
    assert f"* {small}" in listing.output and f"  {full}" in listing.output

    back = runner.invoke(app, ["models", "rollback", "--models", str(root)])
    assert back.exit_code == 0, back.output
    assert live(root) == full
    assert runner.invoke(app, ["models", "rollback", "--models", str(root)]).exit_code == 1


def test_better_candidate_is_promoted_without_force(registry_root: tuple[Path, str, str]) -> None:
    root, full, small = registry_root
    promote(root, small, force=True)
    promote(root, full, test=load_set(ROOT / "data" / "test"))
    assert live(root) == full


def test_corrupt_candidate_is_refused_even_with_force(registry_root: tuple[Path, str, str], tmp_path: Path) -> None:
    root, full, small = registry_root
    model = root / small / "model.joblib"
    original = model.read_bytes()
    model.write_bytes(original[: len(original) // 2])
    try:
        with pytest.raises(Exception, match="sha256"):
            promote(root, small, force=True)
        assert live(root) == full
    finally:
        model.write_bytes(original)


def test_promoting_the_live_version_is_refused(registry_root: tuple[Path, str, str]) -> None:
    root, full, _ = registry_root
    with pytest.raises(PromotionRefused, match="already live"):
        promote(root, live(root))
    assert full
