"""Responsible AI review: a report a person reads before the model may be registered.

It reads the evaluation's metrics and, for tabular data, the error on each group of the sensitive columns, and
writes report.md and review_passed (1 when no group's error exceeds the overall error by more than the allowed
ratio). A group with fewer rows than --min_group_rows is listed but not judged: the mean error of a handful of
rows says more about those rows than about the group. Registration then also needs a person's approval (the
pipeline input approval=approved, set by the CI approval gate or by hand).
"""
import argparse
import json
from pathlib import Path


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--evaluation_output", default="", help="Folder with metrics.json (and group_errors.json)")
    parser.add_argument("--max_group_error_ratio", type=float, default=1.5)
    parser.add_argument("--min_group_rows", type=int, default=10, help="Fewer test rows than this: not judged")
    parser.add_argument("--review_output", required=True)
    return parser.parse_args()


def group_entry(value):
    """(error, rows) of a group; rows is None in a file from before row counts were written."""
    if isinstance(value, dict):
        return float(value["mae"]), int(value["rows"])
    return float(value), None


def review_groups(groups, overall, max_ratio, min_rows):
    """The table's rows, the groups over the allowed ratio, and the groups too small to judge."""
    table, problems, too_small = [], [], []
    for column, by_group in sorted(groups.items()):
        for group, value in sorted(by_group.items()):
            error, rows = group_entry(value)
            ratio = error / overall if overall else 0.0
            shown_rows = "?" if rows is None else str(rows)
            if rows is not None and rows < min_rows:
                table.append(f"| {column} | {group} | {shown_rows} | {error:.4f} | {ratio:.2f} | too few rows to judge |")
                too_small.append(f"{column}={group} has {rows} test rows, fewer than the {min_rows} needed to judge it")
                continue
            verdict = "over the allowed ratio" if ratio > max_ratio else "ok"
            table.append(f"| {column} | {group} | {shown_rows} | {error:.4f} | {ratio:.2f} | {verdict} |")
            if ratio > max_ratio:
                problems.append(f"{column}={group} has {ratio:.2f}x the overall error (at most {max_ratio:.2f}x allowed)")
    return table, problems, too_small


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
    problems, too_small = [], []
    if groups and overall:
        table, problems, too_small = review_groups(groups, overall, args.max_group_error_ratio, args.min_group_rows)
        lines += ["", "## Error by group", ""]
        lines += ["| column | group | test rows | mean absolute error | ratio | verdict |", "| --- | --- | --- | --- | --- | --- |"]
        lines += table
        if len(too_small) == len(table):
            problems.append(
                f"no group has the {args.min_group_rows} test rows needed to judge it: evaluate on more data, "
                "or lower --min_group_rows knowing the comparison is then noise"
            )
    lines += ["", "## Findings", ""]
    lines += [f"- {problem}" for problem in problems] or ["- No group's error exceeds the allowed ratio."]
    if too_small:
        lines += ["", "Not judged, too small (more test data would let the review compare them):", ""]
        lines += [f"- {note}" for note in too_small]
    lines += ["", "A person approves this review before registration: see the README, \"Responsible AI review\"."]
    out = Path(args.review_output)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "review_passed").write_text("0" if problems else "1", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
