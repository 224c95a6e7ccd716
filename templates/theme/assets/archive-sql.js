// The SQL page (查询): runs the reader's query on the site's database in the browser. The engine
// (sql.js-httpvfs: SQLite compiled to WebAssembly, in a worker) is loaded on the first query and
// reads the database (data/sql/, written by build_scripts/site/query_db.py) by HTTP range requests,
// page by page, so a query that uses an index reads kilobytes of a database of many megabytes.
// Every URL is derived from the page's own, so it works under any sub-path. Results are inserted
// as text only, never as HTML. The query is kept in the page's address (?q=…) so that it can be shared.

const SHOWN_ROWS = 1000;

const root = document.querySelector(".archive-sql");
const form = root.querySelector(".archive-sql-form");
const textarea = form.elements.sql;
const status = root.querySelector(".archive-sql-status");
const result = root.querySelector(".archive-sql-result");
const maxBytes = Number(root.dataset.maxBytes);
const engineDir = new URL(root.dataset.engineDir, location.href);
const configUrl = new URL(root.dataset.config, location.href);

let engine = null; // a promise of the worker, made on the first query
let csvUrl = null;

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`无法加载 ${url}`));
    document.head.append(script);
  });
}

function startEngine() {
  if (!engine) {
    engine = loadScript(new URL("index.js", engineDir).href).then(() =>
      window.createDbWorker(
        [{ from: "jsonconfig", configUrl: configUrl.href }],
        new URL("sqlite.worker.js", engineDir).href,
        new URL("sql-wasm.wasm", engineDir).href,
        maxBytes,
      ),
    );
    engine.catch(() => (engine = null)); // a failed start can be tried again
  }
  return engine;
}

function element(name, text, attributes = {}) {
  const node = document.createElement(name);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

export function kilobytes(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return bytes ? `${Math.max(1, Math.round(bytes / 1024))} KB` : "0 KB";
}

// Text that a spreadsheet would take for a formula gets a leading ' (as the site's downloads do).
export function csvField(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvOf(columns, rows) {
  const lines = [columns, ...rows].map((row) => row.map(csvField).join(","));
  return `\ufeff${lines.join("\r\n")}\r\n`;
}

function table(columns, rows) {
  const wrapper = element("div", null, { class: "archive-compare-table", tabindex: "0", role: "region", "aria-label": "查询结果" });
  const node = element("table");
  const head = element("tr");
  for (const column of columns) head.append(element("th", column, { scope: "col" }));
  node.append(element("thead"));
  node.tHead.append(head);
  const body = element("tbody");
  for (const row of rows.slice(0, SHOWN_ROWS)) {
    const line = element("tr");
    for (const value of row) line.append(element("td", value === null ? "" : value, typeof value === "number" ? { class: "num" } : {}));
    body.append(line);
  }
  node.append(body);
  wrapper.append(node);
  return wrapper;
}

async function run(sql) {
  const params = new URLSearchParams({ q: sql });
  history.replaceState(null, "", `${location.pathname}?${params}`);
  result.replaceChildren();
  if (csvUrl) URL.revokeObjectURL(csvUrl);
  csvUrl = null;
  status.textContent = engine ? "正在查询……" : "正在加载查询引擎……";
  root.dataset.state = "running";
  const started = performance.now();
  try {
    const worker = await startEngine();
    worker.worker.bytesRead = 0;
    const results = await worker.db.exec(sql);
    const bytes = await worker.worker.bytesRead;
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    root.dataset.bytesRead = String(bytes);
    if (!results.length) {
      status.textContent = `查询完成，没有结果（用时 ${seconds} 秒，读取数据库 ${kilobytes(bytes)}）。`;
    } else {
      const { columns, values } = results[results.length - 1];
      const shown = values.length > SHOWN_ROWS ? `，显示前 ${SHOWN_ROWS} 行，CSV 含全部` : "";
      status.textContent = `${values.length} 行${shown}（用时 ${seconds} 秒，读取数据库 ${kilobytes(bytes)}）。`;
      csvUrl = URL.createObjectURL(new Blob([csvOf(columns, values)], { type: "text/csv;charset=utf-8" }));
      const download = element("a", "下载结果（CSV）", { href: csvUrl, download: "archive-query.csv", class: "md-button archive-sql-csv" });
      result.append(table(columns, values), download);
    }
    root.dataset.state = "done";
  } catch (error) {
    const message = String(error && error.message ? error.message : error);
    const tooMuch = /disk I\/O error/i.test(message);
    status.textContent = tooMuch
      ? `此查询要读取的数据超过 ${kilobytes(maxBytes)}，已停止：请按索引列（见下文“索引”）加上筛选条件。`
      : `查询出错：${message}`;
    root.dataset.state = "error";
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(textarea.value);
});
root.querySelector(".archive-sql-examples").addEventListener("click", (event) => {
  const button = event.target.closest(".archive-sql-example");
  if (!button) return;
  textarea.value = button.dataset.sql;
  run(textarea.value);
});
if (root.dataset.engine === "yes") {
  const shared = new URLSearchParams(location.search).get("q");
  if (shared) {
    textarea.value = shared;
    run(shared);
  }
}
