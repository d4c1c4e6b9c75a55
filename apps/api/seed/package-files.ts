// Reads data files of installed source packages (emoji-datasource-*, openmoji, emojilib, @iconify-json/*).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { SeedSourceError } from "./errors";

/** File access to installed npm packages, resolved like `require.resolve` from one folder. */
export interface PackageFiles {
  /** Absolute path of `<package>/<file>`; throws {@link SeedSourceError} when the package is missing. */
  resolve(specifier: string): string;
  readText(specifier: string): string;
  readBytes(specifier: string): Uint8Array;
  /** Parses a JSON file; the caller states the shape it expects and checks what it relies on. */
  readJson<T>(specifier: string): T;
}

/** Package file access resolved from `fromDir` (the seed folder, so the workspace's node_modules apply). */
export function createPackageFiles(fromDir: string): PackageFiles {
  const require = createRequire(join(fromDir, "package-files-anchor.js"));
  const resolve = (specifier: string): string => {
    try {
      return require.resolve(specifier);
    } catch (cause) {
      throw new SeedSourceError(
        `cannot find ${specifier} from ${fromDir}; expected the seed source packages to be installed ` +
          `(they are devDependencies of apps/api: run npm ci at the repository root)`,
        { cause },
      );
    }
  };
  return {
    resolve,
    readText: (specifier) => readFileSync(resolve(specifier), "utf8"),
    readBytes: (specifier) => new Uint8Array(readFileSync(resolve(specifier))),
    readJson: <T>(specifier: string): T => JSON.parse(readFileSync(resolve(specifier), "utf8")) as T,
  };
}
