/** Licences (SPDX ids) accepted for images. Contributions must be free to reuse, share and train on. */
import { z } from "zod";

/** Licences a contributor may choose for their own image. */
export const CONTRIBUTION_LICENCES = ["CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0"] as const;

/** Schema for a contribution's licence field. */
export const contributionLicence = z.enum(CONTRIBUTION_LICENCES);

/** Schema for an imported (curated) image's licence: any SPDX-shaped id, e.g. `Apache-2.0`, `MIT`. */
export const spdxLicence = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9.+-]{0,63}$/, "expected an SPDX licence id");
