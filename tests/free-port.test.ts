// The ports test servers bind: a reserved port stays taken until released (support/free-port.ts).
import { createServer, type Server } from "node:net";
import { expect, it } from "vitest";
import { HOST, freePort, reservePort } from "./support/free-port";

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, HOST, () => resolve(server));
  });
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

it("freePort gives a port that can be bound at once", async () => {
  const port = await freePort();
  expect(port).toBeGreaterThan(0);
  await close(await listen(port));
});

it("reservePort holds its port until release, then the caller can bind it", async () => {
  const reserved = await reservePort();
  await expect(listen(reserved.port)).rejects.toMatchObject({ code: "EADDRINUSE" });
  await reserved.release();
  await close(await listen(reserved.port));
  await reserved.release(); // a second release is harmless
});
