/**
 * The timeline page in real headless Chromium, served by a real `cinescope view` process, on
 * traces recorded from the examples: lanes, message arrows, call spans, errors with stacks, state
 * diffs, selection, filtering, keyboard, and clear messages for files that cannot be shown.
 * Screenshots go to test-results/webview/.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType } from '../../runtime/eventSchema';
import { TraceDb } from '../../tracedb/traceDb';
import { startViewServer } from '../../cli/view';
import { TimelineDataSource } from '../../webview/host';
import { cli, tempDir } from '../helpers';
import { eventually, launch, openPage, recordExample, settled, shot, startView, until } from './browser';
import type { Viewer } from './browser';

let browser: Browser;
let dir: string;
let pipeline: string;
let bank: string;
const viewers: Viewer[] = [];

async function view(file: string): Promise<{ page: Page; viewer: Viewer }> {
  const viewer = await startView(file);
  viewers.push(viewer);
  return { page: await openPage(browser, viewer.url), viewer };
}

const inspect = (page: Page) => page.evaluate(() => window.__cinescopeTimeline!.inspect());

/** Clicks the centre of a drawn item. */
async function clickDrawn(page: Page, d: { x: number; y: number; w: number; h: number }): Promise<void> {
  const box = (await page.locator('#timeline').boundingBox())!;
  await page.mouse.click(box.x + d.x + d.w / 2, box.y + d.y + d.h / 2);
}

async function setView(page: Page, fromTs: number, toTs: number): Promise<void> {
  await page.evaluate(([a, b]) => window.__cinescopeTimeline!.app.setView(a, b), [fromTs, toTs]);
  await settled(page);
}

beforeAll(async () => {
  dir = tempDir();
  pipeline = join(dir, 'pipeline.cinescope');
  bank = join(dir, 'bank.cinescope');
  await Promise.all([
    recordExample(pipeline, 'examples/worker-pipeline/main.mjs'),
    recordExample(bank, 'examples/bank-account/index.js', ['--state', 'Account']),
  ]);
  browser = await launch();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(viewers.map((v) => v.stop()));
});

describe('worker-pipeline trace', () => {
  it('draws process and thread lanes, message arrows, call spans and errors', async () => {
    const { page } = await view(pipeline);
    const s = await inspect(page);
    expect(s.state).toBe('ready');
    expect(s.lanes.map((l) => l.label)).toEqual(['main', 'hasher-1', 'hasher-2']);
    const arrows = s.drawn.filter((d) => d.kind === 'arrow');
    expect(arrows.length).toBeGreaterThan(10);
    // Messages go between threads: some arrow leaves main for a worker and some come back.
    expect(arrows.some((d) => d.lane.endsWith(':0'))).toBe(true);
    expect(arrows.some((d) => !d.lane.endsWith(':0'))).toBe(true);
    expect(s.drawn.filter((d) => d.kind === 'span').length).toBeGreaterThan(20);
    const errors = s.drawn.filter((d) => ['uncaughtException', 'workerError'].includes(d.typeName));
    expect(errors.length).toBe(2);
    expect((page as any).pageErrors).toEqual([]);
    await shot(page, 'pipeline-overview');

    // Clicking the worker's uncaught exception shows the error with its stack.
    await clickDrawn(
      page,
      errors.find((d) => d.typeName === 'uncaughtException')!,
    );
    await until(page, () => document.querySelector('[data-test=stack]')?.textContent, 'the stack');
    const detail = await inspect(page);
    expect(detail.selected).toMatchObject({
      kind: 'event',
      id: errors.find((d) => d.typeName === 'uncaughtException')!.id,
    });
    expect(await page.textContent('[data-test=error-message]')).toContain('poison pill');
    expect(await page.textContent('[data-test=stack]')).toContain('worker.mjs');
    await shot(page, 'pipeline-error-selected');
  });

  it('draws codicons in the toolbar and the detail headings, from the font the CSP allows', async () => {
    const { page } = await view(pipeline);
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused/i.test(m.text())) refused.push(m.text());
    });
    const glyphs = await page.evaluate(async () => {
      await document.fonts.ready;
      const buttons = Array.from(document.querySelectorAll('.toolbar button .codicon'));
      const faces: FontFace[] = [];
      document.fonts.forEach((f) => faces.push(f));
      return {
        loaded: faces.some((f) => f.family.replace(/"/g, '') === 'codicon' && f.status === 'loaded'),
        buttons: buttons.map((b) => ({
          label: b.parentElement!.getAttribute('aria-label'),
          glyph: getComputedStyle(b, '::before').content,
          font: getComputedStyle(b).fontFamily,
          width: b.getBoundingClientRect().width,
        })),
      };
    });
    expect(glyphs.loaded).toBe(true);
    expect(glyphs.buttons.map((b) => b.label)).toEqual([
      'Zoom out (-)',
      'Zoom in (+)',
      'Show the whole trace (0)',
    ]);
    for (const b of glyphs.buttons) {
      expect(b.font).toContain('codicon');
      // A private-use code point: the glyph, not a fallback letter.
      expect(b.glyph.codePointAt(1)).toBeGreaterThanOrEqual(0xe000);
      expect(b.width).toBeGreaterThan(8);
    }
    // The error's heading leads with the error glyph; the text the user reads is unchanged.
    const error = (await inspect(page)).drawn.find((d) => d.typeName === 'uncaughtException')!;
    await clickDrawn(page, error);
    await until(page, () => document.querySelector('[data-test=stack]'), 'the error details');
    expect(await page.locator('section h3:has(.codicon-error)').textContent()).toBe('Error');
    expect(refused).toEqual([]);
    await shot(page, 'pipeline-codicons');
  });

  it('zooms into calls, shows arguments and return values, and the source path', async () => {
    const { page, viewer } = await view(pipeline);
    const before = await inspect(page);
    const spans = before.drawn.filter((d) => d.kind === 'span' && d.label === 'JobQueue.enqueue');
    expect(spans.length).toBeGreaterThan(0);
    const first = Math.min(...spans.map((d) => d.ts));
    await setView(page, first - 1, first + 6);
    const zoomed = await inspect(page);
    expect(zoomed.lanes.find((l) => l.label === 'main')!.mode).toBe('detail');
    const enqueue = zoomed.drawn.find((d) => d.kind === 'span' && d.label === 'JobQueue.enqueue')!;
    expect(enqueue.w).toBeGreaterThan(8);
    // Nested calls sit below their caller.
    expect(zoomed.drawn.some((d) => d.kind === 'span' && (d.depth ?? 0) > 0)).toBe(true);
    await clickDrawn(page, enqueue);
    await until(
      page,
      () => window.__cinescopeTimeline!.inspect().detailText.includes('arguments'),
      'call details',
    );
    const text = (await inspect(page)).detailText;
    expect(text).toContain('JobQueue.enqueue');
    expect(text).toContain('"alpha"');
    expect(text).toMatch(/returned/);
    const where = (await page.textContent('[data-test=source-path]'))!;
    expect(where).toMatch(/examples\/worker-pipeline\/main\.mjs:\d+:\d+$/);
    await shot(page, 'pipeline-calls-zoomed');
    // "Open source" posts openSource to the host; the view server reports it on its stdout.
    await page.click('[data-test=open-source]');
    const [file, line] = where.split(':');
    const reported = `cinescope: source ${file}:${line}`;
    await eventually(() => viewer.stdout().includes(reported), 'the view server to report openSource');
    expect(viewer.stdout()).toContain(reported);
  });

  it('filters what is drawn and searches with Enter', async () => {
    const { page } = await view(pipeline);
    await page.click('#filter');
    await page.keyboard.type('enqueue');
    // The filter is applied when the page says so and a frame has drawn it.
    await until(page, () => window.__cinescopeTimeline!.inspect().filter === 'enqueue', 'the filter');
    await settled(page);
    const s = await inspect(page);
    expect(s.matches).toBe(s.drawn.filter((d) => d.matches).length);
    const matching = s.drawn.filter((d) => d.matches);
    expect(matching.length).toBeGreaterThan(0);
    expect(matching.every((d) => d.label.toLowerCase().includes('enqueue'))).toBe(true);
    expect(matching.length).toBeLessThan(s.drawn.length / 2);
    expect(await page.textContent('.status-text')).toMatch(/\d+ of \d+ drawn match/);
    await page.keyboard.press('Enter');
    await until(
      page,
      () => document.querySelectorAll('[data-test=search-results] li').length,
      'search results',
    );
    await until(
      page,
      () => window.__cinescopeTimeline!.inspect().detailText.includes('enqueue'),
      'the first match selected',
    );
    await shot(page, 'pipeline-filtered');
  });

  it('moves between events with the keyboard and zooms with + and -', async () => {
    const { page } = await view(pipeline);
    await page.locator('#timeline').focus();
    await page.keyboard.press('ArrowRight');
    const first = await until(
      page,
      () => window.__cinescopeTimeline!.inspect().selected,
      'a first selection',
    );
    await page.evaluate((id) => ((window as any).__first = id), (first as { id: number }).id);
    await page.keyboard.press('ArrowRight');
    const second = await until(
      page,
      () => {
        const s = window.__cinescopeTimeline!.inspect().selected;
        return s?.kind === 'event' && s.id !== (window as any).__first ? s : undefined;
      },
      'the next event',
    );
    expect(second).not.toEqual(first);
    await page.keyboard.press('ArrowLeft');
    await until(
      page,
      () => window.__cinescopeTimeline!.inspect().detailText !== '',
      'details of the previous event',
    );
    const span1 = (await inspect(page)).view;
    await page.keyboard.press('+');
    await settled(page);
    const span2 = (await inspect(page)).view;
    expect(span2.toTs - span2.fromTs).toBeCloseTo((span1.toTs - span1.fromTs) / 2, 3);
    await page.keyboard.press('-');
    await settled(page);
    const span3 = (await inspect(page)).view;
    expect(span3.toTs - span3.fromTs).toBeCloseTo(span1.toTs - span1.fromTs, 3);
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter');
  });
});

describe('bank-account trace with --state Account', () => {
  it('draws state changes on their own lane, shows the diff and steps through the history', async () => {
    const { page } = await view(bank);
    const s = await inspect(page);
    const marks = s.drawn.filter((d) => d.kind === 'state');
    expect(marks.length).toBeGreaterThan(5);
    expect(s.drawn.some((d) => d.typeName === 'unhandledRejection')).toBe(true);
    const deposit = marks.find(
      (d) => d.label.startsWith('Account.deposit') || d.label.startsWith('deposit'),
    )!;
    expect(deposit).toBeDefined();
    // Zoomed in around it, the marks of neighbouring calls no longer overlap.
    await setView(page, deposit.ts - 0.5, deposit.ts + 0.5);
    const zoomed = (await inspect(page)).drawn.find((d) => d.kind === 'state' && d.ts === deposit.ts)!;
    await clickDrawn(page, zoomed);
    await until(
      page,
      () => document.querySelector('[data-test=state-timeline] [data-test=diff]'),
      'the state diff',
    );
    const diff = await page.textContent('[data-test=state-timeline] [data-test=diff]');
    expect(diff).toContain('balance');
    expect(diff).toContain('→');
    expect(await page.textContent('[data-test=causing-call]')).toContain('deposit');
    await shot(page, 'bank-state-diff');
    const step = async () => (await page.textContent('[data-test=state-timeline] .nav'))!;
    const was = await step();
    await page.click('[data-test=state-next]');
    await until(
      page,
      () => document.querySelector('[data-test=state-timeline] .nav')?.textContent,
      'the next step',
    );
    expect(await step()).not.toBe(was);
    // Scrubbing: dragging the cursor along the ruler moves the state timeline to the step before it.
    await setView(page, s.view.fromTs, s.view.toTs);
    const box = (await page.locator('#timeline').boundingBox())!;
    await page.mouse.move(box.x + 200, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 5, box.y + 10, { steps: 5 });
    await page.mouse.up();
    const last = await until(
      page,
      () =>
        document
          .querySelector('[data-test=state-timeline] .nav')
          ?.textContent?.match(/step (\d+) of \1/)?.[0],
      'the last step',
    );
    expect(last).toMatch(/step \d+ of \d+/);
    await shot(page, 'bank-scrubbed');
    // The causing call opens as a call, with its arguments and the state it changed.
    await page.click('[data-test=causing-call]');
    await until(
      page,
      () => window.__cinescopeTimeline!.inspect().detailText.includes('arguments'),
      'the causing call',
    );
    expect((await inspect(page)).detailText).toMatch(/Changed Account #\d+/);
    await shot(page, 'bank-causing-call');
  });
});

describe('a live trace', () => {
  it('starts empty, fills in as events arrive, and follows the growing end', async () => {
    const db = await TraceDb.create();
    const source = new TimelineDataSource(db, { live: true });
    const server = await startViewServer(source, { title: 'live' });
    try {
      const page = await openPage(browser, server.url);
      expect(await inspect(page)).toMatchObject({
        state: 'empty',
        message: expect.stringContaining('No events yet'),
      });
      const t0 = Date.now();
      const event = (eid: number, ts: number, type: number, payload: unknown) => ({
        pid: 42,
        tid: 0,
        eid,
        parent: 0,
        site: 0,
        corr: 0,
        ts,
        type,
        flags: 0,
        payload: JSON.stringify(payload),
      });
      db.ingest([
        event(1, t0, EventType.threadStart, { threadId: 0, name: 'main', isMainThread: true }),
        event(2, t0 + 5, EventType.mark, { name: 'first' }),
      ]);
      await until(page, () => document.body.dataset.state === 'ready', 'the first events', 10_000);
      await settled(page);
      expect((await inspect(page)).drawn.map((d) => d.label)).toContain('first');
      db.ingest([event(3, t0 + 50, EventType.mark, { name: 'second' })]);
      await until(
        page,
        () => window.__cinescopeTimeline!.inspect().drawn.some((d) => d.label === 'second'),
        'the event that came later',
        10_000,
      );
      await shot(page, 'live-trace');
    } finally {
      await server.close();
      db.close();
    }
  });
});

describe('files that cannot be shown', () => {
  it('says why, in the page, for corrupt, truncated, foreign, newer and empty traces', async () => {
    const truncated = join(dir, 'truncated.cinescope');
    writeFileSync(truncated, readFileSync(bank).subarray(0, 20_000));
    const foreign = join(dir, 'notes.cinescope');
    writeFileSync(foreign, 'just some text, not a trace\n');
    const corrupt = join(dir, 'corrupt.cinescope');
    const bytes = Buffer.from(readFileSync(bank));
    bytes.fill(0x5a, 16_384, 16_384 * 3);
    writeFileSync(corrupt, bytes);
    const newer = join(dir, 'newer.cinescope');
    const db = await TraceDb.create();
    db.setMeta('schemaVersion', '99');
    await db.save(newer);
    db.close();
    const empty = join(dir, 'empty.cinescope');
    const none = await TraceDb.create();
    await none.save(empty);
    none.close();
    const cases: Array<[string, string, RegExp]> = [
      [truncated, 'error', /is truncated/],
      [foreign, 'error', /not a Cinescope trace/],
      [corrupt, 'error', /corrupt|malformed/],
      [newer, 'error', /newer Cinescope/],
      [empty, 'empty', /The trace is empty/],
    ];
    for (const [file, state, sentence] of cases) {
      const { page } = await view(file);
      const s = await inspect(page);
      expect(s.state, file).toBe(state);
      expect(s.message, file).toMatch(sentence);
      if (file === truncated) await shot(page, 'truncated-message');
      if (file === empty) await shot(page, 'empty-message');
      await page.close();
    }
    copyFileSync(bank, join(dir, 'unused.cinescope'));
  });

  it('stops with the sentence when the file is not there at all', async () => {
    const missing = join(dir, 'missing.cinescope');
    const r = await cli(['view', missing, '--no-open']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`cinescope: Cannot read trace file ${missing}: the file does not exist.\n`);
  });

  it('refuses a wrong token, for the page, its script and its WebSocket', async () => {
    const viewer = await startView(bank);
    viewers.push(viewer);
    const wrong = viewer.url.replace(/token=.*/, 'token=nope');
    expect((await fetch(wrong)).status).toBe(403);
    expect((await fetch(wrong.replace('/?', '/timeline.js?'))).status).toBe(403);
    expect((await fetch(viewer.url)).status).toBe(200);
    const page = await browser.newPage();
    await page.goto(viewer.url.replace(/\?token=.*/, ''));
    const socket = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      viewer.url.replace('http', 'ws').replace('/?token=', '/ws?token=x'),
    );
    expect(socket).toBe('refused');
    await page.close();
  });
});
