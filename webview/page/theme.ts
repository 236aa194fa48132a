/**
 * Colours for the canvas, read from the page's CSS custom properties, which take VS Code's
 * `--vscode-*` theme variables when they exist and plain fallbacks in a browser (timeline.css).
 */
export interface Theme {
  fg: string;
  muted: string;
  bg: string;
  grid: string;
  laneAlt: string;
  call: string;
  error: string;
  message: string;
  state: string;
  lifecycle: string;
  mark: string;
  tracePoint: string;
  select: string;
  cursor: string;
  font: string;
  dark: boolean;
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const bg = v('--cs-bg', '#ffffff');
  return {
    fg: v('--cs-fg', '#1f2328'),
    muted: v('--cs-muted', '#6e7781'),
    bg,
    grid: v('--cs-grid', 'rgba(128,128,128,0.18)'),
    laneAlt: v('--cs-lane-alt', 'rgba(128,128,128,0.06)'),
    call: v('--cs-call', '#3b82f6'),
    error: v('--cs-error', '#e5484d'),
    message: v('--cs-message', '#0ea5e9'),
    state: v('--cs-state', '#a855f7'),
    lifecycle: v('--cs-lifecycle', '#22a06b'),
    mark: v('--cs-mark', '#d97706'),
    tracePoint: v('--cs-trace', '#f59e0b'),
    select: v('--cs-select', '#f5a623'),
    cursor: v('--cs-cursor', '#e5484d'),
    font: `${v('--cs-font-size', '12px')} ${v('--cs-font', 'system-ui, sans-serif')}`,
    dark: isDark(bg),
  };
}

function isDark(color: string): boolean {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color) ?? /^#(..)(..)(..)/.exec(color);
  if (!m) return false;
  const [r, g, b] = m
    .slice(1, 4)
    .map((x) => (x.length === 2 && color.startsWith('#') ? parseInt(x, 16) : Number(x)));
  return r * 0.299 + g * 0.587 + b * 0.114 < 128;
}

/** A stable colour per function name, so the same function looks the same everywhere. */
export function nameColor(name: string, dark: boolean): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  const hue = ((h % 360) + 360) % 360;
  return dark ? `hsl(${hue} 45% 38%)` : `hsl(${hue} 65% 78%)`;
}

/** Colours of lanes in the metric charts. */
export const LANE_COLORS = [
  '#3b82f6',
  '#e5484d',
  '#22a06b',
  '#d97706',
  '#a855f7',
  '#0ea5e9',
  '#db2777',
  '#65a30d',
];
