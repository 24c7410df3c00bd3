// A sortable, paginated table of an answer's rows; numbers formatted per metric format.
import { h, clear } from '../dom.js';
import { formatValue } from './format.js';

const PAGE = 20;

export function resultTable(columns, rows, formats = {}, { caption } = {}) {
  let order = null; // {index, dir}
  let page = 0;
  const wrap = h('div', { class: 'table-wrap' });
  const status = h('p', { class: 'table-status', 'aria-live': 'polite' });
  const pager = h('div', { class: 'pager' });

  function sorted() {
    if (!order) return rows;
    const { index, dir } = order;
    return [...rows].sort((a, b) => {
      const x = a[index]; const y = b[index];
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
    });
  }

  function draw() {
    const all = sorted();
    const pages = Math.max(1, Math.ceil(all.length / PAGE));
    page = Math.min(page, pages - 1);
    const shown = all.slice(page * PAGE, page * PAGE + PAGE);
    const head = h('tr', {}, columns.map((c, i) => {
      const numeric = c.type === 'number' || c.role === 'metric';
      const dir = order && order.index === i ? order.dir : 0;
      return h('th', {
        scope: 'col', class: numeric ? 'num' : '', 'aria-sort': dir ? (dir > 0 ? 'ascending' : 'descending') : 'none',
      }, h('button', {
        type: 'button', class: 'sort',
        onclick: () => { order = { index: i, dir: dir === 1 ? -1 : 1 }; page = 0; draw(); },
      }, c.label || c.name, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, dir > 0 ? '▲' : dir < 0 ? '▼' : '↕')));
    }));
    const body = shown.map((row) => h('tr', {}, columns.map((c, i) => h('td', {
      class: typeof row[i] === 'number' ? 'num' : '',
    }, formatValue(row[i], c, formats[c.name])))));
    const table = h('table', { class: 'data' },
      caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
      h('thead', {}, head), h('tbody', {}, body));
    clear(wrap, table);
    status.textContent = rows.length
      ? `Rows ${page * PAGE + 1}–${page * PAGE + shown.length} of ${rows.length.toLocaleString()}`
      : 'No rows matched.';
    clear(pager,
      h('button', { type: 'button', class: 'ghost small', disabled: page === 0, onclick: () => { page -= 1; draw(); } }, '← Previous'),
      h('span', { class: 'muted' }, `Page ${page + 1} of ${pages}`),
      h('button', { type: 'button', class: 'ghost small', disabled: page >= pages - 1, onclick: () => { page += 1; draw(); } }, 'Next →'));
    pager.hidden = pages < 2;
  }
  draw();
  return h('div', { class: 'result-table' }, wrap, h('div', { class: 'table-foot' }, status, pager));
}
