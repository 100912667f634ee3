import type { MenuItemConstructorOptions } from 'electron';

export const MENU_SCREENS = [
  { id: 'overview', label: 'Overview' },
  { id: 'connections', label: 'Connections' },
  { id: 'contacts', label: 'Contacts' },
  { id: 'duplicates', label: 'Duplicates' },
  { id: 'history', label: 'History' },
  { id: 'settings', label: 'Settings' },
  { id: 'csv', label: 'CSV analysis' },
] as const;

export interface MenuActions {
  readonly platform: NodeJS.Platform;
  /** Developer tools and reload only in an unpackaged build. */
  readonly isPackaged: boolean;
  readonly showScreen: (screen: string) => void;
  readonly showShortcuts: () => void;
  readonly openWorkspaceFolder: () => void;
}

/**
 * The application menu. Screen shortcuts match the renderer's own (Alt+1…7) so the keys work the same in the
 * desktop app and in the browser; the menu just makes them discoverable.
 */
export function buildMenuTemplate(actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = actions.platform === 'darwin';
  const go: MenuItemConstructorOptions[] = MENU_SCREENS.map((screen, i) => ({
    label: screen.label,
    accelerator: `Alt+${i + 1}`,
    click: () => actions.showScreen(screen.id),
  }));
  const view: MenuItemConstructorOptions[] = [
    ...(actions.isPackaged
      ? []
      : ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Show Workspace Folder', click: actions.openWorkspaceFolder },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { label: '&Go', submenu: go },
    { label: '&View', submenu: view },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        // No accelerator: the renderer handles `?` itself, and a second handler would toggle the overlay twice.
        { label: 'Keyboard Shortcuts', click: actions.showShortcuts },
        ...(mac ? [] : [{ type: 'separator' } as const, { role: 'about' } as const]),
      ],
    },
  ];
}
