// The Offsite scheduler dashboard: reads the scheduler's JSON API with the API token the user pasted (kept in
// sessionStorage, never in the page), draws with inline SVG, loads nothing from anywhere else.
'use strict';

(function () {
  const TOKEN_KEY = 'offsite.scheduler.apiToken';
  const REFRESH_MS = 15000;
  const SVG = 'http://www.w3.org/2000/svg';

  let timer = null;
  const rowMessages = {}; // job name -> {text, kind}, kept across refreshes

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function setAttrs(node, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else if (k === 'onclick') node.addEventListener('click', v);
      else node.setAttribute(k, String(v));
    }
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  class AuthError extends Error {
    constructor(presented, detail) {
      super(detail || 'unauthorized');
      this.presented = presented;
    }
  }

  async function api(path, options) {
    const headers = { 'Accept': 'application/json' };
    const t = token();
    if (t) headers['Authorization'] = 'Bearer ' + t;
    if (options && options.body) headers['Content-Type'] = 'application/json';
    if (options && options.requestedBy) headers['X-Requested-By'] = options.requestedBy;
    const response = await fetch(path, {
      method: (options && options.method) || 'GET', headers, body: options && options.body,
      cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer'
    });
    let body = null;
    const text = await response.text();
    if (text) {
      try { body = JSON.parse(text); } catch (e) { body = { detail: text }; }
    }
    if (response.status === 401) {
      throw new AuthError(Boolean(t), body && body.detail);
    }
    return { status: response.status, body };
  }

  function pad(n) { return String(n).padStart(2, '0'); }

  function formatTime(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' '
      + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()) + ' UTC';
  }

  function relative(iso) {
    if (!iso) return '';
    const s = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
    const a = Math.abs(s);
    if (a < 5) return 'just now';
    const text = a < 60 ? a + ' s' : a < 3600 ? Math.round(a / 60) + ' min' : a < 172800 ? Math.round(a / 3600) + ' h'
      : Math.round(a / 86400) + ' d';
    return s >= 0 ? 'in ' + text : text + ' ago';
  }

  function duration(ms) {
    if (ms === null || ms === undefined || ms < 0) return '—';
    if (ms < 1000) return ms + ' ms';
    const s = ms / 1000;
    if (s < 60) return s.toFixed(1) + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.round((s % 3600) / 60) + ' min';
  }

  function bytes(n) {
    if (n === null || n === undefined) return '—';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let v = n, i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v : v.toFixed(1)) + ' ' + units[i];
  }

  function statusClass(status) {
    switch (status) {
      case 'SUCCEEDED': case 'UP': case 'OK': return 'ok';
      case 'FAILED': case 'TIMED_OUT': case 'REJECTED': case 'DOWN': case 'UNREADABLE': case 'OUT_OF_SERVICE': return 'fail';
      case 'PARTIALLY_FAILED': case 'RETRY_PENDING': case 'ENCRYPTED_NOT_RESTORED': return 'warn';
      case 'REQUESTED': case 'RUNNING': return 'run';
      default: return 'idle';
    }
  }

  function badge(text, status, title) {
    return el('span', { class: 'badge ' + statusClass(status || text), title, text });
  }

  function runEnd(run) {
    return run.finishedAt ? new Date(run.finishedAt).getTime() : null;
  }

  // ------------------------------------------------------------------ authentication

  function showAuth(message, isError) {
    document.getElementById('auth').hidden = false;
    document.getElementById('content').hidden = true;
    const m = document.getElementById('auth-message');
    m.textContent = message;
    m.className = isError ? 'error' : '';
    document.getElementById('token').focus();
  }

  function hideAuth() {
    document.getElementById('auth').hidden = true;
  }

  function handleAuthError(e) {
    if (e.presented) {
      sessionStorage.removeItem(TOKEN_KEY);
      showAuth('The token was refused: it is not the one this scheduler is configured with '
        + '(offsite.scheduler.api-token). Paste the right token.', true);
    } else {
      showAuth('This scheduler requires its API token. Paste it below.', false);
    }
    document.getElementById('forget-token').hidden = true;
  }

  function notice(text, isError) {
    const n = document.getElementById('notice');
    n.hidden = !text;
    n.textContent = text || '';
    n.className = 'notice' + (isError ? ' error' : '');
  }

  // ------------------------------------------------------------------ loading

  async function load() {
    let jobs, runs, series, health;
    try {
      [jobs, runs, series, health] = await Promise.all([
        api('api/v1/jobs'), api('api/v1/runs?size=100'), api('api/v1/dashboard/series'), api('actuator/health')
      ]);
    } catch (e) {
      if (e instanceof AuthError) { handleAuthError(e); return; }
      notice('Cannot reach the scheduler: ' + e.message, true);
      return;
    }
    hideAuth();
    document.getElementById('forget-token').hidden = !token();
    const failed = [jobs, runs, series].filter(r => r.status !== 200);
    if (failed.length) {
      notice('The scheduler answered with an error: ' + failed.map(r => r.status + ' ' + ((r.body && r.body.detail) || '')).join('; '), true);
    } else {
      notice('');
    }
    document.getElementById('content').hidden = false;
    const healthBody = health.body || {};
    const overall = document.getElementById('overall');
    overall.textContent = healthBody.status || 'UNKNOWN';
    overall.className = 'badge ' + statusClass(healthBody.status);
    overall.title = 'Scheduler health (/actuator/health)';
    document.getElementById('updated').textContent = 'updated ' + formatTime(new Date().toISOString());
    if (jobs.status === 200) renderJobs(jobs.body, healthBody);
    if (runs.status === 200) renderRuns(runs.body.runs || []);
    if (series.status === 200) renderSeries(series.body, jobs.status === 200 ? jobs.body : []);
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!document.hidden && document.getElementById('auth').hidden) await load();
      schedule();
    }, REFRESH_MS);
  }

  // ------------------------------------------------------------------ jobs

  function jobHealth(job, health) {
    const backups = health.components && health.components.backups && health.components.backups.components;
    const component = backups && backups[job.name];
    if (component) {
      return badge(component.status, component.status, component.details && component.details.reason);
    }
    if (!job.enabled) return badge('disabled', 'idle');
    const last = job.lastRun;
    if (!last) return badge('no runs yet', 'idle');
    switch (statusClass(last.status)) {
      case 'ok': return badge('OK', 'OK', 'last run succeeded');
      case 'fail': return badge('failing', 'DOWN', 'last run ' + last.status);
      case 'warn': return badge('degraded', 'PARTIALLY_FAILED', 'last run ' + last.status);
      case 'run': return badge('running', last.status, job.lastSuccessAt ? 'last success ' + formatTime(job.lastSuccessAt) : 'no success yet');
      default: return badge(last.status.toLowerCase(), last.status);
    }
  }

  function scheduleText(job) {
    if (job.cron) return [el('code', { text: job.cron }), ' ' + job.zone];
    if (job.dependsOn && job.dependsOn.length) return 'after ' + job.dependsOn.join(', ');
    return 'manual only';
  }

  function renderJobs(jobs, health) {
    const body = document.querySelector('#jobs tbody');
    body.replaceChildren(...jobs.map(job => {
      const last = job.lastRun;
      const message = rowMessages[job.name];
      const buttons = [el('button', { type: 'button', class: 'run-now', 'data-job': job.name, text: 'Run now',
        onclick: () => trigger(job.name, null) })];
      if ((job.callerParameters || []).includes('dryRun')) {
        buttons.push(' ', el('button', { type: 'button', class: 'dry-run', 'data-job': job.name, text: 'Dry run',
          title: 'Run with dryRun=true: plan and report, delete nothing', onclick: () => trigger(job.name, { dryRun: 'true' }) }));
      }
      return el('tr', { 'data-job': job.name },
        el('td', {}, el('strong', { text: job.name }), job.dependsOn && job.dependsOn.length && job.cron
          ? el('div', { class: 'muted', text: 'after ' + job.dependsOn.join(', ') }) : null),
        el('td', { text: job.type }),
        el('td', {}, scheduleText(job)),
        el('td', { title: job.nextFireAt || '' }, job.nextFireAt
          ? [formatTime(job.nextFireAt), el('div', { class: 'muted', text: relative(job.nextFireAt) })] : '—'),
        el('td', { class: 'last-run' }, last
          ? [badge(last.status, last.status), ' ', el('span', { class: 'muted', text: relative(last.finishedAt || last.requestedAt) }),
            el('div', { class: 'muted mono', text: last.runId })]
          : el('span', { class: 'muted', text: 'never' })),
        el('td', { class: 'health' }, jobHealth(job, health)),
        el('td', {}, buttons, message ? el('span', { class: 'row-message ' + message.kind, role: 'status', text: message.text }) : null));
    }));
  }

  async function trigger(name, parameters) {
    document.querySelectorAll('button[data-job="' + CSS.escape(name) + '"]').forEach(b => { b.disabled = true; });
    try {
      const r = await api('api/v1/jobs/' + encodeURIComponent(name) + '/runs', {
        method: 'POST', requestedBy: 'dashboard', body: parameters ? JSON.stringify({ parameters }) : null
      });
      if (r.status === 202) {
        rowMessages[name] = { kind: 'ok', text: 'Run ' + r.body.runId + ' requested' + (parameters ? ' (dry run)' : '') };
      } else {
        rowMessages[name] = { kind: 'error', text: ((r.body && (r.body.title || '')) + ': ' + ((r.body && r.body.detail) || r.status)) };
      }
    } catch (e) {
      if (e instanceof AuthError) { handleAuthError(e); return; }
      rowMessages[name] = { kind: 'error', text: 'Cannot reach the scheduler: ' + e.message };
    }
    await load();
  }

  // ------------------------------------------------------------------ runs

  function renderRuns(runs) {
    const body = document.querySelector('#runs tbody');
    body.replaceChildren(...runs.slice(0, 25).map(run => {
      const end = runEnd(run);
      const took = end === null ? (Date.now() - new Date(run.requestedAt).getTime()) : end - new Date(run.requestedAt).getTime();
      return el('tr', { 'data-run': run.runId },
        el('td', {}, formatTime(run.requestedAt)),
        el('td', { text: run.job }),
        el('td', {}, badge(run.status, run.status)),
        el('td', { text: run.trigger }),
        el('td', { class: 'num', text: run.attempts }),
        el('td', { class: 'num', text: (end === null ? 'running ' : '') + duration(took) }),
        el('td', { class: 'mono muted', text: run.runId }));
    }));
    renderTimeline(runs);
  }

  function renderTimeline(runs) {
    const box = document.getElementById('timeline');
    if (!runs.length) {
      box.replaceChildren(el('p', { class: 'muted', text: 'No runs yet.' }));
      return;
    }
    const now = Date.now();
    const starts = runs.map(r => new Date(r.requestedAt).getTime());
    const from = Math.min(...starts);
    const to = Math.max(now, ...runs.map(r => runEnd(r) || now));
    const span = Math.max(to - from, 60000);
    const jobs = [...new Set(runs.map(r => r.job))].sort();
    const W = 1000, left = 170, right = 10, lane = 22, top = 8, axis = 22;
    const H = top + jobs.length * lane + axis;
    const x = t => left + (t - from) / span * (W - left - right);
    const chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'Timeline of recent runs' });
    jobs.forEach((job, i) => {
      const y = top + i * lane;
      chart.appendChild(svg('line', { class: 'grid', x1: left, x2: W - right, y1: y + lane, y2: y + lane }));
      chart.appendChild(svg('text', { class: 'lane-label', x: left - 8, y: y + 15, 'text-anchor': 'end', text: job }));
    });
    for (let k = 0; k <= 4; k++) {
      const t = from + span * k / 4;
      const tx = x(t);
      chart.appendChild(svg('line', { class: 'grid', x1: tx, x2: tx, y1: top, y2: H - axis }));
      chart.appendChild(svg('text', { x: tx, y: H - 6, 'text-anchor': k === 0 ? 'start' : k === 4 ? 'end' : 'middle',
        text: formatTime(new Date(t).toISOString()).slice(span < 7200000 ? 11 : 5, span < 7200000 ? 19 : 16) }));
    }
    for (const run of runs) {
      const start = new Date(run.requestedAt).getTime();
      const end = runEnd(run) || now;
      const y = top + jobs.indexOf(run.job) * lane + 4;
      const bx = x(start);
      const bar = svg('rect', { class: 'bar bar-' + run.status, x: bx, y, width: Math.max(x(end) - bx, 3), height: lane - 8, rx: 2,
        'data-run': run.runId });
      bar.appendChild(svg('title', { text: run.job + ' ' + run.status + ', ' + formatTime(run.requestedAt) + ', '
        + duration(end - start) + (run.finishedAt ? '' : ' so far') + ' (' + run.runId + ')' }));
      chart.appendChild(bar);
    }
    box.replaceChildren(chart);
  }

  // ------------------------------------------------------------------ series

  function renderSeries(series, jobs) {
    const box = document.getElementById('series');
    box.replaceChildren(...series.map(s => {
      const panel = el('section', { class: 'panel series', 'data-series': s.series });
      panel.appendChild(el('h2', {}, 'Series ', el('code', { text: s.series }), el('span', { class: 'muted', text: ' in ' + s.prefix })));
      const verified = s.backups.filter(b => b.verification.state === 'OK').length;
      const failedVerifications = s.backups.filter(b => b.verification.state === 'FAILED' || b.verification.state === 'UNREADABLE').length;
      panel.appendChild(el('div', { class: 'summary' },
        el('span', {}, el('strong', { text: s.count }), ' backups'),
        el('span', {}, el('strong', { text: bytes(s.totalSizeBytes) })),
        el('span', {}, el('strong', { text: verified }), ' verified OK'),
        failedVerifications ? el('span', { class: 'warning', text: failedVerifications + ' failed verification' }) : null,
        el('span', { class: 'muted', title: s.listedAt || '', text: 'listed ' + (s.listedAt ? relative(s.listedAt) : 'never') })));
      if (s.error) panel.appendChild(el('p', { class: 'warning', text: 'The latest listing failed: ' + s.error }));
      panel.appendChild(el('h3', { text: 'Backup sizes' }));
      panel.appendChild(sizeChart(s));
      panel.appendChild(el('div', { class: 'legend' },
        el('span', {}, el('i', { class: 'ok' }), 'verified OK'), el('span', {}, el('i', { class: 'fail' }), 'verification failed'),
        el('span', {}, el('i', { class: 'none' }), 'not verified')));
      panel.appendChild(retention(s, jobs));
      return panel;
    }));
  }

  function sizeChart(s) {
    const box = el('div', { class: 'chart size-chart' });
    const points = s.backups.slice().reverse(); // oldest first
    if (!points.length) {
      box.appendChild(el('p', { class: 'muted', text: 'No backups in the bucket yet.' }));
      return box;
    }
    const W = 1000, H = 220, left = 70, right = 14, top = 10, bottom = 26;
    const times = points.map(b => new Date(b.takenAt).getTime());
    const from = Math.min(...times), to = Math.max(...times);
    const span = Math.max(to - from, 1);
    const max = Math.max(...points.map(b => b.sizeBytes), 1);
    const x = t => points.length === 1 ? (left + W - right) / 2 : left + (t - from) / span * (W - left - right);
    const y = v => top + (1 - v / max) * (H - top - bottom);
    const chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'Sizes of the backups of ' + s.series });
    for (let k = 0; k <= 4; k++) {
      const v = max * k / 4;
      chart.appendChild(svg('line', { class: 'grid', x1: left, x2: W - right, y1: y(v), y2: y(v) }));
      chart.appendChild(svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', text: bytes(Math.round(v)) }));
    }
    const labels = points.length === 1 ? [from] : [from, from + span / 2, to];
    labels.forEach((t, k) => chart.appendChild(svg('text', { x: x(t), y: H - 8,
      'text-anchor': labels.length === 1 ? 'middle' : k === 0 ? 'start' : k === labels.length - 1 ? 'end' : 'middle',
      text: formatTime(new Date(t).toISOString()).slice(0, 16) })));
    if (points.length > 1) {
      chart.appendChild(svg('polyline', { class: 'size-line',
        points: points.map((b, i) => x(times[i]).toFixed(1) + ',' + y(b.sizeBytes).toFixed(1)).join(' ') }));
    }
    points.forEach((b, i) => {
      const dot = svg('circle', { class: 'dot dot-' + b.verification.state, cx: x(times[i]), cy: y(b.sizeBytes), r: 4,
        'data-key': b.key });
      dot.appendChild(svg('title', { text: b.name + '\n' + formatTime(b.takenAt) + '\n' + bytes(b.sizeBytes) + '\nverification: '
        + b.verification.state + (b.verification.reason ? ' (' + b.verification.reason + ')' : '') }));
      chart.appendChild(dot);
    });
    box.appendChild(chart);
    return box;
  }

  function retention(s, jobs) {
    const part = el('div', { class: 'retention' });
    part.appendChild(el('h3', { text: 'Next rotation (dry run)' }));
    const r = s.retention;
    const rotations = s.rotationJobs || [];
    if (!rotations.length) {
      part.appendChild(el('p', { class: 'muted', text: 'No ROTATION job rotates this series: nothing is deleted.' }));
    } else {
      part.appendChild(el('p', { class: 'muted' }, 'Rotated by ', rotations.map((j, i) => {
        const job = jobs.find(candidate => candidate.name === j.job);
        return [i ? ', ' : '', el('code', { text: j.job }), j.dryRun ? ' (configured as a dry run: deletes nothing)' : '',
          job && job.nextFireAt ? ', next ' + formatTime(job.nextFireAt) : ''];
      }), '.'));
    }
    if (r.available && !r.decisions.length) {
      part.appendChild(el('p', { class: 'muted', text: 'Policy ' + r.policy + '. No backups to plan yet.' }));
      return part;
    }
    if (!r.available) {
      part.appendChild(el('p', { class: 'warning retention-unavailable', text: 'No preview: ' + r.unavailableReason + '.' }));
      part.appendChild(backupTable(s));
      return part;
    }
    part.appendChild(el('p', {}, 'Policy ', el('strong', { text: r.policy }), ' (' + r.semantics + ' semantics, ' + (r.zone === 'Z' ? 'UTC' : r.zone) + ') as the '
      + 'scheduler is configured to assume it (offsite.scheduler.dashboard.retention); the rotation worker\'s own settings '
      + '(offsite.rotation.series) decide, and its offsite.rotation.dry-run, which the scheduler cannot see, would delete nothing.'));
    part.appendChild(el('div', { class: 'summary' },
      el('span', {}, 'would keep ', el('strong', { class: 'keep-count', text: r.keep }), r.keptSummary ? ' (' + r.keptSummary + ')' : ''),
      el('span', {}, 'would delete ', el('strong', { class: 'delete-count', text: r.delete }), ' (' + bytes(r.bytesToFree) + ')'),
      el('span', { class: 'muted', text: 'newest verified: ' + (r.newestVerified ? r.newestVerified.slice(s.prefix.length) : 'none') })));
    for (const w of r.warnings) part.appendChild(el('p', { class: 'warning', text: w }));
    const rows = r.decisions.map(d => {
      const backup = s.backups.find(b => b.key === d.key);
      const v = backup ? backup.verification : { state: 'NONE' };
      return el('tr', { class: d.keep ? 'keep' : 'delete', 'data-key': d.key },
        el('td', { class: 'mono', text: d.name }),
        el('td', {}, formatTime(d.takenAt)),
        el('td', { class: 'num', text: bytes(d.sizeBytes) }),
        el('td', {}, badge(v.state === 'NONE' ? 'not verified' : v.state, v.state, v.reason || (v.verifiedAt ? 'verified ' + formatTime(v.verifiedAt) : ''))),
        el('td', {}, d.keep ? badge('keep', 'OK') : badge('delete', 'FAILED')),
        el('td', { text: d.keep ? d.reasons.join(', ') : 'no rule keeps it' }));
    });
    part.appendChild(el('div', { class: 'scroll' }, el('table', { class: 'decisions' },
      el('thead', {}, el('tr', {}, ['Backup', 'Taken', 'Size', 'Verification', 'Decision', 'Reasons'].map(h => el('th', { text: h })))),
      el('tbody', {}, rows))));
    return part;
  }

  function backupTable(s) {
    const rows = s.backups.map(b => el('tr', { 'data-key': b.key },
      el('td', { class: 'mono', text: b.name }), el('td', {}, formatTime(b.takenAt)), el('td', { class: 'num', text: bytes(b.sizeBytes) }),
      el('td', {}, badge(b.verification.state === 'NONE' ? 'not verified' : b.verification.state, b.verification.state,
        b.verification.reason))));
    return el('div', { class: 'scroll' }, el('table', {},
      el('thead', {}, el('tr', {}, ['Backup', 'Taken', 'Size', 'Verification'].map(h => el('th', { text: h })))),
      el('tbody', {}, rows)));
  }

  // ------------------------------------------------------------------ start

  document.addEventListener('DOMContentLoaded', () => {
    document.getElementById('auth-form').addEventListener('submit', async event => {
      event.preventDefault();
      const input = document.getElementById('token');
      const value = input.value.trim();
      input.value = '';
      if (!value) {
        showAuth('Paste the token first.', true);
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, value);
      await load();
    });
    document.getElementById('refresh').addEventListener('click', load);
    document.getElementById('forget-token').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      document.getElementById('forget-token').hidden = true;
      showAuth('Token forgotten. Paste it again to see the scheduler.', false);
    });
    load().then(schedule);
  });
})();
