// SVG -> 64x64 RGBA PNG with resvg: transparent background, aspect ratio kept, drawing centred.
import { Resvg } from "@resvg/resvg-js";
import { PngFormatError } from "./errors";
import { SEED_IMAGE_SIZE, isSeedPng, toSeedPng } from "./png";

/**
 * Identifies the rasteriser and its settings; part of the render-cache key, so changing the renderer or
 * its options invalidates cached renders.
 */
export const RASTERISER_ID = `resvg-js@2.6.2/${SEED_IMAGE_SIZE}px/meet-centred/no-system-fonts/v1`;

const ROOT_TAG = /<svg\b[^>]*>/i;

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, "i").exec(tag)?.[1];
}

/**
 * Rewrites the root `<svg>` tag so the document renders at 64x64: its own width/height are replaced, and a
 * viewBox is added from them when missing. The default `preserveAspectRatio` (xMidYMid meet) then centres
 * non-square drawings.
 */
export function fitSvgDocument(svg: string): string {
  const tag = ROOT_TAG.exec(svg)?.[0];
  if (tag === undefined) {
    throw new PngFormatError(`SVG text without an <svg> root (starts ${JSON.stringify(svg.slice(0, 60))})`);
  }
  let viewBox = attribute(tag, "viewBox");
  if (viewBox === undefined) {
    const w = Number.parseFloat(attribute(tag, "width") ?? "");
    const h = Number.parseFloat(attribute(tag, "height") ?? "");
    if (!(w > 0 && h > 0)) {
      throw new PngFormatError(`SVG root ${tag} has no viewBox and no numeric width/height; add a viewBox`);
    }
    viewBox = `0 0 ${w} ${h}`;
  }
  const bare = tag.replace(/\s(?:width|height|viewBox|preserveAspectRatio)\s*=\s*["'][^"']*["']/gi, "");
  const size = SEED_IMAGE_SIZE;
  const fitted = bare.replace(/^<svg\b/i, `<svg width="${size}" height="${size}" viewBox="${viewBox}"`);
  return svg.replace(tag, fitted);
}

/** Rasterises an SVG document to a 64x64 8-bit RGBA PNG on a transparent background. */
export function rasteriseSvg(svg: string): Uint8Array {
  const resvg = new Resvg(fitSvgDocument(svg), {
    fitTo: { mode: "original" },
    font: { loadSystemFonts: false },
  });
  const png = new Uint8Array(resvg.render().asPng());
  return isSeedPng(png) ? png : toSeedPng(png);
}
