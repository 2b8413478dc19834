#!/usr/bin/env node
/**
 * Renders the README's pictures: scripts/pictures/* highlighted with this extension's own
 * grammars (through shiki, which runs TextMate grammars like VS Code) in the Dark+ theme, then
 * screenshotted with headless Chromium into images/*.png.
 *
 * Needs Chromium (`apt-get install chromium`, or set CHROMIUM to its path). Run: npm run pictures
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHighlighter } from 'shiki';

const root = new URL('..', import.meta.url).pathname;
const read = (path) => readFileSync(join(root, path), 'utf8');
const grammar = (path) => JSON.parse(read(path));

/** The PNGs go into the .vsix and the marketplace page: keep them small. */
const MAX_BYTES = 150 * 1024;
const LINE_HEIGHT = 19;
const CHAR_WIDTH = 7.8;

const pictures = [
  { source: 'scripts/pictures/rules.ottl', lang: 'ottl', title: 'rules.ottl', image: 'images/ottl.png' },
  { source: 'scripts/pictures/collector.yaml', lang: 'yaml', title: 'collector.yaml', image: 'images/yaml.png' },
];

const highlighter = await createHighlighter({
  themes: ['dark-plus'],
  langs: [
    'yaml',
    { ...grammar('syntaxes/ottl.tmLanguage.json'), name: 'ottl' },
    { ...grammar('syntaxes/ottl.injection.tmLanguage.json'), name: 'ottl-in-yaml', injectTo: ['source.yaml'] },
  ],
});

const chromium = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
if (!chromium) {
  throw new Error('Chromium not found: install it (apt-get install chromium) or set CHROMIUM');
}

const scratch = mkdtempSync(join(tmpdir(), 'ottl-pictures-'));
try {
  for (const picture of pictures) {
    const code = read(picture.source).trimEnd();
    const lines = code.split('\n');
    const width = Math.ceil(Math.max(...lines.map((line) => line.length)) * CHAR_WIDTH) + 90;
    const height = lines.length * LINE_HEIGHT + 62;
    const html = page(picture.title, highlighter.codeToHtml(code, { lang: picture.lang, theme: 'dark-plus' }));
    const htmlPath = join(scratch, 'page.html');
    writeFileSync(htmlPath, html);
    execFileSync(chromium, [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--hide-scrollbars',
      `--user-data-dir=${join(scratch, 'profile')}`,
      `--window-size=${width},${height}`,
      `--screenshot=${join(root, picture.image)}`,
      `file://${htmlPath}`,
    ], { stdio: 'ignore' });
    const bytes = statSync(join(root, picture.image)).size;
    if (bytes > MAX_BYTES) {
      throw new Error(`${picture.image} is ${bytes} bytes, more than ${MAX_BYTES}`);
    }
    console.log(`${picture.image}: ${width}x${height}, ${Math.round(bytes / 1024)} KiB`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** An editor-like frame: a tab with the file name over the highlighted code, with line numbers. */
function page(title, codeHtml) {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    body { margin: 0; background: #1e1e1e; font: 13px/${LINE_HEIGHT}px 'DejaVu Sans Mono', monospace; }
    .tab { background: #252526; color: #cccccc; padding: 8px 16px; font-family: 'DejaVu Sans', sans-serif; font-size: 12px; }
    .tab span { border-bottom: 1px solid #0078d4; padding-bottom: 6px; }
    pre.shiki { margin: 0; padding: 8px 0; counter-reset: line; }
    pre.shiki .line::before { counter-increment: line; content: counter(line); display: inline-block;
      width: 40px; margin-right: 16px; text-align: right; color: #6e7681; }
  </style></head><body><div class="tab"><span>${title}</span></div>${codeHtml}</body></html>`;
}
