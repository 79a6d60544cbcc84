import { openDatabase } from "../../../src/db/client.ts";
import { FakeLibrary } from "../../../src/fake-debrid/library.ts";

/**
 * Fills a Redriva database with `size` torrents (and their details and files) straight through
 * SQL, the way a long-running install looks, in a few seconds. Same generator as the fake server.
 */
export function seedLibraryDb(path: string, size: number, options: { details?: boolean } = {}): void {
  const dbh = openDatabase(path);
  const library = new FakeLibrary({ size, seed: 99, hostileNames: true });
  const now = Date.now();
  const { sqlite } = dbh;
  const insertTorrent = sqlite.prepare(
    `INSERT INTO torrents (id, provider, filename, status, bytes, added_on, ended_on, hash, host, split, progress, links,
                           links_count, first_seen_at, last_seen_at, changed_at)
     VALUES (?, 'realdebrid', ?, ?, ?, ?, ?, ?, 'real-debrid.com', 2000, ?, ?, ?, ?, ?, ?)`,
  );
  const insertDetails = sqlite.prepare(
    `INSERT INTO torrent_details (id, name, status, size, files_count, progress, links, hash, host, added_on, fetched_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'real-debrid.com', ?, ?)`,
  );
  const insertFile = sqlite.prepare(
    "INSERT INTO torrent_files (torrent_id, file_id, path, bytes, selected) VALUES (?, ?, ?, ?, ?)",
  );
  const setPaths = sqlite.prepare(
    "UPDATE torrent_search SET paths = ? WHERE rowid = (SELECT seq FROM torrents WHERE id = ?)",
  );
  sqlite.transaction(() => {
    for (const t of library.torrents.values()) {
      const bytes = t.files.filter((f) => f.selected).reduce((s, f) => s + f.bytes, 0);
      const links = t.linkIds.map((l) => `https://real-debrid.com/d/${l}`);
      insertTorrent.run(
        t.id,
        t.filename,
        t.status,
        bytes,
        t.added,
        t.ended,
        t.hash,
        t.progress,
        JSON.stringify(links),
        links.length,
        now,
        now,
        now,
      );
      if (options.details !== false) {
        insertDetails.run(
          t.id,
          t.filename,
          t.status,
          bytes,
          t.files.length,
          t.progress,
          links.join(","),
          t.hash,
          t.added,
          now,
        );
        for (const f of t.files) insertFile.run(t.id, f.id, f.path, f.bytes, f.selected ? 1 : 0);
        setPaths.run(t.files.map((f) => f.path).join("\n"), t.id);
      }
    }
  })();
  sqlite.exec("ANALYZE");
  dbh.close();
}
