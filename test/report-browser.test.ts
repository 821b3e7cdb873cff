import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { writeReport } from "../src/report/write-report.ts";
import { writeComparison } from "../src/report/compare/write.ts";
import { ensureChromium } from "./helpers/chromium.ts";
import { openBrowser } from "./helpers/cdp.ts";

let chromium = "";
beforeAll(async () => {
  chromium = await ensureChromium();
}, 900_000);

/** Opens a page from file:// offline and waits for its charts; returns errors and the SVG count per chart. */
async function render(indexHtml: string) {
  const page = await openBrowser(chromium);
  try {
    await page.navigate(pathToFileURL(indexHtml).href);
    let status: string | null = null;
    for (let i = 0; i < 300 && !status; i++) {
      status = await page.evaluate<string | null>("document.body ? document.body.dataset.renderStatus || null : null");
      if (!status) await sleep(100);
    }
    const svgs = await page.evaluate<Record<string, number>>(
      "Object.fromEntries([...document.querySelectorAll('.chart')].map(c => [c.dataset.chart, c.querySelectorAll('svg.marks, canvas').length]))",
    );
    return { status, svgs, errors: [...page.errors] };
  } finally {
    await page.close();
  }
}

describe("report in headless Chromium", () => {
  it("draws every chart of a run report with no console error", async () => {
    const out = mkdtempSync(join(tmpdir(), "tunelab-browser-"));
    await writeReport("test/fixtures/runs/vllm-glm", out);
    const charts = readdirSync(out).filter((f) => f.endsWith(".vl.json")).map((f) => f.replace(".vl.json", "")).sort();
    const { status, svgs, errors } = await render(join(out, "index.html"));
    expect(errors).toEqual([]);
    expect(status).toBe("done");
    expect(Object.keys(svgs).sort()).toEqual(charts);
    for (const id of charts) expect(svgs[id], id).toBe(1);
  }, 120_000);

  it("draws a replay run's charts (facets and layers included) with no console error", async () => {
    const out = mkdtempSync(join(tmpdir(), "tunelab-browser-"));
    await writeReport("test/fixtures/runs/llamacpp-replay", out);
    const { status, svgs, errors } = await render(join(out, "index.html"));
    expect(errors).toEqual([]);
    expect(status).toBe("done");
    for (const id of ["ttft-by-depth", "hit-ratio", "session-timeline"]) expect(svgs[id], id).toBe(1);
  }, 120_000);

  it("draws the comparison page", async () => {
    const out = mkdtempSync(join(tmpdir(), "tunelab-browser-"));
    await writeComparison("test/fixtures/runs/llamacpp-glm", "test/fixtures/runs/vllm-glm", out);
    const { status, svgs, errors } = await render(join(out, "index.html"));
    expect(errors).toEqual([]);
    expect(status).toBe("done");
    expect(svgs).toEqual({ "compare-output-tok-s": 1 });
  }, 120_000);
});
