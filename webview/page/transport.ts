/**
 * How the page reaches its host: VS Code's webview messaging when the page runs in a panel, a
 * WebSocket to the `cinescope view` server (with the session's token) in a browser.
 */
import type { HostMessage, PageMessage } from '../protocol';

export interface Transport {
  send(message: PageMessage): void;
  onMessage(listener: (message: HostMessage) => void): void;
  /** Called once with a sentence when the host can no longer be reached. */
  onClosed(listener: (reason: string) => void): void;
  /** Small state kept while the panel is hidden (VS Code only). */
  getState(): unknown;
  setState(state: unknown): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

export function connect(): Transport {
  if (typeof acquireVsCodeApi === 'function') return vscodeTransport(acquireVsCodeApi());
  return socketTransport();
}

function vscodeTransport(api: VsCodeApi): Transport {
  return {
    send: (m) => api.postMessage(m),
    onMessage: (listener) =>
      window.addEventListener('message', (e: MessageEvent) => listener(e.data as HostMessage)),
    onClosed: () => undefined,
    getState: () => api.getState(),
    setState: (s) => api.setState(s),
  };
}

function socketTransport(): Transport {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const socket = new WebSocket(
    `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`,
  );
  const queue: PageMessage[] = [];
  const listeners: Array<(m: HostMessage) => void> = [];
  const closed: Array<(reason: string) => void> = [];
  socket.addEventListener('open', () => queue.splice(0).forEach((m) => socket.send(JSON.stringify(m))));
  socket.addEventListener('message', (e) => {
    const message = JSON.parse(String(e.data)) as HostMessage;
    listeners.forEach((l) => l(message));
  });
  socket.addEventListener('close', () =>
    closed.forEach((l) => l('The connection to `cinescope view` closed: restart it and open its new link.')),
  );
  return {
    send: (m) => (socket.readyState === WebSocket.OPEN ? socket.send(JSON.stringify(m)) : queue.push(m)),
    onMessage: (l) => listeners.push(l),
    onClosed: (l) => closed.push(l),
    ...tabState(),
  };
}

/**
 * The page's state in the tab's sessionStorage, as VS Code keeps a webview's: reloading the tab
 * shows the same view. Each `cinescope view` serves on a port of its own, so another server (an
 * origin of its own) starts afresh. Without storage (disabled, full), the state lives as long as
 * the page.
 */
function tabState(): Pick<Transport, 'getState' | 'setState'> {
  const KEY = 'cinescope.timeline';
  let state: unknown;
  return {
    getState: () => {
      try {
        const raw = window.sessionStorage.getItem(KEY);
        if (raw !== null) return JSON.parse(raw) as unknown;
      } catch {
        // Fall back to the copy in memory.
      }
      return state;
    },
    setState: (s) => {
      state = s;
      try {
        if (s === undefined) window.sessionStorage.removeItem(KEY);
        else window.sessionStorage.setItem(KEY, JSON.stringify(s));
      } catch {
        // Kept in memory only.
      }
    },
  };
}
