// The smallest D3-style linear scale regl-scatterplot accepts (`xScale` / `yScale`: it only reads and writes
// `domain()` and writes `range()`), so labels and thumbnails follow pan and zoom without depending on d3.

/** A linear scale: call it with a data value for a screen coordinate. */
export interface LinearScale {
  (value: number): number;
  domain(): [number, number];
  domain(domain: readonly [number, number]): LinearScale;
  range(): [number, number];
  range(range: readonly [number, number]): LinearScale;
}

/** A scale from `domain` (default the map's [-1, 1]) to `range`. */
export function linearScale(
  domain: [number, number] = [-1, 1],
  range: [number, number] = [0, 1],
): LinearScale {
  let [d0, d1] = domain;
  let [r0, r1] = range;
  const scale = ((value: number) => r0 + ((value - d0) / (d1 - d0 || 1)) * (r1 - r0)) as LinearScale;
  scale.domain = ((next?: readonly [number, number]) => {
    if (!next) return [d0, d1];
    [d0, d1] = next;
    return scale;
  }) as LinearScale["domain"];
  scale.range = ((next?: readonly [number, number]) => {
    if (!next) return [r0, r1];
    [r0, r1] = next;
    return scale;
  }) as LinearScale["range"];
  return scale;
}
