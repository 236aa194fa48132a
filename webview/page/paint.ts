/** Small drawing helpers of the timeline canvas: lines, labels that fit, glyphs, highlights. */
import type { Theme } from './theme';

export function line(ctx: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number): void {
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
  ctx.stroke();
}

export function label(
  ctx: CanvasRenderingContext2D,
  text: string,
  y: number,
  h: number,
  color: string,
  indent: number,
  columnW: number,
): void {
  ctx.fillStyle = color;
  ctx.textAlign = 'left';
  ctx.fillText(fit(ctx, text, columnW - indent - 6), indent, y + h / 2);
}

function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (width <= 8) return '';
  if (ctx.measureText(text).width <= width) return text;
  let n = text.length;
  while (n > 1 && ctx.measureText(`${text.slice(0, n)}…`).width > width) n = Math.floor(n * 0.8);
  return `${text.slice(0, n)}…`;
}

export function fitWidth(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  const per = ctx.measureText('m').width * 0.8;
  const n = Math.floor(width / per) - 1;
  return n <= 0 ? '' : `${text.slice(0, n)}…`;
}

export function highlight(
  ctx: CanvasRenderingContext2D,
  hx: number,
  hy: number,
  w: number,
  h: number,
  t: Theme,
): void {
  ctx.strokeStyle = t.select;
  ctx.lineWidth = 2;
  ctx.strokeRect(hx, hy, w, h);
  ctx.lineWidth = 1;
}

export type Glyph = 'spawn' | 'start' | 'exit' | 'diamond' | 'dot' | 'up' | 'down' | 'cross';

export function glyph(
  ctx: CanvasRenderingContext2D,
  g: Glyph,
  gx: number,
  cy: number,
  color: string,
  size = 5,
): void {
  ctx.fillStyle = color;
  ctx.strokeStyle = color;
  ctx.beginPath();
  switch (g) {
    case 'spawn':
      ctx.moveTo(gx, cy - size);
      ctx.lineTo(gx + size, cy + size);
      ctx.lineTo(gx - size, cy + size);
      break;
    case 'start':
      ctx.moveTo(gx, cy - size);
      ctx.lineTo(gx + size * 1.4, cy);
      ctx.lineTo(gx, cy + size);
      break;
    case 'exit':
      ctx.rect(gx - size + 1, cy - size + 1, 2 * size - 2, 2 * size - 2);
      break;
    case 'diamond':
      ctx.moveTo(gx, cy - size - 1);
      ctx.lineTo(gx + size, cy);
      ctx.lineTo(gx, cy + size + 1);
      ctx.lineTo(gx - size, cy);
      break;
    case 'dot':
      ctx.arc(gx, cy, size - 1, 0, Math.PI * 2);
      break;
    case 'up':
      ctx.rect(gx - 1, cy - size - 2, 2, size + 2);
      break;
    case 'down':
      ctx.rect(gx - 1, cy, 2, size + 2);
      break;
    case 'cross':
      ctx.lineWidth = 2;
      ctx.moveTo(gx - size, cy - size);
      ctx.lineTo(gx + size, cy + size);
      ctx.moveTo(gx + size, cy - size);
      ctx.lineTo(gx - size, cy + size);
      ctx.stroke();
      ctx.lineWidth = 1;
      return;
  }
  ctx.closePath();
  ctx.fill();
}
