import { afterEach, describe, expect, test } from "bun:test";
import { startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { createApp } from "../../../src/http/app.ts";
import { registerDownloadStats, startCounting } from "../../../src/services/metrics/index.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { type Family, parsePrometheusText } from "../../helpers/prometheus.ts";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function value(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const family = families.get(name);
  return family?.samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

describe("/metrics", () => {
  test("parses as Prometheus text and reports library, jobs, debrid requests and 429s, downloads, memory", async () => {
    const fake = await startFakeDebrid({
      library: { size: 5, seed: 1 },
      faults: { rateLimitRate: 0.4 },
      faultSeed: 7,
    });
    cleanups.push(() => fake.close());
    const deps = makeTestDeps({
      RD_API_TOKEN: "fake-token",
      RD_API_URL: fake.rdApiUrl,
      RD_RATE_WINDOW_MS: "100",
    });
    cleanups.push(() => deps[Symbol.dispose]());
    startCounting(deps); // startJobs does this in the server

    const insert = deps.dbh.sqlite.prepare(
      "INSERT INTO torrents (id, filename, status, bytes, first_seen_at, last_seen_at, changed_at, removed_at) VALUES (?, ?, ?, ?, 1, 1, 1, ?)",
    );
    insert.run("a", 'weird "name"\nwith newline', "downloaded", 1000, null);
    insert.run("b", "b", "downloaded", 2000, null);
    insert.run("c", "c", "dead", 500, null);
    insert.run("gone", "gone", "downloaded", 9999, 5);

    const provider = deps.providers.require("realdebrid");
    for (let i = 0; i < 6; i++) await provider.getAccount();
    expect(fake.stats.injected.rateLimited).toBeGreaterThan(0);
    expect((await deps.jobs.trigger("backup", "manual").done).status).toBe("succeeded");
    registerDownloadStats(deps, () => ({ active: 2, queued: 5, bytesPerSecond: 1_048_576 }));

    const res = await createApp(deps).request("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const families = parsePrometheusText(await res.text());

    expect(value(families, "redriva_torrents", { status: "downloaded" })).toBe(2);
    expect(value(families, "redriva_torrents", { status: "dead" })).toBe(1);
    expect(value(families, "redriva_library_bytes")).toBe(3500);
    // getAccount asks for the user and the traffic: compare with what the fake server answered.
    expect(value(families, "redriva_debrid_requests_total", { provider: "realdebrid", code: "200" })).toBe(
      fake.stats.requests - fake.stats.injected.rateLimited,
    );
    expect(value(families, "redriva_debrid_rate_limited_total", { provider: "realdebrid" })).toBe(
      fake.stats.injected.rateLimited,
    );
    expect(value(families, "redriva_debrid_requests_total", { provider: "realdebrid", code: "429" })).toBe(
      fake.stats.injected.rateLimited,
    );
    expect(
      value(families, "redriva_debrid_response_seconds_total", { provider: "realdebrid" }),
    ).toBeGreaterThan(0);
    expect(value(families, "redriva_job_last_duration_seconds", { job: "backup" })).toBeGreaterThanOrEqual(0);
    expect(value(families, "redriva_job_last_status", { job: "backup", status: "succeeded" })).toBe(1);
    expect(value(families, "redriva_job_last_success_timestamp_seconds", { job: "backup" })).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
    expect(value(families, "redriva_downloads_active")).toBe(2);
    expect(value(families, "redriva_downloads_queued")).toBe(5);
    expect(value(families, "redriva_download_bytes_per_second")).toBe(1_048_576);
    expect(value(families, "process_resident_memory_bytes")).toBeGreaterThan(1_000_000);
    expect(value(families, "redriva_disk_free_bytes", { path: deps.dataDir })).toBeGreaterThan(0);
  });

  test("with a login configured, a scraper authenticates with HTTP Basic", async () => {
    const deps = makeTestDeps({ REDRIVA_USERNAME: "admin", REDRIVA_PASSWORD: "s3cret-pass" });
    cleanups.push(() => deps[Symbol.dispose]());
    const app = createApp(deps);
    const anonymous = await app.request("/metrics", { headers: { accept: "application/json" } });
    expect(anonymous.status).toBe(401);
    const wrong = await app.request("/metrics", {
      headers: { authorization: `Basic ${btoa("admin:nope")}`, accept: "application/json" },
    });
    expect(wrong.status).toBe(401);
    const ok = await app.request("/metrics", {
      headers: { authorization: `Basic ${btoa("admin:s3cret-pass")}` },
    });
    expect(ok.status).toBe(200);
    expect(parsePrometheusText(await ok.text()).has("redriva_torrents")).toBe(true);
  });
});

describe("prometheus parser used above", () => {
  test("rejects what Prometheus rejects", () => {
    expect(() => parsePrometheusText("x 1\n")).toThrow(/without # TYPE/);
    expect(() => parsePrometheusText("# TYPE x gauge\nx{a=b} 1\n")).toThrow(/bad label/);
    expect(() => parsePrometheusText("# TYPE x gauge\nx one\n")).toThrow(/bad value/);
    expect(() => parsePrometheusText("# TYPE x gauge\nx 1")).toThrow(/newline/);
    expect(parsePrometheusText('# TYPE x gauge\nx{a="q\\"\\n"} +Inf\n').get("x")?.samples[0]?.labels.a).toBe(
      'q"\n',
    );
  });
});
