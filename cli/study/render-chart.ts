/** The study's price chart: the price line with each top move marked, as SVG (or PNG through sharp). */
import { writeFileSync } from 'node:fs';
import { AppError } from '../../shared/errors.ts';
import { DAY, type StudyReport } from './types.ts';
import { toIso, toIsoDay } from '../../shared/contracts/time.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** The price line with a numbered marker at each top headline (green bullish, red bearish, grey neutral) and a legend. */
export function renderChartSvg(r: Pick<StudyReport, 'series' | 'markers' | 'symbol' | 'horizon'>): string {
  const W = 1200;
  const plotH = 420;
  const m = { l: 70, r: 30, t: 50, b: 50 };
  const legendH = 22 * r.markers.length + 20;
  const H = m.t + plotH + m.b + legendH;
  const pts = r.series;
  const ts = [...pts.map((p) => p.t), ...r.markers.map((k) => k.t)];
  const ps = [...pts.map((p) => p.close), ...r.markers.map((k) => k.price)].filter(Number.isFinite);
  if (ts.length === 0) ts.push(0);
  if (ps.length === 0) ps.push(0);
  const t0 = Math.min(...ts);
  const t1 = Math.max(...ts) > t0 ? Math.max(...ts) : t0 + DAY;
  let p0 = Math.min(...ps);
  let p1 = Math.max(...ps);
  if (!(p1 > p0)) {
    p0 -= 1;
    p1 += 1;
  }
  const pad = (p1 - p0) * 0.05;
  p0 -= pad;
  p1 += pad;
  const x = (t: number) => m.l + ((t - t0) / (t1 - t0)) * (W - m.l - m.r);
  const y = (p: number) => m.t + (1 - (p - p0) / (p1 - p0)) * plotH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${m.l}" y="28" font-size="18" font-weight="bold" fill="#222">${esc(`${r.symbol}: the ${r.markers.length} largest price moves after headlines, by |z| at +${r.horizon}`)}</text>`);
  const step = niceStep(p1 - p0, 6);
  for (let p = Math.ceil(p0 / step) * step; p <= p1; p += step) {
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(p).toFixed(1)}" y2="${y(p).toFixed(1)}" stroke="#e6e6e6"/>`);
    out.push(`<text x="${m.l - 8}" y="${(y(p) + 4).toFixed(1)}" font-size="12" text-anchor="end" fill="#555">${p.toFixed(step < 1 ? 2 : 0)}</text>`);
  }
  const spanDays = (t1 - t0) / DAY;
  const tickMs = spanDays > 400 ? 90 * DAY : spanDays > 60 ? 30 * DAY : spanDays > 10 ? 7 * DAY : spanDays > 2 ? DAY : 3_600_000;
  const label = (t: number) => (tickMs >= 30 * DAY ? toIso(t).slice(0, 7) : tickMs >= DAY ? toIsoDay(t) : toIso(t).slice(11, 16));
  const firstTick = tickMs >= 30 * DAY ? Date.UTC(new Date(t0).getUTCFullYear(), new Date(t0).getUTCMonth() + 1, 1) : Math.ceil(t0 / tickMs) * tickMs;
  for (let t = firstTick; t <= t1; ) {
    out.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${m.t}" y2="${m.t + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${x(t).toFixed(1)}" y="${m.t + plotH + 18}" font-size="12" text-anchor="middle" fill="#555">${label(t)}</text>`);
    if (tickMs >= 30 * DAY) {
      const d = new Date(t);
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + (tickMs >= 90 * DAY ? 3 : 1), 1);
    } else t += tickMs;
  }
  out.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${plotH}" fill="none" stroke="#999"/>`);
  if (pts.length > 1) out.push(`<polyline fill="none" stroke="#1f4e79" stroke-width="1.5" points="${pts.map((p) => `${x(p.t).toFixed(1)},${y(p.close).toFixed(1)}`).join(' ')}"/>`);
  const colour = (d: string) => (d === 'bullish' ? '#1a9641' : d === 'bearish' ? '#d7191c' : '#777777');
  r.markers.forEach((k, i) => {
    const cx = x(k.t).toFixed(1);
    const cy = y(Number.isFinite(k.price) ? k.price : p0 + (p1 - p0) / 2).toFixed(1);
    out.push(
      `<g><title>${esc(`${k.date} ${k.headline} (${k.return_bps.toFixed(1)} bps, z ${k.z.toFixed(2)})`)}</title>` +
        `<line x1="${cx}" x2="${cx}" y1="${m.t}" y2="${m.t + plotH}" stroke="${colour(k.oil_direction)}" stroke-opacity="0.35" stroke-dasharray="3,3"/>` +
        `<circle cx="${cx}" cy="${cy}" r="9" fill="${colour(k.oil_direction)}" stroke="#fff" stroke-width="1.5"/>` +
        `<text x="${cx}" y="${(Number(cy) + 4).toFixed(1)}" font-size="10" font-weight="bold" text-anchor="middle" fill="#fff">${i + 1}</text></g>`,
    );
  });
  r.markers.forEach((k, i) => {
    const ly = m.t + plotH + m.b + 10 + i * 22;
    const text = `${i + 1}. ${k.date}  ${k.return_bps >= 0 ? '+' : ''}${k.return_bps.toFixed(1)} bps  z ${k.z.toFixed(2)}  ${k.headline}${k.others ? ` (+${k.others} more)` : ''}`;
    out.push(`<circle cx="${m.l + 6}" cy="${ly - 4}" r="6" fill="${colour(k.oil_direction)}"/>`);
    out.push(`<text x="${m.l + 18}" y="${ly}" font-size="13" fill="#222">${esc(text.length > 150 ? text.slice(0, 149) + '…' : text)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

export async function writeChart(file: string, svg: string): Promise<void> {
  if (/\.png$/i.test(file)) {
    const { default: sharp } = await import('sharp');
    await sharp(Buffer.from(svg), { density: 96 }).png().toFile(file);
  } else if (/\.svg$/i.test(file)) writeFileSync(file, svg);
  else throw new AppError('INPUT_INVALID', `--chart file must end in .svg or .png, got ${file}`);
}
