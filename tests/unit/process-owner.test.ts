import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { aria2For, checkProcess, commandLine, ownerAlive, REDRIVA } from "../../src/lib/process-owner.ts";

const children: Array<ReturnType<typeof Bun.spawn>> = [];
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(children.map((c) => c.exited));
});

/** A live process with this argv; resolves once it runs its own command line (not Bun's fork). */
async function running(argv: string[]): Promise<number> {
  const child = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore" });
  children.push(child);
  const pid = child.pid;
  for (let i = 0; i < 2_000 && commandLine(pid)?.[0] !== argv[0]; i++) await Bun.sleep(5);
  expect(commandLine(pid)?.[0]).toBe(argv[0] as string);
  return pid;
}

/** The pid of a process that has exited and been reaped. */
async function gonePid(): Promise<number> {
  const child = Bun.spawn(["true"]);
  await child.exited;
  return child.pid;
}

async function waitForZombieChildOf(parent: number): Promise<number> {
  for (let i = 0; i < 2_000; i++) {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (state === "Z" && Number(ppid) === parent) return Number(entry);
      } catch {
        // gone meanwhile
      }
    }
    await Bun.sleep(5);
  }
  throw new Error(`no zombie child of ${parent}`);
}

describe("who owns a run", () => {
  test("a live Redriva (Bun) process owns its rows", async () => {
    const pid = await running(["bun", "-e", "setInterval(() => {}, 1e9)"]);
    expect(checkProcess(pid, REDRIVA)).toBe("match");
    expect(ownerAlive(pid, () => false)).toBe(true);
  });

  test("a pid reused by another program does not pass for Redriva", async () => {
    const pid = await running(["sleep", "300"]);
    expect(checkProcess(pid, REDRIVA)).toBe("other");
    expect(ownerAlive(pid, () => true)).toBe(false);
  });

  test("a process that is gone owns nothing; no pid or a nonsense pid neither", async () => {
    const pid = await gonePid();
    expect(checkProcess(pid, REDRIVA)).toBe("gone");
    expect(ownerAlive(pid, () => true)).toBe(false);
    expect(ownerAlive(null, () => true)).toBe(false);
    expect(ownerAlive(-1, () => true)).toBe(false);
    expect(ownerAlive(1.5, () => true)).toBe(false);
  });

  test("a zombie (exited, not reaped yet) is gone", async () => {
    // The shell starts a child that exits at once, then becomes `sleep`, which never reaps it.
    const parent = Bun.spawn(["sh", "-c", "sleep 0 & exec sleep 300"], { stdout: "ignore" });
    children.push(parent);
    const zombie = await waitForZombieChildOf(parent.pid);
    expect(checkProcess(zombie, REDRIVA)).toBe("gone");
    expect(ownerAlive(zombie, () => true)).toBe(false);
  });

  test("our own pid counts only when this process holds the run", () => {
    expect(ownerAlive(process.pid, () => true)).toBe(true);
    expect(ownerAlive(process.pid, () => false)).toBe(false);
  });

  test("aria2c is ours only when started for our session file", async () => {
    const session = "/state/of-this-test/aria2.session";
    const pid = await running(["sh", "-c", `sleep 300; true # aria2c --save-session=${session}`]);
    expect(checkProcess(pid, aria2For(session))).toBe("match");
    expect(checkProcess(pid, aria2For("/another/aria2.session"))).toBe("other");
    expect(aria2For(session)(["aria2c", `--input-file=${session}`])).toBe(true);
    expect(aria2For(session)(["wget", `--input-file=${session}`])).toBe(false);
  });
});
