import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { parseElectronArgs } from '../../../main/electron/args';
import { buildMenuTemplate, MENU_SCREENS } from '../../../main/electron/menu';

describe('desktop command line', () => {
  it('reads --workspace in both spellings and ignores the rest', () => {
    expect(parseElectronArgs(['.', '--workspace', '/tmp/ws'])).toEqual({ workspace: '/tmp/ws' });
    expect(parseElectronArgs(['--no-sandbox', '--workspace=/tmp/ws2'])).toEqual({ workspace: '/tmp/ws2' });
    expect(parseElectronArgs(['.', '--inspect=0'])).toEqual({});
    expect(parseElectronArgs(['--workspace'])).toEqual({});
    expect(parseElectronArgs(['--workspace', '--other'])).toEqual({});
  });
});

describe('application menu', () => {
  const actions = (platform: NodeJS.Platform, isPackaged: boolean) => ({
    platform,
    isPackaged,
    showScreen: vi.fn(),
    showShortcuts: vi.fn(),
    openWorkspaceFolder: vi.fn(),
  });
  const items = (template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    template.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])]);

  it('has a Go menu with Alt+1…7 for every screen', () => {
    const a = actions('linux', true);
    const template = buildMenuTemplate(a);
    const go = template.find((m) => m.label === '&Go');
    const entries = go?.submenu as MenuItemConstructorOptions[];
    expect(entries.map((e) => e.accelerator)).toEqual([
      'Alt+1',
      'Alt+2',
      'Alt+3',
      'Alt+4',
      'Alt+5',
      'Alt+6',
      'Alt+7',
    ]);
    (entries[2]?.click as () => void)();
    expect(a.showScreen).toHaveBeenCalledWith(MENU_SCREENS[2].id);
  });

  it('offers developer tools only in an unpackaged build, and an app menu only on macOS', () => {
    const roles = (t: MenuItemConstructorOptions[]) => items(t).map((i) => i.role);
    expect(roles(buildMenuTemplate(actions('linux', true)))).not.toContain('toggleDevTools');
    expect(roles(buildMenuTemplate(actions('linux', false)))).toContain('toggleDevTools');
    expect(roles(buildMenuTemplate(actions('darwin', true)))).toContain('appMenu');
    expect(roles(buildMenuTemplate(actions('win32', true)))).not.toContain('appMenu');
  });
});
