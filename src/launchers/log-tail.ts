/** Last `lines` non-empty lines of a log, for failed rows (kept short so CSV cells stay readable). */
export function tailOf(log: string, lines = 40): string {
  return log.split("\n").filter((l) => l.trim() !== "").slice(-lines).join("\n");
}
