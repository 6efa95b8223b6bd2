"""Writes an evaluation report: Markdown tables plus PNG confusion matrices and reliability diagrams."""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers or CI
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from training.metrics import LABELS  # noqa: E402


def _confusion_png(matrix: list[list[int]], labels: list[str], title: str, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(4.2, 3.6), dpi=110)
    data = np.asarray(matrix)
    ax.imshow(data, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    for i in range(len(labels)):
        for j in range(len(labels)):
            color = "white" if data[i, j] > data.max() / 2 else "black"
            ax.text(j, i, str(data[i, j]), ha="center", va="center", color=color, fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _reliability_png(metrics: dict[str, Any], path: Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.6), dpi=110)
    for ax, axis in zip(axes, LABELS, strict=True):
        bins = metrics[axis]["reliability"]
        centers = [b["confidence"] for b in bins if b["count"]]
        accuracy = [b["accuracy"] for b in bins if b["count"]]
        ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
        ax.plot(centers, accuracy, marker="o")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("confidence")
        ax.set_ylabel("accuracy")
        ax.set_title(f"{axis}: ECE {metrics[axis]['ece']:.3f}")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _per_class_md(m: dict[str, Any]) -> list[str]:
    lines = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label, row in m["per_class"].items():
        cells = [f"{row[k]:.3f}" for k in ("precision", "recall", "f1-score")]
        lines.append(f"| {label} | {' | '.join(cells)} | {int(row['support'])} |")
    return lines


def summary_rows(name: str, m: dict[str, Any]) -> str:
    high = m["urgency"]["per_class"]["high"]
    kept = m["accuracy_not_reviewed"]
    return (
        f"| {name} | {m['n']} | {m['type']['accuracy']:.3f} | {m['type']['macro_f1']:.3f} | {m['type']['ece']:.3f} "
        f"| {m['urgency']['accuracy']:.3f} | {m['urgency']['macro_f1']:.3f} | {high['recall']:.3f} "
        f"| {high['precision']:.3f} | {m['high_called_low']} | {m['review_rate']:.3f} "
        f"| {'–' if kept is None else f'{kept:.3f}'} |"
    )


SUMMARY_HEADER = [
    "| set | n | type acc | type macro-F1 | type ECE | urgency acc | urgency macro-F1 | high recall "
    "| high precision | high→low | review rate | acc. not reviewed |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
]


def write(out: Path, title: str, sets: dict[str, dict[str, Any]], preamble: list[str]) -> Path:
    """One report over several scored sets; figures go beside it as <set>-<figure>.png."""
    out.mkdir(parents=True, exist_ok=True)
    lines = [f"# {title}", "", *preamble, "", *SUMMARY_HEADER]
    lines += [summary_rows(name, m) for name, m in sets.items()]
    lines += [
        "",
        "`acc. not reviewed` counts a prediction right only when both its type and its urgency are right.",
        "ECE: expected calibration error over ten equal-width confidence bins.",
    ]
    for name, m in sets.items():
        lines += ["", f"## {name}"]
        for axis, labels in LABELS.items():
            png = f"{name}-confusion-{axis}.png"
            _confusion_png(m[axis]["confusion"], labels, f"{name}: {axis}", out / png)
            lines += ["", f"### {axis}", "", *_per_class_md(m[axis]), "", f"![{axis} confusion]({png})"]
        png = f"{name}-reliability.png"
        _reliability_png(m, out / png)
        lines += ["", "### calibration", "", f"![reliability]({png})"]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
