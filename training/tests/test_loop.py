"""training.loop without the API: the promotion guard, dropping removals, and pulling a paged export with its
removals and image bytes from a stand-in HTTP server (the real API end to end: tests/loop.test.ts)."""

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from training import loop


def stable(p, n, version="1.0.0"):
    return {"version": version, "metrics": {"validation": {"gen_r_precision": p, "r_precision_queries": n}}}


def test_the_guard_promotes_within_one_standard_error_and_refuses_below():
    # p = 0.5, n = 98: q = (49 + 1) / 100 = 0.5, SE = sqrt(0.25 / 98) = 0.0505
    assert loop.guard(stable(0.5, 98), {"gen_r_precision": 0.45})[0]
    ok, why = loop.guard(stable(0.5, 98), {"gen_r_precision": 0.44})
    assert not ok and "0.5000 - 1 SE 0.0505 = 0.4495" in why and why.startswith("not promoted")
    assert loop.guard(stable(0.0, 10), {"gen_r_precision": 0.0})[0]  # add-one SE: never 0
    ok, why = loop.guard(None, {"gen_r_precision": 0.1})
    assert ok and "no stable version" in why


def test_a_stable_version_without_a_validation_metric_is_not_replaced_unless_asked():
    old = {"version": "2026.11.28", "metrics": {"gen_r_precision": 0.2}}
    ok, why = loop.guard(old, {"gen_r_precision": 0.9})
    assert not ok and "--promote-without-baseline" in why
    assert loop.guard(old, {"gen_r_precision": 0.9}, allow_without_baseline=True)[0]
    assert not loop.guard(None, {})[0]  # nothing measured, nothing promoted


def pair(pid, sha, text):
    return {"type": "pair", "pair_id": pid, "image": {"sha256": sha, "url": f"/v1/images/{sha}", "concept": None},
            "caption": {"id": pid, "text": text}, "negatives": []}


def test_removals_drop_pairs_and_images_left_without_pairs():
    rows = [pair("1", "a", "x"), pair("2", "a", "y"), pair("3", "b", "z")]
    kept, dropped = loop.drop_removed(rows, [{"type": "removal", "pair_id": "1"}, {"type": "removal", "pair_id": "3"}])
    assert [r["pair_id"] for r in kept] == ["2"] and dropped == {"pairs": ["1", "3"], "images": ["b"]}


@pytest.fixture
def fake_api(fixture_export):
    export, images = fixture_export
    lines = [json.loads(ln) for ln in export.read_text().splitlines()]
    pairs = [r for r in lines if r["type"] == "pair"]
    removed = {pairs[0]["pair_id"], pairs[1]["pair_id"], pairs[2]["pair_id"], pairs[3]["pair_id"]}  # image 0's four

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def do_GET(self):
            u, q = urlparse(self.path), parse_qs(urlparse(self.path).query)
            if u.path == "/v1/export":
                at = int(q.get("cursor", ["0"])[0])
                page = pairs[at: at + 50]
                nxt = str(at + 50) if at + 50 < len(pairs) else None
                body = page + [{"type": "end", "snapshot": "s1", "next_cursor": nxt, "removals_since": "r0"}]
            elif u.path == "/v1/export/removals":
                since = q.get("since", [""])[0]
                ids = sorted(removed)
                body = ([{"type": "removal", "pair_id": ids[0]}, {"type": "removal", "pair_id": ids[1]},
                         {"type": "end", "since": "r1", "more": True}] if since == "r0" else
                        [*({"type": "removal", "pair_id": i} for i in ids[2:]), {"type": "end", "since": "r2",
                                                                                 "more": False}])
            elif u.path.startswith("/v1/images/"):
                raw = (images / f"{u.path.rsplit('/', 1)[1]}.png").read_bytes()
                self.send_response(200), self.end_headers(), self.wfile.write(raw)
                return
            else:
                self.send_response(404), self.end_headers()
                return
            self.send_response(200), self.end_headers()
            self.wfile.write("".join(json.dumps(r) + "\n" for r in body).encode())

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", pairs
    server.shutdown()


def test_pull_follows_pages_and_removals_and_fetches_checked_image_bytes(fake_api, tmp_path):
    url, pairs = fake_api
    got = loop.pull(url, tmp_path, log=lambda *_: None)
    rec, gone = got["record"], pairs[0]["image"]["sha256"]
    assert rec["snapshot"] == "s1" and rec["removals_until"] == "r2" and rec["removals_applied"] == 4
    assert rec["dropped"]["images"] == [gone] and gone not in rec["images"]
    assert rec["pairs"] == len(pairs) - 4 and len(rec["images"]) == len({p["image"]["sha256"] for p in pairs}) - 1
    for sha in rec["images"]:
        assert hashlib.sha256((got["images"] / f"{sha}.png").read_bytes()).hexdigest() == sha
    rows = [json.loads(ln) for ln in got["export"].read_text().splitlines()]
    assert rows[-1]["type"] == "end" and all(r["image"]["sha256"] != gone for r in rows[:-1])
