import type { DiskProbe } from "../../src/services/downloads/staging/disks.ts";

/**
 * Two folders that Redriva is told are two disks (one machine has one disk): `ssd` holds
 * DOWNLOAD_INCOMPLETE_DIR, `hdd` DOWNLOAD_DIR. Only which device and which type are injected;
 * the files are really copied, checksummed and read back.
 */
export function twoDiskProbe(ssd: string, hddKind: "hdd" | "ssd" = "hdd"): DiskProbe {
  const onSsd = (path: string) => path === ssd || path.startsWith(`${ssd}/`);
  return {
    deviceOf: (path) => (onSsd(path) ? "staging-ssd" : "final-disk"),
    kindOf: (path) => (onSsd(path) ? "ssd" : hddKind),
  };
}
