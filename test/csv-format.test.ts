import { describe, expect, it } from "vitest";
import { toCsv } from "../src/results/csv.ts";

describe("points.csv number format", () => {
  it("keeps 8 significant digits of non-integers, integers whole, empty for undefined", () => {
    expect(toCsv(["a", "b", "c", "d"], [{ a: 1 / 3, b: 123456.789123, c: 42, d: undefined }])).toBe("a,b,c,d\n0.33333333,123456.79,42,\n");
  });
});
