// The search page: finds every report that contains what was typed, newest first, with filters,
// counts and snippets. Loaded only on the search page; every URL is derived from the page's own
// location, so it works under any sub-path.
//
// The index (search-index/, written by build_scripts/site/search/bundle.py) holds, for every unit
// (one Chinese character, or one run of ASCII letters and digits) and every pair of neighbouring
// units, the reports that contain it, newest first, with positions. A query's pairs standing in a
// row prove it is there. Long lists come in segments that double in size, so that the first results
// need only the first, small, segments; the rest is counted as it arrives. The cutting and hashing
// below must match build_scripts/site/search/text.py and tokens.py: tests/test_search.py holds them equal.

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

// ---- cutting text into units (the same rules as text.py) ----

export function normalize(text) {
  return text
    .replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[A-Z]/g, (c) => c.toLowerCase());
}

// The same runs as text_runs(): tested against it.
export function textRuns(text) {
  const runs = [];
  let run = [];
  let lastWasAscii = false;
  let spaced = false;
  for (const [, ascii, character, space, other] of normalize(text).matchAll(PIECE)) {
    if (space) {
      spaced = true;
      continue;
    }
    if (other || (ascii && spaced && lastWasAscii)) {
      if (run.length) runs.push(run);
      run = ascii ? [ascii] : [];
    } else {
      run.push(ascii || character);
    }
    lastWasAscii = Boolean(ascii);
    spaced = false;
  }
  if (run.length) runs.push(run);
  return runs;
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

// ---- tokens as 64-bit hashes (the same numbers as tokens.py) ----

const MASK = (1n << 64n) - 1n;
const ALONE = (1n << 63n) - 1n;

function fnv1a64(text) {
  let value = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) value = ((value ^ BigInt(byte)) * 0x100000001b3n) & MASK;
  return value;
}

function unitId(unit) {
  return unit.charCodeAt(0) < 128 ? fnv1a64(unit) | (1n << 63n) : BigInt(unit.codePointAt(0));
}

function splitmix64(value) {
  let z = (value + 0x9e3779b97f4a7c15n) & MASK;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return z ^ (z >> 31n);
}

function pairToken(first, second) {
  return splitmix64((splitmix64(first) + second) & MASK);
}

// The tokens a segment looks up: its one unit alone, or its pairs (as hex strings, for tests).
export function segmentTokens(units) {
  const ids = units.map(unitId);
  if (ids.length === 1) return [pairToken(ids[0], ALONE)];
  return ids.slice(0, -1).map((id, i) => pairToken(id, ids[i + 1]));
}

// The pairs to look up for a segment, with their offsets: every other pair and the last one. They
// cover every unit, so a report whose pair at position p + offset is the segment's pair at that
// offset, for each of them, contains the whole segment; looking up half the pairs halves the
// index a long query downloads.
export function coveringTokens(units) {
  const tokens = segmentTokens(units);
  const offsets = tokens.map((_, offset) => offset).filter((offset) => offset % 2 === 0 || offset === tokens.length - 1);
  return offsets.map((offset) => ({ token: tokens[offset], offset }));
}

// ---- the index files ----

function readVarint(bytes, state) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[state.at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return value;
    shift += 7;
  }
}

// A bucket: token -> {docs, data} (a whole list) or {docs, bases} (a segmented one).
function parseBucket(buffer) {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  const state = { at: 0 };
  const lists = new Map();
  for (let count = readVarint(bytes, state); count > 0; count -= 1) {
    const token = view.getBigUint64(state.at, true);
    state.at += 8;
    const docs = readVarint(bytes, state);
    const segments = readVarint(bytes, state);
    if (segments === 0) {
      const size = readVarint(bytes, state);
      lists.set(token, { docs, data: bytes.subarray(state.at, state.at + size) });
      state.at += size;
    } else {
      const bases = [];
      let base = -1;
      for (let k = 0; k < segments; k += 1) {
        base += readVarint(bytes, state);
        bases.push(base);
      }
      lists.set(token, { docs, bases });
    }
  }
  return lists;
}

// One stretch of a postings list into doc -> {count, positions} (every position for a pair, the
// first for a unit); returns its documents, in order.
function decodeEntries(bytes, base, allPositions, into) {
  const state = { at: 0 };
  const docs = [];
  let doc = base;
  while (state.at < bytes.length) {
    doc += readVarint(bytes, state);
    const count = readVarint(bytes, state);
    const positions = [];
    let position = 0;
    for (let k = allPositions ? count : 1; k > 0; k -= 1) {
      position = allPositions ? position + readVarint(bytes, state) : readVarint(bytes, state);
      positions.push(position);
    }
    into.set(doc, { count, positions });
    docs.push(doc);
  }
  return docs;
}

// Every file of the index is a gzip file, not a gzip-encoded response: every host serves it the
// same way, and the page decompresses it.
async function fetchGzip(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Response(response.body.pipeThrough(new DecompressionStream("gzip")));
}

// Which host holds a file of a partitioned archive's index (bundle.py's host_number): a segment
// by its folder (the hash's first byte), a text by its folder; null: the index's own folder.
export function hostNumber(path, hosts) {
  const [part, folder] = path.split("/");
  if (!hosts || (part !== "s" && part !== "text")) return null;
  return (part === "s" ? parseInt(folder, 16) : parseInt(folder, 10)) % hosts;
}

// The archive's index: every file fetched once, when first needed.
export class SearchIndex {
  constructor(folder) {
    this.folder = folder; // the URL of the index's folder (search-index/, maybe on the portal's site)
    this.root = new URL("../", folder).href; // the site its result pages are linked from
    this.cache = new Map();
  }

  once(key, load) {
    if (!this.cache.has(key)) this.cache.set(key, load());
    return this.cache.get(key);
  }

  url(path) {
    const hosts = (this.manifest && this.manifest.hosts) || [];
    const number = hostNumber(path, hosts.length);
    const folder = number === null ? this.folder : new URL(hosts[number], this.folder).href;
    return new URL(path, folder).href;
  }

  async open() {
    this.manifest = await (await fetch(this.url("index.json"))).json();
    return this;
  }

  get size() {
    return this.manifest.documents;
  }

  async list(token) {
    // The token's group (token modulo the groups), then its bucket in the group (bundle.py's BundleWriter).
    const groups = BigInt(this.manifest.groups);
    const group = token % groups;
    const number = (token / groups) % BigInt(this.manifest.buckets[Number(group)]);
    const name = `${group}-${number}`;
    const bucket = await this.once(`b${name}`, async () => parseBucket(await (await fetchGzip(this.url(`b/${name}.bin.gz`))).arrayBuffer()));
    return bucket.get(token) || null;
  }

  segment(token, number) {
    const hex = token.toString(16).padStart(16, "0");
    return this.once(`s${hex}-${number}`, async () => new Uint8Array(await (await fetchGzip(this.url(`s/${hex.slice(0, 2)}/${hex}-${number}.bin.gz`))).arrayBuffer()));
  }

  async document(doc) {
    const per = this.manifest.docs_per_pack;
    const pack = await this.once(`d${Math.floor(doc / per)}`, async () => (await fetchGzip(this.url(`docs/${Math.floor(doc / per)}.json.gz`))).json());
    const [page, title, agency, region, year, kind] = pack[doc % per];
    return { page, title, agency, region, year, kind };
  }

  text(doc) {
    const folder = Math.floor(doc / this.manifest.texts_per_folder);
    return this.once(`t${doc}`, async () => (await fetchGzip(this.url(`text/${folder}/${doc}.txt.gz`))).text());
  }

  facets() {
    return this.once("facets", async () => (await fetchGzip(this.url("facets.json.gz"))).json());
  }
}

// ---- finding reports ----

// A token's postings list as the search reads it: whole, or segment by segment, each covering
// the documents after its base up to the next segment's base.
class Postings {
  constructor(index, token, list, allPositions, size) {
    Object.assign(this, { index, token, list, allPositions });
    this.entries = new Map();
    this.loading = new Map(); // part -> its documents in order, once decoded
    this.ends = list.bases ? [...list.bases.slice(1), size - 1] : [size - 1];
    if (!list.bases) this.loading.set(0, Promise.resolve(decodeEntries(list.data, -1, allPositions, this.entries)));
  }

  get parts() {
    return this.ends.length;
  }

  // The segment holding a document, or -1 past the list's end.
  partOf(doc) {
    for (let k = 0; k < this.ends.length; k += 1) if (doc <= this.ends[k]) return k;
    return -1;
  }

  // A segment's documents in order, fetched and decoded once.
  load(part) {
    if (!this.loading.has(part)) {
      const bytes = this.index.segment(this.token, part);
      const base = this.list.bases[part];
      this.loading.set(part, bytes.then((data) => decodeEntries(data, base, this.allPositions, this.entries)));
    }
    return this.loading.get(part);
  }
}

// Where a segment of the query first occurs in a document, or -1 where it does not.
function firstMatch(lookups, doc) {
  const [head, ...rest] = lookups;
  const entry = head.postings.entries.get(doc);
  if (!entry) return -1;
  if (!head.postings.allPositions) return entry.positions[0];
  const others = [];
  for (const { postings, offset } of rest) {
    const other = postings.entries.get(doc);
    if (!other) return -1;
    others.push({ offset, at: new Set(other.positions) });
  }
  for (const start of entry.positions) if (others.every(({ offset, at }) => at.has(start + offset))) return start;
  return -1;
}

// Every document of one index that holds every segment of the query, newest first, reported as
// found: onHits(hits, covered) after each step, hits being {doc, score, last} and covered the
// last document the steps so far have settled. Returns every hit.
export async function findInIndex(index, segments, onHits = () => {}) {
  const plan = segments.map((units) =>
    (units.length === 1 ? [{ token: segmentTokens(units)[0], offset: 0 }] : coveringTokens(units)).map((step) => ({
      ...step,
      allPositions: units.length > 1,
    })),
  );
  const flat = plan.flat();
  const lists = await Promise.all(flat.map(({ token }) => index.list(token)));
  if (lists.some((list) => list === null)) {
    onHits([], index.size - 1);
    return [];
  }
  flat.forEach((step, i) => {
    step.postings = new Postings(index, step.token, lists[i], step.allPositions, index.size);
  });
  // The rarest list leads: its documents are the candidates, and only the others' segments that
  // hold a candidate are fetched.
  // Every list's first segment holds the newest reports, which the first results are made of:
  // fetched at once, together, rather than after the leading list's.
  for (const step of flat) step.postings.load(0);
  const lead = flat[lists.reduce((best, list, i) => (list.docs < lists[best].docs ? i : best), 0)];
  const hits = [];
  for (let part = 0; part < lead.postings.parts; part += 1) {
    const candidates = await lead.postings.load(part);
    const needed = [];
    for (const step of flat) {
      if (step === lead) continue;
      const parts = new Set(candidates.map((doc) => step.postings.partOf(doc)).filter((k) => k >= 0));
      for (const k of parts) needed.push(step.postings.load(k));
    }
    await Promise.all(needed);
    const found = [];
    for (const doc of candidates) {
      const firsts = plan.map((lookups) => firstMatch(lookups, doc));
      if (firsts.some((first) => first < 0)) continue;
      const score = flat.reduce((sum, step) => sum + (step.postings.entries.get(doc)?.count || 0), 0);
      found.push({ doc, score, last: Math.max(...firsts) });
    }
    hits.push(...found);
    onHits(found, lead.postings.ends[part]);
  }
  return hits;
}

// ---- facets: filters, counts and ordering ----

function facetValue(facets, name, doc) {
  return name === "year" ? String(facets.year[doc]) : facets.values[name][facets.columns[name][doc]];
}

function matches(facets, doc, selected, except) {
  return FILTERS.every(({ name }) => name === except || !selected[name] || facetValue(facets, name, doc) === selected[name]);
}

// Counts per value of each filter, over the documents that pass every other filter.
export function filterCounts(facets, docs, selected) {
  const counts = {};
  for (const { name } of FILTERS) {
    const tally = new Map();
    for (const doc of docs) {
      if (!matches(facets, doc, selected, name)) continue;
      const value = facetValue(facets, name, doc);
      tally.set(value, (tally.get(value) || 0) + 1);
    }
    counts[name] = tally;
  }
  return counts;
}

// Newest first (the index's own order), or by relevance: the reports that have every word in
// their own text (prose, title, metadata) before those that have some only in their tables, whose
// labels every report shares; then the more occurrences; then newest first.
export function orderDocs(facets, hits, sort) {
  const docs = [...hits.keys()].sort((a, b) => a - b);
  if (sort !== "relevance") return docs;
  const inText = (doc) => (hits.get(doc).last < facets.tables[doc] ? 1 : 0);
  return docs.sort((a, b) => inText(b) - inText(a) || hits.get(b).score - hits.get(a).score || a - b);
}

// ---- snippets ----

// Where the needles (folded) are in the text: folding keeps every character in its place.
function findAll(text, needles) {
  const folded = normalize(text);
  const spans = [];
  for (const needle of needles) {
    for (let at = folded.indexOf(needle); at !== -1; at = folded.indexOf(needle, at + needle.length)) {
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
    const words = needles.filter((needle) => normalize(shown).includes(needle)).length;
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
  return { query: params.get("q") || "", selected, sort: params.get("sort") === "relevance" ? "relevance" : "year" };
}

function writeState(state) {
  const params = new URLSearchParams();
  if (state.query) params.set("q", state.query);
  for (const { name } of FILTERS) if (state.selected[name]) params.set(name, state.selected[name]);
  if (state.sort === "relevance") params.set("sort", "relevance");
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
  sort.append(new Option("年度（新→旧）", "year"), new Option("相关度", "relevance"));
  sort.value = state.sort;
  sort.addEventListener("change", () => onChange("sort", sort.value));
  sortField.append(sort);
  container.append(sortField);
}

function resultLink(root, page, query) {
  const url = new URL(page, root);
  if (query.trim()) url.searchParams.set("highlight", query.trim());
  return url.href;
}

// The index keeps no spaces; a snippet puts back the ones a reader expects: around the table
// rows' "·" and between a label and its number (不予公开 · 属于国家秘密：总计 3).
function spaced(text) {
  return text.replace(/·/g, " · ").replace(/([\u3400-\u9fff])(\d)/g, "$1 $2");
}

async function renderResult(root, index, doc, segments, query) {
  const [data, text] = await Promise.all([index.document(doc), segments.length ? index.text(doc) : ""]);
  const item = element("li", "archive-search-result");
  const link = element("a", "archive-search-result-title", data.title || data.page);
  link.href = resultLink(root, data.page, query);
  item.append(link);
  const details = [data.agency, data.region, data.year ? `${data.year} 年` : "", data.kind];
  item.append(element("div", "archive-search-result-meta", details.filter(Boolean).join(" · ")));
  if (segments.length) {
    const excerpt = element("p", "archive-search-result-excerpt");
    const needles = segments.map((units) => units.join(""));
    for (const [part, marked] of snippetParts(text, needles)) {
      const shown = spaced(part);
      excerpt.append(marked ? element("mark", "", shown) : document.createTextNode(shown));
    }
    item.append(excerpt);
  }
  return item;
}

function describe(state, segments, total, complete) {
  const filtered = Object.values(state.selected).some(Boolean) ? "（已筛选）" : "";
  if (!complete) return `“${state.query.trim()}”：已找到 ${total} 份报告，正在继续查找……`;
  if (!segments.length) return `共 ${total} 份报告${filtered}。`;
  const quoted = `“${state.query.trim()}”`;
  return total ? `${quoted}：找到 ${total} 份报告${filtered}。` : `没有找到包含${quoted}的报告${filtered}。`;
}

// Everything the page and the tests need: the index, its facets, and one search.
export async function createArchiveSearch(folder) {
  const index = await new SearchIndex(folder).open();
  return {
    index,
    facets: () => index.facets(),
    // The reports for a query (every report when it is empty): doc -> {score, last}, complete
    // once the promise resolves; onProgress(found) as hits arrive, newest first.
    async find(query, onProgress = () => {}) {
      const segments = querySegments(query);
      const found = { segments, hits: new Map(), covered: -1, complete: false };
      if (!segments.length) {
        for (let doc = 0; doc < index.size; doc += 1) found.hits.set(doc, { score: 0, last: 0 });
      } else {
        await findInIndex(index, segments, (hits, covered) => {
          for (const hit of hits) found.hits.set(hit.doc, hit);
          found.covered = covered;
          onProgress(found);
        });
      }
      found.complete = true;
      return found;
    },
    async select(found, selected, sort) {
      const facets = await index.facets();
      const docs = [...found.hits.keys()];
      const counts = filterCounts(facets, docs, selected);
      const kept = new Map(docs.filter((doc) => matches(facets, doc, selected, null)).map((doc) => [doc, found.hits.get(doc)]));
      return { counts, rows: orderDocs(facets, kept, sort) };
    },
    // The report pages of some documents, for tests and harnesses.
    async pages(rows) {
      return Promise.all(rows.map(async (doc) => (await index.document(doc)).page));
    },
  };
}

async function main() {
  // This site's index, or the portal's for a partition of a larger archive (mkdocs.yml's extra.search_index).
  const where = document.querySelector('meta[name="archive-index"]').content;
  const folder = new URL(where.replace(/\/?$/, "/"), window.location.href);
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
    engine = await createArchiveSearch(folder);
  } catch (error) {
    status.textContent = "搜索索引加载失败，请稍后再试。";
    throw error;
  }
  window.archiveSearch = engine;
  let found = null;
  let shown = 0;
  let ordered = [];
  let run = 0;

  async function showMore() {
    const docs = ordered.slice(shown, shown + PAGE_SIZE);
    shown += docs.length;
    const items = await Promise.all(docs.map((doc) => renderResult(engine.index.root, engine.index, doc, found.segments, state.query)));
    list.append(...items);
    more.hidden = shown >= ordered.length;
  }

  const siteName = document.title.split(" - ").slice(1).join(" - ");

  function showSuggestion(count) {
    const suggestion = count || !found.segments.length ? null : spacedSuggestion(state.query);
    if (!suggestion) return;
    const link = element("a", "archive-search-suggestion", suggestion);
    const url = new URL(window.location.href);
    url.searchParams.set("q", suggestion);
    link.href = url.href;
    status.append(" 试试分开的词：", link);
  }

  // The first results, newest first, while the search goes on: no filter, no relevance order.
  async function renderFirst(hits) {
    ordered = [...hits.keys()].sort((a, b) => a - b);
    shown = 0;
    list.replaceChildren();
    await showMore();
    document.body.dataset.searchFirst = String(run);
  }

  async function render() {
    writeState(state);
    // The query in the title: the browser's history and tabs tell one search from another.
    const query = state.query.trim();
    document.title = query ? `“${query}”的搜索结果 - ${siteName}` : `搜索 - ${siteName}`;
    const { counts, rows } = await engine.select(found, state.selected, state.sort);
    renderFilters(filters, await engine.facets(), counts, state, (name, value) => {
      if (name === "sort") state.sort = value;
      else state.selected[name] = value;
      if (name === "province") state.selected.city = "";
      render();
    });
    // The first page already shown stays (no flicker) when the final order begins with it.
    const kept = shown > 0 && ordered.slice(0, shown).every((doc, i) => rows[i] === doc);
    ordered = rows;
    if (kept) {
      more.hidden = shown >= ordered.length;
    } else {
      shown = 0;
      list.replaceChildren();
      await showMore();
    }
    document.body.dataset.searchFirst = String(run);
    status.textContent = describe(state, found.segments, rows.length, true);
    showSuggestion(rows.length);
    const chosen = FILTERS.filter(({ name }) => state.selected[name]).length;
    panel.querySelector("summary").textContent = chosen ? `筛选和排序（已选 ${chosen} 项）` : "筛选和排序";
    if (chosen || !found.segments.length) panel.open = true;
    document.body.dataset.searchDone = String(Number(document.body.dataset.searchDone || 0) + 1);
  }

  async function search(query) {
    state.query = query;
    run += 1;
    const thisRun = run;
    status.textContent = query.trim() ? `正在搜索“${query.trim()}”……` : "正在加载……";
    // Unfiltered and newest first, the first page is final as soon as it is found.
    const early = state.sort === "year" && !FILTERS.some(({ name }) => state.selected[name]);
    let first = null;
    shown = 0;
    found = await engine.find(query, (progress) => {
      if (thisRun !== run) return;
      found = progress; // the same object, complete once find() returns
      if (early && !first && (progress.hits.size >= PAGE_SIZE || progress.covered >= engine.index.size - 1)) {
        first = renderFirst(new Map(progress.hits));
      }
      if (first) status.textContent = describe(state, progress.segments, progress.hits.size, false);
    });
    if (thisRun !== run) return;
    await first;
    await render();
  }

  more.addEventListener("click", () => showMore());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search(input.value);
  });
  await search(state.query);
}

if (typeof document !== "undefined" && document.querySelector(".archive-search-page")) main();
