"""Checks the labelled tokens (CoNLL: one "token label" pair a line, a blank line between sentences) and passes them on.

The files are the ones the MLTable names (a labeling export's train.txt, say); each is checked as AutoML checks
CoNLL: exactly one space in a line, and tags O, B-<label> or I-<label>.
"""
import argparse
import re

from mltable_data import copy_table, data_files
from tracking import log_metric

TAG = re.compile(r"^(O|[BI]-\S+)$")


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--training_data", required=True)
    parser.add_argument("--validation_data", required=True)
    parser.add_argument("--training_output", required=True)
    parser.add_argument("--validation_output", required=True)
    return parser.parse_args()


def check(folder):
    files = data_files(folder, ".txt")
    sentences, labels = 0, set()
    for path in files:
        in_sentence = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                sentences += in_sentence
                in_sentence = False
                continue
            parts = line.split(" ")
            if len(parts) != 2:
                raise SystemExit(f"{path.name}:{number} must be a token and its label separated by one space")
            if not TAG.match(parts[1]):
                raise SystemExit(f"{path.name}:{number} has the tag {parts[1]}; tags are O, B-<label> or I-<label>")
            labels.add(parts[1])
            in_sentence = True
        sentences += in_sentence
    if sentences == 0:
        raise SystemExit(f"{folder} has no sentences: label some text, or export with a validation share above 0")
    return files, sentences, labels


def main():
    args = parse_args()
    train_files, train_sentences, labels = check(args.training_data)
    validation_files, validation_sentences, _ = check(args.validation_data)
    log_metric("training_sentences", train_sentences)
    log_metric("validation_sentences", validation_sentences)
    log_metric("labels", len(labels))
    copy_table(args.training_data, args.training_output, train_files)
    copy_table(args.validation_data, args.validation_output, validation_files)


if __name__ == "__main__":
    main()
