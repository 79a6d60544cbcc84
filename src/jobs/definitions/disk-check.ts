import { getSetting, setSetting } from "../../db/repo/settings.ts";
import { formatBytes } from "../../lib/format.ts";
import { diskSpace } from "../../services/disk/index.ts";
import { notify } from "../../services/notifications/index.ts";
import type { JobDefinition } from "../types.ts";

/** Paths already reported low: one notification when space runs low, not one per check. */
const LOW_KEY = "notifications.disk_low_paths";

export const diskCheckJob: JobDefinition = {
  name: "disk-check",
  description:
    "Free space under DATA_DIR and DISK_SPACE_PATHS; notifies once when it drops below DISK_SPACE_LOW",
  defaultSchedule: "*/15 * * * *",
  async run(ctx) {
    const { deps } = ctx;
    const threshold = deps.config.notifications.diskSpaceLowBytes;
    const disks = diskSpace(deps);
    const previouslyLow = new Set(getSetting<string[]>(deps.dbh.db, LOW_KEY) ?? []);
    const nowLow = disks.filter((d) => d.low);
    for (const disk of disks) {
      ctx.log(
        `${disk.path}: ${formatBytes(disk.freeBytes)} free of ${formatBytes(disk.totalBytes)}`,
        disk.low ? "warn" : "info",
      );
    }
    for (const disk of nowLow.filter((d) => !previouslyLow.has(d.path))) {
      await notify(deps, {
        type: "disk_space_low",
        title: "Disk space low",
        message: `${disk.path}: ${formatBytes(disk.freeBytes)} free (threshold ${formatBytes(threshold)})`,
        data: { path: disk.path, freeBytes: disk.freeBytes, thresholdBytes: threshold },
      });
    }
    setSetting(
      deps.dbh.db,
      LOW_KEY,
      nowLow.map((d) => d.path),
      deps.clock.now(),
    );
    return {
      counts: { paths: disks.length, low: nowLow.length },
      summary: nowLow.length > 0 ? `low on ${nowLow.map((d) => d.path).join(", ")}` : "enough free space",
      report: [
        {
          kind: "table",
          title: "Free space",
          columns: ["Path", "Free", "Total", "Below threshold"],
          rows: disks.map((d) => [
            d.path,
            formatBytes(d.freeBytes),
            formatBytes(d.totalBytes),
            d.low ? "yes" : "no",
          ]),
        },
      ],
    };
  },
};
