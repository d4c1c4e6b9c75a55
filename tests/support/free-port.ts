/** Asks the OS for a TCP port that is free right now on the loopback interface. */
import { createServer } from "node:net";

/** Loopback address every test server binds to. */
export const HOST = "127.0.0.1";

/**
 * Returns a port nothing listens on at the moment of the call. Another process could take it before the caller
 * binds it; on a test machine that race is rare enough, and the caller's start-up fails loudly if it happens.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("the OS gave no port"))));
    });
  });
}
