/**
 * The suite's side of the driver protocol: asks the harness, which holds the browser, to look at
 * the page. A `missing` reply becomes an error that says what was on screen instead. Without a
 * harness (a desktop VS Code from `npm run test:electron`) looks are skipped and noted, and what
 * cannot be done without the page fails with a sentence saying so.
 */
import type { DriverReply, DriverRequest, Region, TimelineView } from './driverProtocol';

export class Driver {
  /** Screenshots taken since the last `takeShots()`. */
  private shots: string[] = [];

  /** Page checks skipped since the last `takeNotes()`. */
  private notes: string[] = [];

  constructor(private readonly url: string) {}

  /** Whether a harness holds the page (false under `npm run test:electron`). */
  get drivesPage(): boolean {
    return this.url !== '';
  }

  takeNotes(): string[] {
    const notes = this.notes;
    this.notes = [];
    return notes;
  }

  /** Waits until every string shows in the region (the harness polls), then screenshots it. */
  async look(step: string, region: Region, contains: string[], timeoutMs = 15_000): Promise<void> {
    const reply = await this.send({ type: 'look', step, region, contains, timeoutMs });
    if (reply.type === 'missing') {
      throw new Error(
        `the ${region} does not show ${reply.missing.map((m) => JSON.stringify(m)).join(', ')}; ` +
          `it shows: ${JSON.stringify(reply.text.slice(0, 600))}`,
      );
    }
  }

  async screenshot(step: string): Promise<void> {
    await this.send({ type: 'screenshot', step });
  }

  async click(step: string, region: Region, selector: string): Promise<void> {
    await this.send({ type: 'click', step, region, selector });
  }

  /**
   * Right-clicks line `line` (1-based) in the active editor's gutter and picks `item` from the menu;
   * with `gutterIcon`, fails unless the line's gutter then shows an icon of that name.
   */
  async gutterMenu(step: string, line: number, item: string, gutterIcon?: string): Promise<void> {
    await this.send({ type: 'gutterMenu', step, line, item, gutterIcon });
  }

  /** Reads the visible timeline once it shows what `until` asks for (or the timeout passed). */
  async timeline(
    step: string,
    until: Extract<DriverRequest, { type: 'timeline' }>['until'],
    select?: Extract<DriverRequest, { type: 'timeline' }>['select'],
  ): Promise<TimelineView> {
    const reply = await this.send({ type: 'timeline', step, until, select, timeoutMs: 20_000 });
    if (reply.type !== 'timeline')
      throw new Error(`the harness answered ${reply.type} to a timeline request`);
    return reply.view;
  }

  takeShots(): string[] {
    const shots = this.shots;
    this.shots = [];
    return shots;
  }

  private async send(request: DriverRequest): Promise<DriverReply> {
    if (!this.drivesPage) {
      if (request.type === 'screenshot') return { type: 'seen', screenshot: '' };
      if (request.type === 'look') {
        this.notes.push(`page not checked for ${request.contains.map((c) => JSON.stringify(c)).join(', ')}`);
        return { type: 'seen', screenshot: '' };
      }
      throw new Error(
        `"${request.step}" reads the page: run it with npm run test:e2e (code-server and Chromium)`,
      );
    }
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    const reply = (await response.json()) as DriverReply;
    if (reply.screenshot) this.shots.push(reply.screenshot);
    if (reply.type === 'error') throw new Error(`the harness could not ${request.type}: ${reply.message}`);
    return reply;
  }
}
