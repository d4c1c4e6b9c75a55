/**
 * The roles a manifest's files may have (docs/manifest-format.md §1, docs/bundle-format.md §1) and the
 * precisions of ONNX files. This file is the source: `packages/manifest/roles.json` is generated from it
 * (`npm run roles -w packages/manifest`; src/roles-json.test.ts fails while it is stale) for the code that
 * cannot import TypeScript: apps/api/scripts/publish-bundle.mjs and the trainer (training/card.py).
 */

/**
 * What a role is for:
 * - `runtime`: the on-device runtime loads a file of this role, so a bundle needs one;
 * - `optional`: the runtime loads a file of this role when the bundle has one (the masked-token generator,
 *   docs/bundle-format.md §9); a bundle without one still runs, with fewer modes;
 * - `reserved`: accepted in manifests, not loaded yet (a graph planned for the runtime);
 * - `extra`: documentation or data the runtime never loads (samples, README, …); a bundle folder may lack it,
 *   and the publish script then leaves it out.
 */
export type RoleKind = "runtime" | "optional" | "reserved" | "extra";

/**
 * Every role, in the order the runtime loads them (card first), with its kind. fp32 / fp16 / int8 twins of a
 * graph share a role and differ in `precision`. Any other role is refused at publish time.
 */
export const ROLE_KINDS = {
  card: "runtime",
  tokenizer: "runtime",
  "vq-encoder": "runtime",
  "vq-decoder": "runtime",
  "gpt-step": "runtime",
  "gpt-prefill": "reserved",
  "clip-text": "runtime",
  "clip-image": "runtime",
  maskgit: "optional",
  samples: "extra",
  "samples-heldout": "extra",
  readme: "extra",
  config: "extra",
  embeddings: "extra",
  licence: "extra",
  // The dataset index of this version (docs/bundle-format.md §8): only the Explore page and the API's
  // labelling tasks read it, never generation, so the runtime never downloads it with the model.
  "dataset-index": "extra",
  "dataset-embeddings": "extra",
  "dataset-atlas": "extra",
} as const satisfies Record<string, RoleKind>;

/** A role a bundle file can have. */
export type BundleRole = keyof typeof ROLE_KINDS;

function rolesOfKind(kind: RoleKind): readonly BundleRole[] {
  return BUNDLE_ROLES.filter((role) => ROLE_KINDS[role] === kind);
}

/** Every role, in {@link ROLE_KINDS} order. */
export const BUNDLE_ROLES: readonly BundleRole[] = Object.keys(ROLE_KINDS) as BundleRole[];
/** The roles the runtime loads, card first. */
export const RUNTIME_ROLES: readonly BundleRole[] = rolesOfKind("runtime");
/** The roles the runtime loads when a bundle has them (a bundle may lack them and still run). */
export const OPTIONAL_ROLES: readonly BundleRole[] = rolesOfKind("optional");
/** The roles the runtime never loads; a bundle folder may lack their files. */
export const EXTRA_ROLES: readonly BundleRole[] = rolesOfKind("extra");

/** Numeric precision of an ONNX file; `-weights`: weights stored at that precision and cast to fp32 at load. */
export const PRECISIONS = ["fp32", "fp16", "fp16-weights", "int8", "int8-weights"] as const;

/** How an ONNX file stores its weights and computes. */
export type Precision = (typeof PRECISIONS)[number];

/** Whether `value` is one of {@link BUNDLE_ROLES}. */
export function isBundleRole(value: unknown): value is BundleRole {
  return typeof value === "string" && Object.hasOwn(ROLE_KINDS, value);
}

/** Whether `value` names a precision a manifest or card may give a file. */
export function isPrecision(value: unknown): value is Precision {
  return (PRECISIONS as readonly unknown[]).includes(value);
}
