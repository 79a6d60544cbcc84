import type { Deps } from "../../deps.ts";
import { ArrClient } from "./client.ts";
import type { ArrConnection, ArrKind } from "./types.ts";

/** A client for one instance with the configured timeout and limits; undefined without URL or key. */
export function buildArrClient(
  deps: Pick<Deps, "config" | "clock" | "log">,
  kind: ArrKind,
  connection: ArrConnection,
) {
  if (!connection.url || !connection.apiKey) return undefined;
  return new ArrClient({
    kind,
    url: connection.url,
    apiKey: connection.apiKey,
    clock: deps.clock,
    log: deps.log,
    timeoutMs: deps.config.arr.timeoutMs,
    commandsPerMinute: deps.config.arr.commandsPerMinute,
    fullRescanThreshold: deps.config.arr.fullRescanThreshold,
    neverSearch: deps.config.arr.neverSearch,
  });
}
