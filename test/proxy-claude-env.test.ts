import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { claudeEnv, maxOutputTokens, renderEnvFile, renderExports, resolveEnv } from "../src/proxy/claude-env.ts";
import { parseEnvFile } from "../src/proxy/claude-profile.ts";
import { LabError } from "../src/errors.ts";
import { startHarness, type Harness } from "./helpers/proxy-harness.ts";
import { startScriptedUpstream } from "./helpers/scripted-upstream.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

const bench = (args: string[], env: Record<string, string> = {}) =>
  execa("node", [BENCH_BIN, ...args], { cwd: process.cwd(), env, reject: false });

const exportsOf = (stdout: string) => Object.fromEntries(stdout.trim().split("\n").map((l) => /^export ([A-Z_]+)=(.*)$/.exec(l)!.slice(1, 3)));

const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.close();
});

describe("claude environment", () => {
  it("sizes the output budget as min(32000, context/4)", () => {
    expect([8192, 32768, 131072, 200000].map(maxOutputTokens)).toEqual([2048, 8192, 32000, 32000]);
  });

  it("computes the full environment, the secret only as a reference", () => {
    const env = claudeEnv({ url: "http://127.0.0.1:4000/v1", model: "qwen", smallModel: "qwen-small", context: 32768, apiKeyEnv: "PROXY_KEY" });
    expect(env).toEqual({
      ANTHROPIC_BASE_URL: { value: "http://127.0.0.1:4000" },
      ANTHROPIC_AUTH_TOKEN: { fromEnv: "PROXY_KEY" },
      ANTHROPIC_MODEL: { value: "qwen" },
      ANTHROPIC_DEFAULT_OPUS_MODEL: { value: "qwen" },
      ANTHROPIC_DEFAULT_SONNET_MODEL: { value: "qwen" },
      ANTHROPIC_DEFAULT_HAIKU_MODEL: { value: "qwen-small" },
      ANTHROPIC_SMALL_FAST_MODEL: { value: "qwen-small" },
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: { value: "8192" },
      TUNELAB_CONTEXT: { value: "32768" },
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: { value: "1" },
      API_TIMEOUT_MS: { value: "600000" },
    });
    expect(renderExports(env)).toContain('export ANTHROPIC_AUTH_TOKEN="$PROXY_KEY"');
    expect(resolveEnv(env, { PROXY_KEY: "k" }).values.ANTHROPIC_AUTH_TOKEN).toBe("k");
    expect(resolveEnv(env, {}).missing).toEqual(["PROXY_KEY"]);
    expect(parseEnvFile(renderEnvFile(env), "claude.env")).toEqual(env);
  });

  it("reads profile files and refuses literal secrets in them", () => {
    const parsed = parseEnvFile("# tuned\nexport ANTHROPIC_MODEL='my model'\nANTHROPIC_AUTH_TOKEN=${KEY_VAR}\n\nAPI_TIMEOUT_MS=\"900000\"\n", "p/claude.env");
    expect(parsed).toEqual({ ANTHROPIC_MODEL: { value: "my model" }, ANTHROPIC_AUTH_TOKEN: { fromEnv: "KEY_VAR" }, API_TIMEOUT_MS: { value: "900000" } });
    expect(() => parseEnvFile("ANTHROPIC_AUTH_TOKEN=sk-live-123", "p/claude.env")).toThrow(LabError);
    expect(() => parseEnvFile("not a line", "p/claude.env")).toThrow(/p\/claude.env:1/);
  });

  it("`bench claude` prints exports without secret values, fills gaps from the proxy, and lets a profile tune values", async () => {
    const h = await startHarness({ kind: "vllm", context: 65536, model: "qwen-coder" });
    harnesses.push(h);
    const fromProxy = await bench(["claude", "--url", h.url, "--api-key-env", "MY_PROXY_KEY"], { MY_PROXY_KEY: "topsecret-value" });
    expect(fromProxy.exitCode).toBe(0);
    expect(fromProxy.stdout).not.toContain("topsecret-value");
    expect(exportsOf(fromProxy.stdout)).toMatchObject({
      ANTHROPIC_BASE_URL: h.url,
      ANTHROPIC_AUTH_TOKEN: '"$MY_PROXY_KEY"',
      ANTHROPIC_MODEL: "qwen-coder",
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: "16384",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    });

    const dir = mkdtempSync(join(tmpdir(), "profile-"));
    writeFileSync(join(dir, "claude.env"), `ANTHROPIC_BASE_URL=${h.url}\nANTHROPIC_MODEL=tuned\nTUNELAB_CONTEXT=32768\nCLAUDE_CODE_MAX_OUTPUT_TOKENS=5000\nANTHROPIC_AUTH_TOKEN=$PROFILE_KEY\n`);
    const profiled = exportsOf((await bench(["claude", "--profile", dir, "--model", "override"])).stdout);
    expect(profiled).toMatchObject({ ANTHROPIC_MODEL: "override", CLAUDE_CODE_MAX_OUTPUT_TOKENS: "5000", ANTHROPIC_AUTH_TOKEN: '"$PROFILE_KEY"', TUNELAB_CONTEXT: "32768" });
    const resized = exportsOf((await bench(["claude", "--profile", dir, "--context", "100000"])).stdout);
    expect(resized).toMatchObject({ ANTHROPIC_MODEL: "tuned", CLAUDE_CODE_MAX_OUTPUT_TOKENS: "25000" });
    const capped = exportsOf((await bench(["claude", "--profile", dir, "--max-output-tokens", "16"])).stdout);
    expect(capped).toMatchObject({ CLAUDE_CODE_MAX_OUTPUT_TOKENS: "16", TUNELAB_CONTEXT: "32768" });
    const refused = await bench(["claude", "--url", h.url, "--max-output-tokens", "0"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("--max-output-tokens 0 is not a positive whole number");
  });

  it("`bench claude --exec` runs claude with the resolved environment and the arguments after --", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fake-claude-"));
    const out = join(dir, "seen.txt");
    writeFileSync(join(dir, "claude"), `#!/bin/sh\nenv > "${out}"\necho "ARGS=$*" >> "${out}"\nexit 3\n`);
    chmodSync(join(dir, "claude"), 0o755);
    const run = await bench(["claude", "--exec", "--url", "http://127.0.0.1:1", "--model", "m", "--context", "32768", "--api-key-env", "K", "--", "-p", "hello"], {
      PATH: `${dir}:${process.env.PATH}`,
      K: "the-key",
      ANTHROPIC_API_KEY: "stale",
    });
    expect(run.exitCode).toBe(3);
    const seen = readFileSync(out, "utf8");
    expect(seen).toContain("ANTHROPIC_AUTH_TOKEN=the-key\n");
    expect(seen).toContain("ANTHROPIC_MODEL=m\n");
    expect(seen).not.toContain("ANTHROPIC_API_KEY=");
    expect(seen).toContain("ARGS=-p hello");
  });
});

describe("bench proxy command", () => {
  it("refuses a key variable that is not set", async () => {
    const run = await bench(["proxy", "--upstream", "http://127.0.0.1:1", "--api-key-env", "NOT_SET_ANYWHERE"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("NOT_SET_ANYWHERE");
  });

  it("serves until SIGTERM", async () => {
    const upstream = await startScriptedUpstream();
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const child = execa("node", [BENCH_BIN, "proxy", "--upstream", upstream.url, "--port", String(port), "--quiet"], { reject: false });
    try {
      await expect.poll(() => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0), { timeout: 20_000, interval: 200 }).toBe(200);
      const res = await fetch(`http://127.0.0.1:${port}/v1/models`);
      expect(((await res.json()) as { data: { id: string }[] }).data[0].id).toBe("served-model");
    } finally {
      child.kill("SIGTERM");
      expect((await child).exitCode).toBe(0);
      await upstream.close();
    }
  });
});
