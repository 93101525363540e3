// Loads a web client module (plain ES modules under src/main/resources/web/, no package.json there,
// so that the edge serves nothing but the client). Node >= 20.19 recognises ESM syntax in a .js
// file without "type": "module" (module syntax detection) and loads it from its file URL; an
// older Node 20 refuses that, and then the module's source is loaded as a data: URL, which is
// always ESM (the modules loaded this way import nothing relative).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const WEB = new URL('../../main/resources/web/', import.meta.url);
export const DOCS = new URL('../../../../docs/', import.meta.url);

export async function loadWeb(name) {
  const url = new URL(name, WEB);
  try {
    return await import(url.href);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    const src = await readFile(fileURLToPath(url), 'utf8');
    return import('data:text/javascript;base64,' + Buffer.from(src).toString('base64'));
  }
}
