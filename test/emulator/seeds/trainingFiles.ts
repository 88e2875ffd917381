/**
 * The files behind the demo seed's code and data assets, so that a seeded job can be submitted again and
 * run: the training scripts of code asset train-src:1 (Python standard library only, so any `python`
 * runs them) and small versions of the data they read.
 */
import { shapePictures } from './shapeImages';
import type { SeedBlob } from './types';

/** Where train-src:1 keeps its files inside the workspace blobstore container. */
export const TRAINING_CODE_PREFIX = 'LocalUpload/train-src/1';

/** What the scripts share: arguments, the learning curve they report, MLflow logging, saving the model. */
const RUN_HELPERS_PY = `"""Helpers the demo training scripts share."""
import argparse
import json
import math
import os
import ssl
import time
import urllib.request


def base_parser(description, model_dir_flags=("--model-dir",)):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--data", required=True)
    parser.add_argument(*model_dir_flags, dest="model_dir", required=True)
    return parser


def find_file(path, suffix):
    """The data file itself, or the first file with this suffix in a data folder."""
    if os.path.isfile(path):
        return path
    for root, _dirs, files in os.walk(path):
        for name in sorted(files):
            if name.endswith(suffix):
                return os.path.join(root, name)
    raise SystemExit("No *" + suffix + " file found in " + path)


def learning_curve(learning_rate, best_rate, epochs, loss, accuracy):
    """(loss, accuracy) per epoch: rates further from best_rate close less of the gap to the best result."""
    reach = 1 / (1 + abs(math.log10(learning_rate / best_rate)))
    points = []
    for epoch in range(epochs):
        progress = 1.0 if epochs == 1 else (1 - math.exp(-3 * epoch / (epochs - 1))) / (1 - math.exp(-3))
        points.append(
            (
                round(loss[0] - (loss[0] - loss[1]) * reach * progress, 4),
                round(accuracy[0] + (accuracy[1] - accuracy[0]) * reach * progress, 4),
            )
        )
    return points


def _tls_context():
    cafile = os.environ.get("MLFLOW_TRACKING_SERVER_CERT_PATH")
    if cafile:
        return ssl.create_default_context(cafile=cafile)
    if os.environ.get("MLFLOW_TRACKING_INSECURE_TLS") == "true":
        return ssl._create_unverified_context()
    return ssl.create_default_context()


def _post(route, body):
    uri = os.environ.get("MLFLOW_TRACKING_URI", "")
    run_id = os.environ.get("MLFLOW_RUN_ID", "")
    if not uri.startswith("http") or not run_id:
        return
    request = urllib.request.Request(
        uri + "/api/2.0/mlflow/runs/" + route,
        data=json.dumps(dict(body, run_id=run_id)).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": "Bearer " + os.environ.get("MLFLOW_TRACKING_TOKEN", ""),
        },
    )
    try:
        urllib.request.urlopen(request, context=_tls_context(), timeout=5).read()
    except Exception as error:  # a metric that cannot be logged must not fail the training
        print("could not log to MLflow:", error, flush=True)


def log_param(key, value):
    _post("log-parameter", {"key": key, "value": str(value)})


def log_metric(key, value, step):
    _post("log-metric", {"key": key, "value": value, "step": step, "timestamp": int(time.time() * 1000)})


def train(args, best_rate, loss, accuracy):
    """Reports one epoch at a time, as the real scripts do; returns the final accuracy."""
    log_param("learning_rate", args.learning_rate)
    log_param("epochs", args.epochs)
    print("Starting training with learning rate", args.learning_rate, flush=True)
    final_accuracy = accuracy[0]
    for epoch, (epoch_loss, epoch_accuracy) in enumerate(
        learning_curve(args.learning_rate, best_rate, args.epochs, loss, accuracy)
    ):
        print("epoch %d/%d loss=%s accuracy=%s" % (epoch + 1, args.epochs, epoch_loss, epoch_accuracy), flush=True)
        log_metric("loss", epoch_loss, epoch)
        log_metric("accuracy", epoch_accuracy, epoch)
        final_accuracy = epoch_accuracy
        time.sleep(0.1)
    return final_accuracy


def save_model(model_dir, description):
    os.makedirs(model_dir, exist_ok=True)
    with open(os.path.join(model_dir, "model.json"), "w") as model_file:
        json.dump(description, model_file, indent=2)
    print("Training complete, model saved to", model_dir, flush=True)
`;

const TRAIN_PY = `"""Trains the iris classifier (an MLP, as in the demo's experiments) on a CSV of measurements."""
import csv

import run_helpers

parser = run_helpers.base_parser(__doc__, ("--model-dir", "--model"))
args = parser.parse_args()

with open(run_helpers.find_file(args.data, ".csv"), newline="") as data_file:
    rows = list(csv.DictReader(data_file))
species = sorted({row["species"] for row in rows})
print("Read %d rows of %d species" % (len(rows), len(species)), flush=True)

accuracy = run_helpers.train(args, best_rate=0.03, loss=(0.92, 0.11), accuracy=(0.7, 0.9667))
run_helpers.save_model(
    args.model_dir,
    {"framework": "sklearn", "estimator": "MLPClassifier", "classes": species, "accuracy": accuracy},
)
`;

const TRAIN_IMAGE_PY = `"""Fine-tunes an image classifier on a folder of labelled flower photos (its labels.csv manifest)."""
import collections
import csv

import run_helpers

parser = run_helpers.base_parser(__doc__)
parser.add_argument("--model", default="resnet50")
parser.add_argument("--batch-size", type=int, default=32)
args = parser.parse_args()

with open(run_helpers.find_file(args.data, ".csv"), newline="") as manifest:
    labels = collections.Counter(row["label"] for row in csv.DictReader(manifest))
print("Found %d images in %d classes" % (sum(labels.values()), len(labels)), flush=True)

accuracy = run_helpers.train(args, best_rate=0.003, loss=(1.31, 0.22), accuracy=(0.62, 0.9312))
run_helpers.save_model(
    args.model_dir,
    {"framework": "pytorch", "architecture": args.model, "classes": sorted(labels), "accuracy": accuracy},
)
`;

const TRAIN_TEXT_PY = `"""Fine-tunes a text classifier on customer reviews (JSON lines with text and label)."""
import collections
import json

import run_helpers

parser = run_helpers.base_parser(__doc__)
parser.add_argument("--model", default="bert-base-uncased")
parser.add_argument("--max-seq-length", type=int, default=128)
parser.add_argument("--batch-size", type=int, default=16)
args = parser.parse_args()

with open(run_helpers.find_file(args.data, ".jsonl")) as reviews:
    labels = collections.Counter(json.loads(line)["label"] for line in reviews if line.strip())
print("Read %d reviews: %s" % (sum(labels.values()), dict(labels)), flush=True)

accuracy = run_helpers.train(args, best_rate=3e-5, loss=(0.34, 0.17), accuracy=(0.8712, 0.9358))
run_helpers.save_model(
    args.model_dir,
    {"framework": "pytorch", "library": "transformers", "base": args.model, "accuracy": accuracy},
)
`;

const PREP_PY = `"""Cleans the iris measurements and splits them into training and test rows."""
import argparse
import csv
import os

import run_helpers

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--data", required=True)
parser.add_argument("--out", required=True)
args = parser.parse_args()

with open(run_helpers.find_file(args.data, ".csv"), newline="") as data_file:
    reader = csv.DictReader(data_file)
    fields = reader.fieldnames
    rows = [row for row in reader if all(value != "" for value in row.values())]
print("Read %d rows with no missing values" % len(rows), flush=True)
os.makedirs(args.out, exist_ok=True)
for name, part in (("train.csv", rows[0::5] + rows[1::5] + rows[2::5] + rows[3::5]), ("test.csv", rows[4::5])):
    with open(os.path.join(args.out, name), "w", newline="") as out_file:
        writer = csv.DictWriter(out_file, fieldnames=fields)
        writer.writeheader()
        writer.writerows(part)
    print("Wrote %d rows to %s" % (len(part), name), flush=True)
`;

const EVALUATE_PY = `"""Scores a trained model on the test rows."""
import argparse
import csv
import json
import os

import run_helpers

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--model", required=True)
parser.add_argument("--data", required=True)
parser.add_argument("--out", required=True)
args = parser.parse_args()

with open(run_helpers.find_file(args.model, ".json")) as model_file:
    model = json.load(model_file)
with open(run_helpers.find_file(args.data, ".csv"), newline="") as data_file:
    rows = list(csv.DictReader(data_file))
accuracy = model.get("accuracy", 0)
print("Scored %d test rows" % len(rows), flush=True)
print("accuracy=%s" % accuracy, flush=True)
run_helpers.log_metric("accuracy", accuracy, 0)
os.makedirs(args.out, exist_ok=True)
with open(os.path.join(args.out, "metrics.json"), "w") as out_file:
    json.dump({"accuracy": accuracy, "rows": len(rows)}, out_file)
`;

/** File name → content of code asset train-src:1. */
export const TRAINING_SCRIPTS: Readonly<Record<string, string>> = {
  'run_helpers.py': RUN_HELPERS_PY,
  'train.py': TRAIN_PY,
  'train_image.py': TRAIN_IMAGE_PY,
  'train_text.py': TRAIN_TEXT_PY,
  'prep.py': PREP_PY,
  'evaluate.py': EVALUATE_PY,
};

/** Class centres of the iris measurements (sepal length, sepal width, petal length, petal width, in cm). */
const IRIS_SPECIES: Array<[string, number[]]> = [
  ['setosa', [5.0, 3.4, 1.5, 0.2]],
  ['versicolor', [5.9, 2.8, 4.3, 1.3]],
  ['virginica', [6.6, 3.0, 5.6, 2.0]],
];

/** 150 rows, 50 per species, spread around each species' centre the same way every time. */
function irisCsv(): string {
  const lines = ['sepal_length,sepal_width,petal_length,petal_width,species'];
  for (const [species, centre] of IRIS_SPECIES) {
    for (let row = 0; row < 50; row++) {
      const values = centre.map((mean, column) => {
        const offset = ((((row * 7 + column * 13) % 11) - 5) / 5) * 0.1 * mean;
        return Math.max(0.1, mean + offset).toFixed(1);
      });
      lines.push(`${values.join(',')},${species}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const FLOWER_CLASSES = ['daisy', 'dandelion', 'rose', 'sunflower', 'tulip'];

/** The manifest of a flower-images version: one row per photo with its class. */
function flowerLabelsCsv(version: number): string {
  const perClass = 6 + version * 2;
  const lines = ['image,label'];
  for (const label of FLOWER_CLASSES) {
    for (let n = 1; n <= perClass; n++) lines.push(`${label}/${label}_${String(n).padStart(4, '0')}.jpg,${label}`);
  }
  return `${lines.join('\n')}\n`;
}

const REVIEWS: Array<[string, 'positive' | 'negative']> = [
  ['Arrived quickly and works exactly as described.', 'positive'],
  ['Battery life is far shorter than advertised.', 'negative'],
  ['Great value for the price, would buy again.', 'positive'],
  ['Stopped working after two weeks.', 'negative'],
  ['The setup took five minutes and the app is clear.', 'positive'],
  ['Customer service never answered my emails.', 'negative'],
  ['Solid build quality and a nice finish.', 'positive'],
  ['The colour looks nothing like the photos.', 'negative'],
  ['Quiet, fast and easy to clean.', 'positive'],
  ['Instructions were missing from the box.', 'negative'],
];

/** A customer-reviews export: JSON lines of text and sentiment label; later exports have more rows. */
function reviewsJsonl(version: number): string {
  const rows = REVIEWS.slice(0, 6 + version * 2);
  return `${rows.map(([text, label]) => JSON.stringify({ text, label })).join('\n')}\n`;
}

/** Every file the demo seed's code and data assets point at, in the workspace blobstore container. */
export function demoBlobs(containerName: string): SeedBlob[] {
  const blobs: SeedBlob[] = Object.entries(TRAINING_SCRIPTS).map(([file, content]) => ({
    containerName,
    blobPath: `${TRAINING_CODE_PREFIX}/${file}`,
    content,
  }));
  for (const version of [1, 2, 3]) {
    blobs.push({ containerName, blobPath: `demo/iris/v${version}/iris.csv`, content: irisCsv() });
  }
  for (const version of [1, 2]) {
    blobs.push({ containerName, blobPath: `demo/flowers/v${version}/labels.csv`, content: flowerLabelsCsv(version) });
    blobs.push({ containerName, blobPath: `demo/reviews/v${version}/reviews.jsonl`, content: reviewsJsonl(version) });
  }
  // Pictures to label: a plain folder of them, and an MLTable that names the pictures of its images/ folder.
  for (const [name, content] of shapePictures(SHAPE_PICTURES)) {
    blobs.push({ containerName, blobPath: `${SHAPE_IMAGES_PATH}/${name}`, content });
    blobs.push({ containerName, blobPath: `${SHAPE_TABLE_PATH}/images/${name}`, content });
  }
  blobs.push({ containerName, blobPath: `${SHAPE_TABLE_PATH}/MLTable`, content: SHAPE_TABLE_MLTABLE });
  blobs.push({
    containerName,
    blobPath: `${SHAPE_TABLE_PATH}/images/README.txt`,
    content: 'Pictures of circles, squares and triangles.\n',
  });
  return blobs;
}

/** How many pictures each shapes asset holds. */
export const SHAPE_PICTURES = 6;
/** Where the `shape-images` uri_folder and `shape-table` mltable assets keep their files. */
export const SHAPE_IMAGES_PATH = 'demo/shapes/v1';
export const SHAPE_TABLE_PATH = 'demo/shape-table/v1';
const SHAPE_TABLE_MLTABLE = ['paths:', '  - pattern: ./images/*.png', ''].join('\n');
