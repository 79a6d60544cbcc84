import { Database } from "bun:sqlite";

/**
 * rdt-client's database as EF Core creates it at v2.0.139 (rogerfar/rdt-client,
 * server/RdtClient.Data/Migrations/DataContextModelSnapshot.cs): same tables, columns and types.
 */
const RDT_CLIENT_SCHEMA = `
CREATE TABLE "__EFMigrationsHistory" ("MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY, "ProductVersion" TEXT NOT NULL);
CREATE TABLE "AspNetUsers" ("Id" TEXT NOT NULL CONSTRAINT "PK_AspNetUsers" PRIMARY KEY, "UserName" TEXT NULL, "NormalizedUserName" TEXT NULL,
  "Email" TEXT NULL, "NormalizedEmail" TEXT NULL, "EmailConfirmed" INTEGER NOT NULL, "PasswordHash" TEXT NULL, "SecurityStamp" TEXT NULL,
  "ConcurrencyStamp" TEXT NULL, "PhoneNumber" TEXT NULL, "PhoneNumberConfirmed" INTEGER NOT NULL, "TwoFactorEnabled" INTEGER NOT NULL,
  "LockoutEnd" TEXT NULL, "LockoutEnabled" INTEGER NOT NULL, "AccessFailedCount" INTEGER NOT NULL);
CREATE TABLE "Settings" ("SettingId" TEXT NOT NULL CONSTRAINT "PK_Settings" PRIMARY KEY, "Value" TEXT NULL);
CREATE TABLE "Torrents" ("TorrentId" TEXT NOT NULL CONSTRAINT "PK_Torrents" PRIMARY KEY, "Hash" TEXT NOT NULL, "Category" TEXT NULL,
  "Added" TEXT NOT NULL, "Completed" TEXT NULL, "RdId" TEXT NULL, "RdName" TEXT NULL, "RdSize" INTEGER NULL, "RdHost" TEXT NULL,
  "RdSplit" INTEGER NULL, "RdProgress" INTEGER NULL, "RdStatus" INTEGER NULL, "RdStatusRaw" TEXT NULL, "RdAdded" TEXT NULL,
  "RdEnded" TEXT NULL, "RdSpeed" INTEGER NULL, "RdSeeders" INTEGER NULL, "RdFiles" TEXT NULL, "FileOrMagnet" TEXT NULL,
  "IsFile" INTEGER NOT NULL DEFAULT 0, "DownloadAction" INTEGER NOT NULL DEFAULT 0, "FinishedAction" INTEGER NOT NULL DEFAULT 0,
  "DownloadMinSize" INTEGER NOT NULL DEFAULT 0, "FilesSelected" TEXT NULL, "RetryCount" INTEGER NOT NULL DEFAULT 0,
  "Priority" INTEGER NULL, "Retry" TEXT NULL, "Error" TEXT NULL, "DownloadRetryAttempts" INTEGER NOT NULL DEFAULT 0,
  "TorrentRetryAttempts" INTEGER NOT NULL DEFAULT 0, "DeleteOnError" INTEGER NOT NULL DEFAULT 0, "Lifetime" INTEGER NOT NULL DEFAULT 0,
  "HostDownloadAction" INTEGER NOT NULL DEFAULT 0, "DownloadClient" INTEGER NOT NULL DEFAULT 0, "IncludeRegex" TEXT NULL,
  "ExcludeRegex" TEXT NULL, "DownloadManualFiles" TEXT NULL, "ClientKind" INTEGER NULL, "FinishedActionDelay" INTEGER NOT NULL DEFAULT 0,
  "Type" INTEGER NOT NULL DEFAULT 0);
CREATE TABLE "Downloads" ("DownloadId" TEXT NOT NULL CONSTRAINT "PK_Downloads" PRIMARY KEY, "TorrentId" TEXT NOT NULL, "Link" TEXT NULL,
  "Added" TEXT NOT NULL, "DownloadQueued" TEXT NULL, "DownloadStarted" TEXT NULL, "DownloadFinished" TEXT NULL, "UnpackingQueued" TEXT NULL,
  "UnpackingStarted" TEXT NULL, "UnpackingFinished" TEXT NULL, "Completed" TEXT NULL, "Error" TEXT NULL, "Path" TEXT NOT NULL,
  "RetryCount" INTEGER NOT NULL DEFAULT 0, "RemoteId" TEXT NULL, "FileName" TEXT NULL,
  CONSTRAINT "FK_Downloads_Torrents_TorrentId" FOREIGN KEY ("TorrentId") REFERENCES "Torrents" ("TorrentId") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "IX_Downloads_TorrentId_Path" ON "Downloads" ("TorrentId", "Path");
`;

export type RdtTorrentRow = Record<string, string | number | null> & {
  TorrentId: string;
  Hash: string;
  Added: string;
};
export type RdtDownloadRow = Record<string, string | number | null> & {
  DownloadId: string;
  TorrentId: string;
  Path: string;
  Added: string;
};

export function createRdtClientDb(
  path: string,
  data: { torrents: RdtTorrentRow[]; downloads: RdtDownloadRow[]; settings: Record<string, string | null> },
): void {
  const db = new Database(path, { create: true });
  try {
    db.exec(RDT_CLIENT_SCHEMA);
    db.query(
      `INSERT INTO "__EFMigrationsHistory" VALUES ('20260423031719_Downloads_Add_TorrentIdPath_Unique', '10.0.5')`,
    ).run();
    for (const [key, value] of Object.entries(data.settings))
      db.query(`INSERT INTO "Settings" ("SettingId", "Value") VALUES (?, ?)`).run(key, value);
    for (const row of data.torrents) insertRow(db, "Torrents", row);
    for (const row of data.downloads) insertRow(db, "Downloads", row);
  } finally {
    db.close();
  }
}

function insertRow(db: Database, table: string, row: Record<string, string | number | null>): void {
  const columns = Object.keys(row);
  db.query(
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
  ).run(...Object.values(row));
}

/**
 * The original Python Redriva's tables as its docs give them (CREATE TABLE torrents /
 * torrent_details, "Schema SQLite" of the web interface doc), with the later details columns.
 */
const REDRIVA_PYTHON_SCHEMA = `
CREATE TABLE torrents (
  id TEXT PRIMARY KEY,
  filename TEXT,
  status TEXT,
  bytes INTEGER,
  added_on TEXT
);
CREATE TABLE torrent_details (
  id TEXT PRIMARY KEY,
  name TEXT,
  status TEXT,
  size INTEGER,
  files_count INTEGER,
  progress INTEGER,
  links TEXT,
  hash TEXT,
  host TEXT,
  error TEXT,
  FOREIGN KEY (id) REFERENCES torrents (id)
);
CREATE INDEX idx_torrents_status ON torrents(status);
CREATE INDEX idx_torrents_added ON torrents(added_on);
CREATE INDEX idx_details_status ON torrent_details(status);
`;

export interface PythonTorrentRow {
  id: string;
  filename: string;
  status: string;
  bytes: number;
  added_on: string;
  details: null | {
    name: string;
    status: string;
    size: number;
    files_count: number;
    progress: number;
    links: string;
    hash: string;
    host: string;
    error: string | null;
  };
}

export function createRedrivaPythonDb(path: string, rows: PythonTorrentRow[]): void {
  const db = new Database(path, { create: true });
  try {
    db.exec(REDRIVA_PYTHON_SCHEMA);
    const torrent = db.prepare("INSERT INTO torrents VALUES (?, ?, ?, ?, ?)");
    const details = db.prepare("INSERT INTO torrent_details VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    db.transaction(() => {
      for (const r of rows) {
        torrent.run(r.id, r.filename, r.status, r.bytes, r.added_on);
        const d = r.details;
        if (d)
          details.run(
            r.id,
            d.name,
            d.status,
            d.size,
            d.files_count,
            d.progress,
            d.links,
            d.hash,
            d.host,
            d.error,
          );
      }
    })();
  } finally {
    db.close();
  }
}
