/** Entry of the page bundle (dist/webview/timeline.js): connect to the host and start the timeline. */
import { App } from './app';
import { Client } from './client';
import { exposeInspection } from './inspection';
import { connect } from './transport';

const root = document.getElementById('app')!;
try {
  const transport = connect();
  const app = new App(
    new Client(transport),
    transport,
    root,
    typeof (globalThis as { acquireVsCodeApi?: unknown }).acquireVsCodeApi === 'function',
  );
  exposeInspection(app);
  void app.start();
} catch (e) {
  document.body.dataset.state = 'error';
  root.textContent = `The timeline could not start: ${(e as Error).message}`;
}
