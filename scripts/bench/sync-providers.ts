/**
 * `bun run bench sync`, per-provider rows: requests a list-only, a full and a smart sync of 5,000
 * torrents cost against each provider's fake, beside the fewest its API allows (the fake's
 * `minimumRequests`). Every entry of FAKE_PROVIDERS gets its row: a new provider's fake adds it.
 */
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { startFakeDebrid } from "../../src/fake-debrid/index.ts";
import { FAKE_PROVIDERS, type FakeProvider } from "../../src/fake-debrid/providers.ts";
import { PROVIDERS } from "../../src/providers/list.ts";
import { runMeasured } from "./lib/process.ts";

const CLI = join(import.meta.dir, "..", "..", "src", "cli", "index.ts");
const SIZE = 5000;
const CHANGES = { added: 50, finished: 40, changed: 60, removed: 10 };

interface Phase {
  requests: number;
  refused: number;
  code: number;
}

/** Only this provider configured: its fake's variables, nothing from the caller's environment. */
function providerEnv(dataDir: string, vars: Record<string, string>): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: "silent", ...vars };
}

async function measure(fp: FakeProvider, work: string): Promise<string> {
  const label = PROVIDERS.find((p) => p.kind === fp.kind)?.label ?? fp.kind;
  // The shared window (Real-Debrid's, and fakes that reuse it) is opened wide so 5,000 detail
  // reads take seconds, not 20 minutes: the counts do not depend on the pace. Fakes with their
  // own documented windows (TorBox: 300/min) keep them; any 429 shows in the row.
  await using fake = await startFakeDebrid({
    library: { size: SIZE, seed: 11, mix: { downloading: 0.02 } },
    rateLimit: 1_000_000,
    rateWindowMs: 1000,
  });
  const library = fp.library?.(fake.state) ?? fake.state.library;
  const dir = join(work, `providers-${fp.kind}`);
  const env = providerEnv(dir, fp.env(fake));
  const phase = async (mode: string): Promise<Phase> => {
    fake.resetStats();
    const r = await runMeasured(["bun", CLI, "sync", mode, "--provider", fp.kind], env);
    return { requests: fake.stats.requests, refused: fake.stats.rateLimited, code: r.code };
  };
  const list = await phase("torrents");
  // What the provider listed (a fake without its own library hook may list nothing).
  const db = new Database(join(dir, "redriva.db"), { readonly: true });
  const listed = db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM torrents").get()?.n ?? 0;
  db.close();
  const full = await phase("full");
  const changes = library.mutate(CHANGES);
  const smart = await phase("smart");
  const minimum = fp.minimumRequests(fake.state, [...changes.added, ...changes.finished]);
  const cell = (p: Phase, min: number | undefined) =>
    min === undefined
      ? `${p.requests} (no minimum given)`
      : `${p.requests} / ${min} = ${(p.requests / min).toFixed(2)}×`;
  return `| ${label} | ${listed.toLocaleString("en")} | ${cell(list, minimum?.list)} | ${cell(full, minimum?.full)} | ${cell(smart, minimum?.smart)} | ${list.refused + full.refused + smart.refused} | ${[list.code, full.code, smart.code].join(", ")} |`;
}

export async function providerRows(work: string): Promise<string[]> {
  const rows: string[] = [];
  for (const fp of FAKE_PROVIDERS) rows.push(await measure(fp, work));
  return [
    `### Requests per provider: list only, full, smart, ${SIZE.toLocaleString("en")} torrents`,
    "",
    "Each provider alone, against its fake (scripts/bench/sync-providers.ts). Cells: requests used /",
    "the fewest the provider's API allows (its fake's `minimumRequests`) = ratio. Smart runs after a",
    `day of changes (${CHANGES.added} added, ${CHANGES.finished} finished, ${CHANGES.changed} dead, ${CHANGES.removed} removed); its minimum counts the added and finished.`,
    "",
    "| provider | torrents | list only | full | smart | 429s | exit codes |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ];
}

if (import.meta.main) {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const work = mkdtempSync(join(tmpdir(), "redriva-bench-providers-"));
  try {
    process.stdout.write(`${(await providerRows(work)).join("\n")}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
