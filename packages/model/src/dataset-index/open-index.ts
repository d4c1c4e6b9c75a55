// Downloads the dataset index of the active model version, only when asked (Explore): its files are extras
// the runtime never fetches with the model. They are found by role in the signed manifest (API sources) or
// in card.json (static bundles), and each is checked against its SHA-256 and size before use. No cache of our
// own: the API serves them immutable, so the browser's HTTP cache keeps them between visits.
import type { BundleRole } from "@commonspace/manifest";
import type { ModelBundle } from "../bundle/bundle";
import { downloadVerified } from "../bundle/download";
import { ModelError } from "../errors";
import { decodeEmbeddings, parseDatasetIndex, type DatasetIndex } from "./index-format";

/** Roles of the index files, index.json first. */
export const DATASET_ROLES = [
  "dataset-index",
  "dataset-embeddings",
  "dataset-atlas",
] as const satisfies readonly BundleRole[];

/** The bundle has no dataset index (it was published without one). */
export class NoDatasetIndexError extends ModelError {
  override readonly name = "NoDatasetIndexError";
  constructor(readonly version: string) {
    super(
      `Model version ${version} was published without a dataset index (no file of role dataset-index). Build ` +
        "one with `node packages/model/scripts/build-index.mjs --api <API> --out <dir>` and publish that folder.",
    );
  }
}

/** An opened index: index.json, the decoded embeddings and the atlas PNG bytes (when there is one). */
export interface OpenedIndex {
  readonly index: DatasetIndex;
  readonly vectors: Float32Array[];
  readonly atlas: Uint8Array | undefined;
}

/** Options of {@link openDatasetIndex}. */
export interface OpenIndexOptions {
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

/** Downloads and checks the index files of `bundle`; see the file header. */
export async function openDatasetIndex(
  bundle: ModelBundle,
  options: OpenIndexOptions = {},
): Promise<OpenedIndex> {
  const entries = bundle.manifest?.files ?? bundle.card.files;
  const download = async (role: BundleRole): Promise<Uint8Array | undefined> => {
    const entry = entries.find((file) => file.role === role);
    if (!entry) return undefined;
    const url = new URL("url" in entry ? (entry.url as string) : entry.name, bundle.source).toString();
    return downloadVerified(
      { url, name: entry.name, bytes: entry.bytes, sha256: entry.sha256 },
      { fetch: options.fetch ?? globalThis.fetch.bind(globalThis), signal: options.signal },
    );
  };
  const json = await download("dataset-index");
  if (!json) throw new NoDatasetIndexError(bundle.card.version);
  const index = parseDatasetIndex(new TextDecoder().decode(json));
  const [embeddings, atlas] = await Promise.all([download("dataset-embeddings"), download("dataset-atlas")]);
  if (!embeddings) throw new NoDatasetIndexError(bundle.card.version);
  return { index, vectors: decodeEmbeddings(embeddings, index.count, index.dim), atlas };
}
