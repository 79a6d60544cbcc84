import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Settings edited from the web UI (JSON values), layered over the environment's defaults. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updated_at: integer("updated_at").notNull(),
});
