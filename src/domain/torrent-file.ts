import { createHash } from "node:crypto";

/**
 * Just enough bencode to read a .torrent: its name and its v1 info-hash (SHA-1 of the raw
 * bencoded `info` dictionary, exactly as Sonarr/Radarr compute it).
 */
export interface TorrentFileInfo {
  hash: string;
  name: string | null;
  /** Total size in bytes (single-file `length` or the sum of `files`). */
  size: number;
  files: Array<{ path: string; length: number }>;
}

type BValue = number | Uint8Array | BValue[] | Map<string, BValue>;

class Reader {
  pos = 0;
  infoStart = -1;
  infoEnd = -1;
  constructor(readonly bytes: Uint8Array) {}

  value(depth: number): BValue {
    if (depth > 64) throw new Error("nesting too deep");
    const c = this.bytes[this.pos];
    if (c === undefined) throw new Error("unexpected end");
    if (c === 0x69 /* i */) {
      const end = this.bytes.indexOf(0x65, this.pos);
      if (end < 0) throw new Error("unterminated integer");
      const text = new TextDecoder().decode(this.bytes.subarray(this.pos + 1, end));
      if (!/^-?\d+$/.test(text)) throw new Error("bad integer");
      this.pos = end + 1;
      return Number(text);
    }
    if (c === 0x6c /* l */) {
      this.pos++;
      const list: BValue[] = [];
      while (this.bytes[this.pos] !== 0x65) list.push(this.value(depth + 1));
      this.pos++;
      return list;
    }
    if (c === 0x64 /* d */) {
      this.pos++;
      const dict = new Map<string, BValue>();
      while (this.bytes[this.pos] !== 0x65) {
        const key = new TextDecoder().decode(this.string());
        const start = this.pos;
        const value = this.value(depth + 1);
        if (depth === 0 && key === "info") {
          this.infoStart = start;
          this.infoEnd = this.pos;
        }
        dict.set(key, value);
      }
      this.pos++;
      return dict;
    }
    return this.string();
  }

  string(): Uint8Array {
    const colon = this.bytes.indexOf(0x3a, this.pos);
    if (colon < 0) throw new Error("bad string");
    const text = new TextDecoder().decode(this.bytes.subarray(this.pos, colon));
    if (!/^\d+$/.test(text)) throw new Error("bad string length");
    const length = Number(text);
    const start = colon + 1;
    if (start + length > this.bytes.length) throw new Error("string past end");
    this.pos = start + length;
    return this.bytes.subarray(start, start + length);
  }
}

const text = (v: BValue | undefined) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : null);

/** Parses a .torrent; null when it is not a valid torrent file. */
export function parseTorrentFile(bytes: Uint8Array): TorrentFileInfo | null {
  try {
    const reader = new Reader(bytes);
    const root = reader.value(0);
    if (!(root instanceof Map) || reader.infoStart < 0) return null;
    const info = root.get("info");
    if (!(info instanceof Map)) return null;
    const hash = createHash("sha1").update(bytes.subarray(reader.infoStart, reader.infoEnd)).digest("hex");
    const name = text(info.get("name.utf-8")) ?? text(info.get("name"));
    const files: TorrentFileInfo["files"] = [];
    const list = info.get("files");
    if (Array.isArray(list)) {
      for (const entry of list) {
        if (!(entry instanceof Map)) continue;
        const path = entry.get("path.utf-8") ?? entry.get("path");
        const parts = Array.isArray(path) ? path.map((p) => text(p) ?? "").filter(Boolean) : [];
        files.push({ path: parts.join("/"), length: Number(entry.get("length") ?? 0) });
      }
    } else {
      files.push({ path: name ?? "file", length: Number(info.get("length") ?? 0) });
    }
    return { hash, name, size: files.reduce((s, f) => s + f.length, 0), files };
  } catch {
    return null;
  }
}

/** Builds a minimal valid .torrent (tests, the demo). */
export function buildTorrentFile(name: string, files: Array<{ path: string; length: number }>): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const str = (s: string | Uint8Array) => {
    const b = typeof s === "string" ? enc.encode(s) : s;
    parts.push(enc.encode(`${b.length}:`), b);
  };
  const int = (n: number) => parts.push(enc.encode(`i${n}e`));
  parts.push(enc.encode("d"));
  str("announce");
  str("http://tracker.invalid/announce");
  str("info");
  parts.push(enc.encode("d"));
  if (files.length === 1 && !files[0]?.path.includes("/")) {
    str("length");
    int(files[0]?.length ?? 0);
    str("name");
    str(name);
  } else {
    str("files");
    parts.push(enc.encode("l"));
    for (const f of files) {
      parts.push(enc.encode("d"));
      str("length");
      int(f.length);
      str("path");
      parts.push(enc.encode("l"));
      for (const p of f.path.split("/")) str(p);
      parts.push(enc.encode("ee"));
    }
    parts.push(enc.encode("e"));
    str("name");
    str(name);
  }
  str("piece length");
  int(262144);
  str("pieces");
  str(new Uint8Array(20));
  parts.push(enc.encode("ee"));
  return Buffer.concat(parts);
}
