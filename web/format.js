// SPDX-License-Identifier: GPL-2.0
// Number formatting for the dashboard: units chosen per value, so a column
// can hold 850 ns next to 1.42 s and both stay readable.

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function sig3(x) {
	if (x >= 100) return x.toFixed(0);
	if (x >= 10) return x.toFixed(1);
	return x.toFixed(2);
}

// Nanoseconds as ns, µs, ms or s with three significant digits.
export function fmtDur(ns) {
	if (ns == null || !Number.isFinite(ns)) return '–';
	if (ns === 0) return '0';
	if (ns < 1e3) return `${ns.toFixed(0)} ns`;
	if (ns < 1e6) return `${sig3(ns / 1e3)} µs`;
	if (ns < 1e9) return `${sig3(ns / 1e6)} ms`;
	if (ns < 600e9) return `${sig3(ns / 1e9)} s`;
	return fmtAge(ns);
}

// Short axis label for a duration: 1µs, 100µs, 10ms.
export function fmtDurShort(ns) {
	if (ns < 1e3) return `${+ns.toPrecision(2)}ns`;
	if (ns < 1e6) return `${+(ns / 1e3).toPrecision(2)}µs`;
	if (ns < 1e9) return `${+(ns / 1e6).toPrecision(2)}ms`;
	return `${+(ns / 1e9).toPrecision(2)}s`;
}

// A long span: 3m 12s, 2h 05m, 4d 03h.
export function fmtAge(ns) {
	let s = Math.floor(ns / 1e9);
	if (s < 60) return `${s}s`;
	const d = Math.floor(s / 86400);
	const h = Math.floor((s % 86400) / 3600);
	const m = Math.floor((s % 3600) / 60);
	s %= 60;
	const p = (n) => String(n).padStart(2, '0');
	if (d) return `${d}d ${p(h)}h`;
	if (h) return `${h}h ${p(m)}m`;
	return `${m}m ${p(s)}s`;
}

// A rate per second, one style for all: three significant digits, no
// trailing zeros, k and M for thousands and millions: 0.993, 3, 12.4,
// 387k, 1.5M (not "10.00", "2.99" beside "1.50k").
export function fmtRate(x) {
	if (x == null || !Number.isFinite(x)) return '–';
	if (x === 0) return '0';
	const p3 = (v) => +v.toPrecision(3);
	if (p3(x) < 1000) return String(p3(x));
	if (p3(x / 1e3) < 1000) return `${p3(x / 1e3)}k`;
	return `${p3(x / 1e6)}M`;
}

export function fmtCount(x) {
	if (x == null || !Number.isFinite(x)) return '–';
	if (x < 1e6) return intFmt.format(x);
	if (x < 1e9) return `${sig3(x / 1e6)}M`;
	return `${sig3(x / 1e9)}G`;
}

export function fmtPct(x) {
	if (x == null || !Number.isFinite(x)) return '–';
	if (x === 0) return '0 %';
	if (x < 0.1) return '<0.1 %';
	return `${x < 10 ? x.toFixed(1) : x.toFixed(0)} %`;
}

export function fmtClock(ms) {
	const d = new Date(ms);
	const p = (n) => String(n).padStart(2, '0');
	return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function escapeHtml(s) {
	return String(s).replace(/[&<>"']/g, (c) => ({
		'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
	})[c]);
}
