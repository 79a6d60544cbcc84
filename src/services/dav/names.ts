/**
 * Names of the WebDAV tree, safe on every filesystem an rclone mount may be read from (Linux,
 * macOS, Windows/SMB): no path separators, control characters or NUL, none of Windows' reserved
 * characters or device names, no trailing dot or space, at most 255 UTF-8 bytes.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we remove
const UNSAFE = /[\u0000-\u001f\u007f/\\<>:"|?*]/g;
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_BYTES = 255;

/** UTF-8 length, counted without encoding (a tree of 100,000 names asks it for each). */
const utf8Bytes = (text: string): number => Buffer.byteLength(text, "utf8");

/** Cuts `text` to at most `bytes` UTF-8 bytes without splitting a character. */
function cutToBytes(text: string, bytes: number): string {
  if (utf8Bytes(text) <= bytes) return text;
  let out = "";
  let used = 0;
  for (const ch of text) {
    const size = utf8Bytes(ch);
    if (used + size > bytes) break;
    out += ch;
    used += size;
  }
  return out;
}

/** Splits "name.ext" (an extension of up to 10 characters), for suffixes that keep the extension. */
function splitExtension(name: string): [string, string] {
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || name.length - dot > 11) return [name, ""];
  return [name.slice(0, dot), name.slice(dot)];
}

/** Adds `suffix` (before a file's extension), keeping the whole within the byte limit. */
function withSuffix(name: string, suffix: string, isFile = true): string {
  const [stem, ext] = isFile ? splitExtension(name) : [name, ""];
  const room = MAX_BYTES - utf8Bytes(suffix + ext);
  return `${cutToBytes(stem, room).replace(/[. ]+$/, "")}${suffix}${ext}`;
}

/** One path segment made safe; never empty. */
export function safeName(raw: string): string {
  let name = raw.normalize("NFC").replace(UNSAFE, "_").trim();
  name = name.replace(/[. ]+$/, "");
  if (name === "" || name === "." || name === "..") name = "_";
  if (WINDOWS_DEVICES.test(name)) name = `_${name}`;
  if (utf8Bytes(name) > MAX_BYTES) name = withSuffix(name, "");
  return name;
}

/**
 * Gives every item a name unique in its folder (compared without case: Windows and macOS fold
 * it). Items come in a stable order (oldest first); the first keeps the plain name and the others
 * get ` [key]` (their own stable id), so a name never moves from one item to another while both
 * exist. Returns the names in the items' order.
 */
export function uniqueNames<T>(
  items: readonly T[],
  name: (item: T) => string,
  key: (item: T) => string,
  isFile: boolean,
): string[] {
  const taken = new Set<string>();
  const names: string[] = [];
  for (const item of items) {
    let candidate = safeName(name(item));
    if (taken.has(candidate.toLowerCase())) {
      const plain = candidate;
      const id = safeName(key(item));
      candidate = withSuffix(plain, ` [${id}]`, isFile);
      for (let n = 2; taken.has(candidate.toLowerCase()); n++)
        candidate = withSuffix(plain, ` [${id}-${n}]`, isFile);
    }
    taken.add(candidate.toLowerCase());
    names.push(candidate);
  }
  return names;
}
