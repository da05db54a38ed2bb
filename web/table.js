// SPDX-License-Identifier: GPL-2.0
// A live table: rows replaced on every update, sort order, filter and
// focus kept across updates.  Click a header to sort (numbers biggest
// first, names A→Z), click again to reverse.  When the table is wider than
// its box, columns are dropped by their `drop` rank (highest first; a
// column without one always stays), so on a narrow screen the columns that
// matter stay in view instead of scrolling off the side.

import { escapeHtml } from './format.js';

const MAX_ROWS = 300;

// cols: [{key, label, num, fmt(v,row), sev(row) -> ''|'warn'|'crit', title, cls,
//         drop: rank, the highest dropped first when the width is short,
//         tip(row) -> a cell's explanation, or ''}]
export class LiveTable {
	constructor(root, { cols, sort, desc, rowKey, filterText, onRowClick, rowClass, empty }) {
		this.root = root;
		this.cols = cols;
		this.sort = sort;
		this.desc = desc;
		this.rowKey = rowKey;
		this.filterText = filterText;
		this.onRowClick = onRowClick;
		this.rowClass = rowClass || (() => '');
		this.empty = empty || 'no rows';
		this.rows = [];
		this.filter = '';
		this.hidden = new Set();
		this.dropped = new Set();  // columns the width has no room for
		this.fitWidth = 0;
		this.box = root.querySelector('.scroll');

		this.table = root.querySelector('table');
		this.thead = this.table.createTHead();
		this.tbody = this.table.tBodies[0] || this.table.createTBody();
		this.count = root.querySelector('.count');
		const input = root.querySelector('input[type=search]');
		if (input) {
			input.addEventListener('input', () => {
				this.filter = input.value.trim().toLowerCase();
				this.render();
			});
		}
		this.tbody.addEventListener('click', (ev) => {
			const tr = ev.target.closest('tr[data-key]');
			if (tr && this.onRowClick) this.onRowClick(tr.dataset.key);
		});
		this.tbody.addEventListener('keydown', (ev) => {
			const tr = ev.target.closest('tr[data-key]');
			if (tr && this.onRowClick && (ev.key === 'Enter' || ev.key === ' ')) {
				ev.preventDefault();
				this.onRowClick(tr.dataset.key);
			}
		});
		this.renderHead();
	}

	setHidden(keys) {
		const next = new Set(keys);
		if ([...next].join() === [...this.hidden].join()) return;
		this.hidden = next;
		this.fitWidth = 0;
		this.renderHead();
	}

	visibleCols() {
		return this.cols.filter((c) => !this.hidden.has(c.key) && !this.dropped.has(c.key));
	}

	// Drop columns, least important first, until the table fits its box;
	// all come back when the box's width changes, and are dropped again.
	fit() {
		if (!this.box) return;
		const avail = this.box.clientWidth;
		if (!avail) return;
		let changed = false;
		if (avail !== this.fitWidth) {
			this.fitWidth = avail;
			changed = this.dropped.size > 0;
			this.dropped.clear();
			if (changed) this.renderHead();
			if (changed) this.renderBody();
		}
		while (this.table.scrollWidth > avail + 1) {
			const next = this.visibleCols().filter((c) => c.drop).sort((a, b) => b.drop - a.drop)[0];
			if (!next) break;
			this.dropped.add(next.key);
			changed = true;
			this.renderHead();
			this.renderBody();
		}
		if (changed) this.renderCount();
	}

	renderHead() {
		const ths = this.visibleCols().map((c) => {
			const s = c.key === this.sort ? (this.desc ? 'descending' : 'ascending') : 'none';
			return `<th data-key="${c.key}" class="${c.num ? 'num' : ''}" aria-sort="${s}" title="${escapeHtml(c.title || '')}"><button type="button">${escapeHtml(c.label)}<span class="arrow"></span></button></th>`;
		});
		this.thead.innerHTML = `<tr>${ths.join('')}</tr>`;
		for (const th of this.thead.querySelectorAll('th')) {
			th.querySelector('button').addEventListener('click', () => {
				const col = this.cols.find((c) => c.key === th.dataset.key);
				if (this.sort === col.key) this.desc = !this.desc;
				else {
					this.sort = col.key;
					this.desc = !!col.num;
				}
				this.renderHead();
				this.render();
			});
		}
	}

	update(rows, focusKey) {
		this.rows = rows;
		this.focusKey = focusKey;
		this.render();
	}

	render() {
		this.renderBody();
		this.fit();
		this.renderCount();
	}

	renderBody() {
		const col = this.cols.find((c) => c.key === this.sort) || this.cols[0];
		const get = col.value || ((r) => r[col.key]);
		let rows = this.rows;
		if (this.filter) rows = rows.filter((r) => this.filterText(r).toLowerCase().includes(this.filter));
		const dir = this.desc ? -1 : 1;
		rows = rows.slice().sort((a, b) => {
			const va = get(a), vb = get(b);
			let c;
			if (col.num) c = (va ?? -Infinity) - (vb ?? -Infinity);
			else c = String(va).localeCompare(String(vb));
			if (c === 0 || Number.isNaN(c)) c = this.rowKey(a).localeCompare(this.rowKey(b)) * dir;
			return c * dir;
		});
		const cols = this.visibleCols();
		const shown = rows.slice(0, MAX_ROWS);
		const html = shown.map((r) => {
			const key = this.rowKey(r);
			const cls = [this.rowClass(r), key === this.focusKey ? 'focused' : ''].join(' ').trim();
			const tds = cols.map((c) => {
				const v = c.value ? c.value(r) : r[c.key];
				const sev = c.sev ? c.sev(r) : '';
				const text = c.fmt ? c.fmt(v, r) : v;
				const why = c.tip ? c.tip(r) : '';
				const k = [c.num ? 'num' : '', sev, c.cls || '', why ? 'explained' : ''].join(' ').trim();
				const tip = why || c.cls === 'name' ? ` title="${escapeHtml(why || (text ?? ''))}"` : '';
				return `<td${k ? ` class="${k}"` : ''}${tip}>${c.html ? text : escapeHtml(text ?? '')}</td>`;
			});
			const tab = this.onRowClick ? ' tabindex="0"' : '';
			return `<tr data-key="${escapeHtml(key)}"${cls ? ` class="${cls}"` : ''}${tab}>${tds.join('')}</tr>`;
		});
		if (!shown.length) {
			const msg = this.filter ? `no rows match “${this.filter}”` : this.empty;
			html.push(`<tr class="empty"><td colspan="${cols.length}">${escapeHtml(msg)}</td></tr>`);
		}
		this.tbody.innerHTML = html.join('');
		this.matched = rows.length;
	}

	renderCount() {
		if (!this.count) return;
		const rows = this.matched;
		let text = rows === this.rows.length ? `${this.rows.length}` : `${rows} of ${this.rows.length}`;
		if (rows > MAX_ROWS) text += ` (first ${MAX_ROWS} shown)`;
		const gone = this.cols.filter((c) => this.dropped.has(c.key)).map((c) => c.label);
		if (gone.length) text += ` · ${gone.length} column${gone.length > 1 ? 's' : ''} hidden`;
		this.count.textContent = text;
		this.count.title = gone.length ? `no room for: ${gone.join(', ')} (a wider window shows them)` : '';
	}
}
