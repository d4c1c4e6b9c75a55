import { describe, expect, it } from "vitest";
import { MANIFEST_FORMAT, MAX_FILE_BYTES } from "./format";
import { BUNDLE_ROLES } from "./roles";
import {
  describeValue,
  ManifestFormatError,
  parseEnvelope,
  parseUploadManifest,
  validateManifest,
} from "./validate";

const sha = "a".repeat(64);
const entry = { name: "w.onnx", role: "gpt-step", sha256: sha, bytes: 10 };
const upload = (files: unknown[], extra: Record<string, unknown> = {}) => ({
  name: "mini",
  version: "1",
  files,
  ...extra,
});

describe("parseUploadManifest", () => {
  it("accepts every role of the role list, and defaults metrics to an empty object", () => {
    for (const role of BUNDLE_ROLES) {
      expect(parseUploadManifest(upload([{ ...entry, role }])).metrics).toEqual({});
    }
  });

  it("accepts fp16 and int8 twins of a role through an explicit precision", () => {
    const files = [
      { ...entry, name: "gpt_step.onnx", precision: "fp32" },
      { ...entry, name: "gpt_step.fp16.onnx", precision: "fp16-weights" },
      { ...entry, name: "gpt_step.int8.onnx", precision: "int8" },
    ];
    expect(parseUploadManifest(upload(files, { metrics: { psnr: 21 }, card: { a: 1 } })).files).toHaveLength(
      3,
    );
  });

  it.each<[string, unknown, string]>([
    ["an unknown role", upload([{ ...entry, role: "shell" }]), "files[0].role"],
    ["a role spelt with an underscore", upload([{ ...entry, role: "vq_encoder" }]), "files[0].role"],
    ["an unknown precision", upload([{ ...entry, precision: "fp8" }]), "files[0].precision"],
    ["an upper-case SHA-256", upload([{ ...entry, sha256: "A".repeat(64) }]), "files[0].sha256"],
    ["a file over the size cap", upload([{ ...entry, bytes: MAX_FILE_BYTES + 1 }]), "files[0].bytes"],
    ["a fractional size", upload([{ ...entry, bytes: 1.5 }]), "files[0].bytes"],
    ["an unknown file field", upload([{ ...entry, url: "/x" }]), "files[0].url"],
    ["an unknown manifest field", upload([entry], { extra: true }), "extra"],
    ["a model name with a slash", { ...upload([entry]), name: "a/b" }, "name"],
    ["a version with a space", { ...upload([entry]), version: "1 0" }, "version"],
    ["no files", upload([]), "files"],
    ["duplicate file names", upload([entry, entry]), "files[].name"],
    [
      "files over the total cap",
      upload([0, 1].map((i) => ({ ...entry, name: `f${i}`, bytes: MAX_FILE_BYTES }))),
      "files[].bytes",
    ],
    ["metrics that are an array", upload([entry], { metrics: [1] }), "metrics"],
    ["a card key over 128 characters", upload([entry], { card: { ["k".repeat(129)]: 1 } }), "card key"],
    ["a manifest that is not an object", "nope", "manifest"],
  ])("refuses %s, naming the field", (_what, value, field) => {
    expect(() => parseUploadManifest(value)).toThrow(expect.objectContaining({ field }));
  });

  it.each(["a/b.onnx", "a\\b.onnx", "..", ".hidden", "a..b", "", "x".repeat(129), "tab\tname", "é.onnx"])(
    "refuses the file name %o",
    (name) => {
      expect(() => parseUploadManifest(upload([{ ...entry, name }]))).toThrow(ManifestFormatError);
    },
  );

  it("says what it found and what it expected", () => {
    expect(() => parseUploadManifest(upload([{ ...entry, role: "shell" }]))).toThrow(
      /^files\[0\]\.role is "shell", expected one of card, tokenizer, vq-encoder/,
    );
  });
});

describe("validateManifest", () => {
  const manifest = {
    format: MANIFEST_FORMAT,
    model: "default",
    version: "2026.11.28",
    created: "2026-11-28T12:00:00.000Z",
    files: [{ name: "t.json", role: "tokenizer", bytes: 17, sha256: sha, url: `/v1/models/files/${sha}` }],
    metrics: {},
  };

  it("accepts a public manifest, and roles and fields a newer publisher may add", () => {
    const newer = { ...manifest, files: [{ ...manifest.files[0], role: "depth-map", extra: 1 }], notes: "" };
    expect(validateManifest(newer, "default").files[0]?.role).toBe("depth-map");
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["another format", { format: "commonspace-manifest/2" }, "manifest.format"],
    ["a file without a URL", { files: [{ ...manifest.files[0], url: "" }] }, "manifest.files[0].url"],
    ["a created time that is no time", { created: "yesterday" }, "manifest.created"],
    ["metrics that are not an object", { metrics: null }, "manifest.metrics"],
  ])("refuses %s", (_what, change, field) => {
    expect(() => validateManifest({ ...manifest, ...change })).toThrow(expect.objectContaining({ field }));
  });

  it("refuses a manifest for another model than the one asked for", () => {
    expect(() => validateManifest(manifest, "other")).toThrow(
      /manifest\.model is "default", expected "other"/,
    );
  });
});

describe("parseEnvelope", () => {
  it.each<[string, unknown, string]>([
    [
      "a key id that is not 16 hex",
      { key_id: "DBB51A15DABCCF2F", manifest: {}, signature: "" },
      "envelope.key_id",
    ],
    ["no signature", { key_id: "dbb51a15dabccf2f", manifest: {} }, "envelope.signature"],
    [
      "a manifest that is a string",
      { key_id: "dbb51a15dabccf2f", manifest: "{}", signature: "" },
      "envelope.manifest",
    ],
  ])("refuses an envelope with %s", (_what, value, field) => {
    expect(() => parseEnvelope(value)).toThrow(expect.objectContaining({ field }));
  });
});

describe("describeValue", () => {
  it("names a bad value briefly: strings quoted and cut at 80, arrays by length, objects as such", () => {
    expect(describeValue("x".repeat(100))).toBe(JSON.stringify(`${"x".repeat(77)}...`));
    expect(describeValue(3)).toBe("3");
    expect(describeValue([1, 2])).toBe("an array of 2");
    expect(describeValue({ a: 1 })).toBe("an object");
  });
});
