// The search page: finds every report that contains what was typed, with filters, counts and
// snippets. Loaded only on the search page; every URL is derived from the page's own location, so
// it works under any sub-path.
//
// The index holds each report's text as overlapping pairs of units (one Chinese character, or one
// run of ASCII letters and digits) written as digits; build_scripts/search_index.py explains why.
// The cutting below must match text_to_chunks() there: tests/test_search.py holds them equal.

const CODE_WIDTH = 5;
const PIECE = /([0-9a-z]+)|([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])|(\s+)|([^\s0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)/gu;
const PAGE_SIZE = 10;
const FILTERS = [
  { name: "province", label: "省份" },
  { name: "city", label: "城市" },
  { name: "year", label: "年度" },
  { name: "kind", label: "机构类型" },
  { name: "form", label: "报表格式" },
  { name: "source", label: "来源文件" },
  { name: "checks", label: "勾稽校验" },
];

// ---- cutting text into units and tokens (the same rules as search_index.py) ----

export function normalize(text) {
  return text
    .replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function unitCode(unit) {
  return [...unit].map((c) => String(c.codePointAt(0)).padStart(CODE_WIDTH, "0")).join("");
}

function segmentTokens(codes) {
  return [...codes.slice(0, -1).map((code, i) => code + codes[i + 1]), codes[codes.length - 1]];
}

// The same chunks as text_to_chunks(): tested against it.
export function textToChunks(text) {
  const chunks = [];
  let run = [];
  let lastWasAscii = false;
  let spaced = false;
  for (const [, ascii, character, space, other] of normalize(text).matchAll(PIECE)) {
    if (space) {
      spaced = true;
      continue;
    }
    if (other) {
      if (run.length) chunks.push(...segmentTokens(run));
      run = [];
      chunks.push(other);
    } else if (ascii && spaced && lastWasAscii && run.length) {
      chunks.push(...segmentTokens(run));
      run = [unitCode(ascii)];
    } else {
      run.push(unitCode(ascii || character));
    }
    lastWasAscii = Boolean(ascii);
    spaced = false;
  }
  if (run.length) chunks.push(...segmentTokens(run));
  return chunks;
}

// A query as segments: each a run of units that a report must contain unbroken. Words separated
// by spaces, and parts separated by punctuation, are separate segments that must all be found;
// quotes only group.
export function querySegments(query) {
  const segments = [];
  for (const term of normalize(query).replace(/["“”]/g, " ").split(/\s+/)) {
    let units = [];
    for (const [, ascii, character, , other] of term.matchAll(PIECE)) {
      if (other) {
        if (units.length) segments.push(units);
        units = [];
      } else if (ascii || character) {
        units.push(ascii || character);
      }
    }
    if (units.length) segments.push(units);
  }
  return segments;
}

export function segmentQueryTokens(units) {
  const codes = units.map(unitCode);
  return codes.length === 1 ? codes : segmentTokens(codes).slice(0, -1);
}

function decodeChunk(chunk) {
  if (/^\d+\.$/.test(chunk)) return `${decodeChunk(chunk.slice(0, -1))} `; // a block's end
  if (!/^\d+$/.test(chunk)) return chunk;
  const codes = [];
  for (let i = 0; i < chunk.length; i += CODE_WIDTH) codes.push(Number(chunk.slice(i, i + CODE_WIDTH)));
  if (codes[0] >= 128) return String.fromCodePoint(codes[0]);
  const ascii = [];
  for (const code of codes) {
    if (code >= 128) break;
    ascii.push(String.fromCodePoint(code));
  }
  return ascii.join("");
}

export function decodeText(content) {
  return content.split(/\s+/).map(decodeChunk).join("");
}

// ---- finding reports ----

// The pairs to look up for a segment, with their offsets: every other pair and the last one. They
// cover every unit, so a report whose pair at position p + offset is the segment's pair at that
// offset, for each of them, contains the whole segment; looking up half the pairs halves the
// index a long query downloads.
export function coveringTokens(units) {
  const tokens = segmentQueryTokens(units);
  const offsets = tokens.map((_, offset) => offset).filter((offset) => offset % 2 === 0 || offset === tokens.length - 1);
  return offsets.map((offset) => ({ token: tokens[offset], offset }));
}

// Each pair is looked up on its own, so that its positions are known to be its own; the reports
// with every pair, at their offsets from one start, contain the segment. id -> {result, first,
// score}, `first` being the first such start.
async function findSegment(pagefind, units) {
  const lookups = [];
  for (const { token, offset } of coveringTokens(units)) {
    const search = await pagefind.search(token);
    lookups.push({ offset, results: new Map(search.results.map((result) => [result.id, result])) });
  }
  const found = new Map();
  const [head, ...rest] = lookups;
  for (const [id, result] of head.results) {
    const others = rest.map(({ offset, results }) => ({ offset, result: results.get(id) }));
    if (others.some(({ result: other }) => !other)) continue;
    const positions = others.map(({ offset, result: other }) => ({ offset, at: new Set(other.words) }));
    const starts = result.words.filter((start) => positions.every(({ offset, at }) => at.has(start + offset)));
    if (!starts.length) continue;
    const score = others.reduce((sum, { result: other }) => sum + other.score, result.score);
    found.set(id, { result, first: Math.min(...starts), score });
  }
  return found;
}

// Reports containing every segment: id -> {score, result, last}, where `last` is the latest of
// the segments' first positions (all of them occur before it).
export async function findReports(pagefind, segments) {
  let hits = null;
  for (const units of segments) {
    const found = await findSegment(pagefind, units);
    const next = new Map();
    for (const [id, { result, first, score }] of found) {
      const hit = hits === null ? { score: 0, result, last: first } : hits.get(id);
      if (hit) next.set(id, { score: hit.score + score, result: hit.result, last: Math.max(hit.last, first) });
    }
    hits = next;
  }
  return hits || new Map();
}

// ---- facets: filters, counts and ordering ----

async function loadFacets(root) {
  const compressed = typeof DecompressionStream !== "undefined";
  const response = await fetch(new URL(`pagefind/archive-facets.json${compressed ? ".gz" : ""}`, root));
  if (!response.ok) throw new Error(`facets: HTTP ${response.status}`);
  const body = compressed ? response.body.pipeThrough(new DecompressionStream("gzip")) : response.body;
  const facets = await new Response(body).json();
  facets.rowOf = new Map(facets.ids.map((id, row) => [id, row]));
  return facets;
}

// One report's Pagefind fragment (its metadata and coded text), fetched directly: browsing
// without a query needs no search, and a search for nothing would load the whole index.
async function loadFragment(root, facets, row) {
  let bundle = 0;
  while (bundle + 1 < facets.bundle_rows.length && facets.bundle_rows[bundle + 1] <= row) bundle += 1;
  const response = await fetch(new URL(`${facets.bundles[bundle]}fragment/${facets.ids[row]}.pf_fragment`, root));
  if (!response.ok) throw new Error(`fragment: HTTP ${response.status}`);
  const data = await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
  return JSON.parse(new TextDecoder().decode(new Uint8Array(data).subarray("pagefind_dcd".length)));
}

function facetValue(facets, name, row) {
  return name === "year" ? String(facets.year[row]) : facets.values[name][facets.columns[name][row]];
}

function matches(facets, row, selected, except) {
  return FILTERS.every(({ name }) => name === except || !selected[name] || facetValue(facets, name, row) === selected[name]);
}

// Counts per value of each filter, over the rows that pass every other filter.
export function filterCounts(facets, rows, selected) {
  const counts = {};
  for (const { name } of FILTERS) {
    const tally = new Map();
    for (const row of rows) {
      if (!matches(facets, row, selected, name)) continue;
      const value = facetValue(facets, name, row);
      tally.set(value, (tally.get(value) || 0) + 1);
    }
    counts[name] = tally;
  }
  return counts;
}

// Relevance first and the newer year on a tie, or the year first on request; then archive order.
// Relevance puts the reports that have every word in their own text (prose, title, metadata)
// before those that have some only in their tables, whose labels every report shares.
export function orderRows(facets, rows, scores, sort, inText = new Set(rows)) {
  const byYear = (a, b) => facets.year[b] - facets.year[a];
  const byScore = (a, b) => inText.has(b) - inText.has(a) || (scores.get(b) || 0) - (scores.get(a) || 0);
  const first = sort === "year" ? byYear : byScore;
  const second = sort === "year" ? byScore : byYear;
  return [...rows].sort((a, b) => first(a, b) || second(a, b) || a - b);
}

// ---- snippets ----

function findAll(text, needles) {
  const spans = [];
  for (const needle of needles) {
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
      spans.push([at, at + needle.length]);
    }
  }
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  return merged;
}

// Where a snippet starts: before the first match of the stretch that shows the most different
// words of the query (the first such stretch), so that 伊川 科技 shows both where they meet.
function snippetStart(text, spans, needles, before, length) {
  let best = { start: spans.length ? Math.max(0, spans[0][0] - before) : 0, words: 0 };
  for (const [from] of spans.slice(0, 200)) {
    const start = Math.max(0, from - before);
    const shown = text.slice(start, start + length);
    const words = needles.filter((needle) => shown.includes(needle)).length;
    if (words > best.words) best = { start, words };
  }
  return best.start;
}

// A stretch of the report's text around the matches, the matches marked: a list of
// [text, marked] pairs, rendered as text nodes (report text is never parsed as HTML).
export function snippetParts(text, needles, before = 30, length = 110) {
  const spans = findAll(text, needles);
  const start = snippetStart(text, spans, needles, before, length);
  const end = Math.min(text.length, start + length);
  const parts = [];
  let at = start;
  for (const [from, to] of spans) {
    if (to <= start || from >= end) continue;
    if (from > at) parts.push([text.slice(at, from), false]);
    parts.push([text.slice(Math.max(from, at), Math.min(to, end)), true]);
    at = Math.min(to, end);
  }
  if (at < end) parts.push([text.slice(at, end), false]);
  if (start > 0) parts.unshift(["…", false]);
  if (end < text.length) parts.push(["…", false]);
  return parts;
}

// A query that no report contains whole may still name things that are there apart
// (伊川城市管理 → 伊川 城市 管理): the words of its longer segments, if the browser can cut them.
export function spacedSuggestion(query) {
  if (typeof Intl === "undefined" || !Intl.Segmenter) return null;
  const segmenter = new Intl.Segmenter("zh", { granularity: "word" });
  const segments = querySegments(query);
  const words = [];
  for (const units of segments) {
    const text = units.join("");
    if (units.length < 3) words.push(text);
    else for (const { segment, isWordLike } of segmenter.segment(text)) if (isWordLike) words.push(segment);
  }
  return words.length > segments.length ? words.join(" ") : null;
}

// ---- the page ----

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function readState() {
  const params = new URLSearchParams(window.location.search);
  const selected = {};
  for (const { name } of FILTERS) selected[name] = params.get(name) || "";
  return { query: params.get("q") || "", selected, sort: params.get("sort") === "year" ? "year" : "relevance" };
}

function writeState(state) {
  const params = new URLSearchParams();
  if (state.query) params.set("q", state.query);
  for (const { name } of FILTERS) if (state.selected[name]) params.set(name, state.selected[name]);
  if (state.sort === "year") params.set("sort", "year");
  const url = new URL(window.location.href);
  url.search = params.toString();
  window.history.replaceState(null, "", url);
}

function optionLabel(name, value) {
  if (name === "city") return value.split(" ").slice(1).join(" ");
  if (name === "year") return `${value} 年`;
  return value;
}

function filterValues(facets, name, counts, selected) {
  let values = name === "year" ? [...counts.keys()].sort().reverse() : [...facets.values[name]];
  if (name === "city") values = values.filter((value) => value.startsWith(`${selected.province} `));
  return values.filter((value) => counts.get(value) || value === selected[name]);
}

function renderFilters(container, facets, counts, state, onChange) {
  container.replaceChildren();
  for (const { name, label } of FILTERS) {
    const field = element("label", "archive-search-filter");
    field.append(element("span", "archive-search-filter-label", label));
    const select = element("select");
    select.name = name;
    const total = [...counts[name].values()].reduce((sum, n) => sum + n, 0);
    select.append(new Option(`全部（${total}）`, ""));
    if (name === "city" && !state.selected.province) {
      select.disabled = true;
      select.options[0].text = "请先选择省份";
    } else {
      for (const value of filterValues(facets, name, counts[name], state.selected)) {
        select.append(new Option(`${optionLabel(name, value)}（${counts[name].get(value) || 0}）`, value));
      }
    }
    select.value = state.selected[name];
    select.addEventListener("change", () => onChange(name, select.value));
    field.append(select);
    container.append(field);
  }
  const sortField = element("label", "archive-search-filter");
  sortField.append(element("span", "archive-search-filter-label", "排序"));
  const sort = element("select");
  sort.name = "sort";
  sort.append(new Option("相关度", "relevance"), new Option("年度（新→旧）", "year"));
  sort.value = state.sort;
  sort.addEventListener("change", () => onChange("sort", sort.value));
  sortField.append(sort);
  container.append(sortField);
}

function resultLink(root, data, query) {
  const url = new URL(data.meta.page, root);
  if (query.trim()) url.searchParams.set("highlight", query.trim());
  return url.href;
}

// The index keeps no spaces; a snippet puts back the ones a reader expects: around the table
// rows' "·" and between a label and its number (不予公开 · 属于国家秘密：总计 3).
function spaced(text) {
  return text.replace(/·/g, " · ").replace(/([\u3400-\u9fff])(\d)/g, "$1 $2");
}

async function renderResult(root, result, segments, query) {
  const data = await result.data();
  const item = element("li", "archive-search-result");
  const link = element("a", "archive-search-result-title", data.meta.title || data.meta.page);
  link.href = resultLink(root, data, query);
  item.append(link);
  const details = [data.meta.agency, data.meta.region, data.meta.year ? `${data.meta.year} 年` : "", data.meta.kind];
  item.append(element("div", "archive-search-result-meta", details.filter(Boolean).join(" · ")));
  if (segments.length) {
    const excerpt = element("p", "archive-search-result-excerpt");
    const needles = segments.map((units) => units.join(""));
    for (const [text, marked] of snippetParts(decodeText(data.content), needles)) {
      const shown = spaced(text);
      excerpt.append(marked ? element("mark", "", shown) : document.createTextNode(shown));
    }
    item.append(excerpt);
  }
  return item;
}

function describe(state, segments, total) {
  const filtered = Object.values(state.selected).some(Boolean) ? "（已筛选）" : "";
  if (!segments.length) return `共 ${total} 份报告${filtered}。`;
  const quoted = `“${state.query.trim()}”`;
  return total ? `${quoted}：找到 ${total} 份报告${filtered}。` : `没有找到包含${quoted}的报告${filtered}。`;
}

// Everything the page and the tests need: the engine, its facets, and one search.
export async function createArchiveSearch(root) {
  const [pagefind, facets] = await Promise.all([import(new URL("pagefind/pagefind.js", root).href), loadFacets(root)]);
  await pagefind.options({ baseUrl: root.pathname });
  // A large archive's index comes in shards (search_index.py), searched together as one.
  for (const bundle of facets.bundles.slice(1)) await pagefind.mergeIndex(new URL(bundle, root).pathname);
  let everything = null;
  return {
    facets,
    // The reports for a query (all of them when it is empty): rows, scores and Pagefind results.
    async find(query) {
      const segments = querySegments(query);
      const results = new Map();
      const scores = new Map();
      const inText = new Set();
      if (segments.length) {
        for (const [id, hit] of await findReports(pagefind, segments)) {
          const row = facets.rowOf.get(id);
          if (row === undefined) continue;
          results.set(row, hit.result);
          scores.set(row, hit.score);
          if (hit.last < facets.tables[row]) inText.add(row);
        }
      } else if (typeof DecompressionStream !== "undefined") {
        for (let row = 0; row < facets.ids.length; row += 1) results.set(row, { data: () => loadFragment(root, facets, row) });
      } else {
        everything ??= (await pagefind.search(null)).results; // loads the whole index: old browsers only
        for (const result of everything) {
          const row = facets.rowOf.get(result.id);
          if (row !== undefined) results.set(row, result);
        }
      }
      return { segments, results, scores, inText };
    },
    select(found, selected, sort) {
      const rows = [...found.results.keys()];
      const counts = filterCounts(facets, rows, selected);
      const kept = rows.filter((row) => matches(facets, row, selected, null));
      return { counts, rows: orderRows(facets, kept, found.scores, sort, found.inText) };
    },
    // The report pages of some rows, for tests and harnesses (loads their metadata).
    async pages(found, rows) {
      return Promise.all(rows.map(async (row) => (await found.results.get(row).data()).meta.page));
    },
  };
}

async function main() {
  const base = document.querySelector('meta[name="archive-base"]').content;
  const root = new URL(base.replace(/\/?$/, "/"), window.location.href);
  const status = document.querySelector(".archive-search-status");
  const list = document.querySelector(".archive-search-results");
  const filters = document.querySelector(".archive-search-filters");
  const more = document.querySelector(".archive-search-more");
  const panel = document.querySelector(".archive-search-panel");
  const input = document.querySelector(".archive-search-input");
  const form = document.querySelector(".archive-search-form");
  const state = readState();
  input.value = state.query;
  status.textContent = "正在加载搜索索引……";
  let engine;
  try {
    engine = await createArchiveSearch(root);
  } catch (error) {
    status.textContent = "搜索索引加载失败，请稍后再试。";
    throw error;
  }
  window.archiveSearch = engine;
  let found = null;
  let shown = 0;
  let ordered = [];

  async function showMore() {
    const rows = ordered.slice(shown, shown + PAGE_SIZE);
    shown += rows.length;
    const items = await Promise.all(rows.map((row) => renderResult(root, found.results.get(row), found.segments, state.query)));
    list.append(...items);
    more.hidden = shown >= ordered.length;
  }

  const siteName = document.title.split(" - ").slice(1).join(" - ");

  async function render() {
    writeState(state);
    // The query in the title: the browser's history and tabs tell one search from another.
    const query = state.query.trim();
    document.title = query ? `“${query}”的搜索结果 - ${siteName}` : `搜索 - ${siteName}`;
    const { counts, rows } = engine.select(found, state.selected, state.sort);
    renderFilters(filters, engine.facets, counts, state, (name, value) => {
      if (name === "sort") state.sort = value;
      else state.selected[name] = value;
      if (name === "province") state.selected.city = "";
      render();
    });
    ordered = rows;
    shown = 0;
    list.replaceChildren();
    await showMore();
    status.textContent = describe(state, found.segments, rows.length);
    const suggestion = rows.length || !found.segments.length ? null : spacedSuggestion(state.query);
    if (suggestion) {
      const link = element("a", "archive-search-suggestion", suggestion);
      const url = new URL(window.location.href);
      url.searchParams.set("q", suggestion);
      link.href = url.href;
      status.append(" 试试分开的词：", link);
    }
    const chosen = FILTERS.filter(({ name }) => state.selected[name]).length;
    panel.querySelector("summary").textContent = chosen ? `筛选和排序（已选 ${chosen} 项）` : "筛选和排序";
    if (chosen || !found.segments.length) panel.open = true;
    document.body.dataset.searchDone = String(Number(document.body.dataset.searchDone || 0) + 1);
  }

  async function run(query) {
    state.query = query;
    status.textContent = query.trim() ? `正在搜索“${query.trim()}”……` : "正在加载……";
    found = await engine.find(query);
    await render();
  }

  more.addEventListener("click", () => showMore());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(input.value);
  });
  await run(state.query);
}

if (typeof document !== "undefined" && document.querySelector(".archive-search-page")) main();
