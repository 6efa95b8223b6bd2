"""Locates the data files shipped inside the package, so training and serving read the same copies."""

from pathlib import Path

RESOURCES = Path(__file__).parent / "resources"


def resource(*parts: str) -> Path:
    return RESOURCES.joinpath(*parts)


def lexicons_sha256() -> str:
    """One digest of the danger and factor lexicons: a model's features depend on them, so its
    manifest records the digest they were trained with."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted([*resource("danger").glob("*.lex"), *resource("factors").glob("*.lex")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
