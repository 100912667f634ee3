/** Options the desktop app takes on its command line (Chromium's own switches are left alone). */
export interface ElectronArgs {
  readonly workspace?: string;
}

/**
 * Reads `--workspace DIR` or `--workspace=DIR` from the arguments after the executable (and after the app path
 * when launched as `electron .`). Unknown arguments are ignored: Chromium and the OS add their own.
 */
export function parseElectronArgs(argv: readonly string[]): ElectronArgs {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--workspace') {
      const value = argv[i + 1];
      if (value && !value.startsWith('--')) return { workspace: value };
    } else if (arg.startsWith('--workspace=')) {
      const value = arg.slice('--workspace='.length);
      if (value) return { workspace: value };
    }
  }
  return {};
}
