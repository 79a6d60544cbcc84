import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const CHECKOUT = join(import.meta.dir, "..", "..");
/** What running Redriva's sources needs; tests and tooling stay behind. */
const RUNTIME_FILES = ["src", "views", "schema", "package.json", "tsconfig.json"];
/** Type declarations, source maps and docs of packages: never loaded, and most of their files. */
const NOT_RUN = /\.(d\.[cm]?ts|map|md)$/;

/**
 * A copy of the sources and their runtime dependencies in a temp dir every user can read, for the
 * tests that run Redriva as another user ("nobody", to see chmod 000 as a user does): the checkout
 * itself may live under a folder only its owner can enter (a clone made in `mktemp -d`). Files are
 * hard links where the file system allows (fast on a busy disk), copies elsewhere; they keep their
 * modes: a checkout made with the usual umask is readable by all below its own folder.
 */
export function readableCheckout(): { path: string; [Symbol.dispose](): void } {
  const path = mkdtempSync(join(tmpdir(), "redriva-checkout-"));
  try {
    // Only the top folder is private (mkdtemp).
    chmodSync(path, 0o755);
    for (const name of RUNTIME_FILES) mirror(join(CHECKOUT, name), join(path, name));
    for (const pkg of runtimePackages()) {
      readableFolder(dirname(join(path, "node_modules", pkg)));
      mirror(join(CHECKOUT, "node_modules", pkg), join(path, "node_modules", pkg));
    }
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    throw error;
  }
  return {
    path,
    [Symbol.dispose]() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** The package.json dependencies and theirs, as installed (required peers included). */
function runtimePackages(): string[] {
  const found = new Set<string>();
  const visit = (packageJson: string) => {
    const pkg = JSON.parse(readFileSync(packageJson, "utf8"));
    const optionalPeers = Object.entries(pkg.peerDependenciesMeta ?? {})
      .filter(([, meta]) => (meta as { optional?: boolean }).optional)
      .map(([name]) => name);
    const peers = Object.keys(pkg.peerDependencies ?? {}).filter((name) => !optionalPeers.includes(name));
    const names = [
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
      ...peers,
    ];
    for (const name of names) {
      const installed = join(CHECKOUT, "node_modules", name, "package.json");
      if (found.has(name) || !existsSync(installed)) continue;
      found.add(name);
      visit(installed);
    }
  };
  visit(join(CHECKOUT, "package.json"));
  return [...found];
}

/** Recreates `source` at `target`: folders made, files hard-linked (or copied), links kept. */
function mirror(source: string, target: string): void {
  const stat = statSync(source);
  if (!stat.isDirectory()) {
    linkOrCopy(source, target);
    return;
  }
  readableFolder(target);
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) mirror(from, to);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (!NOT_RUN.test(entry.name)) linkOrCopy(from, to);
  }
}

/** Whatever the umask: the user the child runs as must walk in. */
function readableFolder(path: string): void {
  mkdirSync(path, { recursive: true });
  chmodSync(path, 0o755);
}

function linkOrCopy(source: string, target: string): void {
  try {
    linkSync(source, target);
  } catch {
    // Another file system, or hard links refused (protected_hardlinks): copy.
    copyFileSync(source, target);
  }
}
