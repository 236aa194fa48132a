/**
 * The browser side: Debian's Chromium driven by playwright-core opens the VS Code workbench, and a
 * loopback HTTP endpoint answers the suite's `DriverRequest`s by reading the page, clicking in it
 * and taking screenshots.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserType, FrameLocator, Locator, Page } from 'playwright-core';
import type { DriverReply, DriverRequest, Region, TimelineView } from '../suite/driverProtocol';

/** Chromium flags that work in these containers (no GPU, no sandbox, no network chatter). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Where each region's text lives in VS Code 1.100's DOM. */
const REGION_SELECTORS: Record<Exclude<Region, 'webview'>, string> = {
  workbench: '.monaco-workbench',
  panel: '.part.panel',
  notifications: '.notifications-toasts, .notifications-center, .monaco-dialog-box',
  debugVariables: '.debug-variables',
  callStack: '.debug-call-stack',
  editor: '.part.editor',
};

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export class Workbench {
  private shotCount = 0;
  private server: Server | undefined;

  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    private readonly outDir: string,
  ) {}

  static async open(chromium: BrowserType, executablePath: string, outDir: string, consoleLog: string) {
    const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // Extension-host console output (the suite's progress lines too) arrives as page console messages.
    page.on('console', (message) => appendFileSync(consoleLog, `[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) =>
      appendFileSync(consoleLog, `[pageerror] ${error.stack ?? error.message}\n`),
    );
    return new Workbench(browser, page, outDir);
  }

  /**
   * Signs in on code-server's login page, as a user would, so that the session cookie lets the
   * workbench (and its webviews) load. Throws with the page's own message when it refuses.
   */
  async login(serverUrl: string, password: string): Promise<void> {
    await this.page.goto(`${serverUrl}/login`);
    await this.page.locator('input[name="password"]').fill(password);
    await Promise.all([
      this.page
        .waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 20_000 })
        .catch(() => undefined),
      this.page.locator('input[type="submit"]').click(),
    ]);
    const cookies = await this.page.context().cookies(serverUrl);
    if (!cookies.some((c) => c.name === 'code-server-session')) {
      const said = await this.page
        .locator('.error')
        .innerText({ timeout: 1_000 })
        .catch(() => '');
      await this.screenshot('login failed').catch(() => undefined);
      throw new Error(
        `code-server's login page did not accept the session password${said ? `: ${said}` : ''}`,
      );
    }
  }

  /** Takes a screenshot named for the step; returns its path. */
  async screenshot(step: string): Promise<string> {
    this.shotCount += 1;
    const file = join(this.outDir, `${String(this.shotCount).padStart(2, '0')}-${slug(step)}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** The visible text of a region; for webviews, of every webview's page. */
  async regionText(region: Region): Promise<string> {
    if (region === 'webview') {
      // Webview content is two iframes deep: the host iframe, then the page in #active-frame.
      const hosts = this.page.locator('iframe.webview.ready');
      const texts: string[] = [];
      for (let i = 0; i < (await hosts.count()); i++) {
        const body = hosts.nth(i).contentFrame().locator('#active-frame').contentFrame().locator('body');
        texts.push(await body.innerText({ timeout: 2_000 }).catch(() => ''));
      }
      return texts.join('\n');
    }
    const texts = await this.page.locator(REGION_SELECTORS[region]).allInnerTexts();
    // Monaco renders spaces as no-break spaces.
    return texts.join('\n').replace(/\u00a0/g, ' ');
  }

  /** The page inside the visible webview (two iframes deep), or undefined when none shows. */
  private async visibleWebview(): Promise<FrameLocator | undefined> {
    const hosts = this.page.locator('iframe.webview.ready');
    for (let i = (await hosts.count()) - 1; i >= 0; i--) {
      if (await hosts.nth(i).isVisible())
        return hosts.nth(i).contentFrame().locator('#active-frame').contentFrame();
    }
    return undefined;
  }

  /** What the timeline page says it shows, through the inspection hook it exposes for tests. */
  private async inspectTimeline(): Promise<(TimelineView & { boxes: Box[] }) | undefined> {
    const frame = await this.visibleWebview();
    if (!frame) return undefined;
    return frame.locator('body').evaluate(() => {
      type Inspected = {
        lanes: { label: string }[];
        drawn: (Box & { kind: TimelineView['drawn'][number]['kind']; typeName: string; label: string })[];
        detailText: string;
      };
      const hook = (window as unknown as { __cinescopeTimeline?: { inspect(): Inspected } })
        .__cinescopeTimeline;
      if (!hook) return undefined;
      const i = hook.inspect();
      return {
        lanes: i.lanes.map((l) => l.label),
        drawn: i.drawn.map((d) => ({ kind: d.kind, typeName: d.typeName, label: d.label })),
        boxes: i.drawn.map((d) => ({ x: d.x, y: d.y, w: d.w, h: d.h })),
        detailText: i.detailText,
      };
    });
  }

  private async timeline(request: Extract<DriverRequest, { type: 'timeline' }>): Promise<DriverReply> {
    const end = Date.now() + (request.timeoutMs ?? 15_000);
    const until = request.until ?? {};
    const satisfied = (v: TimelineView) =>
      (until.lanes ?? []).every((l) => v.lanes.includes(l)) &&
      (until.kinds ?? []).every((k) => v.drawn.some((d) => d.kind === k)) &&
      (until.typeNames ?? []).every((t) => v.drawn.some((d) => d.typeName === t));
    let view = await this.inspectTimeline().catch(() => undefined);
    while (!(view && satisfied(view)) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 300));
      view = await this.inspectTimeline().catch(() => undefined);
    }
    if (!view) {
      return {
        type: 'error',
        message: 'no visible webview exposes the timeline (window.__cinescopeTimeline)',
        screenshot: await this.screenshot(request.step),
      };
    }
    const select = request.select;
    if (select) {
      const index = view.drawn.findIndex(
        (d) =>
          (!select.kind || d.kind === select.kind) && (!select.typeName || d.typeName === select.typeName),
      );
      if (index >= 0) {
        const box = view.boxes[index];
        const frame = await this.visibleWebview();
        // A user's click on the canvas, at the middle of what is drawn there.
        await frame
          ?.locator('canvas#timeline')
          .click({ position: { x: box.x + box.w / 2, y: box.y + box.h / 2 } });
        const before = view.detailText;
        while (Date.now() < end) {
          view = (await this.inspectTimeline().catch(() => undefined)) ?? view;
          if (view.detailText && view.detailText !== before) break;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }
    const { boxes: _boxes, ...seen } = view;
    return { type: 'timeline', view: seen, screenshot: await this.screenshot(request.step) };
  }

  async handle(request: DriverRequest): Promise<DriverReply> {
    switch (request.type) {
      case 'screenshot':
        return { type: 'seen', screenshot: await this.screenshot(request.step) };
      case 'look': {
        const end = Date.now() + (request.timeoutMs ?? 15_000);
        let text = '';
        let missing = request.contains;
        for (;;) {
          text = await this.regionText(request.region).catch(() => '');
          missing = request.contains.filter((s) => !text.includes(s));
          if (missing.length === 0 || Date.now() > end) break;
          await new Promise((r) => setTimeout(r, 300));
        }
        const screenshot = await this.screenshot(request.step);
        return missing.length ? { type: 'missing', missing, text, screenshot } : { type: 'seen', screenshot };
      }
      case 'click': {
        const scope =
          request.region === 'webview'
            ? this.page
                .locator('iframe.webview.ready')
                .last()
                .contentFrame()
                .locator('#active-frame')
                .contentFrame()
            : this.page.locator(REGION_SELECTORS[request.region]);
        await scope
          .locator(request.selector)
          .first()
          .click({ timeout: request.timeoutMs ?? 10_000 });
        return { type: 'seen', screenshot: await this.screenshot(request.step) };
      }
      case 'timeline':
        return this.timeline(request);
      case 'gutterMenu': {
        const editor = this.page
          .locator('.part.editor .editor-group-container.active .monaco-editor')
          .first();
        const lineNumber = editor.locator('.margin-view-overlays .line-numbers').filter({
          hasText: new RegExp(`^\\s*${request.line}\\s*$`),
        });
        await lineNumber.first().click({ button: 'right', timeout: 10_000 });
        const item = this.page.locator('.monaco-menu .action-item').filter({ hasText: request.item });
        await item.first().waitFor({ timeout: 10_000 });
        await this.screenshot(`${request.step} (menu)`);
        await item.first().click();
        if (request.gutterIcon && !(await this.waitForGutterIcon(editor, request.line, request.gutterIcon))) {
          return {
            type: 'error',
            message:
              `after "${request.item}", line ${request.line}'s gutter shows no ${request.gutterIcon}*.svg icon ` +
              '(the decoration did not render)',
            screenshot: await this.screenshot(`${request.step} (no gutter icon)`),
          };
        }
        return { type: 'seen', screenshot: await this.screenshot(request.step) };
      }
    }
  }

  /**
   * Waits (up to 10 s) until line `line` of `editor` shows a gutter icon drawn from an image whose
   * file name starts with `icon`, and that image has loaded. VS Code gives a decoration type a
   * generated class (`ced-…`) whose CSS rule holds `gutterIconPath` as a background image; that
   * image is what ties the element to the extension's decoration, and its vertical middle lying on
   * the line's number ties it to the line. Loading the image too (as the page would) proves the
   * icon is served, and lets the screenshot taken next show it.
   */
  private async waitForGutterIcon(editor: Locator, line: number, icon: string): Promise<boolean> {
    const end = Date.now() + 10_000;
    for (;;) {
      const found = await editor
        .evaluate(
          async (root, { line, icon }) => {
            const number = Array.from(root.querySelectorAll('.margin-view-overlays .line-numbers')).find(
              (e) => e.textContent?.trim() === String(line),
            );
            if (!number) return false;
            const row = number.getBoundingClientRect();
            const image = new RegExp(`url\\("?([^")]*(?:/|%2F)${icon}[\\w-]*\\.svg[^")]*)"?\\)`, 'i');
            const url = Array.from(root.querySelectorAll('.margin *'))
              .filter((e) => {
                const box = e.getBoundingClientRect();
                const middle = box.top + box.height / 2;
                return box.width > 0 && box.height > 0 && middle >= row.top && middle <= row.bottom;
              })
              .map((e) => image.exec(getComputedStyle(e).backgroundImage)?.[1])
              .find((u) => u !== undefined);
            if (!url) return false;
            const loaded = await new Promise<boolean>((resolve) => {
              const img = new Image();
              img.onload = () => resolve(img.naturalWidth > 0);
              img.onerror = () => resolve(false);
              img.src = url;
            });
            // Two frames, so that the background is painted before the screenshot.
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
            return loaded;
          },
          { line, icon },
        )
        .catch(() => false);
      if (found || Date.now() > end) return found;
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  /** Serves the suite's requests at `http://127.0.0.1:PORT/TOKEN`; returns that URL. */
  async serveDriver(): Promise<string> {
    const token = randomBytes(16).toString('hex');
    this.server = createServer((req, res) => {
      if (req.method !== 'POST' || req.url !== `/${token}`) {
        res.writeHead(404).end();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          let reply: DriverReply;
          try {
            reply = await this.handle(JSON.parse(Buffer.concat(chunks).toString('utf8')) as DriverRequest);
          } catch (error) {
            const screenshot = await this.screenshot('driver error').catch(() => undefined);
            reply = { type: 'error', message: (error as Error).message, screenshot };
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
        })();
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('the driver endpoint has no port');
    return `http://127.0.0.1:${address.port}/${token}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    this.server?.close();
    await Promise.race([this.browser.close(), new Promise((r) => setTimeout(r, 10_000))]);
  }
}
