// SPDX-License-Identifier: GPL-2.0
// "Who is causing this": the processes, cgroups and interrupt contexts
// that queued the work, with the kworker CPU charged back to them, from
// /api/v1/queuers (the daemon ranks them: wq_snapshot__top_queuers, the
// top K and the rest folded into one "other" row).  For the whole host,
// or for the series the charts focus on.  The numbers are the daemon's.

import { LiveTable } from './table.js';
import { fmtDur, fmtRate, fmtCount, fmtPct, escapeHtml } from './format.js';
import { keyParts } from './model.js';

export const TOP = 10;

const CTX_TIP = {
	task: 'queued by a process (its comm, its last tgid, its cgroup)',
	softirq: 'queued in softirq context: no process to name (not the task it interrupted)',
	hardirq: 'queued in hard-IRQ context: no process to name (not the task it interrupted)',
	nmi: 'queued in NMI context',
	other: 'the queuers past the top ones, added up, or items that could not be attributed (the table was full)',
};

// The mean wait (queued → started) of the row's items: its wait sum over
// the items started.  The one number here the daemon does not serve.
export function avgWait(r) {
	return r.lat_avg_seconds != null ? r.lat_avg_seconds * 1e9 : null;
}

export function startQueuers(root, getJSON) {
	const note = root.querySelector('.q-note');
	const title = root.querySelector('.q-scope');
	let order = 'cpu';
	let scope = { source: null, focus: null, file: null };
	let inflight = false;
	let shown = '';		// the query of the rows shown

	const table = new LiveTable(root.querySelector('.tbl'), {
		sort: 'rank', desc: false, rowKey: (r) => r.key, empty: 'no work queued in the last interval',
		filterText: (r) => `${r.context} ${r.comm} ${r.cgroup} ${r.tgid}`,
		rowClass: (r) => (r.context === 'other' ? 'folded' : ''),
		cols: [
			{ key: 'rank', label: '#', num: true, drop: 9, title: 'rank in the daemon\'s order' },
			{ key: 'context', label: 'context', tip: (r) => CTX_TIP[r.context] || '' },
			{ key: 'comm', label: 'comm', cls: 'name', fmt: (v, r) => (r.context === 'other' && v === 'other' ? 'other (the rest)' : v || '–') },
			{ key: 'tgid', label: 'tgid', num: true, fmt: (v) => (v > 0 ? v : '–'), drop: 5, title: 'the last process seen of that comm and cgroup' },
			{ key: 'cgroup', label: 'cgroup', cls: 'name', fmt: (v) => v || '–', drop: 3 },
			{ key: 'queued', label: 'queued', num: true, fmt: fmtCount, title: 'items queued in the last interval' },
			{ key: 'rate', label: 'rate/s', num: true, fmt: fmtRate, drop: 6, title: 'items queued per second, last interval' },
			{ key: 'wait', label: 'avg wait', num: true, fmt: fmtDur, drop: 4, title: 'mean wait (queued → started) of the items it queued: wait summed over items started' },
			{ key: 'cpu', label: 'kworker CPU', num: true, fmt: fmtPct, title: 'kworker on-CPU time running the items it queued, % of one CPU, last interval' },
		],
	});

	function query() {
		const q = new URLSearchParams({ top: String(TOP), order });
		let src = scope.source;
		if (scope.focus) {
			const [s, pool, wq, fn] = keyParts(scope.focus);
			src = s;
			q.set('workqueue', wq);
			q.set('function', fn);
			q.set('pool', String(pool));
		}
		if (src) q.set('source', src);
		return `api/v1/queuers?${q}`;
	}

	function say(kind, html) {
		root.dataset.state = kind;
		note.innerHTML = html;
	}

	function show(doc, url) {
		if (!doc.tracked) {
			say('untracked', `${escapeHtml(doc.source || 'this source')} does not track who queues work: ` +
				'set <code>[kernel] queuers = yes</code> in wqmond.conf (or run wqmond with <code>-o kernel.queuers=yes</code>).');
			table.update([]);
			return;
		}
		const rows = (doc.queuers || []).map((r, i) => ({
			key: `${r.context}\u0000${r.cgroup_id}\u0000${r.comm}`, rank: i + 1,
			context: r.context, comm: r.comm, tgid: r.tgid, cgroup: r.cgroup,
			queued: r.queued, rate: r.queued_per_second ?? null, wait: avgWait(r),
			cpu: r.cpu_percent ?? null,
		}));
		const by = doc.order === 'queued' ? 'items queued' : 'kworker CPU';
		const sampled = doc.sample_every > 1 ? ` · sampled 1/${doc.sample_every}: wait and CPU are estimates` : '';
		say('rows', `${escapeHtml(doc.source)}: top ${doc.top} by ${by}, last interval` +
			`${rows.some((r) => r.context === 'other') ? ', the rest in one row' : ''}${sampled}`);
		table.update(rows);
		shown = url;
	}

	async function refresh() {
		if (scope.file) {
			say('file', `Not in ${escapeHtml(scope.file)}: who queued the work is read from the daemon, live.`);
			table.update([]);
			shown = '';
			return;
		}
		if (inflight) return;
		inflight = true;
		const url = query();
		try {
			const doc = await getJSON(url);
			// The scope changed while the answer was on its way.
			if (url === query() && !scope.file) show(doc, url);
		} catch (e) {
			say('error', `Who queued the work: unavailable: ${escapeHtml(e.message)}`);
			table.update([]);
			shown = '';
		} finally {
			inflight = false;
		}
	}

	function setScope(next) {
		const changed = next.source !== scope.source || next.focus !== scope.focus || next.file !== scope.file;
		scope = next;
		const [, pool, wq, fn] = scope.focus ? keyParts(scope.focus) : [];
		title.textContent = scope.focus ? `of ${fn} · ${wq} · pool ${pool}` : scope.source ? `of all work of ${scope.source}` : 'of all work';
		if (changed) refresh();
	}

	for (const b of root.querySelectorAll('.seg button')) {
		b.addEventListener('click', () => {
			order = b.dataset.order;
			for (const o of root.querySelectorAll('.seg button')) o.setAttribute('aria-pressed', String(o === b));
			refresh();
		});
	}
	return { refresh, setScope, shown: () => shown };
}
