"""Checks the labelled text (CSV with text and label columns in an MLTable folder) and passes it on."""
import argparse
import shutil
from pathlib import Path

import pandas as pd

from tracking import log_metric


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--training_data", required=True)
    parser.add_argument("--validation_data", required=True)
    parser.add_argument("--training_output", required=True)
    parser.add_argument("--validation_output", required=True)
    return parser.parse_args()


def check(folder):
    frames = [pd.read_csv(path) for path in sorted(Path(folder).glob("*.csv"))]
    if not frames:
        raise SystemExit(f"{folder} has no CSV file")
    data = pd.concat(frames)
    missing = {"text", "label"} - set(data.columns)
    if missing:
        raise SystemExit(f"{folder} lacks the column(s) {', '.join(sorted(missing))}")
    empty = data["text"].isna() | (data["text"].astype(str).str.strip() == "")
    if empty.any():
        raise SystemExit(f"{folder} has {int(empty.sum())} row(s) without text")
    return data


def main():
    args = parse_args()
    train = check(args.training_data)
    validation = check(args.validation_data)
    log_metric("training_rows", len(train))
    log_metric("validation_rows", len(validation))
    log_metric("classes", train["label"].nunique())
    shutil.copytree(args.training_data, args.training_output, dirs_exist_ok=True)
    shutil.copytree(args.validation_data, args.validation_output, dirs_exist_ok=True)


if __name__ == "__main__":
    main()
