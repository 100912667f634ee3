import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { BrowserWindow, Dialog } from 'electron';
import { askBeforeDroppingEdits, UNSAVED_PROMPT } from '../../../main/electron/unload-prompt';

/** A window whose page's beforeunload just stopped a close, and a dialog answering with one button. */
function closeWithUnsavedEdits(answer: number): { prevented: boolean; asked: unknown[] } {
  const webContents = new EventEmitter();
  const asked: unknown[] = [];
  const dialog = {
    showMessageBoxSync: (_w: unknown, options: unknown) => {
      asked.push(options);
      return answer;
    },
  } as unknown as Pick<Dialog, 'showMessageBoxSync'>;
  askBeforeDroppingEdits({ webContents } as unknown as Pick<BrowserWindow, 'webContents'>, dialog);
  let prevented = false;
  webContents.emit('will-prevent-unload', { preventDefault: () => (prevented = true) });
  return { prevented, asked };
}

describe('closing the desktop window with unsaved settings', () => {
  it('asks "Discard / Keep editing"; Discard lets the window close', () => {
    const { prevented, asked } = closeWithUnsavedEdits(0);
    expect(asked).toEqual([UNSAVED_PROMPT]);
    expect(UNSAVED_PROMPT.buttons).toEqual(['Discard', 'Keep editing']);
    expect(prevented).toBe(true);
  });

  it('Keep editing (or closing the dialog) keeps the window and the edits', () => {
    expect(closeWithUnsavedEdits(1).prevented).toBe(false);
  });
});
