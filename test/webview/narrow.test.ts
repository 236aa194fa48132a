/**
 * The timeline page in a narrow panel (VS Code's panels are often ~500 px wide), in real headless
 * Chromium on a real `cinescope view` server: the canvas keeps a usable width, the details go
 * under it and show a selection without clipping, the handle between them resizes within bounds,
 * and widening the panel puts the details back on the right. Screenshots at 500 and 1400 px go to
 * test-results/webview/.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers';
import { launch, openPage, recordExample, settled, shot, startView, until } from './browser';
import type { Viewer } from './browser';

let browser: Browser;
let viewer: Viewer;

beforeAll(async () => {
  const file = join(tempDir(), 'pipeline.cinescope');
  await recordExample(file, 'examples/worker-pipeline/main.mjs');
  browser = await launch();
  viewer = await startView(file);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await viewer?.stop();
});

/** Where the canvas and the details pane are, and whether the pane's content overflows sideways. */
const boxes = (page: Page) =>
  page.evaluate(() => {
    const rect = (sel: string) => {
      const r = document.querySelector(sel)!.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
    };
    const side = document.querySelector('.side') as HTMLElement;
    return {
      canvas: rect('#timeline'),
      side: rect('.side'),
      sideOverflowsX: side.scrollWidth > side.clientWidth + 1,
      toolbarOverflowsX: document.querySelector('.toolbar')!.scrollWidth > window.innerWidth,
    };
  });

/** Selects the first call drawn with some width, by clicking it, and waits for its details. */
async function selectACall(page: Page): Promise<string> {
  const s = await page.evaluate(() => window.__cinescopeTimeline!.inspect());
  const span = s.drawn
    .filter((d) => d.kind === 'span' && d.label !== '(anonymous)')
    .sort((a, b) => b.w - a.w)[0];
  expect(span, 'a named call drawn').toBeDefined();
  const box = (await page.locator('#timeline').boundingBox())!;
  await page.mouse.click(box.x + span.x + Math.min(span.w, 6) / 2, box.y + span.y + span.h / 2);
  await until(
    page,
    () => window.__cinescopeTimeline!.inspect().detailText.includes('arguments'),
    'the call details',
  );
  expect((await page.evaluate(() => window.__cinescopeTimeline!.inspect())).selected).toEqual({
    kind: 'event',
    id: span.id,
  });
  return span.label;
}

describe('a narrow panel (500 × 700)', () => {
  it('keeps the canvas usable, shows the details under it, and resizes within bounds', async () => {
    const page = await openPage(browser, viewer.url, { width: 500, height: 700 });
    await settled(page);
    const b = await boxes(page);
    // The canvas takes the whole width; the details sit below it, inside the window.
    expect(b.canvas.width).toBe(500);
    expect(b.canvas.height).toBeGreaterThanOrEqual(160);
    expect(b.side.top).toBeGreaterThanOrEqual(b.canvas.bottom - 1);
    expect(b.side.bottom).toBeLessThanOrEqual(700);
    expect(b.toolbarOverflowsX).toBe(false);
    const s = await page.evaluate(() => window.__cinescopeTimeline!.inspect());
    expect(s.lanes.map((l) => l.label)).toEqual(['main', 'hasher-1', 'hasher-2']);
    // Things are drawn right of the label column, across the plot, not squeezed into a sliver.
    const spans = s.drawn.filter((d) => d.kind === 'span');
    expect(spans.length).toBeGreaterThan(10);
    const xs = s.drawn.map((d) => d.x);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(250);

    const name = await selectACall(page);
    const text = (await page.evaluate(() => window.__cinescopeTimeline!.inspect())).detailText;
    expect(text).toContain(name);
    expect((await boxes(page)).sideOverflowsX).toBe(false);
    const where = page.locator('[data-test=source-path]');
    expect(await where.isVisible()).toBe(true);
    await shot(page, 'narrow-500-call-selected');

    // The handle: up grows the details, down shrinks them; however far, the canvas keeps 160 px.
    const handle = page.locator('[data-test=splitter]');
    expect(await handle.getAttribute('aria-orientation')).toBe('horizontal');
    await handle.focus();
    const before = (await boxes(page)).side.height;
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    const grown = await boxes(page);
    expect(grown.side.height).toBeGreaterThan(before);
    await page.keyboard.press('ArrowDown');
    expect((await boxes(page)).side.height).toBeLessThan(grown.side.height);
    const hb = (await handle.boundingBox())!;
    await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
    await page.mouse.down();
    await page.mouse.move(hb.x + hb.width / 2, 5, { steps: 4 });
    await page.mouse.up();
    await settled(page);
    const dragged = await boxes(page);
    expect(dragged.canvas.height).toBeGreaterThanOrEqual(159);
    expect(dragged.side.height).toBeGreaterThan(grown.side.height);
    const shown = await page.evaluate(() => window.__cinescopeTimeline!.inspect());
    expect(shown.drawn.length).toBeGreaterThan(0);
    expect((page as Page & { pageErrors?: string[] }).pageErrors).toEqual([]);

    // Reloaded, the page comes back as it was: the pane's size, the view and the selection.
    await page.reload();
    await until(page, () => document.body.dataset.firstFrame === 'yes', 'the first frame after reload');
    await until(
      page,
      () => window.__cinescopeTimeline!.inspect().detailText.includes('arguments'),
      'the selection restored',
    );
    const after = await page.evaluate(() => window.__cinescopeTimeline!.inspect());
    expect(after.selected).toEqual(shown.selected);
    expect(after.view).toEqual(shown.view);
    expect(Math.abs((await boxes(page)).side.height - dragged.side.height)).toBeLessThanOrEqual(1);
    await page.close();
  });

  it('puts the details back on the right when the panel widens, and keeps the canvas wide', async () => {
    const page = await openPage(browser, viewer.url, { width: 500, height: 700 });
    await settled(page);
    await selectACall(page);
    await page.setViewportSize({ width: 1400, height: 700 });
    await settled(page);
    const wide = await boxes(page);
    expect(wide.side.left).toBeGreaterThanOrEqual(wide.canvas.right - 1);
    expect(wide.side.right).toBeLessThanOrEqual(1400);
    expect(wide.canvas.width).toBeGreaterThan(900);
    expect(await page.locator('[data-test=splitter]').getAttribute('aria-orientation')).toBe('vertical');
    // The selection and its details survived the change of layout.
    expect((await page.evaluate(() => window.__cinescopeTimeline!.inspect())).detailText).toContain(
      'arguments',
    );
    await shot(page, 'wide-1400-call-selected');
    // Dragging the handle far to the left widens the details, but the canvas keeps 320 px.
    const hb = (await page.locator('[data-test=splitter]').boundingBox())!;
    await page.mouse.move(hb.x + hb.width / 2, 300);
    await page.mouse.down();
    await page.mouse.move(5, 300, { steps: 4 });
    await page.mouse.up();
    await settled(page);
    const squeezed = await boxes(page);
    expect(squeezed.canvas.width).toBeGreaterThanOrEqual(319);
    expect(squeezed.side.width).toBeGreaterThan(wide.side.width);
    // Narrowed again, to an odd 600 px: the details go back under the canvas, whose width is all.
    await page.setViewportSize({ width: 600, height: 700 });
    await settled(page);
    const narrow = await boxes(page);
    expect(narrow.canvas.width).toBe(600);
    expect(narrow.side.top).toBeGreaterThanOrEqual(narrow.canvas.bottom - 1);
    await shot(page, 'narrow-600-after-wide');
    expect((page as Page & { pageErrors?: string[] }).pageErrors).toEqual([]);
    await page.close();
  });
});
