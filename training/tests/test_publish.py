"""The publish command builds the manifest and multipart request the API's publish route expects."""

import hashlib
import json

import pytest

from training import publish


@pytest.fixture
def bundle(tmp_path):
    (tmp_path / "gpt_step.fp16.onnx").write_bytes(b"onnx-bytes")
    (tmp_path / "tokenizer.json").write_text("{}")
    files = [{"name": "gpt_step.fp16.onnx", "role": "gpt-step", "sha256": hashlib.sha256(b"onnx-bytes").hexdigest(),
              "bytes": 10}, {"name": "tokenizer.json", "role": "tokenizer"}]
    card = {"name": "default", "version": "1.0.0", "files": files, "metrics": {"vq_psnr_db": 25.0}}
    (tmp_path / "card.json").write_text(json.dumps(card))
    return tmp_path


def test_manifest_lists_every_file_with_role_hash_and_size_plus_the_card(bundle):
    m = publish.build_manifest(bundle)
    assert m["name"] == "default" and m["version"] == "1.0.0" and m["metrics"] == {"vq_psnr_db": 25.0}
    by_name = {f["name"]: f for f in m["files"]}
    assert set(by_name) == {"gpt_step.fp16.onnx", "tokenizer.json", "card.json"}
    assert by_name["tokenizer.json"] == {"name": "tokenizer.json", "role": "tokenizer",
                                         "sha256": hashlib.sha256(b"{}").hexdigest(), "bytes": 2}
    assert by_name["card.json"]["role"] == "card"


def test_manifest_refuses_a_file_whose_bytes_changed_since_export(bundle):
    (bundle / "gpt_step.fp16.onnx").write_bytes(b"tampered")
    with pytest.raises(publish.PublishError, match="re-export"):
        publish.build_manifest(bundle)


def test_publish_request_is_multipart_with_the_manifest_first_and_a_bearer_token(bundle):
    m = publish.build_manifest(bundle, version="2.0.0")
    req = publish.publish_request("http://api.test/", "s3cret", m, bundle, boundary="BOUND")
    assert req.full_url == "http://api.test/v1/admin/models" and req.get_method() == "POST"
    assert req.get_header("Authorization") == "Bearer s3cret"
    assert req.get_header("Content-type") == "multipart/form-data; boundary=BOUND"
    body = req.data
    parts = body.split(b"--BOUND")
    assert b'name="manifest"' in parts[1] and json.loads(parts[1].split(b"\r\n\r\n", 1)[1].rstrip(b"\r\n"))["version"] == "2.0.0"
    assert b'name="gpt_step.fp16.onnx"; filename="gpt_step.fp16.onnx"' in parts[2] and b"onnx-bytes" in parts[2]
    assert body.endswith(b"--BOUND--\r\n")


def test_promote_request_posts_the_version_to_the_channel():
    req = publish.promote_request("http://api.test", "t", "stable", "2.0.0")
    assert req.full_url == "http://api.test/v1/admin/channels/stable"
    assert json.loads(req.data) == {"version": "2.0.0"} and req.get_header("Authorization") == "Bearer t"


def test_send_turns_an_api_error_into_a_publish_error():
    import io
    import urllib.error

    def opener(req):
        raise urllib.error.HTTPError(req.full_url, 403, "Forbidden", {}, io.BytesIO(b'{"error":{"code":"forbidden"}}'))

    with pytest.raises(publish.PublishError, match="403"):
        publish.send(publish.promote_request("http://api.test", "t", "stable", "1"), opener=opener)
