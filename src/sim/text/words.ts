import { pick, type Rng } from "../rng.ts";

const WORDS = (
  "the a model server request token cache prefix batch queue latency throughput engine kernel graph memory " +
  "decode prefill context window tool call result file line function value config run test build output input " +
  "user system step time rate block layer expert parallel tensor stream chunk response error status check path " +
  "we it this that these each every then when while because so and or but with from into over under after before " +
  "is are was can will should must may use uses read write find keep make take return update start stop add " +
  "fast slow large small first last next new old same other simple clear good better best stable warm cold"
).split(" ");

/**
 * One sentence of simulated output. It starts with a space or a line break and ends with punctuation, so that
 * tokenizing sentences one by one gives exactly the tokens of their concatenation.
 */
export function sentence(rng: Rng, first: boolean): string {
  const length = 5 + Math.floor(rng() * 14);
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(pick(rng, WORDS));
  words[0] = words[0][0].toUpperCase() + words[0].slice(1);
  if (length > 9 && rng() < 0.4) words[Math.floor(length / 2)] += ",";
  const lead = first ? "" : rng() < 0.15 ? "\n\n" : " ";
  return `${lead}${words.join(" ")}${rng() < 0.1 ? "?" : "."}`;
}

export function word(rng: Rng): string {
  return pick(rng, WORDS);
}
