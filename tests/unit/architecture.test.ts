import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tempDir } from "../helpers/temp-dir.ts";

// `bun run check` must fail on a forbidden import (Biome, biome.json overrides) and on an unused
// export (knip, knip.jsonc). Each check runs on a scratch project that uses the repository's own
// configuration, so the rules are exercised exactly as written, and the allowed twin of each
// violation passes (the test can fail both ways).
const ROOT = join(import.meta.dir, "..", "..");
const BIN = join(ROOT, "node_modules", ".bin");
const dirs: Array<{ path: string; [Symbol.dispose](): void }> = [];
afterAll(() => {
  for (const d of dirs) d[Symbol.dispose]();
});

function project(files: Record<string, string>): string {
  const dir = tempDir("redriva-arch-");
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir.path, path)), { recursive: true });
    writeFileSync(join(dir.path, path), text);
  }
  return dir.path;
}

function biomeConfig(): string {
  const config = JSON.parse(readFileSync(join(ROOT, "biome.json"), "utf8"));
  // The scratch folder is not a git checkout and has no node_modules.
  delete config.vcs;
  delete config.$schema;
  config.files = { includes: ["**"] };
  return JSON.stringify(config);
}

function lint(path: string, source: string): { ok: boolean; output: string } {
  const cwd = project({ "biome.json": biomeConfig(), [path]: source });
  const run = Bun.spawnSync([join(BIN, "biome"), "lint", "src"], { cwd, stdout: "pipe", stderr: "pipe" });
  return { ok: run.exitCode === 0, output: `${run.stdout}${run.stderr}` };
}

const imports = (specifier: string) => `import { x } from "${specifier}";\nexport const y = x;\n`;

describe("import rules (biome.json)", () => {
  const cases: Array<[string, string, string]> = [
    // [file, forbidden import, allowed import]
    ["src/services/repair/probe.ts", "../../jobs/runner.ts", "../../db/repo/repair.ts"],
    ["src/services/repair/probe.ts", "../../http/render.ts", "../../providers/http/rate-limiter.ts"],
    ["src/http/repair/probe.ts", "../../db/repo/repair.ts", "../../services/repair/index.ts"],
    ["src/downloader/probe.ts", "../services/downloads/engine.ts", "../lib/clock.ts"],
    ["src/downloader/aria2/probe.ts", "../../db/repo/downloads.ts", "../../logger.ts"],
    ["src/providers/realdebrid/probe.ts", "../../services/arr/index.ts", "../http/http-client.ts"],
    ["src/providers/probe.ts", "../http/app.ts", "../lib/clock.ts"],
    ["src/lib/probe.ts", "../deps.ts", "../errors.ts"],
    ["src/domain/probe.ts", "../db/repo/downloads.ts", "../lib/clock.ts"],
    ["src/jobs/contract.ts", "../deps.ts", "../lib/run-hooks.ts"],
    ["src/services/cleanup/retention-rule.ts", "../../config/index.ts", "../../lib/run-hooks.ts"],
  ];
  for (const [file, forbidden, allowed] of cases) {
    test(`${file}: ${forbidden} is refused, ${allowed} is fine`, () => {
      const bad = lint(file, imports(forbidden));
      expect(bad.ok).toBe(false);
      expect(bad.output).toContain("noRestrictedImports");
      const good = lint(file, imports(allowed));
      expect(good.output).not.toContain("noRestrictedImports");
      expect(good.ok).toBe(true);
    });
  }
});

describe("unused exports (knip.jsonc)", () => {
  const knip = (files: Record<string, string>) => {
    const cwd = project({
      "package.json": JSON.stringify({ name: "probe", private: true, type: "module" }),
      "knip.jsonc": readFileSync(join(ROOT, "knip.jsonc"), "utf8"),
      "src/main.ts": 'import { used } from "./feature.ts";\nconsole.log(used());\n',
      ...files,
    });
    const run = Bun.spawnSync([join(BIN, "knip"), "--no-progress"], { cwd, stdout: "pipe", stderr: "pipe" });
    return { ok: run.exitCode === 0, output: `${run.stdout}${run.stderr}` };
  };

  test("an export nobody imports fails; the same code without it passes", () => {
    const dead = knip({
      "src/feature.ts": "export function used() { return 1; }\nexport function forgotten() { return 2; }\n",
    });
    expect(dead.output).toContain("forgotten");
    expect(dead.ok).toBe(false);
    const clean = knip({ "src/feature.ts": "export function used() { return 1; }\n" });
    expect(clean.output).not.toContain("Unused exports");
    expect(clean.ok).toBe(true);
  });

  test("an exported type nobody imports fails too; the same type kept private passes", () => {
    const used = "export function used(): Answer { return 1; }\n";
    const dead = knip({
      "src/feature.ts": `export type Answer = number;\nexport type Forgotten = string;\n${used}`,
    });
    expect(dead.output).toContain("Forgotten");
    expect(dead.ok).toBe(false);
    const clean = knip({ "src/feature.ts": `type Answer = number;\n${used}` });
    expect(clean.output).not.toContain("Unused exported types");
    expect(clean.ok).toBe(true);
  });
});
