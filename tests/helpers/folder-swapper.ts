/**
 * Run as its own process by the deletion race test: swaps `folder` for a symlink to `outside`
 * and back about every 0.5 ms until `stopFile` exists (or `maxMs` passed, so it can never
 * outlive a test), then puts the real folder back and prints how many swaps it made.
 * `readyFile` appears after the first full swap, so the test starts deleting only once the
 * race is really on.
 *
 *   bun folder-swapper.ts <folder> <outside> <readyFile> <stopFile> <maxMs>
 */
import { existsSync, renameSync, symlinkSync, writeFileSync } from "node:fs";

const [folder, outside, readyFile, stopFile, maxMs] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const parked = `${folder}.parked`;
const link = `${folder}.swap-link`;
const pause = new Int32Array(new SharedArrayBuffer(4));
const deadline = Date.now() + Number(maxMs);
symlinkSync(outside, link);

let swaps = 0;
while (Date.now() < deadline && !existsSync(stopFile)) {
  // The folder becomes a link out of the media root...
  renameSync(folder, parked);
  renameSync(link, folder);
  Atomics.wait(pause, 0, 0, 0.5);
  // ...and the real folder comes back.
  renameSync(folder, link);
  renameSync(parked, folder);
  Atomics.wait(pause, 0, 0, 0.5);
  swaps++;
  if (swaps === 1) writeFileSync(readyFile, "");
}
console.log(String(swaps));
