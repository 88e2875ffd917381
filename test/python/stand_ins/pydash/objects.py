"""Deep get/set/omit on nested dicts, lists and attribute objects, addressed by dotted paths."""

_MISSING = object()


def _path_keys(path):
    if isinstance(path, (list, tuple)):
        return list(path)
    return [key for key in str(path).split(".") if key != ""]


def _child(container, key):
    if isinstance(container, dict):
        return container.get(key, _MISSING)
    if isinstance(container, (list, tuple)):
        try:
            return container[int(key)]
        except (ValueError, IndexError):
            return _MISSING
    return getattr(container, str(key), _MISSING)


def get(obj, path, default=None):
    """The value at `path` inside `obj`, or `default` when any step of the path is missing."""
    current = obj
    for key in _path_keys(path):
        if current is None:
            return default
        current = _child(current, key)
        if current is _MISSING:
            return default
    return current


def set_(obj, path, value):
    """Sets the value at `path`, creating the dicts on the way that are not there yet. Returns `obj`."""
    keys = _path_keys(path)
    if not keys:
        return obj
    current = obj
    for key in keys[:-1]:
        following = _child(current, key)
        if following is _MISSING or following is None:
            following = {}
            if isinstance(current, dict):
                current[key] = following
            else:
                setattr(current, key, following)
        current = following
    if isinstance(current, dict):
        current[keys[-1]] = value
    elif isinstance(current, list):
        current[int(keys[-1])] = value
    else:
        setattr(current, keys[-1], value)
    return obj


def omit(obj, *paths):
    """A copy of the mapping `obj` without the given keys (top-level names or dotted paths)."""
    wanted = []
    for path in paths:
        wanted.extend(path if isinstance(path, (list, tuple)) else [path])
    result = _copy_nested(obj)
    for path in wanted:
        keys = _path_keys(path)
        if not keys:
            continue
        parent = get(result, keys[:-1]) if len(keys) > 1 else result
        if isinstance(parent, dict):
            parent.pop(keys[-1], None)
    return result


def _copy_nested(value):
    if isinstance(value, dict):
        return {key: _copy_nested(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_nested(item) for item in value]
    return value
