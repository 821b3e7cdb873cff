/** What an engine sees of a recorded request (a module of its own, so the CLI's help needs nothing else). */
export type View = "raw" | "llamacpp-native" | "proxy";
export const VIEWS: readonly View[] = ["raw", "llamacpp-native", "proxy"];
