"""The data files of an MLTable folder: the ones its MLTable names under `paths`, as the labeling export of the VS
Code extension, Azure ML's data labeling and the AutoML samples write them. Other files in the folder (an older
export, the project's sample data) are not data of this table, so they are never read or passed on.
"""
import re
import shutil
from pathlib import Path

PATH_ENTRY = re.compile(r"^\s*-?\s*(file|pattern)\s*:\s*(.+?)\s*$")


def named_paths(mltable_text):
    """(kind, value) of each `file:` or `pattern:` entry under the top-level `paths:` key."""
    entries, in_paths = [], False
    for line in mltable_text.splitlines():
        content = line.split(" #", 1)[0].rstrip()
        if not content.strip() or content.lstrip().startswith("#"):
            continue
        if not content.startswith((" ", "\t", "-")):
            in_paths = content.startswith("paths:")
            continue
        match = PATH_ENTRY.match(content)
        if in_paths and match:
            entries.append((match.group(1), match.group(2).strip("'\"")))
    return entries


def data_files(folder, suffix):
    """The files the folder's MLTable names; without an MLTable (a plain folder), every *suffix file in it."""
    folder = Path(folder)
    mltable = folder / "MLTable"
    if not mltable.exists():
        return sorted(folder.glob(f"*{suffix}"))
    files = []
    for kind, value in named_paths(mltable.read_text(encoding="utf-8")):
        if "://" in value:
            raise SystemExit(f"{mltable} names {value}: this step reads files in the folder itself")
        files += [folder / value] if kind == "file" else sorted(folder.glob(value))
    if not files:
        raise SystemExit(f"{mltable} names no file under paths: (file: ./data{suffix})")
    missing = [path for path in files if not path.is_file()]
    if missing:
        raise SystemExit(f"{mltable} names {missing[0].relative_to(folder)}, which is not in {folder}")
    return files


def copy_table(source, target, files):
    """The MLTable and the data files it names, into `target`: what the next step and AutoML read."""
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    if (source / "MLTable").exists():
        shutil.copy2(source / "MLTable", target / "MLTable")
    for path in files:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
