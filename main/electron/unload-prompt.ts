import type { BrowserWindow, Dialog, MessageBoxSyncOptions } from 'electron';

/** The question the desktop app asks when the page holds unsaved edits and the window is being closed. */
export const UNSAVED_PROMPT: MessageBoxSyncOptions = {
  type: 'question',
  buttons: ['Discard', 'Keep editing'],
  defaultId: 1,
  cancelId: 1,
  title: 'Unsaved changes',
  message: 'Discard unsaved changes?',
  detail: 'Your changes to the settings are not saved. Closing the window now drops them.',
};

/**
 * The renderer's `beforeunload` (unsaved settings) stops a close; Electron shows nothing by itself, so the window
 * would simply refuse to close. This asks in a native dialog instead: Discard lets the close go on.
 */
export function askBeforeDroppingEdits(
  window: Pick<BrowserWindow, 'webContents'>,
  dialog: Pick<Dialog, 'showMessageBoxSync'>,
): void {
  window.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window as BrowserWindow, UNSAVED_PROMPT);
    // preventDefault on this event ignores the page's beforeunload, so the window closes.
    if (choice === 0) event.preventDefault();
  });
}
