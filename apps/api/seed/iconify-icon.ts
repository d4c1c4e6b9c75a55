// Iconify icon data: resolving names and aliases to full icons, and turning an icon into an SVG document.
import { SeedSourceError } from "./errors";

/** Optional geometry and transforms shared by icons, aliases and set defaults (Iconify JSON format). */
export interface IconifyDimensions {
  left?: number;
  top?: number;
  width?: number;
  height?: number;
  rotate?: number;
  hFlip?: boolean;
  vFlip?: boolean;
}

/** One icon of an `icons.json`. */
export interface IconifyIconData extends IconifyDimensions {
  body: string;
  hidden?: boolean;
}

/** One alias of an `icons.json`: another name for `parent`, optionally transformed. */
export interface IconifyAliasData extends IconifyDimensions {
  parent: string;
  hidden?: boolean;
}

/** The parts of an Iconify `icons.json` the seed builder reads. */
export interface IconifyJson extends IconifyDimensions {
  prefix: string;
  icons: Record<string, IconifyIconData>;
  aliases?: Record<string, IconifyAliasData>;
}

/** An icon with every field filled in from the icon, its alias chain and the set defaults. */
export interface ResolvedIcon {
  body: string;
  left: number;
  top: number;
  width: number;
  height: number;
  /** Quarter turns clockwise, 0-3. */
  rotate: number;
  hFlip: boolean;
  vFlip: boolean;
}

/** Whether an alias changes the drawing (so it is a different image, not just another name). */
export function aliasTransforms(alias: IconifyAliasData): boolean {
  return Boolean(alias.rotate || alias.hFlip || alias.vFlip);
}

/** Resolves an icon or alias name of a set; aliases compose their flips and rotations over the parent's. */
export function resolveIcon(set: IconifyJson, name: string): ResolvedIcon {
  const chain: IconifyDimensions[] = [];
  let current = name;
  for (let depth = 0; depth < 8; depth++) {
    const icon = set.icons[current];
    if (icon !== undefined) {
      const base = { ...icon };
      let rotate = base.rotate ?? 0;
      let hFlip = base.hFlip ?? false;
      let vFlip = base.vFlip ?? false;
      for (const alias of chain.reverse()) {
        rotate += alias.rotate ?? 0;
        hFlip = hFlip !== (alias.hFlip ?? false);
        vFlip = vFlip !== (alias.vFlip ?? false);
      }
      return {
        body: base.body,
        left: base.left ?? set.left ?? 0,
        top: base.top ?? set.top ?? 0,
        width: base.width ?? set.width ?? 16,
        height: base.height ?? set.height ?? 16,
        rotate: ((rotate % 4) + 4) % 4,
        hFlip,
        vFlip,
      };
    }
    const alias = set.aliases?.[current];
    if (alias === undefined) break;
    chain.push(alias);
    current = alias.parent;
  }
  throw new SeedSourceError(
    `icon ${JSON.stringify(name)} is not in set ${set.prefix} (or its alias chain is broken)`,
  );
}

/**
 * An SVG document for a resolved icon: flips applied inside rotation, rotation about the icon centre, and a
 * viewBox of the (rotated) icon box. The rasteriser sets the output size.
 */
export function iconToSvg(icon: ResolvedIcon): string {
  const { left, top, width, height } = icon;
  const transforms: string[] = [];
  let box = [left, top, width, height];
  if (icon.rotate !== 0) {
    const cx = left + width / 2;
    const cy = top + height / 2;
    transforms.push(`rotate(${icon.rotate * 90} ${cx} ${cy})`);
    if (icon.rotate % 2 === 1) box = [cx - height / 2, cy - width / 2, height, width];
  }
  if (icon.hFlip) transforms.push(`translate(${2 * left + width} 0) scale(-1 1)`);
  if (icon.vFlip) transforms.push(`translate(0 ${2 * top + height}) scale(1 -1)`);
  const body = transforms.length > 0 ? `<g transform="${transforms.join(" ")}">${icon.body}</g>` : icon.body;
  const viewBox = box.join(" ");
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="${viewBox}">${body}</svg>`;
}
