"""The audit chain's anchor: the last verified head (entry count and hash, sealed with the audit
key) kept in a file outside the database, so deleting the newest entries is detected."""
import datetime
import json
import os


class AnchorError(Exception):
    pass


def read_anchor(path, *, required=False):
    """The anchor at `path`, or None when there is none yet (unless `required`)."""
    if not path or not os.path.exists(path):
        if required:
            raise AnchorError(f"锚点文件不存在：{path}")
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise AnchorError(f"锚点文件无法读取：{path}（{exc}）") from None
    if not isinstance(data, dict):
        raise AnchorError(f"锚点文件格式不正确：{path}")
    return data


def write_anchor(path, result):
    """Replace the anchor atomically with the head of a successful verification."""
    from services.audit import make_anchor

    at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(make_anchor(result, at), fh)
    os.replace(tmp, path)
