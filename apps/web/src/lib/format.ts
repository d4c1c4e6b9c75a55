/** Number formats shared by the pages. */

/** `bytes` as MB with one decimal (two under 1 MB), e.g. `18.5 MB`, `0.13 MB`. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1)} MB`;
}
