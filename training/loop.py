"""The loop, one command: the API's approved data -> a fine-tuned model -> `beta` -> `stable` if validation holds.

    npm run train -- --api URL [--token T] [--config tiny|cpu-default] [--from <checkpoint dir>]
    python3 -m training.loop --api URL …                     # the same
        [--work training/runs/loop-<config>] [--minutes gpt=…] [--name default] [--version V]
        [--no-promote] [--promote-without-baseline]

1. **Pull** `GET /v1/export` page by page (`next_cursor`, one `snapshot`), then `GET /v1/export/removals` from the
   export's `removals_since` until `more` is false, and drops every removed pair (withdrawn or rejected); an image
   goes when no pair of it is left. Image bytes come from `GET /v1/images/<sha256>` and are checked against their
   hash. Written: `<work>/export.ndjson`, `<work>/images/`, `<work>/training-manifest.json` (the snapshot, the
   removals applied, and the SHA-256 of every image trained on, by split).
2. **Train** with `pipeline.run` into `<work>/run`: from `--from` (default `training/checkpoints/default` for
   cpu-default; none for tiny, which trains from scratch) the VQ-VAE and CLIP are kept as they are and the GPT is
   fine-tuned from the version's `gpt.pt` (`--gpt-init-from`), with the version's tokenizer (`<from>/tokenizer.json`,
   for the default `models/default/tokenizer.json`) so text ids do not move. Without `--from`, every stage trains.
3. **Evaluate** on validation (and test, for the card) and **export** the bundle to `<work>/bundle`; the slim
   checkpoints and the tokenizer go to `<work>/checkpoints` (a later `--from`).
4. **Publish** to `beta` with `apps/api/scripts/publish-bundle.mjs`, then the **guard** (`guard`) decides `stable`.

The promotion rule (README "The loop"): with stable's recorded validation judge generation R-precision p on n
queries (its manifest's `metrics.validation.gen_r_precision` and `r_precision_queries`), promote iff the new
version's validation value >= p - SE, SE = sqrt(q (1 - q) / n) with q = (p n + 1) / (n + 2) (the add-one estimate,
so SE is not 0 at p = 0 or 1). No stable version: promote (nothing to regress from). A stable version without a
recorded validation value: not promoted (it stays on beta) unless `--promote-without-baseline`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from . import checkpoints, common, data, pipeline
from .concepts import SPLITS

DEFAULT_FROM = {"cpu-default": common.TRAINING / "checkpoints" / "default"}
DEFAULT_TOKENIZER = common.ROOT / "models" / "default" / "tokenizer.json"
PUBLISH_JS = common.ROOT / "apps" / "api" / "scripts" / "publish-bundle.mjs"
KEPT_STAGES = ("vqvae", "clip")  # fine-tuning keeps these and continues the GPT


class LoopError(RuntimeError):
    pass


# ---------------------------------------------------------------------------------------------- pulling
def get(url: str, token: str | None = None) -> bytes:
    req = urllib.request.Request(url, headers={"authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.read()
    except urllib.error.HTTPError as e:
        raise LoopError(f"GET {url} -> {e.code}: {e.read().decode(errors='replace')[:300]}") from e


def ndjson(raw: bytes) -> list[dict]:
    return [json.loads(ln) for ln in raw.decode().splitlines() if ln.strip()]


def fetch_export(api: str, token: str | None = None, limit: int = 1000) -> tuple[list[dict], dict]:
    """(pair rows, the last page's end row) of `GET /v1/export`, following `next_cursor` (one snapshot)."""
    rows, cursor = [], None
    for _ in range(100_000):
        url = f"{api}/v1/export?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = ndjson(get(url, token))
        rows += [r for r in page if r.get("type") == "pair"]
        end = next((r for r in page if r.get("type") == "end"), None)
        if end is None:
            raise LoopError(f"{url}: the page has no end row")
        cursor = end.get("next_cursor")
        if not cursor:
            return rows, end
    raise LoopError("the export did not end after 100000 pages")


def fetch_removals(api: str, since: str | None, token: str | None = None) -> tuple[list[dict], str | None]:
    """Every removal after `since` (`GET /v1/export/removals`, asked again while `more`); returns (rows, last since)."""
    out = []
    for _ in range(100_000):
        page = ndjson(get(f"{api}/v1/export/removals" + (f"?since={since}" if since else ""), token))
        out += [r for r in page if r.get("type") == "removal"]
        end = next((r for r in page if r.get("type") == "end"), {})
        since = end.get("since", since)
        if not end.get("more"):
            return out, since
    raise LoopError("the removals feed did not end after 100000 pages")


def drop_removed(rows: list[dict], removals: list[dict]) -> tuple[list[dict], dict]:
    """The pair rows left after the removals, and what went: {"pairs": [...], "images": [...]} (an image goes when
    none of its pairs is left, so its bytes are neither fetched nor trained on)."""
    gone = {str(r["pair_id"]) for r in removals}
    kept = [r for r in rows if str(r["pair_id"]) not in gone]
    before = {r["image"]["sha256"] for r in rows}
    after = {r["image"]["sha256"] for r in kept}
    return kept, {"pairs": sorted(str(r["pair_id"]) for r in rows if str(r["pair_id"]) in gone),
                  "images": sorted(before - after)}


def with_concepts(rows: list[dict]) -> list[dict]:
    """Contributions carry `concept: null`; the trainer names such an image's concept after it (the merged
    concept is then its canonical caption, normalised: concepts.merged_key)."""
    def named(img: dict) -> dict:
        return img if img.get("concept") else {**img, "concept": f"contribution:{img['sha256'][:16]}"}

    return [{**r, "image": named(r["image"])} for r in rows]


def pull(api: str, work: Path, token: str | None = None, log=print) -> dict:
    """Export + removals + image bytes into `work`; returns {"export", "images", "record"}."""
    rows, end = fetch_export(api, token)
    removals, removals_until = fetch_removals(api, end.get("removals_since"), token)
    kept, dropped = drop_removed(rows, removals)
    kept = with_concepts(kept)
    images = work / "images"
    images.mkdir(parents=True, exist_ok=True)
    shas = sorted({r["image"]["sha256"] for r in kept})
    for sha in shas:
        path = images / f"{sha}.png"
        if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == sha:
            continue
        raw = get(f"{api}/v1/images/{sha}", token)
        if hashlib.sha256(raw).hexdigest() != sha:
            raise LoopError(f"/v1/images/{sha}: the bytes hash to {hashlib.sha256(raw).hexdigest()}")
        path.write_bytes(raw)
    export = work / "export.ndjson"
    export.write_text("".join(json.dumps(r) + "\n" for r in [*kept, {**end, "next_cursor": None}]))
    record = {"api": api, "snapshot": end.get("snapshot"), "removals_since": end.get("removals_since"),
              "removals_until": removals_until, "removals_applied": len(removals), "dropped": dropped,
              "pairs": len(kept), "images": shas, "pulled_at": dt.datetime.utcnow().isoformat() + "Z"}
    log(f"loop: pulled {len(rows)} pairs of snapshot {end.get('snapshot')}, {len(removals)} removals "
        f"({len(dropped['pairs'])} pairs, {len(dropped['images'])} images dropped) -> {len(kept)} pairs, "
        f"{len(shas)} images")
    return {"export": export, "images": images, "record": record}


# ---------------------------------------------------------------------------------------------- the guard
def guard(stable: dict | None, new_validation: dict, allow_without_baseline: bool = False) -> tuple[bool, str]:
    """(promote?, the rule as applied, in words). `stable`: the stable channel's manifest (None: no stable yet);
    `new_validation`: the new run's `metrics.json["validation"]`."""
    new = new_validation.get("gen_r_precision")
    if new is None:
        return False, "not promoted: the new version has no validation gen_r_precision"
    if stable is None:
        return True, f"promoted: no stable version yet (new validation gen_r_precision {new:.4f})"
    v = (stable.get("metrics") or {}).get("validation") or {}
    p, n = v.get("gen_r_precision"), v.get("r_precision_queries")
    if p is None or not n:
        if allow_without_baseline:
            return True, (f"promoted: stable {stable.get('version')} records no validation gen_r_precision "
                          "(--promote-without-baseline)")
        return False, (f"not promoted: stable {stable.get('version')} records no validation gen_r_precision to "
                       "compare with; pass --promote-without-baseline to promote anyway")
    q = (p * n + 1) / (n + 2)
    se = math.sqrt(q * (1 - q) / n)
    ok = new >= p - se
    rule = (f"validation judge gen_r_precision {new:.4f} {'>=' if ok else '<'} stable {stable.get('version')}'s "
            f"{p:.4f} - 1 SE {se:.4f} = {p - se:.4f} (n={n})")
    return ok, ("promoted: " if ok else "not promoted: ") + rule


def channel_manifest(api: str, channel: str) -> dict | None:
    """The channel's manifest (`GET /v1/models/channels/<channel>/manifest`), None when the channel is empty."""
    try:
        with urllib.request.urlopen(f"{api}/v1/models/channels/{channel}/manifest", timeout=60) as resp:
            return json.loads(resp.read())["manifest"]
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise LoopError(f"GET channel {channel} manifest -> {e.code}: {e.read().decode(errors='replace')[:300]}")


def publish(api: str, bundle: Path, channel: str, name: str, token: str | None, log=print) -> None:
    """`publish-bundle.mjs`: uploads the bundle (a version already there is only promoted) and points `channel`."""
    cmd = [os.environ.get("NODE", "node"), str(PUBLISH_JS), "--dir", str(bundle), "--api", api,
           "--channel", channel, "--name", name]
    if token:
        cmd += ["--token", token]
    res = subprocess.run(cmd, cwd=common.ROOT, capture_output=True, text=True)
    log(f"loop: {shlex.join(c if c != token else '***' for c in cmd)}\n{res.stdout.strip()}")
    if res.returncode != 0:
        raise LoopError(f"publish-bundle.mjs to {channel} failed ({res.returncode}): {res.stderr.strip()[-1000:]}")


# ---------------------------------------------------------------------------------------------- the loop
def tokenizer_of(src: Path | None, given: str | None) -> Path | None:
    if given:
        return Path(given)
    if src is None:
        return None
    if (src / "tokenizer.json").exists():
        return src / "tokenizer.json"
    if src.resolve() == DEFAULT_FROM["cpu-default"].resolve() and DEFAULT_TOKENIZER.exists():
        return DEFAULT_TOKENIZER
    raise LoopError(f"{src} has no tokenizer.json: pass --tokenizer (the one its checkpoints were trained with)")


def train(cfg: dict, pulled: dict, work: Path, src: Path | None, tokenizer: Path | None, minutes: dict, log,
          loop_argv: list[str]) -> dict:
    """pipeline.run on the pulled data; returns {"bundle", "metrics", "splits"}."""
    run = common.run_dir(cfg)
    for p in run.glob("*.pt"):  # a loop run starts from its inputs, never from a previous loop's leftovers
        p.unlink()
    stages = list(pipeline.STAGES)
    gpt_init = None
    if src is not None:
        for stage in KEPT_STAGES:
            if not (src / f"{stage}.pt").exists():
                raise LoopError(f"{src} has no {stage}.pt")
            shutil.copy(src / f"{stage}.pt", run / f"{stage}.pt")
        gpt_init = src / "gpt.pt"
        if not gpt_init.exists():
            raise LoopError(f"{src} has no gpt.pt")
        stages = [s for s in stages if s not in KEPT_STAGES]
    bundle, cache = work / "bundle", work / "cache"
    argv = ["--config", cfg["name"], "--export", str(pulled["export"]), "--images", str(pulled["images"]),
            "--out", str(bundle), "--stages", ",".join(stages)]
    argv += ["--tokenizer", str(tokenizer)] if tokenizer else []
    argv += ["--gpt-init-from", str(gpt_init)] if gpt_init else []
    argv += ["--minutes", ",".join(f"{k}={v:g}" for k, v in minutes.items())] if minutes else []
    eff = pipeline.effective_config(cfg, minutes, argv, str(pulled["export"]), tokenizer, gpt_init)
    eff["run"]["loop"] = shlex.join(["python3", "-m", "training.loop", *loop_argv])
    dc = pipeline.data_config(eff, str(pulled["export"]), str(pulled["images"]), None)
    log(f"loop: training {cfg['name']} " + (f"(VQ-VAE, CLIP kept, GPT fine-tuned from {src})" if src
                                             else "from scratch") + f", stages {stages}")
    pipeline.run(eff, dc, stages, minutes, False, bundle, log, cache_dir=cache, tokenizer=tokenizer,
                 gpt_init=gpt_init)
    images_npz = data.build_image_cache(dc, cache, log=log)  # built by the run: reused, gives its path
    meta = json.loads(images_npz.with_suffix(".json").read_text())
    split = np.load(images_npz)["split"]
    splits = {name: sorted(s for s, k in zip(meta["sha256"], split) if SPLITS[int(k)] == name) for name in SPLITS}
    metrics = json.loads((run / "metrics.json").read_text())
    ck = work / "checkpoints"
    checkpoints.save(eff, ck)
    if (bundle / "tokenizer.json").exists():  # what a later `--from <work>/checkpoints` continues with
        shutil.copy(bundle / "tokenizer.json", ck / "tokenizer.json")
    return {"bundle": bundle, "metrics": metrics, "splits": splits}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--api", required=True, help="API origin, e.g. http://127.0.0.1:8787")
    ap.add_argument("--token", default=os.environ.get("COMMONSPACE_ADMIN_TOKEN"),
                    help="admin token for publishing (default $COMMONSPACE_ADMIN_TOKEN, else the script's "
                    ".dev.vars one); also sent with the export requests")
    ap.add_argument("--config", default="cpu-default")
    ap.add_argument("--from", dest="src", help="checkpoint dir of the current version (vqvae.pt, clip.pt, gpt.pt, "
                    "tokenizer.json); default training/checkpoints/default for cpu-default, none for tiny")
    ap.add_argument("--scratch", action="store_true", help="train every stage from scratch, ignoring --from")
    ap.add_argument("--tokenizer", help="the tokenizer the --from checkpoints were trained with")
    ap.add_argument("--work", help="working folder (default training/runs/loop-<config>)")
    ap.add_argument("--minutes", help="per-stage budgets, as for training.pipeline")
    ap.add_argument("--name", default="default", help="model name to publish under")
    ap.add_argument("--version", help="version string (default UTC YYYY.MM.DD-HHMMSS)")
    ap.add_argument("--no-promote", action="store_true", help="publish to beta only")
    ap.add_argument("--promote-without-baseline", action="store_true",
                    help="promote even when stable records no validation gen_r_precision")
    argv = sys.argv[1:] if argv is None else argv
    a = ap.parse_args(argv)
    api = a.api.rstrip("/")
    common.setup_threads()
    cfg = common.load_config(a.config)
    work = Path(a.work) if a.work else common.TRAINING / "runs" / f"loop-{cfg['name']}"
    work.mkdir(parents=True, exist_ok=True)
    cfg["run_dir"] = str(work / "run")
    cfg["version"] = a.version or dt.datetime.utcnow().strftime("%Y.%m.%d-%H%M%S")
    log = common.Logger(common.run_dir(cfg) / "log.txt")
    src = None if a.scratch else Path(a.src) if a.src else DEFAULT_FROM.get(cfg["name"])
    tokenizer = tokenizer_of(src, a.tokenizer)

    pulled = pull(api, work, a.token, log)
    result = train(cfg, pulled, work, src, tokenizer, pipeline.parse_minutes(a.minutes), log, argv)
    record = {**pulled["record"], "version": cfg["version"], "config": cfg["name"],
              "from": str(src) if src else None, "trained_on": result["splits"]["train"], "splits": result["splits"]}
    val = result["metrics"]["validation"]
    log(f"loop: validation gen_r_precision {val.get('gen_r_precision')} over {val.get('r_precision_queries')} "
        f"queries, image_nll_nats {val.get('image_nll_nats')}")

    stable = channel_manifest(api, "stable")  # before publishing: beta and stable may be the same version later
    publish(api, result["bundle"], "beta", a.name, a.token, log)
    promote, why = guard(stable, val, a.promote_without_baseline)
    if a.no_promote:
        promote, why = False, f"not promoted: --no-promote (the guard said: {why})"
    print(f"loop: promotion rule: promote iff validation gen_r_precision >= stable's - 1 SE; {why}", flush=True)
    log(f"loop: {why}")
    if promote:
        publish(api, result["bundle"], "stable", a.name, a.token, log)
    record.update(promoted=promote, guard=why, stable_before=stable and stable.get("version"),
                  validation={k: v for k, v in val.items() if not isinstance(v, (list, dict))})
    for path in (work / "training-manifest.json", result["bundle"] / "training-manifest.json"):
        path.write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps({"version": cfg["version"], "promoted": promote, "guard": why,
                      "training_manifest": str(work / "training-manifest.json")}), flush=True)
    return record


if __name__ == "__main__":
    try:
        main()
    except LoopError as e:
        sys.exit(f"loop: {e}")
