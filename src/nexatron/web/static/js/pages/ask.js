// Ask: a conversation with the data. Streams /query/stream, shows each stage, can cancel, and
// draws the answer: summary, chart, table, "how I read this", CSV. Clarifications become choices;
// refusals show the unmatched words, suggestions and (for admins) "teach Nexatron".
import { api, can, layerOf, stream } from '../api.js';
import { banner, clear, copyText, download, empty, h, spinner, when } from '../dom.js';
import { formatsOf, formatValue, toCsv } from '../parts/format.js';
import { resultTable } from '../parts/table.js';

const EXAMPLES = [
  'What were total sales last quarter?',
  'Sales by region',
  'Monthly orders last year',
  'Top 5 products by revenue this year',
];
const STAGES = [
  ['plan', 'Understanding the question'],
  ['sql', 'Writing the SQL'],
  ['rows', 'Running the query'],
  ['summary', 'Summarising'],
];

export async function render(main, { navigate, params }) {
  const state = { conversationId: params.get('c'), connections: [], busy: null };
  const convList = h('ol', { class: 'conv-list' });
  const thread = h('ol', { class: 'thread', 'aria-label': 'Conversation', 'aria-live': 'polite' });
  const question = h('textarea', {
    id: 'question', name: 'question', rows: '2', maxlength: '2000', required: true,
    placeholder: 'Ask about your data, e.g. “What were total sales last quarter?”',
  });
  const picker = h('select', { id: 'connection', name: 'connection' });
  const askButton = h('button', { type: 'submit', class: 'primary' }, 'Ask');
  const composer = h('form', { class: 'composer', onsubmit: (e) => { e.preventDefault(); submit(); } },
    h('label', { for: 'question', class: 'visually-hidden' }, 'Your question'),
    question,
    h('div', { class: 'composer-bar' },
      h('label', { for: 'connection', class: 'inline-label' }, 'Connection'), picker,
      h('span', { class: 'grow' }),
      h('span', { class: 'hint' }, 'Enter to ask · Shift+Enter for a new line'),
      askButton));
  question.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  const newButton = h('button', { type: 'button', class: 'secondary wide', onclick: () => navigate('/ask') }, '+ New conversation');
  const layout = h('div', { class: 'ask-layout' },
    h('aside', { class: 'convs', 'aria-label': 'Conversations' }, newButton, h('h2', { class: 'side-title' }, 'Recent conversations'), convList),
    h('section', { class: 'ask-main', 'aria-labelledby': 'ask-title' },
      h('h1', { id: 'ask-title', class: 'visually-hidden' }, 'Ask'), thread, composer));
  clear(main, layout);
  question.focus();  // typing can start while the connections load

  function submit(text) {
    const q = (text ?? question.value).trim();
    if (!q || state.busy) return;
    question.value = '';
    ask(q);
  }

  function connectionId() { return picker.value || null; }

  function intro() {
    if (thread.children.length) return;
    thread.append(h('li', { class: 'intro' }, empty('Ask your data a question',
      h('p', { class: 'muted' }, 'Nexatron reads your question against the semantic layer, writes the SQL and shows you how it read it.'),
      h('div', { class: 'chips' }, EXAMPLES.map((ex) => h('button', { type: 'button', class: 'chip', onclick: () => submit(ex) }, ex))))));
  }

  async function loadSidebar() {
    try {
      const page = await api('/query/history?limit=100');
      const groups = new Map();
      for (const row of page.data) {
        const g = groups.get(row.conversation_id) || { id: row.conversation_id, rows: [] };
        g.rows.push(row);
        groups.set(row.conversation_id, g);
      }
      const items = [...groups.values()].slice(0, 30).map((g) => {
        const first = g.rows[g.rows.length - 1];
        const a = h('a', {
          href: `/ask?c=${encodeURIComponent(g.id)}`, class: 'conv',
          onclick: (e) => { e.preventDefault(); navigate(`/ask?c=${encodeURIComponent(g.id)}`); },
        }, h('span', { class: 'conv-q' }, first.question), h('span', { class: 'conv-meta' }, `${g.rows.length} question${g.rows.length > 1 ? 's' : ''} · ${when(g.rows[0].created_at)}`));
        if (g.id === state.conversationId) a.setAttribute('aria-current', 'true');
        return h('li', {}, a);
      });
      clear(convList, items.length ? items : h('li', { class: 'muted small-text' }, 'Your conversations will appear here.'));
    } catch (err) {
      clear(convList, h('li', {}, banner('error', err.message)));
    }
  }

  function turn(q) {
    const intro = thread.querySelector('.intro');
    if (intro) intro.remove();
    const card = h('div', { class: 'answer card' });
    const li = h('li', { class: 'turn' }, h('p', { class: 'question-bubble' }, q), card);
    thread.append(li);
    return { li, card };
  }

  async function ask(q) {
    const { card } = turn(q);
    const controller = new AbortController();
    state.busy = controller;
    askButton.disabled = true;
    const stages = new Map();
    const stageList = h('ol', { class: 'stages' }, STAGES.map(([key, label]) => {
      const el = h('li', { class: 'stage', dataset: { state: 'waiting' } }, h('span', { class: 'dot', 'aria-hidden': 'true' }), label);
      stages.set(key, el);
      return el;
    }));
    const cancel = h('button', { type: 'button', class: 'ghost small', onclick: () => controller.abort() }, 'Cancel');
    const progress = h('div', { class: 'progress', role: 'status' }, stageList, cancel);
    clear(card, progress);
    const mark = (key, text) => {
      let seen = false;
      for (const [k, el] of stages) {
        if (k === key) { el.dataset.state = 'active'; seen = true; if (text) el.lastChild.textContent = text; } else if (!seen) el.dataset.state = 'done';
      }
    };
    mark('plan');
    const answer = { question: q, rows: [], columns: [], connectionId: connectionId() };
    const body = { question: q };
    if (state.conversationId) body.conversation_id = state.conversationId;
    if (connectionId()) body.connection_id = connectionId();
    try {
      for await (const { event, data } of stream('/query/stream', body, controller.signal)) {
        if (event === 'plan') {
          answer.plan = data.plan; answer.id = data.id; answer.connectionId = data.connection_id;
          answer.conversationId = data.conversation_id;
          mark('sql');
        } else if (event === 'sql') {
          answer.sql = data.sql; answer.columns = data.columns; mark('rows');
        } else if (event === 'rows') {
          answer.rows.push(...data.rows);
          mark('rows', `Running the query (${answer.rows.length.toLocaleString()} rows so far)`);
        } else if (event === 'summary') {
          Object.assign(answer, { summary: data.summary, chart: data.chart, warnings: data.warnings });
          mark('summary');
        } else if (event === 'done') {
          Object.assign(answer, { row_count: data.row_count, truncated: data.truncated, execution_time_ms: data.execution_time_ms });
          // The conversation exists once its first answer is done (a cancelled one never is).
          if (state.conversationId !== answer.conversationId) {
            state.conversationId = answer.conversationId;
            history.replaceState(null, '', `/ask?c=${encodeURIComponent(answer.conversationId)}`);
          }
          await showAnswer(card, answer);
          loadSidebar();
        } else if (event === 'error') {
          showProblem(card, q, data.status, data.detail, answer.connectionId);
        }
      }
    } catch (err) {
      if (err.name === 'AbortError') {
        clear(card, banner('info', h('strong', {}, 'Cancelled. '), 'The database statement was stopped; nothing more will run for this question.'));
        card.dataset.state = 'cancelled';
      } else {
        clear(card, banner('error', err.message));
        card.dataset.state = 'error';
      }
    } finally {
      state.busy = null;
      askButton.disabled = false;
      question.focus();
    }
  }

  function showProblem(card, q, status, detail, connId) {
    if (status === 422 && detail && detail.candidates) {
      clarification(card, q, detail, connId);
    } else if (status === 422 && detail && detail.unmatched) {
      refusal(card, q, detail, connId);
    } else {
      const text = (detail && detail.message) || (typeof detail === 'string' ? detail : 'The question could not be answered.');
      clear(card, banner(status >= 500 ? 'error' : 'warn', text));
      card.dataset.state = 'error';
    }
  }

  async function clarification(card, q, detail, connId) {
    const layer = await layerOf(connId || connectionId()).catch(() => ({ metrics: [], dimensions: [] }));
    const label = (kind, name) => {
      const list = kind === 'metric' ? layer.metrics : layer.dimensions;
      const found = list.find((o) => o.name === name);
      return (found && found.label) || name;
    };
    const choices = detail.candidates.map((c) => {
      let text; let replacement;
      if (c.kind === 'metric') { text = label('metric', c.metric); replacement = text; }
      else if (c.kind === 'dimension') { text = label('dimension', c.dimension); replacement = text; }
      else if (c.kind === 'dimension_value') { text = `${c.value} (${label('dimension', c.dimension)})`; replacement = String(c.value); }
      else { text = c.grain || JSON.stringify(c); replacement = String(c.grain || ''); }
      const rewritten = replaceWord(q, detail.ambiguous, replacement);
      return h('button', { type: 'button', class: 'choice', onclick: () => submit(rewritten) }, text);
    });
    clear(card, h('div', { class: 'clarify' },
      h('p', { class: 'summary' }, detail.message),
      h('p', { class: 'muted' }, 'Which did you mean?'),
      h('div', { class: 'chips', role: 'group', 'aria-label': 'Choices' }, choices)));
    card.dataset.state = 'clarification';
  }

  async function refusal(card, q, detail, connId) {
    const cid = connId || connectionId();
    const layer = await layerOf(cid).catch(() => ({ metrics: [], dimensions: [] }));
    const labelOf = (list, name) => ((list.find((o) => o.name === name) || {}).label || name);
    const suggestion = (text) => h('button', {
      type: 'button', class: 'chip',
      onclick: () => { question.value = text; question.focus(); },
    }, text);
    const parts = [
      h('p', { class: 'summary' }, detail.message),
      detail.unmatched.length ? h('p', {}, 'Words I could not match: ', detail.unmatched.map((w) => h('mark', { class: 'word' }, w))) : null,
    ];
    const sug = detail.suggestions || {};
    if ((sug.metrics || []).length) parts.push(h('p', { class: 'muted' }, 'Metrics you can ask about:'), h('div', { class: 'chips' }, sug.metrics.map((m) => suggestion(labelOf(layer.metrics, m)))));
    if ((sug.dimensions || []).length) parts.push(h('p', { class: 'muted' }, 'Ways to break it down:'), h('div', { class: 'chips' }, sug.dimensions.map((d) => suggestion(labelOf(layer.dimensions, d)))));
    if (can.admin() && detail.unmatched.length) {
      parts.push(...detail.unmatched.slice(0, 3).map((word) => teachForm(word, layer, q, cid)));
    }
    clear(card, h('div', { class: 'refusal' }, parts));
    card.dataset.state = 'refusal';
  }

  // "Teach Nexatron": the word becomes a synonym of a metric or a dimension, or another word
  // for one value of a text dimension (its value_synonyms), then the question is asked again.
  function teachForm(word, layer, q, cid) {
    const textDims = layer.dimensions.filter((d) => (d.type || 'string') === 'string');
    const target = h('select', { name: 'target', required: true },
      h('option', { value: '' }, 'Choose what it means…'),
      h('optgroup', { label: 'Metrics' }, layer.metrics.map((m) => h('option', { value: `metrics:${m.id}` }, m.label || m.name))),
      h('optgroup', { label: 'Dimensions' }, layer.dimensions.map((d) => h('option', { value: `dimensions:${d.id}` }, d.label || d.name))),
      textDims.length ? h('optgroup', { label: 'A value of…' }, textDims.map((d) => h('option', { value: `values:${d.id}` }, `a value of ${d.label || d.name}`))) : null);
    target.id = `teach-${Math.random().toString(36).slice(2)}`;
    const value = h('input', { type: 'text', name: 'value', autocomplete: 'off', id: `${target.id}-value` });
    const valueLabel = h('label', { for: value.id }, 'Which value?');
    const valueRow = h('div', { class: 'teach-row', hidden: true }, valueLabel, value);
    target.addEventListener('change', () => {
      const asValue = target.value.startsWith('values:');
      valueRow.hidden = !asValue;
      value.required = asValue;
      if (asValue) {
        const dim = layer.dimensions.find((d) => d.id === target.value.split(':')[1]);
        valueLabel.textContent = `Which ${dim.label || dim.name}? (as it is stored)`;
      }
    });
    const status = h('div', { 'aria-live': 'polite' });
    const button = h('button', { type: 'submit', class: 'primary small' }, 'Add synonym and ask again');
    return h('form', {
      class: 'teach',
      onsubmit: async (e) => {
        e.preventDefault();
        if (!target.value) return;
        const [kind, id] = target.value.split(':');
        const plural = kind === 'metrics' ? 'metrics' : 'dimensions';
        const obj = (plural === 'metrics' ? layer.metrics : layer.dimensions).find((o) => o.id === id);
        let body;
        let meaning;
        if (kind === 'values') {
          const stored = value.value.trim();
          if (!stored) return;
          const taught = { ...(obj.value_synonyms || {}) };
          taught[stored] = [...new Set([...(taught[stored] || []), word])];
          body = { value_synonyms: taught };
          meaning = `${obj.label || obj.name} “${stored}”`;
        } else {
          body = { synonyms: [...new Set([...(obj.synonyms || []), word])] };
          meaning = obj.label || obj.name;
        }
        button.disabled = true;
        try {
          await api(`/semantic/${plural}/${id}`, { method: 'PATCH', body });
          await layerOf(cid, true);
          clear(status, banner('ok', `Nexatron now reads “${word}” as ${meaning}. Asking again…`));
          submit(q);
        } catch (err) {
          clear(status, banner('error', err.message));
          button.disabled = false;
        }
      },
    },
    h('p', { class: 'teach-title' }, h('strong', {}, 'Teach Nexatron: '), `“${word}” means…`),
    h('div', { class: 'teach-row' }, h('label', { for: target.id, class: 'visually-hidden' }, `What “${word}” means`), target, button),
    valueRow,
    status);
  }

  async function showAnswer(card, answer) {
    card.dataset.state = 'answered';
    const layer = await layerOf(answer.connectionId).catch(() => null);
    clear(card, answerView(answer, formatsOf(layer)));
  }

  // Startup: connections, then the conversation (if any), then a question to run (if any).
  const [conns] = await Promise.all([api('/connections').catch((err) => ({ error: err })), loadSidebar()]);
  if (conns.error) {
    thread.append(h('li', {}, banner('error', conns.error.message)));
  } else {
    state.connections = conns.data;
    const wanted = params.get('conn');
    clear(picker, conns.data.map((c) => h('option', { value: c.id, selected: wanted ? c.id === wanted : c.is_default }, c.name)));
    if (!conns.data.length) {
      picker.disabled = true;
      thread.append(h('li', {}, empty('No connections yet', h('p', {}, 'Add a database on the Connections page, then come back to ask.'))));
    }
  }
  if (state.conversationId) {
    thread.append(h('li', { class: 'loading-turns' }, spinner('Loading the conversation…')));
    try {
      const page = await api(`/query/history?limit=200&conversation_id=${encodeURIComponent(state.conversationId)}`);
      thread.querySelector('.loading-turns')?.remove();
      const rows = page.data.slice().reverse();
      if (rows.length && rows[0].connection_id) picker.value = rows[0].connection_id;
      const layer = rows.length ? await layerOf(rows[0].connection_id).catch(() => null) : null;
      for (const row of rows) {
        const { card } = turn(row.question);
        if (row.status && row.status !== 'answered') {
          card.dataset.state = row.status;
          clear(card, banner('warn', row.summary || `Not answered (${row.status}).`));
          continue;
        }
        card.dataset.state = 'answered';
        clear(card, answerView(storedAnswer(row), formatsOf(layer)));
      }
      if (!rows.length) thread.append(h('li', {}, banner('warn', 'This conversation has no saved questions (they may have been deleted).')));
    } catch (err) {
      thread.querySelector('.loading-turns')?.remove();
      thread.append(h('li', {}, banner('error', err.message)));
    }
  }
  intro();
  const run = params.get('run');
  if (run) { history.replaceState(null, '', state.conversationId ? `/ask?c=${encodeURIComponent(state.conversationId)}` : '/ask'); submit(run); }
  if (!main.contains(document.activeElement)) question.focus();  // unless the person moved on
  return () => { if (state.busy) state.busy.abort(); };
}

function replaceWord(q, word, replacement) {
  if (!word) return `${q} ${replacement}`;
  const at = q.toLowerCase().indexOf(String(word).toLowerCase());
  return at < 0 ? `${q} ${replacement}` : q.slice(0, at) + replacement + q.slice(at + word.length);
}

export function storedAnswer(row) {
  const columns = row.columns || [];
  return {
    id: row.id, question: row.question, summary: row.summary, columns, connectionId: row.connection_id,
    rows: (row.data || []).map((d) => columns.map((c) => d[c.name])), chart: row.chart, plan: row.plan,
    sql: row.sql, warnings: row.warnings, row_count: row.row_count, truncated: row.truncated,
    execution_time_ms: row.execution_time_ms, stored: true,
  };
}

export function answerView(answer, formats) {
  const out = h('div', { class: 'answer-body' });
  out.append(h('p', { class: 'summary' }, answer.summary || 'Answered.'));
  const meta = [`${(answer.row_count ?? answer.rows.length).toLocaleString()} row${(answer.row_count ?? answer.rows.length) === 1 ? '' : 's'}`];
  if (answer.execution_time_ms !== null && answer.execution_time_ms !== undefined) meta.push(`${Math.round(answer.execution_time_ms)} ms`);
  if (answer.truncated) meta.push('truncated');
  if (answer.stored && answer.row_count > answer.rows.length) meta.push(`first ${answer.rows.length} kept in history`);
  out.append(h('p', { class: 'meta' }, meta.join(' · ')));
  if (!answer.chart && answer.rows.length === 1 && answer.columns.length && answer.columns.every((c) => c.role === 'metric')) {
    // One row of metrics: the figures themselves, large.
    out.append(h('div', { class: 'kpis' }, answer.columns.map((c, i) => h('div', { class: 'kpi' },
      h('span', { class: 'kpi-label' }, c.label || c.name),
      h('span', { class: 'kpi-value' }, formatValue(answer.rows[0][i], c, formats[c.name]))))));
  }
  if (answer.chart) {
    const box = h('div', { class: 'chart', dataset: { chart: 'pending' } }, spinner('Drawing the chart…'));
    out.append(box);
    import('../parts/chart.js')
      .then(({ drawChart }) => { box.replaceChildren(); return drawChart(box, answer.chart, `Chart: ${answer.chart.title || answer.summary || ''}`); })
      .then(() => { box.dataset.chart = 'drawn'; })
      .catch((err) => { box.dataset.chart = 'failed'; clear(box, banner('warn', `The chart could not be drawn: ${err.message}`)); });
  }
  if (answer.columns.length) out.append(resultTable(answer.columns, answer.rows, formats, { caption: answer.question }));
  const sqlButton = h('button', { type: 'button', class: 'ghost small', onclick: (e) => copyText(answer.sql || '', e.currentTarget) }, 'Copy SQL');
  out.append(h('div', { class: 'answer-actions' },
    h('button', {
      type: 'button', class: 'secondary small',
      onclick: () => download(`${slug(answer.question)}.csv`, toCsv(answer.columns, answer.rows)),
    }, 'Download CSV'),
    answer.sql ? sqlButton : null));
  out.append(explanation(answer));
  return out;
}

function slug(text) {
  return (text || 'answer').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'answer';
}

function explanation(answer) {
  const plan = answer.plan || {};
  const items = (plan.explanation || []).map((e) => h('li', {},
    h('q', {}, e.text), ' → ', h('span', { class: 'kind' }, e.kind.replace(/_/g, ' ')), ' ', h('strong', {}, e.detail || e.target || '')));
  const body = [];
  if (items.length) body.push(h('h3', {}, 'Words I mapped'), h('ul', { class: 'mapped' }, items));
  if (plan.time_range) body.push(h('h3', {}, 'Dates'), h('p', {}, plan.time_range));
  const assumptions = [...(plan.assumptions || []), ...(answer.warnings || []).filter((w) => !(plan.assumptions || []).includes(w))];
  if (assumptions.length) body.push(h('h3', {}, 'Assumptions'), h('ul', {}, assumptions.map((a) => h('li', {}, a))));
  if (plan.follow_up) body.push(h('p', { class: 'muted' }, 'Read as a follow-up to the previous question.'));
  if (answer.sql) {
    body.push(h('div', { class: 'sql-head' }, h('h3', {}, 'SQL'),
      h('button', { type: 'button', class: 'ghost small', onclick: (e) => copyText(answer.sql, e.currentTarget) }, 'Copy')),
    h('pre', { class: 'sql', tabindex: '0', 'aria-label': 'SQL that ran' }, h('code', {}, answer.sql)));
  }
  if (plan.planner && plan.planner !== 'deterministic') body.push(h('p', { class: 'muted' }, `Planned by: ${plan.planner}`));
  return h('details', { class: 'explain' }, h('summary', {}, 'How I read this'), body);
}
