// SPDX-License-Identifier: GPL-2.0
// Small SVG line/area charts and a canvas heatmap.  The element sizes come
// from CSS; a chart's plot is redrawn on every update (at one point per
// second and a 10-minute window, well under a millisecond each) inside an
// <svg>, crosshair and tooltip that stay.

import { fmtClock, fmtDurShort, escapeHtml } from './format.js';

const SVGNS = 'http://www.w3.org/2000/svg';
const M = { l: 56, r: 12, t: 10, b: 22 };

export const PALETTE = ['#4c9aff', '#f5a524', '#3ccf91', '#e5534b', '#b07cff',
	'#29c7d9', '#f06dae', '#a3b340', '#8c96a8', '#ff8e5c'];

function niceStep(span, n) {
	const raw = span / n;
	const p = 10 ** Math.floor(Math.log10(raw));
	const f = raw / p;
	return p * (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10);
}

function timeTicks(t0, t1) {
	const span = (t1 - t0) / 1000;
	const steps = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
	const step = (steps.find((s) => span / s <= 6) || 3600) * 1000;
	const out = [];
	for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) out.push(t);
	return out;
}

// The parts of a chart that outlive an update: the <svg>, its plot group,
// the crosshair, the tooltip and where the mouse stands.  Charts update in
// place, so a tooltip the user is reading stays up through the 1 s
// refresh (its values follow the new data) until the mouse leaves.
function chartFrame(el) {
	if (el._chart) return el._chart;
	el.innerHTML = `<svg xmlns="${SVGNS}" role="img"><g class="plot"></g>` +
		'<line class="cursor" x1="0" x2="0" visibility="hidden"/></svg><div class="tip" hidden></div>';
	const c = {
		svg: el.querySelector('svg'), plot: el.querySelector('.plot'),
		cursor: el.querySelector('.cursor'), tip: el.querySelector('.tip'),
		hoverX: null, view: null,
	};
	c.svg.addEventListener('mousemove', (ev) => {
		c.hoverX = ev.clientX - c.svg.getBoundingClientRect().left;
		showTip(c);
	});
	c.svg.addEventListener('mouseleave', () => {
		c.hoverX = null;
		c.cursor.setAttribute('visibility', 'hidden');
		c.tip.hidden = true;
		delete el.dataset.hover;
	});
	el._chart = c;
	return c;
}

// opts: { series: [{name, color, points: [[tMs, v|null]...], dash, fill}],
//         t0, t1, yFmt, log, stacked, yMin, empty }
export function lineChart(el, opts) {
	const w = Math.max(200, el.clientWidth || 400);
	const h = Math.max(120, el.clientHeight || 180);
	const pw = w - M.l - M.r, ph = h - M.t - M.b;
	const { t0, t1 } = opts;
	const series = opts.series.filter((s) => s.points.length);

	let stackBase = null;
	if (opts.stacked) {
		stackBase = new Map();
		for (const s of series) {
			s.stack = s.points.map(([t, v]) => {
				const b = stackBase.get(t) || 0;
				const top = b + (v || 0);
				stackBase.set(t, top);
				return [t, b, top];
			});
		}
	}
	let lo = Infinity, hi = -Infinity;
	for (const s of series) {
		for (const p of opts.stacked ? s.stack.map((q) => [q[0], q[2]]) : s.points) {
			const v = p[1];
			if (v == null || (opts.log && v <= 0)) continue;
			lo = Math.min(lo, v);
			hi = Math.max(hi, v);
		}
	}
	const hasData = hi > -Infinity;
	let ticks, y;
	if (opts.log) {
		if (!hasData) { lo = 1e3; hi = 1e6; }
		const e0 = Math.floor(Math.log10(lo)), e1 = Math.max(e0 + 1, Math.ceil(Math.log10(hi)));
		ticks = [];
		for (let e = e0; e <= e1; e++) ticks.push(10 ** e);
		y = (v) => M.t + ph - ((Math.log10(Math.max(v, 10 ** e0)) - e0) / (e1 - e0)) * ph;
	} else {
		lo = opts.yMin ?? 0;
		if (!hasData || hi <= lo) hi = lo + 1;
		const step = niceStep(hi - lo, 4);
		hi = Math.ceil(hi / step) * step;
		ticks = [];
		for (let v = lo; v <= hi + step / 2; v += step) ticks.push(v);
		y = (v) => M.t + ph - ((v - lo) / (hi - lo)) * ph;
	}
	const x = (t) => M.l + ((t - t0) / Math.max(1, t1 - t0)) * pw;

	// The plot area, marked so that tests can check nothing covers it.
	const parts = [`<rect class="plotarea" x="${M.l}" y="${M.t}" width="${pw}" height="${ph}" fill="none"/>`];
	for (const v of ticks) {
		const yy = y(v).toFixed(1);
		parts.push(`<line class="grid" x1="${M.l}" x2="${w - M.r}" y1="${yy}" y2="${yy}"/>`);
		parts.push(`<text class="axis" x="${M.l - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${escapeHtml(opts.yFmt(v))}</text>`);
	}
	for (const t of timeTicks(t0, t1)) {
		const xx = x(t).toFixed(1);
		parts.push(`<line class="grid" x1="${xx}" x2="${xx}" y1="${M.t}" y2="${M.t + ph}"/>`);
		parts.push(`<text class="axis" x="${xx}" y="${h - 6}" text-anchor="middle">${fmtClock(t)}</text>`);
	}
	for (const s of series) {
		let d = '', pen = false;
		if (opts.stacked) {
			const top = s.stack.map(([t, , v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`);
			const bot = s.stack.slice().reverse().map(([t, b]) => `${x(t).toFixed(1)},${y(b).toFixed(1)}`);
			parts.push(`<path class="area" d="M${top.join('L')}L${bot.join('L')}Z" fill="${s.color}" fill-opacity="${s.dim ? 0.12 : 0.55}" stroke="${s.color}" stroke-opacity="${s.dim ? 0.3 : 1}" stroke-width="1"><title>${escapeHtml(s.name)}</title></path>`);
			continue;
		}
		for (const [t, v] of s.points) {
			if (v == null || (opts.log && v <= 0)) { pen = false; continue; }
			d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
			pen = true;
		}
		if (!d) continue;
		if (s.fill) {
			const pts = s.points.filter((p) => p[1] != null);
			const base = y(opts.log ? 10 ** Math.floor(Math.log10(lo)) : lo).toFixed(1);
			parts.push(`<path class="fill" d="M${x(pts[0][0]).toFixed(1)},${base}L${d.slice(1)}L${x(pts[pts.length - 1][0]).toFixed(1)},${base}Z" fill="${s.color}" fill-opacity="0.14"/>`);
		}
		parts.push(`<path class="line" d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width || 1.6}"${s.dash ? ' stroke-dasharray="4 3"' : ''}><title>${escapeHtml(s.name)}</title></path>`);
	}
	if (!hasData)
		parts.push(`<text class="nodata" x="${M.l + pw / 2}" y="${M.t + ph / 2}" text-anchor="middle">${escapeHtml(opts.empty || 'no data yet')}</text>`);

	const c = chartFrame(el);
	c.svg.setAttribute('width', w);
	c.svg.setAttribute('height', h);
	c.svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
	c.svg.setAttribute('aria-label', opts.label || '');
	c.plot.innerHTML = parts.join('');
	c.cursor.setAttribute('y1', M.t);
	c.cursor.setAttribute('y2', M.t + ph);
	el.dataset.points = String(series.reduce((n, s) => n + s.points.length, 0));
	c.view = { x, t0, t1, pw, w, series, yFmt: opts.tipFmt || opts.yFmt };
	if (c.hoverX != null) showTip(c);
	if (opts.legend !== false) legend(el, series, opts.tipFmt || opts.yFmt);
}

// The values at the time under the mouse, in the tooltip, with a crosshair.
function showTip(c) {
	const v = c.view;
	if (!v) return;
	const t = v.t0 + ((c.hoverX - M.l) / v.pw) * (v.t1 - v.t0);
	let best = null;
	for (const s of v.series) {
		for (const p of s.points) {
			if (best == null || Math.abs(p[0] - t) < Math.abs(best - t)) best = p[0];
		}
	}
	if (best == null) return;
	const rows = v.series.map((s) => {
		const p = s.points.find((q) => q[0] === best);
		return p && p[1] != null ?
			`<div><i style="background:${s.color}"></i>${escapeHtml(s.name)} <b>${escapeHtml(v.yFmt(p[1]))}</b></div>` : '';
	}).join('');
	const xx = v.x(best);
	c.cursor.setAttribute('x1', xx);
	c.cursor.setAttribute('x2', xx);
	c.cursor.setAttribute('visibility', 'visible');
	c.tip.innerHTML = `<div class="tip-t">${fmtClock(best)}</div>${rows}`;
	c.tip.hidden = false;
	c.tip.style.left = `${Math.max(0, Math.min(xx + 12, v.w - c.tip.offsetWidth))}px`;
	c.svg.parentElement.dataset.hover = String(best);
}

// The legend goes under the plot, never on it: a row of names when there
// are few series; a table legend when there are many (each entry: name and
// value in the newest interval; its title adds the peak in the window), in
// as many columns as the card's width holds.
const TABLE_LEGEND = 5;
function legend(el, series, fmt) {
	let lg = el.nextElementSibling;
	if (!lg || !lg.classList.contains('legend')) {
		lg = document.createElement('div');
		lg.className = 'legend';
		el.after(lg);
	}
	const table = series.length >= TABLE_LEGEND;
	lg.classList.toggle('table', table);
	const item = (s) => {
		const cls = s.dim ? ' class="dim"' : '';
		const sw = `<i style="background:${s.color}"></i>`;
		const name = escapeHtml(s.label || s.name);
		if (!table) return `<span${cls}>${sw}${name}</span>`;
		let last = null, peak = null;
		for (const [, v] of s.points) {
			if (v == null) continue;
			last = v;
			if (peak == null || v > peak) peak = v;
		}
		const f = (v) => (v == null ? '–' : fmt(v));
		const title = `${s.label || s.name}: ${f(last)} in the newest interval, peak ${f(peak)}`;
		return `<div${cls} title="${escapeHtml(title)}"><span class="lg-name">${sw}${name}</span>` +
			`<span class="lg-v">${escapeHtml(f(last))}</span></div>`;
	};
	lg.innerHTML = series.map(item).join('');
}

// Round values between lo and hi for a log axis: the powers of ten, or
// 1-2-5 steps when fewer than three powers of ten fit.
export function logTicks(lo, hi) {
	const out = [];
	for (const steps of [[1], [1, 2, 5]]) {
		out.length = 0;
		for (let e = Math.floor(Math.log10(lo)); 10 ** e <= hi; e++)
			for (const m of steps) if (m * 10 ** e >= lo && m * 10 ** e <= hi) out.push(m * 10 ** e);
		if (out.length >= 3) break;
	}
	return out;
}

// A colour ramp for counts, dark-to-bright in both themes (inferno-like).
const RAMP = [[33, 17, 78], [106, 23, 110], [188, 55, 84], [237, 105, 37], [251, 180, 26], [252, 255, 164]];
function rampColor(f) {
	const x = Math.min(1, Math.max(0, f)) * (RAMP.length - 1);
	const i = Math.min(RAMP.length - 2, Math.floor(x));
	const u = x - i;
	const c = RAMP[i].map((a, k) => Math.round(a + (RAMP[i + 1][k] - a) * u));
	return `rgb(${c[0]},${c[1]},${c[2]})`;
}

// columns: [{t: ms, slots: [36 counts]}], oldest first.
export function heatmap(el, { columns, t0, t1, interval }) {
	const w = Math.max(200, el.clientWidth || 600);
	const h = Math.max(120, el.clientHeight || 220);
	const dpr = window.devicePixelRatio || 1;
	let canvas = el.querySelector('canvas');
	if (!canvas) {
		canvas = document.createElement('canvas');
		el.appendChild(canvas);
	}
	canvas.width = Math.round(w * dpr);
	canvas.height = Math.round(h * dpr);
	canvas.style.width = `${w}px`;
	canvas.style.height = `${h}px`;
	const g = canvas.getContext('2d');
	g.setTransform(dpr, 0, 0, dpr, 0, 0);
	g.clearRect(0, 0, w, h);
	const css = getComputedStyle(el);
	const axis = css.getPropertyValue('--muted').trim() || '#888';
	const grid = css.getPropertyValue('--grid').trim() || '#333';
	g.font = '11px system-ui, sans-serif';

	let lo = 35, hi = 0, maxc = 0;
	for (const c of columns) {
		c.slots.forEach((n, i) => {
			if (!n) return;
			lo = Math.min(lo, i);
			hi = Math.max(hi, i);
			maxc = Math.max(maxc, n);
		});
	}
	const pw = w - M.l - M.r - 46, ph = h - M.t - M.b;
	if (hi < lo) {
		g.fillStyle = axis;
		g.textAlign = 'center';
		g.fillText('no latency samples yet', M.l + pw / 2, M.t + ph / 2);
		el.dataset.cells = '0';
		return;
	}
	lo = Math.max(0, lo - 1);
	hi = Math.min(35, hi + 1);
	const rows = hi - lo + 1;
	const rh = ph / rows;
	const span = Math.max(1, t1 - t0);
	const cw = Math.max(1, (interval / span) * pw);
	const lmax = Math.log1p(maxc);
	let cells = 0;
	// A column is centred on its time: clip the edge ones to the plot, off
	// the axis labels (wide columns, in a short time range, reached them).
	g.save();
	g.beginPath();
	g.rect(M.l, M.t, pw, ph);
	g.clip();
	for (const c of columns) {
		const xx = M.l + ((c.t - t0) / span) * pw - cw / 2;
		for (let i = lo; i <= hi; i++) {
			const n = c.slots[i];
			if (!n) continue;
			g.fillStyle = rampColor(0.15 + 0.85 * (Math.log1p(n) / lmax));
			g.fillRect(xx, M.t + (hi - i) * rh, cw + 0.5, rh + 0.5);
			cells++;
		}
	}
	g.restore();
	g.strokeStyle = grid;
	g.fillStyle = axis;
	g.textAlign = 'right';
	g.textBaseline = 'middle';
	// Round values on the log axis (1µs, 10µs, 100µs, ...; 1-2-5 when the
	// span is short), each at its place inside its log2 slot, not the
	// slots' odd powers of two.
	const labels = logTicks(2 ** lo, 2 ** (hi + 1));
	const yOf = (v) => M.t + (hi + 1 - Math.log2(v)) * rh;
	for (const v of labels) {
		const yy = yOf(v);
		g.fillStyle = grid;
		g.fillRect(M.l - 3, yy - 0.5, 3, 1);
		g.fillStyle = axis;
		g.fillText(fmtDurShort(v), M.l - 6, yy);
	}
	el.dataset.yLabels = labels.map(fmtDurShort).join(',');
	g.textAlign = 'center';
	g.textBaseline = 'alphabetic';
	for (const t of timeTicks(t0, t1)) {
		g.fillText(fmtClock(t), M.l + ((t - t0) / span) * pw, h - 6);
	}
	// legend: count scale
	const lx = w - M.r - 30;
	for (let k = 0; k < ph; k++) {
		g.fillStyle = rampColor(0.15 + 0.85 * (1 - k / ph));
		g.fillRect(lx, M.t + k, 10, 1.5);
	}
	g.fillStyle = axis;
	g.textAlign = 'left';
	g.textBaseline = 'top';
	g.fillText(maxc >= 1e4 ? `${Math.round(maxc / 1e3)}k` : String(maxc), lx + 14, M.t);
	g.textBaseline = 'bottom';
	g.fillText('1', lx + 14, M.t + ph);
	el.dataset.cells = String(cells);
	el.title = `latency (queued → started), log2 buckets; colour: items per ${interval / 1000}s, log scale, max ${maxc}`;
}
