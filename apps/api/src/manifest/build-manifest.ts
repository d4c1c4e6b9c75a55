/** Builds the public manifest of a version from a validated upload manifest. */
import { MANIFEST_FORMAT, type Manifest, type UploadManifest } from "@commonspace/manifest";

/** The public path of a model file's bytes. */
export function modelFileUrl(sha256: string): string {
  return `/v1/models/files/${sha256}`;
}

/** The public manifest for `upload`, published at `created` (ISO 8601 UTC). Files keep the upload's order. */
export function buildManifest(upload: UploadManifest, created: string): Manifest {
  return {
    format: MANIFEST_FORMAT,
    model: upload.name,
    version: upload.version,
    created,
    files: upload.files.map((f) => ({
      name: f.name,
      role: f.role,
      bytes: f.bytes,
      sha256: f.sha256,
      ...(f.precision ? { precision: f.precision } : {}),
      url: modelFileUrl(f.sha256),
    })),
    metrics: upload.metrics,
    ...(upload.card ? { card: upload.card } : {}),
  };
}
