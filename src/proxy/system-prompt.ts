import type { MessagesRequest, OtherBlock } from "./anthropic-schema.ts";

const BILLING_HEADER = "x-anthropic-billing-header:";

/**
 * One system string. Claude Code's first block is a billing header whose `cch=` value changes per request;
 * keeping it would change the first bytes of every prompt and defeat the engine's prefix cache, so it is dropped.
 */
export function flattenSystem(system: MessagesRequest["system"], onOther?: (block: OtherBlock) => void): string | undefined {
  if (system === undefined) return undefined;
  if (typeof system === "string") return isBillingHeader(system) ? undefined : system;
  const texts: string[] = [];
  for (const block of system) {
    if (block.type === "other") onOther?.(block);
    if (block.text !== undefined && !isBillingHeader(block.text)) texts.push(block.text);
  }
  return texts.length ? texts.join("\n\n") : undefined;
}

function isBillingHeader(text: string): boolean {
  return text.trimStart().startsWith(BILLING_HEADER);
}
