"""Batch scoring: classifies every image of a mini-batch with the AutoML model (it takes base64-encoded images)."""
import base64
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
    images = []
    for path in mini_batch:
        with open(path, "rb") as handle:
            images.append(base64.encodebytes(handle.read()).decode("utf-8"))
    if not images:
        return pd.DataFrame()
    predictions = model.predict(pd.DataFrame({"image": images}))
    predictions["file"] = [os.path.basename(path) for path in mini_batch]
    return predictions
