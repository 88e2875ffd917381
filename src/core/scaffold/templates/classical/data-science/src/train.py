"""Trains a random forest that predicts the taxi fare, and saves it as an MLflow model (or a pickle without MLflow)."""
import argparse
import pickle
from pathlib import Path

import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_absolute_error, r2_score

from tracking import has_mlflow, log_metric, log_param

TARGET = "cost"


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train_data", required=True)
    parser.add_argument("--val_data", required=True)
    parser.add_argument("--n_estimators", type=int, default=100)
    parser.add_argument("--max_depth", type=int, default=10)
    parser.add_argument("--model_output", required=True)
    return parser.parse_args()


def split(folder):
    frame = pd.read_csv(Path(folder) / "data.csv")
    return frame.drop(columns=[TARGET]), frame[TARGET]


def save_model(model, folder, example):
    out = Path(folder)
    if has_mlflow():
        import mlflow.sklearn

        # save_model wants to create the folder itself.
        if out.exists() and not any(out.iterdir()):
            out.rmdir()
        mlflow.sklearn.save_model(model, str(out), input_example=example)
    else:
        out.mkdir(parents=True, exist_ok=True)
        with open(out / "model.pkl", "wb") as handle:
            pickle.dump(model, handle)


def main():
    args = parse_args()
    x_train, y_train = split(args.train_data)
    x_val, y_val = split(args.val_data)
    log_param("n_estimators", args.n_estimators)
    log_param("max_depth", args.max_depth)
    model = RandomForestRegressor(n_estimators=args.n_estimators, max_depth=args.max_depth, random_state=0)
    model.fit(x_train, y_train)
    predictions = model.predict(x_val)
    log_metric("val_mae", mean_absolute_error(y_val, predictions))
    log_metric("val_r2", r2_score(y_val, predictions))
    save_model(model, args.model_output, x_train.head(2))


if __name__ == "__main__":
    main()
