/**
 * `bun run bench [feature...]`: runs the benchmark suites and writes BENCHMARKS.md.
 * Each suite (scripts/bench/<feature>.ts) exports `run(): Promise<string>` returning its markdown
 * section; a run of some suites keeps the other sections as they were.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SUITES = [
  "sync",
  "web",
  "jobs",
  "repair",
  "symlinks",
  "downloads",
  "staging",
  "dav",
  "container",
] as const;
/** Run only when named: the container suite needs root and podman, and builds an image. */
const ONLY_WHEN_NAMED = new Set<string>(["container"]);
const FILE = join(import.meta.dir, "..", "..", "BENCHMARKS.md");
const MARK = (name: string, edge: "start" | "end") => `<!-- bench:${name}:${edge} -->`;

function readSections(): Map<string, string> {
  const sections = new Map<string, string>();
  if (!existsSync(FILE)) return sections;
  const text = readFileSync(FILE, "utf8");
  for (const name of SUITES) {
    const start = text.indexOf(MARK(name, "start"));
    const end = text.indexOf(MARK(name, "end"));
    if (start >= 0 && end > start)
      sections.set(name, text.slice(start + MARK(name, "start").length, end).trim());
  }
  return sections;
}

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const unknown = wanted.filter((w) => !(SUITES as readonly string[]).includes(w));
  if (unknown.length > 0) {
    console.error(`unknown suite(s): ${unknown.join(", ")}; known: ${SUITES.join(", ")}`);
    process.exit(2);
  }
  const selected = wanted.length > 0 ? wanted : SUITES.filter((name) => !ONLY_WHEN_NAMED.has(name));
  let failed = false;
  for (const name of selected) {
    const path = join(import.meta.dir, `${name}.ts`);
    if (!existsSync(path)) continue;
    console.error(`\n== bench: ${name} ==`);
    try {
      const suite = (await import(path)) as { run(): Promise<string> };
      const body = (await suite.run()).trim();
      // Read the file again just before writing: another suite may have finished meanwhile
      // (several `bun run bench <suite>` at once), and its section must not be lost.
      const sections = readSections();
      sections.set(name, body);
      write(sections);
    } catch (error) {
      failed = true;
      console.error(`bench ${name} failed:`, error);
    }
  }
  if (failed) process.exit(1);
}

function write(sections: Map<string, string>) {
  const machine = `${process.platform} ${process.arch}, ${navigator.hardwareConcurrency} cores, Bun ${Bun.version}`;
  const parts = [
    "# Benchmarks",
    "",
    "Written by `bun run bench` (or `bun run bench <suite>` for one section). Every figure stands beside a",
    "baseline measured in the same run, as a ratio. Sections keep the date and machine of their own run.",
    `Last written: ${new Date().toISOString()} on ${machine}.`,
    "",
  ];
  for (const name of SUITES) {
    const body = sections.get(name);
    if (!body) continue;
    parts.push(MARK(name, "start"), body, MARK(name, "end"), "");
  }
  writeFileSync(FILE, parts.join("\n"));
}

await main();
