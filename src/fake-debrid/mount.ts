import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { contentSlice } from "./content.ts";
import type { FakeLibrary, FakeTorrent } from "./library.ts";
import type { FakeDebridState } from "./state.ts";

/**
 * A folder that behaves like a debrid mount for tests and benchmarks: when a torrent becomes
 * ready at the fake, its selected files appear there (after `delayMs`, as a mount shows them at
 * its next refresh) with the same bytes the fake's download links serve, laid out like the
 * tools people mount with.
 */
export const FAKE_MOUNT_LAYOUTS = {
  /** rclone on Real-Debrid's WebDAV. */
  "rclone-realdebrid": (name: string) => `torrents/${name}`,
  /** rclone on AllDebrid's WebDAV. */
  "rclone-alldebrid": (name: string) => `magnets/${name}`,
  /** rclone on TorBox's WebDAV (torrents at the root). */
  "rclone-torbox": (name: string) => name,
  /** zurg, and Redriva's own /dav: every torrent under __all__. */
  zurg: (name: string) => `__all__/${name}`,
  /** zurg's by-category folder only (a config whose __all__ is hidden). */
  "zurg-shows": (name: string) => `shows/${name}`,
} as const;
export type FakeMountLayout = keyof typeof FAKE_MOUNT_LAYOUTS;

export interface FakeMountOptions {
  root: string;
  layout: FakeMountLayout;
  /** Wait before the files show (the mount's refresh); default 0. */
  delayMs?: number;
  /** Torrents (by hash) that never show: a mount that is stuck or not refreshed. */
  never?: Set<string>;
  /** Libraries whose ready torrents show (default the shared one; AllDebrid's fake has its own). */
  libraries?: FakeLibrary[];
}

export interface FakeMountFolder {
  /** Hashes whose files are in the folder now. */
  readonly shown: Set<string>;
  options: FakeMountOptions;
  close(): void;
}

function fill(root: string, layout: FakeMountLayout, torrent: FakeTorrent): void {
  const folder = join(root, FAKE_MOUNT_LAYOUTS[layout](torrent.filename));
  // Built aside, then renamed: a mount shows a torrent's folder whole at its refresh.
  const staging = join(root, `.filling-${torrent.id}`);
  rmSync(staging, { recursive: true, force: true });
  for (const file of torrent.files.filter((f) => f.selected)) {
    const path = join(staging, file.path.replace(/^\/+/, ""));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, contentSlice(file.key, 0, file.bytes));
  }
  mkdirSync(dirname(folder), { recursive: true });
  rmSync(folder, { recursive: true, force: true });
  renameSync(staging, folder);
}

export function startFakeMount(state: FakeDebridState, options: FakeMountOptions): FakeMountFolder {
  mkdirSync(options.root, { recursive: true });
  const libraries = options.libraries ?? [state.library];
  const shown = new Set<string>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const mount: FakeMountFolder = {
    shown,
    options,
    close() {
      for (const library of libraries) library.onReady.delete(listener);
      for (const t of timers) clearTimeout(t);
    },
  };
  const listener = (torrent: FakeTorrent) => {
    if (mount.options.never?.has(torrent.hash)) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      fill(mount.options.root, mount.options.layout, torrent);
      shown.add(torrent.hash);
    }, mount.options.delayMs ?? 0);
    timers.add(timer);
  };
  for (const library of libraries) library.onReady.add(listener);
  return mount;
}

/** Shows a torrent that was held back (`never`): the late mount refresh. */
export function showNow(mount: FakeMountFolder, torrent: FakeTorrent): void {
  mount.options.never?.delete(torrent.hash);
  fill(mount.options.root, mount.options.layout, torrent);
  mount.shown.add(torrent.hash);
}
