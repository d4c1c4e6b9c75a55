// Generates and checks packages/manifest/roles.json, the copy of src/roles.ts for code that cannot import
// TypeScript (apps/api/scripts/publish-bundle.mjs, training/card.py). It fails while the file is stale;
// `npm run roles -w packages/manifest` rewrites it.
import { format } from "prettier";
import { expect, test } from "vitest";
import { MANIFEST_FORMAT } from "./format";
import { BUNDLE_ROLES, EXTRA_ROLES, OPTIONAL_ROLES, PRECISIONS, ROLE_KINDS, RUNTIME_ROLES } from "./roles";

/** The JSON document, formatted as the repository's prettier formats JSON. */
async function rolesJson(): Promise<string> {
  const document = {
    $comment:
      "GENERATED from packages/manifest/src/roles.ts by `npm run roles -w packages/manifest`: do not edit. " +
      "Read by apps/api/scripts/publish-bundle.mjs and training/card.py.",
    format: MANIFEST_FORMAT,
    roles: BUNDLE_ROLES,
    kinds: ROLE_KINDS,
    runtime_roles: RUNTIME_ROLES,
    optional_roles: OPTIONAL_ROLES,
    extra_roles: EXTRA_ROLES,
    precisions: PRECISIONS,
  };
  return format(JSON.stringify(document, null, 2), { parser: "json", printWidth: 110 });
}

test("roles.json holds exactly what src/roles.ts says (else run `npm run roles -w packages/manifest`)", async () => {
  await expect(await rolesJson()).toMatchFileSnapshot("../roles.json");
});
