"""Checks the labelled images (AutoML JSONL in an MLTable folder) and passes them on as MLTable folders.

Every line must name an image that exists and a label; a label seen in one split only is reported, as AutoML
cannot learn or score it.
"""
import argparse
import json
import shutil
from pathlib import Path

from tracking import log_metric


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--training_data", required=True)
    parser.add_argument("--validation_data", required=True)
    parser.add_argument("--training_output", required=True)
    parser.add_argument("--validation_output", required=True)
    return parser.parse_args()


def check(folder):
    folder = Path(folder)
    labels = set()
    count = 0
    for annotations in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(annotations.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not row.get("label"):
                raise SystemExit(f"{annotations.name}:{number} has no label")
            url = row.get("image_url", "")
            if "://" not in url and not (folder / url).exists():
                raise SystemExit(f"{annotations.name}:{number} names {url}, which is not in the folder")
            labels.add(row["label"])
            count += 1
    return labels, count


def main():
    args = parse_args()
    train_labels, train_count = check(args.training_data)
    validation_labels, validation_count = check(args.validation_data)
    for label in sorted(train_labels ^ validation_labels):
        print(f"Warning: label {label} is in one split only")
    log_metric("training_images", train_count)
    log_metric("validation_images", validation_count)
    log_metric("classes", len(train_labels))
    shutil.copytree(args.training_data, args.training_output, dirs_exist_ok=True)
    shutil.copytree(args.validation_data, args.validation_output, dirs_exist_ok=True)


if __name__ == "__main__":
    main()
