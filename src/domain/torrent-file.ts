import { createHash } from "node:crypto";

/**
 * Enough bencode to read a .torrent, strictly: every field Redriva uses is checked for its type
 * and range (integers are canonical and safe, lengths non-negative, path segments neither empty,
 * `.`, `..` nor containing `/`), because the file comes from a stranger and its sizes reach the
 * database and the *arrs. The info-hash is the SHA-1 of the raw bencoded `info` dictionary,
 * exactly as Sonarr/Radarr compute it.
 */
export interface TorrentFileInfo {
  hash: string;
  name: string | null;
  /** Total size in bytes (single-file `length` or the sum of `files`), a safe integer. */
  size: number;
  files: Array<{ path: string; length: number }>;
  /** Announce URLs: `announce-list` tiers flattened, else `announce`. */
  trackers: string[];
  comment: string | null;
  /** Unix seconds, or null when the file does not say. */
  creationDate: number | null;
  createdBy: string | null;
  pieceLength: number;
  pieces: number;
  isPrivate: boolean;
}

export type TorrentFileResult = { ok: true; info: TorrentFileInfo } | { ok: false; reason: string };

type BValue = number | Uint8Array | BValue[] | Map<string, BValue>;

class BencodeError extends Error {}

/** Longest integer text accepted: 2^53 has 16 digits. */
const MAX_INTEGER_DIGITS = 16;

class Reader {
  pos = 0;
  infoStart = -1;
  infoEnd = -1;
  constructor(readonly bytes: Uint8Array) {}

  value(depth: number): BValue {
    if (depth > 64) throw new BencodeError("nesting too deep");
    const c = this.bytes[this.pos];
    if (c === undefined) throw new BencodeError("unexpected end of file");
    if (c === 0x69 /* i */) {
      const end = this.bytes.indexOf(0x65, this.pos);
      if (end < 0) throw new BencodeError("unterminated integer");
      const value = integerOf(this.bytes.subarray(this.pos + 1, end), "integer");
      this.pos = end + 1;
      return value;
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
        if (this.bytes[this.pos] === undefined) throw new BencodeError("unexpected end of file");
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
    if (colon < 0) throw new BencodeError("bad string");
    const digits = this.bytes.subarray(this.pos, colon);
    const length = integerOf(digits, "string length");
    if (length < 0) throw new BencodeError("negative string length");
    const start = colon + 1;
    if (start + length > this.bytes.length) throw new BencodeError("string runs past the end of the file");
    this.pos = start + length;
    return this.bytes.subarray(start, start + length);
  }
}

/** A canonical bencode integer (no `+`, no leading zero, no `-0`) that is a safe JS integer. */
function integerOf(digits: Uint8Array, what: string): number {
  const text = new TextDecoder().decode(digits.subarray(0, MAX_INTEGER_DIGITS + 2));
  if (digits.length > MAX_INTEGER_DIGITS + 1 || !/^(0|-?[1-9]\d*)$/.test(text))
    throw new BencodeError(`${what} is not a whole number in range`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new BencodeError(`${what} is out of range`);
  return value;
}

const text = (v: BValue | undefined) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : null);

function optionalText(dict: Map<string, BValue>, key: string): string | null {
  const v = dict.get(key);
  if (v === undefined) return null;
  if (!(v instanceof Uint8Array)) throw new BencodeError(`${key} is not a string`);
  return text(v);
}

function optionalInteger(dict: Map<string, BValue>, key: string): number | null {
  const v = dict.get(key);
  if (v === undefined) return null;
  if (typeof v !== "number") throw new BencodeError(`${key} is not an integer`);
  return v;
}

function size(dict: Map<string, BValue>, where: string): number {
  const v = dict.get("length");
  if (typeof v !== "number") throw new BencodeError(`${where}length is missing or not an integer`);
  if (v < 0) throw new BencodeError(`${where}length is negative`);
  return v;
}

/** A file or folder name: non-empty, not `.`/`..`, without `/`, `\` or NUL. */
function segment(v: BValue | undefined, where: string): string {
  if (!(v instanceof Uint8Array)) throw new BencodeError(`${where} is not a string`);
  const name = new TextDecoder().decode(v);
  if (name === "" || name === "." || name === ".." || /[/\\\0]/.test(name))
    throw new BencodeError(`${where} ${JSON.stringify(name)} is not a plain file name`);
  return name;
}

function filesOf(info: Map<string, BValue>, name: string): TorrentFileInfo["files"] {
  const list = info.get("files");
  if (list === undefined) return [{ path: name, length: size(info, "") }];
  if (!Array.isArray(list) || list.length === 0) throw new BencodeError("files is not a non-empty list");
  const files: TorrentFileInfo["files"] = [];
  list.forEach((entry, i) => {
    if (!(entry instanceof Map)) throw new BencodeError(`files[${i}] is not a dictionary`);
    const length = size(entry, `files[${i}].`);
    const attr = optionalText(entry, "attr") ?? "";
    const raw = entry.get("path.utf-8") ?? entry.get("path");
    if (!Array.isArray(raw) || raw.length === 0)
      throw new BencodeError(`files[${i}].path is not a non-empty list`);
    const parts = raw.map((p, j) => segment(p, `files[${i}].path[${j}]`));
    // BEP 47 padding files are not content.
    if (!attr.includes("p")) files.push({ path: parts.join("/"), length });
  });
  return files;
}

function trackersOf(root: Map<string, BValue>): string[] {
  const tiers = root.get("announce-list");
  const urls: string[] = [];
  if (Array.isArray(tiers)) {
    for (const tier of tiers) {
      if (!Array.isArray(tier)) throw new BencodeError("announce-list is not a list of lists");
      for (const url of tier) {
        if (!(url instanceof Uint8Array)) throw new BencodeError("announce-list holds a non-string");
        urls.push(new TextDecoder().decode(url));
      }
    }
  } else if (tiers !== undefined) throw new BencodeError("announce-list is not a list");
  const single = optionalText(root, "announce");
  if (urls.length === 0 && single) urls.push(single);
  return [...new Set(urls.map((u) => u.trim()).filter((u) => u !== ""))];
}

function describe(reader: Reader, root: BValue): TorrentFileInfo {
  if (!(root instanceof Map)) throw new BencodeError("the file is not a bencoded dictionary");
  if (reader.pos !== reader.bytes.length) throw new BencodeError("data after the end of the torrent");
  const info = root.get("info");
  if (!(info instanceof Map) || reader.infoStart < 0) throw new BencodeError("no info dictionary");
  const name = segment(info.get("name.utf-8") ?? info.get("name"), "name");
  const pieceLength = optionalInteger(info, "piece length");
  if (pieceLength === null || pieceLength <= 0)
    throw new BencodeError("piece length is not a positive integer");
  const pieces = info.get("pieces");
  if (!(pieces instanceof Uint8Array) || pieces.length % 20 !== 0)
    throw new BencodeError("pieces is not a string of 20-byte hashes");
  const files = filesOf(info, name);
  const total = files.reduce((sum, f) => sum + f.length, 0);
  if (!Number.isSafeInteger(total)) throw new BencodeError("the total size is out of range");
  return {
    hash: createHash("sha1").update(reader.bytes.subarray(reader.infoStart, reader.infoEnd)).digest("hex"),
    name,
    size: total,
    files,
    trackers: trackersOf(root),
    comment: optionalText(root, "comment.utf-8") ?? optionalText(root, "comment"),
    creationDate: optionalInteger(root, "creation date"),
    createdBy: optionalText(root, "created by"),
    pieceLength,
    pieces: pieces.length / 20,
    isPrivate: optionalInteger(info, "private") === 1,
  };
}

/** Reads a .torrent, or says in a few words why it is not a usable one. */
export function readTorrentFile(bytes: Uint8Array): TorrentFileResult {
  try {
    const reader = new Reader(bytes);
    const root = reader.value(0);
    return { ok: true, info: describe(reader, root) };
  } catch (error) {
    if (error instanceof BencodeError) return { ok: false, reason: error.message };
    return { ok: false, reason: "the file is not bencoded" };
  }
}

/** Parses a .torrent; null when it is not a valid torrent file. */
export function parseTorrentFile(bytes: Uint8Array): TorrentFileInfo | null {
  const result = readTorrentFile(bytes);
  return result.ok ? result.info : null;
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
