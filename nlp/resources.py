"""Locates the data files shipped inside the package, so training and serving read the same copies."""

from pathlib import Path

RESOURCES = Path(__file__).parent / "resources"


def resource(*parts: str) -> Path:
    return RESOURCES.joinpath(*parts)
