import { arr, bool, num, obj, str, tool } from "./schema.ts";
import type { Tool } from "./types.ts";

/** File tools of a coding agent, written for this lab in the style of the real ones. */
export const FILE_TOOLS: Tool[] = [
  tool("Read", "Reads a file from the local filesystem. The file_path must be absolute. By default it reads up to 2000 lines from the start of the file; pass offset and limit for long files. Lines are returned with line numbers starting at 1. Images and PDFs are returned as attachments; notebooks are returned with their cells and outputs. Reading a file that does not exist returns an error, which is fine. Prefer reading several potentially useful files in one turn.", {
    file_path: str("The absolute path to the file to read"),
    offset: num("The line number to start reading from. Only provide if the file is too large to read at once"),
    limit: num("The number of lines to read. Only provide if the file is too large to read at once."),
  }, ["file_path"]),
  tool("Write", "Writes a file to the local filesystem, overwriting any existing file at that path. If the file exists you must Read it first in this conversation, or the write fails. Prefer editing existing files to creating new ones, and never create documentation files unless the user asks for them.", {
    file_path: str("The absolute path to the file to write (must be absolute, not relative)"),
    content: str("The content to write to the file"),
  }, ["file_path", "content"]),
  tool("Edit", "Performs an exact string replacement in a file. You must Read the file before editing it. Keep the indentation exactly as it appears after the line-number prefix. The edit fails when old_string is not unique in the file: give more surrounding context or use replace_all to change every instance, for example when renaming a variable.", {
    file_path: str("The absolute path to the file to modify"),
    old_string: str("The text to replace"),
    new_string: str("The text to replace it with (must be different from old_string)"),
    replace_all: { ...bool("Replace all occurrences of old_string (default false)") },
  }, ["file_path", "old_string", "new_string"]),
  tool("MultiEdit", "Makes several edits to one file in a single operation. Edits apply in order, each to the result of the previous one; either all succeed or none is applied. Use it instead of Edit when you change several places of the same file.", {
    file_path: str("The absolute path to the file to modify"),
    edits: arr(obj({
      old_string: str("The text to replace"),
      new_string: str("The text to replace it with"),
      replace_all: bool("Replace all occurrences of old_string (default false)."),
    }, ["old_string", "new_string"]), "Array of edit operations to perform sequentially on the file"),
  }, ["file_path", "edits"]),
  tool("Glob", "Fast file pattern matching that works with any codebase size. Supports glob patterns like \"**/*.js\" or \"src/**/*.ts\". Returns matching file paths sorted by modification time. Use it when you need to find files by name patterns; for open-ended searches that need several rounds, use the Task tool instead.", {
    pattern: str("The glob pattern to match files against"),
    path: str("The directory to search in. If not specified, the current working directory is used. Omit it for the default; do not pass \"undefined\" or \"null\"."),
  }, ["pattern"]),
  tool("Grep", "A powerful search tool built on ripgrep. Supports full regex syntax (e.g. \"log.*Error\", \"function\\s+\\w+\"). Filter files with the glob or type parameters. Output modes: \"content\" shows matching lines, \"files_with_matches\" shows only file paths (default), \"count\" shows match counts. Literal braces need escaping. Always use Grep for search tasks instead of running grep or rg through Bash.", {
    pattern: str("The regular expression pattern to search for in file contents"),
    path: str("File or directory to search in (rg PATH). Defaults to current working directory."),
    glob: str("Glob pattern to filter files (e.g. \"*.js\", \"*.{ts,tsx}\") - maps to rg --glob"),
    output_mode: str("Output mode: content, files_with_matches or count", { enum: ["content", "files_with_matches", "count"] }),
    "-B": num("Number of lines to show before each match (rg -B). Requires output_mode content."),
    "-A": num("Number of lines to show after each match (rg -A). Requires output_mode content."),
    "-C": num("Number of lines to show before and after each match (rg -C). Requires output_mode content."),
    "-n": bool("Show line numbers in output (rg -n). Requires output_mode content."),
    "-i": bool("Case insensitive search (rg -i)"),
    type: str("File type to search (rg --type). Common types: js, py, rust, go, java. More efficient than glob for standard types."),
    head_limit: num("Limit output to the first N lines or entries, like | head -N."),
    multiline: bool("Enable multiline mode where . matches newlines and patterns can span lines (rg -U --multiline-dotall). Default: false."),
  }, ["pattern"]),
  tool("NotebookEdit", "Replaces, inserts or deletes one cell of a Jupyter notebook (.ipynb). The notebook_path must be absolute. cell_id names the cell to change; with edit_mode insert the new cell goes after it, or at the start when no id is given.", {
    notebook_path: str("The absolute path to the Jupyter notebook file to edit (must be absolute, not relative)"),
    cell_id: str("The ID of the cell to edit. When inserting a new cell, the new cell is inserted after the cell with this ID."),
    new_source: str("The new source for the cell"),
    cell_type: str("The type of the cell (code or markdown). Required for edit_mode=insert.", { enum: ["code", "markdown"] }),
    edit_mode: str("The type of edit to make (replace, insert, delete). Defaults to replace.", { enum: ["replace", "insert", "delete"] }),
  }, ["notebook_path", "new_source"]),
];
