import type { ArrKind } from "../../src/services/arr/types.ts";
import { answerImportRoutes, type FakeDownloadClient, type FakeHistoryRecord } from "./arr-imports.ts";

/**
 * A fake Sonarr or Radarr over real HTTP (127.0.0.1, port 0), following the v3 API shapes the
 * client uses: GET /api/v3/system/status, GET /api/v3/series (Sonarr) or /api/v3/movie (Radarr),
 * POST /api/v3/command (201 + command resource), GET /api/v3/command/:id. The key is checked
 * like the real ones (X-Api-Key header or apikey query; 401 otherwise). Every command received
 * is recorded in `commands`. Download clients and history: arr-imports.ts.
 */
export interface FakeArrItem {
  id: number;
  title: string;
  path: string;
}

export interface RecordedCommand {
  id: number;
  name: string;
  body: Record<string, unknown>;
}

export interface FakeArr {
  kind: ArrKind;
  url: string;
  port: number;
  apiKey: string;
  items: FakeArrItem[];
  commands: RecordedCommand[];
  /** Requests seen (method + path), to assert nothing unexpected was called. */
  requests: string[];
  /** Answer every request with this status until cleared (simulates an outage). */
  failWith: number | null;
  /** GET /api/v3/downloadclient (build entries with `qbitDownloadClient`). */
  downloadClients: FakeDownloadClient[];
  /** GET /api/v3/history[/since] (add imports with `importRecord`). */
  history: FakeHistoryRecord[];
  stop(): Promise<void>;
}

export function startFakeArr(options: {
  kind: ArrKind;
  apiKey?: string;
  items?: FakeArrItem[];
  version?: string;
  downloadClients?: FakeDownloadClient[];
}) {
  const appName = options.kind === "sonarr" ? "Sonarr" : "Radarr";
  const itemsPath = options.kind === "sonarr" ? "/api/v3/series" : "/api/v3/movie";
  let nextCommandId = 1;
  const state = {
    kind: options.kind,
    apiKey: options.apiKey ?? "fake-arr-key-0123456789",
    items: options.items ?? [],
    commands: [] as RecordedCommand[],
    requests: [] as string[],
    failWith: null as number | null,
    downloadClients: options.downloadClients ?? [],
    history: [] as FakeHistoryRecord[],
  };
  const commandResource = (cmd: RecordedCommand) => ({
    id: cmd.id,
    name: cmd.name,
    commandName: cmd.name,
    body: { ...cmd.body, sendUpdatesToClient: true },
    priority: "normal",
    status: "queued",
    queued: new Date().toISOString(),
    trigger: "manual",
  });

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      state.requests.push(`${req.method} ${url.pathname}`);
      if (state.failWith) return new Response("failure", { status: state.failWith });
      const key = req.headers.get("x-api-key") ?? url.searchParams.get("apikey");
      if (key !== state.apiKey) return new Response("Unauthorized", { status: 401 });

      if (req.method === "GET" && url.pathname === "/api/v3/system/status") {
        return Response.json({
          appName,
          instanceName: appName,
          version: options.version ?? (options.kind === "sonarr" ? "3.0.10.1567" : "3.2.2.5080"),
          isLinux: true,
          authentication: "none",
          urlBase: "",
        });
      }
      if (req.method === "GET" && url.pathname === itemsPath) {
        return Response.json(
          state.items.map((item) => ({
            ...item,
            sortTitle: item.title.toLowerCase(),
            monitored: true,
            rootFolderPath: item.path.split("/").slice(0, -1).join("/"),
          })),
        );
      }
      if (req.method === "POST" && url.pathname === "/api/v3/command") {
        let body: Record<string, unknown>;
        try {
          body = (await req.json()) as Record<string, unknown>;
        } catch {
          return Response.json({ message: "invalid JSON" }, { status: 400 });
        }
        if (typeof body.name !== "string" || body.name === "") {
          return Response.json([{ propertyName: "Name", errorMessage: "'Name' must not be empty." }], {
            status: 400,
          });
        }
        const cmd: RecordedCommand = { id: nextCommandId++, name: body.name, body };
        state.commands.push(cmd);
        return Response.json(commandResource(cmd), { status: 201 });
      }
      const commandMatch = /^\/api\/v3\/command\/(\d+)$/.exec(url.pathname);
      if (req.method === "GET" && commandMatch) {
        const cmd = state.commands.find((c) => c.id === Number(commandMatch[1]));
        if (!cmd) return new Response("Not Found", { status: 404 });
        return Response.json({ ...commandResource(cmd), status: "completed" });
      }
      const imports = answerImportRoutes(state, req.method, url);
      if (imports) return imports;
      return new Response("Not Found", { status: 404 });
    },
  });

  const fake = state as FakeArr & typeof state;
  fake.port = server.port as number;
  fake.url = `http://127.0.0.1:${server.port}`;
  fake.stop = async () => {
    await server.stop(true);
  };
  return fake as FakeArr;
}
