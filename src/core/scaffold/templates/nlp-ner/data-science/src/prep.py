"""Checks the labelled tokens (CoNLL: one "token label" pair a line, a blank line between sentences) and passes them on."""
import argparse
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
    sentences, labels = 0, set()
    for path in sorted(Path(folder).glob("*.txt")):
        in_sentence = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                sentences += in_sentence
                in_sentence = False
                continue
            parts = line.split(" ")
            if len(parts) != 2:
                raise SystemExit(f"{path.name}:{number} must be a token and its label separated by one space")
            labels.add(parts[1])
            in_sentence = True
        sentences += in_sentence
    if sentences == 0:
        raise SystemExit(f"{folder} has no sentences")
    return sentences, labels


def main():
    args = parse_args()
    train_sentences, labels = check(args.training_data)
    validation_sentences, _ = check(args.validation_data)
    log_metric("training_sentences", train_sentences)
    log_metric("validation_sentences", validation_sentences)
    log_metric("labels", len(labels))
    shutil.copytree(args.training_data, args.training_output, dirs_exist_ok=True)
    shutil.copytree(args.validation_data, args.validation_output, dirs_exist_ok=True)


if __name__ == "__main__":
    main()
