#!/usr/bin/env node
// Makes a fresh machine (Node.js 20+ and npm only) ready, then runs Bun with the given arguments.
// Plain Node on purpose: it runs before Bun exists.
//
//   node scripts/bootstrap.mjs [--with-browser] <bun args...>
//
// Installs, only when missing: Bun (npm), aria2c, ffprobe and unar (apt-get when root), Chromium and 7zz for the
// tests (with --with-browser), then `bun install --frozen-lockfile` when node_modules is stale.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const BUN_VERSION = "1.4.5";
const args = process.argv.slice(2);
const withBrowser = args[0] === "--with-browser";
const bunArgs = withBrowser ? args.slice(1) : args;

function say(message) {
  process.stderr.write(`[setup] ${message}\n`);
}

function found(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { stdio: "inherit", cwd: root, ...options });
  return result.status === 0;
}

function findBun() {
  const local = join(root, ".tools", "node_modules", ".bin", "bun");
  if (found("bun")) return "bun";
  if (existsSync(local)) return local;
  return null;
}

function ensureBun() {
  let bun = findBun();
  if (bun) return bun;
  say(`Bun not found: installing bun@${BUN_VERSION} with npm`);
  if (!run("npm", ["install", "--global", `bun@${BUN_VERSION}`])) {
    say("global npm install refused; installing Bun inside the project (.tools/)");
    mkdirSync(join(root, ".tools"), { recursive: true });
    run("npm", ["install", "--prefix", join(root, ".tools"), `bun@${BUN_VERSION}`]);
  }
  bun = findBun();
  if (!bun) {
    say("could not install Bun. Install it by hand: npm install --global bun");
    process.exit(1);
  }
  return bun;
}

function ensureAptPackages(packages) {
  const missing = packages.filter((p) => !found(p.command));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.apt);
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || !found("apt-get")) {
    say(
      `missing: ${missing.map((p) => p.command).join(", ")}. Install them: sudo apt-get install -y ${names.join(" ")}`,
    );
    process.exit(1);
  }
  say(`installing ${names.join(", ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-qq"], { env });
  if (!run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...names], { env })) {
    say(`apt-get install ${names.join(" ")} failed`);
    process.exit(1);
  }
}

function ensureNodeModules(bun) {
  const marker = join(root, "node_modules", ".bun-installed");
  const lock = join(root, "bun.lock");
  const stale = !existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs;
  if (!stale) return;
  say("installing packages (bun install --frozen-lockfile)");
  if (!run(bun, ["install", "--frozen-lockfile"])) process.exit(1);
  run("touch", [marker]);
}

const bun = ensureBun();
const tools = [
  { command: "aria2c", apt: "aria2" },
  { command: "ffprobe", apt: "ffmpeg" },
  { command: "unar", apt: "unar" },
];
if (withBrowser) tools.push({ command: "chromium", apt: "chromium" });
// The archive tests make their 7z archives with Debian's 7zz.
if (withBrowser) tools.push({ command: "7zz", apt: "7zip" });
ensureAptPackages(tools);
ensureNodeModules(bun);

/**
 * Runs Bun as a child that gets every stop signal the launcher gets: a service manager, `docker
 * stop` or `kill <pid>` aim at the launcher only, and Redriva (with its aria2c) must stop with it
 * instead of living on as an orphan. The launcher then ends the way its child ended.
 */
function runForwardingSignals(command, commandArgs) {
  const child = spawn(command, commandArgs, { stdio: "inherit", cwd: root });
  const signals = ["SIGTERM", "SIGINT", "SIGHUP"];
  const forward = (signal) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  child.on("error", (error) => {
    say(`could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    // Killed by a signal: die of the same one, so the caller sees what happened (exit 128+n).
    for (const handled of signals) process.off(handled, forward);
    process.kill(process.pid, signal);
    process.exit(128 + (constants.signals[signal] ?? 0));
  });
}

if (bunArgs.length > 0) runForwardingSignals(bun, bunArgs);
