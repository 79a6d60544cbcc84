#!/usr/bin/env bun
/**
 * Runs the fake debrid server on its own (benchmarks, manual tries):
 *   bun src/fake-debrid/cli.ts --torrents 5000 [--port 0] [--rate-limit 250] [--window-ms 60000] [--token T]
 * Prints one JSON line {url, rdApiUrl, token} on stdout when ready.
 */
import { parseArgs } from "node:util";
import { startFakeDebrid } from "./index.ts";

const { values } = parseArgs({
  options: {
    torrents: { type: "string", default: "1000" },
    port: { type: "string", default: "0" },
    "rate-limit": { type: "string", default: "250" },
    "window-ms": { type: "string", default: "60000" },
    token: { type: "string", default: "fake-token" },
    hostile: { type: "boolean", default: false },
    seed: { type: "string", default: "42" },
  },
});
const fake = await startFakeDebrid({
  port: Number(values.port),
  token: values.token,
  rateLimit: Number(values["rate-limit"]),
  rateWindowMs: Number(values["window-ms"]),
  library: { size: Number(values.torrents), seed: Number(values.seed), hostileNames: values.hostile },
});
process.stdout.write(`${JSON.stringify({ url: fake.url, rdApiUrl: fake.rdApiUrl, token: values.token })}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => fake.close().then(() => process.exit(0)));
