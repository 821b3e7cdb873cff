import { arr, bool, num, obj, str, tool } from "./schema.ts";
import type { Tool } from "./types.ts";

/** Shell, planning, web and sub-agent tools of a coding agent, written for this lab in the style of the real ones. */
export const AGENT_TOOLS: Tool[] = [
  tool("Bash", "Executes a bash command in a persistent shell session with an optional timeout. Quote paths that contain spaces. Use it for terminal operations like git, npm, docker and test runners, never for reading, searching or editing files (use Read, Grep, Glob and Edit). Chain dependent commands with &&, run independent ones in parallel tool calls. Output over 30000 characters is truncated. Commit only when the user asks; never use interactive flags such as -i.", {
    command: str("The command to execute"),
    timeout: num("Optional timeout in milliseconds (max 600000)"),
    description: str("Clear, concise description of what this command does in 5-10 words, in active voice."),
    run_in_background: bool("Set to true to run this command in the background. Use BashOutput to read the output later."),
  }, ["command"]),
  tool("BashOutput", "Retrieves output from a running or completed background bash shell. Returns only new output since the last check, with the shell's status. Supports filtering lines with a regular expression.", {
    bash_id: str("The ID of the background shell to retrieve output from"),
    filter: str("Optional regular expression to filter the output lines; non-matching lines are dropped for good."),
  }, ["bash_id"]),
  tool("KillShell", "Kills a running background bash shell by its ID and returns a success or failure status.", {
    shell_id: str("The ID of the background shell to kill"),
  }, ["shell_id"]),
  tool("Task", "Launches a new agent to handle a complex, multi-step task autonomously. Available agent types: general-purpose (research, code search, multi-step tasks), statusline-setup, output-style-setup, Explore (fast codebase exploration; say how thorough: quick, medium or very thorough). Launch several agents concurrently when possible. The agent's result is not visible to the user: summarize it. Each invocation is stateless, so the prompt must be a complete, detailed task description that says exactly what to return.", {
    description: str("A short (3-5 word) description of the task"),
    prompt: str("The task for the agent to perform"),
    subagent_type: str("The type of specialized agent to use for this task"),
  }, ["description", "prompt", "subagent_type"]),
  tool("TodoWrite", "Creates and manages a structured task list for the current coding session, to track progress on complex multi-step tasks and show it to the user. Use it for tasks with three or more steps or when the user gives several tasks; skip it for single trivial ones. Exactly one task is in_progress at a time; mark tasks completed as soon as they are done, never batch completions.", {
    todos: arr(obj({
      content: str("Imperative form of the task, e.g. Run tests", {}),
      status: str("Task state", { enum: ["pending", "in_progress", "completed"] }),
      activeForm: str("Present continuous form shown while in progress, e.g. Running tests"),
    }, ["content", "status", "activeForm"]), "The updated todo list"),
  }, ["todos"]),
  tool("WebFetch", "Fetches content from a URL and processes it with a small fast model: converts HTML to markdown, then answers the prompt about the content. HTTP URLs are upgraded to HTTPS. Read-only; results may be summarized when the content is very large. A 15-minute cache makes repeated fetches of the same URL fast. When a redirect leads to a different host, the tool says so and the fetch must be repeated with the new URL.", {
    url: str("The URL to fetch content from", {}),
    prompt: str("The prompt to run on the fetched content"),
  }, ["url", "prompt"]),
  tool("WebSearch", "Searches the web and uses the results to inform responses with up-to-date information beyond the knowledge cutoff. Returns result blocks with titles and links. Domain filtering is supported. Always cite the sources used.", {
    query: str("The search query to use"),
    allowed_domains: arr(str("domain"), "Only include search results from these domains"),
    blocked_domains: arr(str("domain"), "Never include search results from these domains"),
  }, ["query"]),
  tool("ExitPlanMode", "Use this tool when you are in plan mode and have finished presenting your plan and are ready to code. This prompts the user to exit plan mode. Only use it for tasks that require planning the implementation steps of code, not for research tasks.", {
    plan: str("The plan you came up with, that you want to run by the user for approval. Supports markdown. The plan should be pretty concise."),
  }, ["plan"]),
  tool("SlashCommand", "Executes a custom slash command of the project within the main conversation. Only commands listed as available may be run; never guess a command name.", {
    command: str("The slash command to execute with its arguments, e.g. \"/review-pr 123\""),
  }, ["command"]),
  tool("AskUserQuestion", "Asks the user one to four multiple-choice questions to gather preferences, clarify ambiguous instructions or choose between implementation options. Users can always answer with free text instead.", {
    questions: arr(obj({
      question: str("The complete question to ask the user, ending with a question mark"),
      header: str("Very short label displayed as a chip (max 12 characters)"),
      multiSelect: bool("Allow several options to be selected"),
      options: arr(obj({ label: str("Display text of the choice (1-5 words)"), description: str("What the choice means") }, ["label", "description"]), "2-4 choices"),
    }, ["question", "header", "multiSelect", "options"]), "Questions to ask the user (1-4 questions)"),
  }, ["questions"]),
  tool("Skill", "Runs a skill in the main conversation. Skills bundle instructions, scripts and resources for specialised tasks (documents, spreadsheets, slides). Invoke a skill only when it is listed as available and relevant.", {
    command: str("The skill name (no arguments), e.g. \"pdf\" or \"xlsx\""),
  }, ["command"]),
  tool("ListMcpResourcesTool", "Lists available resources from configured MCP servers, each with its server name.", {
    server: str("Optional server name to filter resources by"),
  }),
  tool("ReadMcpResourceTool", "Reads a specific resource from an MCP server, given the server name and resource URI.", {
    server: str("The MCP server name"),
    uri: str("The resource URI to read"),
  }, ["server", "uri"]),
  tool("mcp__ide__getDiagnostics", "Gets language diagnostics (errors, warnings) from the editor for one file or for every open file.", {
    uri: str("Optional file URI to get diagnostics for. If not provided, gets diagnostics for all files."),
  }),
  tool("mcp__ide__executeCode", "Executes python code in the Jupyter kernel of the current notebook file. State persists across calls unless the kernel restarts; avoid declaring variables or modifying kernel state unless the user asks for it.", {
    code: str("The code to be executed on the kernel."),
  }, ["code"]),
];
