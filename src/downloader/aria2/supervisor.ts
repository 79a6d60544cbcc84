import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { aria2For, checkProcess } from "../../lib/process-owner.ts";
import type { Logger } from "../../logger.ts";
import { Aria2Rpc } from "./rpc.ts";

export interface SupervisorOptions {
  bin: string;
  /** Folder for the session file, the pid file and aria2's own log. */
  stateDir: string;
  /** Global aria2c options (`--name=value`), the profile's. */
  globalOptions: Record<string, string>;
  log: Logger;
  /** Called after aria2c came back from a crash, so downloads can be re-attached. */
  onRestart?: () => void;
  /**
   * aria2's WebSocket notifications (onDownloadComplete, onDownloadError, ...): the reconciler
   * reacts at once instead of at its next poll.
   */
  onEvent?: (method: string, gid: string) => void;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Starts and keeps alive Redriva's own aria2c: RPC on loopback only, a random port, a random
 * secret, a session file (downloads survive a restart of either process, with their GIDs),
 * `--stop-with-process` so an aria2c never outlives a Redriva killed with -9.
 */
export class Aria2Supervisor {
  readonly rpc: Aria2Rpc;
  private readonly endpoint = { url: "", secret: "" };
  private proc: ReturnType<typeof Bun.spawn> | null = null;
  private stopping = false;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private backoffMs = 500;
  private socket: WebSocket | null = null;
  restarts = 0;

  constructor(private readonly options: SupervisorOptions) {
    this.rpc = new Aria2Rpc(this.endpoint);
  }

  get pid(): number | null {
    return this.proc?.pid ?? null;
  }

  get sessionFile(): string {
    return join(this.options.stateDir, "aria2.session");
  }

  private get pidFile(): string {
    return join(this.options.stateDir, "aria2.pid");
  }

  async start(): Promise<void> {
    mkdirSync(this.options.stateDir, { recursive: true });
    await this.stopLeftover();
    await this.spawn();
  }

  /** An aria2c left by a previous Redriva (killed before it could stop it) would fight over the files. */
  private async stopLeftover(): Promise<void> {
    if (!existsSync(this.pidFile)) return;
    const pid = Number(readFileSync(this.pidFile, "utf8").trim());
    // Only ever signal an aria2c started for this same session file.
    const ours = aria2For(this.sessionFile);
    if (checkProcess(pid, ours) !== "match") return;
    this.options.log.warn({ pid }, "stopping the aria2c left by a previous run");
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      return;
    }
    for (let i = 0; i < 100 && checkProcess(pid, ours) === "match"; i++) await Bun.sleep(50);
    if (checkProcess(pid, ours) === "match") process.kill(pid, "SIGKILL");
  }

  private async spawn(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      this.endpoint.url = `http://127.0.0.1:${port}/jsonrpc`;
      this.endpoint.secret = randomBytes(24).toString("hex");
      if (!existsSync(this.sessionFile)) writeFileSync(this.sessionFile, "");
      const args = [
        this.options.bin,
        "--enable-rpc=true",
        "--rpc-listen-all=false",
        `--rpc-listen-port=${port}`,
        `--rpc-secret=${this.endpoint.secret}`,
        `--input-file=${this.sessionFile}`,
        `--save-session=${this.sessionFile}`,
        "--save-session-interval=5",
        `--stop-with-process=${process.pid}`,
        `--log=${join(this.options.stateDir, "aria2.log")}`,
        "--log-level=warn",
        "--console-log-level=error",
        "--summary-interval=0",
        "--quiet=true",
        ...Object.entries(this.options.globalOptions).map(([k, v]) => `--${k}=${v}`),
      ];
      const proc = Bun.spawn(args, { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
      this.proc = proc;
      if (await this.waitReady(proc)) {
        writeFileSync(this.pidFile, String(proc.pid));
        this.options.log.info({ pid: proc.pid, port }, "aria2c started");
        this.backoffMs = 500;
        proc.exited.then((code) => this.onExit(proc, code));
        this.listen(proc, port);
        return;
      }
      proc.kill("SIGKILL");
      await proc.exited;
      if (attempt >= 5) throw new Error(`aria2c did not start (${this.options.bin}); is it installed?`);
    }
  }

  /** Subscribes to aria2's notifications for as long as this aria2c lives. */
  private listen(proc: ReturnType<typeof Bun.spawn>, port: number): void {
    if (!this.options.onEvent) return;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/jsonrpc`);
    this.socket = socket;
    socket.onmessage = (event) => {
      try {
        const message = JSON.parse(String(event.data)) as {
          method?: string;
          params?: Array<{ gid?: string }>;
        };
        if (message.method?.startsWith("aria2.onDownload"))
          this.options.onEvent?.(message.method, message.params?.[0]?.gid ?? "");
      } catch {
        // not a notification
      }
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      // The reconciler still polls; reconnect while this aria2c lives.
      if (!this.stopping && this.proc === proc)
        setTimeout(() => this.proc === proc && this.listen(proc, port), 1_000);
    };
  }

  private async waitReady(proc: ReturnType<typeof Bun.spawn>): Promise<boolean> {
    for (let i = 0; i < 200; i++) {
      if (proc.exitCode !== null || proc.signalCode !== null) return false;
      try {
        await this.rpc.getVersion();
        return true;
      } catch {
        await Bun.sleep(25);
      }
    }
    return false;
  }

  private onExit(proc: ReturnType<typeof Bun.spawn>, code: number | null): void {
    if (this.stopping || proc !== this.proc) return;
    this.proc = null;
    this.options.log.error(
      { code, signal: proc.signalCode, retryInMs: this.backoffMs },
      "aria2c exited unexpectedly; restarting it",
    );
    this.restartTimer = setTimeout(async () => {
      this.restartTimer = null;
      try {
        await this.spawn();
        this.restarts++;
        this.options.onRestart?.();
      } catch (error) {
        this.options.log.error({ err: error }, "aria2c restart failed");
        this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
        this.onExit(proc, code);
      }
    }, this.backoffMs);
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
  }

  /** True when aria2c answers now. */
  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const proc = this.proc;
    this.socket?.close();
    this.socket = null;
    if (!proc) return;
    try {
      // Writes the session file (downloads and their GIDs) before leaving.
      await this.rpc.saveSession();
    } catch {
      // not answering: the signal below still stops it
    }
    // SIGINT stops aria2c at once (SIGTERM waits for its 1 s event loop, the RPC shutdown ~4 s).
    proc.kill("SIGINT");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
    await proc.exited;
    clearTimeout(timer);
    rmSync(this.pidFile, { force: true });
    this.proc = null;
  }
}

async function freePort(): Promise<number> {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = server;
  server.stop(true);
  return port;
}
