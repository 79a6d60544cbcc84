/**
 * Redriva's server as `bun src/main.ts` runs it, with one difference: TWO_DISK_SSD names the
 * folder it must take for another disk than DOWNLOAD_DIR (a test machine has one disk). Killed
 * with -9 by the crash tests.
 */
import { startServer } from "../../src/main.ts";
import { twoDiskProbe } from "./two-disk-probe.ts";

const ssd = process.env.TWO_DISK_SSD;
if (!ssd) throw new Error("TWO_DISK_SSD is not set");
await startServer(process.env, { downloads: { disks: twoDiskProbe(ssd) } });
