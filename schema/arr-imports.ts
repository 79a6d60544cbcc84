import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { downloadTorrents } from "./downloads.ts";

/**
 * Finished downloads a Sonarr/Radarr instance confirmed it imported (its history shows a
 * DownloadFolderImported event with the torrent's hash as download id), and what Redriva did
 * with the provider's copy afterwards (DOWNLOAD_DELETE_AT_PROVIDER=imported).
 */
export const downloadImports = sqliteTable(
  "download_imports",
  {
    hash: text("hash")
      .primaryKey()
      .references(() => downloadTorrents.hash, { onDelete: "cascade" }),
    /** The instance whose history showed it (`sonarr`, `sonarr2`, `radarr`...). */
    arr_instance: text("arr_instance").notNull(),
    /** Epoch ms of the import, as the *arr dated it. */
    imported_at: integer("imported_at").notNull(),
    /** The release name the *arr recorded. */
    source_title: text("source_title"),
    /** Epoch ms the provider's copy was removed after the import (null: still there). */
    provider_removed_at: integer("provider_removed_at"),
    /** Why the removal failed the last time (it is tried again on the next round). */
    provider_removal_error: text("provider_removal_error"),
  },
  (t) => [index("idx_download_imports_removed").on(t.provider_removed_at)],
);
