import { parseUploadManifest } from "@commonspace/manifest";
import { describe, expect, it } from "vitest";
import { buildManifest } from "./build-manifest";

const sha = "b".repeat(64);

describe("buildManifest", () => {
  it("adds the format, the publish time and each file's URL, and keeps precision and card when given", () => {
    const upload = parseUploadManifest({
      name: "mini",
      version: "1.0.0",
      files: [{ name: "g.onnx", role: "gpt-step", sha256: sha, bytes: 5, precision: "fp16" }],
      metrics: { psnr: 20 },
      card: { licence: "CC-BY-4.0" },
    });
    expect(buildManifest(upload, "2026-11-28T00:00:00.000Z")).toEqual({
      format: "commonspace-manifest/1",
      model: "mini",
      version: "1.0.0",
      created: "2026-11-28T00:00:00.000Z",
      files: [
        {
          name: "g.onnx",
          role: "gpt-step",
          bytes: 5,
          sha256: sha,
          precision: "fp16",
          url: `/v1/models/files/${sha}`,
        },
      ],
      metrics: { psnr: 20 },
      card: { licence: "CC-BY-4.0" },
    });
  });

  it("leaves out card and precision when the publisher sent none", () => {
    const upload = parseUploadManifest({
      name: "mini",
      version: "1",
      files: [{ name: "t.json", role: "tokenizer", sha256: sha, bytes: 5 }],
    });
    const manifest = buildManifest(upload, "2026-11-28T00:00:00.000Z");
    expect("card" in manifest).toBe(false);
    expect("precision" in (manifest.files[0] ?? {})).toBe(false);
  });
});
