// Errors across the worker boundary: structured clone keeps neither an Error's class nor its extra fields, so an
// error travels as `{ name, message, ...fields }` and is re-created on the other side as the same class. The
// table is every error class errors.ts exports (by export name, which is also each class's `name`), plus the
// worker's own, so a new class in errors.ts crosses without touching this file. A revived error is a real
// Error given the class's prototype (instanceof works) and the fields, not a constructor call: constructor
// arguments differ per class.
import * as modelErrors from "../errors";
import { WorkerError } from "./worker-error";

/** An error as it crosses: its class name, message, stack, cause and own fields (cloneable values only). */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: unknown;
  readonly [field: string]: unknown;
}

type ErrorClass = abstract new (...args: never[]) => Error;

const BUILT_IN: Record<string, ErrorClass> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Error classes by name: errors.ts's exports, the worker's, then the built-ins. */
const CLASSES = new Map<string, ErrorClass>();
for (const [name, value] of Object.entries<unknown>({ ...BUILT_IN, ...modelErrors, WorkerError })) {
  if (typeof value === "function" && value.prototype instanceof Error) CLASSES.set(name, value as ErrorClass);
}
CLASSES.set("Error", Error);

const MAX_CAUSE_DEPTH = 4;

/** An error (or any thrown value) as a cloneable WireError. */
export function toWireError(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === "name" || key === "message" || key === "stack" || key === "cause") continue;
    fields[key] = cloneable(value);
  }
  const cause = error.cause;
  return {
    ...fields,
    name: error.name,
    message: error.message,
    ...(error.stack !== undefined && { stack: error.stack }),
    ...(cause !== undefined && {
      cause:
        cause instanceof Error && depth < MAX_CAUSE_DEPTH ? toWireError(cause, depth + 1) : cloneable(cause),
    }),
  };
}

/** Re-creates the error `toWireError` sent: the same class (when known here), message, fields and cause. */
export function fromWireError(wire: WireError): Error {
  const { name, message, stack, cause, ...fields } = wire;
  const Class = CLASSES.get(name) ?? Error;
  const revivedCause = isWireError(cause) ? fromWireError(cause) : cause;
  // A real Error (it keeps the engine's error slot: logs and structured clone treat it as one), re-classed.
  const error = new Error(message, cause === undefined ? undefined : { cause: revivedCause });
  Object.setPrototypeOf(error, Class.prototype as object);
  if (stack !== undefined)
    Object.defineProperty(error, "stack", { value: stack, writable: true, configurable: true });
  Object.assign(error, fields);
  // A class field (`override readonly name = "X"`) is an own, enumerable property; built-ins keep it on the prototype.
  if (error.name !== name)
    Object.defineProperty(error, "name", { value: name, enumerable: true, configurable: true });
  return error;
}

function isWireError(value: unknown): value is WireError {
  const v = value as { name?: unknown; message?: unknown } | null;
  return typeof v === "object" && v !== null && typeof v.name === "string" && typeof v.message === "string";
}

/** `value` if structured clone takes it, else its string form (a function, a DOM node, a class instance with a port…). */
function cloneable(value: unknown): unknown {
  if (value === null || typeof value !== "object") return typeof value === "function" ? String(value) : value;
  try {
    structuredClone(value);
    return value;
  } catch {
    return String(value);
  }
}
