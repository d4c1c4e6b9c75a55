#!/usr/bin/env node
// Publishes a model bundle folder (docs/bundle-format.md: card.json and the files it lists) to an API with
// `POST /v1/admin/models`, then points a channel at it with `POST /v1/admin/channels/:channel`. Idempotent:
// a version the API already has (409) is only promoted. card.json itself goes up as the `card` file, since the
// runtime reads the card from the signed manifest's files. Plain Node 20, no dependencies.
//
//   node apps/api/scripts/publish-bundle.mjs --dir models/default [--api http://127.0.0.1:8787]
//        [--token <admin token>] [--channel stable] [--name <model name>]
//
// --token defaults to ADMIN_TOKEN from .dev.vars (else .dev.vars.example) at the repository root; --name
// defaults to "default" (the model the web app follows), not the card's own name.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The role list of @commonspace/manifest, generated from its src/roles.ts (this script cannot import .ts). */
const ROLES = JSON.parse(readFileSync(join(ROOT, "packages", "manifest", "roles.json"), "utf8"));
const KNOWN_ROLES = new Set(ROLES.roles);
/** Roles the runtime never loads: a bundle folder may lack their files (they are then not published). */
const EXTRA_ROLES = new Set(ROLES.extra_roles);

/** A failure the user can fix; printed without a stack. */
export class PublishError extends Error {
  name = "PublishError";
}

/** ADMIN_TOKEN from the development variables at the repository root. */
export function devAdminToken(root = ROOT) {
  for (const file of [".dev.vars", ".dev.vars.example"]) {
    const path = join(root, file);
    if (!existsSync(path)) continue;
    const match = /^ADMIN_TOKEN\s*=\s*"?([^"\n]*)"?\s*$/m.exec(readFileSync(path, "utf8"));
    if (match?.[1]) return match[1];
  }
  throw new PublishError("No ADMIN_TOKEN in .dev.vars or .dev.vars.example: pass --token.");
}

/**
 * The upload manifest and file parts for a bundle folder.
 * @param {string} dir
 * @param {string} name model name to publish under
 */
export function readBundle(dir, name) {
  const cardPath = join(dir, "card.json");
  if (!existsSync(cardPath))
    throw new PublishError(`${cardPath} does not exist: --dir must be a bundle folder.`);
  const cardBytes = readFileSync(cardPath);
  const card = JSON.parse(cardBytes.toString("utf8"));
  if (typeof card.version !== "string" || !Array.isArray(card.files)) {
    throw new PublishError(`${cardPath} has no "version" string or "files" list (docs/bundle-format.md).`);
  }
  const files = [];
  const skipped = [];
  for (const entry of card.files) {
    if (!KNOWN_ROLES.has(entry.role)) {
      throw new PublishError(
        `${entry.name} has role ${JSON.stringify(entry.role)}, which the API refuses; the roles are ` +
          `${ROLES.roles.join(", ")} (packages/manifest/src/roles.ts). Re-export the bundle.`,
      );
    }
    const path = join(dir, entry.name);
    if (!existsSync(path) && EXTRA_ROLES.has(entry.role)) {
      skipped.push(`${entry.name} (missing from the folder)`);
      continue;
    }
    const bytes = readFileSync(path);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    if (sha256 !== entry.sha256 || bytes.length !== entry.bytes) {
      throw new PublishError(
        `${entry.name} does not match card.json (sha256 ${sha256}, ${bytes.length} bytes; card says ` +
          `${entry.sha256}, ${entry.bytes} bytes). Re-export the bundle.`,
      );
    }
    files.push({ entry: manifestEntry(entry), bytes });
  }
  const cardSha = createHash("sha256").update(cardBytes).digest("hex");
  files.push({
    entry: { name: "card.json", role: "card", sha256: cardSha, bytes: cardBytes.length },
    bytes: cardBytes,
  });
  const metrics = card.metrics && typeof card.metrics === "object" ? card.metrics : {};
  const manifest = { name, version: card.version, files: files.map((f) => f.entry), metrics };
  return { manifest, files, skipped, cardSha };
}

function manifestEntry(entry) {
  const out = { name: entry.name, role: entry.role, sha256: entry.sha256, bytes: entry.bytes };
  if (entry.precision) out.precision = entry.precision;
  return out;
}

/** fetch, retried (up to 3 tries) when wrangler dev restarts mid-request (503) or the connection drops. */
async function fetchRetrying(url, init) {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url, init);
      if (response.status !== 503 || attempt === 3) return response;
      await response.body?.cancel();
    } catch (error) {
      if (attempt === 3) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
  }
}

async function errorText(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    return `${body.error?.code ?? response.status}: ${body.error?.message ?? text}`;
  } catch {
    return `HTTP ${response.status}: ${text.slice(0, 300)}`;
  }
}

/**
 * Publishes `dir` to `api` and promotes it to `channel`.
 * @param {{ dir: string, api: string, token: string, channel?: string, name?: string, log?: (line: string) => void }} options
 * @returns {Promise<{ version: string, published: boolean, cardSha: string }>}
 */
export async function publishBundle(options) {
  const { dir, token, channel = "stable", name = "default", log = () => {} } = options;
  const api = options.api.replace(/\/+$/, "");
  const { manifest, files, skipped, cardSha } = readBundle(resolve(dir), name);
  if (skipped.length) log(`skipping files the API does not distribute: ${skipped.join(", ")}`);
  const auth = { Authorization: `Bearer ${token}` };
  const form = new FormData();
  form.append("manifest", JSON.stringify(manifest));
  for (const file of files) form.append(file.entry.name, new Blob([file.bytes]), file.entry.name);
  const total = files.reduce((n, f) => n + f.bytes.length, 0);
  log(`publishing ${name} ${manifest.version} (${files.length} files, ${total} bytes) to ${api}…`);
  const published = await fetchRetrying(`${api}/v1/admin/models`, {
    method: "POST",
    headers: auth,
    body: form,
  });
  if (published.status !== 201 && published.status !== 409) {
    throw new PublishError(`POST /v1/admin/models failed: ${await errorText(published)}`);
  }
  if (published.status === 409) log(`${manifest.version}: ${await errorText(published)} — promoting only`);
  else await published.body?.cancel();
  const promoted = await fetchRetrying(`${api}/v1/admin/channels/${encodeURIComponent(channel)}`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ version: manifest.version, model: name }),
  });
  if (!promoted.ok) throw new PublishError(`promoting to ${channel} failed: ${await errorText(promoted)}`);
  await promoted.body?.cancel();
  log(`${channel} → ${name} ${manifest.version}`);
  return { version: manifest.version, published: published.status === 201, cardSha };
}

async function main() {
  const { values } = parseArgs({
    options: {
      dir: { type: "string" },
      api: { type: "string", default: "http://127.0.0.1:8787" },
      token: { type: "string" },
      channel: { type: "string", default: "stable" },
      name: { type: "string", default: "default" },
    },
  });
  if (!values.dir) throw new PublishError("--dir <bundle folder> is required.");
  await publishBundle({
    dir: values.dir,
    api: values.api,
    token: values.token ?? devAdminToken(),
    channel: values.channel,
    name: values.name,
    log: (line) => console.log(`publish │ ${line}`),
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(
      `publish │ error: ${error instanceof PublishError ? error.message : (error?.stack ?? error)}`,
    );
    process.exit(1);
  });
}
