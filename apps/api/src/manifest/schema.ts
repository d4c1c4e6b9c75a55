/**
 * The API's side of the manifest shapes: zod schemas for the model names and versions in route parameters
 * and bodies, built from the patterns of @commonspace/manifest (which also validates whole manifests), and
 * the size limit of a publish request's `manifest` part.
 */
import { MODEL_NAME_PATTERN, VERSION_PATTERN } from "@commonspace/manifest";
import { z } from "zod";

/** Largest `manifest` part of a publish request. */
export const MAX_MANIFEST_PART_BYTES = 64 * 1024;

/** A model name, e.g. `commonspace-mini`. */
export const modelNameSchema = z
  .string()
  .regex(MODEL_NAME_PATTERN, "lower-case letters, digits, '.', '_', '-'; ≤ 64");
/** A version string, e.g. `2026.11.28-1` or `1.2.0+fp16`. */
export const versionSchema = z.string().regex(VERSION_PATTERN, "letters, digits, '.', '+', '_', '-'; ≤ 64");
