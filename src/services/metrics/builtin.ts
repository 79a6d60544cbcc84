import type { Registry } from "prom-client";
import { lastSuccessPerJob, latestFinishedRunPerJob, listRunningRuns } from "../../db/repo/jobs.ts";
import { libraryByStatus } from "../../db/repo/metrics.ts";
import type { Deps } from "../../deps.ts";
import { registerDavMetrics } from "../dav/metrics.ts";
import { diskSpace } from "../disk/index.ts";

/** Debrid responses counted since start, kept in plain maps until prom-client is loaded. */
export interface ProviderCounts {
  /** key: provider + "\u0000" + HTTP status */
  requests: Map<string, number>;
  rateLimited: Map<string, number>;
  /** Total seconds spent waiting on responses, by provider. */
  seconds: Map<string, number>;
}

const STATUSES = ["succeeded", "failed", "cancelled", "interrupted"] as const;

/**
 * The metrics Redriva always exposes. Library and job gauges are read from SQLite at scrape
 * time (a few indexed aggregates), so they are right even for work done by the CLI.
 */
export function registerBuiltinMetrics(registry: Registry, deps: Deps, counts: ProviderCounts): void {
  // Loaded with the registry, on the first scrape (see index.ts).
  const { Counter, Gauge } = require("prom-client") as typeof import("prom-client");
  const registers = [registry];
  registerDavMetrics(registry, deps.dav);
  new Gauge({
    name: "redriva_torrents",
    help: "Torrents in the mirrored library (present at the provider), by status",
    labelNames: ["status"],
    registers,
    collect() {
      this.reset();
      for (const row of libraryByStatus(deps.dbh.db)) this.set({ status: row.status }, row.count);
    },
  });
  new Gauge({
    name: "redriva_library_bytes",
    help: "Total size of the torrents in the mirrored library",
    registers,
    collect() {
      this.set(libraryByStatus(deps.dbh.db).reduce((sum, row) => sum + row.bytes, 0));
    },
  });
  new Gauge({
    name: "redriva_job_last_duration_seconds",
    help: "Duration of the latest finished run of each job",
    labelNames: ["job"],
    registers,
    collect() {
      this.reset();
      for (const [job, run] of latestFinishedRunPerJob(deps.dbh.db)) {
        if (run.finished_at !== null) this.set({ job }, (run.finished_at - run.started_at) / 1000);
      }
    },
  });
  new Gauge({
    name: "redriva_job_last_status",
    help: "1 for the status of the latest finished run of each job, 0 for the others",
    labelNames: ["job", "status"],
    registers,
    collect() {
      this.reset();
      for (const [job, run] of latestFinishedRunPerJob(deps.dbh.db)) {
        for (const status of STATUSES) this.set({ job, status }, run.status === status ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: "redriva_job_last_success_timestamp_seconds",
    help: "When each job last succeeded (Unix time)",
    labelNames: ["job"],
    registers,
    collect() {
      this.reset();
      for (const [job, at] of lastSuccessPerJob(deps.dbh.db)) this.set({ job }, at / 1000);
    },
  });
  new Gauge({
    name: "redriva_job_running",
    help: "1 while a run of the job is in progress",
    labelNames: ["job"],
    registers,
    collect() {
      this.reset();
      for (const run of listRunningRuns(deps.dbh.db)) this.set({ job: run.job }, 1);
    },
  });
  new Gauge({
    name: "redriva_disk_free_bytes",
    help: "Free space under DATA_DIR and DISK_SPACE_PATHS",
    labelNames: ["path"],
    registers,
    collect() {
      this.reset();
      for (const disk of diskSpace(deps)) this.set({ path: disk.path }, disk.freeBytes);
    },
  });
  new Counter({
    name: "redriva_debrid_requests_total",
    help: "Requests to debrid providers, by provider and HTTP status",
    labelNames: ["provider", "code"],
    registers,
    collect() {
      this.reset();
      for (const [key, n] of counts.requests) {
        const [provider, code] = key.split("\u0000") as [string, string];
        this.inc({ provider, code }, n);
      }
    },
  });
  new Counter({
    name: "redriva_debrid_rate_limited_total",
    help: "Debrid responses 429 Too Many Requests, by provider",
    labelNames: ["provider"],
    registers,
    collect() {
      this.reset();
      for (const [provider, n] of counts.rateLimited) this.inc({ provider }, n);
    },
  });
  new Counter({
    name: "redriva_debrid_response_seconds_total",
    help: "Time spent waiting on debrid responses, by provider (divide by requests for the mean)",
    labelNames: ["provider"],
    registers,
    collect() {
      this.reset();
      for (const [provider, seconds] of counts.seconds) this.inc({ provider }, seconds);
    },
  });
}
