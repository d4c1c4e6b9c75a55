// One seed item per distinct PNG: candidates whose rendered bytes are identical are merged.
import { DEFAULT_MAX_CAPTIONS, collectCaptions } from "./captions";
import type { SeedItem } from "./types";

/** A candidate after its image was stored: everything but the pixels, plus the PNG's hash. */
export type PlacedImage = SeedItem;

/** More images overall wins; then more captions (emojilib and CLDR describe the main flag of a shared design). */
function ranksAbove(a: PlacedImage, b: PlacedImage, weight: ReadonlyMap<string, number>): boolean {
  const wa = weight.get(a.concept) ?? 0;
  const wb = weight.get(b.concept) ?? 0;
  return wa !== wb ? wa > wb : a.captions.length > b.captions.length;
}

/**
 * Merges placements that share a PNG hash, keeping first-seen order of hashes. When identical images
 * stand for different concepts (Noto draws the flags of France and Clipperton Island alike), the concept
 * with the most images overall wins (ties: more captions, then the first seen), and the other concepts' canonical names follow
 * its canonical caption, since the image depicts them too.
 */
export function mergeDuplicates(placements: readonly PlacedImage[]): SeedItem[] {
  const weight = new Map<string, number>();
  for (const p of placements) weight.set(p.concept, (weight.get(p.concept) ?? 0) + 1);
  const groups = new Map<string, PlacedImage[]>();
  for (const p of placements) {
    const group = groups.get(p.sha256);
    if (group) group.push(p);
    else groups.set(p.sha256, [p]);
  }
  const items: SeedItem[] = [];
  for (const group of groups.values()) {
    let winner = group[0] as PlacedImage;
    for (const p of group) if (ranksAbove(p, winner, weight)) winner = p;
    const others = group.filter((p) => p !== winner);
    const [canonical, ...rest] = winner.captions;
    const captions = collectCaptions(
      [
        canonical,
        ...others.filter((p) => p.concept !== winner.concept).map((p) => p.captions[0]),
        ...rest,
        ...others.filter((p) => p.concept === winner.concept).flatMap((p) => p.captions),
      ],
      { max: DEFAULT_MAX_CAPTIONS },
    );
    items.push({ ...winner, captions });
  }
  return items;
}
