// Flow Studio client: plain DOM and the server's SVG. Every page is read-only and same-origin.
const app = document.getElementById('app');
const live = document.getElementById('live');
const params = new URLSearchParams(location.search);
const WINDOWS = [
  ['24h', 'last 24 h'],
  ['7d', 'last 7 days'],
  ['30d', 'last 30 days'],
  ['all', 'all time'],
];

const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) el.append(c instanceof Node ? c : String(c));
  return el;
};

async function getJson(url) {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

// replaceChildren/append would print a null as "null": leave the absent parts out.
const present = (kids) => kids.flat().filter((k) => k !== null && k !== undefined && k !== false);
const put = (el, ...kids) => el.replaceChildren(...present(kids));
const add = (el, ...kids) => el.append(...present(kids));
const fail = (error) => put(app, h('p', { class: 'error' }, String(error.message ?? error)));
// Today's times without the date, older ones with it.
const when = (iso) => {
  if (!iso) return '—';
  const at = new Date(iso);
  return at.toDateString() === new Date().toDateString() ? at.toLocaleTimeString() : at.toLocaleString();
};
const setQuery = (changes) => {
  for (const [k, v] of Object.entries(changes)) {
    if (v) params.set(k, v);
    else params.delete(k);
  }
  history.replaceState(null, '', `${location.pathname}?${params}`);
};

function windowPicker(onChange) {
  const select = h(
    'select',
    { id: 'window', 'aria-label': 'window', onchange: () => onChange(select.value) },
    WINDOWS.map(([v, label]) => h('option', { value: v, selected: (params.get('window') ?? '7d') === v }, label)),
  );
  return select;
}

function sparkline(trend) {
  const w = 80,
    hgt = 20,
    max = Math.max(1, ...trend.map((t) => t.entered));
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', w);
  svg.setAttribute('height', hgt);
  const line = document.createElementNS(svg.namespaceURI, 'polyline');
  const step = trend.length > 1 ? w / (trend.length - 1) : 0;
  line.setAttribute(
    'points',
    trend.map((t, i) => `${(i * step).toFixed(1)},${(hgt - 2 - (t.entered / max) * (hgt - 4)).toFixed(1)}`).join(' '),
  );
  svg.append(line);
  const title = document.createElementNS(svg.namespaceURI, 'title');
  title.textContent = trend.map((t) => `${t.day}: ${t.entered}`).join('\n');
  svg.append(title);
  return svg;
}

// ——— flows page ———
async function flowsPage() {
  let timer;
  const render = async () => {
    clearTimeout(timer);
    const data = await getJson(`/api/flows?window=${params.get('window') ?? '7d'}`);
    const rows = data.flows.map((f) =>
      h(
        'tr',
        { 'data-flow': f.id },
        h('td', {}, h('a', { href: `/flows/${encodeURIComponent(f.id)}` }, f.name), h('div', { class: 'muted' }, h('code', {}, f.id))),
        h('td', { class: `status-${f.status}` }, f.status, f.window ? h('div', { class: 'muted' }, f.window) : undefined),
        h('td', {}, f.trigger),
        h('td', {}, h('code', {}, f.version)),
        ...['now', 'entered', 'completed', 'exited', 'failed'].map((k) => h('td', { class: 'n', 'data-stat': k }, f[k] ?? '?')),
        h('td', {}, sparkline(f.trend)),
      ),
    );
    put(
      app,
      h('h1', {}, 'Flows'),
      h(
        'div',
        { class: 'bar' },
        windowPicker((v) => {
          setQuery({ window: v });
          render().catch(fail);
        }),
        h('span', { class: 'muted' }, 'running now is all versions right now; the other numbers count runs in the window'),
      ),
      data.problems ? h('p', { class: 'error' }, `${data.problems} problems in the flow files: run flows validate`) : null,
      table('flows', ['Flow', 'Status', 'Trigger', 'Version', 'Running now', 'Entered', 'Completed', 'Exited', 'Failed', 'Trend'], rows),
    );
    live.textContent = `updated ${new Date().toLocaleTimeString()}`;
    timer = setTimeout(() => render().catch(fail), 5000);
  };
  await render();
}

// ——— flow page ———
function fillNumbers(root, numbers) {
  for (const node of root.querySelectorAll('g.node')) {
    const values = node.dataset.role === 'trigger' ? numbers.flow : (numbers.steps[node.dataset.step] ?? {});
    for (const span of node.querySelectorAll('tspan[data-stat]')) {
      // "now" missing means visibility did not answer (say so); a missing count is a zero.
      const value = values[span.dataset.stat] ?? (span.dataset.stat === 'now' ? '?' : 0);
      span.dataset.value = value;
      span.textContent = `${span.dataset.label} ${value}`;
    }
  }
}

async function flowPage(id) {
  const version = params.get('version') ?? undefined;
  const picture = await getJson(`/api/flows/${encodeURIComponent(id)}/picture${version ? `?version=${encodeURIComponent(version)}` : ''}`);
  const holder = h('div', { class: 'picture', id: 'picture' });
  const goals = h('section', { class: 'goals', id: 'goals', hidden: true });
  holder.innerHTML = picture.svg; // made by the server from escaped text
  const panel = h('aside', { class: 'panel', id: 'panel', hidden: true });
  const current = picture.versions.find((v) => v.current);
  const pick = () => {
    setQuery({ version: picker.value === current?.version ? '' : picker.value });
    location.reload();
  };
  const choice = (v) =>
    `${v.version}${v.current ? ' (in the repository now)' : ''}${v.firstSeen ? ` · first run ${new Date(v.firstSeen).toLocaleDateString()}` : ''}`;
  const picker = h(
    'select',
    { id: 'version', 'aria-label': 'version', onchange: pick },
    picture.versions.map((v) => h('option', { value: v.version, selected: v.version === picture.version }, choice(v))),
  );
  const isOld = current?.version !== picture.version;
  put(
    app,
    h('h1', {}, picture.name),
    h('div', { class: 'muted' }, h('code', {}, picture.flow), ' · ', h('code', {}, picture.source)),
    h(
      'div',
      { class: 'bar' },
      h('label', {}, 'version ', picker),
      windowPicker((v) => {
        setQuery({ window: v });
        connect();
      }),
      isOld ? h('span', { class: 'old', id: 'old-version' }, 'an older version: drawn from its own compiled flow') : null,
      h('a', { href: '/runs' }, 'find a run…'),
    ),
    h('div', { class: 'layout' }, holder, panel),
    goals,
  );
  holder.addEventListener('click', (e) => {
    const node = e.target.closest?.('g.node[data-step]');
    if (!node) return;
    holder.querySelectorAll('g.node.selected').forEach((n) => n.classList.remove('selected'));
    node.classList.add('selected');
    showPanel(panel, id, picture.version, node.dataset.step).catch((err) => put(panel, h('p', { class: 'error' }, err.message)));
  });
  let source;
  const connect = () => {
    source?.close();
    const q = new URLSearchParams({ version: picture.version, window: params.get('window') ?? '7d' });
    source = new EventSource(`/api/flows/${encodeURIComponent(id)}/live?${q}`);
    source.addEventListener('numbers', (e) => {
      const numbers = JSON.parse(e.data);
      fillNumbers(holder, numbers);
      showGoals(goals, numbers.report);
      holder.dataset.updated = String(numbers.at);
      live.textContent = `live · ${numbers.window} · updated ${new Date(numbers.at).toLocaleTimeString()}${numbers.problem ? ` · ${numbers.problem}` : ''}`;
    });
    source.addEventListener('problem', (e) => {
      live.textContent = `numbers unavailable: ${JSON.parse(e.data).error}`;
    });
    // Refused (too many live pages open from here: 429) or the studio gone: the browser gives up, so try again later.
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED) return;
      live.textContent = 'live numbers paused (too many studio pages open, or the studio stopped): trying again in 10 s';
      setTimeout(connect, 10_000);
    });
  };
  connect();
  addEventListener('pagehide', () => source?.close());
}

// ——— goals and experiments (the same tables as `flows report`) ———
const pct = (rate) => (rate === undefined || rate === null ? '—' : `${(100 * rate).toFixed(1)}%`);
const signed = (rate) => `${rate >= 0 ? '+' : ''}${(100 * rate).toFixed(1)}%`;
const amount = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

function showGoals(section, report) {
  section.hidden = !report;
  if (!report) return;
  const goalRows = report.goals.map((g) =>
    h(
      'tr',
      { 'data-goal': g.goal },
      h('td', {}, g.goal, g.primary ? h('span', { class: 'muted' }, ' primary') : null),
      ...[g.entered, g.converted].map((n) => h('td', { class: 'n' }, n)),
      h('td', { class: 'n' }, pct(g.rate)),
      h('td', { class: 'n' }, amount(g.value)),
    ),
  );
  const experiments = report.experiments.map((e) =>
    h(
      'div',
      { class: 'experiment', 'data-split': e.step },
      h(
        'h3',
        {},
        `Split ${e.title}`,
        h('span', { class: 'muted' }, ` · goal ${e.goal} · lift over control, ${Math.round(e.confidence * 1000) / 10}% interval`),
      ),
      table(
        `experiment-${e.step}`,
        ['Branch', 'Runs', 'Converted', 'Rate', 'Value', 'Lift', 'Interval', ''],
        e.branches.map((b) =>
          h(
            'tr',
            { 'data-branch': b.label, class: b.winner ? 'winner' : undefined },
            h('td', {}, b.label, b.control ? h('span', { class: 'muted' }, ' control') : null),
            ...[b.runs, b.converted].map((n) => h('td', { class: 'n' }, n)),
            h('td', { class: 'n' }, pct(b.rate)),
            h('td', { class: 'n' }, amount(b.value)),
            h('td', { class: 'n', title: b.liftWhy ?? '' }, b.lift ? signed(b.lift.lift) : '—'),
            h('td', { class: 'n' }, b.lift ? `${signed(b.lift.low)} … ${signed(b.lift.high)}` : ''),
            h('td', {}, b.winner ? h('strong', {}, 'winner') : ''),
          ),
        ),
      ),
      e.winner
        ? h(
            'p',
            { class: 'decided' },
            `Winner ${e.winner.branch}: ${e.winner.reason}`,
            e.winner.at ? ` (decided ${when(e.winner.at)})` : '',
          )
        : e.pending
          ? h('p', { class: 'muted pending' }, `No winner yet: ${e.pending}`)
          : null,
    ),
  );
  const credits = report.credits.length
    ? [
        h('h3', {}, 'Conversions credited to the last send before them'),
        table(
          'credits',
          ['Step', 'Goal', 'Converted', 'Value'],
          report.credits.map((c) =>
            h(
              'tr',
              { 'data-step': c.step },
              h('td', {}, c.title),
              h('td', {}, c.goal),
              h('td', { class: 'n' }, c.converted),
              h('td', { class: 'n' }, amount(c.value)),
            ),
          ),
        ),
      ]
    : [];
  put(
    section,
    h('h2', {}, 'Goals and experiments'),
    h('p', { class: 'muted' }, "this version, in the window; a conversion counts once per run, within the goal's window from entry"),
    table('goals-table', ['Goal', 'Entered', 'Converted', 'Rate', 'Value'], goalRows),
    experiments,
    credits,
  );
}

const runHref = (r) => `/runs?${new URLSearchParams({ workflowId: r.workflowId, runId: r.runId })}`;
const external = (href, text, cls) => h('a', { href, target: '_blank', rel: 'noopener', class: cls }, text);
const table = (id, heads, rows) =>
  h(
    'table',
    { id },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        heads.map((t) => h('th', {}, t)),
      ),
    ),
    h('tbody', {}, rows),
  );

async function showPanel(panel, flow, version, step) {
  panel.hidden = false;
  put(panel, h('p', { class: 'muted' }, 'loading…'));
  const d = await getJson(
    `/api/flows/${encodeURIComponent(flow)}/steps/${encodeURIComponent(step)}?version=${encodeURIComponent(version)}`,
  );
  const yaml =
    d.yaml !== null
      ? h('pre', { id: 'step-yaml' }, d.yaml)
      : h(
          'div',
          {},
          h('p', { class: 'muted' }, 'this version as compiled (its YAML may have changed since):'),
          h('pre', { id: 'step-yaml' }, d.compiled),
        );
  const runs = d.now.map((r) =>
    h(
      'tr',
      {},
      h('td', {}, h('a', { href: runHref(r) }, r.user)),
      h('td', {}, when(r.since)),
      h('td', {}, when(r.until)),
      h('td', {}, external(r.link, 'Temporal Web', 'temporal-link')),
    ),
  );
  const failures = d.failures.map((f) =>
    h('li', {}, h('code', {}, when(f.at)), ' ', f.user, ': ', f.message, ' ', external(f.link, 'run')),
  );
  put(
    panel,
    h('h2', {}, d.title),
    h('div', { class: 'muted' }, h('code', { id: 'step-place' }, `${d.file}:${d.line}`)),
    yaml,
    h('h2', {}, `Runs here now: ${d.total}`),
    runs.length
      ? table('runs-here', ['User', 'Since', 'Until', ''], runs)
      : h('p', { class: 'muted' }, 'none (visibility lags a moment behind the runs)'),
    d.total > d.now.length ? h('p', { class: 'muted' }, `showing ${d.now.length} of ${d.total}`) : null,
    h('h2', {}, 'Latest failures'),
    failures.length ? h('ul', { id: 'failures' }, failures) : h('p', { class: 'muted' }, 'none'),
  );
}

// ——— run page ———
function parseRunInput(text) {
  const m = /\/workflows\/([^/?#]+)\/([^/?#]+)/.exec(text);
  if (m) return { workflowId: decodeURIComponent(m[1]), runId: decodeURIComponent(m[2]) };
  if (text.startsWith('flow/')) return { workflowId: text };
  return { user: text };
}

async function runPage() {
  const placeholder = 'a user id, a workflow id or a Temporal Web link';
  const input = h('input', { id: 'run-input', size: 60, placeholder, value: params.get('user') ?? '' });
  const form = h(
    'form',
    {
      class: 'bar',
      onsubmit: (e) => {
        e.preventDefault();
        const found = parseRunInput(input.value.trim());
        location.search = `?${new URLSearchParams(found)}`;
      },
    },
    input,
    h('button', { type: 'submit' }, 'Show'),
  );
  put(app, h('h1', {}, 'Find a run'), form);
  if (params.get('workflowId')) return showRun(params.get('workflowId'), params.get('runId'));
  if (!params.get('user')) return;
  const d = await getJson(`/api/runs?user=${encodeURIComponent(params.get('user'))}`);
  add(
    app,
    d.runs.length
      ? h(
          'table',
          { id: 'user-runs' },
          h(
            'tbody',
            {},
            d.runs.map((r) =>
              h(
                'tr',
                {},
                h('td', {}, h('a', { href: runHref(r) }, r.flow)),
                h('td', {}, r.status.toLowerCase()),
                h('td', {}, when(r.started)),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, `no runs for ${d.user}`),
  );
}

const outcome = (e) => `${e.outcome}${e.branch ? `: ${e.branch}` : ''}${e.message ? ` — ${e.message}` : ''}`;

async function showRun(workflowId, runId) {
  const d = await getJson(`/api/run?${new URLSearchParams(runId ? { workflowId, runId } : { workflowId })}`);
  const holder = h('div', { class: 'picture', id: 'picture' });
  holder.innerHTML = d.svg;
  const entered = new Map();
  const branches = new Map();
  for (const e of d.events) {
    if (e.step && e.outcome === 'entered' && !entered.has(e.step)) entered.set(e.step, e.at);
    if (e.step && e.outcome === 'branch') branches.set(e.step, e.branch);
  }
  const completed = d.events.some((e) => !e.step && e.outcome === 'completed');
  const stepOf = new Map();
  const onPath = new Set();
  for (const node of holder.querySelectorAll('g.node')) {
    stepOf.set(node.dataset.node, node.dataset.step);
    const reached = node.dataset.role === 'trigger' || entered.has(node.dataset.step) || (node.dataset.role === 'done' && completed);
    if (reached) onPath.add(node.dataset.node);
    node.classList.add(reached ? 'on-path' : 'off-path');
    if (d.at && node.dataset.step === d.at) node.classList.replace('on-path', 'here-now');
  }
  for (const edge of holder.querySelectorAll('g.edge-g')) {
    const from = stepOf.get(edge.dataset.from);
    const branchOk = edge.dataset.branch === undefined || branches.get(from) === edge.dataset.branch;
    if (onPath.has(edge.dataset.from) && onPath.has(edge.dataset.to) && branchOk) edge.classList.add('taken');
  }
  // A step by its own id, else by what the box says (steps without an id are named by position only).
  const head = (step) => holder.querySelector(`g.node[data-step="${CSS.escape(step)}"] text.head`)?.textContent ?? step;
  const title = (step) => (step.startsWith('#') ? head(step) : step);
  add(
    app,
    h(
      'h2',
      {},
      `${d.name} · `,
      h('code', {}, d.user ?? d.workflowId),
      ` · ${d.status ? d.status.toLowerCase() : 'closed (gone from Temporal)'}`,
    ),
    h('div', { class: 'muted' }, `version ${d.version}`, d.link ? h('span', {}, ' · ', external(d.link, 'open in Temporal Web')) : null),
    h(
      'div',
      { class: 'layout' },
      holder,
      h(
        'aside',
        { class: 'panel' },
        h('h2', {}, 'Path'),
        h(
          'table',
          { id: 'run-path' },
          h(
            'tbody',
            {},
            d.events.map((e) =>
              h(
                'tr',
                {},
                h('td', {}, h('code', {}, new Date(e.at).toLocaleTimeString())),
                h('td', {}, e.step ? title(e.step) : 'flow'),
                h('td', {}, outcome(e)),
              ),
            ),
          ),
        ),
        d.at ? h('p', {}, 'here now: ', h('strong', {}, title(d.at))) : null,
      ),
    ),
  );
}

const path = location.pathname;
const flowMatch = /^\/flows\/([^/]+)$/.exec(path);
(flowMatch ? flowPage(decodeURIComponent(flowMatch[1])) : path === '/runs' ? runPage() : flowsPage()).catch(fail);
