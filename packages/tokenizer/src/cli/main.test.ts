// The CLI end to end: train then encode through main(), exit codes and messages, and the real bin once.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Tokenizer } from "../tokenizer";
import { main, type CliIo } from "./main";

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
  };
  return io;
}

const dir = mkdtempSync(join(tmpdir(), "tokenizer-cli-"));
const captions = join(dir, "captions.txt");
writeFileSync(
  captions,
  Array.from({ length: 300 }, (_, i) => `${["Red Apple", "green pear 🍐", ""][i % 3]} ${i % 7}`).join("\n"),
);
const tokenizerPath = join(dir, "tokenizer.json");

describe("commonspace-tokenizer", () => {
  it("trains a tokenizer.json and a tokenizer_config.json", async () => {
    const io = capture();
    const code = await main(
      [
        "train",
        "--input",
        captions,
        "--vocab-size",
        "300",
        "--out",
        tokenizerPath,
        "--config-out",
        join(dir, "config.json"),
      ],
      io,
    );
    expect(code).toBe(0);
    expect(io.err).toMatch(/trained 300 tokens .* on 300 captions/);
    expect(Tokenizer.fromJson(readFileSync(tokenizerPath, "utf8")).vocabSize).toBe(300);
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8"))).toMatchObject({
      pad_token: "<|pad|>",
    });
  });

  it("encodes one row per input line, the same ids as the library", async () => {
    const io = capture();
    const out = join(dir, "ids.ndjson");
    expect(
      await main(
        ["encode", "--tokenizer", tokenizerPath, "--input", captions, "--length", "8", "--out", out],
        io,
      ),
    ).toBe(0);
    const rows = readFileSync(out, "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { ids: number[] });
    expect(rows).toHaveLength(300);
    const tokenizer = Tokenizer.fromJson(readFileSync(tokenizerPath, "utf8"));
    expect(rows[2]?.ids).toEqual([...tokenizer.encodeFixed(" 2", 8).ids]);
    expect(rows[3]?.ids).toEqual([...tokenizer.encodeFixed("Red Apple 3", 8).ids]);
  });

  it("answers a bad command line with exit code 2 and the usage", async () => {
    for (const argv of [[], ["frobnicate"], ["train", "--vocab-size", "lots"], ["encode", "--bogus"]]) {
      const io = capture();
      expect(await main(argv, io)).toBe(2);
      expect(io.err).toContain("Usage:");
    }
  });

  it("answers a bad tokenizer file with exit code 1 and the field at fault", async () => {
    const broken = join(dir, "broken.json");
    writeFileSync(
      broken,
      JSON.stringify({ ...JSON.parse(readFileSync(tokenizerPath, "utf8")), normalizer: null }),
    );
    const io = capture();
    const code = await main(
      ["encode", "--tokenizer", broken, "--input", captions, "--length", "8", "--out", join(dir, "x.bin")],
      io,
    );
    expect(code).toBe(1);
    expect(io.err).toMatch(/`normalizer` is null/);
    expect(io.err).not.toMatch(/\n\s+at /);
  });

  it("runs from bin/cli.mjs on plain Node, TypeScript included", () => {
    const bin = fileURLToPath(new URL("../../bin/cli.mjs", import.meta.url));
    const out = join(dir, "ids.bin");
    execFileSync(
      process.execPath,
      [bin, "encode", "--tokenizer", tokenizerPath, "--input", captions, "--length", "8", "--out", out],
      { stdio: "pipe" },
    );
    expect(readFileSync(out).length).toBe(300 * 8 * 4);
    expect(execFileSync(process.execPath, [bin, "--help"], { encoding: "utf8" })).toContain(
      "commonspace-tokenizer train",
    );
  });
});
