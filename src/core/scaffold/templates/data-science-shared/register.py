"""Registers the trained model as a candidate and writes its name and version to model_info.json.

The deployment workflows take that name and version (the outer loop): CI reads model_info.json from this step's
output, and the VS Code extension reads it from the local run's outputs. Without MLflow nothing can be registered;
model_info.json then says why, with "registered": false.
"""
import argparse
import json
import os
from pathlib import Path

from tracking import has_mlflow, log_metric

CANDIDATE_TAG = ("stage", "candidate")


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model_name", required=True, help="Name the model is registered under")
    parser.add_argument("--model_path", required=True, help="Folder of the trained model (an MLflow model)")
    parser.add_argument("--evaluation_output", default="", help="Folder with deploy_flag from the evaluation step")
    parser.add_argument("--review_output", default="", help="Folder with the Responsible AI review, when there is one")
    parser.add_argument("--approval", default="approved", help="'approved' once a person approved the review")
    parser.add_argument("--model_info_output_path", required=True, help="Folder for model_info.json")
    return parser.parse_args()


def read_flag(folder, name, default):
    if not folder:
        return default
    try:
        return (Path(folder) / name).read_text(encoding="utf-8").strip()
    except OSError:
        return default


def decide(args):
    """Why the model is not registered, or None when it may be."""
    if read_flag(args.evaluation_output, "deploy_flag", "1") != "1":
        return "the evaluation found it no better than required (deploy_flag is 0)"
    if args.review_output:
        if read_flag(args.review_output, "review_passed", "0") != "1":
            return "the Responsible AI review found problems; see its report"
        if args.approval != "approved":
            return "the Responsible AI review awaits a person's approval (run again with approval=approved)"
    if not has_mlflow():
        return "MLflow is not installed here; the model was trained and evaluated but not registered"
    return None


def register(args):
    import mlflow

    model_dir = Path(args.model_path)
    with mlflow.start_run(nested=mlflow.active_run() is not None):
        mlflow.log_artifacts(str(model_dir), artifact_path=args.model_name)
        run_id = mlflow.active_run().info.run_id
    result = mlflow.register_model(f"runs:/{run_id}/{args.model_name}", args.model_name, tags=dict([CANDIDATE_TAG]))
    return str(result.version)


def main():
    args = parse_args()
    reason = decide(args)
    info = {"name": args.model_name, "version": None, "registered": False, CANDIDATE_TAG[0]: CANDIDATE_TAG[1]}
    if reason is None:
        try:
            info["version"] = register(args)
            info["registered"] = True
            info["id"] = f"{args.model_name}:{info['version']}"
        except Exception as error:  # A tracking store that cannot register models (a local file store, say).
            reason = f"registration failed: {error}"
    if reason:
        info["reason"] = reason
        print(f"Model {args.model_name} not registered: {reason}")
    else:
        print(f"Registered candidate model {info['id']}")
    log_metric("registered", 1 if info["registered"] else 0)
    os.makedirs(args.model_info_output_path, exist_ok=True)
    with open(Path(args.model_info_output_path) / "model_info.json", "w", encoding="utf-8") as handle:
        json.dump(info, handle, indent=2)


if __name__ == "__main__":
    main()
