/**
 * The site's main navigation. Add an entry when its page exists (Explore is planned); the layout renders this list as it is.
 */

import type { Pathname } from "$app/types";

/** One link in the main navigation. */
export interface NavEntry {
  /** Path of an existing route, e.g. `/generate` (checked against the app's routes). */
  href: Pathname;
  /** Visible label. */
  label: string;
}

/** Main navigation, in display order. */
export const NAVIGATION: readonly NavEntry[] = [
  { href: "/", label: "Home" },
  { href: "/generate", label: "Generate" },
  { href: "/contribute", label: "Contribute" },
  { href: "/label", label: "Label" },
  { href: "/explore", label: "Explore" },
  { href: "/models", label: "Models" },
  { href: "/moderate", label: "Moderate" },
];

/** Whether `href` is the current page (or, for sections, an ancestor of it). */
export function isCurrent(href: string, pathname: string): boolean {
  if (href === "/") return pathname === "/";
  return pathname === href || pathname.startsWith(`${href}/`);
}
