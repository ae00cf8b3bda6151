// The dashboard: reads the index's JSON API and redraws on each `head` event of /api/stream.
// Plain JavaScript, no build step and nothing fetched from elsewhere. Read-only.
"use strict";

const $ = (id) => document.getElementById(id);
const short = (key) => (key ? `${key.slice(0, 4)}…${key.slice(-4)}` : "-");
const num = (n) => (n === null || n === undefined ? "-" : Number(n).toLocaleString("en-US"));
const pct = (x) => (x === null || x === undefined ? "-" : `${(x * 100).toFixed(1)}%`);

let head = { slot: null, seq: null };
let selected = null;

async function get(path) {
  const response = await fetch(path, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${body.error || response.status}`);
  return body;
}

function cell(row, text, className) {
  const td = document.createElement("td");
  if (text instanceof Node) td.appendChild(text);
  else td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function fill(tableId, items, draw) {
  const body = $(tableId).querySelector("tbody");
  body.replaceChildren(
    ...items.map((item) => {
      const tr = document.createElement("tr");
      draw(tr, item);
      return tr;
    }),
  );
}

function badge(status) {
  const span = document.createElement("span");
  span.className = `status status-${status}`;
  span.textContent = status;
  return span;
}

function bar(bps) {
  const outer = document.createElement("span");
  outer.className = "bar";
  outer.title = `${(bps / 100).toFixed(0)}%`;
  const inner = document.createElement("i");
  inner.style.width = `${Math.min(100, bps / 100)}%`;
  outer.appendChild(inner);
  return outer;
}

// The auction's phase by the clock (the last indexed slot), and the slots left in it.
function phase(intent, slot) {
  switch (intent.status) {
    case "open":
      if (slot < intent.commit_end_slot) return ["bidding", intent.commit_end_slot - slot];
      if (slot < intent.reveal_end_slot) return ["revealing", intent.reveal_end_slot - slot];
      return ["settling", 0];
    case "awarded":
      return ["executing", null];
    case "submitted":
      return ["under review", null];
    case "disputed":
      return ["in dispute", null];
    default:
      return [intent.closed_slot !== null ? "closed" : "ended", null];
  }
}

function drawIntents(list) {
  fill("intents", list.intents, (tr, i) => {
    const [name, left] = phase(i, head.slot || 0);
    tr.dataset.intent = i.address;
    tr.dataset.status = i.status;
    tr.dataset.failovers = i.failovers;
    if (i.address === selected) tr.className = "selected";
    cell(tr, short(i.address)).title = i.address;
    cell(tr, i.kind);
    cell(tr, badge(i.status));
    cell(tr, name);
    cell(tr, left === null ? "" : num(left), "num");
    cell(tr, num(i.bids), "num");
    cell(tr, short(i.winner_agent)).title = i.winner_agent || "";
    cell(tr, num(i.payment), "num");
    cell(tr, i.status === "awarded" && i.winner_progress_bps !== null ? bar(i.winner_progress_bps) : "");
    cell(tr, num(i.failovers), "num");
    tr.addEventListener("click", () => {
      selected = i.address;
      showIntent().catch(report);
    });
  });
}

function sparkline(points) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 100 20");
  svg.setAttribute("width", "100");
  svg.setAttribute("height", "20");
  svg.style.border = "none";
  svg.style.background = "none";
  if (points.length > 0) {
    const xs = points.map((_, k) => (points.length === 1 ? 50 : (k * 100) / (points.length - 1)));
    const path = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    path.setAttribute("points", points.map((p, k) => `${xs[k]},${20 - (p / 10000) * 18 - 1}`).join(" "));
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "#2d6cdf");
    path.setAttribute("stroke-width", "1.5");
    svg.appendChild(path);
  }
  return svg;
}

async function drawAgents(list) {
  const histories = await Promise.all(
    list.agents.map((a) => get(`/api/agents/${a.agent}/history?limit=100`).catch(() => null)),
  );
  fill("agents", list.agents, (tr, a) => {
    const h = histories[list.agents.indexOf(a)];
    tr.dataset.agent = a.agent;
    cell(tr, short(a.agent)).title = a.agent;
    cell(tr, `${(a.reputation / 100).toFixed(2)}%`, "num");
    cell(tr, sparkline(h ? h.history.map((e) => e.reputation) : []));
    cell(tr, num(Math.max(0, a.staked - a.locked)), "num");
    cell(tr, num(a.locked), "num");
    cell(tr, num(h ? h.jobs_won : null), "num");
    cell(tr, num(a.completed), "num");
    cell(tr, num(a.failed + a.slashed), "num");
    cell(tr, a.last_heartbeat_slot === null ? "-" : `slot ${a.last_heartbeat_slot}`);
  });
}

// Bars with a label under each and the value above.
function bars(svgId, labels, values, format) {
  const svg = $(svgId);
  const top = Math.max(1, ...values);
  const width = 300 / Math.max(1, values.length);
  const parts = values.map((v, k) => {
    const h = (v / top) * 100;
    const x = k * width;
    return (
      `<rect x="${x + 2}" y="${115 - h}" width="${width - 4}" height="${h}"><title>${labels[k]}: ${v}</title></rect>` +
      `<text x="${x + width / 2}" y="${112 - h}" text-anchor="middle">${format(v)}</text>` +
      `<text x="${x + width / 2}" y="130" text-anchor="middle">${labels[k]}</text>`
    );
  });
  svg.innerHTML = parts.join("");
  svg.dataset.values = JSON.stringify(values);
}

function drawStats(s) {
  const by = s.by_status || {};
  $("stat-intents").textContent = num(s.intents);
  $("stat-open").textContent = num(by.open || 0);
  $("stat-awarded").textContent = num(by.awarded || 0);
  $("stat-completed").textContent = num(by.completed || 0);
  $("stat-failed-over").textContent = num(s.failed_over);
  $("stat-bids").textContent = num(s.bids);
  $("stat-paid").textContent = num(s.paid);
  $("stat-agents").textContent = num(s.agents);
  $("stat-cranks").textContent = num(s.cranks);
  $("events").textContent = num(s.events);
  $("failover-rate").textContent = pct(s.failover_rate);
  $("slots-award").textContent = num(s.slots_post_to_award);
  $("slots-end").textContent = num(s.slots_post_to_end);
  $("bids-per-intent").textContent = s.bids_per_intent === null ? "-" : s.bids_per_intent.toFixed(2);
  const perIntent = Object.entries(s.bids_per_intent_histogram || {});
  bars("chart-bids", perIntent.map(([n]) => n), perIntent.map(([, k]) => k), String);
  bars(
    "chart-scores",
    s.score_histogram.map((_, k) => `${k}k`),
    s.score_histogram,
    String,
  );
  bars(
    "chart-clearing",
    s.clearing_by_capability.map((c) => `0x${Number(c.capabilities).toString(16)}`),
    s.clearing_by_capability.map((c) => c.clearing_bps / 100),
    (v) => `${v.toFixed(0)}`,
  );
}

function drawKeeper(k) {
  fill("due", k.due, (tr, d) => {
    cell(tr, short(d.intent)).title = d.intent;
    cell(tr, d.crank);
    cell(tr, num(d.from_slot), "num");
  });
  fill("cranks", k.recent, (tr, c) => {
    tr.dataset.crank = c.crank;
    cell(tr, num(c.slot), "num");
    cell(tr, short(c.intent)).title = c.intent;
    cell(tr, c.crank);
    cell(tr, short(c.sender)).title = c.sender || "";
    cell(tr, num(c.tip), "num");
  });
  fill("senders", k.by_sender, (tr, s) => {
    cell(tr, short(s.sender)).title = s.sender || "";
    cell(tr, num(s.cranks), "num");
    cell(tr, num(s.tips), "num");
  });
}

async function showIntent() {
  if (!selected) return;
  const i = await get(`/api/intents/${selected}`);
  $("detail").hidden = false;
  $("detail-address").textContent = i.address;
  $("detail-terms").textContent =
    `${i.kind}; max price ${num(i.max_price)} atoms, max latency ${num(i.max_latency)} slots; ` +
    `weights quality/cost/speed/reputation ${i.weights.join("/")} bps; ` +
    `capabilities 0x${Number(i.capabilities).toString(16)}; status ${i.status}` +
    (i.paid !== null ? `; paid ${num(i.paid)}, refunded ${num(i.refunded)}` : "");
  fill("board", i.bids_detail, (tr, b) => {
    const p = b.parts || {};
    tr.dataset.bid = b.bid;
    cell(tr, short(b.bid)).title = b.bid;
    cell(tr, short(b.agent)).title = b.agent;
    cell(tr, num(b.price), "num");
    cell(tr, num(p.quality), "num");
    cell(tr, num(p.cost), "num");
    cell(tr, num(p.speed), "num");
    cell(tr, num(p.reputation), "num");
    cell(tr, num(b.score), "num");
    cell(tr, b.fate);
  });
  $("history").replaceChildren(
    ...i.history.map((h) => {
      const li = document.createElement("li");
      li.textContent = `slot ${h.slot}: ${h.status}`;
      return li;
    }),
  );
}

async function verify() {
  if (!selected) return;
  const v = await get(`/api/intents/${selected}/verify`);
  const out = $("verify-result");
  const title = document.createElement("p");
  title.className = v.verified ? "ok" : "bad";
  title.dataset.verified = String(v.verified);
  title.textContent = v.verified
    ? `verified: recomputed with agx_core from ${v.bids} revealed bid(s), it agrees with the chain`
    : "NOT verified: the recomputation disagrees with the chain";
  const list = document.createElement("ul");
  for (const c of v.checks) {
    const li = document.createElement("li");
    li.className = c.ok ? "ok" : "bad";
    li.textContent = `${c.ok ? "✓" : "✗"} ${c.rule}: ${c.detail}`;
    list.appendChild(li);
  }
  out.replaceChildren(title, list);
}

function report(error) {
  console.error(error);
  $("live").textContent = `error: ${error.message}`;
}

let busy = false;
let again = false;

// Redraws everything; a `head` that arrives meanwhile triggers one more pass after it.
async function refresh() {
  if (busy) {
    again = true;
    return;
  }
  busy = true;
  document.body.dataset.busy = "true";
  try {
    do {
      again = false;
      const [stats, intents, agents, keeper] = await Promise.all([
        get("/api/stats"),
        get("/api/intents?limit=100"),
        get("/api/agents?limit=20"),
        get("/api/cranks?limit=15"),
      ]);
      $("slot").textContent = num(head.slot);
      drawStats(stats);
      drawIntents(intents);
      await drawAgents(agents);
      drawKeeper(keeper);
      await showIntent();
      document.body.dataset.seq = String(head.seq);
    } while (again);
  } finally {
    busy = false;
    document.body.dataset.busy = "false";
  }
}

$("verify").addEventListener("click", () => verify().catch(report));

const stream = new EventSource("/api/stream");
stream.addEventListener("open", () => {
  $("live").textContent = "live";
  $("live").className = "on";
});
stream.addEventListener("error", () => {
  $("live").textContent = "reconnecting";
  $("live").className = "offline";
});
stream.addEventListener("head", (e) => {
  head = JSON.parse(e.data);
  refresh().catch(report);
});
