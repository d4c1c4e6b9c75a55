/**
 * Child processes that tests start and must stop completely: each runs in its own process group, so stopping
 * it also stops what it spawned (wrangler → workerd, vite → esbuild). Output is kept for error messages.
 */
import { spawn, type ChildProcess } from "node:child_process";

/** Most recent output characters kept per process. */
const OUTPUT_KEPT = 20_000;
/** How long a group gets between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 5_000;

/** Variables vitest puts into `process.env` that would turn a child's `vite build` into a test-mode build. */
const VITEST_VARIABLES = ["TEST", "NODE_ENV", "MODE", "DEV", "PROD", "SSR", "BASE_URL"];

/** This process's environment without vitest's own variables, plus `extra`: what child programs should see. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (VITEST_VARIABLES.includes(key) || key.startsWith("VITEST")) delete env[key];
  }
  return { ...env, ...extra };
}

/** Options for {@link startProcessGroup}. */
export interface ProcessGroupOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** A running child process group. */
export interface ProcessGroup {
  /** Short name used in messages. */
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves once the leader exits: its exit code, or `null` if a signal ended it or it never started. */
  readonly exited: Promise<number | null>;
  /** Whether the group leader has exited. */
  hasExited(): boolean;
  /** The last output (stdout and stderr interleaved). */
  output(): string;
  /** SIGTERM to the whole group, SIGKILL after a grace period; resolves when the leader is gone. */
  stop(): Promise<void>;
}

/** Raised when a child process fails; the message carries the command's last output. */
export class ProcessFailedError extends Error {
  override name = "ProcessFailedError";
}

/** Starts `command args` in a new process group. */
export function startProcessGroup(
  name: string,
  command: string,
  args: readonly string[],
  options: ProcessGroupOptions,
): ProcessGroup {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? childEnv(),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_KEPT);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once("error", (err) => {
      output += `\n[could not start ${command}: ${err.message}]`;
      done = true;
      resolve(null);
    });
    child.once("exit", (code) => {
      done = true;
      resolve(code);
    });
  });
  const signal = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // The group is already gone.
    }
  };
  return {
    name,
    child,
    exited,
    hasExited: () => done,
    output: () => output,
    async stop() {
      signal("SIGTERM");
      const grace = new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
      await Promise.race([exited, grace]);
      // The leader may have exited while its children linger: sweep the group either way.
      signal("SIGKILL");
      await exited;
    },
  };
}

/** Runs a command to completion; throws {@link ProcessFailedError} with its output on a non-zero exit. */
export async function runToCompletion(
  name: string,
  command: string,
  args: readonly string[],
  options: ProcessGroupOptions,
): Promise<string> {
  const group = startProcessGroup(name, command, args, options);
  const code = await group.exited;
  if (code !== 0) {
    throw new ProcessFailedError(
      `${name} exited with code ${code}. Its output ends with:\n${group.output()}`,
    );
  }
  return group.output();
}
