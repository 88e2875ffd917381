"""Cleans the raw taxi trips and splits them into train (70%), validation (15%) and test (15%) CSV files."""
import argparse
from pathlib import Path

import pandas as pd

from tracking import log_metric

COLUMNS = ["distance", "passengers", "pickup_hour", "pickup_weekday", "vendor", "store_forward", "cost"]


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--raw_data", required=True, help="CSV file (or a folder with one) of raw trips")
    parser.add_argument("--train_data", required=True)
    parser.add_argument("--val_data", required=True)
    parser.add_argument("--test_data", required=True)
    return parser.parse_args()


def read_raw(path):
    source = Path(path)
    if source.is_dir():
        source = sorted(source.glob("*.csv"))[0]
    return pd.read_csv(source)


def main():
    args = parse_args()
    data = read_raw(args.raw_data)[COLUMNS]
    # Trips with no distance or a non-positive fare are recording errors.
    data = data[(data["distance"] > 0) & (data["cost"] > 0)].dropna()
    shuffled = data.sample(frac=1.0, random_state=42).reset_index(drop=True)
    train_end = int(len(shuffled) * 0.7)
    val_end = int(len(shuffled) * 0.85)
    splits = {
        args.train_data: shuffled.iloc[:train_end],
        args.val_data: shuffled.iloc[train_end:val_end],
        args.test_data: shuffled.iloc[val_end:],
    }
    for folder, frame in splits.items():
        Path(folder).mkdir(parents=True, exist_ok=True)
        frame.to_csv(Path(folder) / "data.csv", index=False)
    log_metric("train_rows", train_end)
    log_metric("val_rows", val_end - train_end)
    log_metric("test_rows", len(shuffled) - val_end)


if __name__ == "__main__":
    main()
