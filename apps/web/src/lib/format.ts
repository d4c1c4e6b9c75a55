/** Number formats shared by the pages. */

/** `bytes` as MB with one decimal (two under 1 MB; KB under 100 KB), e.g. `18.5 MB`, `0.13 MB`, `3 KB`. */
export function megabytes(bytes: number): string {
  if (bytes < 100_000) return `${Math.max(1, Math.round(bytes / 1000))} KB`;
  return `${(bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1)} MB`;
}
