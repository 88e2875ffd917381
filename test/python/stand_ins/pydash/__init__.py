"""
A stand-in for the three helpers of the `pydash` package that azure-ai-ml 1.4.0 imports.

Debian's python3-azure ships azure-ai-ml without its `pydash` dependency (Debian has no package for
it), so `import azure.ai.ml` fails on a plain Debian machine. The Python client test puts this folder
on the import path only when the real package is absent; it covers the calls azure-ai-ml makes:
`get(obj, "a.b", default)`, `omit(mapping, keys)` and `objects.set_(obj, "a.b", value)`.
"""

from . import objects
from .objects import get, omit, set_

__all__ = ["get", "omit", "set_", "objects"]
