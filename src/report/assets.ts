// Browser assets of the report's charts (also inlined by the dashboard), read from a fixed list and
// inlined into the pages: nothing is ever served or read by a client-supplied
// path, and a saved report opens offline with no external request.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { projectRoot } from '../scenario/loader.js';

const require = createRequire(import.meta.url);

/** The only chart files read. The .js/.css under src/report/assets are not compiled, so they are found from the project root (works from src/ and dist/src/). */
const ASSET_FILES = {
  'uPlot.js': () => require.resolve('uplot/dist/uPlot.iife.min.js'),
  'uPlot.css': () => require.resolve('uplot/dist/uPlot.min.css'),
  'charts.js': () => join(projectRoot(), 'src/report/assets/charts.js'),
  'charts.css': () => join(projectRoot(), 'src/report/assets/charts.css'),
  'report-client.js': () => join(projectRoot(), 'src/report/assets/report-client.js'),
} as const;

export type AssetName = keyof typeof ASSET_FILES;

const cache = new Map<AssetName, string>();

export function readAsset(name: AssetName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(ASSET_FILES[name](), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/**
 * Script text safe inside <script>...</script>: the HTML parser ends the
 * element at the first `</script` whatever JS context it is in, and `<!--`
 * switches it into an escaped state. `<\/` means the same in JS strings and
 * regexes; elsewhere these sequences cannot occur in our JS.
 */
export function scriptBody(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON for a <script type="application/json"> element: `<` escaped so no text can close the element. */
export function jsonScriptBody(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function styleBody(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** The <style> and <script> elements both pages need for charts, in load order. */
export function chartHead(): { styles: string; scripts: string } {
  return {
    styles: `<style>${styleBody(readAsset('uPlot.css'))}</style>\n<style>${styleBody(readAsset('charts.css'))}</style>`,
    scripts: `<script>${scriptBody(readAsset('uPlot.js'))}</script>\n<script>${scriptBody(readAsset('charts.js'))}</script>`,
  };
}
