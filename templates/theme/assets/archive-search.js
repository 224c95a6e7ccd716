// Search page: runs the query from ?q= against the Pagefind index and lists the reports found.
// Loaded only on the search page; works under any sub-path because every URL is derived from
// the page's own location.

const RESULTS_SHOWN = 30;

const base = document.querySelector('meta[name="archive-base"]').content;
const siteRoot = new URL(base.replace(/\/?$/, "/"), window.location.href);
const status = document.querySelector(".archive-search-status");
const list = document.querySelector(".archive-search-results");
const input = document.querySelector(".archive-search-input");
const form = document.querySelector(".archive-search-form");

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderResult(data) {
  const item = element("li", "archive-search-result");
  const link = element("a", "archive-search-result-title", data.meta.title || data.url);
  link.href = data.url;
  item.append(link);
  const details = [data.meta.region, data.meta.year ? `${data.meta.year} 年` : ""].filter(Boolean).join(" · ");
  if (details) item.append(element("div", "archive-search-result-meta", details));
  const excerpt = element("p", "archive-search-result-excerpt");
  // Pagefind's excerpt is escaped page text with <mark> around the matched words.
  excerpt.innerHTML = data.excerpt;
  item.append(excerpt);
  return item;
}

async function loadPagefind() {
  const pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
  await pagefind.options({ baseUrl: siteRoot.pathname });
  return pagefind;
}

async function runSearch(pagefind, query) {
  list.replaceChildren();
  if (!query.trim()) {
    status.textContent = "请输入要搜索的词语。";
    return;
  }
  status.textContent = `正在搜索“${query}”……`;
  const search = await pagefind.search(query);
  const shown = await Promise.all(search.results.slice(0, RESULTS_SHOWN).map((result) => result.data()));
  list.replaceChildren(...shown.map(renderResult));
  status.textContent = search.results.length
    ? `“${query}”共找到 ${search.results.length} 份报告${search.results.length > RESULTS_SHOWN ? `，显示前 ${RESULTS_SHOWN} 份` : ""}。`
    : `没有找到包含“${query}”的报告。`;
}

async function main() {
  const query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  let pagefind;
  try {
    pagefind = await loadPagefind();
  } catch (error) {
    status.textContent = "搜索索引加载失败，请稍后再试。";
    throw error;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = input.value;
    const url = new URL(window.location.href);
    url.searchParams.set("q", next);
    window.history.replaceState(null, "", url);
    runSearch(pagefind, next);
  });
  await runSearch(pagefind, query);
}

main();
