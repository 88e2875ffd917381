"""Responsible AI review: a report a person reads before the model may be registered.

It reads the evaluation's metrics and, for tabular data, the error on each group of the sensitive columns, and
writes report.md and review_passed (1 when no group's error exceeds the overall error by more than the allowed
ratio). Registration then also needs a person's approval (the pipeline input approval=approved, set by the CI
approval gate or by hand).
"""
import argparse
import json
from pathlib import Path


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--evaluation_output", default="", help="Folder with metrics.json (and group_errors.json)")
    parser.add_argument("--max_group_error_ratio", type=float, default=1.5)
    parser.add_argument("--review_output", required=True)
    return parser.parse_args()


def main():
    args = parse_args()
    evaluation = Path(args.evaluation_output) if args.evaluation_output else None
    metrics_file = evaluation / "metrics.json" if evaluation else None
    groups_file = evaluation / "group_errors.json" if evaluation else None
    metrics = json.loads(metrics_file.read_text(encoding="utf-8")) if metrics_file and metrics_file.exists() else {}
    groups = json.loads(groups_file.read_text(encoding="utf-8")) if groups_file and groups_file.exists() else {}
    overall = metrics.get("mae")
    lines = ["# Responsible AI review", "", "## Metrics", ""]
    lines += [f"- {name}: {value:.4f}" for name, value in sorted(metrics.items())] or [
        "- The training step's metrics are on the job's Metrics tab in Azure ML studio; review them there."
    ]
    problems = []
    if groups and overall:
        lines += ["", "## Error by group", "", "| column | group | mean absolute error | ratio |", "| --- | --- | --- | --- |"]
        for column, by_group in sorted(groups.items()):
            for group, error in sorted(by_group.items()):
                ratio = error / overall if overall else 0.0
                lines.append(f"| {column} | {group} | {error:.4f} | {ratio:.2f} |")
                if ratio > args.max_group_error_ratio:
                    problems.append(f"{column}={group} has {ratio:.2f}x the overall error")
    lines += ["", "## Findings", ""]
    lines += [f"- {problem}" for problem in problems] or ["- No group's error exceeds the allowed ratio."]
    lines += ["", "A person approves this review before registration: see the README, \"Responsible AI review\"."]
    out = Path(args.review_output)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "review_passed").write_text("0" if problems else "1", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
