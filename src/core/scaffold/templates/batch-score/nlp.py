"""Batch scoring: runs the AutoML text model on the text column of every CSV file of a mini-batch."""
import glob
import os

import mlflow.pyfunc
import pandas as pd

model = None


def init():
    global model
    folder = glob.glob(os.path.join(os.environ["AZUREML_MODEL_DIR"], "*"))[0]
    model = mlflow.pyfunc.load_model(folder)


def run(mini_batch):
    results = []
    for path in mini_batch:
        frame = pd.read_csv(path)
        frame["prediction"] = list(model.predict(frame[["text"]]))
        frame["file"] = os.path.basename(path)
        results.append(frame)
    return pd.concat(results) if results else pd.DataFrame()
