// SPDX-License-Identifier: GPL-2.0
// The kernel's workqueue configuration (/api/v1/config, docs/FORMAT.md
// "wqmon-config"): every workqueue with its flags, limits and the pools it
// queues to, and every pool with the workqueues that use it.  Clicking a
// pool keeps only its workqueues in view: the pool ↔ workqueue map.  Read
// every 30 s (the daemon reads the kernel every [kernel] config_interval);
// when the daemon has none, the panel says why.

import { LiveTable } from './table.js';

const CONFIG_EVERY_MS = 30000;

// A workqueue's "default" scope names what it stands for, as sysfs does.
function scope(w, cfg) {
	if (!w.affinity_scope) return '–';
	const s = w.affinity_scope === 'default' && cfg.default_affinity_scope ?
		`default (${cfg.default_affinity_scope})` : w.affinity_scope;
	return w.affinity_strict ? `${s}, strict` : s;
}

export function startConfig(root, getJSON) {
	const note = root.querySelector('.cfg-note');
	let cfg = null;
	let pool = null;	// the pool clicked: only its workqueues shown

	const wqs = new LiveTable(root.querySelector('#cfg-wqs'), {
		sort: 'name', desc: false, rowKey: (r) => r.key, empty: 'no workqueue',
		filterText: (r) => `${r.name} ${r.flags}`,
		cols: [
			{ key: 'name', label: 'workqueue', cls: 'name' },
			{ key: 'flags', label: 'flags' },
			{ key: 'max', label: 'max active', num: true, fmt: (v) => (v == null ? 'no limit' : v), title: 'max_active in force' },
			{ key: 'active', label: 'active', num: true, title: 'items counted against max_active when it was read' },
			{ key: 'cpus', label: 'cpus', drop: 3, title: "an unbound workqueue's cpumask" },
			{ key: 'scope', label: 'scope', drop: 2, title: "an unbound workqueue's affinity scope" },
			{ key: 'pools', label: 'pools', title: 'the pools it queues to' },
		],
	});
	const pools = new LiveTable(root.querySelector('#cfg-pools'), {
		sort: 'id', desc: false, rowKey: (r) => r.key, empty: 'no pool',
		filterText: (r) => `${r.id} ${r.cpus}`,
		rowClass: (r) => (pool === r.id ? 'focused' : ''),
		onRowClick: (key) => {
			const id = Number(key);
			pool = pool === id ? null : id;
			render();
		},
		cols: [
			{ key: 'id', label: 'pool', num: true },
			{ key: 'cpus', label: 'cpus' },
			{ key: 'nice', label: 'nice', num: true, drop: 3 },
			{ key: 'bh', label: 'bh', fmt: (v) => (v ? 'softirq' : ''), title: 'BH: runs in softirq context, no workers', drop: 4 },
			{ key: 'workers', label: 'workers', num: true },
			{ key: 'idle', label: 'idle', num: true, drop: 2 },
			{ key: 'used', label: 'workqueues', num: true, title: 'workqueues that queue to it: click the row to see them',
				tip: (r) => r.names },
		],
	});

	function render() {
		if (!cfg) return;
		const users = new Map();
		for (const w of cfg.workqueues) {
			for (const p of w.pools) {
				if (!users.has(p)) users.set(p, []);
				users.get(p).push(w.name);
			}
		}
		const list = cfg.workqueues.filter((w) => pool == null || w.pools.includes(pool));
		wqs.update(list.map((w, i) => ({
			key: `${w.name}#${i}`, name: w.name, flags: w.flags.join(',') || '–',
			max: w.max_active === 2147483647 ? null : w.max_active, active: w.active,
			cpus: w.cpus || '–', scope: scope(w, cfg), pools: w.pools.join(','),
		})));
		pools.update(cfg.pools.map((p) => ({
			key: String(p.id), id: p.id, cpus: p.cpus, nice: p.nice, bh: p.bh,
			workers: p.workers, idle: p.idle, used: (users.get(p.id) || []).length,
			names: (users.get(p.id) || []).join(', '),
		})));
		const m = cfg.cpumasks;
		note.textContent = `workqueue cpumask: requested ${m.requested || '–'}, effective ${m.effective || '–'}, ` +
			`isolated ${m.isolated || '–'} · read ${new Date(cfg.time_ns / 1e6).toLocaleTimeString()}` +
			(pool != null ? ` · showing the workqueues of pool ${pool} (click it again for all)` : '');
	}

	async function load() {
		try {
			cfg = await getJSON('api/v1/config');
			root.classList.remove('none');
			render();
		} catch (e) {
			cfg = null;
			root.classList.add('none');
			note.textContent = `no workqueue configuration: ${e.message}`;
		}
		setTimeout(load, CONFIG_EVERY_MS);
	}
	load();
}
