// SPDX-License-Identifier: GPL-2.0
// The wqmon dashboard in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core).
//
//   WQMON_URL        dashboard base URL (e.g. http://127.0.0.1:9464/); unset:
//                    start tests/web/fixture_server.py on a free loopback port
//   WQMON_ARTIFACTS  where the screenshot goes (default build/test-artifacts)
//   WQMON_EXPECT_FUNCTION  a work function that must have a row
//                    (default aio_fsync_work; empty: any row will do)
//   CHROMIUM         browser binary (default /usr/bin/chromium)
//
// Against a real wqmond the test uses only what docs/API.md promises; the
// checks that need a scripted scenario (a stall, an endpoint failing) run
// only against the fixture server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, existsSync, mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { fmtRate, fmtCount, fmtPct, fmtDur } from '../../web/format.js';
import { fmtWall } from '../../web/slow.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = process.env.WQMON_ARTIFACTS || path.join(repo, 'build', 'test-artifacts');
const EXPECT_FN = process.env.WQMON_EXPECT_FUNCTION ?? 'aio_fsync_work';
const FIXTURE = !process.env.WQMON_URL;

let base = process.env.WQMON_URL;
let browser = null;
let page = null;
const problems = [];

const servers = [];
async function startFixtureServer(...args) {
	const server = spawn('python3', [path.join(here, 'fixture_server.py'), '--port', '0', ...args],
		{ stdio: ['ignore', 'pipe', 'inherit'] });
	servers.push(server);
	return new Promise((resolve, reject) => {
		let out = '';
		const t = setTimeout(() => reject(new Error('fixture server did not start in 10 s')), 10000);
		server.on('exit', (code) => reject(new Error(`fixture server exited (${code})`)));
		server.stdout.on('data', (d) => {
			out += d;
			const m = out.match(/listening on (\S+)/);
			if (m) {
				clearTimeout(t);
				resolve(m[1]);
			}
		});
	});
}

function watch(p, sink) {
	p.on('console', (msg) => {
		if (msg.type() === 'error') sink.push(`console error: ${msg.text()} (${msg.location().url})`);
	});
	p.on('pageerror', (err) => sink.push(`page error: ${err.message}`));
	// A slow-items stream the page closes (a new scope) ends aborted.
	p.on('requestfailed', (r) => {
		if (/\/api\/v1\/slow\/stream/.test(r.url()) && r.failure()?.errorText === 'net::ERR_ABORTED') return;
		sink.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
	});
	p.on('response', (r) => {
		if (r.status() >= 400) sink.push(`HTTP ${r.status()}: ${r.url()}`);
	});
}

// A daemon with its [slow] thresholds off answers /api/v1/slow 404: the
// panel says so (tested below), not a problem of the page.
const unexpected = () => problems.filter((x) => !(/404/.test(x) && /\/api\/v1\/slow\?/.test(x)));

// A second fixture server, with two sources (--refwq), started once.
let twoBase = null;
const twoSources = async () => (twoBase ??= await startFixtureServer('--refwq'));

const cellTexts = (sel, col) => page.$$eval(`${sel} tbody tr[data-key]`,
	(trs, c) => trs.map((tr) => tr.children[c]?.textContent.trim()), col);
const colIndex = (sel, key) => page.$$eval(`${sel} thead th`,
	(ths, k) => ths.findIndex((th) => th.dataset.key === k), key);

// A page of its own whose /api/v1/snapshot answers go through @edit(body)
// first; close() waits for a handler that is fetching (the page polls on:
// closing under it disposes its response) and returns what went wrong.
async function rewrittenPage(edit) {
	const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	const p = await ctx.newPage();
	const sink = [];
	watch(p, sink);
	await p.route(/\/api\/v1\/snapshot(\?|$)/, async (route) => {
		const r = await route.fetch();
		const body = await r.json();
		edit(body);
		await route.fulfill({ response: r, json: body });
	});
	const close = async () => {
		await p.unrouteAll({ behavior: 'wait' });
		await ctx.close();
		return sink;
	};
	return { p, close };
}

before(async () => {
	if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium`);
	if (FIXTURE) base = await startFixtureServer();
	if (!base.endsWith('/')) base += '/';
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true, // Playwright gives it a fresh, empty profile each launch
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update',
			'--disable-sync'],
	});
	const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
	page = await ctx.newPage();
	watch(page, problems);
	await page.goto(base, { waitUntil: 'load' });
	await page.waitForFunction(() => +document.body.dataset.polls >= 1, null, { timeout: 15000 });
});

after(async () => {
	await browser?.close();
	for (const server of servers) server.kill('SIGTERM');
});

test('serves the page and its assets with the right types', async () => {
	for (const [p, type] of [['', 'text/html'], ['static/app.js', 'javascript'], ['static/style.css', 'text/css']]) {
		const r = await page.request.get(base + p);
		assert.equal(r.status(), 200, p);
		assert.match(r.headers()['content-type'] || '', new RegExp(type), p);
	}
});

test('tables hold the live rows', async () => {
	await page.waitForSelector('#fn-table tbody tr[data-key]', { timeout: 10000 });
	const pools = await page.$$('#pools-table tbody tr[data-key]');
	const wqs = await page.$$('#wq-table tbody tr[data-key]');
	assert.ok(pools.length > 0, 'pool rows');
	assert.ok(wqs.length > 0, 'workqueue rows');
	const fnCol = await colIndex('#fn-table', 'fn');
	const fns = await cellTexts('#fn-table', fnCol);
	assert.ok(fns.length > 0, 'function rows');
	if (EXPECT_FN) assert.ok(fns.includes(EXPECT_FN), `a row for ${EXPECT_FN} in ${fns.join(', ')}`);
	if (FIXTURE) assert.ok((await cellTexts('#wq-table', await colIndex('#wq-table', 'name'))).includes('events'));
});

test('clicking a header sorts the table', async () => {
	const col = await colIndex('#fn-table', 'fn');
	await page.click('#fn-table th[data-key="fn"] button');
	assert.equal(await page.getAttribute('#fn-table th[data-key="fn"]', 'aria-sort'), 'ascending');
	const asc = await cellTexts('#fn-table', col);
	assert.deepEqual(asc, [...asc].sort((a, b) => a.localeCompare(b)), 'A→Z');
	await page.click('#fn-table th[data-key="fn"] button');
	assert.equal(await page.getAttribute('#fn-table th[data-key="fn"]', 'aria-sort'), 'descending');
	const desc = await cellTexts('#fn-table', col);
	assert.deepEqual(desc, [...desc].sort((a, b) => b.localeCompare(a)), 'Z→A');
	if (new Set(asc).size > 1) assert.notEqual(asc[0], desc[0], 'the order changed');
	// back to the default: busiest first
	await page.click('#fn-table th[data-key="rate"] button');
	assert.equal(await page.getAttribute('#fn-table th[data-key="rate"]', 'aria-sort'), 'descending');
});

test('the filter box narrows the rows', async () => {
	const col = await colIndex('#fn-table', 'fn');
	const all = await cellTexts('#fn-table', col);
	const word = EXPECT_FN || all[0];
	await page.fill('#fn-filter', word);
	const some = await cellTexts('#fn-table', col);
	assert.ok(some.length > 0 && some.length <= all.length);
	const rows = await page.$$eval('#fn-table tbody tr[data-key]', (trs) => trs.map((t) => t.textContent));
	for (const r of rows) assert.ok(r.toLowerCase().includes(word.toLowerCase()), r);
	if (FIXTURE) assert.ok(some.length < all.length, 'fewer rows');
	await page.fill('#fn-filter', 'no-such-function-zz');
	assert.equal((await cellTexts('#fn-table', col)).length, 0);
	assert.match(await page.textContent('#fn-table tbody'), /no rows match/);
	await page.fill('#fn-filter', '');
	const back = (await cellTexts('#fn-table', col)).length;
	// A live kernel keeps showing new work functions (the snapshot is
	// cumulative: rows come, never go); fixtures do not move.
	if (FIXTURE) assert.equal(back, all.length);
	else assert.ok(back >= all.length, `${back} rows after clearing, ${all.length} before`);
});

test('charts and the heatmap are drawn', async () => {
	// a daemon that just started has few views: wait for lines, not dots
	const drawn = () => ['chart-rate', 'chart-lat', 'chart-run', 'chart-cpu'].map((id) => {
		const el = document.getElementById(id);
		const paths = [...el.querySelectorAll('svg path')].filter((p) => (p.getAttribute('d') || '').length > 20);
		return { id, paths: paths.length, points: +el.dataset.points };
	}).concat([{ id: 'heatmap', paths: 1, points: +document.getElementById('heatmap').dataset.cells }]);
	let list = [];
	for (const end = Date.now() + 15000; Date.now() < end; await page.waitForTimeout(300)) {
		list = await page.evaluate(drawn);
		if (list.every((c) => c.paths > 0 && c.points > 0)) break;
	}
	for (const c of list) assert.ok(c.paths > 0 && c.points > 0, `not drawn: ${JSON.stringify(c)}`);
	const heat = await page.$eval('#heatmap canvas', (c) => {
		const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		let painted = 0;
		for (let i = 3; i < d.length; i += 4) if (d[i] > 0) painted++;
		return { painted, cells: +c.parentElement.dataset.cells };
	});
	assert.ok(heat.cells > 0 && heat.painted > 1000, JSON.stringify(heat));
	// What the charts cover is said: less than the page's 10 minutes
	// here, and why (a daemon that started lately, or its history's size).
	const win = await page.textContent('#window');
	assert.match(win, /^charts: last (\d+s|\d+m \d\ds) of 10m 00s \((since the daemon started|all the daemon's history holds.*)\)$/, win);
	// The fixture's history begins where its daemon started: told by the
	// oldest view, however late the page's last poll came.
	if (FIXTURE) assert.match(win, /\(since the daemon started\)$/, win);
});

// Labels: the heatmap's latency axis at round values with units (not the
// slots' powers of two, "8.4ms 520µs 33µs", nor "0ns"), in order; every
// rate in one number style (three significant digits, no trailing zeros:
// not "10.00" beside "1.50k").
test('the heatmap axis has round values with units; rates have one style', async () => {
	await page.waitForFunction(() => document.querySelector('#heatmap').dataset.yLabels, null, { timeout: 10000 });
	const labels = (await page.getAttribute('#heatmap', 'data-y-labels')).split(',');
	assert.ok(labels.length >= 3, labels.join());
	const ns = { ns: 1, 'µs': 1e3, ms: 1e6, s: 1e9 };
	const values = labels.map((l) => {
		const m = /^(1|2|5|10|20|50|100|200|500)(ns|µs|ms|s)$/.exec(l);
		assert.ok(m, `a round value with a unit: ${l}`);
		return +m[1] * ns[m[2]];
	});
	assert.deepEqual(values, [...values].sort((a, b) => a - b), 'in order');
	const col = await colIndex('#fn-table', 'rate');
	const rates = [...await cellTexts('#fn-table', col), await page.textContent('#kpi-rate .k-value')];
	for (const r of rates) assert.match(r, /^(0|[1-9]\d{0,2}(\.\d*[1-9])?|0\.0*[1-9]\d{0,2})[kM]?$/, `rate ${r}`);
	for (const r of rates) assert.ok(r.replace(/[^\d]/g, '').replace(/^0+/, '').length <= 3, `three significant digits: ${r}`);
});

// Sampled mode: a source whose durations are of 1 work item in N wears a
// badge that says so, and so do the panels of durations; a source that
// measures every item wears none.  The sampled page is the same daemon's
// answers with "sample_every": 16 put in each snapshot document.
const SAMPLED_TIP = 'latency, run time and on-CPU time are measured for 1 work item in 16 and scaled by 16; counts are exact';
const DURATION_MARKS = ['#kpi-lat .k-label', '.panel:has(#chart-lat) h2', '#run-title', '.panel:has(#heatmap) h2', '#wqs h2', '#fns h2']
	.map((h) => `${h} .sampled:not([hidden])`);

test('a source that measures every item has no sampling mark', async () => {
	const api = await page.evaluate(async () => (await fetch('api/v1/snapshot')).json());
	assert.ok(api.snapshots?.length > 0, 'snapshot documents');
	if (api.snapshots.some((d) => d.sample_every > 1)) return; // a daemon in sampled mode
	await page.waitForSelector('#sources .src', { timeout: 10000 });
	assert.equal(await page.$$eval('.sampled:not([hidden])', (l) => l.length), 0);
	assert.doesNotMatch(await page.textContent('body'), /sampled 1\//);
});

test('a sampled source wears a "sampled 1/N" badge, and the duration panels too', async () => {
	const { p, close } = await rewrittenPage((body) => {
		for (const d of body.snapshots || []) d.sample_every = 16;
	});
	await p.goto(base);
	await p.waitForSelector('#sources .src .sampled', { timeout: 10000 });
	const badges = await p.$$eval('#sources .src .sampled', (l) => l.map((b) => [b.textContent, b.title]));
	for (const [text, title] of badges) {
		assert.equal(text, 'sampled 1/16');
		assert.equal(title, SAMPLED_TIP);
	}
	for (const sel of DURATION_MARKS) {
		await p.waitForSelector(sel, { timeout: 10000 });
		assert.equal(await p.textContent(sel), 'sampled 1/16', sel);
		assert.match(await p.getAttribute(sel, 'title'), /^latency, run time and on-CPU time are measured for 1 work item in 16 and scaled by 16; counts are exact/, sel);
	}
	const shot = path.join(ARTIFACTS, 'dashboard-sampled.png');
	mkdirSync(ARTIFACTS, { recursive: true });
	await p.screenshot({ path: shot, fullPage: true });
	assert.deepEqual(await close(), []);
});

test('live updates arrive without a reload', async () => {
	const before = await page.evaluate(() => ({
		mono: document.body.dataset.lastMono,
		text: document.querySelector('#fn-table tbody').textContent,
	}));
	await page.waitForFunction((m) => document.body.dataset.lastMono !== m, before.mono, { timeout: 8000 });
	if (FIXTURE) {
		await page.waitForFunction((t) => document.querySelector('#fn-table tbody').textContent !== t,
			before.text, { timeout: 8000 });
	}
});

// The charts update in place: a tooltip the user is reading stays up, with
// its crosshair, through the refreshes while the mouse stands still, and
// its values follow the new data; it goes when the mouse leaves.
test('the hover tooltip survives the refresh and updates', async () => {
	const chart = page.locator('#chart-rate');
	const tip = chart.locator('.tip');
	await chart.scrollIntoViewIfNeeded();
	const box = await chart.locator('.plotarea').boundingBox();
	assert.ok(box && box.width > 100, 'a plot area');
	// Near the right edge, where the newest points are (a daemon that just
	// started has none further left): each refresh brings new ones there.
	await page.mouse.move(box.x + box.width * 0.95, box.y + box.height / 2);
	await tip.waitFor({ state: 'visible', timeout: 2000 });
	const first = await tip.textContent();
	const polls = await page.evaluate(() => +document.body.dataset.polls);
	await page.waitForFunction((n) => +document.body.dataset.polls >= n + 2, polls, { timeout: 10000 });
	assert.ok(await tip.isVisible(), 'the tooltip is still up after two refreshes');
	assert.equal(await chart.locator('.cursor').getAttribute('visibility'), 'visible', 'the crosshair too');
	// The window slid under the still mouse: the time and values are new.
	await page.waitForFunction((t) => document.querySelector('#chart-rate .tip').textContent !== t, first, { timeout: 5000 });
	assert.match(await tip.textContent(), /^\d\d:\d\d:\d\dqueued\/s · all work \S+/);
	await page.mouse.move(box.x + box.width / 2, box.y - 60);
	await tip.waitFor({ state: 'hidden', timeout: 2000 });
	assert.equal(await chart.locator('.cursor').getAttribute('visibility'), 'hidden');
});

// Where a layout goes wrong, as a list: a legend on its plot area, a
// panel's title covered by its legend, anything sticking out of its card.
// Evaluated in the page.
function layoutProblems() {
	const out = [];
	const r = (e) => e.getBoundingClientRect();
	const meet = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
	const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
	for (const chart of document.querySelectorAll('.chart')) {
		const panel = chart.closest('.panel');
		const title = panel.querySelector('h2');
		const lg = panel.querySelector('.legend');
		const plot = chart.querySelector('.plotarea');
		if (lg && plot && lg.children.length) {
			if (meet(r(lg), r(plot))) out.push(`${chart.id}: legend on the plot`);
			for (const e of lg.children) if (meet(r(e), r(plot))) out.push(`${chart.id}: legend entry "${e.textContent}" on the plot`);
			if (meet(r(lg), r(title))) out.push(`${chart.id}: legend on the title`);
		}
		for (const e of [title, ...title.children, chart, lg].filter(Boolean)) {
			if (!e.getClientRects().length) continue;
			if (!inside(r(e), r(panel))) out.push(`${chart.id}: ${e.tagName.toLowerCase()}.${e.className} outside its card`);
		}
		const small = title.querySelector('small');
		if (small && (small.scrollWidth > small.clientWidth + 1 || !small.getClientRects().length)) out.push(`${chart.id}: subtitle cut`);
	}
	for (const p of document.querySelectorAll('.panel, .kpi')) {
		if (p.scrollWidth > p.clientWidth + 1) out.push(`${p.id || p.className}: content wider than its card (${p.scrollWidth} > ${p.clientWidth})`);
	}
	return out;
}

test('legends sit outside the plots and nothing leaves its card', async () => {
	const ctx = await browser.newContext({ viewport: { width: 1024, height: 900 } });
	const p = await ctx.newPage();
	const sink = [];
	watch(p, sink);
	await p.goto(base);
	await p.waitForFunction(() => document.querySelectorAll('#chart-cpu + .legend > *').length > 0 &&
		+document.body.dataset.polls >= 1, null, { timeout: 15000 });
	if (FIXTURE) {
		// the fixture's pools with kworker CPU time: five, a table legend
		assert.ok(await p.$('#chart-cpu + .legend.table'), 'a table legend for the kworker CPU chart');
		assert.equal(await p.$$eval('#chart-cpu + .legend > *', (l) => l.length), 5);
		assert.match(await p.textContent('#run-title small'), /by workqueue/);
	}
	assert.deepEqual(await p.evaluate(layoutProblems), []);
	assert.deepEqual(await page.evaluate(layoutProblems), [], 'at 1440 px');
	await ctx.close();
	assert.deepEqual(sink, []);
});

// Two sources (the fixture's kernel and a refwq:demo whose demo_slow is
// about 1 s late): the cards say whose numbers they show, and a source chip
// filters the whole page, kept in the URL's hash.
test('cards name the worst source and function; a source chip filters the page', { skip: !FIXTURE && 'needs the fixture server' }, async () => {
	const two = await twoSources();
	const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	const p = await ctx.newPage();
	const sink = [];
	watch(p, sink);
	await p.goto(two);
	await p.waitForSelector('#sources button.src[data-source="refwq:demo"]', { timeout: 15000 });
	// An interval where refwq:demo ran nothing has no latency of it: wait
	// for one where it ran (the fixture loops over 20 s).
	const card = (id, re) => p.waitForFunction(([i, r]) => new RegExp(r).test(document.querySelector(`#${i} .k-who`).textContent),
		[id, re.source], { timeout: 25000 });
	// The worst source's p99, not a mix; every source's in the tooltip.
	await p.waitForFunction(() => {
		const el = document.querySelector('#kpi-lat');
		return /^refwq:demo demo_slow \d/.test(el.querySelector('.k-who').textContent) &&
			/^\d+(\.\d+)? s$/.test(el.querySelector('.k-value').textContent) &&
			/^p99 by source: refwq:demo \S+ s, kernel \d/.test(el.title);
	}, null, { timeout: 25000 });
	assert.match(await p.textContent('#kpi-rate .k-who'), /^busiest: (kernel|refwq:demo) \w+ /);
	assert.match(await p.textContent('#kpi-pending .k-who'), /^(oldest in (kernel|refwq:demo) pool \d+ · (cpu \d|unbound).*|)$/);
	const sources = (sel) => p.$$eval(`${sel} tbody tr[data-key]`, (trs) => [...new Set(trs.map((tr) => JSON.parse(tr.dataset.key)[0]))].sort());
	for (const t of ['#pools-table', '#wq-table', '#fn-table']) assert.deepEqual(await sources(t), ['kernel', 'refwq:demo'], t);

	await p.click('#sources button[data-source="refwq:demo"]');
	const onlyDemo = async (why) => {
		assert.equal(await p.getAttribute('#sources button[data-source="refwq:demo"]', 'aria-pressed'), 'true', why);
		assert.equal(await p.evaluate(() => location.hash), '#source=refwq%3Ademo', why);
		for (const t of ['#pools-table', '#wq-table', '#fn-table']) {
			await p.waitForFunction((sel) => document.querySelector(`${sel} tbody tr[data-key]`), t, { timeout: 10000 });
			assert.deepEqual(await sources(t), ['refwq:demo'], `${t} ${why}`);
		}
		await p.waitForFunction(() => document.querySelectorAll('#chart-cpu + .legend > *').length > 0, null, { timeout: 10000 });
		const legend = await p.$$eval('#chart-cpu + .legend > *', (l) => l.map((e) => e.textContent));
		assert.equal(legend.length, 2, legend.join());
		assert.ok(legend.every((t) => /^pool [02] · unbound/.test(t)), legend.join());
		await card('kpi-lat', /^refwq:demo demo_slow/);
		await card('kpi-rate', /^busiest: refwq:demo demo_/);
		assert.equal(await p.textContent('#kpi-stalls .k-value'), '0', `the kernel's stall is not refwq's (${why})`);
		assert.equal(await p.$$eval('#stalls li.stall', (l) => l.length), 0, why);
		assert.equal(await p.textContent('#focus'), 'all work of refwq:demo', why);
	};
	await onlyDemo('after a click');
	await p.reload();
	await p.waitForFunction(() => +document.body.dataset.polls >= 1, null, { timeout: 15000 });
	await onlyDemo('after a reload');

	await p.click('#sources button[data-source="refwq:demo"]');
	assert.equal(await p.evaluate(() => location.hash), '');
	for (const t of ['#pools-table', '#wq-table', '#fn-table']) assert.deepEqual(await sources(t), ['kernel', 'refwq:demo'], t);
	await p.click('#sources button[data-source="kernel"]');
	await card('kpi-lat', /^kernel \w+ /);
	assert.deepEqual(await sources('#fn-table'), ['kernel']);
	assert.ok(+(await p.textContent('#kpi-stalls .k-value')) >= 0);
	await ctx.close();
	assert.deepEqual(sink, []);
});

// Narrow screens: a table drops its least important columns first, so the
// ones that tell a stall (running, pending, oldest pending, run time p99,
// CPU) stay in view, not scrolled off the side; the page (its header too)
// is never wider than the screen.  Against the two-source fixture (a source
// column more).  A screenshot per width.
const STALL_COLS = { '#pools-table': ['id', 'running', 'pending', 'oldest', 'cpuPct'], '#wq-table': ['name', 'run99', 'cpu'], '#fn-table': ['fn', 'run99', 'cpu'] };
for (const width of [1440, 1024, 390]) {
	test(`at ${width} px the stall columns stay in view and nothing overflows`, async () => {
		const url = FIXTURE ? await twoSources() : base;
		const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: 'dark' });
		const p = await ctx.newPage();
		const sink = [];
		watch(p, sink);
		await p.goto(url);
		await p.waitForFunction(() => +document.body.dataset.polls >= 2 && document.querySelector('#pools-table tbody tr[data-key]') &&
			document.querySelector('#fn-table tbody tr[data-key]'), null, { timeout: 15000 });
		const inView = await p.evaluate((want) => {
			const out = {};
			for (const [sel, keys] of Object.entries(want)) {
				const box = document.querySelector(sel).closest('.scroll').getBoundingClientRect();
				out[sel] = keys.filter((k) => {
					const th = document.querySelector(`${sel} thead th[data-key="${k}"]`);
					const r = th?.getBoundingClientRect();
					return r && r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1;
				});
			}
			return out;
		}, STALL_COLS);
		assert.deepEqual(inView, STALL_COLS, 'the stall columns are in view');
		if (width <= 1024) {
			// less important columns made room, and the count says so
			assert.match(await p.textContent('#pools .count'), /\d+ columns? hidden/);
			assert.match(await p.getAttribute('#pools .count', 'title'), /^no room for: .*nice/);
		}
		if (width === 1440) assert.ok(await p.$('#fn-table th[data-key="lat99"]'), 'room for latency at 1440 px');
		const wide = await p.evaluate(() => ({
			page: document.scrollingElement.scrollWidth, screen: innerWidth,
			header: [...document.querySelectorAll('.top > *')].filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5).map((e) => e.id || e.className),
		}));
		assert.ok(wide.page <= wide.screen, `page ${wide.page} px wide on a ${wide.screen} px screen`);
		assert.deepEqual(wide.header, [], 'header items past the right edge');
		assert.deepEqual(await p.evaluate(layoutProblems), []);
		mkdirSync(ARTIFACTS, { recursive: true });
		await p.screenshot({ path: path.join(ARTIFACTS, `dashboard-${width}.png`), fullPage: true });
		await ctx.close();
		assert.deepEqual(sink, []);
	});
}

test('clicking a function row focuses the charts on it', async () => {
	const row = EXPECT_FN ? `#fn-table tbody tr[data-key*="${EXPECT_FN}"]` : '#fn-table tbody tr[data-key]';
	await page.click(row);
	await page.waitForSelector('#fn-table tbody tr.focused');
	const label = await page.textContent('#focus');
	if (EXPECT_FN) assert.match(label, new RegExp(EXPECT_FN));
	assert.ok(+(await page.$eval('#chart-lat', (e) => e.dataset.points)) > 0);
	await page.click('#focus-clear');
	assert.equal(await page.textContent('#focus'), 'all work');
});

// A time range over the window the page holds (1m, 5m, 10m), and a link
// (the URL's hash) that reopens the same range and focus.
test('the time range narrows the charts; the link keeps range and focus', async () => {
	const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	const p = await ctx.newPage();
	const sink = [];
	watch(p, sink);
	await p.goto(base);
	await p.waitForFunction(() => +document.querySelector('#chart-rate').dataset.points > 0, null, { timeout: 15000 });
	const span = () => p.$$eval('#chart-rate svg text.axis', (ts) => ts.map((t) => t.textContent).filter((t) => /^\d\d:\d\d:\d\d$/.test(t))
		.map((t) => { const [h, m, s] = t.split(':').map(Number); return h * 3600 + m * 60 + s; }));
	await p.click('#range button[data-range="60"]');
	assert.equal(await p.getAttribute('#range button[data-range="60"]', 'aria-pressed'), 'true');
	assert.equal(await p.evaluate(() => location.hash), '#range=60');
	const points = +(await p.getAttribute('#chart-rate', 'data-points'));
	assert.ok(points > 0 && points <= 2 * 62, `a minute of points: ${points}`);
	const ticks = await span();
	assert.ok(ticks.length >= 2 && (ticks.at(-1) - ticks[0] + 86400) % 86400 <= 60, `time axis within a minute: ${ticks}`);
	// a daemon that started less than a minute ago says so
	assert.match(await p.textContent('#window'), /^charts: last (\d+s|1m 00s) of 1m 00s( \(since the daemon started\))?$/);
	const row = EXPECT_FN ? `#fn-table tbody tr[data-key*="${EXPECT_FN}"]` : '#fn-table tbody tr[data-key]';
	const key = await p.getAttribute(row, 'data-key');
	await p.click(row);
	const hash = await p.evaluate(() => location.hash);
	assert.deepEqual(Object.fromEntries(new URLSearchParams(hash.slice(1))), { range: '60', focus: key });
	await p.reload();
	await p.waitForSelector('#fn-table tbody tr.focused', { timeout: 15000 });
	assert.equal(await p.getAttribute('#fn-table tbody tr.focused', 'data-key'), key, 'the link reopens the focus');
	assert.equal(await p.getAttribute('#range button[data-range="60"]', 'aria-pressed'), 'true', 'and the range');
	if (EXPECT_FN) assert.match(await p.textContent('#focus'), new RegExp(EXPECT_FN));
	await p.click('#focus-clear');
	await p.click('#range button[data-range="600"]');
	assert.equal(await p.evaluate(() => location.hash), '');
	// the fixture starts with 3 minutes of history; a daemon, maybe less
	const all = +(await p.getAttribute('#chart-rate', 'data-points'));
	if (FIXTURE) assert.ok(all > 2 * 150, `the whole window again: ${all}`);
	else assert.ok(all >= points, `the whole window again: ${all}`);
	await ctx.close();
	assert.deepEqual(sink, []);
});

// One stall detector, the daemon's: the panel, the KPI and the pools'
// highlight show /api/v1/stalls and its thresholds, nothing derived.
test('the stalls panel shows the daemon\'s stalls and rules', async () => {
	await page.waitForFunction(() => document.querySelector('#stalls-panel').dataset.api === 'present', null, { timeout: 10000 });
	// The page shows its last poll's answer: wait for one it agrees with
	// (a stall may begin or end between the two); on the fixture, for one
	// with an active stall (pool 3 stalls for 40 s a minute, active past
	// 2 s), whenever in the minute the test runs.
	const look = () => page.evaluate(async (fixture) => {
		const api = await (await fetch('api/v1/stalls')).json();
		const pools = new Set(api.active.filter((s) => s.pool_id >= 0).map((s) => JSON.stringify([s.source, s.pool_id])));
		const shown = {
			active: document.querySelectorAll('#stalls li.stall.active').length,
			card: document.querySelector('#kpi-stalls .k-value').textContent,
			rows: [...document.querySelectorAll('#pools-table tr.stalled')].map((tr) => tr.dataset.key).sort(),
		};
		const agree = shown.active === api.active.length && shown.card === String(api.active.length) &&
			JSON.stringify(shown.rows) === JSON.stringify([...pools].sort());
		return { api, shown, ok: agree && (!fixture || api.active.length === 1) };
	}, FIXTURE);
	let seen = await look();
	for (const end = Date.now() + 30000; !seen.ok && Date.now() < end; await page.waitForTimeout(250)) seen = await look();
	assert.ok(seen.ok, `page and API agree${FIXTURE ? ', a stall active' : ''}: ${JSON.stringify({ shown: seen.shown, active: seen.api.active.length })}`);
	const api = seen.api;
	const text = await page.textContent('#stalls');
	assert.ok(text.length > 0);
	assert.match(await page.textContent('#stalls-src'), /pending ≥ /);
	assert.match(await page.textContent('#kpi-stalls .k-sub'), /pending ≥ /);
	if (FIXTURE) {
		assert.equal(api.active.length, 1);
		assert.match(await page.textContent('#stalls li.stall.active'), /aio_fsync_work/);
		assert.ok(await page.$('#stalls li.stall.ended'), 'an episode that ended');
		assert.match(await page.textContent('#stalls-src'), /pending ≥ 2\.00 s|pending ≥ 2 s/);
	} else {
		assert.ok(api.thresholds_ns && api.thresholds_ns.pending > 0, 'the daemon serves its thresholds');
	}
});

// What the stuck worker is doing: wqmond's "stack" of a stall, a frame a
// line under its evidence (innermost first), a group per worker; nothing for
// a stall without one.  The answer is the test's, so it runs on any server.
const STACK = 'tid 13159: request_wait_answer < __fuse_simple_request < fuse_fsync_common < fuse_fsync < ' +
	'aio_fsync_work < process_one_work < worker_thread < kthread < ret_from_fork < ret_from_fork_asm; ' +
	'tid 13160: <b>x</b> [evil] < worker_thread';
test('a stall\'s stack shows under its evidence, a frame a line', async () => {
	const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	const p = await ctx.newPage();
	const sink = [];
	watch(p, sink);
	const now = Date.now() * 1e6;
	const stall = (id, fn, stack) => ({
		id, kind: 'running', state: 'firing', source: 'kernel', pool_id: -1, cpu: -1, workqueue: 'events',
		function: fn, worker_tid: 13159, threshold_ns: 1e9, age_ns: 5e9, since_real_ns: now - 5e9,
		end_real_ns: 0, evidence: `${fn} running for 5 s`, ...(stack === undefined ? {} : { stack }),
	});
	await p.route(/\/api\/v1\/stalls(\?|$)/, (route) => route.fulfill({
		json: {
			format: 'wqmon-stalls', version: 1, recent: [], sinks: {},
			active: [stall(7, 'aio_fsync_work', STACK), stall(8, 'no_stack_fn', ''), stall(9, 'old_daemon_fn')],
			thresholds_ns: { pending: 5e9, running: 1e9 }, rules: [],
		},
	}));
	await p.goto(base);
	await p.waitForSelector('#stalls li.stall.active', { timeout: 10000 });
	const items = await p.$$('#stalls li.stall.active');
	assert.equal(items.length, 3);
	const withStack = p.locator('#stalls li.stall', { hasText: 'aio_fsync_work' });
	for (const fn of ['no_stack_fn', 'old_daemon_fn']) {
		const li = p.locator('#stalls li.stall', { hasText: fn });
		assert.equal(await li.locator('.stack').count(), 0, `no stack element for ${fn}`);
	}
	assert.equal(await p.locator('#stalls .stack').count(), 1);
	const frame = withStack.locator('.stack .frame', { hasText: /^fuse_fsync$/ });
	assert.equal(await frame.isVisible(), false, 'closed until asked');
	await withStack.locator('.stack summary').click();
	await frame.waitFor({ state: 'visible', timeout: 2000 });
	const workers = await withStack.locator('.stack .worker').evaluateAll((ws) => ws.map((w) => ({
		tid: w.querySelector('.tid')?.textContent,
		frames: [...w.querySelectorAll('.frame')].map((f) => f.textContent),
	})));
	assert.deepEqual(workers.map((w) => w.tid), ['tid 13159', 'tid 13160']);
	assert.deepEqual(workers[0].frames.slice(0, 4),
		['request_wait_answer', '__fuse_simple_request', 'fuse_fsync_common', 'fuse_fsync']);
	assert.equal(workers[0].frames.length, 10);
	assert.equal(workers[0].frames.at(-1), 'ret_from_fork_asm');
	// Escaped: the frame's text is the server's, markup and all.
	assert.deepEqual(workers[1].frames, ['<b>x</b> [evil]', 'worker_thread']);
	assert.equal(await withStack.locator('.stack b').count(), 0);
	// An opened stack stays open as the panel redraws on the next polls.
	const polls = await p.evaluate(() => +document.body.dataset.polls);
	await p.waitForFunction((n) => +document.body.dataset.polls > n + 1, polls, { timeout: 8000 });
	assert.ok(await frame.isVisible(), 'still open after a redraw');
	await p.unrouteAll({ behavior: 'wait' });
	await ctx.close();
	assert.deepEqual(sink, []);
});

// Rows named "?" say why in a tooltip: a workqueue wqmon never saw queue
// (items in flight when the probes attached), and the overflow series of
// a full series table.  The answer is the daemon's plus those rows.
test('"?" rows explain themselves in a tooltip', async () => {
	const { p, close } = await rewrittenPage((body) => {
		const d = body.snapshots[0];
		const s0 = d.series[0];
		d.series.push({ ...s0, workqueue: '?', function: 'inflight_fn_zz' }, { ...s0, pool_id: -1, workqueue: '?', function: '?' });
		d.workqueues = [...(d.workqueues || []), { ...(d.workqueues?.[0] || {}), name: '?' }];
	});
	await p.goto(base);
	await p.waitForSelector('#fn-table tr[data-key*="inflight_fn_zz"]', { timeout: 10000 });
	const cell = async (row, key) => {
		const col = await colIndex('#fn-table', key);
		return row.locator('td').nth(col);
	};
	const inflight = p.locator('#fn-table tr[data-key*="inflight_fn_zz"]');
	const wq = await cell(inflight, 'wq');
	assert.equal(await wq.textContent(), '?');
	assert.match(await wq.getAttribute('title'), /already queued or running when the probes attached/);
	assert.equal(await (await cell(inflight, 'fn')).getAttribute('title'), 'inflight_fn_zz', 'a known function has its name as its title');
	const overflow = p.locator('#fn-table tr[data-key^="[\\"kernel\\",-1,"]');
	assert.equal(await overflow.count(), 1);
	assert.match(await (await cell(overflow, 'fn')).getAttribute('title'), /series table full/);
	assert.equal(await (await cell(overflow, 'pool')).textContent(), '–');
	const wqRow = p.locator('#wq-table tr[data-key="[\\"kernel\\",\\"?\\"]"] td.name');
	assert.match(await wqRow.getAttribute('title'), /probes attached.*series table full/);
	assert.deepEqual(await close(), []);
});

test('the history can be downloaded as one wqmon-history document', async () => {
	const href = await page.getAttribute('#download', 'href');
	assert.equal(await page.getAttribute('#download', 'download'), 'wqmon-history.json');
	const doc = await page.evaluate(async (u) => (await fetch(u)).json(), href);
	assert.equal(doc.format, 'wqmon-history');
	assert.ok(doc.views.length > 0, 'the download holds the views');
});

test('the configuration panel maps pools to workqueues', async () => {
	const doc = await page.evaluate(async (u) => (await fetch(u)).json(), base + 'api/v1/config');
	assert.equal(doc.format, 'wqmon-config');
	await page.waitForSelector('#cfg-wqs tbody tr[data-key]', { timeout: 10000 });
	const names = await cellTexts('#cfg-wqs', await colIndex('#cfg-wqs', 'name'));
	assert.equal(names.length, doc.workqueues.length, 'a row per workqueue');
	const hp = doc.workqueues.find((w) => w.name === 'events_highpri');
	assert.ok(hp, 'events_highpri is configured');
	const flags = await cellTexts('#cfg-wqs', await colIndex('#cfg-wqs', 'flags'));
	assert.match(flags[names.indexOf('events_highpri')], /highpri/);
	assert.match(await page.textContent('#config .cfg-note'), /^workqueue cpumask: requested /);
	// Click one of events_highpri's pools: only the workqueues on it stay.
	const pool = hp.pools[0];
	const users = doc.workqueues.filter((w) => w.pools.includes(pool)).map((w) => w.name).sort();
	await page.click(`#cfg-pools tbody tr[data-key="${pool}"]`);
	await page.waitForFunction((n) => document.querySelectorAll('#cfg-wqs tbody tr[data-key]').length === n, users.length);
	const shown = (await cellTexts('#cfg-wqs', await colIndex('#cfg-wqs', 'name'))).sort();
	assert.deepEqual(shown, users);
	assert.ok(!shown.includes('events_unbound'), 'an unbound workqueue is not on a per-CPU pool');
	assert.match(await page.textContent('#config .cfg-note'), new RegExp(`showing the workqueues of pool ${pool}`));
	const used = await cellTexts('#cfg-pools', await colIndex('#cfg-pools', 'used'));
	const ids = await cellTexts('#cfg-pools', await colIndex('#cfg-pools', 'id'));
	assert.equal(+used[ids.indexOf(String(pool))], users.length, 'the pool counts its workqueues');
	// Again: all of them.
	await page.click(`#cfg-pools tbody tr[data-key="${pool}"]`);
	await page.waitForFunction((n) => document.querySelectorAll('#cfg-wqs tbody tr[data-key]').length === n, doc.workqueues.length);
});

test('a daemon without the configuration: the panel says why', { skip: !FIXTURE && 'needs the fixture server' }, async () => {
	const url = await startFixtureServer('--no-config');
	const ctx = await browser.newContext({ viewport: { width: 1024, height: 800 } });
	const p = await ctx.newPage();
	await p.goto(url, { waitUntil: 'load' });
	await p.waitForFunction(() => /no workqueue configuration/.test(document.querySelector('#config .cfg-note').textContent), null, { timeout: 10000 });
	assert.match(await p.textContent('#config .cfg-note'), /config_interval = 0/);
	assert.equal(await p.isVisible('#cfg-wqs'), false, 'no empty tables');
	await ctx.close();
});

test('a saved history opens in the page, gzipped too; live returns', async () => {
	const doc = await page.evaluate(async (u) => (await fetch(u)).json(), base + 'api/v1/history?since=0');
	const dir = mkdtempSync(path.join(os.tmpdir(), 'wqmon-open-'));
	const plain = path.join(dir, 'saved.json');
	writeFileSync(plain, JSON.stringify(doc));
	writeFileSync(path.join(dir, 'saved.json.gz'), gzipSync(JSON.stringify(doc)));
	writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ format: 'wqmon-snapshot' }));
	for (const f of ['saved.json', 'saved.json.gz']) {
		await page.setInputFiles('#open input', path.join(dir, f));
		await page.waitForFunction((n) => new RegExp(`^Showing ${n}: \\d+ views`).test(document.querySelector('#banner').textContent), f, { timeout: 5000 });
		assert.equal(await page.getAttribute('#live', 'aria-pressed'), 'false', 'live updates stop');
		assert.match(await page.textContent('#banner'), new RegExp(`${doc.views.length} views`));
		assert.ok((await page.$$('#fn-table tbody tr[data-key]')).length > 0, 'the tables show the file');
	}
	const polls = await page.evaluate(() => +document.body.dataset.polls);
	await page.waitForTimeout(1500);
	assert.equal(await page.evaluate(() => +document.body.dataset.polls), polls, 'no poll while a file is shown');
	await page.setInputFiles('#open input', path.join(dir, 'other.json'));
	await page.waitForFunction(() => /^Cannot open it: other.json is neither a wqmon-history document with views .* nor a wqmon-recording/.test(document.querySelector('#banner').textContent), null, { timeout: 5000 });
	rmSync(dir, { recursive: true });
	await page.click('#live');
	await page.waitForFunction((n) => +document.body.dataset.polls > n, polls, { timeout: 5000 });
	assert.equal(await page.getAttribute('#live', 'aria-pressed'), 'true');
});

// A real recording (run_dashboard_test.sh made it with wqctl record from a
// refwq-demo instance, and what wqctl show --replay makes of it): the page
// reads it as wqctl does, and shows wqctl's numbers.
const REC = process.env.WQMON_RECORDING_DIR;
const recFile = (f) => {
	if (!REC) throw new Error('WQMON_RECORDING_DIR is not set: run tests/web/run_dashboard_test.sh');
	return path.join(REC, f);
};
const jsonl = (f) => readFileSync(recFile(f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

// Every member the page made has wqctl's value: returns the differences.
function differences(mine, theirs, where, out = []) {
	if (mine !== null && typeof mine === 'object') {
		if (Array.isArray(mine) && (!Array.isArray(theirs) || theirs.length !== mine.length))
			out.push(`${where}: ${mine.length} items, wqctl ${theirs?.length}`);
		else for (const k of Object.keys(mine)) differences(mine[k], theirs?.[k], `${where}.${k}`, out);
	} else if (mine !== theirs) {
		out.push(`${where}: ${mine}, wqctl ${theirs}`);
	}
	return out;
}

async function filePage() {
	const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	const p = await ctx.newPage();
	const sink = [];
	watch(p, sink);
	await p.goto(base);
	await p.waitForFunction(() => +document.body.dataset.polls >= 1, null, { timeout: 10000 });
	return { p, ctx, sink };
}

const bannerText = (p) => p.textContent('#banner');

test('a recording\'s intervals, made in the page, are wqctl show --replay\'s, number for number', async () => {
	const want = jsonl('rec.iv.jsonl');
	assert.ok(want.length >= 2, `wqctl made ${want.length} intervals of the recording`);
	const { p, ctx, sink } = await filePage();
	const bytes = [...readFileSync(recFile('rec.gz'))];
	const got = await p.evaluate(async (b) => {
		const tv = await import('./static/textview.js');
		const st = new tv.Intervals();
		const views = [];
		const res = await tv.readRecording(new Blob([new Uint8Array(b)]), 'rec.gz', (s) => {
			const d = st.push(s);
			if (d) views.push(tv.snapshotJson(d));
		});
		return { res, views };
	}, bytes);
	assert.equal(got.res.error, null);
	assert.equal(got.res.views, jsonl('rec.cum.jsonl').length, 'every view read');
	assert.equal(got.views.length, want.length, 'as many intervals as wqctl');
	assert.ok(want.some((v) => v.series.some((s) => s.queued > 0)), 'the recording holds work');
	// A wqctl from before the queuers has none to compare.
	if (!('queuers' in want[0])) for (const v of got.views) delete v.queuers;
	assert.deepEqual(differences(got.views, want, 'interval'), []);
	await ctx.close();
	assert.deepEqual(sink, []);
});

test('a recording opens in the page with wqctl\'s counts; live returns', async () => {
	const iv = jsonl('rec.iv.jsonl');
	const cum = jsonl('rec.cum.jsonl');
	const last = iv[iv.length - 1];
	const { p, ctx, sink } = await filePage();
	await p.setInputFiles('#open input', recFile('rec.gz'));
	await p.waitForFunction(() => /^Showing rec.gz: \d+ views/.test(document.querySelector('#banner').textContent), null, { timeout: 10000 });
	assert.match(await bannerText(p), new RegExp(`^Showing rec.gz: ${cum.length} views, \\d\\d:\\d\\d:\\d\\d to \\d\\d:\\d\\d:\\d\\d\\. Live updates are paused`));
	assert.equal(await p.getAttribute('#live', 'aria-pressed'), 'false', 'live updates stop');
	assert.equal(await p.getAttribute('#banner', 'data-kind'), 'info');
	assert.equal(await p.textContent('#queuers .q-note'), 'Not in rec.gz: who queued the work is read from the daemon, live.');
	// The functions table: a row per series of the last view, its total
	// queued from that view, its rate from the last interval.
	const rows = (await rowCells(p, '#fn-table')).map((r) => ({ key: r.key, cells: r }));
	const lastCum = cum[cum.length - 1];
	assert.equal(rows.length, lastCum.series.length, 'a row per recorded series');
	for (const s of lastCum.series) {
		const key = JSON.stringify([lastCum.source, s.pool_id, s.workqueue, s.function]);
		const row = rows.find((r) => r.key === key);
		assert.ok(row, `a row for ${key}`);
		const v = last.series.find((x) => x.pool_id === s.pool_id && x.workqueue === s.workqueue && x.function === s.function);
		assert.equal(row.cells.queued, fmtCount(s.queued), `${key} total queued`);
		assert.equal(row.cells.rate, fmtRate(v ? v.queued_per_second : 0), `${key} rate/s`);
		if (v && v.cpu_percent != null) assert.equal(row.cells.cpu, fmtPct(v.cpu_percent), `${key} CPU`);
	}
	assert.ok(rows.some((r) => r.cells.rate !== '0'), 'rates of the last interval shown');
	const pools = (await rowCells(p, '#pools-table')).map((r) => ({ key: r.key, cpu: r.cpuPct }));
	for (const pl of last.pools) {
		const row = pools.find((r) => r.key === JSON.stringify([last.source, pl.id]));
		assert.ok(row, `pool ${pl.id}`);
		assert.equal(row.cpu, fmtPct(pl.cpu_percent), `pool ${pl.id} CPU`);
	}
	// Charts from the recorded intervals: a point per interval.
	assert.equal(+(await p.getAttribute('#chart-rate', 'data-points')), 2 * iv.length, 'queued and completed, a point per interval');
	const polls = await p.evaluate(() => +document.body.dataset.polls);
	await p.click('#live');
	await p.waitForFunction((n) => +document.body.dataset.polls > n, polls, { timeout: 5000 });
	assert.equal(await p.getAttribute('#banner', 'hidden'), '', 'the file\'s banner goes');
	await ctx.close();
	assert.deepEqual(sink, []);
});

// Text view v3 (docs/FORMAT.md): the optional queuers and config sections
// are read and checked; a recording's queuers become the interval's.  The
// error lines and the interval's queuers are those of wqctl's v3 reader
// (branch faces1: wqctl show --replay on the same files, compared by hand).
const v3View = (mono, time, fio) => `wqmon-workqueues v3 source=kernel kernel=6.18.0-1-amd64 time=2025-11-23T18:36:${time}.123456789Z mono_ns=${mono} interval_us=0.000

histograms 1
series 0 events vmstat_update queued=${fio[0] + 10} activated=0 started=${fio[0] + 10} completed=${fio[0] + 10} cancelled=0
  q2a sum_us=0.000 max_us=0.000
  a2s sum_us=0.000 max_us=0.000
  lat sum_us=300.000 max_us=25.000 12:30 14:10
  run sum_us=120.000 max_us=3.900 11:40
  cpu sum_us=${fio[1] + 29}.000 max_us=3.800 11:40

queuers 2
# workqueue function pool context comm tgid cgroup_id cgroup queued started completed lat_us run_us cpu_us
events vmstat_update 0 task fio 1234 5678 /wqmon-test.slice ${fio[0]} ${fio[0]} ${fio[0]} 150.000 90.000 ${fio[1]}.000
events vmstat_update 0 hardirq - 0 0 - 10 10 10 150.000 30.000 29.000

config 1 1
system nr_cpus=2 complete=yes time_ns=1763922970000000000 requested=0-1 effective=0-1 isolated=- default_affinity_scope=cache dropped_workqueues=0 dropped_pwqs=0 dropped_pools=0
wq events percpu 1024 1024 - 1 no - - - - 0 - 0,2 0,2
pool 0 0 0 0 no 3 2 1 0

end
`;

test('a v3 recording: queuers of the interval; its sections checked as wqctl checks them', async () => {
	const a = v3View(12345678901234, '10', [30, 81]);
	const b = v3View(12347678901234, '12', [50, 181]);
	const { p, ctx, sink } = await filePage();
	const run = (text) => p.evaluate(async (t) => {
		const tv = await import('./static/textview.js');
		const st = new tv.Intervals();
		const views = [];
		const res = await tv.readRecording(new Blob([t]), 'v3.gz', (s) => {
			const d = st.push(s);
			if (d) views.push(tv.snapshotJson(d));
		});
		return { res, views };
	}, `wqmon-recording v1\n${a}${text}`);
	const good = await run(b);
	assert.equal(good.res.error, null);
	assert.equal(good.views.length, 1);
	// Of the interval (2 s): fio queued 20 more and was charged 100 µs;
	// the hard-IRQ row did nothing new and is left out.
	assert.deepEqual(good.views[0].queuers, [{
		pool_id: 0, workqueue: 'events', function: 'vmstat_update', context: 'task', comm: 'fio', tgid: 1234,
		cgroup_id: 5678, cgroup: '/wqmon-test.slice', queued: 20, started: 20, completed: 20, lat_ns: 0, run_ns: 0,
		cpu_ns: 100000, cpu_percent: 0.005, queued_per_second: 10,
	}]);
	const bad = {
		'line 14: queuers: field 4: bad context (task, softirq, hardirq, nmi or other) \'irq\'': b.replace(' hardirq -', ' irq -'),
		'line 11: section \'queuers\' is v3\'s (the header says v2)': b.replace('wqmon-workqueues v3', 'wqmon-workqueues v2'),
		'line 17: config: field 11: bad dropped_pools \'dropped_pools=x\'': b.replace('dropped_pools=0', 'dropped_pools=x'),
		'line 19: config: field 6: bad bh \'maybe\'': b.replace('pool 0 0 0 0 no', 'pool 0 0 0 0 maybe'),
		'line 15: queuers: two rows of one queuer (same series, context, cgroup_id and comm)': b.replace('queuers 2', 'queuers 3').replace(/^(events vmstat_update 0 task .*)$/m, '$1\n$1'),
		'line 1: unsupported version \'v4\' (this parser reads v2 and v3)': b.replace('wqmon-workqueues v3', 'wqmon-workqueues v4'),
	};
	for (const [why, text] of Object.entries(bad)) {
		const r = await run(text);
		assert.equal(r.res.error, `v3.gz: view 2 (from line 23): ${why}; 1 views read`);
	}
	await ctx.close();
	assert.deepEqual(sink, []);
});

// Damaged copies: what could be read is shown, with the one line wqctl
// prints for the same file; a file with nothing to show is refused in
// that line.
test('a damaged recording shows the views before the damage, and wqctl\'s one-line error', async () => {
	const cum = jsonl('rec.cum.jsonl');
	// Intervals in the first n views: the same snapshot twice makes none.
	const intervals = (n) => new Set(cum.slice(0, n).map((v) => v.mono_ns)).size - 1;
	let shown = 0;
	// The line each view begins at (the format line is line 1).
	const viewLines = gunzipSync(readFileSync(recFile('rec.gz'))).toString().split('\n')
		.map((l, i) => (l.startsWith('wqmon-workqueues ') ? i + 1 : 0)).filter(Boolean);
	const { p, ctx, sink } = await filePage();
	for (const f of ['cut', 'text', 'bad']) {
		const err = readFileSync(recFile(`${f}.err`), 'utf8').trim();
		assert.equal(err.split('\n').length, 1, `wqctl says one line of ${f}.gz`);
		const read = +(/; (\d+) views read$/.exec(err)?.[1] ?? 0);
		await p.evaluate(() => { document.querySelector('#banner').textContent = ''; });
		await p.setInputFiles('#open input', recFile(`${f}.gz`));
		await p.waitForFunction(() => document.querySelector('#banner').textContent !== '', null, { timeout: 10000 });
		const text = await bannerText(p);
		const kind = await p.getAttribute('#banner', 'data-kind');
		if (f === 'bad') {
			// zlib in wqctl and in the browser may stop at different
			// bytes of a broken deflate stream: the same kind of line.
			assert.match(text, /^(Cannot open it: )?bad.gz: (the compressed data is corrupt( \(or cut\) before the first view)?|view \d+ \((from )?line \d+\): .*; \d+ views read)/, text);
			continue;
		}
		if (f === 'cut') {
			// zlib in the browser hands over all it could inflate; wqctl's
			// gzgets may stop up to a buffer earlier: the page may read
			// more views, and names the view it stopped in and its line.
			const m = /^(?:Cannot open it: )?cut.gz: view (\d+) \(line (\d+)\): the file ends inside it \(truncated\); (\d+) views read/.exec(text);
			assert.ok(m, text);
			const [n, line, got] = m.slice(1).map(Number);
			assert.ok(got >= read && got < cum.length && n === got + 1, `${text}\n  wqctl: ${err}`);
			assert.equal(line, viewLines[got], `view ${n} begins at line ${viewLines[got]} of the recording`);
			if (intervals(got) > 0) {
				shown++;
				assert.equal(kind, 'damaged', text);
			}
			continue;
		}
		if (intervals(read) > 0) {
			shown++;
			assert.equal(kind, 'damaged', text);
			assert.ok(text.startsWith(`${err}. Showing the intervals before it, `), `${text}\n  wqctl: ${err}`);
			assert.ok((await p.$$('#fn-table tbody tr[data-key]')).length > 0, 'the views before the damage are shown');
		} else {
			assert.equal(text, `Cannot open it: ${err}`);
		}
		if (f === 'text') assert.match(err, /^text.gz: view 3 \(from line \d+\): line \d+: pools: field 4: bad flags 'x'; 2 views read$/);
	}
	assert.ok(shown > 0, 'a damaged file showed the intervals before the damage');
	await ctx.close();
	assert.deepEqual(sink, []);
});

// "Who is causing this": the table shows /api/v1/queuers' rows as served
// (but the mean wait, lat_ns / started).  The page's answers are caught
// as they arrive, and the table must match one of them exactly.
// Rows as {column key: text}, read in one go (a $$eval's handles can be
// of rows a refresh has replaced).
const rowCells = (p, sel) => p.evaluate((q) => {
	const table = document.querySelector(q);
	const keys = [...table.tHead.rows[0].cells].map((th) => th.dataset.key);
	return [...table.querySelectorAll('tbody tr[data-key]')].map((tr) => ({
		key: tr.dataset.key, cls: tr.className,
		...Object.fromEntries([...tr.children].map((td, i) => [keys[i], td.textContent])),
	}));
}, sel);
const qCells = async (p) => (await rowCells(p, '#queuers table')).map(({ key, ...rest }) => rest);
const qExpected = (doc) => doc.queuers.map((r, i) => ({
	cls: r.context === 'other' ? 'folded' : '',
	rank: String(i + 1), context: r.context,
	comm: r.context === 'other' && r.comm === 'other' ? 'other (the rest)' : r.comm || '–',
	tgid: r.tgid > 0 ? String(r.tgid) : '–', cgroup: r.cgroup || '–', queued: fmtCount(r.queued),
	rate: fmtRate(r.queued_per_second), wait: fmtDur(r.lat_avg_seconds != null ? r.lat_avg_seconds * 1e9 : null),
	cpu: fmtPct(r.cpu_percent),
}));

async function queuersPage(url, edit) {
	const ctx = await browser.newContext({ viewport: { width: 1600, height: 900 } });
	const p = await ctx.newPage();
	const sink = [];
	watch(p, sink);
	const answers = [];
	await p.route(/\/api\/v1\/queuers\?/, async (route) => {
		if (edit) return edit(route);
		const r = await route.fetch();
		const body = await r.json();
		answers.push({ url: route.request().url(), body });
		await route.fulfill({ response: r, json: body });
	});
	await p.goto(url);
	const close = async () => {
		await p.unrouteAll({ behavior: 'wait' });
		await ctx.close();
		return sink;
	};
	return { p, answers, close };
}

// Wait until the table shows one of the answers: return that answer.
async function shownAnswer(p, answers, want) {
	let rows = [];
	for (const end = Date.now() + 10000; Date.now() < end; await p.waitForTimeout(200)) {
		rows = await qCells(p);
		const a = answers.filter((x) => want(x)).find((x) => JSON.stringify(qExpected(x.body)) === JSON.stringify(rows));
		if (a && (rows.length || await p.$('#queuers[data-state="rows"]'))) return a;
	}
	assert.fail(`the table shows none of the answers: ${JSON.stringify(rows).slice(0, 600)}`);
}

// Against a daemon: the panel shows its answer, rows or the line that
// says queuers are not tracked.
test('who is causing this: the panel shows the daemon\'s answer', async () => {
	const { p, answers, close } = await queuersPage(base);
	await p.waitForSelector('#queuers[data-state="rows"], #queuers[data-state="untracked"]', { timeout: 10000 });
	if (await p.$('#queuers[data-state="untracked"]')) {
		assert.ok(answers.some((a) => a.body.tracked === false));
		assert.match(await p.textContent('#queuers .q-note'), /does not track who queues work: set \[kernel\] queuers = yes in wqmond.conf/);
	} else {
		const a = await shownAnswer(p, answers, (x) => /order=cpu/.test(x.url));
		assert.equal(a.body.format, 'wqmon-queuers');
		assert.ok(a.body.queuers.length <= 11, 'ten rows and the rest folded, at most');
	}
	assert.deepEqual(await close(), []);
});

test('who is causing this: the top queuers by kworker CPU, then by items queued', { skip: !FIXTURE && 'needs the fixture server' }, async () => {
	const { p, answers, close } = await queuersPage(base);
	// An interval with items enough for every queuer of the fixture (a
	// short one leaves the lightest with none, and they are left out).
	const a = await shownAnswer(p, answers, (x) => /order=cpu/.test(x.url) && !/function=/.test(x.url) &&
		x.body?.queuers?.length === 11);
	assert.match(a.url, /[?&]top=10(&|$)/);
	const rows = a.body.queuers;
	assert.equal(rows.length, 11, 'ten queuers and the rest in one row');
	assert.deepEqual(rows.map((r) => r.cpu_percent), [...rows.slice(0, 10).map((r) => r.cpu_percent).sort((x, y) => y - x), rows[10].cpu_percent], 'by CPU, the folded row last');
	const cells = await qCells(p);
	assert.equal(cells[0].comm, 'fio');
	assert.equal(cells[0].cgroup, '/user.slice/user-1000.slice/session-3.scope');
	assert.equal(cells[0].tgid, '4242');
	assert.ok(cells.some((c) => c.comm === 'nginx' && c.cgroup === '/system.slice/nginx.service'));
	for (const ctxName of ['softirq', 'hardirq']) {
		const c = cells.find((x) => x.context === ctxName);
		assert.ok(c, `a ${ctxName} row`);
		assert.deepEqual([c.comm, c.tgid, c.cgroup], ['–', '–', '–'], `no task named for ${ctxName}`);
	}
	assert.equal(cells[10].comm, 'other (the rest)');
	assert.equal(cells[10].cls, 'folded');
	assert.match(await p.textContent('#queuers .q-note'), /^kernel: top 10 by kworker CPU, last interval, the rest in one row$/);
	assert.equal(await p.textContent('#queuers .q-scope'), 'of all work');

	await p.click('#queuers .seg button[data-order="queued"]');
	assert.equal(await p.getAttribute('#queuers .seg button[data-order="queued"]', 'aria-pressed'), 'true');
	const b = await shownAnswer(p, answers, (x) => /order=queued/.test(x.url));
	const q = b.body.queuers.slice(0, 10).map((r) => r.queued);
	assert.deepEqual(q, [...q].sort((x, y) => y - x), 'by items queued');
	assert.match(await p.textContent('#queuers .q-note'), /top 10 by items queued/);

	// A series drilled into: its own queuers.
	const key = await p.getAttribute('#fn-table tbody tr[data-key*="aio_fsync_work"]', 'data-key');
	const [, pool, wq, fn] = JSON.parse(key);
	await p.click(`#fn-table tbody tr[data-key='${key}']`);
	await p.waitForFunction((t) => document.querySelector('#queuers .q-scope').textContent === t, `of ${fn} · ${wq} · pool ${pool}`, { timeout: 5000 });
	const c = await shownAnswer(p, answers, (x) => x.url.includes(`function=${fn}`));
	const u = new URL(c.url);
	assert.deepEqual([u.searchParams.get('workqueue'), u.searchParams.get('function'), u.searchParams.get('pool'), u.searchParams.get('source'), u.searchParams.get('order')],
		[wq, fn, String(pool), 'kernel', 'queued']);
	assert.ok(c.body.queuers.every((r) => r.function === fn && r.workqueue === wq && r.pool_id === pool), 'rows of that series');
	await p.keyboard.press('Escape');
	await p.waitForFunction(() => document.querySelector('#queuers .q-scope').textContent === 'of all work', null, { timeout: 5000 });
	assert.deepEqual(await close(), []);
});

test('who is causing this: a source that does not track queuers says how to turn it on', { skip: !FIXTURE && 'needs the fixture server' }, async () => {
	const url = await startFixtureServer('--no-queuers');
	const { p, close } = await queuersPage(url);
	await p.waitForSelector('#queuers[data-state="untracked"]', { timeout: 10000 });
	assert.equal(await p.textContent('#queuers .q-note'),
		'kernel does not track who queues work: set [kernel] queuers = yes in wqmond.conf (or run wqmond with -o kernel.queuers=yes).');
	assert.equal(await p.isVisible('#queuers table'), false, 'no empty table');
	assert.deepEqual(await close(), []);
});

test('who is causing this: no queuers in the interval, and an endpoint that answers 4xx', async () => {
	const empty = await queuersPage(base, (route) => route.fulfill({
		json: { format: 'wqmon-queuers', version: 1, source: 'kernel', mono_ns: 1, interval_ns: 1e9, sample_every: 1,
			tracked: true, order: 'cpu', top: 10, queuers: [] },
	}));
	await empty.p.waitForSelector('#queuers[data-state="rows"]', { timeout: 10000 });
	assert.equal(await empty.p.textContent('#queuers tbody'), 'no work queued in the last interval');
	assert.deepEqual(await empty.close(), []);

	const old = await queuersPage(base, (route) => route.fulfill({
		status: 404, json: { error: 'no such path: /api/v1/queuers', hint: 'see docs/API.md for the paths wqmond serves' },
	}));
	await old.p.waitForSelector('#queuers[data-state="error"]', { timeout: 10000 });
	assert.match(await old.p.textContent('#queuers .q-note'),
		/^Who queued the work: unavailable: api\/v1\/queuers\?top=10&order=cpu: HTTP 404 — no such path: \/api\/v1\/queuers$/);
	assert.equal(await old.p.isVisible('#queuers table'), false);
	// The rest of the page goes on.
	const polls = await old.p.evaluate(() => +document.body.dataset.polls);
	await old.p.waitForFunction((n) => +document.body.dataset.polls > n, polls, { timeout: 5000 });
	const sink = await old.close();
	assert.ok(sink.length > 0 && sink.every((x) => /^(HTTP 404: |console error: Failed to load resource: .* 404 .*\().*\/api\/v1\/queuers\?/.test(x)), sink.join('\n'));
});

// Slow items: the rows are /api/v1/slow's records as served, newest
// first, and the stream's new ones on top.
const slowExpected = (r) => ({
	seq: r.seq, seqCell: fmtWall(r.ended_real_ns), wq: r.workqueue, fn: r.function,
	where: `${r.pool_id} / ${r.cpu}`, lat: r.latency_ns == null ? '–' : fmtDur(r.latency_ns),
	run: fmtDur(r.run_ns), cpu: fmtDur(r.cpu_ns), context: r.queuer ? r.queuer.context : '–',
	comm: r.queuer?.comm ? (r.queuer.tgid > 0 ? `${r.queuer.comm}/${r.queuer.tgid}` : r.queuer.comm) : '–',
	cgroup: r.queuer?.cgroup || '–', why: r.slow.join(', '),
});

async function slowPage(url) {
	const ctx = await browser.newContext({ viewport: { width: 1600, height: 900 } });
	const p = await ctx.newPage();
	const sink = [];
	watch(p, sink);
	await p.goto(url);
	const close = async () => {
		await ctx.close();
		return sink;
	};
	return { p, close };
}

// Rows as {seq, column: text}, the time column under seqCell.
const slowTable = (p) => p.evaluate(() => {
	const table = document.querySelector('#slow table');
	const keys = [...table.tHead.rows[0].cells].map((th) => th.dataset.key);
	return [...table.querySelectorAll('tbody tr[data-key]')].map((tr) => ({
		seq: +tr.dataset.key,
		...Object.fromEntries([...tr.children].map((td, i) => [keys[i] === 'seq' ? 'seqCell' : keys[i], td.textContent])),
	}));
});

test('slow items: the daemon\'s recent records, newest first', async () => {
	const { p, close } = await slowPage(base);
	await p.waitForSelector('#slow[data-state="rows"], #slow[data-state="off"]', { timeout: 10000 });
	const doc = await (await p.request.get(`${base}api/v1/slow?limit=20`)).json().catch(() => null);
	if (await p.$('#slow[data-state="off"]')) {
		assert.equal(doc?.format, undefined, 'off: the daemon answers no records');
	} else {
		assert.equal(doc.format, 'wqmon-slow');
		await p.waitForFunction((n) => document.querySelectorAll('#slow tbody tr[data-key]').length >= n, Math.min(doc.records.length, 20), { timeout: 5000 });
		const rows = await slowTable(p);
		const seqs = rows.map((r) => r.seq);
		assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest first');
		for (const r of doc.records.filter((x) => seqs.includes(x.seq)))
			assert.deepEqual(rows.find((x) => x.seq === r.seq), slowExpected(r));
	}
	if (FIXTURE) {
		const rows = await slowTable(p);
		assert.equal(rows.length, 6);
		assert.deepEqual(rows[0], slowExpected(doc.records[0]));
		assert.equal(rows[0].run, '378 ms');
		assert.equal(rows[0].comm, 'fio/4242');
		assert.equal(rows[0].why, 'run');
		const bh = rows.find((r) => r.fn === 'blk_mq_run_work_fn');
		assert.deepEqual([bh.lat, bh.context, bh.comm, bh.cgroup], ['–', 'softirq', '–', '–']);
		assert.equal(rows.find((r) => r.fn === 'wb_workfn').why, 'latency');
		assert.match(await p.textContent('#slow .s-note'), /slow when latency ≥ 100 ms, run ≥ 100 ms, 1 rule per workqueue\/function/);
	}
	assert.deepEqual(await close(), []);
});

test('slow items: a new record arrives by the stream; a drilled series shows its own', { skip: !FIXTURE && 'needs the fixture server' }, async () => {
	const { p, close } = await slowPage(base);
	await p.waitForSelector('#slow[data-state="rows"]', { timeout: 10000 });
	await p.waitForFunction(() => document.querySelectorAll('#slow tbody tr[data-key]').length === 6, null, { timeout: 5000 });
	const rec = await (await p.request.get(`${base}_fixture/slow?workqueue=events&function=delayed_fput&pool=6&run_ms=250`)).json();
	await p.waitForFunction((k) => document.querySelector('#slow tbody tr[data-key]')?.dataset.key === String(k), rec.seq, { timeout: 5000 });
	const rows = await slowTable(p);
	assert.deepEqual(rows[0], slowExpected(rec));
	assert.equal(rows[0].run, '250 ms');
	assert.equal(rows.length, 7);

	// Drilled into aio_fsync_work of pool 2: its records only.
	const key = await p.getAttribute('#fn-table tbody tr[data-key*="aio_fsync_work"][data-key*=",2,"]', 'data-key');
	const [, pool, wq, fn] = JSON.parse(key);
	const asked = p.waitForRequest((r) => /\/api\/v1\/slow\?/.test(r.url()) && r.url().includes(`function=${fn}`));
	await p.click(`#fn-table tbody tr[data-key='${key}']`);
	const u = new URL((await asked).url());
	assert.deepEqual([u.searchParams.get('workqueue'), u.searchParams.get('function')], [wq, fn]);
	await p.waitForFunction((t) => document.querySelector('#slow .s-scope').textContent === t, `of ${fn} · ${wq} · pool ${pool}`, { timeout: 5000 });
	await p.waitForFunction(() => document.querySelectorAll('#slow tbody tr[data-key]').length === 2, null, { timeout: 5000 });
	let drilled = await slowTable(p);
	assert.ok(drilled.every((r) => r.fn === fn && r.wq === wq && r.where.startsWith(`${pool} /`)), JSON.stringify(drilled));
	// A record of another series does not come in; one of it does.
	await p.request.get(`${base}_fixture/slow?workqueue=events&function=delayed_fput&pool=6`);
	const mine = await (await p.request.get(`${base}_fixture/slow?workqueue=${wq}&function=${fn}&pool=${pool}&run_ms=99`)).json();
	await p.waitForFunction((k) => document.querySelector('#slow tbody tr[data-key]')?.dataset.key === String(k), mine.seq, { timeout: 5000 });
	drilled = await slowTable(p);
	assert.equal(drilled.length, 3);
	assert.deepEqual(drilled[0], slowExpected(mine));
	await p.keyboard.press('Escape');
	await p.waitForFunction(() => document.querySelector('#slow .s-scope').textContent === 'of all work', null, { timeout: 5000 });
	await p.waitForFunction(() => document.querySelectorAll('#slow tbody tr[data-key]').length === 9, null, { timeout: 5000 });
	assert.deepEqual(await close(), []);
});

test('slow items: a daemon with them off says how to turn them on', { skip: !FIXTURE && 'needs the fixture server' }, async () => {
	const url = await startFixtureServer('--no-slow');
	const { p, close } = await slowPage(url);
	await p.waitForSelector('#slow[data-state="off"]', { timeout: 10000 });
	assert.equal(await p.textContent('#slow .s-note'),
		'Slow items are off in this daemon: set thresholds under [slow] in wqmond.conf (docs/SLOW.md).');
	assert.equal(await p.isVisible('#slow table'), false, 'no empty table');
	const sink = await close();
	assert.ok(sink.length > 0 && sink.every((x) => /^(HTTP 404: |console error: Failed to load resource: .* 404 .*\().*\/api\/v1\/slow\?/.test(x)), sink.join('\n'));
});

test('slow items: an endpoint that answers 4xx', async () => {
	const ctx = await browser.newContext({ viewport: { width: 1600, height: 900 } });
	const p = await ctx.newPage();
	const sink = [];
	watch(p, sink);
	await p.route(/\/api\/v1\/slow\?/, (route) => route.fulfill({
		status: 400, json: { error: 'bad limit \'0\': give 1 to 100000', hint: 'e.g. /api/v1/slow?limit=20' },
	}));
	await p.goto(base);
	await p.waitForSelector('#slow[data-state="error"]', { timeout: 10000 });
	assert.equal(await p.textContent('#slow .s-note'),
		'Slow items: unavailable: api/v1/slow?limit=20: HTTP 400 — bad limit \'0\': give 1 to 100000');
	assert.equal(await p.isVisible('#slow table'), false);
	await p.unrouteAll({ behavior: 'wait' });
	await ctx.close();
	assert.ok(sink.length > 0 && sink.every((x) => /^(HTTP 400: |console error: Failed to load resource: .* 400 .*\().*\/api\/v1\/slow\?/.test(x)), sink.join('\n'));
});

test('pause stops the updates and resume restarts them', async () => {
	await page.click('#live');
	assert.equal(await page.getAttribute('#live', 'aria-pressed'), 'false');
	const polls = await page.evaluate(() => +document.body.dataset.polls);
	await page.waitForTimeout(1500);
	assert.equal(await page.evaluate(() => +document.body.dataset.polls), polls);
	await page.click('#live');
	await page.waitForFunction((n) => +document.body.dataset.polls > n, polls, { timeout: 5000 });
});

test('a screenshot is kept', async () => {
	mkdirSync(ARTIFACTS, { recursive: true });
	const file = path.join(ARTIFACTS, 'dashboard.png');
	await page.screenshot({ path: file, fullPage: true });
	assert.ok(existsSync(file));
	const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
	const light = await ctx.newPage();
	await light.goto(base);
	await light.waitForFunction(() => +document.querySelector('#heatmap').dataset.cells > 0, null, { timeout: 10000 });
	await light.screenshot({ path: path.join(ARTIFACTS, 'dashboard-light.png'), fullPage: true });
	await ctx.close();
});

test('no console errors or failed requests', () => {
	assert.deepEqual(unexpected(), []);
});

test('an endpoint failing shows a banner, and the page recovers', { skip: !FIXTURE && 'needs the fixture server' }, async () => {
	const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
	const p = await ctx.newPage();
	await p.goto(base);
	await p.waitForFunction(() => +document.body.dataset.polls >= 1, null, { timeout: 10000 });
	await p.request.get(`${base}_fixture/fail?seconds=3`);
	await p.waitForSelector('#banner[data-kind="error"]:not([hidden])', { timeout: 6000 });
	assert.match(await p.textContent('#banner'), /503/);
	await p.waitForFunction(() => !document.body.classList.contains('stale'), null, { timeout: 15000 });
	const polls = await p.evaluate(() => +document.body.dataset.polls);
	await p.waitForFunction((n) => +document.body.dataset.polls > n, polls, { timeout: 5000 });
	await ctx.close();
});
