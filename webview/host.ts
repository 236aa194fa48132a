/**
 * The host side of the timeline page, for any host: the VS Code panel and `cinescope view`.
 *
 * How a host wires it:
 *  1. Open the trace: `const source = await TimelineDataSource.open(file)` (or `new
 *     TimelineDataSource(db, { live: true })` for a TraceDb that is still being recorded).
 *  2. Serve `dist/webview/` (TIMELINE_SCRIPT, TIMELINE_STYLE) and set the page's HTML to
 *     `timelineHtml({ scriptUri, styleUri, cspSource, nonce, title })` with a fresh nonce.
 *  3. For every message from the page: `if (msg.type === 'request') post(await source.handle(msg))`;
 *     `openSource` messages ask the host to open `file` at `line`/`column` (1-based).
 *  4. When a live trace grows, post `{ type: 'traceChanged' }`; the page asks again.
 *  5. `source.dispose()` when the panel closes (closes the TraceDb it opened).
 * No VS Code import here: the extension passes webview.cspSource and asWebviewUri() strings.
 */
import { TraceError } from '../tracedb/errors';
import { TraceDb } from '../tracedb/traceDb';
import { eventDetail, neighbor, search, stateTimeline } from '../tracedb/timelineDetail';
import { metrics } from '../tracedb/timelineMetrics';
import { generation, overview } from '../tracedb/timelineOverview';
import { TimelineWindows } from '../tracedb/timelineWindow';
import type { HostMessage, Overview, PageMessage, TimelineQuery, TimelineResult } from './protocol';
import { PROTOCOL_VERSION } from './protocol';

/** File names of the page bundle under dist/webview/. */
export const TIMELINE_SCRIPT = 'timeline.js';
export const TIMELINE_STYLE = 'timeline.css';
/** Codicons (from @vscode/codicons), beside the page's style: the style sheet and the font it loads. */
export const CODICON_STYLE = 'codicon.css';
export const CODICON_FONT = 'codicon.ttf';
export const TIMELINE_DIST_DIR = 'dist/webview';

export interface TimelineHtmlOptions {
  scriptUri: string;
  styleUri: string;
  /**
   * The codicon style sheet; by default the styleUri with TIMELINE_STYLE replaced by CODICON_STYLE
   * (both live in dist/webview, so any host that serves one serves the other beside it).
   */
  codiconUri?: string;
  /** Origin(s) allowed for the style sheet: webview.cspSource in VS Code, the server's origin in a browser. */
  cspSource: string;
  /** A fresh random value per page load: only the script carrying it runs. */
  nonce: string;
  title: string;
  /** Where the page may connect to (the view server's WebSocket); none in VS Code. */
  connectSrc?: string;
}

/**
 * The page's HTML with a strict Content-Security-Policy: nothing loads but the nonce'd script, our
 * style sheets and the codicon font, all from `cspSource`; no inline style or script.
 */
export function timelineHtml(o: TimelineHtmlOptions): string {
  const codiconUri = o.codiconUri ?? siblingUri(o.styleUri, TIMELINE_STYLE, CODICON_STYLE);
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    `style-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
    ...(o.connectSrc ? [`connect-src ${o.connectSrc}`] : []),
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeHtml(codiconUri)}">
<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">
<title>${escapeHtml(o.title)}</title>
</head>
<body data-state="loading">
<div id="app"><p class="status" role="status">Loading the timeline…</p></div>
<script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}

/** Answers the page's requests from one TraceDb, or with the sentence that says why the trace did not open. */
export class TimelineDataSource {
  private readonly windows: TimelineWindows | undefined;
  private cached: { generation: string; overview: Overview } | undefined;
  private readonly failure: TraceError | undefined;

  constructor(
    private readonly db: TraceDb | TraceError,
    private readonly options: { live?: boolean; ownsDb?: boolean } = {},
  ) {
    if (db instanceof TraceError) this.failure = db;
    else this.windows = new TimelineWindows(db);
  }

  /** Opens a trace file; a file that is not a readable trace gives a source whose every answer is that error. */
  static async open(file: string): Promise<TimelineDataSource> {
    try {
      return new TimelineDataSource(await TraceDb.open(file), { ownsDb: true });
    } catch (e) {
      if (e instanceof TraceError) return new TimelineDataSource(e);
      throw e;
    }
  }

  /** Why the trace could not be opened, when it could not. */
  get error(): TraceError | undefined {
    return this.failure;
  }

  /** One response or error for one request; never throws. */
  async handle(message: Extract<PageMessage, { type: 'request' }>): Promise<HostMessage> {
    try {
      if (this.failure) throw this.failure;
      return { type: 'response', id: message.id, result: this.answer(message.query) };
    } catch (e) {
      if (e instanceof TraceError) return { type: 'error', id: message.id, code: e.code, message: e.message };
      const text = e instanceof Error ? e.message : String(e);
      return {
        type: 'error',
        id: message.id,
        code: 'internal',
        message: `The timeline could not read the trace: ${text}`,
      };
    }
  }

  dispose(): void {
    if (this.options.ownsDb && !(this.db instanceof TraceError)) this.db.close();
  }

  private answer(q: TimelineQuery): TimelineResult {
    const db = this.db as TraceDb;
    switch (q.type) {
      case 'overview':
        return { type: 'overview', overview: this.overview() };
      case 'window': {
        const o = this.overview();
        const window = this.windows!.window(
          o.lanes,
          o,
          this.cached!.generation,
          num(q.fromTs),
          num(q.toTs),
          num(q.buckets),
        );
        return { type: 'window', window };
      }
      case 'metrics':
        return {
          type: 'metrics',
          metrics: metrics(db, this.overview().lanes, num(q.fromTs), num(q.toTs), num(q.buckets)),
        };
      case 'event': {
        const detail = eventDetail(db, num(q.eventId));
        if (!detail) throw new TraceError('bad-query', `The trace has no event ${q.eventId}.`);
        return { type: 'event', detail };
      }
      case 'neighbor':
        return {
          type: 'neighbor',
          event: neighbor(db, num(q.eventId), q.direction === 'prev' ? 'prev' : 'next'),
        };
      case 'stateTimeline':
        return {
          type: 'stateTimeline',
          timeline: stateTimeline(db, num(q.pid), num(q.tid), num(q.objectId)),
        };
      case 'search':
        return { type: 'search', ...search(db, String(q.text), num(q.limit)) };
      default:
        throw new TraceError(
          'bad-query',
          `The timeline does not know the request ${(q as { type: unknown }).type}.`,
        );
    }
  }

  /** Bounds and lanes, read again whenever the trace has grown (a live trace keeps growing). */
  private overview(): Overview {
    const db = this.db as TraceDb;
    const now = generation(db);
    if (this.cached?.generation !== now)
      this.cached = {
        generation: now,
        overview: { protocol: PROTOCOL_VERSION, ...overview(db, !!this.options.live) },
      };
    return this.cached.overview;
  }
}

/** A number from the page, which is not trusted to send one. */
function num(v: unknown): number {
  const n = Number(v);
  if (!Number.isFinite(n))
    throw new TraceError('bad-query', `The timeline sent ${String(v)} where a number belongs.`);
  return n;
}

/** `uri` with its last path segment `from` replaced by `to`, its query kept. */
function siblingUri(uri: string, from: string, to: string): string {
  const at = uri.lastIndexOf(`/${from}`);
  if (at < 0) throw new Error(`The timeline's style URI ${uri} does not end in ${from}.`);
  return `${uri.slice(0, at)}/${to}${uri.slice(at + from.length + 1)}`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
