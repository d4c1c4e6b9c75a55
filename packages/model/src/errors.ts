// Named errors of @commonspace/model. Every message says the bad value, what was expected and how to fix it,
// so a caller (or a person reading a log) never needs the stack to know what went wrong.
import { describeValue } from "@commonspace/manifest";

/** Base class: `instanceof ModelError` catches every error this package throws on purpose. */
export class ModelError extends Error {
  override readonly name: string = "ModelError";
}

/** A manifest's Ed25519 signature is missing, made by an untrusted key, or does not verify. */
export class SignatureError extends ModelError {
  override readonly name = "SignatureError";
}

/** Downloaded or cached bytes do not match the SHA-256 or size the signed manifest (or card) promises. */
export class IntegrityError extends ModelError {
  override readonly name = "IntegrityError";
  constructor(
    readonly file: string,
    readonly expected: { sha256: string; bytes: number },
    readonly actual: { sha256: string; bytes: number },
  ) {
    super(
      `${file}: got ${actual.bytes} bytes with SHA-256 ${actual.sha256}, expected ${expected.bytes} bytes with ` +
        `SHA-256 ${expected.sha256}. The file was not cached; the previous model version stays active. ` +
        "Retry later, or republish the bundle if the server holds corrupt bytes.",
    );
  }
}

/** The browser or disk refused to store a file (QuotaExceededError, ENOSPC). */
export class QuotaError extends ModelError {
  override readonly name = "QuotaError";
  constructor(
    readonly needed: number,
    readonly available: number | undefined,
    options?: { cause?: unknown },
  ) {
    const room = available === undefined ? "an unknown amount of" : `${available}`;
    super(
      `Storage is full: ${needed} bytes needed, ${room} bytes available. The model still runs from memory, ` +
        "but it will be downloaded again next time. Free site storage or allow persistent storage.",
      options,
    );
  }
}

/** An ONNX Runtime backend could not be started or failed while running. */
export class BackendError extends ModelError {
  override readonly name = "BackendError";
}

/** A bundle, card or manifest does not follow docs/bundle-format.md or docs/manifest-format.md. */
export class BundleFormatError extends ModelError {
  override readonly name = "BundleFormatError";
  constructor(
    readonly field: string,
    readonly found: unknown,
    readonly expected: string,
  ) {
    super(
      `${field} is ${describeValue(found)}, expected ${expected}. Re-export the bundle with training/export.py.`,
    );
  }
}

/** A download failed after every retry (network error or an HTTP status that is not 2xx/304). */
export class DownloadError extends ModelError {
  override readonly name = "DownloadError";
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`GET ${url} failed: ${detail}. Check the API URL and the network, then retry.`, options);
  }
}

/** An operation was cancelled through its AbortSignal. */
export class CancelledError extends ModelError {
  override readonly name = "CancelledError";
  constructor(
    readonly operation: string,
    readonly step?: number,
  ) {
    super(`${operation} was cancelled${step === undefined ? "" : ` after step ${step}`}.`);
  }
}

/** Image bytes or pixels that this package cannot read (not a PNG, unsupported PNG kind, wrong size). */
export class ImageFormatError extends ModelError {
  override readonly name = "ImageFormatError";
}

/** {@link ModelStore.rollback} has no previous version to go back to, or its files are no longer cached. */
export class NoPreviousVersionError extends ModelError {
  override readonly name = "NoPreviousVersionError";
  constructor(
    readonly model: string,
    readonly api: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Cannot roll back model ${JSON.stringify(model)} from ${api}: ${reason}. A rollback only returns to the ` +
        "version installed before the current one while its files are cached; install() (or load() with " +
        'update: "auto") gets the channel\'s newest version instead.',
      options,
    );
  }
}

/** An option or argument is out of range. */
export class ModelOptionError extends ModelError {
  override readonly name = "ModelOptionError";
  constructor(
    readonly option: string,
    readonly found: unknown,
    readonly expected: string,
  ) {
    super(`Option ${option} is ${describeValue(found)}, expected ${expected}.`);
  }
}

/** A decoding mode the loaded bundle does not have (e.g. "masked" on a bundle exported without `maskgit`). */
export class ModeUnavailableError extends ModelError {
  override readonly name = "ModeUnavailableError";
  constructor(
    readonly mode: unknown,
    readonly available: readonly string[],
  ) {
    super(
      `Decoding mode ${describeValue(mode)} is not available in this model; it has ${available.join(", ")}. ` +
        'Leave mode unset for the model\'s default, or load a bundle exported with a "maskgit" graph for "masked".',
    );
  }
}
