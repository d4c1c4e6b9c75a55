import { mkdir, rm, writeFile } from "node:fs/promises";
import { get } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "./paths";
import { serveStatic, type StaticServer } from "./static-server";

/** GET with the path sent exactly as written (fetch would normalise `..` away before sending). */
function rawGet(base: string, path: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    get({ hostname, port, path }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve(body));
    }).on("error", reject);
  });
}

describe("serveStatic", () => {
  let root: string;
  let server: StaticServer;

  beforeAll(async () => {
    root = await makeTempDir("static-test");
    await mkdir(join(root, "_app"));
    await writeFile(join(root, "index.html"), "<p>shell</p>");
    await writeFile(join(root, "_app", "start.js"), "export {};");
    await writeFile(join(root, "_headers"), "/*\n  X-Test: all\n/_app/*\n  X-Test: app\n");
    server = await serveStatic(root);
  });

  afterAll(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("serves files with their content type", async () => {
    const res = await fetch(`${server.url}/_app/start.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await res.text()).toBe("export {};");
  });

  it("sends the headers of the build's _headers file and does not serve that file", async () => {
    expect((await fetch(`${server.url}/generate`)).headers.get("x-test")).toBe("all");
    expect((await fetch(`${server.url}/_app/start.js`)).headers.get("x-test")).toBe("app");
    const file = await fetch(`${server.url}/_headers`);
    expect(await file.text()).toBe("<p>shell</p>");
  });

  it("answers client-side routes with the app shell", async () => {
    const res = await fetch(`${server.url}/label/task-7`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("<p>shell</p>");
  });

  it("answers a missing asset with 404, not the shell", async () => {
    expect((await fetch(`${server.url}/_app/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/favicon.png`)).status).toBe(404);
  });

  it("never serves a file outside its root, however the path is encoded", async () => {
    for (const path of [
      "/../../../../etc/passwd",
      "/..%2f..%2f..%2f..%2fetc%2fpasswd",
      "/_app/..%5c..%5cetc",
    ]) {
      expect(await rawGet(server.url, path)).not.toContain("root:");
    }
  });
});
