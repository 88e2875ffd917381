"""Metrics and parameters through MLflow when it is installed, else printed and kept in a JSON file.

On Azure ML (and in the VS Code extension's local runs) MLflow finds its run from MLFLOW_RUN_ID and
MLFLOW_TRACKING_URI. Without MLflow the scripts still run: values are printed and written to
tracking.json in the current step's folder given by TRACKING_FILE, or the working directory.
"""
import json
import os

try:
    import mlflow
except ImportError:  # The step still runs; see the README ("Without MLflow").
    mlflow = None


def _record(kind, name, value):
    path = os.environ.get("TRACKING_FILE", "tracking.json")
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        data = {}
    data.setdefault(kind, {})[name] = value
    try:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
    except OSError:
        pass


def log_metric(name, value):
    print(f"metric {name} = {value}")
    if mlflow is not None:
        mlflow.log_metric(name, float(value))
    else:
        _record("metrics", name, float(value))


def log_param(name, value):
    print(f"param {name} = {value}")
    if mlflow is not None:
        mlflow.log_param(name, value)
    else:
        _record("params", name, value)


def has_mlflow():
    return mlflow is not None
