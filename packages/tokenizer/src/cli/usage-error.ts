// The CLI's one error of its own: a command line it cannot run. Its message says what to type instead.
import { TokenizerError } from "../errors";

/** A bad command line (unknown command or option, missing or malformed value). The CLI exits with 2. */
export class CliUsageError extends TokenizerError {
  override name = "CliUsageError";
}

/** A readable input file whose records are not captions (bad JSON, missing field). The CLI exits with 1. */
export class CaptionInputError extends TokenizerError {
  override name = "CaptionInputError";

  constructor(path: string, record: number, problem: string, fix: string) {
    super(`${path}, record ${record}: ${problem}. Fix: ${fix}.`);
  }
}
