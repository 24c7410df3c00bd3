// Settings: account, API keys (plaintext shown once; not for viewers), and for admins users, LLM
// settings, audit log, usage and single sign-on. Another role opening one of those by its address
// is told it is not allowed.
import { api, can, session } from '../api.js';
import { banner, clear, confirmDialog, copyText, download, empty, field, h, notAllowed, showFieldErrors, spinner, when } from '../dom.js';

const ROLES = ['viewer', 'analyst', 'admin'];
// key, tab label, whether the caller may open it, who may (for the "not allowed" message)
const SECTIONS = [
  ['account', 'Account', () => true, 'everyone'],
  ['keys', 'API keys', () => can.keys(), 'admins and analysts'],
  ['users', 'Users', () => can.admin(), 'admins'],
  ['llm', 'LLM', () => can.admin(), 'admins'],
  ['audit', 'Audit log', () => can.admin(), 'admins'],
  ['usage', 'Usage', () => can.admin(), 'admins'],
  ['sso', 'Single sign-on', () => can.admin(), 'admins'],
];

export async function render(main, { path, navigate }) {
  const wanted = path.split('/')[2] || 'account';
  const allowed = SECTIONS.filter(([, , ok]) => ok());
  // A section the role may not open, asked for by its address: say so rather than show another.
  const refused = SECTIONS.find(([key, , ok]) => key === wanted && !ok());
  const section = allowed.some(([key]) => key === wanted) ? wanted : 'account';
  const panel = h('section', { class: 'settings-panel', 'aria-labelledby': 'settings-title' });
  const nav = h('nav', { class: 'tabs', 'aria-label': 'Settings sections' }, allowed.map(([key, label]) => h('button', {
    type: 'button', 'aria-current': key === section && !refused ? 'page' : undefined,
    onclick: () => navigate(`/settings/${key}`),
  }, label)));
  clear(main, h('div', { class: 'page-head' }, h('div', {}, h('h1', { id: 'settings-title' }, 'Settings'))), nav, panel);
  if (refused) clear(panel, notAllowed(refused[1], refused[3], session.user.role));
  else if (section === 'keys') await keys(panel);
  else if (section === 'users') await users(panel);
  else if (section === 'llm') await llm(panel);
  else if (section === 'usage') await usage(panel, navigate);
  else if (section === 'audit') await audit(panel);
  else if (section === 'sso') await sso(panel);
  else account(panel);
}

function account(panel) {
  const u = session.user;
  clear(panel, h('div', { class: 'card' },
    h('h2', {}, 'Your account'),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Email'), h('dd', {}, u.email),
      h('dt', {}, 'Name'), h('dd', {}, u.name || '—'),
      h('dt', {}, 'Role'), h('dd', {}, h('span', { class: `role role-${u.role}` }, u.role)),
      h('dt', {}, 'Member since'), h('dd', {}, when(u.created_at))),
    h('p', { class: 'muted' }, u.role === 'viewer' ? 'Viewers ask questions and read; an admin can change your role.' : 'API keys let scripts and tools ask questions as you.')));
}

async function keys(panel) {
  const out = h('div', { 'aria-live': 'polite' });
  const listBox = h('div');
  const mine = ROLES.slice(0, ROLES.indexOf(session.user.role) + 1);
  const name = h('input', { name: 'name', maxlength: '200', placeholder: 'e.g. Weekly report script' });
  const role = h('select', { name: 'role' }, mine.map((r) => h('option', { value: r, selected: r === session.user.role }, r)));
  const expires = h('input', { type: 'date', name: 'expires_at', min: new Date(Date.now() + 86400000).toISOString().slice(0, 10) });
  const create = h('button', { type: 'submit', class: 'primary' }, 'Create key');
  const form = h('form', {
    class: 'card',
    onsubmit: async (e) => {
      e.preventDefault();
      create.disabled = true;
      const body = { name: name.value.trim() || null, role: role.value };
      if (expires.value) body.expires_at = `${expires.value}T23:59:59Z`;
      try {
        const key = await api('/api-keys', { method: 'POST', body });
        showFieldErrors(form, []);
        const copy = h('button', { type: 'button', class: 'secondary small', onclick: (ev) => copyText(key.key, ev.currentTarget) }, 'Copy');
        clear(out, h('div', { class: 'card new-key', role: 'status' },
          h('h2', {}, 'Your new API key'),
          banner('warn', 'Copy it now: it is shown only once and cannot be recovered.'),
          h('div', { class: 'secret-box' }, h('code', { class: 'plaintext-key' }, key.key), copy),
          h('p', { class: 'muted small-text' }, 'Use it as: Authorization: Bearer <key>')));
        name.value = ''; expires.value = '';
        copy.focus();
        loadList();
      } catch (err) {
        const rest = showFieldErrors(form, err.fields);
        clear(out, banner('error', err.message, rest.join('; ')));
      } finally { create.disabled = false; }
    },
  },
  h('h2', {}, 'Create an API key'),
  h('div', { class: 'form-grid' },
    field('Name', name),
    field('Role', role, { hint: 'Up to your own role.' }),
    field('Expires (optional)', expires, { hint: 'End of that day, UTC. Empty: never.' })),
  h('div', { class: 'actions' }, create));

  async function loadList() {
    clear(listBox, spinner('Loading keys…'));
    try {
      const data = (await api('/api-keys')).data;
      if (!data.length) { clear(listBox, h('div', { class: 'card' }, empty('No API keys yet', h('p', {}, 'Create one above to use Nexatron from scripts and tools.')))); return; }
      clear(listBox, h('div', { class: 'card' }, h('h2', {}, 'Keys'), h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
        h('thead', {}, h('tr', {}, ['Name', 'Prefix', 'Role', 'Created', 'Last used', 'Expires', 'Status', ''].map((t) => h('th', { scope: 'col' }, t || h('span', { class: 'visually-hidden' }, 'Actions'))))),
        h('tbody', {}, data.map((k) => {
          const state = k.revoked_at ? ['revoked', 'bad'] : k.expires_at && new Date(k.expires_at) < new Date() ? ['expired', 'bad'] : ['active', 'ok'];
          return h('tr', { dataset: { key: k.id } },
            h('td', {}, k.name || h('span', { class: 'muted' }, 'unnamed')), h('td', {}, h('code', {}, `${k.prefix}…`)), h('td', {}, k.role),
            h('td', {}, when(k.created_at)), h('td', {}, k.last_used_at ? when(k.last_used_at) : 'never'), h('td', {}, k.expires_at ? when(k.expires_at) : 'never'),
            h('td', {}, h('span', { class: `badge ${state[1]}` }, state[0])),
            h('td', {}, k.revoked_at ? '' : h('button', {
              type: 'button', class: 'danger-ghost small', 'aria-label': `Revoke ${k.name || k.prefix}`,
              onclick: async () => {
                if (!(await confirmDialog('Revoke this key?', `Anything using ${k.prefix}… stops working at once.`, 'Revoke'))) return;
                try { await api(`/api-keys/${k.id}`, { method: 'DELETE' }); clear(out, banner('ok', 'Key revoked.')); loadList(); } catch (err) { clear(out, banner('error', err.message)); }
              },
            }, 'Revoke')));
        }))))));
    } catch (err) { clear(listBox, banner('error', err.message)); }
  }
  clear(panel, form, out, listBox);
  await loadList();
}

async function users(panel) {
  const out = h('div', { 'aria-live': 'polite' });
  const listBox = h('div');
  const email = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'off' });
  const name = h('input', { name: 'name', maxlength: '200' });
  const password = h('input', { type: 'password', name: 'password', required: true, minlength: '8', autocomplete: 'new-password' });
  const role = h('select', { name: 'role' }, ROLES.map((r) => h('option', { value: r }, r)));
  const create = h('button', { type: 'submit', class: 'primary' }, 'Add user');
  const form = h('form', {
    class: 'card',
    onsubmit: async (e) => {
      e.preventDefault();
      create.disabled = true;
      try {
        const u = await api('/users', { method: 'POST', body: { email: email.value.trim(), name: name.value.trim() || null, password: password.value, role: role.value } });
        showFieldErrors(form, []);
        form.reset();
        clear(out, banner('ok', `Added ${u.email} as ${u.role}. Share the password with them privately.`));
        loadList();
      } catch (err) {
        const rest = showFieldErrors(form, err.fields);
        clear(out, banner('error', err.status === 409 ? 'A user with that email already exists.' : err.message, rest.join('; ')));
      } finally { create.disabled = false; }
    },
  },
  h('h2', {}, 'Add a user'),
  h('div', { class: 'form-grid' }, field('Email', email), field('Name (optional)', name), field('Password', password, { hint: 'At least 8 characters.' }), field('Role', role)),
  h('div', { class: 'actions' }, create));

  async function loadList() {
    clear(listBox, spinner('Loading users…'));
    try {
      const data = (await api('/users')).data;
      clear(listBox, h('div', { class: 'card' }, h('h2', {}, 'Users'), h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
        h('thead', {}, h('tr', {}, ['Email', 'Name', 'Role', 'Status', ''].map((t) => h('th', { scope: 'col' }, t || h('span', { class: 'visually-hidden' }, 'Actions'))))),
        h('tbody', {}, data.map((u) => {
          const self = u.id === session.user.id;
          const roleSelect = h('select', { 'aria-label': `Role of ${u.email}`, disabled: self, name: `role-${u.id}` }, ROLES.map((r) => h('option', { value: r, selected: r === u.role }, r)));
          roleSelect.addEventListener('change', async () => {
            try {
              const saved = await api(`/users/${u.id}`, { method: 'PATCH', body: { role: roleSelect.value } });
              clear(out, banner('ok', `${saved.email} is now ${saved.role}.`));
            } catch (err) { roleSelect.value = u.role; clear(out, banner('error', err.message)); }
          });
          return h('tr', { dataset: { user: u.id } },
            h('td', {}, u.email, self ? h('span', { class: 'badge' }, 'you') : null), h('td', {}, u.name || '—'), h('td', {}, roleSelect),
            h('td', {}, h('span', { class: `badge ${u.disabled ? 'bad' : 'ok'}` }, u.disabled ? 'disabled' : 'active')),
            h('td', {}, self ? '' : h('button', {
              type: 'button', class: u.disabled ? 'ghost small' : 'danger-ghost small',
              onclick: async () => {
                if (!u.disabled && !(await confirmDialog(`Disable ${u.email}?`, 'They are signed out and cannot sign in until enabled again.', 'Disable'))) return;
                try { await api(`/users/${u.id}`, { method: 'PATCH', body: { disabled: !u.disabled } }); loadList(); } catch (err) { clear(out, banner('error', err.message)); }
              },
            }, u.disabled ? 'Enable' : 'Disable')));
        }))))));
    } catch (err) { clear(listBox, banner('error', err.message)); }
  }
  clear(panel, form, out, listBox);
  await loadList();
}

async function llm(panel) {
  clear(panel, spinner('Loading LLM settings…'));
  let current;
  try { current = await api('/llm/settings'); } catch (err) {
    // 404: no LLM is set up anywhere yet; the form below is how an admin sets one.
    if (err.status !== 404) { clear(panel, banner('error', err.message)); return; }
    current = { source: 'none' };
  }
  const out = h('div', { 'aria-live': 'polite' });
  const provider = h('select', { name: 'provider' }, ['openai', 'anthropic'].map((p) => h('option', { value: p, selected: current.provider === p }, p)));
  const model = h('input', { name: 'model', value: current.model || '', required: true });
  const baseUrl = h('input', { name: 'base_url', type: 'url', value: current.base_url || '', placeholder: 'Provider default' });
  const key = h('input', { name: 'api_key', type: 'password', autocomplete: 'off', value: current.has_api_key ? '********' : '' });
  const timeout = h('input', { name: 'timeout_s', type: 'number', step: 'any', min: '1', value: current.timeout_s ?? 30 });
  const allowSql = h('input', { name: 'allow_sql', type: 'checkbox', checked: current.allow_sql ?? true, id: 'llm-allow-sql' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
  const form = h('form', {
    class: 'card',
    onsubmit: async (e) => {
      e.preventDefault();
      save.disabled = true;
      try {
        const body = { provider: provider.value, model: model.value.trim(), base_url: baseUrl.value.trim() || null, timeout_s: Number(timeout.value), allow_sql: allowSql.checked };
        if (key.value) body.api_key = key.value;
        const saved = await api('/llm/settings', { method: 'PUT', body });
        // The page keeps no copy of the key once it is stored: the field shows the mask again.
        key.value = saved.has_api_key ? '********' : '';
        showFieldErrors(form, []);
        clear(out, banner('ok', 'Saved. Questions the parser cannot answer now go to this model.'));
      } catch (err) {
        const rest = showFieldErrors(form, err.fields);
        clear(out, banner('error', err.message, rest.join('; ')));
      } finally { save.disabled = false; }
    },
  },
  h('h2', {}, 'Language model (optional)'),
  h('p', { class: 'muted' }, {
    none: 'No language model is set up: the built-in parser answers alone. Saving here sets one for this organisation.',
    server: 'This organisation uses the server-wide setting. Saving here sets its own.',
  }[current.source] || 'This organisation has its own LLM setting.'),
  h('div', { class: 'form-grid' },
    field('Provider', provider), field('Model', model), field('Base URL', baseUrl, { hint: 'Only for self-hosted or proxy endpoints.' }),
    field('API key', key, { hint: current.has_api_key ? 'Leave ******** to keep the stored key.' : 'Stored encrypted.' }), field('Timeout (seconds)', timeout)),
  h('div', { class: 'field check' }, allowSql, h('label', { for: 'llm-allow-sql' }, 'Let the model write SQL for questions outside the layer (always checked by the guard)')),
  h('div', { class: 'actions' },
    current.source === 'tenant' ? h('button', {
      type: 'button', class: 'danger-ghost',
      onclick: async () => { try { await api('/llm/settings', { method: 'DELETE' }); clear(out, banner('ok', 'Removed: back to the server-wide setting.')); } catch (err) { clear(out, banner('error', err.message)); } },
    }, 'Remove') : null, save));
  clear(panel, form, out);
}

async function usage(panel, navigate) {
  clear(panel, spinner('Loading usage…'));
  let days; let questions; let bill;
  try {
    [days, questions, bill] = await Promise.all([api('/analytics/usage'), api('/analytics/questions?limit=10'), api('/billing')]);
  } catch (err) { clear(panel, banner('error', err.message)); return; }
  const total = (key) => days.data.reduce((n, d) => n + (d[key] || 0), 0);
  const limit = (v) => (v === null || v === undefined || v < 0 ? 'no limit' : Number(v).toLocaleString());
  const tiles = [
    ['Questions', total('questions')], ['Answered', total('answered')], ['Refused', total('refused')],
    ['Asked back', total('clarified')], ['Errors', total('errored')], ['From cache', total('cache_hits')],
  ];
  const words = questions.unmatched_words || [];
  clear(panel,
    h('div', { class: 'card' },
      h('h2', {}, `Last 30 days (${days.from} to ${days.to})`),
      h('div', { class: 'kpis' }, tiles.map(([label, value]) => h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, label), h('span', { class: 'kpi-value' }, value.toLocaleString()))))),
    h('div', { class: 'card' },
      h('h2', {}, 'This billing period'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Plan'), h('dd', {}, bill.plan),
        h('dt', {}, 'Period'), h('dd', {}, `${when(bill.period.start)} to ${when(bill.period.end)}`),
        h('dt', {}, 'Questions'), h('dd', {}, `${bill.usage.questions.toLocaleString()} of ${limit(bill.limits.questions_per_month)}`),
        h('dt', {}, 'LLM tokens'), h('dd', {}, `${(bill.usage.llm_tokens_in + bill.usage.llm_tokens_out).toLocaleString()} of ${limit(bill.limits.llm_tokens_per_month)}`),
        h('dt', {}, 'Seats'), h('dd', {}, `${bill.usage.active_seats} of ${limit(bill.limits.seats)}`),
        h('dt', {}, 'Connections'), h('dd', {}, `${bill.usage.connections} of ${limit(bill.limits.connections)}`))),
    h('div', { class: 'card' },
      h('h2', {}, 'Words Nexatron did not know'),
      words.length
        ? h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
          h('thead', {}, h('tr', {}, ['Word', 'Times', 'In questions like', ''].map((t) => h('th', { scope: 'col' }, t || h('span', { class: 'visually-hidden' }, 'Actions'))))),
          h('tbody', {}, words.map((w) => h('tr', {},
            h('td', {}, h('mark', { class: 'word' }, w.word)), h('td', { class: 'num' }, w.count),
            h('td', { class: 'wrap' }, (w.sample_questions || [])[0] || ''),
            h('td', {}, (w.sample_questions || []).length ? h('button', {
              type: 'button', class: 'secondary small', 'aria-label': `Ask and teach “${w.word}”`,
              onclick: () => navigate(`/ask?run=${encodeURIComponent(w.sample_questions[0])}`),
            }, 'Ask and teach') : ''))))))
        : empty('Every word was understood', h('p', {}, 'Words people use that match nothing in the layer show up here, so you can teach them.'))),
    h('div', { class: 'card' },
      h('h2', {}, 'Most asked'),
      (questions.top_questions || []).length
        ? h('ol', { class: 'top-questions' }, questions.top_questions.map((q) => h('li', {}, q.sample || q.question, h('span', { class: 'muted' }, ` · ${q.count}×`))))
        : empty('No questions yet')));
}

async function audit(panel) {
  const action = h('input', { name: 'action', placeholder: 'e.g. auth or semantic' });
  const actor = h('input', { name: 'actor', placeholder: 'email or id' });
  const target = h('input', { name: 'target', placeholder: 'name or id' });
  const out = h('div', { 'aria-live': 'polite' });
  const list = h('div');
  const more = h('button', { type: 'button', class: 'ghost', hidden: true }, 'Load older events');
  let cursor = null;
  let body = null;
  const query = (extra = '') => {
    const q = new URLSearchParams();
    for (const [k, el] of [['action', action], ['actor', actor], ['target', target]]) if (el.value.trim()) q.set(k, el.value.trim());
    return `/audit-log?${q.toString()}${extra}`;
  };
  const party = (p) => (p && (p.display || p.name || p.id)) || '—';
  async function load(reset) {
    if (reset) { cursor = null; body = null; clear(list, spinner('Loading events…')); }
    more.disabled = true;
    try {
      const page = await api(query(`&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
      if (!body) {
        if (!page.data.length) { clear(list, empty('No events match', h('p', {}, 'Sign-ins, changes and refusals are recorded here.'))); more.hidden = true; return; }
        body = h('tbody');
        clear(list, h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Audit events' }, h('table', { class: 'data audit' },
          h('caption', { class: 'visually-hidden' }, 'Audit events, newest first'),
          h('thead', {}, h('tr', {}, ['When', 'Who', 'Action', 'Target', 'Outcome', 'From'].map((t) => h('th', { scope: 'col' }, t)))),
          body)));
      }
      body.append(...page.data.map((e) => h('tr', {},
        h('td', {}, when(e.occurred_at)), h('td', {}, party(e.actor)),
        h('td', {}, h('code', {}, e.action)),
        h('td', { class: 'wrap' }, party(e.target), e.changed_fields && e.changed_fields.length ? h('span', { class: 'muted small-text' }, ` (${e.changed_fields.join(', ')})`) : null),
        h('td', {}, h('span', { class: `badge ${e.outcome === 'success' ? 'ok' : 'bad'}` }, e.outcome), e.reason ? h('span', { class: 'muted small-text' }, ` ${e.reason}`) : null),
        h('td', {}, e.client_ip || '—'))));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (err) { clear(list, banner('error', err.message)); } finally { more.disabled = false; }
  }
  more.addEventListener('click', () => load(false));
  const form = h('form', { class: 'card', onsubmit: (e) => { e.preventDefault(); clear(out); load(true); } },
    h('h2', {}, 'Audit log'),
    h('p', { class: 'muted' }, 'Who did what, newest first. Every event is chained to the one before it, so a gap or an edit shows.'),
    h('div', { class: 'form-grid' }, field('Action starts with', action), field('Actor', actor), field('Target', target)),
    h('div', { class: 'actions' },
      h('button', {
        type: 'button', class: 'ghost',
        onclick: async () => {
          try { download('audit-log.csv', await api(query('&format=csv'), { text: true })); } catch (err) { clear(out, banner('error', err.message)); }
        },
      }, 'Export CSV'),
      h('button', { type: 'submit', class: 'primary' }, 'Filter')));
  clear(panel, form, out, h('div', { class: 'card' }, list, h('div', { class: 'actions' }, more)));
  await load(true);
}

async function sso(panel) {
  clear(panel, spinner('Loading single sign-on…'));
  let current = null;
  try { current = await api('/sso/settings'); } catch (err) {
    if (err.status !== 404) { clear(panel, banner(err.status === 403 ? 'info' : 'error', err.message)); return; }
  }
  const c = current || {};
  const out = h('div', { 'aria-live': 'polite' });
  const issuer = h('input', { name: 'issuer', type: 'url', required: true, value: c.issuer || '', placeholder: 'https://login.example.com' });
  const clientId = h('input', { name: 'client_id', required: true, value: c.client_id || '' });
  const secret = h('input', { name: 'client_secret', type: 'password', autocomplete: 'off', value: c.has_client_secret ? '********' : '' });
  const scopes = h('input', { name: 'scopes', value: c.scopes || 'openid email profile' });
  const domains = h('input', { name: 'allowed_domains', value: (c.allowed_domains || []).join(', '), placeholder: 'example.com' });
  const roleClaim = h('input', { name: 'role_claim', value: c.role_claim || '', placeholder: 'e.g. groups' });
  const mapping = h('textarea', { name: 'role_mapping', rows: '3', value: Object.entries(c.role_mapping || {}).map(([k, v]) => `${k} = ${v}`).join('\n'), placeholder: 'data-team = analyst' });
  const defaultRole = h('select', { name: 'default_role' }, ROLES.map((r) => h('option', { value: r, selected: (c.default_role || 'viewer') === r }, r)));
  const jit = h('input', { type: 'checkbox', name: 'jit_provisioning', id: 'sso-jit', checked: c.jit_provisioning ?? true });
  const noPassword = h('input', { type: 'checkbox', name: 'password_login_disabled', id: 'sso-nopw', checked: c.password_login_disabled ?? false });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
  const form = h('form', {
    class: 'card',
    onsubmit: async (e) => {
      e.preventDefault();
      const roleMapping = {};
      for (const line of mapping.value.split('\n')) {
        const [k, v] = line.split('=').map((x) => x && x.trim());
        if (k && v) roleMapping[k] = v;
      }
      const body = {
        issuer: issuer.value.trim(), client_id: clientId.value.trim(), scopes: scopes.value.trim(),
        allowed_domains: domains.value.split(',').map((d) => d.trim()).filter(Boolean),
        role_claim: roleClaim.value.trim() || null, role_mapping: roleMapping, default_role: defaultRole.value,
        jit_provisioning: jit.checked, password_login_disabled: noPassword.checked,
      };
      if (secret.value) body.client_secret = secret.value;
      save.disabled = true;
      try {
        const saved = await api('/sso/settings', { method: 'PUT', body });
        showFieldErrors(form, []);
        clear(out, banner('ok', 'Saved. Register this redirect URI at your provider: ', h('code', {}, saved.redirect_uri)));
      } catch (err) {
        const rest = showFieldErrors(form, err.fields);
        clear(out, banner('error', err.message, rest.join('; ')));
      } finally { save.disabled = false; }
    },
  },
  h('h2', {}, 'Single sign-on (OpenID Connect)'),
  h('p', { class: 'muted' }, current ? 'Sign-in through your identity provider is set up.' : 'Not set up: people sign in with their email and password.'),
  current ? h('p', {}, 'Redirect URI to register at the provider: ', h('code', {}, current.redirect_uri)) : null,
  h('div', { class: 'form-grid' },
    field('Issuer URL', issuer), field('Client ID', clientId),
    field('Client secret', secret, { hint: c.has_client_secret ? 'Leave ******** to keep the stored secret.' : 'Stored encrypted.' }),
    field('Scopes', scopes), field('Allowed email domains', domains, { hint: 'Comma-separated.' }),
    field('Role claim (optional)', roleClaim), field('Default role', defaultRole),
    field('Role mapping', mapping, { hint: 'One “claim value = role” a line; the highest role wins.', wide: true })),
  h('div', { class: 'field check' }, jit, h('label', { for: 'sso-jit' }, 'Create unknown users when they first sign in')),
  h('div', { class: 'field check' }, noPassword, h('label', { for: 'sso-nopw' }, 'Turn off password sign-in for this organisation')),
  h('div', { class: 'actions' },
    current ? h('button', {
      type: 'button', class: 'danger-ghost',
      onclick: async () => {
        if (!(await confirmDialog('Turn off single sign-on?', 'People will sign in with their passwords again.', 'Turn off'))) return;
        try { await api('/sso/settings', { method: 'DELETE' }); clear(out, banner('ok', 'Single sign-on is off.')); } catch (err) { clear(out, banner('error', err.message)); }
      },
    }, 'Turn off') : null, save));
  clear(panel, form, out);
}
