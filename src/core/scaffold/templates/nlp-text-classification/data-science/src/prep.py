"""Checks the labelled text (CSV with a text and a labels column in an MLTable folder) and passes it on.

The CSV files are the ones the MLTable names (a labeling export's train_data.csv, say); the labels column is the
AutoML job's target_column_name in mlops/azureml/train/pipeline.yml.
"""
import argparse
import re

import pandas as pd

from mltable_data import copy_table, data_files
from tracking import log_metric

TEXT_COLUMN = "text"
LABEL_COLUMN = "labels"
# A multi-label export writes each row's labels as a Python list: ['a','b'].
LIST_OF_LABELS = re.compile(r"^\s*\[.*\]\s*$")


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--training_data", required=True)
    parser.add_argument("--validation_data", required=True)
    parser.add_argument("--training_output", required=True)
    parser.add_argument("--validation_output", required=True)
    return parser.parse_args()


def check(folder):
    files = data_files(folder, ".csv")
    if not files:
        raise SystemExit(f"{folder} has no CSV file")
    data = pd.concat([pd.read_csv(path, dtype=str, keep_default_na=False) for path in files])
    missing = {TEXT_COLUMN, LABEL_COLUMN} - set(data.columns)
    if missing:
        raise SystemExit(
            f"{folder} lacks the column(s) {', '.join(sorted(missing))}; it has {', '.join(data.columns)}. "
            f"The label column is target_column_name in mlops/azureml/train/pipeline.yml."
        )
    if data.empty:
        raise SystemExit(f"{folder} has no rows: label some text, or export with a validation share above 0")
    empty = data[TEXT_COLUMN].str.strip() == ""
    if empty.any():
        raise SystemExit(f"{folder} has {int(empty.sum())} row(s) without text")
    unlabelled = data[LABEL_COLUMN].str.strip() == ""
    if unlabelled.any():
        raise SystemExit(f"{folder} has {int(unlabelled.sum())} row(s) without a label")
    if data[LABEL_COLUMN].str.match(LIST_OF_LABELS).any():
        raise SystemExit(
            f"{folder} has several labels per row (multi-label). Set task: text_classification_multilabel "
            "for train_model in mlops/azureml/train/pipeline.yml."
        )
    return files, data


def main():
    args = parse_args()
    train_files, train = check(args.training_data)
    validation_files, validation = check(args.validation_data)
    log_metric("training_rows", len(train))
    log_metric("validation_rows", len(validation))
    log_metric("classes", train[LABEL_COLUMN].nunique())
    copy_table(args.training_data, args.training_output, train_files)
    copy_table(args.validation_data, args.validation_output, validation_files)


if __name__ == "__main__":
    main()
