// A small self-contained SVG: one horizontal bar per row (the mean) with its
// 95% confidence interval as a whisker. Used by docs/answers.md, one plot
// per section; no script, no external font, so it renders as an <img>.

import type { ConfidenceInterval } from '../metrics/stats.js';

export interface CiBar {
  label: string;
  ci: ConfidenceInterval;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** Bars of `rows` on a shared axis from 0 to the largest upper bound; `title` names the metric and unit. */
export function ciBarsSvg(title: string, rows: readonly CiBar[]): string {
  const labelW = 250;
  const plotW = 380;
  const rowH = 24;
  const top = 30;
  const h = top + rows.length * rowH + 24;
  const w = labelW + plotW + 70;
  const finite = rows.flatMap((r) => [r.ci.mean, Number.isFinite(r.ci.hi) ? r.ci.hi : r.ci.mean]).filter(Number.isFinite);
  const max = Math.max(1e-9, ...finite);
  const min = Math.min(0, ...rows.flatMap((r) => [r.ci.mean, Number.isFinite(r.ci.lo) ? r.ci.lo : r.ci.mean]).filter(Number.isFinite));
  const x = (v: number) => labelW + ((v - min) / (max - min)) * plotW;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${w}" height="${h}" fill="white"/>`);
  out.push(`<text x="8" y="18" font-weight="bold">${esc(title)} (mean, 95% CI)</text>`);
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const m = Number.isFinite(r.ci.mean) ? r.ci.mean : 0;
    out.push(`<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${esc(r.label)}</text>`);
    out.push(`<rect x="${x(Math.min(0, m))}" y="${y + 4}" width="${Math.max(0.5, Math.abs(x(m) - x(0)))}" height="${rowH - 8}" fill="#4a7ab5"/>`);
    if (Number.isFinite(r.ci.halfWidth)) {
      const lo = x(r.ci.lo),
        hi = x(r.ci.hi),
        cy = y + rowH / 2;
      out.push(`<path d="M${lo} ${cy}H${hi}M${lo} ${cy - 5}V${cy + 5}M${hi} ${cy - 5}V${cy + 5}" stroke="#222" stroke-width="1.2"/>`);
    }
    out.push(`<text x="${Math.max(x(m), Number.isFinite(r.ci.hi) ? x(r.ci.hi) : x(m)) + 5}" y="${y + 15}">${fmt(r.ci.mean)}</text>`);
  });
  const axisY = top + rows.length * rowH + 4;
  out.push(`<path d="M${x(min)} ${axisY}H${x(max)}" stroke="#888"/>`);
  out.push(`<text x="${x(min)}" y="${axisY + 14}" fill="#555">${fmt(min)}</text>`);
  out.push(`<text x="${x(max)}" y="${axisY + 14}" fill="#555" text-anchor="end">${fmt(max)}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
