/**
 * Drift check: `npm run compat:claude [-- --version X | --pinned]`.
 *
 * Runs scenarios 3a (prompt round trip to the tiny llama-server, ending at Claude Code's output token maximum)
 * and 3b (agent loop against a scripted OpenAI engine) for every row of test/helpers/compat-rows.ts, with the
 * newest Claude Code on the npm registry (default), a given version, or the pinned devDependency. Prints the
 * compatibility table (Markdown, for the README) and what broke. Exit 1 when the lab's proxy row fails.
 */
import { parseArgs } from "node:util";
import { testEngine } from "../src/setup/index.ts";
import { installClaudeCode, latestClaudeCodeVersion, pinnedClaudeCode, type ClaudeCodeInstall } from "../test/helpers/claude-code.ts";
import { agentLoop, maxTokensRoundTrip, type ScenarioOutcome } from "../test/helpers/claude-scenarios.ts";
import { compatRows } from "../test/helpers/compat-rows.ts";
import { startTinyServer } from "../test/helpers/tiny-server.ts";

const MAX_OUTPUT = 16;
const say = (line: string) => process.stderr.write(`compat: ${line}\n`);

const { values } = parseArgs({ options: { version: { type: "string" }, pinned: { type: "boolean" } } });
const pinned = pinnedClaudeCode();
let claude: ClaudeCodeInstall;
if (values.pinned) claude = pinned;
else claude = await installClaudeCode(values.version ?? (await latestClaudeCodeVersion()), say);
say(`Claude Code ${claude.version} (pinned: ${pinned.version})`);

await testEngine(say);
const engine = await startTinyServer(["-c", "32768", "-np", "1"]);
const outcomes: ScenarioOutcome[] = [];
try {
  for (const row of compatRows) {
    for (const scenario of ["3a", "3b"] as const) {
      say(`${row.name}: ${scenario} ...`);
      // 3a prefills Claude Code's whole first prompt (12k to 28k tokens, by release) on 2 CPU cores.
      const outcome = scenario === "3a" ? await maxTokensRoundTrip(row, engine.baseUrl, MAX_OUTPUT, { claude, timeoutMs: 600_000 }) : await agentLoop(row, { claude });
      say(`${row.name}: ${scenario} ${outcome.status}${outcome.run ? ` in ${Math.round(outcome.run.durationMs / 1000)} s` : ""}`);
      outcomes.push(outcome);
    }
  }
} finally {
  await engine.stop();
}

const cell = (o: ScenarioOutcome | undefined) => {
  if (!o) return "not measured";
  if (o.status === "n/a") return "n/a";
  const seconds = o.run ? ` (${Math.round(o.run.durationMs / 1000)} s)` : "";
  return o.status === "pass" ? `pass${seconds}` : `**fail**: ${o.problems[0].replaceAll("|", "\\|").slice(0, 160)}`;
};
const lines = [
  `Claude Code ${claude.version}, ${new Date().toISOString().slice(0, 10)}:`,
  "",
  "| Anthropic endpoint | 3a: round trip to the output token maximum (tiny llama-server) | 3b: agent loop (scripted OpenAI engine) |",
  "|---|---|---|",
  ...compatRows.map((row) => `| ${row.name} | ${cell(outcomes.find((o) => o.row === row.name && o.scenario === "3a"))} | ${cell(outcomes.find((o) => o.row === row.name && o.scenario === "3b"))} |`),
];
process.stdout.write(`${lines.join("\n")}\n`);

const broken = outcomes.filter((o) => o.status === "fail");
for (const o of broken) {
  process.stdout.write(`\nWhat broke: ${o.row}, ${o.scenario}\n${o.problems.map((p) => `  - ${p}`).join("\n")}\n`);
  if (o.frontLog) process.stdout.write(`  front log (tail):\n${o.frontLog.split("\n").slice(-15).map((l) => `    ${l}`).join("\n")}\n`);
}
if (broken.some((o) => o.row === compatRows[0].name)) process.exitCode = 1;
