// SPDX-License-Identifier: GPL-2.0
// Slow items: one row per kernel work item whose latency or run time
// passed a [slow] threshold of the daemon, newest first.  The recent ones
// come from /api/v1/slow?limit=N, the new ones from the Server-Sent
// Events of /api/v1/slow/stream (the browser's EventSource reconnects by
// itself and sends Last-Event-ID, the seq of the last record it had, so
// the daemon goes on from there).  Every number is the daemon's
// (latency_ns, run_ns, cpu_ns, ended_real_ns); rows are merged by seq.

import { LiveTable } from './table.js';
import { fmtDur, fmtClock, escapeHtml } from './format.js';
import { keyParts } from './model.js';

export const LIMIT = 20;	// rows asked for and kept: the panel stays bounded

const WHY_TIP = {
	latency: 'waited (queued → started) at least its latency threshold',
	run: 'ran (started → ended) at least its run-time threshold',
};

// Wall time of the end, local, to the millisecond.
export function fmtWall(realNs) {
	if (!realNs) return '–';
	const ms = Math.floor(realNs / 1e6);
	return `${fmtClock(ms)}.${String(ms % 1000).padStart(3, '0')}`;
}

export function slowRow(r) {
	const q = r.queuer || null;
	return {
		seq: r.seq, time: r.ended_real_ns, wq: r.workqueue, fn: r.function,
		where: `${r.pool_id} / ${r.cpu}`, lat: r.latency_ns, run: r.run_ns, cpu: r.cpu_ns,
		context: q ? q.context : null, comm: q ? q.comm : null,
		tgid: q ? q.tgid : null, cgroup: q ? q.cgroup : null,
		why: (r.slow || []).join(', '),
		pool: r.pool_id, worker: r.bh ? 'bh' : String(r.worker_tid),
	};
}

export function startSlow(root, getJSON, EventSourceImpl = window.EventSource) {
	const note = root.querySelector('.s-note');
	const title = root.querySelector('.s-scope');
	let scope = { source: null, focus: null, file: null };
	let rows = new Map();	// seq -> row, at most LIMIT
	let es = null;
	let gen = 0;		// bumped on every scope change: late answers are dropped
	let lost = 0;
	let started = false;

	const table = new LiveTable(root.querySelector('.tbl'), {
		sort: 'seq', desc: true, rowKey: (r) => String(r.seq), empty: 'no slow items yet',
		filterText: (r) => `${r.wq} ${r.fn} ${r.comm || ''} ${r.cgroup || ''}`,
		cols: [
			{ key: 'seq', label: 'time', num: true, fmt: (v, r) => fmtWall(r.time), title: 'when it ended (wall clock)' },
			{ key: 'wq', label: 'workqueue', cls: 'name' },
			{ key: 'fn', label: 'function', cls: 'name' },
			{ key: 'where', label: 'pool / CPU', title: 'the pool it ran in, the CPU it ended on', drop: 5, tip: (r) => `worker ${r.worker}` },
			{ key: 'lat', label: 'latency', num: true, fmt: (v) => (v == null ? '–' : fmtDur(v)), title: 'queued → started; – when it was queued before the probes attached' },
			{ key: 'run', label: 'run', num: true, fmt: fmtDur, title: 'started → ended' },
			{ key: 'cpu', label: 'on-CPU', num: true, fmt: fmtDur, title: 'time the worker was on a CPU while it ran', drop: 4 },
			{ key: 'context', label: 'queuer', fmt: (v) => v || '–', title: 'the context that queued it' },
			{ key: 'comm', label: 'comm', cls: 'name', fmt: (v, r) => (v ? (r.tgid > 0 ? `${v}/${r.tgid}` : v) : '–'), drop: 3 },
			{ key: 'cgroup', label: 'cgroup', cls: 'name', fmt: (v) => v || '–', drop: 2 },
			{ key: 'why', label: 'slow by', title: 'the threshold(s) it passed', tip: (r) => r.why.split(', ').map((w) => WHY_TIP[w] || w).join('; ') },
		],
	});

	function say(kind, html) {
		root.dataset.state = kind;
		note.innerHTML = html;
	}

	// The filter of the drilled series, or none.
	function filter() {
		const q = new URLSearchParams();
		if (scope.focus) {
			const [, , wq, fn] = keyParts(scope.focus);
			q.set('workqueue', wq);
			q.set('function', fn);
		}
		return q;
	}

	function wanted(r) {
		if (!scope.focus) return true;
		const [, pool] = keyParts(scope.focus);
		return r.pool_id === pool;
	}

	function add(recs) {
		for (const r of recs)
			if (wanted(r)) rows.set(r.seq, slowRow(r));
		const keep = [...rows.keys()].sort((a, b) => b - a).slice(0, LIMIT);
		rows = new Map(keep.map((k) => [k, rows.get(k)]));
		table.update([...rows.values()]);
		root.dataset.rows = String(rows.size);
	}

	function rulesText(doc) {
		const t = doc.rules?.thresholds_ns || {};
		const parts = Object.entries(t).filter(([, v]) => v > 0).map(([k, v]) => `${k} ≥ ${fmtDur(v)}`);
		const n = doc.rules?.rules?.length || 0;
		return `${parts.join(', ') || 'defaults off'}${n ? `, ${n} rule${n > 1 ? 's' : ''} per workqueue/function` : ''}`;
	}

	function closeStream() {
		if (es) es.close();
		es = null;
	}

	async function load(g) {
		const q = filter();
		q.set('limit', String(LIMIT));
		const url = `api/v1/slow?${q}`;
		try {
			const doc = await getJSON(url);
			if (g !== gen) return null;
			add(doc.records || []);
			const lostText = lost ? ` · ${lost} lost: the stream fell behind the daemon's ring` : '';
			say('rows', `newest first, the last ${LIMIT} at most · live · slow when ${escapeHtml(rulesText(doc))}${lostText}`);
			return doc;
		} catch (e) {
			if (g !== gen) return null;
			closeStream();
			table.update([]);
			if (e.status === 404 && /slow records are off/.test(e.message)) {
				say('off', 'Slow items are off in this daemon: set thresholds under <code>[slow]</code> in wqmond.conf (docs/SLOW.md).');
			} else {
				say('error', `Slow items: unavailable: ${escapeHtml(e.message)}`);
			}
			return null;
		}
	}

	function openStream(g) {
		closeStream();
		const q = filter();
		es = new EventSourceImpl(`api/v1/slow/stream${q.size ? `?${q}` : ''}`);
		// Connected (again): read the list once more, for what came
		// between the list and the stream.
		es.addEventListener('open', () => { if (g === gen) load(g); });
		es.addEventListener('message', (ev) => {
			if (g !== gen) return;
			try {
				add([JSON.parse(ev.data)]);
			} catch (e) {
				say('error', `Slow items: a bad record from the stream: ${escapeHtml(e.message)}`);
			}
		});
		es.addEventListener('lost', (ev) => {
			if (g !== gen) return;
			try {
				lost += JSON.parse(ev.data).lost;
			} catch { /* counted as none */ }
		});
	}

	async function restart() {
		const g = ++gen;
		closeStream();
		rows = new Map();
		lost = 0;
		table.update([]);
		if (scope.file) {
			say('file', `Not in ${escapeHtml(scope.file)}: slow items are read from the daemon, live.`);
			return;
		}
		if (scope.source && scope.source !== 'kernel' && scope.focus) {
			say('other', 'Slow items are the kernel source\'s only.');
			return;
		}
		const doc = await load(g);
		if (doc && g === gen) openStream(g);
	}

	function setScope(next) {
		const changed = next.focus !== scope.focus || next.file !== scope.file ||
			(next.source !== scope.source && (next.focus || scope.focus));
		scope = next;
		const [, pool, wq, fn] = scope.focus ? keyParts(scope.focus) : [];
		title.textContent = scope.focus ? `of ${fn} · ${wq} · pool ${pool}` : 'of all work';
		if (changed || !started) {
			started = true;
			restart();
		}
	}

	return { setScope, restart, stream: () => es };
}
