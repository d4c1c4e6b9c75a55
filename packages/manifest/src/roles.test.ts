import { describe, expect, it } from "vitest";
import { BUNDLE_ROLES, EXTRA_ROLES, isBundleRole, isPrecision, ROLE_KINDS, RUNTIME_ROLES } from "./roles";

describe("roles", () => {
  it("lists the roles the runtime loads, card first, and the extras a bundle may lack", () => {
    expect(RUNTIME_ROLES).toEqual([
      "card",
      "tokenizer",
      "vq-encoder",
      "vq-decoder",
      "gpt-step",
      "clip-text",
      "clip-image",
    ]);
    expect(EXTRA_ROLES).toEqual([
      "samples",
      "samples-heldout",
      "readme",
      "config",
      "embeddings",
      "licence",
      "dataset-index",
      "dataset-embeddings",
      "dataset-atlas",
    ]);
    expect(BUNDLE_ROLES.filter((role) => ROLE_KINDS[role] === "reserved")).toEqual(["gpt-prefill"]);
  });

  it.each(["vq_encoder", "gpt-step-fp16", "Card", "", "toString", "constructor", 7])(
    "refuses %o as a role",
    (value) => {
      expect(isBundleRole(value)).toBe(false);
    },
  );

  it("knows the precisions of docs/bundle-format.md and no others", () => {
    expect(["fp32", "fp16", "fp16-weights", "int8", "int8-weights"].every(isPrecision)).toBe(true);
    expect(["fp8", "FP16", "", undefined].some(isPrecision)).toBe(false);
  });
});
