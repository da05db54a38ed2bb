// SPDX-License-Identifier: GPL-2.0
// wqmon dashboard: polls wqmond's JSON API (docs/API.md) once per second
// and draws the panels.  No framework, no build step: the daemon serves
// these files as they are.

import { fmtDur, fmtDurShort, fmtRate, fmtCount, fmtPct, fmtClock, fmtAge, escapeHtml } from './format.js';
import { compactView, binOf, binStats, seriesKey, poolKey, wqKey, keyParts, poolLabel, severity } from './model.js';
import { lineChart, heatmap, PALETTE } from './charts.js';
import { LiveTable } from './table.js';
import { startConfig } from './config.js';
import { startQueuers } from './queuers.js';
import { startSlow } from './slow.js';
import { readRecording, sniffText, Intervals, snapshotJson } from './textview.js';

const params = new URLSearchParams(location.search);
const num = (k, d) => (params.has(k) && Number.isFinite(+params.get(k)) ? +params.get(k) : d);

// Colour thresholds (docs/DASHBOARD.md), a display setting only: what a
// stall is, the daemon decides (/api/v1/stalls).  The URL can override
// them: ?pending_crit_ms=2000
export const T = {
	pendWarnNs: num('pending_warn_ms', 100) * 1e6,
	pendCritNs: num('pending_crit_ms', 1000) * 1e6,
	latWarnNs: num('lat_warn_ms', 1) * 1e6,
	latCritNs: num('lat_crit_ms', 10) * 1e6,
	runWarnNs: num('run_warn_ms', 10) * 1e6,
	runCritNs: num('run_crit_ms', 100) * 1e6,
	cpuWarn: num('cpu_warn_pct', 50),
	cpuCrit: num('cpu_crit_pct', 90),
};
const WINDOW_NS = num('window_s', 600) * 1e9;
const POLL_MS = num('poll_ms', 1000);
const SOURCES_EVERY_MS = 5000;
const FETCH_TIMEOUT_MS = 4000;

const $ = (s) => document.querySelector(s);

const state = {
	live: true,
	file: null,             // the name of a saved history shown instead of live data
	timer: null,
	bins: new Map(),        // bin index -> {bin, t (real ms), views: [compact]}
	interval: 1e9,
	lastMono: null,         // `since` for the next history poll
	snapshot: null,         // last /api/v1/snapshot
	latest: new Map(),      // source -> latest raw interval view
	sources: null,          // last /api/v1/sources, or null
	sourcesAt: 0,
	stalls: null,           // last /api/v1/stalls, or null
	stalledPools: new Set(), // poolKey of its active stalls' pools
	stallsError: '',        // why the last one failed
	startedReal: null,
	failures: 0,
	lastOk: 0,
	focus: null,
	focusLabel: '',
	mode: 'interval',
	polls: 0,
	source: null,           // the one source shown (header chips), or null: all
	rangeMs: WINDOW_NS / 1e6, // the time the charts show (1m, 5m, the window)
};

// The time ranges offered over the window the page holds.
const RANGES_S = [...new Set([60, 300, WINDOW_NS / 1e9])].filter((r) => r <= WINDOW_NS / 1e9).sort((a, b) => a - b);

// What the URL's hash keeps, so a link reopens the same page: the source,
// the time range, the focused series.  #source=refwq%3Ademo&range=60&focus=...
function readHash() {
	const h = new URLSearchParams(location.hash.slice(1));
	state.source = h.get('source') || null;
	const r = +h.get('range');
	state.rangeMs = (RANGES_S.includes(r) ? r : WINDOW_NS / 1e9) * 1e3;
	state.focus = null;
	try {
		if (h.get('focus') && keyParts(h.get('focus')).length === 4) state.focus = h.get('focus');
	} catch {
		state.focus = null;
	}
}
function writeHash() {
	const h = new URLSearchParams();
	if (state.source) h.set('source', state.source);
	if (state.rangeMs !== WINDOW_NS / 1e6) h.set('range', String(state.rangeMs / 1e3));
	if (state.focus) h.set('focus', state.focus);
	const text = h.toString();
	if (text !== location.hash.slice(1)) history.replaceState(null, '', text ? `#${text}` : location.pathname + location.search);
}

// The page shows every source, or the one its header chip picked: cards,
// charts, stalls and tables alike.
const shown = (src) => !state.source || src === state.source;
function shownSnaps() {
	return (state.snapshot?.snapshots || []).filter((d) => shown(d.source));
}
const shownBins = (bins) => (state.source ? bins.map((b) => ({ ...b, views: b.views.filter((v) => shown(v.src)) })) : bins);
// Name the source in labels when more than one is on the page.
const manySources = () => shownSnaps().length > 1;

class HttpError extends Error {
	constructor(status, url, body) {
		super(`${url}: HTTP ${status}${body && body.error ? ` — ${body.error}` : ''}`);
		this.status = status;
	}
}

async function getJSON(url) {
	const ctl = new AbortController();
	const timer = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
	try {
		const r = await fetch(url, { cache: 'no-store', signal: ctl.signal });
		let body = null;
		try { body = await r.json(); } catch { body = null; }
		if (!r.ok) throw new HttpError(r.status, url, body);
		if (body == null) throw new Error(`${url}: not JSON`);
		return body;
	} catch (e) {
		if (e.name === 'AbortError') throw new Error(`${url}: no answer in ${FETCH_TIMEOUT_MS / 1000} s`);
		throw e;
	} finally {
		clearTimeout(timer);
	}
}

/* ---------- polling ---------- */

async function poll() {
	state.timer = null;
	const now = Date.now();
	try {
		const snap = await getJSON('api/v1/snapshot');
		const newest = Math.max(0, ...(snap.snapshots || []).map((d) => d.mono_ns || 0));
		if (state.lastMono != null && newest && newest + 5e9 < state.lastMono) resetWindow('clock went backwards: another machine or a reboot');
		// First poll: only the window we keep, not the whole ring.
		const since = state.lastMono ?? Math.max(0, newest - WINDOW_NS);
		const hist = await getJSON(`api/v1/history?since=${since}`);
		// Paused while the answers were on their way: the page stays as
		// it was when the user paused it.
		if (!state.live) return;
		ingestSnapshot(snap);
		ingestHistory(hist);
		if (now - state.sourcesAt > SOURCES_EVERY_MS) {
			state.sourcesAt = now;
			getJSON('api/v1/sources').then((s) => { state.sources = s; renderHeader(); }).catch(() => { state.sources = null; });
		}
		await pollStalls();
		if (!state.live) return;
		state.failures = 0;
		state.lastOk = now;
		state.polls++;
		hideBanner('error');
		render();
		queuers.refresh();
	} catch (e) {
		state.failures++;
		const wait = backoffMs();
		showBanner('error', `Cannot read wqmond: ${e.message}. Retrying in ${Math.round(wait / 1000)} s` +
			(state.lastOk ? ` · last good data ${fmtAge((Date.now() - state.lastOk) * 1e6)} ago` : ''));
		document.body.classList.add('stale');
	}
	schedule();
}

function backoffMs() {
	return state.failures ? Math.min(10000, POLL_MS * 2 ** (state.failures - 1)) : POLL_MS;
}

function schedule() {
	if (state.timer || !state.live) return;
	state.timer = setTimeout(poll, backoffMs());
}

// The daemon's stall detector is the only one: the panel, the KPI and the
// pools' highlight show its stalls and its thresholds, never a rule of
// the page's own (they once disagreed).
async function pollStalls() {
	try {
		state.stalls = await getJSON('api/v1/stalls');
		state.stallsError = '';
		state.stalledPools = new Set((state.stalls.active || []).filter((s) => s.pool_id >= 0).map((s) => poolKey(s.source, s.pool_id)));
	} catch (e) {
		state.stallsError = e.message;
		if (!(e instanceof HttpError)) throw e;
	}
}

// "pending ≥ 5 s · running ≥ 10 s · …" from the daemon's [stalls].
function stallRules() {
	const t = state.stalls?.thresholds_ns || {};
	const parts = Object.entries(t).map(([k, v]) => `${k.replace('_', ' ')} ≥ ${fmtDur(v)}`);
	const n = state.stalls?.rules?.length || 0;
	return parts.join(' · ') + (n ? ` · ${n} rule${n > 1 ? 's' : ''} per workqueue or function` : '');
}


function resetWindow(why) {
	state.bins.clear();
	state.latest.clear();
	state.lastMono = null;
	showBanner('info', `History cleared: ${why}.`, 8000);
}

function ingestSnapshot(snap) {
	const started = snap.daemon?.started_real_ns;
	if (state.startedReal != null && started && started !== state.startedReal)
		showBanner('info', `wqmond restarted at ${fmtClock(started / 1e6)}; history before that is kept in this page only.`, 10000);
	state.startedReal = started ?? state.startedReal;
	state.snapshot = snap;
}

function ingestHistory(hist) {
	state.interval = hist.interval_ns || state.interval;
	for (const v of hist.views || []) {
		if (state.lastMono != null && v.mono_ns <= state.lastMono - WINDOW_NS) continue;
		const c = compactView(v);
		const b = binOf(v.mono_ns, state.interval);
		let bin = state.bins.get(b);
		if (!bin) {
			bin = { bin: b, t: v.real_ns / 1e6, views: [] };
			state.bins.set(b, bin);
		}
		bin.views = bin.views.filter((x) => x.src !== c.src || x.mono !== c.mono);
		bin.views.push(c);
		state.latest.set(v.source, v);
		if (state.lastMono == null || v.mono_ns > state.lastMono) state.lastMono = v.mono_ns;
	}
	if (state.lastMono != null) {
		const oldest = binOf(state.lastMono - WINDOW_NS, state.interval);
		for (const k of state.bins.keys()) if (k <= oldest) state.bins.delete(k);
	}
}

/* ---------- banner ---------- */

let bannerTimer = null;
function showBanner(kind, text, ttlMs) {
	const b = $('#banner');
	if (b.dataset.kind === 'error' && kind === 'info' && !b.hidden) return;
	b.dataset.kind = kind;
	b.textContent = text;
	b.hidden = false;
	clearTimeout(bannerTimer);
	if (ttlMs) bannerTimer = setTimeout(() => hideBanner(kind), ttlMs);
}
function hideBanner(kind) {
	const b = $('#banner');
	if (b.hidden || b.dataset.kind !== kind) return;
	b.hidden = true;
	document.body.classList.remove('stale');
	if (kind === 'error' && state.polls) showBanner('info', 'Reconnected to wqmond.', 3000);
}

/* ---------- rendering ---------- */

function sortedBins() {
	return [...state.bins.values()].sort((a, b) => a.bin - b.bin);
}

function timeDomain(bins) {
	if (!bins.length) return { t0: Date.now() - 60000, t1: Date.now() };
	const t1 = bins[bins.length - 1].t;
	const t0 = Math.min(bins[0].t, t1 - 60000);
	return { t0: Math.max(t0, t1 - state.rangeMs), t1 };
}

// The bins of the chosen time range (the newest state.rangeMs).
function rangeBins(bins) {
	if (!bins.length) return bins;
	const from = bins[bins.length - 1].t - state.rangeMs;
	return bins.filter((b) => b.t >= from);
}

// What the charts cover, said, not assumed: the page keeps WINDOW_NS, but
// the daemon's history keeps only what history_bytes holds (a busy host's
// views are larger), and a daemon that started lately has less.
function windowText(all) {
	const bins = rangeBins(all);
	if (!bins.length) return '';
	const spanNs = (bins[bins.length - 1].t - bins[0].t) * 1e6;
	const rangeNs = state.rangeMs * 1e6;
	const started = state.snapshot?.daemon?.started_real_ns;
	const iv = state.interval || 1e9;
	let why = '';
	// Why the range is not full: the history begins where the daemon
	// started (its first view is one interval later), or history_bytes
	// cut it.  Told by the oldest view's time, not by the uptime against
	// the span: the newest view is as old as the page's last poll, which
	// a busy machine delays by seconds.
	if (spanNs < rangeNs - 2 * iv)
		why = !started || all[0].t * 1e6 - started > 3 * iv ?
			' (all the daemon\'s history holds: raise history_bytes for more)' :
			' (since the daemon started)';
	return `charts: last ${fmtAge(spanNs)} of ${fmtAge(rangeNs)}${why}`;
}

function render() {
	const bins = shownBins(sortedBins());
	$('#window').textContent = windowText(bins);
	const snaps = shownSnaps();
	document.body.dataset.lastMono = String(state.lastMono ?? '');
	document.body.dataset.polls = String(state.polls);
	const multi = snaps.length > 1;
	renderHeader();
	renderFocus();
	renderKpis(bins, snaps);
	renderCharts(rangeBins(bins));
	renderSampled(snaps);
	renderStalls(snaps);
	renderTables(snaps, multi);
	queuers.setScope({ source: state.source, focus: state.focus, file: state.file });
	slow.setScope({ source: state.source, focus: state.focus, file: state.file });
}

function renderHeader() {
	const snaps = state.snapshot?.snapshots || [];
	const info = new Map();
	const list = state.sources?.sources || (Array.isArray(state.sources) ? state.sources : null);
	for (const s of list || []) info.set(s.name, s);
	const names = list ? list.map((s) => s.name) : snaps.map((d) => d.source);
	// A chip is a button when there is a choice: it shows only its source.
	const pick = names.length > 1 || state.source;
	$('#sources').innerHTML = names.map((name) => {
		const doc = snaps.find((d) => d.source === name);
		const s = info.get(name) || {};
		const st = s.state || (doc ? 'up' : 'down');
		const err = s.last_error || s.error || '';
		const dur = s.last_scrape_seconds ?? (s.last_scrape_ns != null ? s.last_scrape_ns / 1e9 : s.last_scrape_duration_seconds);
		const on = state.source === name;
		const title = [`state: ${st}`, err && `last error: ${err}`, dur != null && `last scrape ${fmtDur(dur * 1e9)}`,
			pick && (on ? 'showing only this source: click to show all' : 'click to show only this source')].filter(Boolean).join('\n');
		const body = `<span class="dot"></span>${escapeHtml(name)}${doc?.kernel ? `<span class="kernel">${escapeHtml(doc.kernel)}</span>` : ''}${sampledBadge(doc)}`;
		const cls = `src ${escapeHtml(st)}${on ? ' on' : ''}${state.source && !on ? ' off' : ''}`;
		return pick ? `<button type="button" class="${cls}" data-source="${escapeHtml(name)}" aria-pressed="${on}" title="${escapeHtml(title)}">${body}</button>` :
			`<span class="${cls}" title="${escapeHtml(title)}">${body}</span>`;
	}).join('') || '<span class="src down"><span class="dot"></span>no sources</span>';
	const started = state.snapshot?.daemon?.started_real_ns;
	$('#uptime').textContent = started ? `up ${fmtAge(Date.now() * 1e6 - started)}` : '';
	const last = [...state.latest.values()].reduce((m, v) => Math.max(m, v.real_ns), 0);
	$('#updated').textContent = last ? `data ${fmtClock(last / 1e6)}` : '';
	const live = $('#live');
	live.setAttribute('aria-pressed', String(state.live));
	live.classList.toggle('paused', !state.live);
	live.classList.toggle('error', state.failures > 0);
	live.querySelector('.label').textContent = !state.live ? 'paused' : state.failures ? 'retrying' : 'live';
}

// @who: which source and what is the worst (or biggest) behind the value.
function setKpi(id, value, sub, sev, who) {
	const el = $(id);
	el.querySelector('.k-value').textContent = value;
	if (who !== undefined) {
		const w = el.querySelector('.k-who');
		w.textContent = who || '';
		w.title = who || '';
	}
	if (sub != null) el.querySelector('.k-sub').textContent = sub;
	el.classList.remove('warn', 'crit');
	if (sev) el.classList.add(sev);
}

// "kernel aio_fsync_work" from a series key.
const seriesWho = (key) => {
	const [src, , , fn] = keyParts(key);
	return `${src} ${fn}`;
};

// The cards say whose numbers they show: the busiest function, the source
// and function of the worst latency, the busiest pool, the pool with the
// oldest pending item.  Latency is never mixed across sources (a slow
// user-space demo made the kernel's card red): the card shows the p99 of
// the worst source, the others in its tooltip.
function renderKpis(bins, snaps) {
	const last = bins[bins.length - 1];
	const st = last ? binStats(last, null) : null;
	const all = last ? last.views.flatMap((v) => v.series) : [];
	const busiest = all.reduce((b, s) => (s.rate > (b?.rate ?? 0) ? s : b), null);
	setKpi('#kpi-rate', st ? fmtRate(st.rate) : '–', st ? `queued · ${fmtRate(st.done)}/s completed` : null, '',
		busiest ? `busiest: ${seriesWho(busiest.key)} ${fmtRate(busiest.rate)}/s` : '');

	const perSrc = last ? [...new Set(last.views.map((v) => v.src))].map((src) => {
		const views = last.views.filter((v) => v.src === src);
		const ss = binStats({ views }, null);
		const worst = views.flatMap((v) => v.series).filter((x) => x.slots).reduce((b, x) => (x.p99 > (b?.p99 ?? -1) ? x : b), null);
		return { src, st: ss, worst };
	}).filter((x) => x.st.p99 != null).sort((a, b) => b.st.p99 - a.st.p99) : [];
	const lw = perSrc[0];
	setKpi('#kpi-lat', lw ? fmtDur(lw.st.p99) : '–', lw ? `p50 ${fmtDur(lw.st.p50)} · max ${fmtDur(lw.st.max)}` : null,
		lw && severity(lw.st.p99, T.latWarnNs, T.latCritNs),
		lw ? `${lw.worst ? seriesWho(lw.worst.key) : lw.src}${lw.worst ? ` ${fmtDur(lw.worst.p99)}` : ''}` : '');
	$('#kpi-lat').title = perSrc.length > 1 ? `p99 by source: ${perSrc.map((x) => `${x.src} ${fmtDur(x.st.p99)}`).join(', ')}` : '';

	const pools = last ? last.views.flatMap((v) => v.pools) : [];
	const cpu = last ? pools.reduce((n, p) => n + p.cpuPct, 0) : null;
	const hot = pools.reduce((b, p) => (p.cpuPct > (b?.cpuPct ?? 0) ? p : b), null);
	setKpi('#kpi-cpu', last ? fmtPct(cpu) : '–', null, cpu != null && severity(cpu, T.cpuWarn, T.cpuCrit),
		hot ? `busiest: ${hot.src} ${hot.label} ${fmtPct(hot.cpuPct)}` : '');
	let pending = 0, oldest = 0, oldestWho = '';
	const dropped = [];
	for (const d of snaps) {
		for (const p of d.pools || []) {
			pending += p.pending;
			if (p.oldest_pending_ns > oldest) {
				oldest = p.oldest_pending_ns;
				oldestWho = `${d.source} ${poolLabel(p)}`;
			}
		}
		for (const [k, v] of Object.entries(d.counters || {})) {
			if (k.endsWith('_dropped') && v > 0) dropped.push(`${multiSrc(snaps, d)}${k.replace('_dropped', '')} ${fmtCount(v)}`);
		}
	}
	setKpi('#kpi-pending', snaps.length ? fmtCount(pending) : '–', `oldest ${fmtDur(oldest)}`, severity(oldest, T.pendWarnNs, T.pendCritNs),
		oldest ? `oldest in ${oldestWho}` : '');
	const stalls = state.stalls?.active?.filter((x) => shown(x.source));
	const s0 = stalls?.[0];
	setKpi('#kpi-stalls', stalls ? String(stalls.length) : '–', stalls ? stallRules() : state.stallsError, stalls?.length ? 'crit' : '',
		s0 ? `${s0.source} ${s0.function || s0.workqueue || (s0.pool_id >= 0 ? `pool ${s0.pool_id}` : s0.kind)}` : '');
	const dk = $('#kpi-dropped');
	dk.hidden = !dropped.length;
	if (dropped.length) {
		const total = snaps.reduce((n, d) => n + Object.entries(d.counters || {}).filter(([k]) => k.endsWith('_dropped')).reduce((m, [, v]) => m + v, 0), 0);
		setKpi('#kpi-dropped', fmtCount(total), dropped.join(' · '), 'warn');
		dk.title = 'events the source could not track (its tables were full): the numbers above undercount';
	}
}

const multiSrc = (snaps, d) => (snaps.length > 1 ? `${d.source}: ` : '');

// Sampled mode: a source measures the durations of 1 work item in N and
// scales them by N, so a sample is never taken for the whole.
const sampleEvery = (d) => (d?.sample_every > 1 ? d.sample_every : 1);
const sampledTip = (n) => `latency, run time and on-CPU time are measured for 1 work item in ${n} and scaled by ${n}; counts are exact`;
function sampledBadge(doc) {
	const n = sampleEvery(doc);
	return n > 1 ? `<span class="sampled" title="${escapeHtml(sampledTip(n))}">sampled 1/${n}</span>` : '';
}

// The same mark on every panel of durations, when any shown source is
// sampled (the run-time title is rewritten by renderCharts: call after).
function renderSampled(snaps) {
	const sampled = snaps.filter((d) => sampleEvery(d) > 1);
	const ns = [...new Set(sampled.map(sampleEvery))].sort((a, b) => a - b);
	const text = ns.length ? `sampled 1/${ns.join(', 1/')}` : '';
	let tip = ns.length ? sampledTip(ns.length === 1 ? ns[0] : 'N') : '';
	if (tip && snaps.length > 1) tip += ` (${sampled.map((d) => `${d.source}: 1 in ${sampleEvery(d)}`).join(', ')})`;
	for (const id of ['#kpi-lat', '#chart-lat', '#chart-run', '#heatmap', '#wqs', '#fns']) {
		const h = $(id).closest('.panel, .kpi').querySelector('h2, .k-label');
		let mark = h.querySelector('.sampled');
		if (!mark && !text) continue;
		if (!mark) {
			mark = document.createElement('span');
			mark.className = 'sampled';
			h.append(mark);
		}
		mark.hidden = !text;
		mark.textContent = text;
		mark.title = tip;
	}
}

function renderCharts(bins) {
	const { t0, t1 } = timeDomain(bins);
	const f = state.focus;
	const stats = bins.map((b) => [b.t, binStats(b, f)]);
	const name = f ? state.focusLabel : 'all work';
	lineChart($('#chart-rate'), {
		label: 'work items per second', t0, t1, yFmt: fmtRate,
		series: [
			{ name: `queued/s · ${name}`, label: 'queued', color: PALETTE[0], fill: true, points: stats.map(([t, s]) => [t, s.rate]) },
			{ name: `completed/s · ${name}`, label: 'completed', color: PALETTE[2], dash: true, points: stats.map(([t, s]) => [t, s.done]) },
		],
	});
	lineChart($('#chart-lat'), {
		label: 'latency percentiles', t0, t1, log: true, yFmt: fmtDurShort, tipFmt: fmtDur,
		empty: 'no items started',
		series: [
			{ name: 'p50', color: PALETTE[0], points: stats.map(([t, s]) => [t, s.p50]) },
			{ name: 'p99', color: PALETTE[1], points: stats.map(([t, s]) => [t, s.p99]) },
			{ name: 'max', color: PALETTE[3], dash: true, width: 1, points: stats.map(([t, s]) => [t, s.max || null]) },
		],
	});
	let runSeries;
	if (f) {
		$('#run-title').innerHTML = `Run time <small>${escapeHtml(state.focusLabel)}</small>`;
		runSeries = [
			{ name: 'p50', color: PALETTE[0], points: stats.map(([t, s]) => [t, s.run50 || null]) },
			{ name: 'p99', color: PALETTE[1], points: stats.map(([t, s]) => [t, s.run99 || null]) },
		];
	} else {
		$('#run-title').innerHTML = 'Run time p99 <small>by workqueue, busiest 6</small>';
		const totals = new Map();
		for (const b of bins) for (const v of b.views) for (const w of v.wqs) totals.set(w.key, (totals.get(w.key) || 0) + w.count);
		const top = [...totals.entries()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k]) => k);
		runSeries = top.map((k, i) => ({
			name: keyParts(k).slice(manySources() ? 0 : 1).join(': '), color: PALETTE[i % PALETTE.length],
			points: bins.map((b) => {
				let v = null;
				for (const x of b.views) for (const w of x.wqs) if (w.key === k && w.count) v = w.run99;
				return [b.t, v];
			}),
		}));
	}
	lineChart($('#chart-run'), { label: 'run time p99', t0, t1, log: true, yFmt: fmtDurShort, tipFmt: fmtDur, series: runSeries, empty: 'no items completed' });

	// kworker CPU per pool, stacked; the focused series' pool stands out.
	const poolNames = new Map();
	const poolTotal = new Map();
	for (const b of bins) for (const v of b.views) for (const p of v.pools) {
		poolNames.set(p.key, (manySources() ? `${p.src}: ` : '') + p.label);
		poolTotal.set(p.key, (poolTotal.get(p.key) || 0) + p.cpuPct);
	}
	const focusPool = f ? poolKey(...keyParts(f).slice(0, 2)) : null;
	const pools = [...poolTotal.entries()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).map(([k]) => k);
	const cpuSeries = pools.map((k, i) => ({
		name: poolNames.get(k), color: PALETTE[i % PALETTE.length], dim: focusPool && k !== focusPool,
		points: bins.map((b) => {
			let v = 0;
			for (const x of b.views) for (const p of x.pools) if (p.key === k) v += p.cpuPct;
			return [b.t, v];
		}),
	}));
	lineChart($('#chart-cpu'), { label: 'kworker CPU per pool', t0, t1, stacked: true, yFmt: (v) => `${+v.toFixed(1)}%`, series: cpuSeries, empty: 'no kworker CPU time' });

	heatmap($('#heatmap'), { t0, t1, interval: state.interval / 1e6, columns: stats.map(([t, s]) => ({ t, slots: s.slots })) });
}

// What the stuck workers were doing (wqmond's "stack": "tid N: f < g < ...;
// tid M: ..."): a group per worker, a frame a line, innermost first.  @open
// keeps a details the user opened open across the re-render of each poll.
function stackHtml(s, open) {
	if (!s.stack) return '';
	const workers = s.stack.split('; ').map((w) => {
		const m = /^(tid \d+):\s*(.*)$/s.exec(w);
		const frames = (m ? m[2] : w).split(' < ').filter(Boolean);
		return '<div class="worker">' + (m ? `<div class="tid">${escapeHtml(m[1])}</div>` : '') +
			frames.map((f) => `<div class="frame">${escapeHtml(f)}</div>`).join('') + '</div>';
	});
	return `<details class="stack" data-id="${escapeHtml(String(s.id))}"${open ? ' open' : ''}><summary>stack</summary>` +
		`<div class="frames">${workers.join('')}</div></details>`;
}

function stallItem(s, multi, active, open) {
	const what = s.function ? `${s.function} (${s.workqueue})` : s.workqueue || (s.pool_id >= 0 ? `pool ${s.pool_id}` : s.kind);
	const where = [multi ? s.source : '', s.pool_id >= 0 ? `pool ${s.pool_id}` : '', s.cpu >= 0 ? `cpu ${s.cpu}` : '',
		s.worker_tid ? `tid ${s.worker_tid}` : ''].filter(Boolean).join(' ');
	const when = `since ${fmtClock(s.since_real_ns / 1e6)}` + (active ? '' : ` · cleared ${fmtClock(s.end_real_ns / 1e6)}`);
	const key = s.pool_id >= 0 ? ` data-pool="${escapeHtml(poolKey(s.source, s.pool_id))}"` : '';
	return `<li class="stall ${active ? 'active' : 'ended'}"${key}><span class="badge">${escapeHtml(s.kind)}</span>` +
		`<b>${escapeHtml(what)}</b> <span class="age">${active ? '' : 'lasted '}${fmtDur(s.age_ns)} (≥ ${fmtDur(s.threshold_ns)})</span>` +
		`<div class="ev">${escapeHtml([where, s.evidence].filter(Boolean).join(' · '))} · ${when}</div>` +
		`${stackHtml(s, open.has(String(s.id)))}</li>`;
}

// Active stalls, then the ones that ended within the window, newest first.
function renderStalls(snaps) {
	const ul = $('#stalls');
	const multi = snaps.length > 1;
	const d = state.stalls;
	const items = [];
	const since = Date.now() * 1e6 - WINDOW_NS;
	const open = new Set([...ul.querySelectorAll('details.stack[open]')].map((e) => e.dataset.id));
	for (const s of d?.active || []) if (shown(s.source)) items.push(stallItem(s, multi, true, open));
	for (const s of d?.recent || []) if (s.end_real_ns >= since && shown(s.source)) items.push(stallItem(s, multi, false, open));
	if (!d) items.push(`<li class="none">Stalls unavailable: ${escapeHtml(state.stallsError || 'not read yet')}</li>`);
	else if (!items.length) items.push(`<li class="none">No stalls in the last ${fmtAge(WINDOW_NS)}.</li>`);
	ul.innerHTML = items.join('');
	$('#stalls-src').textContent = d ? `wqmond's detector: ${stallRules()}` : '';
	$('#stalls-panel').dataset.api = d && !state.stallsError ? 'present' : 'error';
}

/* ---------- tables ---------- */

const sevLat = (v) => severity(v, T.latWarnNs, T.latCritNs);
const sevRun = (v) => severity(v, T.runWarnNs, T.runCritNs);
const pct = (h, k) => (h && h.count ? h[k] : null);

// Rows named "?": what wqmon could not know, said where it shows.
const UNKNOWN_WQ = 'workqueue unknown: wqmon saw these items start but never saw them queued ' +
	'(only queue_work names the workqueue): they were already queued or running when the probes attached. ' +
	'Counts and run time are real; latency (queued → started) needs the queueing';
const OVERFLOW = 'not one series: the items of every (pool, workqueue, function) that found ' +
	'the series table full are counted here (the "dropped" card\'s series count); totals stay exact';
const UNKNOWN_FN = 'function unknown: the work function\'s address has no kernel symbol';
const isOverflow = (r) => r.pool < 0 && r.wq === '?' && r.fn === '?';
const wqTip = (r) => (r.wq !== '?' ? '' : isOverflow(r) ? OVERFLOW : UNKNOWN_WQ);
const fnTip = (r) => (r.fn !== '?' ? '' : isOverflow(r) ? OVERFLOW : UNKNOWN_FN);

let tables = null;
let queuers = null;
let slow = null;
function makeTables() {
	const dur = { num: true, fmt: fmtDur };
	// drop: which columns go first when the table is too wide (highest
	// first); the stall-relevant ones (pool state, run time p99, CPU) have
	// none and always stay.
	const latCols = [
		{ key: 'rate', label: 'rate/s', num: true, fmt: fmtRate, title: 'items queued per second, last interval', drop: 4 },
		{ key: 'lat50', label: 'lat p50', ...dur, title: 'latency: queued → started', drop: 8 },
		{ key: 'lat99', label: 'lat p99', ...dur, sev: (r) => sevLat(r.lat99), drop: 2 },
		{ key: 'latmax', label: 'lat max', ...dur, sev: (r) => sevLat(r.latmax), drop: 7 },
		{ key: 'run99', label: 'run p99', ...dur, sev: (r) => sevRun(r.run99), title: 'run time: started → completed (wall clock)' },
		{ key: 'cpu', label: 'CPU', num: true, fmt: fmtPct, title: 'on-CPU time of the executions, % of one CPU, last interval' },
	];
	return {
		pools: new LiveTable($('#pools'), {
			sort: 'oldest', desc: true, rowKey: (r) => r.key, empty: 'no pools seen yet',
			filterText: (r) => `${r.src} ${r.label} ${r.flags}`,
			rowClass: (r) => (state.stalledPools.has(r.key) ? 'stalled' : ''),
			cols: [
				{ key: 'src', label: 'source', drop: 2 },
				{ key: 'id', label: 'pool', num: true },
				{ key: 'cpu', label: 'cpu', num: true, fmt: (v) => (v < 0 ? 'unbound' : v), drop: 3 },
				{ key: 'nice', label: 'nice', num: true, drop: 9 },
				{ key: 'flags', label: 'flags', drop: 8 },
				{ key: 'workers', label: 'workers', num: true, drop: 6 },
				{ key: 'idle', label: 'idle', num: true, drop: 7 },
				{ key: 'running', label: 'running', num: true },
				{ key: 'pending', label: 'pending', num: true, sev: (r) => (r.pending ? severity(r.oldest, T.pendWarnNs, T.pendCritNs) : '') },
				{ key: 'oldest', label: 'oldest pending', num: true, fmt: (v) => (v ? fmtDur(v) : '–'), sev: (r) => severity(r.oldest, T.pendWarnNs, T.pendCritNs) },
				{ key: 'cpuPct', label: 'CPU', num: true, fmt: fmtPct, sev: (r) => severity(r.cpuPct, T.cpuWarn, T.cpuCrit), title: 'on-CPU time of the pool’s kworkers, % of one CPU, last interval' },
			],
		}),
		wqs: new LiveTable($('#wqs'), {
			sort: 'rate', desc: true, rowKey: (r) => r.key, empty: 'no workqueues seen yet',
			filterText: (r) => `${r.src} ${r.name}`,
			cols: [
				{ key: 'src', label: 'source', drop: 3 },
				{ key: 'name', label: 'workqueue', cls: 'name', tip: (r) => (r.name === '?' ? `${UNKNOWN_WQ}; or ${OVERFLOW}` : '') },
				{ key: 'queued', label: 'total queued', num: true, fmt: fmtCount, title: 'items queued since the source started (not per interval)', drop: 9 },
				...latCols,
			],
		}),
		fns: new LiveTable($('#fns'), {
			sort: 'rate', desc: true, rowKey: (r) => r.key, empty: 'no work functions seen yet',
			filterText: (r) => `${r.src} ${r.fn} ${r.wq}`,
			onRowClick: (key) => setFocus(state.focus === key ? null : key),
			cols: [
				{ key: 'src', label: 'source', drop: 3 },
				{ key: 'fn', label: 'function', cls: 'name', tip: fnTip },
				{ key: 'wq', label: 'workqueue', drop: 5, tip: wqTip },
				{ key: 'pool', label: 'pool', num: true, drop: 6, fmt: (v) => (v < 0 ? '–' : v) },
				{ key: 'queued', label: 'total queued', num: true, fmt: fmtCount, title: 'items queued since the source started (not per interval)', drop: 9 },
				...latCols,
			],
		}),
	};
}

// @v: the row's interval view (its cpu_percent: the core's, docs/COLUMNS.md).
function histRow(h, v) {
	return {
		lat50: pct(h.lat, 'p50_ns'), lat99: pct(h.lat, 'p99_ns'), latmax: pct(h.lat, 'max_ns'),
		run99: pct(h.run, 'p99_ns'),
		cpu: v?.cpu_percent ?? null,
	};
}

function renderTables(snaps, multi) {
	if (!tables) tables = makeTables();
	const hideSrc = multi ? [] : ['src'];
	for (const t of Object.values(tables)) t.setHidden(hideSrc);
	const pools = [], wqs = [], fns = [];
	for (const d of snaps) {
		const src = d.source;
		const view = state.latest.get(src);
		const vPools = new Map((view?.pools || []).map((p) => [p.id, p]));
		for (const p of d.pools || []) {
			const vp = vPools.get(p.id);
			pools.push({
				key: poolKey(src, p.id), src, id: p.id, cpu: p.cpu, nice: p.nice, label: poolLabel(p),
				flags: (p.flag_names || []).join(' ') || '–', workers: p.workers, idle: p.idle,
				running: p.running, pending: p.pending, oldest: p.oldest_pending_ns,
				cpuPct: vp?.cpu_percent ?? null,
			});
		}
		const vW = new Map((view?.workqueues || []).map((w) => [w.name, w]));
		for (const w of d.workqueues || []) {
			const vw = vW.get(w.name);
			const h = (state.mode === 'interval' ? vw?.hist : w.hist) || {};
			wqs.push({
				key: wqKey(src, w.name), src, name: w.name, queued: w.queued,
				rate: vw?.queued_per_second ?? 0,
				...histRow(h, vw),
			});
		}
		const vS = new Map((view?.series || []).map((s) => [seriesKey(src, s), s]));
		for (const s of d.series || []) {
			const key = seriesKey(src, s);
			const vs = vS.get(key);
			const h = (state.mode === 'interval' ? vs?.hist : s.hist) || {};
			fns.push({
				key, src, fn: s.function, wq: s.workqueue, pool: s.pool_id, queued: s.queued,
				rate: vs?.queued_per_second ?? 0,
				...histRow(h, vs),
			});
		}
	}
	tables.pools.update(pools);
	tables.wqs.update(wqs);
	tables.fns.update(fns, state.focus);
}

/* ---------- interaction ---------- */

function setFocus(key) {
	state.focus = key;
	writeHash();
	render();
}

// The "Charts show" chip (again at each render: whether to name the
// source depends on the data, which a focus from the URL comes before).
function renderFocus() {
	const key = state.focus;
	if (key) {
		const [src, pool, wq, fn] = keyParts(key);
		state.focusLabel = `${fn} · ${wq} · pool ${pool}${manySources() ? ` · ${src}` : ''}`;
	}
	$('#focus').textContent = key ? state.focusLabel : state.source ? `all work of ${state.source}` : 'all work';
	$('#focus').classList.toggle('on', !!key);
	$('#focus-clear').hidden = !key;
}

// The charts show the last @ms of the window the page holds.
function setRange(ms) {
	state.rangeMs = ms;
	writeHash();
	for (const o of document.querySelectorAll('#range button')) o.setAttribute('aria-pressed', String(+o.dataset.range * 1e3 === ms));
	if (state.snapshot) render();
}

// Show one source (or all, @name null) on the whole page.
function setSource(name) {
	state.source = name;
	if (state.focus && !shown(keyParts(state.focus)[0])) state.focus = null;
	writeHash();
	document.body.dataset.source = name || '';
	setFocus(state.focus);
}

// A saved history (wqmon-history, as "history ⤓" downloads it; gzipped
// too) or a recording (wqctl record): live updates stop and the page
// shows the file's views, the newest 10 minutes of them, until live is
// pressed.
async function openFile(file) {
	// JSON is a history; anything else is read as a recording, whose
	// reader says what is wrong with it (as wqctl would).
	if (/^\s*[{[]/.test(await sniffText(file))) return openHistory(file);
	return openRecording(file);
}

const NOT_A_FILE = 'is neither a wqmon-history document with views (history ⤓ saves one) ' +
	'nor a wqmon-recording (wqctl record makes one)';

async function openHistory(file) {
	const buf = await file.arrayBuffer();
	const head = new Uint8Array(buf.slice(0, 2));
	let text;
	if (head[0] === 0x1f && head[1] === 0x8b) {
		const s = new Blob([buf]).stream().pipeThrough(new DecompressionStream('gzip'));
		text = await new Response(s).text();
	} else {
		text = new TextDecoder().decode(buf);
	}
	let doc = null;
	try { doc = JSON.parse(text); } catch { doc = null; }
	if (doc?.format !== 'wqmon-history' || !Array.isArray(doc.views) || !doc.views.length)
		throw new Error(`${file.name} ${NOT_A_FILE}`);
	// The tables read a snapshot: each source's last view stands for it.
	showFile(file.name, doc, null);
	const reals = doc.views.map((v) => v.real_ns / 1e6);
	showBanner('info', `Showing ${file.name}: ${doc.views.length} views, ${fmtClock(Math.min(...reals))} to ` +
		`${fmtClock(Math.max(...reals))}. Live updates are paused: press live to return.`);
}

// Drop the views older than the window the page keeps, as they come:
// a recording of hours is read without holding all of it.
function keepWindow(views) {
	const newest = views[views.length - 1].mono_ns;
	let i = 0;
	while (i < views.length && views[i].mono_ns <= newest - WINDOW_NS) i++;
	if (i > 64) views.splice(0, i);
}

// A recording: its text views read and checked as wqctl reads them
// (web/textview.js), consecutive views of a source made into interval
// views as the daemon makes them.  A damaged file shows what could be
// read before the damage, and the one line that says where it is.
async function openRecording(file) {
	const stream = new Intervals();
	const views = [];
	let first = null;
	const { views: read, error } = await readRecording(file, file.name, (s) => {
		const d = stream.push(s);
		if (!d) return;
		const v = snapshotJson(d);
		// The charts need the latency slots only (compactView).
		for (const r of v.series) for (const k of Object.keys(r.hist)) if (k !== 'lat') delete r.hist[k].slots;
		first ??= v.real_ns;
		views.push(v);
		keepWindow(views);
	});
	if (!views.length) {
		throw new Error(error || `${file.name}: ${read} view${read === 1 ? '' : 's'} of each source, no interval: ` +
			'an interval needs two views taken at different times (record for longer)');
	}
	const intervals = views[views.length - 1].interval_ns;
	showFile(file.name, { interval_ns: intervals, views }, [...stream.cur.values()].map(snapshotJson));
	const span = `${fmtClock(first / 1e6)} to ${fmtClock(views[views.length - 1].real_ns / 1e6)}`;
	const paused = 'Live updates are paused: press live to return.';
	showBanner(error ? 'damaged' : 'info', error ? `${error}. Showing the intervals before it, ${span}. ${paused}` :
		`Showing ${file.name}: ${read} views, ${span}. ${paused}`);
}

// Show a file's interval views (@doc, a wqmon-history) instead of live
// data; @snaps: each source's cumulative snapshot, or null: its last view.
function showFile(name, doc, snaps) {
	setLive(false);
	state.file = name;
	state.bins.clear();
	state.latest.clear();
	state.lastMono = null;
	ingestHistory(doc);
	state.snapshot = { format: 'wqmon-snapshot', snapshots: snaps || [...state.latest.values()] };
	document.body.dataset.file = name;
	render();
}

function setLive(on) {
	if (on && state.file) {
		// Back from a file: the live window starts again.
		state.file = null;
		delete document.body.dataset.file;
		state.bins.clear();
		state.latest.clear();
		state.lastMono = null;
		hideBanner('info');
		hideBanner('damaged');
	}
	state.live = on;
	if (!on && state.timer) {
		clearTimeout(state.timer);
		state.timer = null;
	}
	renderHeader();
	if (on) poll();
}

function init() {
	$('#live').addEventListener('click', () => setLive(!state.live));
	$('#open input').addEventListener('change', (ev) => {
		const f = ev.target.files[0];
		ev.target.value = '';
		if (f) openFile(f).catch((e) => showBanner('info', `Cannot open it: ${e.message}`, 15000));
	});
	$('#focus-clear').addEventListener('click', () => setFocus(null));
	$('#sources').addEventListener('click', (ev) => {
		const chip = ev.target.closest('button[data-source]');
		if (chip) setSource(state.source === chip.dataset.source ? null : chip.dataset.source);
	});
	window.addEventListener('hashchange', () => {
		readHash();
		setRange(state.rangeMs);
		setSource(state.source);
	});
	document.addEventListener('keydown', (ev) => {
		if (ev.target.closest('input')) return;
		if (ev.key === 'Escape' && state.focus) setFocus(null);
		if (ev.key === 'p') setLive(!state.live);
	});
	for (const b of document.querySelectorAll('#wqs .seg button')) {
		b.addEventListener('click', () => {
			state.mode = b.dataset.mode;
			for (const o of document.querySelectorAll('#wqs .seg button')) o.setAttribute('aria-pressed', String(o === b));
			render();
		});
	}
	$('#range').innerHTML = RANGES_S.map((r) => `<button type="button" data-range="${r}" title="show the last ${fmtAge(r * 1e9)} in the charts">${r % 60 ? fmtAge(r * 1e9) : `${r / 60}m`}</button>`).join('');
	$('#range').addEventListener('click', (ev) => {
		const b = ev.target.closest('button[data-range]');
		if (b) setRange(+b.dataset.range * 1e3);
	});
	let resize = null;
	window.addEventListener('resize', () => {
		clearTimeout(resize);
		resize = setTimeout(() => state.snapshot && render(), 150);
	});
	tables = makeTables();
	queuers = startQueuers($('#queuers'), getJSON);
	slow = startSlow($('#slow'), getJSON);
	readHash();
	setRange(state.rangeMs);
	setSource(state.source);
	poll();
	startConfig($('#config'), getJSON);
}

init();
