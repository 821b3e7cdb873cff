import { describe, expect, it } from "vitest";
import { jsonSpans } from "./helpers/json-spans.ts";

// The byte-stability checks of the Claude Code tests stand on this scanner: it must find the same spans
// whatever the spacing, and never be fooled by brackets or quotes inside strings.
describe("jsonSpans", () => {
  const body = { model: "m", messages: [{ role: "user", content: 'a "quoted" ] } [ {' }, { role: "tool", content: "x", extra: { n: [1, 2] } }], tools: [{ name: "t" }], stream: true };

  for (const [name, text] of [["compact", JSON.stringify(body)], ["indented", JSON.stringify(body, null, 2)], ["python-style", JSON.stringify(body).replaceAll('":', '": ').replaceAll('",', '", ')]]) {
    it(`finds top-level values and message ends in ${name} JSON`, () => {
      const spans = jsonSpans(text);
      for (const key of Object.keys(body)) {
        const [start, end] = spans.values.get(key)!;
        expect(JSON.parse(text.slice(start, end))).toEqual(body[key as keyof typeof body]);
      }
      expect(spans.messageEnds).toHaveLength(2);
      const open = text.indexOf("[", spans.values.get("messages")![0]);
      expect(JSON.parse(`[${text.slice(open + 1, spans.messageEnds[0])}]`)).toEqual([body.messages[0]]);
      expect(JSON.parse(`${text.slice(open, spans.messageEnds[1])}]`)).toEqual(body.messages);
    });
  }
});
