"""
Drives the Azure ML emulator with Microsoft's own Python client, azure-ai-ml 1.4.0 (Debian's python3-azure),
the way a user would: sign in with a service principal, list, submit and stream a command job, submit it
again, register a model and a data asset.

    python3 aml_client_check.py CONNECTION_JSON

CONNECTION_JSON is the emulator's connection.json. Prints one line per step, `PASS <step>: ...` or
`FAIL <step>: ...`, and exits non-zero at the first failure.
"""

import contextlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
import traceback
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
# Keeps the stand-in module from leaving __pycache__ folders in the repository.
sys.dont_write_bytecode = True

try:
    import pydash  # noqa: F401
except ImportError:
    # Debian's python3-azure lacks azure-ai-ml's pydash dependency (see stand_ins/pydash).
    sys.path.insert(0, str(HERE / "stand_ins"))

from azure.ai.ml import MLClient, command  # noqa: E402
from azure.ai.ml._azure_environments import _environments  # noqa: E402
from azure.ai.ml.entities import Data, Model  # noqa: E402
from azure.identity import ClientSecretCredential  # noqa: E402
from azure.identity import __version__ as identity_version  # noqa: E402

CLOUD_NAME = "AzureMLEmulator"
SUBSCRIPTION_INDEX = 0
RESOURCE_GROUP = "rg-ml-dev"
WORKSPACE = "mlw-vision-dev"
COMPUTE = "cpu-cluster"
ENVIRONMENT = "azureml:sklearn-env:2"
EXPERIMENT = "python-client-check"
JOB_OUTPUT_MARKER = "hello from the emulator job, line 3"
BLOB_REQUESTS_PATH = "/_emulator/blob-requests"


class StepFailed(Exception):
    pass


def step(name, action):
    """
    Runs one step and prints its one line; stops the script at the first failure. What the client prints
    itself (upload progress bars) goes to stderr, so that stdout holds the step lines alone.
    """
    try:
        with contextlib.redirect_stdout(sys.stderr):
            detail = action()
    except Exception as error:  # noqa: BLE001 - every failure is reported the same way
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        traceback.print_exc(file=sys.stderr)
        print(f"FAIL {name}: {type(error).__name__}: {first_line}", flush=True)
        sys.exit(1)
    print(f"PASS {name}: {detail}", flush=True)


def expect(condition, message):
    if not condition:
        raise StepFailed(message)


def register_emulator_cloud(connection, storage_suffix):
    """
    azure-ai-ml 1.4.0 knows clouds only from its own table (later versions fill it from ARM's
    /metadata/endpoints); registering the emulator there is how this version takes a custom cloud:
    ARM and Entra ID on the emulator's origin, blob storage on the emulator's storage suffix.
    """
    _environments[CLOUD_NAME] = {
        "azure_portal": connection["armEndpoint"] + "/",
        "resource_manager": connection["armEndpoint"] + "/",
        "active_directory": connection["authorityHost"] + "/",
        "aml_resource_id": connection["armEndpoint"] + "/",
        "storage_endpoint": storage_suffix,
        "registry_discovery_endpoint": connection["armEndpoint"] + "/",
    }


def no_instance_discovery():
    """
    The emulator's authority is not one of Microsoft's, so the credential must not ask Microsoft's instance
    discovery about it. azure-identity's 1.13 betas (Debian's) call the switch instance_discovery=False;
    1.13.0 and later, disable_instance_discovery=True.
    """
    release = tuple(int(part) for part in re.findall(r"\d+", identity_version)[:3])
    if release < (1, 13, 0) or re.search(r"b\d+$", identity_version):
        return {"instance_discovery": False}
    return {"disable_instance_discovery": True}


def blob_writes(blob_front_origin):
    """The blob PUTs the emulator's storage front has seen so far."""
    with urllib.request.urlopen(blob_front_origin + BLOB_REQUESTS_PATH, timeout=30) as answer:
        requests = json.load(answer)["requests"]
    return [r for r in requests if r["method"] == "PUT"]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    connection = json.loads(Path(sys.argv[1]).read_text())
    blob_front = urlsplit(connection["blobEndpoint"])
    blob_front_origin = f"{blob_front.scheme}://{blob_front.netloc}"
    # The storage suffix clients build {account}.blob.{suffix} from, as the workspace datastores advertise it.
    storage_suffix = f"core.{blob_front.netloc}"
    # Python's HTTP stack trusts the emulator's certificate through these, as behind a TLS-inspecting proxy.
    os.environ["REQUESTS_CA_BUNDLE"] = connection["caCertPath"]
    os.environ["SSL_CERT_FILE"] = connection["caCertPath"]
    register_emulator_cloud(connection, storage_suffix)

    credential = ClientSecretCredential(
        connection["tenantId"],
        connection["clientId"],
        connection["clientSecret"],
        authority=connection["authorityHost"],
        **no_instance_discovery(),
    )
    subscription_id = connection["subscriptionIds"][SUBSCRIPTION_INDEX]
    group_client = MLClient(credential, subscription_id, RESOURCE_GROUP, cloud=CLOUD_NAME, show_progress=False)
    ml_client = MLClient(credential, subscription_id, RESOURCE_GROUP, WORKSPACE, cloud=CLOUD_NAME, show_progress=False)
    state = {}

    def list_workspaces():
        names = [w.name for w in group_client.workspaces.list()]
        expect(WORKSPACE in names, f"{WORKSPACE} is not among {names}")
        return ", ".join(sorted(names))

    def workspace_datastore():
        datastore = ml_client.datastores.get_default()
        expect(datastore.protocol == "https", f"protocol is {datastore.protocol}")
        expect(datastore.endpoint == storage_suffix, f"endpoint is {datastore.endpoint}, not {storage_suffix}")
        return f"{datastore.name} at https://{datastore.account_name}.blob.{datastore.endpoint}"

    def list_of(kind, items):
        def run():
            names = sorted({item.name for item in items()})
            expect(names, f"no {kind}")
            return f"{len(names)} {kind}: {', '.join(names[:5])}"

        return run

    def submit_job():
        job = command(
            code=state["code_folder"],
            command="python hello.py",
            environment=ENVIRONMENT,
            compute=COMPUTE,
            experiment_name=EXPERIMENT,
            display_name="python client check",
        )
        state["job_spec"] = job
        state["writes_before_first"] = len(blob_writes(blob_front_origin))
        created = ml_client.jobs.create_or_update(job)
        state["job"] = created
        state["writes_after_first"] = len(blob_writes(blob_front_origin))
        expect(created.code, "the created job names no code asset")
        expect(
            state["writes_after_first"] > state["writes_before_first"],
            "submitting local code uploaded no blob",
        )
        uploads = state["writes_after_first"] - state["writes_before_first"]
        return f"{created.name} ({created.status}), code {created.code}, {uploads} blob PUTs"

    def stream_job():
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            ml_client.jobs.stream(state["job"].name)
        finished = ml_client.jobs.get(state["job"].name)
        expect(finished.status == "Completed", f"status {finished.status}; streamed:\n{captured.getvalue()}")
        expect(JOB_OUTPUT_MARKER in captured.getvalue(), f"the job's output was not streamed:\n{captured.getvalue()}")
        return f"{finished.name} {finished.status}, {len(captured.getvalue().splitlines())} lines streamed"

    def resubmit_same_code():
        before = len(blob_writes(blob_front_origin))
        again = ml_client.jobs.create_or_update(state["job_spec"])
        after = len(blob_writes(blob_front_origin))
        expect(again.name != state["job"].name, "the second submission reused the first job's name")
        expect(again.code == state["job"].code, f"code asset changed: {state['job'].code} -> {again.code}")
        expect(after == before, f"{after - before} blob PUTs for unchanged code")
        state["second_job"] = again
        return f"{again.name} reuses {again.code}, blobUploads=0"

    def register_model(workdir):
        def run():
            model_file = Path(workdir) / "model.pkl"
            model_file.write_bytes(b"not really a pickle: the emulator stores bytes\n")
            model = ml_client.models.create_or_update(
                Model(path=str(model_file), name="python-client-model", type="custom_model", description="check")
            )
            expect(model.version, "no version")
            fetched = ml_client.models.get(model.name, version=model.version)
            expect(fetched.path, "the registered model has no path")
            return f"{model.name}:{model.version} at {fetched.path}"

        return run

    def register_data(workdir):
        def run():
            data_file = Path(workdir) / "iris-sample.csv"
            data_file.write_text("sepal_length,sepal_width,species\n5.1,3.5,setosa\n6.2,2.9,versicolor\n")
            data = ml_client.data.create_or_update(
                Data(path=str(data_file), type="uri_file", name="python-client-data", description="check")
            )
            expect(data.version, "no version")
            fetched = ml_client.data.get(data.name, version=data.version)
            expect(fetched.path, "the registered data asset has no path")
            return f"{data.name}:{data.version} at {fetched.path}"

        return run

    step("list-workspaces", list_workspaces)
    step("default-datastore", workspace_datastore)
    step("list-data", list_of("data assets", lambda: ml_client.data.list()))
    step("list-models", list_of("models", lambda: ml_client.models.list()))
    step("list-environments", list_of("environments", lambda: ml_client.environments.list()))
    step("list-computes", list_of("computes", lambda: ml_client.compute.list()))
    with tempfile.TemporaryDirectory(prefix="aml-client-check-") as workdir:
        # A run-unique file makes the first submission new code even against a long-running emulator.
        state["code_folder"] = shutil.copytree(HERE / "job_code", Path(workdir) / "job_code")
        (state["code_folder"] / "run_id.txt").write_text(f"{uuid.uuid4()}\n")
        step("submit-job", submit_job)
        step("stream-job", stream_job)
        step("resubmit-same-code", resubmit_same_code)
        step("register-model", register_model(workdir))
        step("register-data", register_data(workdir))
    print("ALL STEPS PASSED", flush=True)


if __name__ == "__main__":
    main()
