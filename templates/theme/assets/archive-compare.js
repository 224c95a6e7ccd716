// The compare page (对比): the reader picks agencies and figures; the page shows a table, a line
// chart per figure and a CSV of exactly that selection, and keeps the selection in its URL
// (?p=<province codes>&a=<agency ids>&f=<figure keys>) so that the address reproduces it.
//
// Each province's list of agencies is one JSON file (data/compare/<code>.json, written by
// build_scripts/site/compare.py), loaded only when the reader opens that province or the URL names
// it; the figures of a picked agency come with its city's (data/compare/<code>/<city>.json). On a
// partitioned archive's portal the files are on the partitions' sites, and the pages they name are
// found from the file's own address. Text from reports is only ever inserted as text
// (textContent), never as HTML.

const MAX_AGENCIES = 12;
const MAX_LISTED = 100; // candidates shown at once; the filters narrow the rest
const COLOURS = ["#b3261e", "#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037", "#c2185b", "#455a64", "#827717", "#283593", "#000000"];
const SVG = "http://www.w3.org/2000/svg";

const root = document.querySelector(".archive-compare");
const form = root.querySelector(".archive-compare-pick");
const provinceSelect = form.elements.province;
const citySelect = form.elements.city;
const kindSelect = form.elements.kind;
const nameInput = form.elements.name;
const candidates = root.querySelector(".archive-compare-candidates");
const more = root.querySelector(".archive-compare-more");
const status = root.querySelector(".archive-compare-status");
const chips = root.querySelector(".archive-compare-selected");
const result = root.querySelector(".archive-compare-result");

const figures = [...form.querySelectorAll('input[name="figure"]')].map((box) => ({
  key: box.value,
  label: box.parentElement.textContent.trim(),
  box,
}));
const kindLabels = new Map([...kindSelect.options].filter((o) => o.value).map((o) => [o.value, o.textContent]));
// A province's key (its code; on the portal, partition.code), name, file, and the root of the
// site its file is on (the file is at <root>data/compare/).
const provinces = new Map(
  [...provinceSelect.options]
    .filter((o) => o.value)
    .map((o) => {
      const file = new URL(o.dataset.file, location.href);
      return [o.value, { name: o.textContent.replace(/（.*$/, ""), file, root: new URL("../../", file) }];
    }),
);

const loaded = new Map(); // province code -> Promise of its file
const agencies = new Map(); // agency id -> { agency (as listed), province key, figures (once loaded) }
const groups = new Map(); // "province key/city code" -> Promise of that city's figures
let selected = []; // agency ids, in the order picked
let figureIndex = new Map(); // figure key -> position in an agency's values

// ---- loading ----

function loadProvince(key) {
  if (!provinces.has(key)) return Promise.resolve(null);
  if (!loaded.has(key)) {
    const request = fetch(provinces.get(key).file)
      .then((response) => {
        if (!response.ok) throw new Error(`${response.status}`);
        return response.json();
      })
      .then((data) => {
        provinces.get(key).code = data.code;
        for (const agency of data.agencies) agencies.set(agency.id, { agency, province: key, figures: null });
        return data;
      });
    loaded.set(key, request);
  }
  return loaded.get(key);
}

// The figures of the given agencies, each city's file loaded once.
function loadFigures(ids) {
  const wanted = ids.map((id) => agencies.get(id)).filter((entry) => entry && !entry.figures);
  return Promise.all(
    wanted.map((entry) => {
      const province = provinces.get(entry.province);
      const name = `${entry.province}/${entry.agency.group}`;
      if (!groups.has(name)) {
        const file = new URL(`${province.code}/${entry.agency.group}.json`, province.file);
        const request = fetch(file).then((response) => {
          if (!response.ok) throw new Error(`${response.status}`);
          return response.json();
        });
        request.catch(() => groups.delete(name)); // a failed load can be tried again
        groups.set(name, request);
      }
      return groups.get(name).then((data) => {
        entry.figures = data.agencies[entry.agency.id] || { page: "", years: [] };
      });
    }),
  );
}

// A page the file names (site-relative), on the site the file is on.
function pageUrl(province, path) {
  return new URL(path, provinces.get(province).root).href;
}

// ---- the URL ----

export function readSelection(search, known) {
  const params = new URLSearchParams(search);
  const list = (name) => (params.get(name) || "").split(",").filter(Boolean);
  return {
    provinces: list("p"),
    agencies: list("a").slice(0, MAX_AGENCIES),
    figures: list("f").filter((key) => known.includes(key)),
  };
}

function writeSelection() {
  const params = new URLSearchParams();
  const codes = [...new Set(selected.map((id) => agencies.get(id).province))];
  if (codes.length) params.set("p", codes.join(","));
  if (selected.length) params.set("a", selected.join(","));
  params.set("f", chosenFigures().map((figure) => figure.key).join(","));
  history.replaceState(null, "", `${location.pathname}?${params.toString().replace(/%2C/g, ",")}`);
}

// ---- picking ----

function chosenFigures() {
  return figures.filter((figure) => figure.box.checked);
}

function element(name, text, attributes = {}) {
  const node = document.createElement(name);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

function agencyLabel(agency) {
  return agency.place ? `${agency.name}（${agency.place}）` : agency.name;
}

async function showCandidates() {
  const code = provinceSelect.value;
  const list = candidates.querySelector("ul");
  list.replaceChildren();
  more.hidden = true;
  if (!code) {
    candidates.disabled = true;
    citySelect.disabled = true;
    return;
  }
  const data = await loadProvince(code);
  if (provinceSelect.value !== code || !data) return;
  fillCities(code, data);
  const city = citySelect.value;
  const kind = kindSelect.value;
  const words = nameInput.value.trim().split(/\s+/).filter(Boolean);
  const matching = data.agencies.filter(
    (agency) =>
      (!city || agency.city === city) &&
      (!kind || agency.kind === kind) &&
      words.every((word) => agency.name.includes(word) || agency.place.includes(word)),
  );
  for (const agency of matching.slice(0, MAX_LISTED)) {
    const box = element("input", null, { type: "checkbox", value: agency.id });
    box.checked = selected.includes(agency.id);
    const label = element("label");
    label.append(box, ` ${agencyLabel(agency)} · ${kindLabels.get(agency.kind) || ""} · ${agency.years} 年`);
    list.append(element("li"));
    list.lastChild.append(label);
  }
  candidates.disabled = false;
  if (matching.length > MAX_LISTED) {
    more.textContent = `共 ${matching.length} 个机构符合，只列出前 ${MAX_LISTED} 个：请按城市、类型或名称缩小范围。`;
    more.hidden = false;
  } else if (!matching.length) {
    more.textContent = "没有符合条件的机构。";
    more.hidden = false;
  }
}

function fillCities(key, data) {
  if (citySelect.dataset.province === key) return;
  const cities = [...new Set(data.agencies.map((agency) => agency.city).filter(Boolean))].sort();
  citySelect.replaceChildren(element("option", "全部", { value: "" }), ...cities.map((city) => element("option", city, { value: city })));
  citySelect.dataset.province = key;
  citySelect.disabled = cities.length === 0;
}

function toggle(id, on) {
  if (on && !selected.includes(id)) {
    if (selected.length >= MAX_AGENCIES) {
      status.textContent = `最多对比 ${MAX_AGENCIES} 个机构：请先去掉一个。`;
      return false;
    }
    selected.push(id);
  } else if (!on) {
    selected = selected.filter((other) => other !== id);
  }
  return true;
}

// ---- the result ----

function formatted(value) {
  return value === null || value === undefined ? "—" : Number(value).toLocaleString("zh-CN");
}

function yearsOf(chosen) {
  return [...new Set(chosen.flatMap(({ figures }) => figures.years.map(([year]) => year)))].sort((a, b) => a - b);
}

// One block of rows per agency, headed by its name across the table, so that on a phone the
// table needs no column for the name and its numbers scroll sideways under their heads.
function resultTable(chosen, shown) {
  const wrapper = element("div", null, { class: "archive-compare-table", tabindex: "0", role: "region", "aria-label": "对比表" });
  const table = element("table");
  table.append(element("caption", "所选机构历年的数字"));
  const head = element("tr");
  for (const title of ["年度", "表格格式", ...shown.map((figure) => figure.label)]) head.append(element("th", title, { scope: "col" }));
  table.append(element("thead"));
  table.tHead.append(head);
  for (const { agency, province, figures } of chosen) {
    const body = element("tbody");
    const nameRow = element("tr");
    const name = element("th", null, { scope: "colgroup", colspan: String(shown.length + 2) });
    name.append(element("a", agencyLabel(agency), { href: pageUrl(province, figures.page) }));
    nameRow.append(name);
    body.append(nameRow);
    for (const [year, form, page, values] of figures.years) {
      const row = element("tr");
      const yearCell = element("th", null, { scope: "row" });
      yearCell.append(element("a", year, { href: pageUrl(province, page) }));
      row.append(yearCell, element("td", form));
      for (const figure of shown) row.append(element("td", formatted(values[figureIndex.get(figure.key)]), { class: "num" }));
      body.append(row);
    }
    table.append(body);
  }
  wrapper.append(table);
  return wrapper;
}

// A line per agency across the years; a missing value breaks the line (a gap, never a 0).
export function linePaths(points, x, y) {
  const paths = [];
  let current = [];
  for (const [year, value] of points) {
    if (value === null || value === undefined) {
      if (current.length) paths.push(current);
      current = [];
    } else {
      current.push(`${x(year).toFixed(1)},${y(value).toFixed(1)}`);
    }
  }
  if (current.length) paths.push(current);
  return paths;
}

function lineChart(figure, chosen, years) {
  const width = Math.max(320, 60 * years.length + 80);
  const height = 200;
  const [left, right, top, bottom] = [56, 28, 16, 170];
  const values = chosen.flatMap(({ figures }) => figures.years.map(([, , , v]) => v[figureIndex.get(figure.key)])).filter((v) => v !== null);
  const largest = Math.max(1, ...values);
  const x = (year) => (years.length === 1 ? (left + width - right) / 2 : left + ((width - left - right) * years.indexOf(year)) / (years.length - 1));
  const y = (value) => bottom - ((bottom - top) * value) / largest;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${figure.label}：各机构历年折线图（数字见上表）`);
  const line = (x1, y1, x2, y2, cls) => {
    const node = document.createElementNS(SVG, "line");
    for (const [key, value] of Object.entries({ x1, y1, x2, y2, class: cls })) node.setAttribute(key, value);
    svg.append(node);
  };
  const text = (content, tx, ty, anchor) => {
    const node = document.createElementNS(SVG, "text");
    node.textContent = content;
    for (const [key, value] of Object.entries({ x: tx, y: ty, "text-anchor": anchor })) node.setAttribute(key, value);
    svg.append(node);
  };
  line(left, bottom, width - right, bottom, "axis");
  line(left, top, left, bottom, "axis");
  text(formatted(largest), left - 4, top + 4, "end");
  text("0", left - 4, bottom + 4, "end");
  for (const year of years) text(String(year), x(year), bottom + 18, "middle");
  chosen.forEach(({ agency, figures }, index) => {
    const colour = COLOURS[index % COLOURS.length];
    const points = years.map((year) => {
      const row = figures.years.find(([y]) => y === year);
      return [year, row ? row[3][figureIndex.get(figure.key)] : null];
    });
    for (const path of linePaths(points, x, y)) {
      const node = document.createElementNS(SVG, "polyline");
      node.setAttribute("points", path.join(" "));
      node.setAttribute("stroke", colour);
      node.setAttribute("class", "series");
      svg.append(node);
    }
    for (const [year, value] of points) {
      if (value === null) continue;
      const dot = document.createElementNS(SVG, "circle");
      for (const [key, v] of Object.entries({ cx: x(year).toFixed(1), cy: y(value).toFixed(1), r: 3, fill: colour })) dot.setAttribute(key, v);
      const title = document.createElementNS(SVG, "title");
      title.textContent = `${agency.name} ${year}：${formatted(value)}`;
      dot.append(title);
      svg.append(dot);
    }
  });
  const figureNode = element("figure", null, { class: "archive-compare-chart" });
  figureNode.append(element("figcaption", figure.label), svg);
  return figureNode;
}

function legend(chosen) {
  const list = element("ul", null, { class: "archive-compare-legend" });
  chosen.forEach(({ agency }, index) => {
    const item = element("li");
    item.append(element("span", null, { class: "swatch", style: `background:${COLOURS[index % COLOURS.length]}` }), agencyLabel(agency));
    list.append(item);
  });
  return list;
}

// Text that a spreadsheet would take for a formula gets a leading ' (as the site's downloads do).
export function spreadsheetText(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return typeof value === "string" && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function csvLine(fields) {
  return fields.map((field) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(",");
}

function csvOf(chosen, shown) {
  const lines = [csvLine(["机构编号", "机构", "省份", "地区", "机构类型", "年度", "表格格式", "报告页面", ...shown.map((figure) => `${figure.label}（${figure.key}）`)])];
  for (const { agency, province, figures } of chosen) {
    for (const [year, form, page, values] of figures.years) {
      const texts = [agency.id, agency.name, provinces.get(province).name, agency.place, kindLabels.get(agency.kind) || agency.kind].map(spreadsheetText);
      const numbers = shown.map((figure) => {
        const value = values[figureIndex.get(figure.key)];
        return value === null ? "" : String(value);
      });
      lines.push(csvLine([...texts, String(year), form, pageUrl(province, page), ...numbers]));
    }
  }
  return `\ufeff${lines.join("\r\n")}\r\n`;
}

let csvUrl = null;

function render() {
  const chosen = selected.filter((id) => agencies.get(id)?.figures).map((id) => agencies.get(id));
  const shown = chosenFigures();
  writeSelection();
  chips.replaceChildren();
  chosen.forEach(({ agency }) => {
    const item = element("li");
    const remove = element("button", "×", { type: "button", "aria-label": `去掉 ${agency.name}`, "data-id": agency.id });
    item.append(agencyLabel(agency), remove);
    chips.append(item);
  });
  result.replaceChildren();
  if (csvUrl) URL.revokeObjectURL(csvUrl);
  csvUrl = null;
  if (!chosen.length || !shown.length) {
    status.textContent = !chosen.length ? "先选择省份，再勾选机构。" : "请至少勾选一项数字。";
    return;
  }
  const years = yearsOf(chosen);
  status.textContent = `已选 ${chosen.length} 个机构、${shown.length} 项数字，${years[0]}—${years[years.length - 1]} 年。`;
  csvUrl = URL.createObjectURL(new Blob([csvOf(chosen, shown)], { type: "text/csv;charset=utf-8" }));
  const download = element("a", "下载所选数据（CSV）", { href: csvUrl, download: "archive-compare.csv", class: "md-button archive-compare-csv" });
  result.append(resultTable(chosen, shown), download, legend(chosen), ...shown.map((figure) => lineChart(figure, chosen, years)));
}

// ---- wiring ----

async function start() {
  const keys = figures.map((figure) => figure.key);
  figureIndex = new Map(keys.map((key, index) => [key, index]));
  const wanted = readSelection(location.search, keys);
  if (new URLSearchParams(location.search).has("f")) for (const figure of figures) figure.box.checked = wanted.figures.includes(figure.key);
  try {
    await Promise.all(wanted.provinces.map(loadProvince));
  } catch (error) {
    status.textContent = `数据加载失败（${error.message}），请稍后重试。`;
  }
  selected = wanted.agencies.filter((id) => agencies.has(id));
  if (wanted.provinces.length && provinces.has(wanted.provinces[0])) provinceSelect.value = wanted.provinces[0];
  await showCandidates();
  await loadFigures(selected).catch((error) => (status.textContent = `数据加载失败（${error.message}），请稍后重试。`));
  render();
}

form.addEventListener("submit", (event) => event.preventDefault());
provinceSelect.addEventListener("change", () => {
  citySelect.value = "";
  showCandidates().catch((error) => (status.textContent = `数据加载失败（${error.message}），请稍后重试。`));
});
for (const control of [citySelect, kindSelect]) control.addEventListener("change", () => showCandidates());
nameInput.addEventListener("input", () => showCandidates());
candidates.addEventListener("change", (event) => {
  const box = event.target;
  if (box.type !== "checkbox") return;
  if (!toggle(box.value, box.checked)) box.checked = false;
  else
    loadFigures([box.value])
      .then(render)
      .catch((error) => (status.textContent = `数据加载失败（${error.message}），请稍后重试。`));
});
root.querySelector(".archive-compare-figures").addEventListener("change", () => render());
chips.addEventListener("click", (event) => {
  const id = event.target.closest("button")?.dataset.id;
  if (!id) return;
  toggle(id, false);
  const box = candidates.querySelector(`input[value="${CSS.escape(id)}"]`);
  if (box) box.checked = false;
  render();
});
start();
