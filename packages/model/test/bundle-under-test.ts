// Which bundle the model tests run on: the committed default bundle (models/default) once it exists, else the
// tiny fixture (test/fixtures/tiny-bundle, made by scripts/make-tiny-bundle.py). COMMONSPACE_TEST_BUNDLE
// overrides both with a folder path.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DEFAULT_BUNDLE = fileURLToPath(new URL("../../../models/default", import.meta.url));
const TINY_BUNDLE = fileURLToPath(new URL("./fixtures/tiny-bundle", import.meta.url));

/** Folder of the bundle under test. */
export const BUNDLE_DIR =
  process.env["COMMONSPACE_TEST_BUNDLE"] ??
  (existsSync(`${DEFAULT_BUNDLE}/card.json`) ? DEFAULT_BUNDLE : TINY_BUNDLE);

/** The tiny fixture (format 3: CLIP-conditioned GPT), for tests that need a small bundle whatever the default is. */
export const TINY_BUNDLE_DIR = TINY_BUNDLE;

/** The tiny fixture's format-2 twin (no conditioning input), made by `make-tiny-bundle.py --format2`. */
export const TINY_FORMAT2_DIR = fileURLToPath(new URL("./fixtures/tiny-bundle-format2", import.meta.url));
