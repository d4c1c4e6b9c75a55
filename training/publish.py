"""Upload a bundle to the API's publish route and optionally promote it to a channel.

    COMMONSPACE_ADMIN_TOKEN=… python3 -m training.publish --api http://127.0.0.1:8787 --bundle models/default \
        [--name default] [--version 2026.11.28] [--channel stable]

`POST /v1/admin/models`: multipart form with a `manifest` JSON part {name, version, files: [{name, role, sha256,
bytes}], metrics} and one part per file, named by its file name; bearer admin token.
`POST /v1/admin/channels/<channel>` with JSON {version} promotes a published version.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import urllib.request
import uuid
from pathlib import Path


class PublishError(RuntimeError):
    pass


def build_manifest(bundle: Path, name: str | None = None, version: str | None = None) -> dict:
    """Manifest from the bundle's card.json, with sizes and hashes recomputed from the bytes on disk."""
    card_path = bundle / "card.json"
    if not card_path.exists():
        raise PublishError(f"{bundle} has no card.json; run `python3 -m training.export` first")
    card = json.loads(card_path.read_text())
    files = []
    for f in card["files"] + [{"name": "card.json", "role": "card"}]:
        raw = (bundle / f["name"]).read_bytes()
        sha = hashlib.sha256(raw).hexdigest()
        if "sha256" in f and f["sha256"] != sha:
            raise PublishError(f"{f['name']}: sha256 {sha} differs from card.json's {f['sha256']}; re-export the bundle")
        files.append({"name": f["name"], "role": f["role"], "sha256": sha, "bytes": len(raw)})
    return {"name": name or card["name"], "version": version or card["version"], "files": files,
            "metrics": card.get("metrics", {})}


def build_multipart(manifest: dict, bundle: Path, boundary: str | None = None) -> tuple[bytes, str]:
    """(body, content-type) of the multipart/form-data request: the manifest part, then one part per file."""
    boundary = boundary or f"commonspace-{uuid.uuid4().hex}"
    parts = [(f'Content-Disposition: form-data; name="manifest"\r\nContent-Type: application/json\r\n\r\n',
              json.dumps(manifest).encode())]
    for f in manifest["files"]:
        head = (f'Content-Disposition: form-data; name="{f["name"]}"; filename="{f["name"]}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n")
        parts.append((head, (bundle / f["name"]).read_bytes()))
    body = b"".join(f"--{boundary}\r\n".encode() + h.encode() + data + b"\r\n" for h, data in parts)
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def publish_request(api: str, token: str, manifest: dict, bundle: Path, boundary: str | None = None):
    body, ctype = build_multipart(manifest, bundle, boundary)
    return urllib.request.Request(api.rstrip("/") + "/v1/admin/models", data=body, method="POST",
                                  headers={"authorization": f"Bearer {token}", "content-type": ctype})


def promote_request(api: str, token: str, channel: str, version: str):
    return urllib.request.Request(api.rstrip("/") + f"/v1/admin/channels/{channel}", method="POST",
                                  data=json.dumps({"version": version}).encode(),
                                  headers={"authorization": f"Bearer {token}", "content-type": "application/json"})


def send(req, opener=urllib.request.urlopen) -> dict:
    try:
        with opener(req) as resp:
            text = resp.read().decode()
    except urllib.error.HTTPError as e:  # the API answers {"error": {"code", "message"}}
        raise PublishError(f"{req.get_method()} {req.full_url} -> {e.code}: {e.read().decode()[:500]}") from e
    return json.loads(text) if text else {}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--api", required=True)
    ap.add_argument("--bundle", default="models/default")
    ap.add_argument("--name")
    ap.add_argument("--version")
    ap.add_argument("--channel", help="promote the version to this channel after upload")
    a = ap.parse_args()
    token = os.environ.get("COMMONSPACE_ADMIN_TOKEN")
    if not token:
        raise PublishError("set COMMONSPACE_ADMIN_TOKEN to the API's admin token")
    manifest = build_manifest(Path(a.bundle), a.name, a.version)
    print(json.dumps(send(publish_request(a.api, token, manifest, Path(a.bundle)))))
    if a.channel:
        print(json.dumps(send(promote_request(a.api, token, a.channel, manifest["version"]))))


if __name__ == "__main__":
    main()
