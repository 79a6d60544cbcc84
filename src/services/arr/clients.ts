import type { ArrClient } from "./client.ts";
import type { ArrConnection } from "./types.ts";

/**
 * The Sonarr/Radarr clients of one process (`deps.arrClients`), one per instance, kept so their
 * rate limits hold across calls. A changed URL or key replaces the instance's client. `id` is the
 * instance's (`sonarr`, `sonarr2`: see instances.ts).
 */
export class ArrClients {
  private readonly clients = new Map<string, ArrClient>();

  /** Forgets every client: the next call builds them with the settings now in force. */
  clear(): void {
    this.clients.clear();
  }

  get(id: string, connection: ArrConnection, build: () => ArrClient | undefined): ArrClient | undefined {
    const key = `${id}\n${connection.url}\n${connection.apiKey}`;
    let client = this.clients.get(key);
    if (!client) {
      client = build();
      if (!client) return undefined;
      for (const old of this.clients.keys()) if (old.startsWith(`${id}\n`)) this.clients.delete(old);
      this.clients.set(key, client);
    }
    return client;
  }
}
