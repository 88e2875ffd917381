"""Scores the trained model on the test set and decides whether it is good enough to register (deploy_flag)."""
import argparse
import json
import pickle
from pathlib import Path

import pandas as pd
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from tracking import has_mlflow, log_metric

TARGET = "cost"
# Columns whose groups the Responsible AI review compares.
GROUP_COLUMNS = ["vendor", "passengers"]


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model_input", required=True)
    parser.add_argument("--test_data", required=True)
    parser.add_argument("--min_r2", type=float, default=0.5, help="The least R² a model needs to be registered")
    parser.add_argument("--evaluation_output", required=True)
    return parser.parse_args()


def load_model(folder):
    pickled = Path(folder) / "model.pkl"
    if pickled.exists():
        with open(pickled, "rb") as handle:
            return pickle.load(handle)
    if not has_mlflow():
        raise SystemExit(f"{folder} holds an MLflow model, and MLflow is not installed here.")
    import mlflow.sklearn

    return mlflow.sklearn.load_model(str(folder))


def main():
    args = parse_args()
    test = pd.read_csv(Path(args.test_data) / "data.csv")
    features, actual = test.drop(columns=[TARGET]), test[TARGET]
    predicted = load_model(args.model_input).predict(features)
    metrics = {
        "mae": float(mean_absolute_error(actual, predicted)),
        "rmse": float(mean_squared_error(actual, predicted) ** 0.5),
        "r2": float(r2_score(actual, predicted)),
    }
    for name, value in metrics.items():
        log_metric(f"test_{name}", value)
    errors = (actual - predicted).abs()
    # Each group's error with its row count: the review judges only groups large enough for their mean to mean something.
    group_errors = {
        column: {
            str(group): {"mae": float(errors[test[column] == group].mean()), "rows": int((test[column] == group).sum())}
            for group in sorted(test[column].unique())
        }
        for column in GROUP_COLUMNS
    }
    out = Path(args.evaluation_output)
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    (out / "group_errors.json").write_text(json.dumps(group_errors, indent=2), encoding="utf-8")
    deploy = metrics["r2"] >= args.min_r2
    (out / "deploy_flag").write_text("1" if deploy else "0", encoding="utf-8")
    print(f"R² {metrics['r2']:.3f} {'meets' if deploy else 'is below'} the required {args.min_r2}")


if __name__ == "__main__":
    main()
