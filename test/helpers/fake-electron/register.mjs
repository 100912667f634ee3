// `node --import ./test/helpers/fake-electron/register.mjs dist/electron/main.mjs`: runs the built Electron main
// process on plain Node, with `electron` resolved to a recording fake (see electron.mjs).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
