import { type FakeDebridServer, type StartOptions, startFakeDebrid } from "../../src/fake-debrid/index.ts";
import { createApp } from "../../src/http/app.ts";
import type { JobDefinition } from "../../src/jobs/types.ts";
import { PROVIDERS } from "../../src/providers/list.ts";
import { runSync } from "../../src/services/sync/index.ts";
import { makeTestDeps, type TestDeps } from "./deps.ts";

export interface UiFixture {
  fake: FakeDebridServer;
  deps: TestDeps;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

/**
 * A real web UI over a real database filled by a real sync from the fake Real-Debrid server
 * (hostile names included). `env` adds configuration (credentials, TRUST_PROXY...).
 */
export async function startUiFixture(
  options: {
    size?: number;
    env?: Record<string, string>;
    /** More configuration that needs the fake's address (a second provider). */
    envFor?: (fake: FakeDebridServer) => Record<string, string>;
    fake?: StartOptions;
    sync?: "full" | "torrents" | "none";
    /** The runner's jobs (the built-in ones by default). */
    jobs?: JobDefinition[];
  } = {},
): Promise<UiFixture> {
  const fake = await startFakeDebrid({
    rateLimit: 100_000,
    ...options.fake,
    library: { size: options.size ?? 120, hostileNames: true, ...options.fake?.library },
  });
  const deps = makeTestDeps(
    {
      RD_API_TOKEN: fake.state.options.token,
      RD_API_URL: fake.rdApiUrl,
      RD_RATE_LIMIT: "100000",
      ...options.env,
      ...options.envFor?.(fake),
    },
    PROVIDERS,
    options.jobs ? { jobs: options.jobs } : {},
  );
  const mode = options.sync ?? "full";
  if (mode !== "none") {
    const result = await runSync(deps, mode, {});
    if (result.status !== "succeeded") throw new Error(`fixture sync ${result.status}: ${result.error}`);
  }
  const app = createApp(deps);
  return {
    fake,
    deps,
    app,
    async close() {
      await deps.jobs.stop(2000);
      await fake.close();
      deps[Symbol.dispose]();
    },
  };
}

/** The value of a cookie from a response's Set-Cookie headers. */
export function cookieFrom(response: Response, name: string): string | null {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const [key, ...rest] = (pair ?? "").split("=");
    if (key?.trim() === name) return rest.join("=");
  }
  return null;
}

/** The CSRF token a page carries (layout meta tag or login form field). */
export function csrfFrom(html: string): string {
  const match = /name="csrf-token" content="([^"]+)"/.exec(html) ?? /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error("no CSRF token in the page");
  return match[1];
}
