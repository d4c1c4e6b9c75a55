/** Asks the OS for a TCP port that is free right now on the loopback interface. */
import { createServer } from "node:net";

/** Loopback address every test server binds to. */
export const HOST = "127.0.0.1";

/**
 * Returns a port nothing listens on at the moment of the call. Another process could take it before the caller
 * binds it; on a test machine that race is rare enough, and the caller's start-up fails loudly if it happens.
 */
export async function freePort(): Promise<number> {
  const reserved = await reservePort();
  await reserved.release();
  return reserved.port;
}

/** A port held open until `release()`: nothing else can bind it while the caller starts other servers. */
export interface ReservedPort {
  readonly port: number;
  /** Frees the port; bind it right after this resolves. */
  release(): Promise<void>;
}

/**
 * Like {@link freePort}, but keeps the port bound until `release()`, for a port that must be known long before it
 * is used (the web app's origin, given to the API before either starts: wrangler and workerd bind random ports of
 * their own meanwhile, and once took a port that `freePort` had handed out).
 */
export function reservePort(): Promise<ReservedPort> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      if (!port) return reject(new Error("the OS gave no port"));
      resolve({ port, release: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}
