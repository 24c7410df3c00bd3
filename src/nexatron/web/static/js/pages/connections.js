// Connections: list, one form per engine (fields from the engines' own config models, secrets
// masked and kept on edit), test with the classified outcome, schema browser, delete.
import { api, can } from '../api.js';
import { banner, clear, confirmDialog, empty, field, h, showFieldErrors, spinner, when } from '../dom.js';

const MASK = '********';
let enginesLoading = null;
function engines() {
  if (!enginesLoading) {
    enginesLoading = fetch('/ui/engines.json').then((r) => r.json()).then((d) => d.engines);
    enginesLoading.catch(() => { enginesLoading = null; });
  }
  return enginesLoading;
}

function humanName(name) {
  return name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()).replace(/\bssl\b/i, 'SSL').replace(/\bjson\b/i, 'JSON').replace(/\bodbc\b/i, 'ODBC');
}

export async function render(main) {
  const kinds = await engines().catch(() => []); // before any button can open a form
  const status = h('div', { 'aria-live': 'polite' });
  const list = h('ul', { class: 'list', 'aria-label': 'Connections' });
  const formSlot = h('div');
  const uploadButton = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => openUpload() }, 'Upload a file');
  const addButton = can.admin()
    ? h('div', { class: 'item-actions' }, uploadButton, h('button', { type: 'button', class: 'primary', onclick: () => openForm(null) }, '+ Add connection')) : null;
  clear(main,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Connections'), h('p', { class: 'muted' }, 'The databases Nexatron can answer from. Every query runs read-only.')),
      addButton),
    status, formSlot, list);
  // File upload, where the server offers it (POST /files: admins).
  if (can.admin()) api('/files').then(() => { uploadButton.hidden = false; }).catch(() => {});

  function openUpload() {
    const file = h('input', { type: 'file', name: 'file', required: true, accept: '.duckdb,.db,.sqlite,.sqlite3,.csv,.parquet' });
    const name = h('input', { name: 'connection_name', maxlength: '200', placeholder: 'The file name' });
    const formStatus = h('div', { 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Upload');
    const form = h('form', {
      class: 'card upload-form', 'aria-labelledby': 'upload-title',
      onsubmit: async (e) => {
        e.preventDefault();
        if (!file.files.length) return;
        const body = new FormData();
        body.append('file', file.files[0]);
        body.append('create_connection', 'true');
        if (name.value.trim()) body.append('connection_name', name.value.trim());
        submit.disabled = true;
        clear(formStatus, spinner('Uploading…'));
        try {
          const up = await api('/files', { method: 'POST', body });
          clear(formSlot);
          clear(status, banner('ok', `Uploaded ${up.name} (${up.kind}, ${(up.size_bytes / 1024).toFixed(1)} KB)${up.connection_id ? ': a read-only connection over it is ready. Bootstrap its layer on the Semantic layer page.' : '.'}`));
          load();
        } catch (err) {
          const rest = showFieldErrors(form, err.fields);
          clear(formStatus, banner('error', err.status === 413 ? 'That file is larger than this server accepts.' : err.message, rest.join('; ')));
        } finally { submit.disabled = false; }
      },
    },
    h('h2', { id: 'upload-title' }, 'Upload a file'),
    h('p', { class: 'muted' }, 'A DuckDB or SQLite database, or a CSV or Parquet file (it becomes a table). Nexatron keeps it in your organisation’s own area and only ever reads it.'),
    h('div', { class: 'form-grid' }, field('File', file), field('Connection name (optional)', name)),
    formStatus,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'ghost', onclick: () => clear(formSlot) }, 'Cancel'), submit));
    clear(formSlot, form);
    file.focus();
  }
  const labelOf = (type) => (kinds.find((k) => k.type === type) || {}).label || type;

  async function load() {
    clear(list, spinner('Loading connections…'));
    try {
      const page = await api('/connections');
      if (!page.data.length) {
        clear(list, h('li', { class: 'card' }, empty('No connections yet',
          h('p', {}, can.admin() ? 'Add your first database with “Add connection”.' : 'Ask an admin to connect a database.'))));
        return;
      }
      clear(list, page.data.map(item));
    } catch (err) { clear(list, banner('error', err.message)); }
  }

  function item(conn) {
    const result = h('div', { 'aria-live': 'polite' });
    const schemaSlot = h('div');
    const where = conn.config.path || [conn.config.host, conn.config.port].filter(Boolean).join(':') || conn.config.account || conn.config.project || '';
    const testButton = can.testConnections() ? h('button', {
      type: 'button', class: 'secondary small',
      onclick: async () => {
        testButton.disabled = true;
        clear(result, spinner('Testing the connection…'));
        try {
          const t = await api(`/connections/${conn.id}/test`, { method: 'POST' });
          clear(result, t.ok
            ? banner('ok', h('strong', {}, 'Connected. '), `${serverName(labelOf(conn.type), t.server_version)} answered in ${Math.round(t.latency_ms)} ms.`)
            : banner('error', h('strong', {}, `${humanName(t.error_code || 'failed')}: `), t.detail || 'The database did not answer.'));
        } catch (err) { clear(result, banner('error', err.message)); } finally { testButton.disabled = false; }
      },
    }, 'Test') : null;
    const schemaButton = h('button', {
      type: 'button', class: 'ghost small', 'aria-expanded': 'false',
      onclick: async () => {
        if (schemaButton.getAttribute('aria-expanded') === 'true') {
          schemaButton.setAttribute('aria-expanded', 'false'); clear(schemaSlot); return;
        }
        schemaButton.setAttribute('aria-expanded', 'true');
        clear(schemaSlot, spinner('Reading the schema…'));
        try { clear(schemaSlot, schemaView(await api(`/connections/${conn.id}/schema`))); } catch (err) { clear(schemaSlot, banner('error', err.message)); }
      },
    }, 'Browse schema');
    const admin = can.admin() ? [
      h('button', { type: 'button', class: 'ghost small', onclick: () => openForm(conn) }, 'Edit'),
      h('button', {
        type: 'button', class: 'danger-ghost small',
        onclick: async () => {
          const ok = await confirmDialog(`Delete “${conn.name}”?`, 'Its semantic layer and saved questions for it go too. The database itself is not touched.');
          if (!ok) return;
          try { await api(`/connections/${conn.id}`, { method: 'DELETE' }); clear(status, banner('ok', `Deleted “${conn.name}”.`)); load(); } catch (err) { clear(status, banner('error', err.message)); }
        },
      }, 'Delete'),
    ] : [];
    return h('li', { class: 'card', dataset: { connection: conn.id } },
      h('div', { class: 'item-head' },
        h('div', {},
          h('div', { class: 'item-title' }, h('span', {}, conn.name), h('span', { class: 'badge accent' }, labelOf(conn.type)), conn.is_default ? h('span', { class: 'badge ok' }, 'default') : null),
          h('div', { class: 'item-sub' }, where, ` · added ${when(conn.created_at)}`)),
        h('div', { class: 'item-actions' }, testButton, schemaButton, admin)),
      result, schemaSlot);
  }

  function openForm(conn) {
    const editing = Boolean(conn);
    const type = h('select', { name: 'type', disabled: editing }, kinds.map((k) => h('option', { value: k.type, selected: conn ? conn.type === k.type : k.type === 'duckdb' }, k.label)));
    const name = h('input', { name: 'name', required: true, maxlength: '200', value: conn ? conn.name : '' });
    const isDefault = h('input', { type: 'checkbox', name: 'is_default', checked: conn ? conn.is_default : false });
    const fieldsBox = h('div', { class: 'form-grid' });
    const formStatus = h('div', { 'aria-live': 'polite' });
    const controls = new Map();

    function drawFields() {
      controls.clear();
      const kind = kinds.find((k) => k.type === type.value);
      clear(fieldsBox, kind.fields.map((f) => {
        const current = conn ? conn.config[f.name] : undefined;
        let control;
        if (f.kind === 'checkbox') {
          control = h('input', { type: 'checkbox', name: f.name, checked: current ?? f.default ?? false });
        } else if (f.kind === 'select') {
          control = h('select', { name: f.name }, f.required ? null : h('option', { value: '' }, '(default)'),
            f.choices.map((c) => h('option', { value: c, selected: (current ?? f.default) === c }, c)));
        } else if (f.kind === 'password') {
          const has = conn && conn.config[`has_${f.name}`];
          control = f.name.endsWith('json') || f.name === 'private_key'
            ? h('textarea', { name: f.name, rows: '3', autocomplete: 'off', value: has ? MASK : '' })
            : h('input', { type: 'password', name: f.name, autocomplete: 'new-password', value: has ? MASK : '' });
        } else {
          const value = Array.isArray(current) ? current.join(', ') : current ?? '';
          control = h('input', {
            type: f.kind === 'number' ? 'number' : 'text', name: f.name, value,
            placeholder: f.default !== null && f.default !== undefined ? String(f.default) : '', required: f.required,
          });
        }
        controls.set(f.name, { control, f });
        const hint = [f.description, f.kind === 'password' && conn ? 'Leave ******** to keep the stored secret.' : null, f.kind === 'list' ? 'Comma-separated.' : null].filter(Boolean).join(' ');
        const wrap = field(`${humanName(f.name)}${f.required ? '' : ' (optional)'}`, control, { hint: hint || undefined, wide: f.kind === 'password' && control.tagName === 'TEXTAREA' });
        wrap.dataset.field = `config.${f.name}`;
        if (f.kind === 'checkbox') wrap.classList.add('check');
        return wrap;
      }));
    }
    type.addEventListener('change', drawFields);
    drawFields();

    const submit = h('button', { type: 'submit', class: 'primary' }, editing ? 'Save changes' : 'Create connection');
    const form = h('form', {
      class: 'card conn-form', 'aria-labelledby': 'conn-form-title',
      onsubmit: async (e) => {
        e.preventDefault();
        const config = {};
        for (const [key, { control, f }] of controls) {
          if (f.kind === 'checkbox') { config[key] = control.checked; continue; }
          const raw = control.value.trim();
          if (raw === '') { if (editing && conn.config[key] !== undefined && f.kind !== 'password') config[key] = null; continue; }
          if (f.kind === 'number') config[key] = Number(raw);
          else if (f.kind === 'list') config[key] = raw.split(',').map((s) => s.trim()).filter(Boolean);
          else config[key] = f.kind === 'password' ? control.value : raw;
        }
        for (const key of Object.keys(config)) if (config[key] === null) delete config[key];
        submit.disabled = true;
        clear(formStatus);
        try {
          const body = { name: name.value.trim(), config, is_default: isDefault.checked };
          const saved = editing
            ? await api(`/connections/${conn.id}`, { method: 'PATCH', body })
            : await api('/connections', { method: 'POST', body: { ...body, type: type.value } });
          clear(formSlot);
          clear(status, banner('ok', `${editing ? 'Saved' : 'Created'} “${saved.name}”. Use Test to check it answers.`));
          load();
        } catch (err) {
          const rest = showFieldErrors(form, err.fields);
          clear(formStatus, banner('error', err.message, rest.length ? h('ul', {}, rest.map((r) => h('li', {}, r))) : null));
        } finally { submit.disabled = false; }
      },
    },
    h('h2', { id: 'conn-form-title' }, editing ? `Edit “${conn.name}”` : 'Add a connection'),
    h('div', { class: 'form-grid' },
      field('Database type', type),
      field('Name', name, { hint: 'How people will see it, e.g. “Sales warehouse”.' })),
    fieldsBox,
    h('div', { class: 'field check' }, isDefault, h('label', { for: isDefault.id || (isDefault.id = 'conn-default') }, 'Default connection for questions')),
    formStatus,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'ghost', onclick: () => clear(formSlot) }, 'Cancel'), submit));
    clear(formSlot, form);
    name.focus();
  }

  await load();
}

function serverName(label, version) {
  if (!version) return label;
  return version.toLowerCase().includes(label.split(' ')[0].toLowerCase()) ? version : `${label} ${version}`;
}

function schemaView(schema) {
  if (!schema.tables.length) return empty('No tables found', h('p', {}, 'The connection answered but shows no tables it can read.'));
  return h('div', { class: 'schema' },
    h('p', { class: 'muted' }, `${schema.tables.length} tables${schema.default_schema ? ` in ${schema.default_schema}` : ''}`),
    schema.tables.map((t) => {
      const fks = new Map();
      for (const fk of t.foreign_keys || []) fk.columns.forEach((c) => fks.set(c, `${fk.ref_table}.${fk.ref_columns.join(', ')}`));
      return h('details', { class: 'schema-table' },
        h('summary', {}, t.schema_name && t.schema_name !== schema.default_schema ? `${t.schema_name}.${t.name}` : t.name, ' ',
          h('span', { class: 'badge' }, t.kind), ' ', h('span', { class: 'muted small-text' }, `${t.columns.length} columns${t.row_count !== null && t.row_count !== undefined ? ` · ${Number(t.row_count).toLocaleString()} rows` : ''}`)),
        h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `Columns of ${t.name}` }, h('table', { class: 'data' },
          h('thead', {}, h('tr', {}, ['Column', 'Type', 'Key', 'Nullable'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, t.columns.map((c) => h('tr', {},
            h('td', {}, c.name), h('td', {}, c.native_type || c.type),
            h('td', {}, c.primary_key ? h('span', { class: 'badge accent' }, 'primary') : fks.has(c.name) ? h('span', { class: 'badge' }, `→ ${fks.get(c.name)}`) : ''),
            h('td', {}, c.nullable ? 'yes' : 'no')))))));
    }));
}
