import { describe, expect, it } from "vitest";
import { claudeEnv, renderEnvFile } from "../src/proxy/claude-env.ts";
import { inputsFromProfile, parseEnvFile } from "../src/proxy/claude-profile.ts";

describe("claude.env written by bench promote reads back in bench claude --profile", () => {
  it("an open proxy's placeholder token is not mistaken for a secret", () => {
    const env = parseEnvFile(renderEnvFile(claudeEnv({ url: "http://127.0.0.1:4000", model: "glm", context: 131072 })), "claude.env");
    expect(inputsFromProfile(env)).toMatchObject({ url: "http://127.0.0.1:4000", model: "glm", context: 131072, apiKeyEnv: undefined });
  });
  it("a keyed proxy's token stays a variable reference", () => {
    const env = parseEnvFile(renderEnvFile(claudeEnv({ url: "http://h:4000", apiKeyEnv: "PROXY_KEY" })), "claude.env");
    expect(inputsFromProfile(env).apiKeyEnv).toBe("PROXY_KEY");
  });
  it("a literal secret is still refused", () => {
    expect(() => parseEnvFile("ANTHROPIC_AUTH_TOKEN=sk-live-123\n", "claude.env")).toThrow(/literal secret/);
  });
});
