// Registers ./ts-hooks.mjs so that later imports of `.ts` files work on Node 20 (no --experimental-strip-types
// there). Use as `node --import ./scripts/register-ts.mjs file.ts`, or import it before a dynamic import().
import { register } from "node:module";

register("./ts-hooks.mjs", import.meta.url);
