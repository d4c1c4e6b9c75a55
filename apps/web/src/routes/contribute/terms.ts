/**
 * The contribution terms in force, from the API (GET /v1/terms): the text a contributor agrees to, its version and
 * the licences. The last terms read are kept in localStorage, so a contribution can be made (and queued) offline
 * against the terms the person was shown; the API refuses it later if the terms changed meanwhile.
 */
import type { ApiClient } from "$lib/api";
import type { Terms } from "./contribution.svelte";

const KEY = "commonspace.terms";

/** Reads the current terms, or the last ones read when the API cannot be reached. @throws Error when neither exists. */
export async function loadTerms(client: ApiClient): Promise<Terms & { readonly cached: boolean }> {
  try {
    const res = await client.v1.terms.$get();
    if (!res.ok) throw new Error(`the API answered ${res.status} for the terms`);
    const terms: Terms = await res.json();
    localStorage.setItem(KEY, JSON.stringify(terms));
    return { ...terms, cached: false };
  } catch (error) {
    const kept = localStorage.getItem(KEY);
    if (kept) return { ...(JSON.parse(kept) as Terms), cached: true };
    throw error;
  }
}
