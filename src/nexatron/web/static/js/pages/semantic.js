// Semantic layer: search and edit metrics, dimensions and relationships (422s shown next to their
// fields), bootstrap preview then apply, YAML export, and import with the dry-run diff first.
import { api, can, layerOf, session } from '../api.js';
import { banner, clear, confirmDialog, download, empty, field, h, notAllowed, showFieldErrors, spinner } from '../dom.js';

const SPECS = {
  metrics: [
    ['name', 'Name', 'text', { hint: 'Letters, digits and _; used in the API and the SQL column.' }],
    ['label', 'Label', 'text'],
    ['description', 'Description', 'textarea'],
    ['synonyms', 'Synonyms', 'list', { hint: 'Comma-separated words people use for it.' }],
    ['type', 'Type', 'select', { choices: ['simple', 'ratio', 'derived', 'cumulative'] }],
    ['table', 'Table', 'text'],
    ['agg', 'Aggregation', 'select', { choices: ['', 'sum', 'count', 'count_distinct', 'avg', 'min', 'max', 'median'] }],
    ['expr', 'Expression', 'text', { hint: 'SQL over the table’s columns, e.g. amount or price * quantity.' }],
    ['time_dimension', 'Time dimension', 'text'],
    ['numerator', 'Numerator (ratio)', 'text'],
    ['denominator', 'Denominator (ratio)', 'text'],
    ['expression', 'Formula (derived)', 'text', { hint: 'Over other metric names, e.g. revenue - cost.' }],
    ['format.kind', 'Format', 'select', { choices: ['number', 'currency', 'percent'] }],
    ['format.currency', 'Currency', 'text', { hint: 'ISO code, e.g. USD.' }],
    ['format.decimals', 'Decimals', 'number'],
  ],
  dimensions: [
    ['name', 'Name', 'text'],
    ['label', 'Label', 'text'],
    ['description', 'Description', 'textarea'],
    ['synonyms', 'Synonyms', 'list', { hint: 'Comma-separated.' }],
    ['table', 'Table', 'text'],
    ['expr', 'Expression', 'text', { hint: 'Usually a column name.' }],
    ['type', 'Type', 'select', { choices: ['string', 'number', 'boolean', 'time'] }],
    ['grains', 'Time grains', 'list', { hint: 'For time dimensions: day, week, month, quarter, year (empty: all).' }],
  ],
  relationships: [
    ['name', 'Name', 'text'],
    ['from_table', 'From table', 'text'],
    ['from_columns', 'From columns', 'list'],
    ['to_table', 'To table', 'text'],
    ['to_columns', 'To columns', 'list'],
    ['cardinality', 'Cardinality', 'select', { choices: ['many_to_one', 'one_to_one', 'one_to_many'] }],
  ],
};
const TABS = [['metrics', 'Metrics'], ['dimensions', 'Dimensions'], ['relationships', 'Relationships'], ['bootstrap', 'Bootstrap'], ['yaml', 'YAML']];

const get = (obj, path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
function put(obj, path, value) {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] = o[k] || {};
  o[keys[keys.length - 1]] = value;
}

export async function render(main, { params }) {
  const status = h('div', { 'aria-live': 'polite' });
  const picker = h('select', { id: 'sem-connection', name: 'connection' });
  const tabBar = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Semantic layer sections' });
  const panel = h('div', { role: 'tabpanel', id: 'sem-panel', tabindex: '-1' });
  clear(main,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Semantic layer'), h('p', { class: 'muted' }, 'The metrics, dimensions and joins Nexatron reads questions against.')),
      h('div', { class: 'toolbar' }, h('label', { for: 'sem-connection' }, 'Connection'), picker)),
    status, tabBar, panel);
  let tab = params.get('tab') || 'metrics';
  const conns = await api('/connections').catch((err) => { clear(status, banner('error', err.message)); return { data: [] }; });
  if (!conns.data.length) { clear(panel, empty('No connections yet', h('p', {}, 'Add a connection first; its layer is edited here.'))); return; }
  clear(picker, conns.data.map((c) => h('option', { value: c.id, selected: c.is_default }, c.name)));
  picker.addEventListener('change', () => show(tab));

  function show(name) {
    tab = name;
    clear(status);
    clear(tabBar, TABS.filter(([key]) => can.admin() || (key !== 'bootstrap')).map(([key, label]) => h('button', {
      type: 'button', role: 'tab', 'aria-selected': String(key === name), 'aria-controls': 'sem-panel', id: `tab-${key}`,
      tabindex: key === name ? '0' : '-1',
      onclick: () => show(key),
      onkeydown: (e) => {
        const buttons = [...tabBar.querySelectorAll('[role=tab]')];
        const i = buttons.indexOf(e.currentTarget);
        const next = e.key === 'ArrowRight' ? buttons[(i + 1) % buttons.length] : e.key === 'ArrowLeft' ? buttons[(i - 1 + buttons.length) % buttons.length] : null;
        if (next) { e.preventDefault(); next.click(); tabBar.querySelector('[aria-selected=true]').focus(); }
      },
    }, label)));
    if (tabBar.querySelector(`#tab-${name}`)) panel.setAttribute('aria-labelledby', `tab-${name}`);
    else panel.removeAttribute('aria-labelledby'); // a tab the role does not get
    if (SPECS[name]) objects(name);
    else if (name === 'bootstrap' && !can.admin()) clear(panel, notAllowed('Bootstrap', 'admins', session.user.role));
    else if (name === 'bootstrap') bootstrap();
    else yaml();
  }

  async function objects(kind) {
    const conn = picker.value;
    const search = h('input', { type: 'search', id: 'sem-search', placeholder: `Search ${kind}…` });
    const listEl = h('ul', { class: 'side-list', 'aria-label': kind });
    const editor = h('div', { class: 'card editor' });
    const newButton = can.admin() ? h('button', { type: 'button', class: 'secondary wide', onclick: () => edit(null) }, `+ New ${kind.slice(0, -1)}`) : null;
    const count = h('p', { class: 'hint sem-count', 'aria-live': 'polite' });
    clear(panel, h('div', { class: 'two-col' },
      h('div', { class: 'card' }, h('label', { for: 'sem-search', class: 'visually-hidden' }, `Search ${kind}`), search, count, listEl, newButton),
      editor));
    clear(editor, spinner());
    let items = [];
    let current = null;
    try {
      items = (await api(`/semantic/${kind}?connection_id=${encodeURIComponent(conn)}`)).data;
    } catch (err) { clear(editor, banner('error', err.message)); return; }
    if (!listEl.isConnected) return; // another tab was opened while the list loaded

    function drawList() {
      const q = search.value.trim().toLowerCase();
      const shown = items.filter((o) => !q || [o.name, o.label, o.description, ...(o.synonyms || []), o.from_table, o.to_table].filter(Boolean).join(' ').toLowerCase().includes(q));
      count.textContent = `${shown.length} of ${items.length}`;
      clear(listEl, shown.map((o) => h('li', {}, h('button', {
        type: 'button', 'aria-current': String(current && current.id === o.id), onclick: () => edit(o),
      }, o.label || o.name || `${o.from_table} → ${o.to_table}`, h('span', { class: 'sub' }, kind === 'relationships' ? `${o.from_table}.${o.from_columns.join(',')} → ${o.to_table}.${o.to_columns.join(',')}` : [o.name, o.table || o.type].filter(Boolean).join(" · "))))));
      if (!shown.length) listEl.append(h('li', { class: 'muted small-text' }, items.length ? 'Nothing matches.' : `No ${kind} yet.`));
    }
    search.addEventListener('input', drawList);

    function edit(obj) {
      current = obj;
      drawList();
      const controls = new Map();
      const readOnly = !can.admin();
      const fields = SPECS[kind].map(([path, label, type, opts = {}]) => {
        const value = obj ? get(obj, path) : undefined;
        let control;
        if (type === 'select') control = h('select', { name: path, disabled: readOnly }, opts.choices.map((c) => h('option', { value: c, selected: (value ?? '') === c }, c || '(none)')));
        else if (type === 'textarea') control = h('textarea', { name: path, rows: '2', readonly: readOnly, value: value ?? '' });
        else control = h('input', { type: type === 'number' ? 'number' : 'text', name: path, readonly: readOnly, value: Array.isArray(value) ? value.join(', ') : value ?? '' });
        controls.set(path, { control, type });
        const wrap = field(label, control, { hint: opts.hint, wide: type === 'textarea' || path === 'synonyms' });
        wrap.dataset.field = path;
        return wrap;
      });
      const formStatus = h('div', { 'aria-live': 'polite' });
      const save = h('button', { type: 'submit', class: 'primary' }, obj ? 'Save changes' : 'Create');
      const form = h('form', {
        class: 'object-form', 'aria-label': obj ? `Edit ${obj.name || 'relationship'}` : `New ${kind.slice(0, -1)}`,
        onsubmit: async (e) => {
          e.preventDefault();
          const body = {};
          for (const [path, { control, type }] of controls) {
            const raw = control.value.trim();
            let value;
            if (type === 'list') value = raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
            else if (type === 'number') value = raw === '' ? null : Number(raw);
            else value = raw === '' ? null : raw;
            const before = obj ? get(obj, path) ?? (type === 'list' ? [] : null) : undefined;
            if (obj && JSON.stringify(before) === JSON.stringify(value)) continue;
            if (!obj && (value === null || (Array.isArray(value) && !value.length))) continue;
            if (path.startsWith('format.')) { body.format = body.format || { ...(obj ? obj.format : {}) }; put(body, path, value); } else body[path] = value;
          }
          if (obj && !Object.keys(body).length) { clear(formStatus, banner('info', 'Nothing changed.')); return; }
          save.disabled = true;
          clear(formStatus);
          try {
            const saved = obj
              ? await api(`/semantic/${kind}/${obj.id}`, { method: 'PATCH', body })
              : await api(`/semantic/${kind}`, { method: 'POST', body: { ...body, connection_id: conn } });
            items = obj ? items.map((o) => (o.id === saved.id ? saved : o)) : [...items, saved];
            layerOf(conn, true);
            edit(saved);
            editor.querySelector('[aria-live]')?.append(banner('ok', `Saved ${saved.label || saved.name || 'the relationship'}.`));
          } catch (err) {
            const rest = showFieldErrors(form, err.fields);
            clear(formStatus, banner('error', err.message, rest.length ? h('ul', {}, rest.map((r) => h('li', {}, r))) : null));
          } finally { save.disabled = false; }
        },
      },
      h('h2', {}, obj ? (obj.label || obj.name || `${obj.from_table} → ${obj.to_table}`) : `New ${kind.slice(0, -1)}`),
      obj && obj.origin ? h('p', { class: 'muted small-text' }, `Origin: ${obj.origin}`) : null,
      readOnly ? banner('info', 'Read only: only admins change the semantic layer.') : null,
      h('div', { class: 'form-grid' }, fields),
      formStatus,
      readOnly ? null : h('div', { class: 'actions' },
        obj ? h('button', {
          type: 'button', class: 'danger-ghost',
          onclick: async () => {
            if (!(await confirmDialog(`Delete ${obj.name || 'this relationship'}?`, 'Questions will no longer be able to use it.'))) return;
            try {
              await api(`/semantic/${kind}/${obj.id}`, { method: 'DELETE' });
              items = items.filter((o) => o.id !== obj.id);
              layerOf(conn, true);
              current = null; drawList(); clear(editor, banner('ok', 'Deleted.'));
            } catch (err) { clear(formStatus, banner('error', err.message)); }
          },
        }, 'Delete') : null,
        h('span', { class: 'grow' }), save));
      clear(editor, form);
    }
    drawList();
    if (items.length) edit(items[0]); else clear(editor, empty(`No ${kind} yet`, can.admin() ? h('p', {}, 'Create one, or use Bootstrap to propose them from the schema.') : null));
  }

  function diffView(diff) {
    return h('div', { class: 'diff' }, Object.entries(diff).map(([kind, d]) => h('div', { class: 'card' },
      h('h3', {}, kind),
      ['added', 'changed', 'removed'].every((k) => !d[k].length) ? h('p', { class: 'muted' }, 'No change') : null,
      ['added', 'changed', 'removed'].map((k) => (d[k].length ? [h('p', { class: k }, `${k[0].toUpperCase()}${k.slice(1)} (${d[k].length})`), h('ul', {}, d[k].map((n) => h('li', {}, n)))] : null)))));
  }

  function bootstrap() {
    const out = h('div', { 'aria-live': 'polite' });
    const applyButton = h('button', { type: 'button', class: 'primary', disabled: true }, 'Apply these additions');
    const preview = h('button', {
      type: 'button', class: 'secondary',
      onclick: async () => {
        clear(out, spinner('Reading the schema and proposing a layer…'));
        try {
          const r = await api('/semantic/bootstrap', { method: 'POST', body: { connection_id: picker.value, apply: false } });
          const count = Object.values(r.diff).reduce((n, d) => n + d.added.length, 0);
          clear(out, banner('info', count ? `Bootstrap would add ${count} objects. Nothing is saved until you apply.` : 'Nothing new to add: the layer already covers the schema.'), diffView(r.diff));
          applyButton.disabled = !count;
        } catch (err) { clear(out, banner('error', err.message)); }
      },
    }, 'Preview');
    applyButton.addEventListener('click', async () => {
      applyButton.disabled = true;
      try {
        const r = await api('/semantic/bootstrap', { method: 'POST', body: { connection_id: picker.value, apply: true } });
        layerOf(picker.value, true);
        clear(out, banner('ok', 'Applied. The new objects are in Metrics, Dimensions and Relationships.'), diffView(r.diff));
      } catch (err) { clear(out, banner('error', err.message)); }
    });
    clear(panel, h('div', { class: 'card' },
      h('h2', {}, 'Bootstrap from the schema'),
      h('p', { class: 'muted' }, 'Nexatron reads the tables, keys and columns and proposes metrics, dimensions and relationships. It never overwrites objects a person edited.'),
      h('div', { class: 'actions', style: undefined }, preview, applyButton), out));
  }

  async function yaml() {
    const area = h('textarea', { id: 'yaml-text', class: 'yaml', spellcheck: 'false', rows: '20' });
    const out = h('div', { 'aria-live': 'polite' });
    const applyButton = h('button', { type: 'button', class: 'primary', disabled: true }, 'Apply import');
    clear(panel, h('div', { class: 'card' },
      h('h2', {}, 'YAML'),
      h('p', { class: 'muted' }, can.admin() ? 'Export the layer, edit it here or elsewhere, then preview the import: the changes are shown before anything is applied.' : 'The whole layer as YAML.'),
      field('Layer YAML', area, { wide: true }),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'ghost', onclick: () => download('semantic-layer.yaml', area.value, 'application/yaml') }, 'Download'),
        can.admin() ? h('button', {
          type: 'button', class: 'secondary',
          onclick: async () => {
            clear(out, spinner('Checking the import…'));
            try {
              const r = await api('/semantic/import', { method: 'POST', body: { connection_id: picker.value, yaml: area.value, dry_run: true } });
              const n = Object.values(r.diff).reduce((k, d) => k + d.added.length + d.changed.length + d.removed.length, 0);
              clear(out, banner('info', n ? `Dry run: ${n} changes would be made. Review them, then apply.` : 'Dry run: no changes.'), diffView(r.diff));
              applyButton.disabled = !n;
            } catch (err) { applyButton.disabled = true; clear(out, banner('error', err.message, err.fields.length ? h('ul', {}, err.fields.map((f) => h('li', {}, `${f.path.join('.')}: ${f.msg}`))) : null)); }
          },
        }, 'Preview import (dry run)') : null,
        can.admin() ? applyButton : null),
      out));
    area.addEventListener('input', () => { applyButton.disabled = true; });
    applyButton.addEventListener('click', async () => {
      if (!(await confirmDialog('Apply this import?', 'The layer will be replaced by this YAML as previewed.', 'Apply', false))) return;
      try {
        const r = await api('/semantic/import', { method: 'POST', body: { connection_id: picker.value, yaml: area.value, dry_run: false } });
        layerOf(picker.value, true);
        applyButton.disabled = true;
        clear(out, banner('ok', 'Imported.'), diffView(r.diff));
      } catch (err) { clear(out, banner('error', err.message)); }
    });
    try { area.value = await api(`/semantic/export?connection_id=${encodeURIComponent(picker.value)}`, { text: true }); } catch (err) { clear(out, banner('error', err.message)); }
  }

  show(tab);
}
