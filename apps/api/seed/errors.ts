// Named errors of the seed builder: each message says the bad value, what was expected and the fix.

/** A source package is missing or its data does not have the expected shape. */
export class SeedSourceError extends Error {
  override name = "SeedSourceError";
}

/** PNG bytes that the builder cannot read or that do not meet the 64x64 RGBA contract. */
export class PngFormatError extends Error {
  override name = "PngFormatError";
}

/** An option outside its allowed range (batch size, caption limits, ...). */
export class SeedOptionError extends Error {
  override name = "SeedOptionError";
}

/** A seed or export file whose line is not the expected JSON shape. */
export class SeedFileError extends Error {
  override name = "SeedFileError";
}

/** The admin import route answered with a status that retrying cannot fix, or kept failing. */
export class ImportRequestError extends Error {
  override name = "ImportRequestError";
  /** HTTP status of the last answer, or 0 when the request never got one. */
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}
