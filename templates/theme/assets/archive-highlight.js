// A report opened from a search result (?highlight=…): mark every place the searched words appear
// in the report and scroll to the first. Loaded only when the parameter is there (main.html).

import { normalize, querySegments } from "./archive-search.js";

function textNodes(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement.closest("script, style, mark") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  return nodes;
}

// Wrap each occurrence of the needles in a text node; normalize() keeps one character for one,
// so positions in the folded text are positions in the page's own text.
function markNode(node, needles) {
  const folded = normalize(node.data);
  const spans = [];
  for (const needle of needles) {
    for (let at = folded.indexOf(needle); at !== -1; at = folded.indexOf(needle, at + needle.length)) spans.push([at, at + needle.length]);
  }
  spans.sort((a, b) => b[0] - a[0]);
  const marks = [];
  let end = node.data.length;
  for (const [from, to] of spans) {
    if (to > end) continue;
    const match = node.splitText(from);
    match.splitText(to - from);
    const mark = document.createElement("mark");
    mark.className = "archive-highlight";
    match.replaceWith(mark);
    mark.append(match);
    marks.unshift(mark);
    end = from;
  }
  return marks;
}

const query = new URLSearchParams(window.location.search).get("highlight") || "";
const needles = querySegments(query).map((units) => units.join(""));
const article = document.querySelector(".md-content article") || document.body;
const marks = needles.length ? textNodes(article).flatMap((node) => markNode(node, needles)) : [];
if (marks.length) {
  marks[0].scrollIntoView({ block: "center" });
  marks[0].classList.add("archive-highlight-first");
}
// A way back to the results: the search page itself when it sent the reader here (its address
// keeps the filters), else a new search for the same words.
if (query) {
  const back = document.createElement("p");
  back.className = "archive-back-to-search";
  const link = document.createElement("a");
  const base = document.querySelector('meta[name="archive-base"]').content;
  const searchPage = new URL(base.replace(/\/?$/, "/") + "search/", window.location.href);
  const referrer = document.referrer ? new URL(document.referrer) : null;
  if (referrer && referrer.origin === window.location.origin && referrer.pathname === searchPage.pathname) {
    link.href = referrer.href;
  } else {
    searchPage.searchParams.set("q", query);
    link.href = searchPage.href;
  }
  link.textContent = `‹ 返回“${query}”的搜索结果`;
  back.append(link);
  article.prepend(back);
}
document.body.dataset.highlighted = String(marks.length);
