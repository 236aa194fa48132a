/**
 * Real headless Chromium (Debian's /usr/bin/chromium through playwright-core) on a real
 * `cinescope view` server: helpers of the timeline tests and the benchmark's test twin.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { CLI, ROOT, cli } from '../helpers';

export const CHROMIUM = process.env.CINESCOPE_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'test-results', 'webview');

/** Records an example program with the real CLI, every call of the examples' own functions traced. */
export async function recordExample(out: string, program: string, options: string[] = []): Promise<void> {
  const r = await cli(['record', '--out', out, '--trace', 'examples/**', ...options, '--', 'node', program]);
  if (!(r.stderr + r.stdout).includes('events from')) {
    throw new Error(`Recording ${program} failed (exit ${r.code}): ${r.stderr}`);
  }
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}

export interface Viewer {
  url: string;
  stdout(): string;
  stop(): Promise<void>;
}

/** Starts `cinescope view FILE --no-open` and waits for the link it prints. */
export function startView(file: string): Promise<Viewer> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'view', file, '--no-open'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cinescope view printed no link: ${out}${err}`)), 20_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          stdout: () => out,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cinescope view exited with ${code}: ${err}`));
    });
  });
}

/**
 * Polls `fn` in the page until it returns something truthy. (Playwright's waitForFunction
 * evaluates a string, which the page's CSP rightly refuses; evaluate() goes through CDP.)
 */
export async function until<T>(page: Page, fn: () => T, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await page.evaluate(fn);
    if (last) return last;
    // The interval between polls of a condition, not a wait for something to happen.
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Opens the page and waits until it shows data, or a message. */
export async function openPage(
  browser: Browser,
  url: string,
  size = { width: 1400, height: 820 },
): Promise<Page> {
  const page = await browser.newPage({ viewport: size });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { pageErrors?: string[] }).pageErrors = errors;
  await page.goto(url);
  await until(
    page,
    () =>
      document.body.dataset.state !== 'loading' &&
      (document.body.dataset.state !== 'ready' || document.body.dataset.firstFrame === 'yes'),
    'the first frame',
  );
  return page;
}

/**
 * Waits until what the last action asked for is on screen: a frame drawn after this call (it asks
 * for one, so there is always one to wait for), no window request in flight, and the last window
 * received drawn. An action that needs data starts its request synchronously (pending > 0 by the
 * time evaluate() or a key press returns), so a quiet page here is a finished one.
 */
export async function settled(page: Page): Promise<void> {
  const before = await page.evaluate(() => {
    const api = window.__cinescopeTimeline!;
    const frames = api.inspect().frames;
    api.redraw();
    return frames;
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const s = await page.evaluate(() => window.__cinescopeTimeline!.inspect());
    if (s.frames > before && s.quiet) return;
    if (Date.now() > deadline)
      throw new Error(
        `Timed out waiting for the window data drawn (frames ${s.frames}, pending ${s.pending})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Polls a condition in this (the test's) process until it holds, e.g. a line on a child's stdout. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
