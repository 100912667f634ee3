import { crc32, deflateRawSync } from 'node:zlib';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../domain/errors';

export const PLUGIN_SLUG = 'mergedesk-bridge';
export const PLUGIN_ZIP_NAME = `${PLUGIN_SLUG}.zip`;

/** The plugin's source folder, found from this module whether it runs from sources or from a `dist/` bundle. */
export function findPluginSourceDir(start: string = dirname(fileURLToPath(import.meta.url))): string | null {
  const fromEnv = process.env.MERGEDESK_WP_PLUGIN_DIR;
  if (fromEnv && existsSync(join(fromEnv, `${PLUGIN_SLUG}.php`))) return fromEnv;
  let dir = start;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'wp-plugin', PLUGIN_SLUG);
    if (existsSync(join(candidate, `${PLUGIN_SLUG}.php`))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** The `Version:` header of the plugin's main file. */
export function readPluginVersion(sourceDir: string): string {
  const header = readFileSync(join(sourceDir, `${PLUGIN_SLUG}.php`), 'utf8').slice(0, 4000);
  const match = /^\s*\*\s*Version:\s*(\S+)/m.exec(header);
  if (!match?.[1]) throw new AppError('INTERNAL', `No Version header in ${PLUGIN_SLUG}.php.`);
  return match[1];
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

/**
 * A WordPress-installable zip (every file under `mergedesk-bridge/`), built in memory with node:zlib so neither the
 * packaging script nor the app needs a `zip` binary. Timestamps are fixed so the same sources give the same bytes.
 */
export function buildPluginZip(sourceDir: string): Buffer {
  const entries = listFiles(sourceDir).map((file) => ({
    name: `${PLUGIN_SLUG}/${relative(sourceDir, file).split(sep).join('/')}`,
    data: readFileSync(file),
  }));
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const dosTime = 0; // 00:00:00
  const dosDate = ((2024 - 1980) << 9) | (1 << 5) | 1; // 2024-01-01
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by: unix, 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attrs: regular file 0644
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

export const PLUGIN_INSTALL_STEPS: readonly string[] = [
  'Download mergedesk-bridge.zip (below).',
  'In WordPress, as an administrator: Plugins → Add New → Upload Plugin → choose mergedesk-bridge.zip → Install Now → Activate.',
  'Users → Profile → Application Passwords: type “Mergedesk”, click Add New Application Password and copy the password it shows once.',
  'Back here: enter the site address (https://…), your WordPress username and that Application Password, then Test.',
  'With AccessAlly active the plugin reads and writes AccessAlly’s contact link; without it, the user-meta key keap_contact_id (WP Fusion’s convention; set the option mergedesk_bridge_contact_meta_key to change it).',
];

function findPrebuiltZip(start: string = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = start;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'dist', PLUGIN_ZIP_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/**
 * Writes the installable zip into `outDir` (built from the plugin sources, or copied from a packaged
 * `dist/mergedesk-bridge.zip` when the sources are not shipped) and says what it is.
 */
export function ensurePluginZip(outDir: string): { path: string; version: string; sizeBytes: number } {
  const source = findPluginSourceDir();
  let zip: Buffer;
  let version: string;
  if (source) {
    zip = buildPluginZip(source);
    version = readPluginVersion(source);
  } else {
    const prebuilt = findPrebuiltZip();
    if (!prebuilt) {
      throw new AppError(
        'UNSUPPORTED',
        'The Mergedesk Bridge plugin is not bundled with this build of Mergedesk.',
      );
    }
    zip = readFileSync(prebuilt);
    const match = /Version:\s*(\S+)/.exec(zip.toString('latin1'));
    version = match?.[1] ?? 'unknown';
  }
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, PLUGIN_ZIP_NAME);
  writeFileSync(path, zip);
  return { path, version, sizeBytes: zip.length };
}

/** The workspace's copy of the installable zip (`plugins/` in the workspace folder), written when needed. */
export function workspacePluginZip(workspaceDir: string): {
  path: string;
  version: string;
  sizeBytes: number;
} {
  return ensurePluginZip(join(workspaceDir, 'plugins'));
}
