import { formatBytes } from "../../lib/format.ts";
import { createBackup, listBackups } from "../../services/backup/index.ts";
import type { JobDefinition } from "../types.ts";

export const backupJob: JobDefinition = {
  name: "backup",
  description:
    "Consistent copy of the database (VACUUM INTO) into DATA_DIR/backups, integrity-checked, rotated",
  defaultSchedule: "15 3 * * *",
  async run(ctx) {
    ctx.progress({ phase: "copy", message: "VACUUM INTO" });
    const backup = createBackup(ctx.deps);
    ctx.log(
      `wrote ${backup.name} (${formatBytes(backup.bytes)}) in ${backup.durationMs.toFixed(0)} ms, integrity ok`,
    );
    for (const name of backup.deleted) ctx.log(`rotated out ${name}`);
    const kept = listBackups(ctx.deps.config);
    return {
      counts: {
        bytes: backup.bytes,
        duration_ms: Math.round(backup.durationMs),
        rotated: backup.deleted.length,
      },
      summary: `${backup.name}, ${formatBytes(backup.bytes)}`,
      report: [
        {
          kind: "table",
          title: "Backups kept",
          columns: ["File", "Size", "Written"],
          rows: kept.map((b) => [b.name, formatBytes(b.bytes), new Date(b.createdAt).toISOString()]),
        },
      ],
    };
  },
};
