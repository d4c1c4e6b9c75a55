import { describe, expect, it } from "vitest";
import { FILE_ROLES, uploadManifestSchema } from "./schema";

const entry = { name: "w.onnx", role: "gpt-step", sha256: "a".repeat(64), bytes: 10 };

describe("upload manifest schema", () => {
  it("allows the roles of docs/bundle-format.md and no others", () => {
    for (const role of [
      "card",
      "tokenizer",
      "vq-encoder",
      "vq-decoder",
      "gpt-step",
      "clip-text",
      "clip-image",
    ]) {
      expect(
        uploadManifestSchema.safeParse({ name: "mini", version: "1", files: [{ ...entry, role }] }).success,
      ).toBe(true);
    }
    expect(FILE_ROLES).toContain("samples");
    expect(FILE_ROLES).toContain("readme");
    for (const role of ["vq_encoder", "shell", "gpt-step-fp16", ""]) {
      expect(
        uploadManifestSchema.safeParse({ name: "mini", version: "1", files: [{ ...entry, role }] }).success,
      ).toBe(false);
    }
  });

  it("accepts fp16 and int8 twins of a role through an explicit precision", () => {
    const files = [
      { ...entry, name: "gpt_step.onnx", precision: "fp32" },
      { ...entry, name: "gpt_step.fp16.onnx", precision: "fp16-weights" },
      { ...entry, name: "gpt_step.int8.onnx", precision: "int8" },
    ];
    expect(uploadManifestSchema.safeParse({ name: "mini", version: "1", files }).success).toBe(true);
    const bad = [{ ...entry, precision: "fp8" }];
    expect(uploadManifestSchema.safeParse({ name: "mini", version: "1", files: bad }).success).toBe(false);
  });

  it("accepts a minimal manifest and defaults metrics to an empty object", () => {
    const parsed = uploadManifestSchema.parse({ name: "mini", version: "1.0.0", files: [entry] });
    expect(parsed.metrics).toEqual({});
  });

  it.each(["a/b.onnx", "a\\b.onnx", "..", ".hidden", "a..b", "", "x".repeat(129), "tab\tname", "é.onnx"])(
    "refuses the file name %o",
    (name) => {
      const result = uploadManifestSchema.safeParse({
        name: "mini",
        version: "1",
        files: [{ ...entry, name }],
      });
      expect(result.success).toBe(false);
    },
  );

  it("refuses files that together exceed the publish cap", () => {
    const big = Array.from({ length: 2 }, (_, i) => ({ ...entry, name: `f${i}`, bytes: 60 * 1024 * 1024 }));
    expect(uploadManifestSchema.safeParse({ name: "mini", version: "1", files: big }).success).toBe(false);
  });
});
