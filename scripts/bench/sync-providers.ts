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
/** 5,000 by default; BENCH_SYNC_PROVIDERS_SIZE runs a smaller check of the script itself. */
const SIZE = Number(process.env.BENCH_SYNC_PROVIDERS_SIZE ?? 5000);
const CHANGES = { added: 50, finished: 40, changed: 60, removed: 10 };
const PHASES = ["list", "full", "smart"] as const;
type PhaseName = (typeof PHASES)[number];

interface Phase {
  requests: number;
  minimum: number;
  ms: number;
  refused: number;
  code: number;
}

interface Row {
  label: string;
  listed: number;
  phases: Record<PhaseName, Phase>;
}

/** Only this provider configured: its fake's variables, nothing from the caller's environment. */
function providerEnv(dataDir: string, vars: Record<string, string>): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: "silent", ...vars };
}

async function measure(fp: FakeProvider, work: string): Promise<Row> {
  const label = PROVIDERS.find((p) => p.kind === fp.kind)?.label ?? fp.kind;
  // The fakes' shared window is opened wide: each client keeps to its provider's documented (or
  // default) limit, which is what paces the run. Fakes with their own documented windows
  // (TorBox 300/min, AllDebrid 12/s and 600/min) keep them; any 429 shows in the row.
  await using fake = await startFakeDebrid({
    library: { size: SIZE, seed: 11, mix: { downloading: 0.02 } },
    rateLimit: 1_000_000,
    rateWindowMs: 1000,
  });
  const library = fp.library?.(fake.state) ?? fake.state.library;
  const dir = join(work, `providers-${fp.kind}`);
  const env = providerEnv(dir, fp.env(fake));
  const run = async (mode: string, minimum: number): Promise<Phase> => {
    fake.resetStats();
    const r = await runMeasured(["bun", CLI, "sync", mode, "--provider", fp.kind], env);
    return {
      requests: fake.stats.requests,
      minimum,
      ms: r.ms,
      refused: fake.stats.rateLimited,
      code: r.code,
    };
  };
  const before = fp.minimumRequests(fake.state, []);
  const list = await run("torrents", before.list);
  const db = new Database(join(dir, "redriva.db"), { readonly: true });
  const listed = db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM torrents").get()?.n ?? 0;
  db.close();
  const full = await run("full", before.full);
  const changes = library.mutate(CHANGES);
  const after = fp.minimumRequests(fake.state, [...changes.added, ...changes.finished]);
  const smart = await run("smart", after.smart);
  return { label, listed, phases: { list, full, smart } };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function line(row: Row, baseline: Row | undefined): string {
  const { list, full, smart } = row.phases;
  const requests = (p: Phase) => `${p.requests} / ${p.minimum} = ${(p.requests / p.minimum).toFixed(2)}×`;
  const time = (name: PhaseName) => {
    const p = row.phases[name];
    const base = baseline?.phases[name];
    return base ? `${seconds(p.ms)} (${(p.ms / base.ms).toFixed(2)}×)` : seconds(p.ms);
  };
  return `| ${row.label} | ${row.listed.toLocaleString("en")} | ${requests(list)} | ${requests(full)} | ${requests(smart)} | ${time("list")} | ${time("full")} | ${time("smart")} | ${list.refused + full.refused + smart.refused} | ${[list.code, full.code, smart.code].join(", ")} |`;
}

export async function providerRows(work: string): Promise<string[]> {
  const rows: Array<{ kind: string; row: Row }> = [];
  for (const fp of FAKE_PROVIDERS) rows.push({ kind: fp.kind, row: await measure(fp, work) });
  const baseline = rows.find((r) => r.kind === "realdebrid")?.row;
  return [
    `### Requests and wall time per provider: list only, full, smart, ${SIZE.toLocaleString("en")} torrents`,
    "",
    "Each provider alone, against its fake, its client at the provider's own limit (scripts/bench/sync-providers.ts).",
    "Request cells: requests used / the fewest the provider's API allows (its fake's `minimumRequests`, see",
    "docs/providers.md) = ratio. Wall time: the whole `redriva sync` process, with its ratio to Real-Debrid's",
    `(the baseline row) for the same phase. Smart runs after a day of changes (${CHANGES.added} added, ${CHANGES.finished} finished,`,
    `${CHANGES.changed} dead, ${CHANGES.removed} removed); its minimum counts the added and finished.`,
    "",
    "| provider | torrents | list only | full | smart | wall time list (× RD) | full (× RD) | smart (× RD) | 429s | exit codes |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(({ row }) => line(row, baseline)),
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
