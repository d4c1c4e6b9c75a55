import { describe, expect, test } from "vitest";
import { ImageFormatError } from "./errors";
import { createImage, imageGrid, imageToTensorData, scaleImage, tensorDataToImage } from "./image";

describe("image tensors", () => {
  test("composites transparent pixels on white", () => {
    const image = createImage(1, 1);
    image.data.set([255, 0, 0, 0]);
    const out = new Float32Array(3);
    imageToTensorData(image, 1, out, 0);
    expect(Array.from(out)).toEqual([1, 1, 1]);
    image.data.set([0, 0, 0, 255]);
    imageToTensorData(image, 1, out, 0);
    expect(Array.from(out)).toEqual([0, 0, 0]);
  });

  test("box-downsamples 2x2 blocks to their mean, channel planes in NCHW order", () => {
    const image = createImage(2, 2);
    image.data.set([255, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0, 255]);
    const out = new Float32Array(6);
    imageToTensorData(image, 1, out, 1);
    expect(Array.from(out.subarray(3))).toEqual([0.5, 0.25, 0]);
  });

  test("stretches non-square images to the model size", () => {
    const image = createImage(4, 2);
    image.data.fill(255);
    const out = new Float32Array(3 * 4);
    imageToTensorData(image, 2, out, 0);
    expect(Array.from(out)).toEqual(Array<number>(12).fill(1));
  });

  test("round-trips a tensor row to RGBA and back", () => {
    const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => (i % 12) / 11);
    const image = tensorDataToImage(data, 2, 1);
    const back = new Float32Array(12);
    imageToTensorData(image, 2, back, 0);
    back.forEach((v, i) => expect(v).toBeCloseTo(data[12 + i] as number, 2));
  });

  test("refuses an image whose data does not match its size", () => {
    expect(() =>
      imageToTensorData({ width: 3, height: 3, data: new Uint8ClampedArray(4) }, 1, new Float32Array(3), 0),
    ).toThrow(ImageFormatError);
  });

  test("lays out a grid and scales crisply", () => {
    const red = createImage(1, 1);
    red.data.set([255, 0, 0, 255]);
    const blue = createImage(1, 1);
    blue.data.set([0, 0, 255, 255]);
    const grid = imageGrid([red, blue, blue], 2, 1);
    expect([grid.width, grid.height]).toEqual([3, 3]);
    expect(Array.from(grid.data.subarray(0, 4))).toEqual([255, 0, 0, 255]);
    expect(Array.from(grid.data.subarray(8, 12))).toEqual([0, 0, 255, 255]);
    expect(grid.data[4 * 4 + 3]).toBe(0);
    const big = scaleImage(red, 3);
    expect(big.width).toBe(3);
    expect(Array.from(big.data.subarray(32, 36))).toEqual([255, 0, 0, 255]);
  });
});
