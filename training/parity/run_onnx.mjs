// Runs one ONNX model in onnxruntime-node on inputs saved by the Python parity tests; writes the outputs back.
// Usage: node training/parity/run_onnx.mjs <model.onnx> <io-dir>
//   <io-dir>/inputs.json: {"<name>": {"dtype": "float32"|"int64", "shape": [..], "file": "<name>.bin"}}
//   raw little-endian tensors beside it; writes <io-dir>/outputs.json (same shape) and <io-dir>/out_<name>.bin.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ort from "onnxruntime-node";

const ARRAYS = { float32: Float32Array, int64: BigInt64Array, int32: Int32Array, float16: Uint16Array };

async function main() {
  const [modelPath, ioDir] = process.argv.slice(2);
  if (!modelPath || !ioDir) throw new Error("usage: run_onnx.mjs <model.onnx> <io-dir>");
  const spec = JSON.parse(readFileSync(join(ioDir, "inputs.json"), "utf8"));
  const feeds = {};
  for (const [name, { dtype, shape, file }] of Object.entries(spec)) {
    const Ctor = ARRAYS[dtype];
    if (!Ctor) throw new Error(`input ${name}: dtype ${dtype} is not one of ${Object.keys(ARRAYS)}`);
    const buf = readFileSync(join(ioDir, file));
    const data = new Ctor(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    feeds[name] = new ort.Tensor(dtype, data, shape);
  }
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const results = await session.run(feeds);
  const out = {};
  for (const [name, tensor] of Object.entries(results)) {
    const file = `out_${name}.bin`;
    const data = tensor.data;
    writeFileSync(join(ioDir, file), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    out[name] = { dtype: tensor.type, shape: tensor.dims, file };
  }
  writeFileSync(join(ioDir, "outputs.json"), JSON.stringify(out));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
