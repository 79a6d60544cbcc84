/**
 * For `bun run bench jobs`: the server without the download client (config, database, HTTP app
 * with every page, job runner with every schedule armed), to tell the job runner's idle cost
 * from the download client's (aria2c supervision). Not a suite of its own.
 */
import { createDeps } from "../../src/compose.ts";
import { loadConfig } from "../../src/config/index.ts";
import { createApp } from "../../src/http/app.ts";
import { startJobs } from "../../src/jobs/index.ts";

const deps = createDeps(loadConfig(process.env));
Bun.serve({ port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1", fetch: createApp(deps).fetch });
const jobs = await startJobs(deps);
process.on("SIGTERM", () => {
  void jobs.stop().then(() => {
    deps.dbh.close();
    process.exit(0);
  });
});
