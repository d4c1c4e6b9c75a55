/** The public JSON form of an image row, and the SQL columns it is built from. */
import type { ImageType } from "../images/inspect-image";
import type { RecordStatus } from "./moderation-status";

/** Columns of `images i` that {@link imageView} reads. */
export const IMAGE_COLUMNS =
  "i.sha256, i.bytes, i.width, i.height, i.type, i.source, i.licence, i.attribution, i.concept, i.category, " +
  "i.status, i.created_at";

/** An images row as selected with {@link IMAGE_COLUMNS}. */
export interface ImageRow {
  sha256: string;
  bytes: number;
  width: number;
  height: number;
  type: ImageType;
  source: string;
  licence: string;
  attribution: string;
  concept: string | null;
  category: string | null;
  status: RecordStatus;
  created_at: number;
}

/** An image as the API shows it: the row with its bytes' URL and an ISO 8601 `created_at`. */
export type ImageView = Omit<ImageRow, "created_at"> & { url: string; created_at: string };

/** Path of an image's bytes. */
export function imageUrl(sha256: string): string {
  return `/v1/images/${sha256}`;
}

/** Maps a row to its view. */
export function imageView(row: ImageRow): ImageView {
  return {
    sha256: row.sha256,
    url: imageUrl(row.sha256),
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    type: row.type,
    source: row.source,
    licence: row.licence,
    attribution: row.attribution,
    concept: row.concept,
    category: row.category,
    status: row.status,
    created_at: new Date(row.created_at).toISOString(),
  };
}
