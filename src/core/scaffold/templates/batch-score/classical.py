"""Batch scoring: predicts the fare of every trip in each CSV file of a mini-batch."""
import glob
import os

import mlflow.pyfunc
import pandas as pd

model = None


def init():
    global model
    # AZUREML_MODEL_DIR is the registered model's folder; the MLflow model is the one folder inside it.
    folder = glob.glob(os.path.join(os.environ["AZUREML_MODEL_DIR"], "*"))[0]
    model = mlflow.pyfunc.load_model(folder)


def run(mini_batch):
    results = []
    for path in mini_batch:
        frame = pd.read_csv(path)
        frame["predicted_cost"] = model.predict(frame)
        frame["file"] = os.path.basename(path)
        results.append(frame)
    return pd.concat(results) if results else pd.DataFrame()
