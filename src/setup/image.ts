import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { failure } from "../errors.ts";
import { llamaBundle } from "./bundle.ts";
import { ensureLlamaCpp } from "./llamacpp.ts";
import { requireTools } from "./system-tools.ts";

/** Where llama-server sits in the image: the path of the upstream llama.cpp server image. */
const SERVER_IN_IMAGE = "/app/llama-server";

/** The tag `bench setup image llama.cpp` builds for this lab's llama.cpp version. */
export function localImageTag(): string {
  return `tunelab/llama-server:${llamaBundle().version}`;
}

export interface ImageOptions {
  force?: boolean;
  onProgress?: (line: string) => void;
}

/**
 * Builds `tunelab/llama-server:<llama.cpp version>` FROM scratch out of the cached CPU build: llama-server, the
 * shared libraries `ldd` lists for it, and the loader; plus curl (and its libraries) for compose healthchecks,
 * as the upstream image has. For machines without registry access, and for tests; users' defaults stay the
 * upstream images. Returns the tag; an existing image is kept unless `force`.
 */
export async function ensureLlamaServerImage(opts: ImageOptions = {}): Promise<string> {
  const say = opts.onProgress ?? (() => {});
  requireTools(["docker", "ldd", "curl"], "to build the llama-server image");
  const build = await ensureLlamaCpp({ onProgress: say });
  const tag = `tunelab/llama-server:${build.version}`;
  if (!opts.force && (await execa("docker", ["image", "inspect", "--format", "{{.Id}}", tag], { reject: false, stdin: "ignore" })).exitCode === 0) {
    say(`image ${tag} already built`);
    return tag;
  }
  const context = mkdtempSync(join(tmpdir(), "tunelab-image-"));
  try {
    const curl = realpathSync((await execa("sh", ["-c", "command -v curl"])).stdout.trim());
    const files = new Map<string, string>([[SERVER_IN_IMAGE, build.serverPath], ["/usr/bin/curl", curl]]);
    for (const binary of [build.serverPath, curl]) for (const lib of await sharedLibraries(binary)) files.set(lib, lib);
    for (const [inImage, onHost] of files) {
      const target = join(context, "rootfs", inImage);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(realpathSync(onHost), target);
      chmodSync(target, 0o755);
    }
    mkdirSync(join(context, "rootfs", "tmp"), { recursive: true });
    chmodSync(join(context, "rootfs", "tmp"), 0o1777); // llama-server's --slot-save-path default in the quickstart
    writeFileSync(join(context, "Dockerfile"), dockerfile(build.version));
    say(`building ${tag} from ${build.serverPath} (${files.size} files)`);
    const r = await execa("docker", ["build", "-t", tag, context], { reject: false, all: true, stdin: "ignore" });
    if (r.exitCode !== 0) {
      const why = (r.all ?? "").trim().split("\n").filter(Boolean).pop() ?? `exit ${r.exitCode}`;
      throw failure(`docker build of ${tag} failed: ${why}`, "start Docker or set DOCKER_HOST (`docker info` must answer)");
    }
    return tag;
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

function dockerfile(version: string): string {
  return [
    "FROM scratch",
    "COPY rootfs/ /",
    `LABEL org.opencontainers.image.title="llama-server (tunelab local build)" org.opencontainers.image.version="${version}"`,
    "ENV LLAMA_ARG_HOST=0.0.0.0",
    "EXPOSE 8080",
    `ENTRYPOINT ["${SERVER_IN_IMAGE}"]`,
    "",
  ].join("\n");
}

/** Absolute paths of the libraries and loader `ldd` lists for a binary (fails naming any it cannot find). */
async function sharedLibraries(binary: string): Promise<string[]> {
  const r = await execa("ldd", [binary], { reject: false, stdin: "ignore" });
  const missing = r.stdout.split("\n").filter((l) => /=> not found/.test(l)).map((l) => l.trim().split(" ")[0]);
  if (missing.length) throw failure(`${binary} needs libraries that are not installed: ${missing.join(", ")}`);
  return [...r.stdout.matchAll(/(?:=>\s+)?(\/\S+)\s+\(0x/g)].map((m) => m[1]);
}
