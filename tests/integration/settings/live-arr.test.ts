import { afterAll, expect, test } from "bun:test";
import { arrInstanceClient, arrInstances } from "../../../src/services/arr/instances.ts";
import { saveEditableSettings } from "../../../src/services/settings/store.ts";
import { startFakeArr } from "../../fakes/arr-server.ts";
import { makeTestDeps } from "../../helpers/deps.ts";

/**
 * Settings the Sonarr/Radarr clients are built with (never search, commands per minute) apply to
 * the running process: the clients are rebuilt on their next use after /settings saves one.
 */
const sonarr = startFakeArr({ kind: "sonarr", items: [{ id: 1, title: "Show", path: "/tv/Show" }] });
afterAll(() => sonarr.stop());

test("ARR_NEVER_SEARCH saved on /settings stops the next search without a restart", async () => {
  using deps = makeTestDeps({ SONARR_URL: sonarr.url, SONARR_API_KEY: sonarr.apiKey });
  const [instance] = arrInstances(deps);
  if (!instance) throw new Error("the fake Sonarr is not configured");
  const before = arrInstanceClient(deps, instance);
  expect(await before?.search([1])).toEqual({ commands: 1, refused: false });
  expect(sonarr.commands.map((c) => c.name)).toEqual(["SeriesSearch"]);

  const result = saveEditableSettings(deps, { ARR_NEVER_SEARCH: "true", ARR_COMMANDS_PER_MINUTE: "5" });
  expect(result).toMatchObject({ problems: {}, applied: true });
  const after = arrInstanceClient(deps, instance);
  expect(after).not.toBe(before);
  expect(await after?.search([1])).toEqual({ commands: 0, refused: true });
  expect(sonarr.commands.map((c) => c.name)).toEqual(["SeriesSearch"]);
  expect(deps.config.arr.commandsPerMinute).toBe(5);
});
