import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../../src/http/app.ts";
import { ARR_ENV, ArrGrab } from "../../helpers/arr-grab.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";

/** Real aria2c, a real child process: generous bounds for a loaded CI machine. */
const SLOW_TEST = { timeout: 60_000 };

/**
 * A program as a user would write one: it records its arguments and environment next to itself,
 * says something on stdout and stderr, then exits with its first argument's code. With `sleep`
 * as first argument it starts a background sleep (its pid recorded) and waits for it; with
 * `chatty` it prints 4,000 lines (150 KB) and exits 0.
 */
function writeHook(dir: string): string {
  const path = join(dir, "on-complete.sh");
  writeFileSync(
    path,
    `#!/bin/sh
out="$(dirname "$0")"
if [ "$1" = sleep ]; then sleep 300 & echo $! > "$out/sleep.pid"; wait; fi
if [ "$1" = chatty ]; then i=0; while [ $i -lt 4000 ]; do echo "output line $i of the chatty command"; i=$((i+1)); done; exit 0; fi
{ for a in "$@"; do printf 'arg=%s\\n' "$a"; done; env; } > "$out/hook.env.tmp"
mv "$out/hook.env.tmp" "$out/hook.env"
echo "hook saw: $REDRIVA_NAME"
echo "a warning on stderr" >&2
exit "$1"
`,
  );
  chmodSync(path, 0o755);
  return path;
}

function readEnv(dir: string): { args: string[]; env: Map<string, string> } {
  const lines = readFileSync(join(dir, "hook.env"), "utf8").split("\n");
  const args = lines.filter((l) => l.startsWith("arg=")).map((l) => l.slice(4));
  const env = new Map(
    lines
      .filter((l) => !l.startsWith("arg=") && l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as [string, string]),
  );
  return { args, env };
}

/** A folder for the program and what it records, removed after the test. */
function hookDir(): { dir: string; hook: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), "redriva-hook-"));
  return { dir, hook: writeHook(dir), [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

describe("DOWNLOAD_ON_COMPLETE (a program per finished torrent, through the qBit API)", () => {
  test(
    "details as environment variables, no shell: a hostile name and `;` in the command execute nothing",
    async () => {
      using h = hookDir();
      await using p = await startPipeline({
        env: {
          ...ARR_ENV,
          // Split into argv without a shell: `;`, `$(...)` and `>` are plain words.
          DOWNLOAD_ON_COMPLETE: `${h.hook} 0 'two words' ; touch ${h.dir}/pwned-by-command $(touch ${h.dir}/pwned-subst) > ${h.dir}/redirected`,
        },
      });
      const sonarr = new ArrGrab(p);
      const name = `Show.S01E01.$(touch ${h.dir}/pwned-by-name);touch ${h.dir}/pwned2 \`id\``;
      const size = 512 * 1024 + 3;
      const { hash, magnet } = p.magnet(name, [{ path: "/Show.S01E01.mkv", bytes: size }]);
      await sonarr.add(magnet, "tv-sonarr");
      const done = await sonarr.waitState(hash, ["pausedUP", "error"]);
      expect(done.state).toBe("pausedUP");
      const { args, env } = readEnv(h.dir);
      expect(args).toEqual([
        "0",
        "two words",
        ";",
        "touch",
        `${h.dir}/pwned-by-command`,
        `$(touch`,
        `${h.dir}/pwned-subst)`,
        ">",
        `${h.dir}/redirected`,
      ]);
      expect(env.get("REDRIVA_NAME")).toBe(name);
      expect(env.get("REDRIVA_HASH")).toBe(hash);
      expect(env.get("REDRIVA_CATEGORY")).toBe("tv-sonarr");
      expect(env.get("REDRIVA_CONTENT_PATH")).toBe(done.content_path);
      expect(env.get("REDRIVA_SAVE_PATH")).toBe(join(p.downloadDir, "tv-sonarr"));
      expect(env.get("REDRIVA_FILE_COUNT")).toBe("1");
      expect(env.get("REDRIVA_SIZE")).toBe(String(size));
      expect(env.get("REDRIVA_PROVIDER")).toBe("realdebrid");
      // Nothing from Redriva's own environment but the basics (a token there never leaks).
      expect([...env.keys()].filter((k) => !k.startsWith("REDRIVA_"))).not.toContain("RD_API_TOKEN");
      for (const file of ["pwned-by-command", "pwned-subst", "pwned-by-name", "pwned2", "redirected"])
        expect(existsSync(join(h.dir, file))).toBe(false);
      const row = await sonarr.detail(hash);
      // Its last line of output (stdout and stderr are read side by side: either may come last).
      expect(row?.detail).toMatch(
        /^On-complete command finished: exit 0 · output: \/reports\/on-complete\/\S+\.html · (hook saw: Show|a warning on stderr)/,
      );
    },
    SLOW_TEST,
  );

  test(
    "a failing command is shown on the torrent and never blocks the import (pausedUP)",
    async () => {
      using h = hookDir();
      await using p = await startPipeline({ env: { ...ARR_ENV, DOWNLOAD_ON_COMPLETE: `${h.hook} 3` } });
      const sonarr = new ArrGrab(p);
      const { hash, magnet } = p.magnet("Movie.2021.1080p", [
        { path: "/Movie.2021.1080p.mkv", bytes: 300_001 },
      ]);
      await sonarr.add(magnet, "radarr");
      const done = await sonarr.waitState(hash, ["pausedUP", "error"]);
      expect(done.state).toBe("pausedUP");
      expect(done.content_path).toBe(join(p.downloadDir, "radarr", "Movie.2021.1080p.mkv"));
      expect(existsSync(done.content_path)).toBe(true);
      const row = await sonarr.detail(hash);
      expect(row?.phase).toBe("done");
      expect(row?.detail).toMatch(
        /^On-complete command failed: exit 3 · output: \/reports\/on-complete\/\S+ · /,
      );
    },
    SLOW_TEST,
  );

  test(
    "DOWNLOAD_ON_COMPLETE_TIMEOUT: a command that hangs is killed with what it started; the torrent still finishes",
    async () => {
      using h = hookDir();
      await using p = await startPipeline({
        env: { ...ARR_ENV, DOWNLOAD_ON_COMPLETE: `${h.hook} sleep`, DOWNLOAD_ON_COMPLETE_TIMEOUT: "1" },
      });
      const sonarr = new ArrGrab(p);
      const { hash, magnet } = p.magnet("Slow.Hook.S01E02", [
        { path: "/Slow.Hook.S01E02.mkv", bytes: 200_000 },
      ]);
      await sonarr.add(magnet);
      const done = await sonarr.waitState(hash, ["pausedUP", "error"]);
      expect(done.state).toBe("pausedUP");
      expect((await sonarr.detail(hash))?.detail).toMatch(
        /^On-complete command failed: timed out after 1 s \(DOWNLOAD_ON_COMPLETE_TIMEOUT\) · output: \/reports\/on-complete\/\S+\.html$/,
      );
      // The background sleep it started is gone too (its process group was killed).
      const pid = Number(readFileSync(join(h.dir, "sleep.pid"), "utf8"));
      await waitFor(() => !isAlive(pid), { what: `sleep ${pid} to be killed` });
    },
    SLOW_TEST,
  );

  test(
    "the command's whole output (its last 64 KB) is in its report, served under /reports behind the login and named on the torrent",
    async () => {
      using h = hookDir();
      await using p = await startPipeline({ env: { ...ARR_ENV, DOWNLOAD_ON_COMPLETE: `${h.hook} chatty` } });
      const sonarr = new ArrGrab(p);
      const { hash, magnet } = p.magnet("Chatty.Hook.S01E03", [
        { path: "/Chatty.Hook.S01E03.mkv", bytes: 100_000 },
      ]);
      await sonarr.add(magnet);
      expect((await sonarr.waitState(hash, ["pausedUP", "error"])).state).toBe("pausedUP");
      const detail = (await sonarr.detail(hash))?.detail ?? "";
      const path = /output: (\/reports\/on-complete\/[^ ]+\.html)/.exec(detail)?.[1] as string;
      expect(path).toContain(hash);
      expect(detail).toEndWith("· output line 3999 of the chatty command");
      const app = createApp(p.deps);
      expect((await app.request(path)).status).toBe(302);
      const auth = `Basic ${Buffer.from(`${ARR_ENV.REDRIVA_USERNAME}:${ARR_ENV.REDRIVA_PASSWORD}`).toString("base64")}`;
      const res = await app.request(path, { headers: { Authorization: auth } });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain("output line 3999 of the chatty command");
      expect(html).toContain("output line 2500 of the chatty command");
      // 150 KB printed, the last 64 KB kept: the first lines are said to be dropped, not shown.
      expect(html).not.toContain("output line 10 of the chatty command");
      expect(html).toMatch(/\[\d+ earlier lines not kept: the report holds the last 64 KB\]/);
      const kept = html.split("output line ").length - 1;
      expect(kept).toBeGreaterThan(1_500);
      expect(kept).toBeLessThan(2_000);
      expect(html).toContain("succeeded");
    },
    SLOW_TEST,
  );
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
