// History: one's own questions (an admin sees the whole tenant's); open, re-run, delete.
import { api, can } from '../api.js';
import { banner, clear, confirmDialog, empty, h, spinner, when } from '../dom.js';

export async function render(main, { navigate }) {
  const list = h('div', { class: 'history' });
  const more = h('button', { type: 'button', class: 'ghost', hidden: true }, 'Load more');
  const status = h('div', { 'aria-live': 'polite' });
  clear(main,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'History'),
        h('p', { class: 'muted' }, can.admin() ? "Every question asked in your organisation, newest first." : 'Your questions, newest first.')),
      h('button', { type: 'button', class: 'primary', onclick: () => navigate('/ask') }, 'Ask a question')),
    status, list, h('div', { class: 'actions' }, more));
  list.append(spinner('Loading history…'));
  let cursor = null;
  let table = null;

  function row(item) {
    const tr = h('tr', {},
      h('td', { class: 'wrap' }, h('a', {
        href: `/ask?c=${encodeURIComponent(item.conversation_id)}`,
        onclick: (e) => { e.preventDefault(); navigate(`/ask?c=${encodeURIComponent(item.conversation_id)}`); },
      }, item.question)),
      h('td', { class: 'summary-cell' }, item.summary || h('span', { class: 'muted' }, item.status)),
      h('td', { class: 'num' }, item.row_count ?? '—'),
      h('td', {}, when(item.created_at)),
      h('td', {}, h('div', { class: 'item-actions' },
        h('button', {
          type: 'button', class: 'ghost small', 'aria-label': `Re-run: ${item.question}`,
          onclick: () => navigate(`/ask?run=${encodeURIComponent(item.question)}&conn=${encodeURIComponent(item.connection_id)}`),
        }, 'Re-run'),
        h('button', {
          type: 'button', class: 'danger-ghost small', 'aria-label': `Delete: ${item.question}`,
          onclick: async () => {
            if (!(await confirmDialog('Delete this question?', `“${item.question}” will be removed from history. This cannot be undone.`))) return;
            try {
              await api(`/query/${encodeURIComponent(item.id)}`, { method: 'DELETE' });
              tr.remove();
              clear(status, banner('ok', 'Deleted from history.'));
            } catch (err) { clear(status, banner('error', err.message)); }
          },
        }, 'Delete'))));
    return tr;
  }

  async function load() {
    more.disabled = true;
    try {
      const page = await api(`/query/history?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (!table) {
        if (!page.data.length) {
          clear(list, h('div', { class: 'card' }, empty('No questions yet', h('p', {}, 'Questions you ask appear here, so you can open, re-run or delete them.'))));
          return;
        }
        table = h('tbody');
        clear(list, h('div', { class: 'card' }, h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
          h('caption', { class: 'visually-hidden' }, 'Question history'),
          h('thead', {}, h('tr', {}, ['Question', 'Answer', 'Rows', 'Asked', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
          table))));
      }
      table.append(...page.data.map(row));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (err) {
      clear(list, banner('error', err.message));
    } finally { more.disabled = false; }
  }
  more.addEventListener('click', load);
  await load();
}
