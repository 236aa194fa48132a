/** Entry of the page bundle (dist/webview/timeline.js): connect to the host and start the timeline. */
import { App } from './app';
import type { Inspection } from './app';
import { Client } from './client';
import { connect } from './transport';

declare global {
  interface Window {
    /** The page's inspection hooks, for tests and the benchmark: what is drawn, and a few actions. */
    __cinescopeTimeline?: {
      inspect(): Inspection;
      app: App;
    };
  }
}

const root = document.getElementById('app')!;
try {
  const transport = connect();
  const app = new App(
    new Client(transport),
    transport,
    root,
    typeof (globalThis as { acquireVsCodeApi?: unknown }).acquireVsCodeApi === 'function',
  );
  window.__cinescopeTimeline = { inspect: () => app.inspect(), app };
  void app.start();
} catch (e) {
  document.body.dataset.state = 'error';
  root.textContent = `The timeline could not start: ${(e as Error).message}`;
}
