/**
 * Archives made by the tests themselves (no binary fixture committed). RAR cannot be created by
 * any free tool (Debian's `rar` is non-free and not in CI's sources), so RAR 5.0 and RAR 4.x
 * archives are written here from RARLAB's published formats (technotes "RAR 5.0 archive format"
 * and "RAR version 4.x"), files stored uncompressed, optionally split into volumes; ZIP is
 * written here too when a test needs entry names no archiver would write (`../`, absolute).
 * 7-Zip archives (and password-protected ones) come from Debian's 7zz.
 */

const crc32 = (bytes: Uint8Array) => Bun.hash.crc32(bytes) >>> 0;

function concat(parts: Array<Uint8Array | number[]>): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const u16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];

/** RAR 5.0's variable-length integer: 7 bits a byte, low first. */
function vint(value: number): number[] {
  const out: number[] = [];
  let n = value;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** A RAR 5.0 block: CRC32, size, then `fields` (from the header type on), then its data. */
function rarBlock(fields: number[], data: Uint8Array = new Uint8Array()): Uint8Array {
  const header = concat([vint(fields.length), fields]);
  return concat([u32(crc32(header)), header, data]);
}

const RAR5_SIGNATURE = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00];

export interface ArchiveEntry {
  name: string;
  content: Uint8Array;
}

/**
 * A RAR 5.0 archive of stored files, as `volumes` volumes (the data cut evenly; 1 = a plain
 * archive). Returns each volume's bytes in order.
 */
export function rar5(entries: ArchiveEntry[], volumes = 1): Uint8Array[] {
  const total = entries.reduce((n, e) => n + e.content.length, 0);
  const perVolume = Math.ceil(total / volumes);
  const out: Uint8Array[] = [];
  let entry = 0;
  let offset = 0;
  for (let v = 0; v < volumes; v++) {
    const archiveFlags = volumes > 1 ? (v > 0 ? 0x0003 : 0x0001) : 0;
    const parts: Uint8Array[] = [
      Uint8Array.from(RAR5_SIGNATURE),
      rarBlock([1, 0, ...vint(archiveFlags), ...(v > 0 ? vint(v) : [])]),
    ];
    let room = v === volumes - 1 ? Number.POSITIVE_INFINITY : perVolume;
    while (entry < entries.length && room > 0) {
      const e = entries[entry] as ArchiveEntry;
      const take = Math.min(room, e.content.length - offset);
      const data = e.content.subarray(offset, offset + take);
      const last = offset + take >= e.content.length;
      let flags = 0x0002;
      if (offset > 0) flags |= 0x0008;
      if (!last) flags |= 0x0010;
      // A part before the last carries the CRC32 of its own bytes; the last one the whole file's.
      const crc = last ? crc32(e.content) : crc32(data);
      const name = new TextEncoder().encode(e.name);
      const fields = [
        2,
        ...vint(flags),
        ...vint(data.length),
        ...vint(0x0004), // file flags: CRC32 present
        ...vint(e.content.length),
        ...vint(0o644),
        ...u32(crc),
        ...vint(0), // compression: RAR 5.0, stored
        ...vint(1), // host OS: Unix
        ...vint(name.length),
        ...name,
      ];
      parts.push(rarBlock(fields, data));
      room -= take;
      offset += take;
      if (last) {
        entry++;
        offset = 0;
      }
    }
    parts.push(rarBlock([5, 0, ...vint(v < volumes - 1 ? 1 : 0)]));
    out.push(concat(parts));
  }
  return out;
}

const RAR4_SIGNATURE = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00];

/** A RAR 4.x block: the low 16 bits of the CRC32 of the header from its type on, then `data`. */
function rar4Block(type: number, flags: number, fields: number[], data: Uint8Array = new Uint8Array()) {
  const header = concat([[type], u16(flags), u16(7 + fields.length), fields]);
  return concat([u16(crc32(header) & 0xffff), header, data]);
}

/** 2024-01-01 12:00:00 as an MS-DOS date and time. */
const DOS_TIME = ((2024 - 1980) << 25) | (1 << 21) | (1 << 16) | (12 << 11);

/**
 * A RAR 4.x archive of stored files as `volumes` volumes, the data cut evenly. Old-style volume
 * numbering (`x.rar`, `x.r00`, `x.r01`...) unless `newNumbering` (`x.part1.rar`...). Returns each
 * volume's bytes in order; the caller names them.
 */
export function rar4(entries: ArchiveEntry[], volumes = 1, newNumbering = false): Uint8Array[] {
  const total = entries.reduce((n, e) => n + e.content.length, 0);
  const perVolume = Math.ceil(total / volumes);
  const out: Uint8Array[] = [];
  let entry = 0;
  let offset = 0;
  for (let v = 0; v < volumes; v++) {
    // MHD_VOLUME, MHD_FIRSTVOLUME on the first, MHD_NEWNUMBERING for .partN.rar names.
    let archiveFlags = volumes > 1 ? 0x0001 | (v === 0 ? 0x0100 : 0) : 0;
    if (volumes > 1 && newNumbering) archiveFlags |= 0x0010;
    const parts: Uint8Array[] = [
      Uint8Array.from(RAR4_SIGNATURE),
      rar4Block(0x73, archiveFlags, [0, 0, 0, 0, 0, 0]),
    ];
    let room = v === volumes - 1 ? Number.POSITIVE_INFINITY : perVolume;
    while (entry < entries.length && room > 0) {
      const e = entries[entry] as ArchiveEntry;
      const take = Math.min(room, e.content.length - offset);
      const data = e.content.subarray(offset, offset + take);
      const last = offset + take >= e.content.length;
      // LONG_BLOCK (data follows), split before/after, a 64 KB dictionary.
      let flags = 0x8000;
      if (offset > 0) flags |= 0x0001;
      if (!last) flags |= 0x0002;
      // As WinRAR writes them (most releases): backslashes between folders.
      const name = new TextEncoder().encode(e.name.replaceAll("/", "\\"));
      const fields = [
        ...u32(data.length),
        ...u32(e.content.length),
        2, // host OS: Windows
        // A part before the last carries the CRC32 of its own bytes; the last one the whole file's.
        ...u32(last ? crc32(e.content) : crc32(data)),
        ...u32(DOS_TIME),
        29, // needs RAR 2.9 to extract
        0x30, // method: stored
        ...u16(name.length),
        ...u32(0x20), // FILE_ATTRIBUTE_ARCHIVE
        ...name,
      ];
      parts.push(rar4Block(0x74, flags, fields, data));
      room -= take;
      offset += take;
      if (last) {
        entry++;
        offset = 0;
      }
    }
    parts.push(rar4Block(0x7b, v < volumes - 1 ? 0x0001 : 0, []));
    out.push(concat(parts));
  }
  return out;
}

/** The old-style name of volume `index` of `stem` (0 → stem.rar, 1 → stem.r00, 2 → stem.r01...). */
export function oldStyleVolumeName(stem: string, index: number): string {
  return index === 0 ? `${stem}.rar` : `${stem}.r${String(index - 1).padStart(2, "0")}`;
}

/** A ZIP of stored entries, names written exactly as given (hostile ones included). */
export function zip(entries: ArchiveEntry[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const crc = crc32(e.content);
    const common = [
      ...u16(20),
      ...u16(0x0800), // UTF-8 names
      ...u16(0), // stored
      ...u16(0),
      ...u16(0x21),
      ...u32(crc),
      ...u32(e.content.length),
      ...u32(e.content.length),
      ...u16(name.length),
      ...u16(0),
    ];
    const local = concat([u32(0x04034b50), common, name, e.content]);
    centrals.push(
      concat([
        u32(0x02014b50),
        u16(0x0314), // made by: Unix
        common,
        u16(0),
        u16(0),
        u16(0),
        u32((0o100644 << 16) >>> 0),
        u32(offset),
        name,
      ]),
    );
    locals.push(local);
    offset += local.length;
  }
  const central = concat(centrals);
  const end = concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(entries.length),
    u16(entries.length),
    u32(central.length),
    u32(offset),
    u16(0),
  ]);
  return concat([...locals, central, end]);
}

/** Reproducible bytes that do not compress (a video stand-in). */
export function videoBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
