/* Venue big screen for one trade's live board. Plain browser JS, no build step: served as is. */
/* global window, document, location, URLSearchParams, fetch, setTimeout, clearTimeout, setInterval, graphqlWs */
(function () {
  'use strict';

  const config = JSON.parse(document.getElementById('screen-config').textContent);
  const params = new URLSearchParams(location.search);
  const int = (v, d) => (v && /^\d+$/.test(v) ? Number(v) : d);
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const key = params.get('key') || '';
  const first = clamp(int(params.get('first'), 100), 1, 100);
  const rotateMs = clamp(int(params.get('rotate'), 10), 2, 600) * 1000;
  const maxRows = int(params.get('rows'), 0);
  const HIGHLIGHT_MS = clamp(int(params.get('highlight'), 8), 1, 120) * 1000;
  const ROW_VH = 9; // --row-h in screen.css

  const $ = (id) => document.getElementById(id);
  const els = {
    banner: $('banner'),
    competition: $('competition'),
    trade: $('trade'),
    frozen: $('frozen'),
    clock: $('clock'),
    rows: $('rows'),
    empty: $('empty'),
    count: $('count'),
    page: $('page'),
    updated: $('updated'),
    who: $('who-label'),
  };

  const STATUS = {
    REGISTRATION_OPEN: '报名中 Registration',
    RUNNING: '比赛中 Live',
    SCORING_CLOSED: '评分结束 Scoring closed',
    PUBLISHED: '公示中 Published',
    FINAL: '最终成绩 Final',
    ARCHIVED: '已归档 Archived',
  };
  const AWARD_EN = { 一等奖: 'First', 二等奖: 'Second', 三等奖: 'Third', 优胜奖: 'Merit' };

  /** What the board shows: rows by entrant id, as of `seq`. */
  const state = { rows: new Map(), seq: null, frozen: false, entrantCount: 0, page: 0, updatedAt: null };
  /** Entrants whose rank just changed (or who just entered): class and until when. */
  const marks = new Map();

  const pad = (n) => String(n).padStart(2, '0');
  const hms = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };

  function setState(s, message) {
    document.body.dataset.state = s;
    if (s === 'connecting') els.banner.textContent = '正在连接… Connecting…';
    if (s === 'reconnecting') els.banner.textContent = '连接中断，正在重连… Connection lost — reconnecting…';
    if (s === 'error')
      els.banner.textContent = `看板暂不可用，稍后自动重试 Board unavailable, retrying: ${message}`;
  }

  // ---------------------------------------------------------------- title (public, over HTTP)
  const TITLE_QUERY =
    'query ScreenTrade($id: ID!) { trade(id: $id) { name venue competition { name status } } }';
  let titleTimer = null;
  async function loadTitle() {
    clearTimeout(titleTimer);
    try {
      // Anonymous on purpose: a first-party key may send only trusted documents, and the name is public.
      const res = await fetch(config.graphqlPath, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: TITLE_QUERY, variables: { id: config.tradeId } }),
      });
      const trade = (await res.json()).data?.trade;
      if (!trade) throw new Error('no trade');
      els.trade.textContent = trade.name + (trade.venue ? ` · ${trade.venue}` : '');
      const status = STATUS[trade.competition.status];
      els.competition.textContent = trade.competition.name + (status ? ` — ${status}` : '');
      document.title = `${trade.name} · 实时成绩 Live results`;
    } catch {
      titleTimer = setTimeout(loadTitle, 15000);
    }
  }

  // ---------------------------------------------------------------- frames
  function note(before, row, now) {
    if (!before) {
      if (state.seq !== null) marks.set(row.entrantId, { cls: 'new', move: '', until: now + HIGHLIGHT_MS });
      return;
    }
    if (before.rank === row.rank) return;
    const up = row.rank < before.rank;
    const by = Math.abs(before.rank - row.rank);
    marks.set(row.entrantId, {
      cls: up ? 'up' : 'down',
      move: (up ? '▲' : '▼') + by,
      until: now + HIGHLIGHT_MS,
    });
  }

  /** Applies a frame; false when it does not follow the seq we hold (a gap: resubscribe). */
  function apply(frame) {
    const now = Date.now();
    if (frame.kind === 'SNAPSHOT') {
      const next = new Map();
      for (const r of frame.rows) {
        note(state.rows.get(r.entrantId), r, now);
        next.set(r.entrantId, r);
      }
      state.rows = next;
    } else {
      if (frame.previousSeq !== state.seq) return false;
      for (const id of frame.removed) state.rows.delete(id);
      for (const r of frame.rows) {
        note(state.rows.get(r.entrantId), r, now);
        state.rows.set(r.entrantId, r);
      }
    }
    state.seq = frame.seq;
    state.frozen = frame.frozen;
    state.entrantCount = frame.entrantCount;
    state.updatedAt = new Date();
    return true;
  }

  // ---------------------------------------------------------------- rendering
  const byRank = (a, b) =>
    a.rank - b.rank ||
    b.total - a.total ||
    String(a.anonymousNumber || a.name || '').localeCompare(String(b.anonymousNumber || b.name || ''));

  function rowsPerPage() {
    const fit = Math.max(1, Math.floor(els.rows.clientHeight / ((window.innerHeight * ROW_VH) / 100)));
    return maxRows > 0 ? Math.min(fit, maxRows) : fit;
  }

  let expiry = null;
  function render() {
    const now = Date.now();
    for (const [id, m] of marks) if (m.until <= now) marks.delete(id);
    const sorted = [...state.rows.values()].sort(byRank);
    const per = rowsPerPage();
    const pages = Math.max(1, Math.ceil(sorted.length / per));
    if (state.page >= pages) state.page = 0;
    const named = sorted.some((r) => r.name);
    els.who.replaceChildren(named ? '姓名 / 单位' : '编号', el('small', '', named ? 'Name / Unit' : 'No.'));

    const frag = document.createDocumentFragment();
    for (const r of sorted.slice(state.page * per, state.page * per + per)) {
      const m = marks.get(r.entrantId);
      const row = el('div', `row${m ? ` ${m.cls}` : ''}`);
      row.dataset.entrant = r.entrantId;
      row.dataset.rank = r.rank;
      const rank = el('span', 'rank', r.rank);
      if (m && m.move) rank.append(el('span', 'move', m.move));
      const who = el('span', 'who', r.name || r.anonymousNumber || '—');
      if (r.name && r.unit) who.append(el('span', 'unit', r.unit));
      const award = el('span', 'award', r.awardLabel || '');
      if (r.awardLabel && AWARD_EN[r.awardLabel]) award.append(el('small', '', AWARD_EN[r.awardLabel]));
      row.append(rank, who, el('span', 'total', Number(r.total).toFixed(2)), award);
      frag.append(row);
    }
    els.rows.replaceChildren(frag);
    els.empty.hidden = sorted.length > 0 || state.seq === null;
    els.frozen.hidden = !state.frozen;
    els.count.textContent = `上榜 ${state.entrantCount} 人 · ${state.entrantCount} on the board`;
    els.page.textContent =
      pages > 1 ? `第 ${state.page + 1}/${pages} 页 · Page ${state.page + 1}/${pages}` : '';
    els.updated.textContent = state.updatedAt ? `更新 Updated ${hms(state.updatedAt)}` : '';
    document.body.dataset.seq = state.seq === null ? '' : String(state.seq);
    document.body.dataset.page = `${state.page + 1}/${pages}`;

    // Re-render when the next highlight runs out.
    clearTimeout(expiry);
    const soonest = Math.min(...[...marks.values()].map((x) => x.until));
    if (Number.isFinite(soonest)) expiry = setTimeout(render, soonest - now + 20);
  }

  // ---------------------------------------------------------------- subscription
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  let pongTimer = null;
  const client = graphqlWs.createClient({
    url: `${proto}//${location.host}${config.graphqlPath}`,
    connectionParams: key ? { apiKey: key } : {},
    retryAttempts: Infinity,
    // Exponential backoff with jitter, capped at 30 s.
    retryWait: (n) => new Promise((r) => setTimeout(r, Math.min(30000, 500 * 2 ** n) + Math.random() * 1000)),
    shouldRetry: () => true,
    keepAlive: 10000,
    lazyCloseTimeout: 5000,
    on: {
      closed: () => {
        clearTimeout(pongTimer);
        if (document.body.dataset.state !== 'error') setState('reconnecting');
      },
      // A ping without its pong in 5 s: the socket is dead even if it was not closed.
      ping: (received) => {
        if (!received) pongTimer = setTimeout(() => client.terminate(), 5000);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });

  let generation = 0;
  let unsubscribe = null;
  let failures = 0;
  let retryTimer = null;

  /** Starts a new subscription (resuming from the seq held), then drops the old one; late frames of old ones are ignored. */
  function subscribe() {
    clearTimeout(retryTimer);
    const mine = ++generation;
    // Resumes from the seq held: the server replays what was missed, or sends a fresh snapshot.
    const variables = { tradeId: config.tradeId, first, afterSeq: state.seq };
    // First-party keys may send only trusted documents, by id; anonymous screens send the text.
    const payload = key
      ? { query: '', operationName: 'ScreenBoard', variables, extensions: { documentId: config.documentId } }
      : { query: config.query, operationName: 'ScreenBoard', variables };
    const previous = unsubscribe;
    unsubscribe = client.subscribe(payload, {
      next: (message) => {
        if (mine !== generation) return;
        const frame = message.data && message.data.boardUpdates;
        if (!frame) return fail(message.errors);
        // The last frame says why the subscription ends; `complete` follows and we resubscribe.
        if (frame.kind === 'END') {
          document.body.dataset.ended = frame.endReason + (frame.stage ? ':' + frame.stage : '');
          return;
        }
        if (frame.kind === 'SNAPSHOT') void loadTitle();
        if (!apply(frame)) return subscribe(); // missed a frame
        failures = 0;
        setState('live');
        render();
      },
      error: (err) => {
        if (mine === generation) fail(err);
      },
      // The server completes the subscription after an END frame (a stage change, a shutdown).
      complete: () => {
        if (mine !== generation) return;
        clearTimeout(retryTimer);
        retryTimer = setTimeout(subscribe, 300);
      },
    });
    if (previous) previous();
  }

  function fail(err) {
    const list = Array.isArray(err) ? err : [err];
    const message = list.map((e) => (e && (e.message || e.reason || e.code)) || String(e)).join('; ');
    setState('error', message);
    failures += 1;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(subscribe, Math.min(60000, 2000 * 2 ** Math.min(failures, 5)));
  }

  // ---------------------------------------------------------------- clock and pages
  const tick = () => (els.clock.textContent = hms(new Date()));
  setInterval(tick, 1000);
  setInterval(() => {
    const pages = Math.ceil(state.rows.size / rowsPerPage());
    if (pages <= 1) return;
    state.page = (state.page + 1) % pages;
    render();
  }, rotateMs);
  window.addEventListener('resize', render);

  tick();
  setState('connecting');
  void loadTitle();
  subscribe();
})();
