// SPDX-License-Identifier: GPL-2.0
// Recordings in the browser: `wqctl record` files (docs/FORMAT.md,
// "Recordings") read back as lib/io/recording.c and lib/core/text.c read
// them, and their cumulative views made into interval views as
// lib/core/stream.c and wq_snapshot__delta make them, then written as
// wq_json__render writes a view.  The rules and the error messages are
// the C reader's, word for word, so that the page and `wqctl show
// --replay` say the same of the same file; the numbers are the C ones too
// (u64 as BigInt, rates and percentages in the same integer math).
// No DOM here.

export const RECORDING_MAGIC = 'wqmon-recording v1';
export const TEXT_FORMAT = 'wqmon-workqueues';
// v3 is v2 with the optional queuers and config sections; a view says v3
// only when it holds one.
const TEXT_VERSIONS = ['v2', 'v3'];
const V3_SECTIONS = ['queuers', 'config'];
const MAX_VIEW = 64 * 1024 * 1024;	// WQ_RECORDING_MAX_VIEW
const SLOTS = 36;
const HKINDS = ['q2a', 'a2s', 'lat', 'run', 'cpu'];
const COUNTERS = ['pending_dropped', 'worker_dropped', 'series_dropped', 'pending_cancelled',
	'pending_stale', 'worker_reaped', 'started_unseen', 'unpaired', 'end_lost',
	'probe_missed', 'series_reclaimed', 'rejected'];
const SECTIONS = ['counters', 'pools', 'workqueues', 'functions', 'histograms', 'queuers', 'config'];
const QCTX = ['task', 'softirq', 'hardirq', 'nmi', 'other'];	// enum wq_qctx
// The configuration's bounds and names (lib/core/wqconfig.h).
const CFG = { wqs: 8192, pools: 16384, cpus: 8192, name: 32, cpusLen: 256, scope: 16 };
const CFG_FLAGS = ['bh', 'unbound', 'freezable', 'mem_reclaim', 'highpri', 'cpu_intensive', 'sysfs',
	'power_efficient', 'percpu', 'ordered'];
const MAX_FIELDS = 3 + SLOTS + 4;
// Name sizes of lib/core/model.h, with their NUL: a name is one less.
const LEN = { source: 48, kernel: 64, workqueue: 32, function: 64, comm: 16, cgroup: 128 };
const POOL_FLAGS = [['U', 1, 'unbound'], ['B', 2, 'bh'], ['H', 4, 'highpri']];
const U64_MAX = (1n << 64n) - 1n;

export class TextViewError extends Error {}

const utf8 = new TextEncoder();

// A field quoted in a message: bounded, and only printable bytes (text.c
// quote()).
function quote(tok) {
	const b = utf8.encode(tok);
	const n = Math.min(b.length, 44);
	let s = '';
	for (let i = 0; i < n; i++) s += b[i] > 0x20 && b[i] < 0x7f ? String.fromCharCode(b[i]) : '?';
	return s + (b.length > n ? '...' : '');
}

function getU64(t) {
	if (!/^[0-9]+$/.test(t)) return null;
	const v = BigInt(t);
	return v > U64_MAX ? null : v;
}

function getS32(t) {
	if (!/^-?[0-9]+$/.test(t)) return null;
	const v = BigInt(t);
	return v < -2147483648n || v > 2147483647n ? null : Number(v);
}

// "<int>.<d>" with exactly @decimals digits, scaled by 10^decimals.
function getFixed(t, decimals) {
	const dot = t.indexOf('.');
	if (dot < 0) return null;
	const ip = getU64(t.slice(0, dot)), fp = t.slice(dot + 1);
	if (ip == null || fp.length !== decimals || getU64(fp) == null) return null;
	const v = ip * 10n ** BigInt(decimals) + BigInt(fp);
	return v > U64_MAX ? null : v;
}

const getUs = (t) => getFixed(t, 3);

// /proc/mounts escapes (\ooo); "-" is the empty name; at most @size - 1
// bytes.
function getName(t, size) {
	if (t === '-') return '';
	let out = '';
	for (let i = 0; i < t.length; i++) {
		let c = t[i];
		if (c === '\\') {
			const o = t.slice(i + 1, i + 4);
			if (!/^[0-3][0-7][0-7]$/.test(o) || o === '000') return null;
			c = String.fromCharCode(parseInt(o, 8));
			i += 3;
		}
		out += c;
	}
	return utf8.encode(out).length < size ? out : null;
}

// YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ, a date that exists, as ns since 1970.
function getTime(t) {
	const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{9})Z$/.exec(t);
	if (!m) return null;
	const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
	const ms = Date.UTC(y, mo - 1, d, h, mi, s);
	const back = new Date(ms);
	if (y < 1900 || ms < 0 || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d ||
		back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) return null;
	return BigInt(ms / 1000) * 1000000000n + BigInt(m[7]);
}

// The line reader of text.c: fields split by spaces and tabs, comments and
// blank lines skipped when asked; errors name the line.
class Parser {
	constructor(text) {
		this.lines = text.split('\n');
		// A final newline ends the last line; it does not begin another.
		if (this.lines.length && this.lines[this.lines.length - 1] === '') this.lines.pop();
		this.i = 0;
		this.lineno = 0;
		this.t = [];
		this.what = '';
	}

	fail(msg) {
		throw new TextViewError(`line ${this.lineno}: ${msg}`);
	}

	// true with this.t set; false at the end of the input.
	next(skip) {
		for (;;) {
			this.lineno++;
			if (this.i >= this.lines.length) return false;
			const line = this.lines[this.i++];
			if (line.includes('\0')) this.fail('NUL byte in line');
			this.t = line.split(/[ \t]+/).filter((f) => f !== '');
			if (this.t.length > MAX_FIELDS) this.fail(`too many fields (more than ${MAX_FIELDS})`);
			if (skip && (!this.t.length || this.t[0][0] === '#')) continue;
			return true;
		}
	}

	badField(i, what) {
		this.fail(`${this.what}: field ${i + 1}: bad ${what} '${quote(this.t[i])}'`);
	}

	want(n) {
		const nt = this.t.length;
		if (nt !== n) this.fail(`${this.what}: expected ${n} fields, found ${nt}${nt < n ? ' (truncated line?)' : ''}`);
	}

	row(i, n) {
		if (!this.next(true)) this.fail(`${this.what}: input ends after ${i} of ${n} rows`);
	}

	// Field @i must be "@key=<value>".
	kv(i, key) {
		const t = this.t[i];
		return t.length > key.length + 1 && t.startsWith(`${key}=`) ? t.slice(key.length + 1) : null;
	}
}

function parseHeader(p, s) {
	p.what = 'header';
	if (!p.next(false)) p.fail('empty input');
	const t = p.t;
	if (!t.length || t[0] !== TEXT_FORMAT)
		p.fail(`not a ${TEXT_FORMAT} file (first field must be '${TEXT_FORMAT}')`);
	if (t.length < 2 || !TEXT_VERSIONS.includes(t[1]))
		p.fail(`unsupported version '${t.length < 2 ? '' : quote(t[1])}' (this parser reads ${TEXT_VERSIONS.join(' and ')})`);
	s.version = t[1];
	if (t.length !== 8) p.want(7);
	const keys = ['source', 'kernel', 'time', 'mono_ns', 'interval_us'];
	const read = [(v) => getName(v, LEN.source), (v) => getName(v, LEN.kernel), getTime, getU64, getUs];
	const vals = keys.map((k, i) => {
		const v = p.kv(i + 2, k);
		if (v == null) p.fail(`header: field ${i + 3} must be ${k}=...`);
		const x = read[i](v);
		if (x == null) p.badField(i + 2, k);
		return x;
	});
	[s.source, s.kernel, s.real_ns, s.mono_ns, s.interval_ns] = vals;
	if (t.length === 8) {
		const v = p.kv(7, 'sample_every');
		if (v == null) p.fail('header: field 8 must be sample_every=...');
		const n = getU64(v);
		if (n == null || n < 2n || n > 0xffffffffn) p.badField(7, 'sample_every (2 or more)');
		s.sample_every = Number(n);
	}
}

function parseCounters(p, s, n) {
	for (let i = 0n; i < n; i++) {
		p.row(i, n);
		p.want(2);
		if (!COUNTERS.includes(p.t[0])) p.badField(0, 'counter name');
		const v = getU64(p.t[1]);
		if (v == null) p.badField(1, 'number');
		s.counters[p.t[0]] = v;
	}
}

function getFlags(t) {
	if (t === '-') return 0;
	let flags = 0, f = 0, i = 0;
	for (; i < t.length && t[i] !== '+'; i++) {
		while (f < POOL_FLAGS.length && POOL_FLAGS[f][0] !== t[i]) f++;
		if (f === POOL_FLAGS.length) return null;
		flags |= POOL_FLAGS[f++][1];
	}
	if (i === t.length) return i > 0 ? flags : null;
	const m = /^\+0x([0-9a-f]{1,8})$/.exec(t.slice(i));
	if (!m) return null;
	const rest = parseInt(m[1], 16);
	if (!rest || POOL_FLAGS.some(([, bit]) => rest & bit)) return null;
	return (flags | rest) >>> 0;
}

function parsePools(p, s, n) {
	const cols = [['id', 'pool id', getS32], ['cpu', 'cpu', (t) => (t === 'u' ? -1 : getS32(t))],
		['nice', 'nice', getS32], ['flags', 'flags', getFlags], ['workers', 'workers', getS32],
		['idle', 'idle', getS32], ['running', 'running', getS32], ['pending', 'pending', getU64],
		['oldest_pending_ns', 'oldest_us', getUs], ['cpu_ns', 'cpu_us', getUs]];
	for (let i = 0n; i < n; i++) {
		p.row(i, n);
		p.want(10);
		const pool = {};
		cols.forEach(([key, what, get], j) => {
			const v = get(p.t[j]);
			if (v == null) p.badField(j, what);
			pool[key] = v;
		});
		s.pools.push(pool);
	}
}

// The derived columns of workqueues and functions rows, from field @i on:
// only their syntax is checked.
function checkStats(p, i) {
	const names = ['rate/s', 'lat_p50_us', 'lat_p99_us', 'lat_max_us', 'run_p50_us', 'run_p99_us', 'run_max_us', 'cpu_us'];
	for (let j = 0; j < 8; j++) {
		const t = p.t[i + j];
		const pctl = j === 1 || j === 2 || j === 4 || j === 5;
		const ok = j === 0 ? t === '-' || getFixed(t, 1) != null : (pctl && t === '-') || getUs(t) != null;
		if (!ok) p.badField(i + j, names[j]);
	}
}

function checkCounts(p, from, to) {
	for (let i = from; i < to; i++) if (getU64(p.t[i]) == null) p.badField(i, 'count');
}

function checkWorkqueues(p, s, n) {
	for (let i = 0n; i < n; i++) {
		p.row(i, n);
		p.want(12);
		if (getName(p.t[0], LEN.workqueue) == null) p.badField(0, 'workqueue name');
		checkCounts(p, 1, 4);
		checkStats(p, 4);
	}
}

function checkFunctions(p, s, n) {
	for (let i = 0n; i < n; i++) {
		p.row(i, n);
		p.want(15);
		if (getName(p.t[0], LEN.function) == null) p.badField(0, 'function name');
		if (getName(p.t[1], LEN.workqueue) == null) p.badField(1, 'workqueue name');
		if (getS32(p.t[2]) == null) p.badField(2, 'pool id');
		checkCounts(p, 3, 7);
		checkStats(p, 7);
	}
}

function parseHist(p, r, k) {
	if (p.t.length < 3 || p.t[0] !== HKINDS[k]) p.fail(`histograms: expected a '${HKINDS[k]}' line`);
	let v = p.kv(1, 'sum_us');
	r.sum_ns[k] = v == null ? null : getUs(v);
	if (r.sum_ns[k] == null) p.badField(1, 'sum_us=');
	v = p.kv(2, 'max_us');
	r.max_ns[k] = v == null ? null : getUs(v);
	if (r.max_ns[k] == null) p.badField(2, 'max_us=');
	let last = -1;
	for (let i = 3; i < p.t.length; i++) {
		const t = p.t[i];
		const colon = t.indexOf(':');
		if (colon < 0) p.badField(i, 'SLOT:COUNT');
		const slot = getU64(t.slice(0, colon));
		if (slot == null || slot >= BigInt(SLOTS) || Number(slot) <= last) p.badField(i, 'slot (0..35, increasing)');
		const count = getU64(t.slice(colon + 1));
		if (!count) p.badField(i, 'slot count');
		r.hist[k][Number(slot)] = count;
		last = Number(slot);
	}
}

function parseHistograms(p, s, n) {
	const keys = ['queued', 'activated', 'started', 'completed', 'cancelled'];
	for (let i = 0n; i < n; i++) {
		p.row(i, n);
		if (p.t[0] !== 'series') p.fail("histograms: expected a 'series' line");
		p.want(9);
		const r = newSeries();
		r.pool_id = getS32(p.t[1]);
		if (r.pool_id == null) p.badField(1, 'pool id');
		r.workqueue = getName(p.t[2], LEN.workqueue);
		if (r.workqueue == null) p.badField(2, 'workqueue name');
		r.function = getName(p.t[3], LEN.function);
		if (r.function == null) p.badField(3, 'function name');
		keys.forEach((key, k) => {
			const v = p.kv(4 + k, key);
			r[key] = v == null ? null : getU64(v);
			if (r[key] == null) p.badField(4 + k, key);
		});
		for (let k = 0; k < HKINDS.length; k++) {
			if (!p.next(true)) p.fail('histograms: input ends inside a series');
			parseHist(p, r, k);
		}
		s.series.push(r);
	}
}

// Who queued the work (v3): one row per (series, context, cgroup_id,
// comm), put in the canonical order as wq_queuers__sort does.
function parseQueuers(p, s, n) {
	const cols = [['workqueue', 'workqueue name', (t) => getName(t, LEN.workqueue)],
		['function', 'function name', (t) => getName(t, LEN.function)], ['pool_id', 'pool id', getS32],
		['context', 'context (task, softirq, hardirq, nmi or other)', (t) => (QCTX.includes(t) ? t : null)],
		['comm', 'comm', (t) => getName(t, LEN.comm)], ['tgid', 'tgid', getS32], ['cgroup_id', 'cgroup_id', getU64],
		['cgroup', 'cgroup', (t) => getName(t, LEN.cgroup)], ['queued', 'queued', getU64],
		['started', 'started', getU64], ['completed', 'completed', getU64], ['lat_ns', 'lat_us', getUs],
		['run_ns', 'run_us', getUs], ['cpu_ns', 'cpu_us', getUs]];
	for (let i = 0n; i < n; i++) {
		p.row(i, n);
		p.want(14);
		const q = {};
		cols.forEach(([key, what, get], j) => {
			const v = get(p.t[j]);
			if (v == null) p.badField(j, what);
			q[key] = v;
		});
		s.queuers.push(q);
	}
	s.queuers.sort(cmpQueuer);
	for (let i = 1; i < s.queuers.length; i++)
		if (!cmpQueuer(s.queuers[i - 1], s.queuers[i])) p.fail('queuers: two rows of one queuer (same series, context, cgroup_id and comm)');
}

// strncmp's order: by bytes.
function byteOrder(a, b) {
	const x = utf8.encode(a), y = utf8.encode(b);
	for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
	return x.length - y.length;
}

const cmpNum = (a, b) => (a > b) - (a < b);
function cmpQueuer(a, b) {
	return byteOrder(a.workqueue, b.workqueue) || byteOrder(a.function, b.function) || cmpNum(a.pool_id, b.pool_id) ||
		cmpNum(QCTX.indexOf(a.context), QCTX.indexOf(b.context)) || cmpNum(a.cgroup_id, b.cgroup_id) ||
		byteOrder(a.comm, b.comm);
}

// The configuration (v3): checked as wq_text__parse checks it, and left
// out of the snapshot as it does.
const cfgInt = (lo, hi, dash) => (t) => {
	if (dash && t === '-') return true;
	const v = getS32(t);
	return v != null && v >= lo && v <= hi;
};
const yesNo = (dash) => (t) => t === 'yes' || t === 'no' || (dash && t === '-');
const I32 = 2147483647;
const u32 = (t) => {
	const v = getU64(t);
	return v != null && v <= 0xffffffffn;
};

function cfgIds(t, want) {
	if (!want && t === '-') return true;
	const ids = t.split(',');
	return (!want || ids.length === want) && ids.every(cfgInt(0, I32, want !== 0));
}

function cfgFlags(t) {
	return t === '-' || t.split(',').every((f) => CFG_FLAGS.includes(f));
}

function parseConfig(p) {
	const t = p.t;
	const nw = t.length === 3 ? getU64(t[1]) : null, np = t.length === 3 ? getU64(t[2]) : null;
	if (nw == null || np == null) p.fail("config: section line must be 'config WORKQUEUES POOLS'");
	if (nw > CFG.wqs || np > CFG.pools) p.fail(`config: more than ${CFG.wqs} workqueues or ${CFG.pools} pools`);
	p.row(0, 1);
	if (p.t[0] !== 'system') p.fail("config: expected the 'system' line");
	p.want(11);
	const sys = [['nr_cpus', cfgInt(1, CFG.cpus, false)], ['complete', yesNo(false)], ['time_ns', (v) => getU64(v) != null],
		['requested', (v) => getName(v, CFG.cpusLen) != null], ['effective', (v) => getName(v, CFG.cpusLen) != null],
		['isolated', (v) => getName(v, CFG.cpusLen) != null], ['default_affinity_scope', (v) => getName(v, CFG.scope) != null],
		['dropped_workqueues', u32], ['dropped_pwqs', u32],
		['dropped_pools', u32]];
	let nrCpus = 0;
	sys.forEach(([key, ok], i) => {
		const v = p.kv(i + 1, key);
		if (v == null) p.fail(`config: field ${i + 2} must be ${key}=...`);
		if (!ok(v)) p.badField(i + 1, key);
		if (!i) nrCpus = Number(v);
	});
	const name = (len) => (v) => getName(v, len) != null;
	const wq = [['workqueue name', (v) => !!getName(v, CFG.name)], ['flags', cfgFlags], ['max_active', cfgInt(0, I32, true)],
		['saved_max', cfgInt(0, I32, true)], ['min', cfgInt(0, I32, true)], ['active', cfgInt(0, I32, false)],
		['rescuer', yesNo(false)], ['nice', cfgInt(-20, 19, true)], ['scope', name(CFG.scope)], ['strict', yesNo(true)],
		['dfl_pool', cfgInt(0, I32, true)], ['dropped', u32], ['cpus', name(CFG.cpusLen)],
		['pools (ids, comma-separated)', (v) => cfgIds(v, 0)],
		['cpu_pools (one pool id or - per CPU)', (v) => cfgIds(v, nrCpus)]];
	const pool = [['id', cfgInt(0, I32, false)], ['cpu', (v) => v === 'u' || cfgInt(0, CFG.cpus, false)(v)],
		['node', cfgInt(-1, I32, false)], ['nice', cfgInt(-20, 19, true)], ['bh', yesNo(false)],
		['workers', cfgInt(0, I32, false)], ['idle', cfgInt(0, I32, false)], ['running', cfgInt(0, I32, false)],
		['cpus', name(CFG.cpusLen)]];
	for (const [n, word, cols] of [[nw, 'wq', wq], [np, 'pool', pool]]) {
		for (let i = 0n; i < n; i++) {
			p.row(i, n);
			if (p.t[0] !== word) p.fail(`config: expected a '${word}' line`);
			p.want(cols.length + 1);
			cols.forEach(([what, ok], j) => {
				if (!ok(p.t[j + 1])) p.badField(j + 1, what);
			});
		}
	}
}

function newSeries() {
	return {
		pool_id: 0, workqueue: '', function: '',
		queued: 0n, activated: 0n, started: 0n, completed: 0n, cancelled: 0n, unseen: 0n, unpaired: 0n,
		sum_ns: HKINDS.map(() => 0n), max_ns: HKINDS.map(() => 0n),
		hist: HKINDS.map(() => new Array(SLOTS).fill(0n)),
	};
}

function newSnapshot() {
	return {
		source: '', kernel: '', real_ns: 0n, mono_ns: 0n, interval_ns: 0n, sample_every: 0,
		counters: Object.fromEntries(COUNTERS.map((c) => [c, 0n])), pools: [], series: [], queuers: [],
	};
}

/**
 * Parse one text view (wq_text__parse): every field checked, as strict as
 * the C parser.  Return: the snapshot, u64 fields as BigInt.  Throws a
 * TextViewError "line N: what is wrong" (the line within @text).
 */
export function parseTextView(text) {
	const p = new Parser(text);
	const s = newSnapshot();
	parseHeader(p, s);
	const seen = new Set();
	for (;;) {
		p.what = 'section';
		if (!p.next(true)) p.fail("truncated input: no 'end' line");
		const t = p.t;
		if (t.length === 1 && t[0] === 'end') break;
		const name = t[0];
		if (!SECTIONS.includes(name)) {
			if (seen.has('histograms') && name === 'series') p.fail('histograms: more series than the section line says');
			p.fail(`unknown section '${quote(name)}'`);
		}
		p.what = name;
		if (V3_SECTIONS.includes(name) && s.version !== 'v3') p.fail(`section '${name}' is v3's (the header says ${s.version})`);
		if (seen.has(name)) p.fail(`section '${name}' appears twice`);
		seen.add(name);
		if (name === 'config') {
			parseConfig(p);
			continue;
		}
		const n = t.length === 2 ? getU64(t[1]) : null;
		if (n == null) p.fail(`${name}: section line must be '${name} COUNT'`);
		({ counters: parseCounters, pools: parsePools, workqueues: checkWorkqueues,
			functions: checkFunctions, histograms: parseHistograms, queuers: parseQueuers })[name](p, s, n);
	}
	if (p.next(true)) p.fail("data after 'end'");
	return s;
}

/* ---------- recordings ---------- */

// The decompressed text of @blob, chunk by chunk.  A gzip stream that
// ends early (the input ran out: the file was cut) is told from one whose
// data is wrong (zlib refused a chunk while it was fed), as zlib's
// Z_BUF_ERROR from Z_DATA_ERROR in recording.c.
async function* gunzipText(blob) {
	const ds = new DecompressionStream('gzip');
	const writer = ds.writable.getWriter();
	let closing = false;
	const feed = (async () => {
		const r = blob.stream().getReader();
		for (;;) {
			const { done, value } = await r.read();
			if (done) break;
			await writer.write(value);
		}
		closing = true;
		await writer.close();
	})().catch(() => {});	// the reader below sees the same failure
	const reader = ds.readable.getReader();
	const dec = new TextDecoder();
	try {
		for (;;) {
			let chunk;
			try {
				chunk = await reader.read();
			} catch {
				const e = new Error('gzip');
				e.truncated = closing;
				throw e;
			}
			if (chunk.done) break;
			yield dec.decode(chunk.value, { stream: true });
		}
		const rest = dec.decode();
		if (rest) yield rest;
	} finally {
		// Stopped early (enough read, or bad text): the feeder may wait
		// on a full stream; cancelling ends it.
		await reader.cancel().catch(() => {});
		await feed;
	}
}

/**
 * Read a recording (lib/io/recording.c): @onView(snapshot) for each view,
 * in order.  Return: { views, error }: how many views were read, and
 * null, or the one line that says where and why the file could not be
 * read further (the C reader's words: "r.gz: view 5 (line 221): the file
 * ends inside it (truncated); 4 views read").  Bytes of the file that are
 * not gzip are read as they are (the text zcat would show).
 */
export async function readRecording(blob, name, onView) {
	const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
	const chunks = head[0] === 0x1f && head[1] === 0x8b ? gunzipText(blob) :
		(async function* () { yield await blob.text(); })();
	let views = 0, line = 0, first = 0, buf = [], bufLen = 0, rest = '', magic = false;
	const fail = (msg) => ({ views, error: `${name}: ${msg}` });
	const viewFail = (at, why) => fail(`view ${views + 1} (line ${at}): ${why}; ${views} views read`);
	try {
		for await (const chunk of chunks) {
			const lines = (rest + chunk).split('\n');
			rest = lines.pop();
			for (const l of lines) {
				line++;
				if (!magic) {
					if (l !== RECORDING_MAGIC) return fail(`not a ${RECORDING_MAGIC} file (made by wqctl record?)`);
					magic = true;
					continue;
				}
				if (!buf.length) first = line;
				buf.push(l);
				bufLen += l.length + 1;
				if (bufLen > MAX_VIEW) return viewFail(first, 'longer than any view');
				if (l !== 'end') continue;
				let s;
				try {
					s = parseTextView(buf.join('\n') + '\n');
				} catch (e) {
					if (!(e instanceof TextViewError)) throw e;
					return fail(`view ${views + 1} (from line ${first}): ${e.message}; ${views} views read`);
				}
				buf = [];
				bufLen = 0;
				views++;
				onView(s);
			}
			if (rest.length > MAX_VIEW) return viewFail(buf.length ? first : line + 1, 'longer than any view');
		}
	} catch (e) {
		if (e.truncated === undefined) throw e;
		if (!magic) return fail('the compressed data is corrupt (or cut) before the first view');
		if (e.truncated) return viewFail(buf.length ? first : line + 1, 'the file ends inside it (truncated)');
		return viewFail(line + 1, 'the compressed data is corrupt');
	}
	if (!magic) return fail(`not a ${RECORDING_MAGIC} file (made by wqctl record?)`);
	if (!buf.length && !rest) return { views, error: null };
	return viewFail(buf.length ? first : line + 1, 'the file ends inside it (truncated)');
}

/* ---------- interval views (lib/core/model.c, lib/core/stream.c) ---------- */

// Counters only go down when their source restarted: the interval then
// counts from zero.
const subSat = (a, b) => (a > b ? a - b : 0n);
const histCount = (h) => {
	let n = 0n;
	for (const c of h) n += c;
	return n > U64_MAX ? U64_MAX : n;
};
const upper = (slot) => (slot >= SLOTS - 1 ? U64_MAX : 1n << BigInt(slot + 1));
const lower = (slot) => (slot === 0 ? 0n : 1n << BigInt(Math.min(slot, SLOTS - 1)));
const seriesKey = (r) => `${r.pool_id}\0${r.workqueue}\0${r.function}`;

// Impossible durations never reach a view (wq_snapshot__sanitize): a
// maximum past the clock, or a sum above count * maximum.
function sanitize(s) {
	if (!s.mono_ns) return;
	let refused = 0n;
	for (const r of s.series) {
		for (let k = 0; k < HKINDS.length; k++) {
			const n = histCount(r.hist[k]);
			const max = r.max_ns[k], sum = r.sum_ns[k];
			const above = !n || !max ? sum > 0n : sum / n > max || (sum / n === max && sum % n !== 0n);
			if (max <= s.mono_ns && !above) continue;
			refused += n ? n : 1n;
			r.sum_ns[k] = 0n;
			r.max_ns[k] = 0n;
			r.hist[k].fill(0n);
		}
	}
	s.counters.rejected += refused;
}

// A maximum cannot be subtracted: exact when it grew, else the largest
// value of the interval's highest non-empty slot, capped by the old one.
function intervalMax(cur, prev, h) {
	if (cur > prev) return cur;
	let top = SLOTS - 1;
	while (top >= 0 && !h[top]) top--;
	if (top < 0) return 0n;
	return upper(top) - 1n < cur ? upper(top) - 1n : cur;
}

function delta(cur, prev) {
	const out = { ...cur, interval_ns: subSat(cur.mono_ns, prev.mono_ns), counters: {}, pools: [], series: [] };
	for (const c of COUNTERS) out.counters[c] = subSat(cur.counters[c], prev.counters[c]);
	const prevPools = new Map();
	for (const p of prev.pools) if (!prevPools.has(p.id)) prevPools.set(p.id, p);
	for (const p of cur.pools) {
		const pp = prevPools.get(p.id);
		// A pool new in @cur shows no CPU rather than all its past.
		out.pools.push({ ...p, cpu_ns: pp ? subSat(p.cpu_ns, pp.cpu_ns) : prev.mono_ns ? 0n : p.cpu_ns });
	}
	const prevSeries = new Map();
	for (const r of prev.series) if (!prevSeries.has(seriesKey(r))) prevSeries.set(seriesKey(r), r);
	for (const c of cur.series) {
		const ps = prevSeries.get(seriesKey(c));
		const r = { ...c, sum_ns: [...c.sum_ns], max_ns: [...c.max_ns], hist: c.hist.map((h) => [...h]) };
		if (ps) {
			for (const f of ['queued', 'activated', 'started', 'completed', 'cancelled', 'unseen', 'unpaired']) r[f] = subSat(c[f], ps[f]);
			for (let k = 0; k < HKINDS.length; k++) {
				r.sum_ns[k] = subSat(c.sum_ns[k], ps.sum_ns[k]);
				r.hist[k] = c.hist[k].map((v, i) => subSat(v, ps.hist[k][i]));
				r.max_ns[k] = intervalMax(c.max_ns[k], ps.max_ns[k], r.hist[k]);
			}
		}
		// An interval view shows what happened in the interval.
		if (r.queued || r.activated || r.started || r.completed || r.cancelled || r.unpaired) out.series.push(r);
	}
	// Who queued it, in the interval (wq_queuers__delta).
	const qkey = (q) => `${q.pool_id}\0${q.workqueue}\0${q.function}\0${q.context}\0${q.cgroup_id}\0${q.comm}`;
	const prevQ = new Map();
	for (const q of prev.queuers) if (!prevQ.has(qkey(q))) prevQ.set(qkey(q), q);
	out.queuers = [];
	for (const c of cur.queuers) {
		const pq = prevQ.get(qkey(c));
		const q = { ...c };
		if (pq) for (const f of ['queued', 'started', 'completed', 'lat_ns', 'run_ns', 'cpu_ns']) q[f] = subSat(c[f], pq[f]);
		if (q.queued || q.started || q.completed) out.queuers.push(q);
	}
	return out;
}

/**
 * Cumulative snapshots in, interval views out, one stream per source
 * (wq_stream__push): the same snapshot again (same mono_ns) makes no
 * interval.  push() returns the interval view, or null.
 */
export class Intervals {
	constructor() {
		this.cur = new Map();	// source -> its last cumulative snapshot
	}

	push(s) {
		const prev = this.cur.get(s.source);
		if (prev && s.mono_ns === prev.mono_ns) return null;
		sanitize(s);
		this.cur.set(s.source, s);
		return prev ? delta(s, prev) : null;
	}
}

/* ---------- as JSON (lib/core/json.c) ---------- */

// @num / @den with up to @decimals digits, rounded half up, in integers
// (json.c put_ratio): "2.5", never 2.5000000000000004.
function ratio(num, den, decimals) {
	const scale = 10n ** BigInt(decimals);
	const v = (num * scale + den / 2n) / den;
	const fp = String(v % scale).padStart(decimals, '0');
	return Number(`${v / scale}.${fp}`);
}

// wq_hist__quantile: the rank ceil(count * num / den) in its slot,
// linear inside it, the last slot ending at the maximum.
function quantile(h, num, den, max) {
	const count = histCount(h);
	if (!count) return 0n;
	let target = (count * num + den - 1n) / den;
	if (target < 1n) target = 1n;
	let before = 0n, i = 0;
	for (; i < SLOTS - 1; i++) {
		if (h[i] >= target - before) break;
		before += h[i];
	}
	const lo = lower(i);
	let hi = upper(i);
	if (i === SLOTS - 1) hi = max > lo ? max : 1n << BigInt(SLOTS);
	const v = lo + ((hi - lo) * (target - before)) / h[i];
	return max && v > max ? max : v;
}

const QUANTILES = [['p50_ns', 50n, 100n], ['p90_ns', 90n, 100n], ['p99_ns', 99n, 100n], ['p999_ns', 999n, 1000n]];

function histJson(r, k, slots) {
	const h = { count: Number(histCount(r.hist[k])), sum_ns: Number(r.sum_ns[k]), max_ns: Number(r.max_ns[k]) };
	for (const [key, num, den] of QUANTILES) h[key] = Number(quantile(r.hist[k], num, den, r.max_ns[k]));
	if (slots) h.slots = r.hist[k].map(Number);
	return h;
}

function statsJson(r, iv, slots) {
	const o = {};
	for (const f of ['queued', 'activated', 'started', 'completed', 'cancelled', 'unseen', 'unpaired']) o[f] = Number(r[f]);
	if (iv) {
		o.queued_per_second = ratio(r.queued * 1000000000n, iv, 3);
		o.completed_per_second = ratio(r.completed * 1000000000n, iv, 3);
		o.cpu_percent = ratio(r.sum_ns[4] * 100n, iv, 3);
	}
	o.hist = Object.fromEntries(HKINDS.map((k, i) => [k, histJson(r, i, slots)]));
	return o;
}

// The workqueues of a snapshot: its series of each name added up
// (wq_snapshot__workqueues), by name.
function workqueues(s) {
	const by = new Map();
	for (const r of s.series) {
		let w = by.get(r.workqueue);
		if (!w) {
			w = newSeries();
			w.workqueue = r.workqueue;
			w.pool_id = -1;
			by.set(r.workqueue, w);
		}
		for (const f of ['queued', 'activated', 'started', 'completed', 'cancelled', 'unseen', 'unpaired']) w[f] += r[f];
		for (let k = 0; k < HKINDS.length; k++) {
			w.sum_ns[k] += r.sum_ns[k];
			if (r.max_ns[k] > w.max_ns[k]) w.max_ns[k] = r.max_ns[k];
			for (let i = 0; i < SLOTS; i++) w.hist[k][i] += r.hist[k][i];
		}
	}
	return [...by.values()].sort((a, b) => byteOrder(a.workqueue, b.workqueue));
}

/**
 * A snapshot as a wqmon-json document (what wq_json__render writes, but
 * the *_seconds members): counts as numbers (exact up to 2^53, as
 * JSON.parse makes the daemon's), rates and cpu_percent only for an
 * interval view.
 */
export function snapshotJson(s) {
	const iv = s.interval_ns;
	const pools = s.pools.map((p) => ({
		id: p.id, cpu: p.cpu, nice: p.nice, flags: p.flags,
		flag_names: POOL_FLAGS.filter(([, bit]) => p.flags & bit).map(([, , n]) => n),
		workers: p.workers, idle: p.idle, running: p.running, pending: Number(p.pending),
		oldest_pending_ns: Number(p.oldest_pending_ns), cpu_ns: Number(p.cpu_ns),
		...(iv ? { cpu_percent: ratio(p.cpu_ns * 100n, iv, 3) } : {}),
	}));
	return {
		format: 'wqmon-json', version: 1, source: s.source, kernel: s.kernel,
		mono_ns: Number(s.mono_ns), real_ns: Number(s.real_ns), interval_ns: Number(iv),
		counters: Object.fromEntries(COUNTERS.map((c) => [c, Number(s.counters[c])])),
		ncpus: 0, sample_every: s.sample_every > 1 ? s.sample_every : 1, probes: [], pools,
		workqueues: workqueues(s).map((w) => ({ name: w.workqueue, ...statsJson(w, iv, false) })),
		series: s.series.map((r) => ({
			pool_id: r.pool_id, workqueue: r.workqueue, function: r.function, func_addr: '0x0',
			...statsJson(r, iv, true),
		})),
		queuers: s.queuers.map((q) => ({
			pool_id: q.pool_id, workqueue: q.workqueue, function: q.function, context: q.context, comm: q.comm,
			tgid: q.tgid, cgroup_id: Number(q.cgroup_id), cgroup: q.cgroup, queued: Number(q.queued),
			started: Number(q.started), completed: Number(q.completed), lat_ns: Number(q.lat_ns),
			run_ns: Number(q.run_ns), cpu_ns: Number(q.cpu_ns),
			...(iv ? { cpu_percent: ratio(q.cpu_ns * 100n, iv, 3), queued_per_second: ratio(q.queued * 1000000000n, iv, 3) } : {}),
		})),
	};
}

/**
 * The first characters of @blob's text, decompressed when it is gzip:
 * enough to tell a recording from a JSON document.  '' when it cannot be
 * read.
 */
export async function sniffText(blob, n = 64) {
	const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
	if (!(head[0] === 0x1f && head[1] === 0x8b)) return new TextDecoder().decode(await blob.slice(0, n).arrayBuffer());
	let text = '';
	try {
		for await (const chunk of gunzipText(blob)) {
			text += chunk;
			if (text.length >= n) break;
		}
	} catch {
		// what was read is the answer
	}
	return text.slice(0, n);
}
