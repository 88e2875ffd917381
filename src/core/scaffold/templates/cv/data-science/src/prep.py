"""Checks the labelled images (AutoML JSON Lines in an MLTable folder) and passes them on as MLTable folders.

The JSON Lines files are the ones the MLTable names (a labeling export's train_annotations.jsonl, say). Every line
must name a label and an image that exists; a relative image_url is read from the MLTable folder, as AutoML reads
it. An image outside the folder (a labeling export points at the images where they are) is copied into the output,
so the output is whole wherever it is read. A label seen in one split only is reported: AutoML cannot learn or
score it.
"""
import argparse
import hashlib
import json
import shutil
from pathlib import Path

from mltable_data import data_files
from tracking import log_metric


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--training_data", required=True)
    parser.add_argument("--validation_data", required=True)
    parser.add_argument("--training_output", required=True)
    parser.add_argument("--validation_output", required=True)
    return parser.parse_args()


def labels_of(value):
    """The class names of a line: a name (multi-class), names (multi-label), or objects with a label (boxes, polygons)."""
    if isinstance(value, str):
        return {value} if value else set()
    if isinstance(value, list):
        return {item.get("label", "") if isinstance(item, dict) else str(item) for item in value} - {""}
    return set()


def read_split(folder):
    """Each line as (file name, line), and the labels; stops at the first line AutoML would refuse."""
    folder = Path(folder)
    rows, labels = [], set()
    for annotations in data_files(folder, ".jsonl"):
        for number, line in enumerate(annotations.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            found = labels_of(row.get("label"))
            if not found:
                raise SystemExit(f"{annotations.name}:{number} has no label")
            url = row.get("image_url", "")
            if "://" not in url and not (folder / url).is_file():
                raise SystemExit(f"{annotations.name}:{number} names {url}, which is not there (relative to {folder})")
            rows.append((annotations.relative_to(folder), row))
            labels |= found
    if not rows:
        raise SystemExit(f"{folder} has no labelled images: label some, or export with a validation share above 0")
    return rows, labels


def write_split(source, rows, target):
    """The MLTable and its JSON Lines in `target`, with every local image inside it."""
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    if (source / "MLTable").exists():
        shutil.copy2(source / "MLTable", target / "MLTable")
    lines = {}
    for name, row in rows:
        url = row["image_url"]
        if "://" not in url:
            image = (source / url).resolve()
            try:
                inside = image.relative_to(source.resolve())
            except ValueError:
                # Outside the folder: copied under images/, named so two images of one name stay apart.
                digest = hashlib.sha1(str(image).encode("utf-8")).hexdigest()[:10]
                inside = Path("images") / f"{digest}-{image.name}"
            (target / inside).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(image, target / inside)
            row = {**row, "image_url": inside.as_posix()}
        lines.setdefault(name, []).append(json.dumps(row))
    for name, written in lines.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text("\n".join(written) + "\n", encoding="utf-8")


def main():
    args = parse_args()
    train_rows, train_labels = read_split(args.training_data)
    validation_rows, validation_labels = read_split(args.validation_data)
    for label in sorted(train_labels ^ validation_labels):
        print(f"Warning: label {label} is in one split only")
    log_metric("training_images", len(train_rows))
    log_metric("validation_images", len(validation_rows))
    log_metric("classes", len(train_labels))
    write_split(args.training_data, train_rows, args.training_output)
    write_split(args.validation_data, validation_rows, args.validation_output)


if __name__ == "__main__":
    main()
