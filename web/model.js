// SPDX-License-Identifier: GPL-2.0
// Pure data code: turns wqmon-json documents (docs/FORMAT.md) into what the
// panels draw.  No DOM here.

export const SLOTS = 36;

// The estimate of lib/core/hist.c wq_hist__quantile, step by step (the
// definition in docs/FORMAT.md; tests/integration/faces_agree.sh checks
// that the page and wqtop agree): rank ceil(count * q) with q in
// millionths, as wq_hist__percentile; linear inside the rank's slot [lo,
// hi), the last slot ending at the recorded maximum; no estimate above the
// maximum; integer division, so the same nanoseconds as C.
export function quantile(slots, q, maxNs) {
	let count = 0;
	for (const c of slots) count += c;
	if (!count) return 0;
	const num = Math.min(1e6, Math.max(0, Math.round(q * 1e6)));
	const rank = Math.max(1, Math.floor((count * num + 1e6 - 1) / 1e6));
	let before = 0, i = 0;
	for (; i < SLOTS - 1; i++) {
		if (slots[i] >= rank - before) break;
		before += slots[i];
	}
	const lo = i === 0 ? 0 : 2 ** i;
	let hi = 2 ** (i + 1);
	if (i === SLOTS - 1) hi = maxNs > lo ? maxNs : 2 ** SLOTS;
	const v = lo + Math.floor(((hi - lo) * (rank - before)) / slots[i]);
	return maxNs && v > maxNs ? maxNs : v;
}

export function addSlots(acc, slots) {
	for (let i = 0; i < SLOTS; i++) acc[i] += slots[i] || 0;
	return acc;
}

// Row and line keys: JSON arrays, so any byte in a name is safe in a
// data-key attribute and the parts can be read back.
export const seriesKey = (src, s) => JSON.stringify([src, s.pool_id, s.workqueue, s.function]);
export const poolKey = (src, id) => JSON.stringify([src, id]);
export const wqKey = (src, name) => JSON.stringify([src, name]);
export const keyParts = (key) => JSON.parse(key);

export function poolLabel(p) {
	const where = p.cpu < 0 ? 'unbound' : `cpu ${p.cpu}`;
	const hi = (p.flag_names || []).includes('highpri') || p.nice < 0 ? ' H' : '';
	return `pool ${p.id} · ${where}${hi}`;
}

const h0 = { count: 0, sum_ns: 0, max_ns: 0, p50_ns: 0, p99_ns: 0 };

// An interval view reduced to what the charts need over time (a view
// carries ~35 numbers per histogram; 600 of them would weigh megabytes).
// Rates and CPU shares are the core's (queued_per_second, cpu_percent:
// docs/COLUMNS.md), not computed here.
export function compactView(v) {
	const src = v.source;
	const iv = v.interval_ns || 0;
	const series = (v.series || []).map((s) => {
		const h = s.hist || {};
		const lat = h.lat || h0, run = h.run || h0, cpu = h.cpu || h0;
		return {
			key: seriesKey(src, s),
			rate: s.queued_per_second ?? 0,
			done: s.completed_per_second ?? 0,
			p50: lat.p50_ns, p99: lat.p99_ns, max: lat.max_ns,
			run50: run.p50_ns, run99: run.p99_ns,
			cpuPct: s.cpu_percent ?? 0,
			slots: lat.slots && lat.count ? lat.slots : null,
		};
	});
	const pools = (v.pools || []).map((p) => ({
		key: poolKey(src, p.id), label: poolLabel(p),
		cpuPct: p.cpu_percent ?? 0,
		pending: p.pending, oldest: p.oldest_pending_ns, id: p.id,
		cpu: p.cpu, src,
	}));
	const wqs = (v.workqueues || []).map((w) => ({
		key: wqKey(src, w.name), name: w.name,
		rate: w.queued_per_second ?? 0,
		count: w.hist?.run?.count || 0,
		run99: w.hist?.run?.p99_ns || 0,
	}));
	return { src, mono: v.mono_ns, real: v.real_ns, iv, series, pools, wqs };
}

// The views of every source that fall in one interval-sized time bin.
export function binOf(monoNs, intervalNs) {
	return Math.round(monoNs / (intervalNs || 1e9));
}

// Aggregates of one bin, for "all work" or for one focused series.
export function binStats(bin, focus) {
	const slots = new Array(SLOTS).fill(0);
	let rate = 0, done = 0, max = 0, n = 0, run99 = 0, run50 = 0, p50 = 0, p99 = 0;
	for (const v of bin.views) {
		for (const s of v.series) {
			if (focus && s.key !== focus) continue;
			rate += s.rate;
			done += s.done;
			if (s.slots) addSlots(slots, s.slots);
			if (s.max > max) max = s.max;
			if (focus) {
				n++;
				p50 = s.p50; p99 = s.p99; run99 = s.run99; run50 = s.run50;
			}
		}
	}
	if (!focus) {
		p50 = quantile(slots, 0.5, max);
		p99 = quantile(slots, 0.99, max);
	}
	const empty = slots.every((c) => c === 0);
	return {
		rate, done, slots, max, run99, run50,
		p50: empty && !(focus && n) ? null : p50,
		p99: empty && !(focus && n) ? null : p99,
	};
}

export function severity(v, warn, crit) {
	if (v == null) return '';
	if (v >= crit) return 'crit';
	if (v >= warn) return 'warn';
	return '';
}
