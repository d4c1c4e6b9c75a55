// Publishing model versions (POST /v1/admin/models) inside workerd against real D1 and R2: signed
// manifests, content-addressed files, and refusals that leave D1 and R2 exactly as they were.
import {
  canonicalJson,
  DEV_MANIFEST_KEY,
  ManifestSignatureError,
  sha256Hex,
  verifySignedManifest,
  type JsonValue,
  type SignedManifest,
} from "@commonspace/manifest";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import devVars from "../../../.dev.vars.example?raw";
import { publishVersion } from "../src/manifest/publish";
import { callWithEnv } from "./helpers/api";
import { expectStoreUnchanged } from "./helpers/store-snapshot";
import {
  ADMIN,
  api,
  errorCode,
  fixtureBytes,
  fixtureFile,
  publish,
  publishRequest,
  storageSnapshot,
  TEST_KEY,
  TEST_KEY_ID,
} from "./models-fixtures";
import { exports } from "cloudflare:workers";

describe("POST /v1/admin/models", () => {
  it("publishes a version whose signed manifest verifies with the test public key", async () => {
    const files = [
      fixtureFile("vq_decoder.onnx", "vq-decoder", 1),
      fixtureFile("tokenizer.json", "tokenizer", 2),
    ];
    const res = await publish({ version: "1.0.0", files, metrics: { psnr: 21.5, steps: 1200 } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as SignedManifest & { manifest_sha256: string };
    expect(body.key_id).toBe(TEST_KEY_ID);
    expect(body.manifest).toEqual({
      format: "commonspace-manifest/1",
      model: "commonspace-mini",
      version: "1.0.0",
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      files: await Promise.all(
        files.map(async (f) => {
          const sha256 = await sha256Hex(f.bytes);
          return { name: f.name, role: f.role, bytes: 1000, sha256, url: `/v1/models/files/${sha256}` };
        }),
      ),
      metrics: { psnr: 21.5, steps: 1200 },
    });
    const verified = await verifySignedManifest(body, [TEST_KEY], { model: "commonspace-mini" });
    expect(verified.manifestSha256).toBe(body.manifest_sha256);
    expect(body.manifest_sha256).toBe(await sha256Hex(canonicalJson(body.manifest as unknown as JsonValue)));
  });

  it("serves the version's manifest as stored bytes whose signature covers the canonical manifest", async () => {
    const res = await api("/v1/models/versions/commonspace-mini/1.0.0");
    expect(res.status).toBe(200);
    const text = await res.text();
    const envelope = JSON.parse(text) as SignedManifest;
    const canonical = canonicalJson(envelope.manifest as unknown as JsonValue);
    expect(text).toContain(`"manifest":${canonical}`);
    // Verify with WebCrypto directly, as a client would, without the server's helper.
    const key = await crypto.subtle.importKey(
      "raw",
      Uint8Array.from(atob(TEST_KEY.publicKey), (ch) => ch.charCodeAt(0)),
      { name: "Ed25519" },
      false,
      ["verify"],
    );
    const signature = Uint8Array.from(atob(envelope.signature), (ch) => ch.charCodeAt(0));
    const bytes = new TextEncoder().encode(canonical);
    expect(await crypto.subtle.verify({ name: "Ed25519" }, key, signature, bytes)).toBe(true);
    expect(res.headers.get("etag")).toBe(`"${await sha256Hex(canonical)}"`);
  });

  it("detects a tampered manifest: changing one file's SHA-256 breaks the signature", async () => {
    const envelope = (await (
      await api("/v1/models/versions/commonspace-mini/1.0.0")
    ).json()) as SignedManifest;
    const first = envelope.manifest.files[0];
    if (!first) throw new Error("the fixture version has no files");
    (first as { sha256: string }).sha256 = "0".repeat(64);
    await expect(verifySignedManifest(envelope, [TEST_KEY])).rejects.toBeInstanceOf(ManifestSignatureError);
  });

  it("stores each file in R2 under models/<sha256> with exactly the uploaded bytes", async () => {
    const bytes = fixtureFile("vq_decoder.onnx", "vq-decoder", 1).bytes;
    const object = await env.BUCKET.get(`models/${await sha256Hex(bytes)}`);
    expect(new Uint8Array(await (object as R2ObjectBody).arrayBuffer())).toEqual(bytes);
  });

  it("refuses a duplicate version with 409 and keeps the first one", async () => {
    const before = await storageSnapshot();
    const res = await publish({ version: "1.0.0", files: [fixtureFile("gpt_step.onnx", "gpt-step", 9)] });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe("version_exists");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("refuses a file whose bytes do not match the manifest's SHA-256 with 422, changing neither D1 nor R2", async () => {
    const before = await storageSnapshot();
    const good = fixtureFile("clip_text.onnx", "clip-text", 20);
    const bad = fixtureFile("clip_image.onnx", "clip-image", 21);
    const res = await publish({
      version: "2.0.0",
      files: [good, bad],
      // The manifest claims the hash of other bytes for the second file.
      parts: [
        { name: good.name, bytes: good.bytes },
        { name: bad.name, bytes: fixtureBytes(1000, 99) },
      ],
    });
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe("file_mismatch");
    // The first file was valid and streamed to R2 before the second failed: it was removed again.
    expect(await storageSnapshot()).toEqual(before);
  });

  it.each([
    ["shorter", 999],
    ["longer", 1001],
  ])("refuses a file %s than the manifest declares with 422 and changes nothing", async (_label, length) => {
    const before = await storageSnapshot();
    const file = fixtureFile("gpt_step.onnx", "gpt-step", 30);
    const res = await publish({
      version: "2.0.1",
      files: [file],
      parts: [{ name: file.name, bytes: fixtureBytes(length, 30) }],
    });
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe("file_mismatch");
    expect(await storageSnapshot()).toEqual(before);
  });

  it.each([
    ["no token", {}],
    ["a wrong token", { Authorization: "Bearer not-the-token" }],
  ])("refuses a publish with %s with 401 and changes nothing", async (_label, headers) => {
    const before = await storageSnapshot();
    const res = await publish({
      version: "3.0.0",
      files: [fixtureFile("a.onnx", "vq-encoder", 40)],
      headers,
    });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("unauthorized");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("re-uploading an existing file is a no-op: a second version shares the R2 object", async () => {
    const shared = fixtureFile("tokenizer.json", "tokenizer", 2);
    const before = await storageSnapshot();
    const res = await publish({
      version: "1.1.0",
      files: [shared, fixtureFile("gpt_step.onnx", "gpt-step", 50)],
    });
    expect(res.status).toBe(201);
    const after = await storageSnapshot();
    expect(after.r2.length).toBe(before.r2.length + 1);
    expect(after.counts.model_files).toBe((before.counts.model_files ?? 0) + 2);
  });

  // Generous timeout: hashing and storing 20 MB is slow when the whole suite shares two cores.
  it("publishes a 20 MB bundle streamed part by part, keeping each file's precision", async () => {
    const big = { name: "gpt_step.fp16.onnx", role: "gpt-step", bytes: fixtureBytes(20 * 1024 * 1024, 77) };
    const res = await publish({
      version: "4.0.0",
      files: [big, fixtureFile("card.json", "card", 78)],
      edit: (m) => void (m.files[0] = { ...m.files[0], precision: "fp16-weights" }),
    });
    expect(res.status).toBe(201);
    const { manifest } = (await res.json()) as SignedManifest;
    expect(manifest.files.map((f) => f.precision)).toEqual(["fp16-weights", undefined]);
    const sha256 = await sha256Hex(big.bytes);
    const head = await env.BUCKET.head(`models/${sha256}`);
    expect(head?.size).toBe(20 * 1024 * 1024);
    const tail = await api(`/v1/models/files/${sha256}`, { headers: { Range: "bytes=-4" } });
    expect(tail.status).toBe(206);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(big.bytes.subarray(big.bytes.length - 4));
  }, 30_000);

  it("never shows a half-published version: a D1 failure inside the batch leaves D1 and R2 unchanged", async () => {
    // A real constraint failure in the middle of the batch: the version row is inserted, then a file row aborts.
    await env.DB.prepare(
      `CREATE TRIGGER fail_boom BEFORE INSERT ON model_files WHEN NEW.name = 'boom.onnx'
       BEGIN SELECT RAISE(ABORT, 'simulated storage failure'); END`,
    ).run();
    const before = await storageSnapshot();
    const listBefore = await (await api("/v1/models/versions?limit=100")).json();
    const boom = fixtureFile("boom.onnx", "gpt-step", 60);
    const res = await publish({ version: "5.0.0", files: [fixtureFile("ok.onnx", "vq-encoder", 61), boom] });
    await env.DB.prepare("DROP TRIGGER fail_boom").run();
    expect(res.status).toBe(500);
    expect(await storageSnapshot()).toEqual(before);
    expect(await (await api("/v1/models/versions?limit=100")).json()).toEqual(listBefore);
    expect((await api("/v1/models/versions/commonspace-mini/5.0.0")).status).toBe(404);
    expect((await api(`/v1/models/files/${await sha256Hex(boom.bytes)}`)).status).toBe(404);
  });
});

describe("POST /v1/admin/models with malformed input", () => {
  const file = fixtureFile("w.onnx", "vq-encoder", 70);
  type Edit = (m: Record<string, unknown> & { files: Record<string, unknown>[] }) => void;
  const setFile =
    (key: string, value: unknown): Edit =>
    (m) =>
      void (m.files[0] = { ...m.files[0], [key]: value });

  it.each<[string, Edit]>([
    ["a file name with a path separator", setFile("name", "../w.onnx")],
    ["a file name with a backslash", setFile("name", "dir\\w.onnx")],
    ["a file name with '..'", setFile("name", "w..onnx")],
    ["a role outside the allow-list", setFile("role", "shell_script")],
    ["an upper-case SHA-256", setFile("sha256", "A".repeat(64))],
    ["a file over the size cap", setFile("bytes", 64 * 1024 * 1024 + 1)],
    ["a model name with a slash", (m) => void (m.name = "a/b")],
    ["a version with a space", (m) => void (m.version = "1 0")],
    ["an unknown manifest field", (m) => void (m.extra = true)],
    ["no files", (m) => void (m.files = [])],
    ["duplicate file names", (m) => void (m.files = [...m.files, ...m.files])],
  ])("rejects %s with 400 and changes nothing", async (_label, edit) => {
    const before = await storageSnapshot();
    const res = await publish({ version: "9.0.0", files: [file], edit });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("invalid_manifest");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("rejects a body whose first part is not the manifest with 400", async () => {
    const form = new FormData();
    form.append(file.name, new Blob([file.bytes]), file.name);
    form.append("manifest", "{}");
    const res = await exports.default.fetch(
      new Request("http://api.test/v1/admin/models", { method: "POST", body: form, headers: ADMIN }),
    );
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("manifest_first");
  });

  it.each([
    ["JSON instead of multipart", "application/json", '{"name":"x"}', "invalid_multipart"],
    [
      "a truncated multipart body",
      "multipart/form-data; boundary=Q",
      '--Q\r\nContent-Disposition: form-data; name="manifest"\r\n\r\n{',
      "invalid_multipart",
    ],
    [
      "a manifest that is not JSON",
      "multipart/form-data; boundary=Q",
      '--Q\r\nContent-Disposition: form-data; name="manifest"\r\n\r\n{nope\r\n--Q--',
      "invalid_manifest",
    ],
  ])("rejects %s with 400", async (_label, contentType, body, code) => {
    const before = await storageSnapshot();
    const res = await api("/v1/admin/models", {
      method: "POST",
      body,
      headers: { ...ADMIN, "Content-Type": contentType },
    });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe(code);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("refuses a declared Content-Length above the publish limit with 413 before reading", async () => {
    const res = await api("/v1/admin/models", {
      method: "POST",
      body: "x",
      headers: { ...ADMIN, "Content-Type": "multipart/form-data; boundary=Q", "Content-Length": "200000000" },
    });
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe("payload_too_large");
  });

  it("answers 500 signing_key_invalid, reading nothing, when MANIFEST_SIGNING_KEY is not a usable key", async () => {
    const before = await storageSnapshot();
    const request = await publishRequest({ version: "9.2.0", files: [file] });
    const call = publishVersion({ ...env, MANIFEST_SIGNING_KEY: "test-only" }, request);
    await expect(call).rejects.toMatchObject({ status: 500, code: "signing_key_invalid" });
    expect(await storageSnapshot()).toEqual(before);
  });

  it("rejects a part the manifest does not list, and a missing part, with 422 and changes nothing", async () => {
    const before = await storageSnapshot();
    const extra = await publish({
      version: "9.1.0",
      files: [file],
      parts: [{ name: "other.onnx", bytes: file.bytes }],
    });
    expect(extra.status).toBe(422);
    expect(await errorCode(extra)).toBe("unexpected_part");
    const missing = await publish({
      version: "9.1.0",
      files: [file, fixtureFile("x.onnx", "vq-decoder", 71)],
      parts: [{ name: file.name, bytes: file.bytes }],
    });
    expect(missing.status).toBe(422);
    expect(await errorCode(missing)).toBe("missing_file");
    expect(await storageSnapshot()).toEqual(before);
  });
});

describe("POST /v1/admin/models when ENVIRONMENT is production", () => {
  const devSigningKey = /^MANIFEST_SIGNING_KEY="([^"]+)"/m.exec(devVars)?.[1];
  const production = (signingKey: string | undefined) => ({
    ...env,
    ENVIRONMENT: "production",
    MANIFEST_SIGNING_KEY: signingKey ?? "",
  });

  it("refuses to sign with the development key: 500 signing_key_is_development, D1 and R2 untouched", async () => {
    const files = [fixtureFile("vq_decoder.onnx", "vq-decoder", 80), fixtureFile("card.json", "card", 81)];
    const request = await publishRequest({ version: "10.0.0", files });
    const res = await expectStoreUnchanged(async () => callWithEnv(request, production(devSigningKey)));
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("signing_key_is_development");
    expect(body.error.message).toContain(DEV_MANIFEST_KEY.keyId);
    expect(body.error.message).toMatch(/may not sign in production/);
    expect((await api("/v1/models/versions/commonspace-mini/10.0.0")).status).toBe(404);
  });

  it("refuses a key that clients do not ship (the test key) with 500 signing_key_not_trusted", async () => {
    const request = await publishRequest({
      version: "10.0.1",
      files: [fixtureFile("t.json", "tokenizer", 82)],
    });
    const call = expectStoreUnchanged(() => publishVersion(production(env.MANIFEST_SIGNING_KEY), request));
    await expect(call).rejects.toMatchObject({ status: 500, code: "signing_key_not_trusted" });
  });

  it("still signs with the development key in development", async () => {
    const request = await publishRequest({
      version: "10.0.2",
      files: [fixtureFile("t.json", "tokenizer", 83)],
    });
    const result = await publishVersion({ ...env, MANIFEST_SIGNING_KEY: devSigningKey ?? "" }, request);
    expect(result.envelope.key_id).toBe(DEV_MANIFEST_KEY.keyId);
    await expect(verifySignedManifest(result.envelope, [DEV_MANIFEST_KEY])).resolves.toMatchObject({
      key: DEV_MANIFEST_KEY,
    });
  });
});
