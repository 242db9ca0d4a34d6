/* Librium's shelf: a Telegram Mini App. Plain JS, no framework, no inline script (the page's CSP forbids it).
   Every text from the server goes into the page as a text node (h() below), never as HTML. */
"use strict";

const tg = window.Telegram && window.Telegram.WebApp;
const state = { library: null, libraries: [], q: "", chips: [], shelf: null, genre: null, sort: "recent", sortChosen: false, facets: null };

/* --------------------------------------------------------------------- texts */

// Every text the page shows is t("English text", {name: value}) or tn("{n} book", "{n} books", n): the server
// finds them here (Babel's JavaScript extractor) and sends them in the reader's language, the one the chat
// speaks for this library (bot/webapp/texts.py): embedded in the page (the browser's language, for "open this
// from Telegram"), then with /api/me (the user's). {name} placeholders are filled after the look-up, so a
// translation may move them. A counted text has a form per CLDR plural category, picked by Intl.PluralRules.
const texts = { locale: "en", messages: {}, plural: new Intl.PluralRules("en"), numbers: new Intl.NumberFormat("en") };
function learn(dictionary) {
  if (!dictionary || !dictionary.messages) return false;
  texts.locale = dictionary.locale || "en";
  texts.messages = dictionary.messages;
  texts.plural = new Intl.PluralRules(texts.locale);
  texts.numbers = new Intl.NumberFormat(texts.locale);
  document.documentElement.lang = texts.locale;
  return true;
}
function fill(text, vars) { return text.replace(/\{(\w+)\}/g, (m, k) => (vars && k in vars ? String(vars[k]) : m)); }
function t(id, vars) { const found = texts.messages[id]; return fill(typeof found === "string" && found ? found : id, vars); }
function tn(one, many, n, vars) {
  const forms = texts.messages[one + "\u0000" + many];
  const form = forms && (forms[texts.plural.select(n)] || forms.other || forms.many);
  return fill(form || (n === 1 ? one : many), { n: number(n), ...vars });
}
function number(n) { return texts.numbers.format(Number(n)); }
function embeddedTexts() {
  try { return JSON.parse(document.getElementById("texts").textContent); } catch (e) { return null; }
}

// The page's frame (index.html holds no words): labels, placeholders and the tabs, in the reader's language.
function paintFrame() {
  document.title = t("Librium: your shelf");
  const label = (sel, text) => { const el = $(sel); if (el) el.setAttribute("aria-label", text); };
  label("#library", t("Library")); label("#search", t("Search")); label("#sort", t("Sort"));
  label("#chips", t("Filters")); label(".tabs", t("Sections"));
  const search = $("#search");
  if (search) search.placeholder = t("Search your shelf");
  const sorts = { relevance: t("Best match"), recent: t("Recent"), title: t("Title"), author: t("Author"), year: t("Year"), rating: t("Rating") };
  for (const option of document.querySelectorAll("#sort option")) option.textContent = sorts[option.value] || option.value;
  const tabs = { grid: t("Shelf"), scan: t("Scan"), series: t("Series"), authors: t("Authors"), stats: t("Stats") };
  for (const span of document.querySelectorAll(".tabs a span")) span.textContent = tabs[span.parentElement.dataset.tab] || "";
}

/* --------------------------------------------------------------------- initData and the API */

function initData() {
  if (tg && tg.initData) return tg.initData;
  // A plain browser (the console's local link): Telegram puts initData in the URL's hash.
  const hash = new URLSearchParams(location.hash.replace(/^#/, "").split("#").pop());
  return hash.get("tgWebAppData") || sessionStorage.getItem("tgWebAppData") || "";
}
const INIT = initData();
if (INIT) sessionStorage.setItem("tgWebAppData", INIT);

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, { method = "GET", body, params } = {}) {
  const url = new URL("/app/api/" + path, location.origin);
  if (state.library) url.searchParams.set("library", state.library);
  for (const [k, v] of Object.entries(params || {})) if (v !== null && v !== undefined && v !== "") url.searchParams.set(k, v);
  const response = await fetch(url, {
    method,
    headers: { "Authorization": "tma " + INIT, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  let data = {};
  try { data = await response.json(); } catch (e) { data = {}; }
  if (response.status === 401) { gate(); throw new ApiError(401, data.error || t("Open this from Telegram.")); }
  if (!response.ok) throw new ApiError(response.status, data.error || t("Something went wrong."));
  return data;
}

/* --------------------------------------------------------------------- building the page safely */

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "style") for (const [p, val] of Object.entries(v)) el.style.setProperty(p, val);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}
const $ = (sel) => document.querySelector(sel);
const view = () => $("#view");
function show(...nodes) { view().replaceChildren(...nodes); window.scrollTo(0, 0); }

function stars(rating) {
  if (!rating) return "";
  const full = Math.floor(rating);
  return "★".repeat(full) + (rating - full >= 0.5 ? "½" : "");
}
function hue(text) { let n = 0; for (const c of text) n = (n * 31 + c.codePointAt(0)) % 360; return n; }

function coverBox(book, authors, mark) {
  // A tasteful placeholder (title and author on a colour of the title) that a cover, when it loads, covers.
  // --len: the letters of its longest word (the first word also makes room for the corner mark), which
  // the stylesheet sets smaller when it would not fit the box.
  const words = (book.title || "").split(/\s+/).filter(Boolean).map((w) => [...w].length);
  const longest = Math.max(6, ...words, mark && words.length ? words[0] + 3 : 0);
  const box = h("div", { class: "cover" + (mark ? " marked" : ""), style: { "--hue": hue(book.title || "") } },
    h("div", { class: "ph" }, h("b", { style: { "--len": longest } }, book.title || ""), h("i", {}, authors || "")));
  if (typeof book.cover === "string" && book.cover.startsWith("/app/cover/")) {
    const img = h("img", { src: book.cover, alt: "", loading: "lazy", decoding: "async" });
    img.addEventListener("error", () => img.remove());
    box.append(img);
  }
  return box;
}

let toastTimer = null;
function toast(text, action) {
  const el = $("#toast");
  el.replaceChildren(h("span", {}, text), action ? h("button", { onclick: () => { el.hidden = true; action.run(); } }, action.label) : "");
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, action ? 6000 : 2500);
}
function haptic(kind) {
  try { tg && tg.HapticFeedback && tg.HapticFeedback.notificationOccurred(kind); } catch (e) { /* not in Telegram */ }
}
function failed(error) {
  if (error.status !== 401) toast(error.message || t("Something went wrong."));
}

/* --------------------------------------------------------------------- "open this from Telegram" */

function gate() {
  document.body.replaceChildren(h("div", { class: "gate" },
    h("h1", {}, t("📚 Open this from Telegram")),
    h("p", {}, t("Librium's shelf opens from the bot: tap “📚 Shelf” under its messages or send /app."))));
}

/* --------------------------------------------------------------------- the grid */

// `next`: the parameters of the page that follows (the server's: after the last card, or a page number), or null.
const grid = { next: {}, loading: false, observer: null, token: 0 };

// Words typed list the best matches first, unless the reader picked an order themselves.
function gridSort() { return state.q.trim() && !state.sortChosen ? "relevance" : state.sort; }
function gridParams() {
  return { q: state.q, chips: state.chips.join(","), shelf: state.shelf, genre: state.genre, sort: gridSort() };
}

function bookCard(book) {
  const authors = (book.authors || []).join(", ");
  const mark = book.status === "read" ? "✓" : book.status === "reading" ? "📖" : book.lent ? "🤝" : !book.owned ? "⭐" : "";
  const cover = coverBox(book, authors, mark);
  if (mark) cover.append(h("span", { class: "mark" }, mark));
  return h("a", { class: "card", href: "#/book/" + book.id, "data-id": book.id },
    cover,
    h("div", { class: "title" }, book.title),
    h("div", { class: "author" }, authors || "\u00a0"),
    h("div", { class: "meta" }, h("span", { class: "stars" }, stars(book.rating)), book.rating ? "" : (book.year || "\u00a0")));
}

async function loadPage(reset) {
  if (reset) { grid.next = {}; grid.token += 1; $("#sort").value = gridSort(); }
  if (grid.loading && !reset) return;
  if (!grid.next) return;
  const token = grid.token;
  grid.loading = true;
  try {
    const data = await api("books", { params: { ...gridParams(), ...grid.next } });
    if (token !== grid.token) return;  // the user typed on: a newer search owns the grid
    const list = $("#grid");
    if (!list) return;
    if (reset) list.replaceChildren();
    grid.next = data.next;
    list.append(...data.books.map(bookCard));
    $("#more").hidden = !grid.next;
    if (data.total === null) return;  // a page after the last card: the first page said how many
    const n = data.total;
    const count = n === 0 ? "" : tn("{n} book", "{n} books", n);
    // Nothing matched exactly: these are near matches (typos, another script, another word form).
    const near = data.exact === 0 ? (data.corrected ? t("Showing results for “{words}”", { words: data.corrected }) : t("Near matches")) : "";
    $("#summary").textContent = [near, count].filter(Boolean).join(" · ");
    $("#empty").hidden = n !== 0;
  } catch (error) { failed(error); } finally { if (token === grid.token) grid.loading = false; }
}

function showGrid() {
  setTop(true);
  const sentinel = h("div", { id: "more", class: "more" }, "…");
  show(h("div", { id: "summary", class: "summary" }),
       h("div", { id: "grid", class: "grid" }),
       h("div", { id: "empty", class: "empty", hidden: true }, state.q || state.chips.length || state.shelf || state.genre ? t("Nothing matches.") : t("No books yet: scan one, or send “Title by Author” to the bot.")),
       sentinel);
  if (grid.observer) grid.observer.disconnect();
  grid.observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) loadPage(false);
  }, { rootMargin: "800px 0px" });
  grid.observer.observe(sentinel);
  loadPage(true);
}

let typing = null;
function onSearch(event) {
  state.q = event.target.value;
  clearTimeout(typing);
  typing = setTimeout(() => { if (route().name === "grid") loadPage(true); else location.hash = "#/"; }, 180);
}

function chip(label, pressed, onclick) {
  return h("button", { class: "chip", type: "button", "aria-pressed": pressed ? "true" : "false", onclick }, label);
}
function renderChips() {
  const chips = [["unread", t("Unread")], ["reading", t("Reading")], ["lent", t("Lent")], ["wishlist", t("Wishlist")]].map(([key, label]) =>
    chip(label, state.chips.includes(key), () => {
      state.chips = state.chips.includes(key) ? state.chips.filter((c) => c !== key) : [...state.chips, key];
      renderChips(); loadPage(true);
    }));
  const facets = state.facets || { shelves: [], genres: [] };
  for (const s of facets.shelves.slice(0, 12)) chips.push(chip("🗄 " + s.name, state.shelf === s.name, () => { state.shelf = state.shelf === s.name ? null : s.name; renderChips(); loadPage(true); }));
  for (const g of facets.genres.slice(0, 12)) chips.push(chip("🏷 " + g.name, state.genre === g.name, () => { state.genre = state.genre === g.name ? null : g.name; renderChips(); loadPage(true); }));
  $("#chips").replaceChildren(...chips);
}

function setTop(full) { $(".top").classList.toggle("compact", !full); }

/* --------------------------------------------------------------------- a book's page */

function fact(label, value) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return [];
  return [h("dt", {}, label), h("dd", {}, Array.isArray(value) ? value.join(", ") : value)];
}

async function act(book, action, body) {
  try {
    const data = await api(`books/${book.id}/${action}`, { method: "POST", body: body || {} });
    haptic("success");
    return data;
  } catch (error) { haptic("error"); failed(error); return null; }
}

async function showBook(id) {
  setTop(false);
  let data;
  try { data = await api("books/" + id); } catch (error) { show(h("div", { class: "empty" }, error.message)); return; }
  renderBook(data.book, data.readings || [], data.shelves);
}

function day(iso) {
  if (!iso) return "";
  const date = new Date(iso + "T12:00:00");
  return isNaN(date) ? iso : date.toLocaleDateString(texts.locale, { day: "numeric", month: "short", year: "numeric" });
}

function money(amount, currency) {
  try { return new Intl.NumberFormat(texts.locale, { style: "currency", currency }).format(amount); } catch (e) { return number(amount) + " " + currency; }
}

function seriesText(s) { return s.name + (s.index !== null && s.index !== undefined ? " #" + number(s.index) : ""); }

function readingLine(r) {
  if (r.abandoned) return t("Abandoned") + (r.started ? " · " + t("started {date}", { date: day(r.started) }) : "");
  if (r.finished) return r.started && r.started !== r.finished ? day(r.started) + " – " + day(r.finished) : t("Finished {date}", { date: day(r.finished) });
  return t("Reading since {date}", { date: day(r.started) || "…" });
}

function renderBook(book, readings, shelves) {
  const authors = book.authors.map((a) => a.name).join(", ");
  const redraw = (data) => { if (data) renderBook(data.book, data.readings || readings, shelves); };
  const statusButton = (status, label) => h("button", {
    class: "btn", type: "button", "aria-pressed": book.status === status ? "true" : "false",
    onclick: async () => redraw(await act(book, "status", { status })),
  }, label);
  const rate = h("div", { class: "rate", role: "group", "aria-label": t("Rating") },
    [1, 2, 3, 4, 5].map((n) => h("button", {
      type: "button", class: book.rating && book.rating >= n ? "on" : "", "aria-label": tn("{n} star", "{n} stars", n),
      onclick: async () => redraw(await act(book, "rate", { stars: book.rating === n ? null : n })),
    }, "★")));
  const shelfSelect = h("select", { "aria-label": t("Shelf"), onchange: async (e) => {
      const v = e.target.value;
      if (v === "new") { const name = prompt(t("Name of the new shelf")); if (name) redraw(await act(book, "shelf", { name })); else renderBook(book, readings, shelves); }
      else redraw(await act(book, "shelf", v ? { id: Number(v) } : {}));
    } },
    h("option", { value: "" }, t("No shelf")),
    shelves.map((s) => h("option", { value: s.id, selected: book.shelf && book.shelf.id === s.id }, s.name)),
    h("option", { value: "new" }, t("New shelf…")));
  const lendForm = book.loan
    ? h("div", { class: "form" }, h("span", { class: "meta loan" }, book.loan.due
          ? t("Lent to {who} since {date}, due {due}", { who: book.loan.borrower, date: day(book.loan.since), due: day(book.loan.due) })
          : t("Lent to {who} since {date}", { who: book.loan.borrower, date: day(book.loan.since) })),
        h("button", { class: "btn", type: "button", onclick: async () => redraw(await act(book, "return")) }, t("Returned")))
    : h("form", { class: "form", onsubmit: async (e) => { e.preventDefault(); const to = e.target.elements.to.value.trim(); if (to) redraw(await act(book, "lend", { to })); } },
        h("input", { name: "to", placeholder: t("Lend to… ({example})", { example: t("Alice in 3 weeks") }), autocomplete: "off", "aria-label": t("Lend to") }),
        h("button", { class: "btn", type: "submit" }, t("Lend")));
  const remove = h("button", { class: "btn danger", type: "button", onclick: async () => {
      const gone = await act(book, "delete");
      if (!gone) return;
      history.back();
      toast(t("Deleted “{title}”.", { title: book.title }), { label: t("Undo"), run: async () => { const back = await act(gone.book, "restore"); if (back) location.hash = "#/book/" + back.book.id; } });
    } }, t("Delete"));
  const price = book.price ? (book.currency ? money(book.price, book.currency) : number(book.price)) : null;
  show(h("article", { class: "bookpage", "data-id": book.id },
    h("div", { class: "book" }, coverBox(book, authors),
      h("div", {}, h("h1", {}, book.title), book.subtitle ? h("h2", {}, book.subtitle) : "",
        h("div", { class: "byline" }, book.authors.map((a, i) => [i ? ", " : "", h("a", { href: "#/author/" + a.id }, a.name)])),
        book.series.map((s) => h("div", { class: "series" }, h("a", { href: "#/series/" + s.id }, seriesText(s)))),
        !book.owned ? h("button", { class: "btn primary", type: "button", onclick: async () => redraw(await act(book, "owned")) }, t("✓ Got it")) : "")),
    h("div", { class: "actions" }, statusButton("read", t("✓ Read")), statusButton("reading", t("📖 Reading")), statusButton("to-read", t("Not read"))),
    rate,
    h("dl", { class: "facts" },
      fact(t("Year"), book.year), fact(t("Pages"), book.pages ? number(book.pages) : null),
      fact(t("Publisher"), book.publishers), fact(t("ISBN"), book.isbn), fact(t("Format"), book.format),
      fact(t("Genres"), book.genres), fact(t("Tags"), book.tags), fact(t("Language"), book.languages),
      fact(t("Copies"), book.copies > 1 ? number(book.copies) : null), fact(t("Price"), price),
      fact(t("Wishlist"), book.owned ? null : t("Not owned yet"))),
    h("section", {}, h("h3", {}, t("Shelf")), shelfSelect),
    h("section", {}, h("h3", {}, t("Loan")), lendForm),
    readings.length ? h("section", {}, h("h3", {}, t("Readings")), h("ul", { class: "list readings" }, readings.map((r) => h("li", {}, h("span", {}, readingLine(r)))))) : "",
    book.notes ? h("section", {}, h("h3", {}, t("Notes")), h("div", { class: "notes" }, book.notes)) : "",
    book.description ? h("section", {}, h("h3", {}, t("About")), h("div", { class: "desc" }, book.description)) : "",
    h("div", { class: "actions" },
      h("button", { class: "btn", type: "button", onclick: () => renderEdit(book, readings, shelves) }, t("✏️ Edit details")),
      remove)));
}

/* The edit form: one labelled input per field; Save sends the fields that changed, all in one transaction. */
function renderEdit(book, readings, shelves) {
  const first = book.series[0] || { name: "", index: null };
  const start = {
    title: book.title, subtitle: book.subtitle || "", authors: book.authors.map((a) => a.name).join(", "),
    series: first.name, series_index: first.index === null || first.index === undefined ? "" : String(first.index),
    year: book.year ? String(book.year) : "", pages: book.pages ? String(book.pages) : "",
    publishers: book.publishers.join(", "), isbn: book.isbn13 || "", format: book.format || "",
    genres: book.genres.join(", "), tags: book.tags.join(", "), languages: book.languages.join(", "), notes: book.notes || "",
  };
  const input = (name, label, extra) => h("label", { class: "field" + (extra && extra.wide === false ? " narrow" : "") },
    h("span", {}, label),
    extra && extra.area ? h("textarea", { name, rows: 4 }, start[name])
      : h("input", { name, value: start[name], autocomplete: "off", ...(extra && extra.attrs) }),
    extra && extra.hint ? h("small", {}, extra.hint) : "");
  const list = t("Separate several with commas");
  const numeric = { inputmode: "numeric", pattern: "[0-9]*" };
  const form = h("form", { class: "edit", onsubmit: async (e) => {
      e.preventDefault();
      const values = {};
      for (const [name, was] of Object.entries(start)) {
        const now = e.target.elements[name].value;
        if (now.trim() !== was.trim()) values[name] = now;
      }
      if ("series" in values || "series_index" in values) { values.series = e.target.elements.series.value; values.series_index = e.target.elements.series_index.value; }
      if (!Object.keys(values).length) { renderBook(book, readings, shelves); return; }
      const data = await act(book, "details", { values });
      if (data) { toast(t("Saved.")); renderBook(data.book, data.readings || readings, shelves); }
    } },
    h("h2", {}, t("Edit details")),
    input("title", t("Title"), { attrs: { required: true } }),
    input("subtitle", t("Subtitle")),
    input("authors", t("Authors"), { hint: list }),
    h("div", { class: "pair" }, input("series", t("Series name")), input("series_index", t("Number"), { wide: false, attrs: { inputmode: "decimal" } })),
    h("div", { class: "pair" }, input("year", t("Year"), { attrs: numeric }), input("pages", t("Pages"), { attrs: numeric })),
    input("publishers", t("Publisher")),
    input("isbn", t("ISBN"), { attrs: { inputmode: "numeric" } }),
    input("format", t("Format"), { attrs: { list: "formats" } }),
    h("datalist", { id: "formats" }, [t("Paperback"), t("Hardcover"), t("Ebook"), t("Audiobook")].map((f) => h("option", { value: f }))),
    input("genres", t("Genres"), { hint: list }),
    input("tags", t("Tags"), { hint: list }),
    input("languages", t("Language")),
    input("notes", t("Notes"), { area: true }),
    h("div", { class: "actions" },
      h("button", { class: "btn primary", type: "submit" }, t("Save")),
      h("button", { class: "btn", type: "button", onclick: () => renderBook(book, readings, shelves) }, t("Cancel"))));
  show(h("article", { class: "bookpage editing", "data-id": book.id }, form));
  form.elements.title.focus({ preventScroll: true });
}

/* --------------------------------------------------------------------- series and authors */

function readOf(read, total) { return t("{read} of {total} read", { read: number(read), total: number(total) }); }

async function showSeriesList() {
  setTop(false);
  const data = await api("series");
  show(h("ul", { class: "list" }, data.series.length ? data.series.map((s) => h("li", {},
    h("a", { href: "#/series/" + s.id }, h("span", {}, s.name), h("span", { class: "meta" }, readOf(s.read, s.books))))) :
    h("li", { class: "empty" }, t("No series yet."))));
}

function shelfBooks(books) {
  return h("ul", { class: "list" }, books.map((b) => h("li", {}, h("a", { href: "#/book/" + b.id, class: b.status === "read" ? "read" : "" },
    h("span", {}, (b.index ? "#" + number(b.index) + " " : "") + b.title), h("span", {}, b.status === "read" ? "✓" : b.status === "reading" ? "📖" : "")))));
}

async function showSeries(id) {
  setTop(false);
  const s = await api("series/" + id);
  show(h("h2", {}, s.name), h("div", { class: "meta" }, readOf(s.read, s.total)),
    h("div", { class: "progress" }, h("div", { style: { width: (s.total ? (100 * s.read / s.total) : 0) + "%" } })),
    s.gaps.length ? h("div", { class: "gap" }, t("Missing: {numbers}", { numbers: s.gaps.map((n) => "#" + n).join(", ") })) : "",
    shelfBooks(s.books));
}

async function showAuthors() {
  setTop(false);
  const data = await api("authors");
  show(h("ul", { class: "list" }, data.authors.length ? data.authors.map((a) => h("li", {},
    h("a", { href: "#/author/" + a.id }, h("span", {}, a.name), h("span", { class: "meta" }, readOf(a.read, a.books))))) :
    h("li", { class: "empty" }, t("No authors yet."))));
}

async function showAuthor(id) {
  setTop(false);
  const a = await api("authors/" + id);
  show(h("h2", {}, a.name), h("div", { class: "meta" }, readOf(a.read, a.books)),
    h("div", { class: "progress" }, h("div", { style: { width: (a.books ? (100 * a.read / a.books) : 0) + "%" } })),
    a.groups.map((g) => [g.name ? h("h3", {}, g.name) : "", shelfBooks(g.books)]));
}

/* --------------------------------------------------------------------- stats */

async function showStats(year) {
  setTop(false);
  const s = await api("stats", { params: { year } });
  const totals = s.totals;
  const max = Math.max(1, ...s.months);
  const yearMax = Math.max(1, ...s.per_year.map((y) => y.books));
  const genreMax = Math.max(1, ...s.genres.map((g) => g.books));
  // The month initials as the language writes them (J F M … / Я Ф М …), from Intl with the page's locale.
  const initial = new Intl.DateTimeFormat(texts.locale, { month: "narrow", timeZone: "UTC" });
  const months = s.months.map((_n, i) => initial.format(new Date(Date.UTC(2000, i, 15))));
  const review = [tn("{n} book read", "{n} books read", s.review.books), tn("{n} page", "{n} pages", s.review.pages)].join(" · ");
  show(h("div", { class: "numbers" },
      [[totals.books, t("Books")], [totals.read, t("Read")], [totals.unread, t("To read")], [totals.reading, t("Reading")], [totals.wishlist, t("Wishlist")], [totals.pages, t("Pages")]]
        .map(([n, label]) => h("div", {}, h("b", {}, number(n)), h("span", {}, label)))),
    h("section", {}, h("h3", {}, h("a", { href: "#/stats/" + (s.year - 1), "aria-label": String(s.year - 1) }, "‹ "), String(s.year), h("a", { href: "#/stats/" + (s.year + 1), "aria-label": String(s.year + 1) }, " ›")),
      h("div", { class: "meta" }, review),
      h("div", { class: "bars", "aria-label": t("Books read per month") }, s.months.map((n) => h("div", { style: { height: (100 * n / max) + "%" }, title: number(n) }))),
      h("div", { class: "axis" }, months.map((m) => h("span", {}, m)))),
    s.per_year.length ? h("section", {}, h("h3", {}, t("Books read per year")),
      s.per_year.slice(-8).map((y) => h("div", { class: "hbar" }, h("span", {}, String(y.year)), h("div", { style: { width: (100 * y.books / yearMax) + "%" } }), h("span", {}, number(y.books))))) : "",
    s.genres.length ? h("section", {}, h("h3", {}, t("Genres")),
      s.genres.map((g) => h("div", { class: "hbar" }, h("span", {}, g.name), h("div", { style: { width: (100 * g.books / genreMax) + "%" } }), h("span", {}, number(g.books))))) : "",
    s.review.favourites.length ? h("section", {}, h("h3", {}, t("Favourites of {year}", { year: s.year })), shelfBooks(s.review.favourites)) : "");
}

/* --------------------------------------------------------------------- the scanner */

const scanner = { stream: null, running: false, seen: new Map(), reader: null, added: [] };

async function zxing() {
  if (scanner.reader) return scanner.reader;
  await new Promise((resolve, reject) => {
    if (window.ZXingWASM) return resolve();
    const script = h("script", { src: "/app/static/vendor/zxing-wasm/reader/index.js" });
    script.addEventListener("load", resolve); script.addEventListener("error", reject);
    document.head.append(script);
  });
  window.ZXingWASM.prepareZXingModule({
    overrides: { locateFile: (path) => "/app/static/vendor/zxing-wasm/reader/" + path },
    fireImmediately: true,
  });
  scanner.reader = window.ZXingWASM;
  return scanner.reader;
}

function stopScanner() {
  scanner.running = false;
  if (scanner.stream) scanner.stream.getTracks().forEach((t) => t.stop());
  scanner.stream = null;
}

function isbnOf(text) {
  const digits = (text || "").replace(/[^0-9]/g, "");
  return /^97[89]\d{10}$/.test(digits) ? digits : null;
}

async function onScanned(isbn, list) {
  const now = Date.now();
  if (now - (scanner.seen.get(isbn) || 0) < 4000) return;  // the same cover still in front of the camera
  scanner.seen.set(isbn, now);
  const row = h("li", {}, h("span", { class: "t" }, "… " + isbn));
  list.prepend(row);
  try {
    const data = await api("scan", { method: "POST", body: { isbn } });
    const b = data.book;
    if (data.already) {
      haptic("warning");
      row.replaceChildren(h("a", { class: "t held", href: "#/book/" + b.id }, b.shelf
        ? t("Already in your library: {title} — {shelf}", { title: b.title, shelf: b.shelf.name })
        : t("Already in your library: {title}", { title: b.title })));
    } else {
      haptic("success");
      const undo = h("button", { class: "btn", type: "button", onclick: async () => {
        const gone = await act(b, "delete"); if (gone) { row.classList.add("held"); undo.remove(); row.firstChild.textContent = t("Undone: {title}", { title: b.title }); }
      } }, t("Undo"));
      row.replaceChildren(h("a", { class: "t", href: "#/book/" + b.id }, "✓ " + b.title), undo);
      row.dataset.added = b.id;
    }
  } catch (error) {
    scanner.seen.delete(isbn);
    row.replaceChildren(h("span", { class: "t held" }, isbn + ": " + error.message));
  }
}

// Why the camera did not start, in the reader's words (the browser's own message is English).
function cameraTrouble(error) {
  const name = (error && error.name) || "";
  if (name === "NotAllowedError" || name === "SecurityError") return t("Librium may not use the camera: allow it in the settings and open the scanner again.");
  if (name === "NotFoundError" || name === "OverconstrainedError") return t("No camera was found on this device.");
  if (name === "NotReadableError") return t("The camera is busy with another app: close it and open the scanner again.");
  return t("The scanner could not start.");
}

// The scanner's loop: a camera frame at most every `interval` ms (a phone's camera gives 30 a second;
// decoding each costs battery), the guide box cropped at up to `cropWidth` pixels, the whole picture
// downscaled to `wholeWidth` every `wholeEvery` frames. bench/scanner.py measures them.
const SCAN = { crop: true, cropWidth: 720, wholeEvery: 4, wholeWidth: 960, interval: 100, tryHarder: true, worker: true };

function nextFrame(video, since, interval) {
  // The interval counts from the last frame taken (a decode's time is part of it), then a new frame.
  const wait = new Promise((r) => setTimeout(r, Math.max(0, since + interval - performance.now())));
  if (!video.requestVideoFrameCallback) return wait;
  return wait.then(() => new Promise((r) => { video.requestVideoFrameCallback(() => r()); setTimeout(r, 200); }));
}

// The decoder runs in a Worker (scan-worker.js, the same vendored zxing-wasm): the page only copies the
// guide box out of the camera's frame and posts it, so a slow decode (a slow phone, the whole picture)
// never holds a tap or a scroll; the frames that come while it decodes are skipped. Where no Worker runs
// (or its reader cannot load) the page decodes on its own thread.
function decoder(useWorker) {
  let worker = null;
  const pending = new Map();
  let next = 0;
  const alone = async (image, options) => ({ texts: (await (await zxing()).readBarcodes(image, options)).map((r) => r.text) });
  const fallBack = () => {
    if (worker) worker.terminate();
    worker = null;
    for (const settle of pending.values()) settle({ error: "worker" });
    pending.clear();
  };
  try { if (useWorker && window.Worker) worker = new Worker("/app/static/scan-worker.js"); } catch (error) { worker = null; }
  if (worker) {
    worker.onmessage = (e) => { const settle = pending.get(e.data.id); pending.delete(e.data.id); if (e.data.fatal) fallBack(); if (settle) settle(e.data); };
    worker.onerror = fallBack;
  }
  return {
    async read(image, options) {
      if (!worker) return alone(image, options);
      const id = next++;
      const answer = new Promise((settle) => pending.set(id, settle));
      worker.postMessage({ id, image, options }, [image.data.buffer]);
      return answer;
    },
    stop() { if (worker) worker.terminate(); worker = null; },
  };
}

function guideRegion(video) {
  // The guide box (.aim) in the video's own pixels: the video fills its 3:4 view (object-fit: cover).
  const view = video.getBoundingClientRect(), aim = video.parentElement.querySelector(".aim").getBoundingClientRect();
  const scale = Math.max(view.width / video.videoWidth, view.height / video.videoHeight);
  const left = (video.videoWidth * scale - view.width) / 2, top = (video.videoHeight * scale - view.height) / 2;
  const margin = aim.height * 0.5;  // a barcode a little above or below the box is read too
  const x = Math.max(0, (aim.left - view.left + left) / scale), y = Math.max(0, (aim.top - margin - view.top + top) / scale);
  const w = Math.min(video.videoWidth - x, aim.width / scale), h = Math.min(video.videoHeight - y, (aim.height + 2 * margin) / scale);
  return w > 16 && h > 16 ? { x, y, w, h } : { x: 0, y: 0, w: video.videoWidth, h: video.videoHeight };
}

async function showScanner() {
  setTop(false);
  const video = h("video", { playsinline: true, muted: true, autoplay: true });
  const status = h("div", { class: "summary", id: "scan-status" }, t("Point the camera at the barcode on a back cover."));
  const list = h("ul", { class: "list scanned", id: "scanned" });
  show(h("div", { class: "scanner" }, video, h("div", { class: "aim" })), status, list);
  const tuning = { ...SCAN, ...(window.__scanTuning || {}) };  // a benchmark may try other settings
  const decode = decoder(tuning.worker);
  try {
    if (!tuning.worker || !window.Worker) await zxing();
    scanner.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
  } catch (error) {
    status.textContent = cameraTrouble(error);
    decode.stop();
    return;
  }
  video.srcObject = scanner.stream;
  await video.play().catch(() => {});
  scanner.running = true;
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const options = { formats: ["EAN13", "EAN8", "UPCA", "UPCE"], tryHarder: tuning.tryHarder, maxNumberOfSymbols: 1 };
  const stats = window.__scan = { decodes: 0, found: 0, decodeMs: null, started: performance.now() };
  const times = [];
  let n = 0, taken = 0;
  while (scanner.running && route().name === "scan") {
    await nextFrame(video, taken, tuning.interval);
    if (!scanner.running || video.readyState < 2 || !video.videoWidth) continue;
    taken = performance.now();
    // Most frames: only the guide box (and a margin above and below it) at full resolution, which is
    // where the reader holds the barcode; every few frames the whole picture, for a barcode held elsewhere.
    const whole = !tuning.crop || n % tuning.wholeEvery === tuning.wholeEvery - 1;
    const r = whole ? { x: 0, y: 0, w: video.videoWidth, h: video.videoHeight } : guideRegion(video);
    const scale = Math.min(1, (whole ? tuning.wholeWidth : tuning.cropWidth) / r.w);
    canvas.width = Math.round(r.w * scale); canvas.height = Math.round(r.h * scale);
    ctx.drawImage(video, r.x, r.y, r.w, r.h, 0, 0, canvas.width, canvas.height);
    n += 1;
    let answer;
    try { answer = await decode.read(ctx.getImageData(0, 0, canvas.width, canvas.height), options); } catch (error) { answer = { error }; }
    for (const text of answer.texts || []) { const isbn = isbnOf(text); if (isbn) { stats.found += 1; onScanned(isbn, list); } }
    times.push(answer.ms || performance.now() - taken);  // the worker's decode, or the whole turn here
    if (times.length > 60) times.shift();
    stats.decodes += 1;
    stats.decodeMs = [...times].sort((a, b) => a - b)[times.length >> 1];
    const seconds = (performance.now() - stats.started) / 1000;
    if (seconds > 2) { status.dataset.rate = (stats.decodes / seconds).toFixed(1); }
  }
  decode.stop();
  stopScanner();
}

/* --------------------------------------------------------------------- routing, Telegram's buttons */

function route() {
  const path = location.hash.replace(/^#/, "").split("#")[0].split("?")[0];
  let m;
  if ((m = path.match(/^\/book\/(\d+)$/))) return { name: "book", id: m[1] };
  if ((m = path.match(/^\/series\/(\d+)$/))) return { name: "series1", id: m[1] };
  if ((m = path.match(/^\/author\/(\d+)$/))) return { name: "author", id: m[1] };
  if ((m = path.match(/^\/stats\/(\d{4})$/))) return { name: "stats", id: m[1] };
  const simple = { "/scan": "scan", "/series": "series", "/authors": "authors", "/stats": "stats" }[path];
  return { name: simple || "grid" };
}

async function render() {
  const r = route();
  if (r.name !== "scan") stopScanner();
  for (const a of document.querySelectorAll(".tabs a")) {
    const tab = { book: "grid", series1: "series", author: "authors" }[r.name] || r.name;
    a.toggleAttribute("aria-current", a.dataset.tab === tab);
    if (a.dataset.tab === tab) a.setAttribute("aria-current", "page");
  }
  if (tg && tg.BackButton) { if (["book", "series1", "author"].includes(r.name)) tg.BackButton.show(); else tg.BackButton.hide(); }
  if (tg && tg.MainButton) {
    if (r.name === "grid") { tg.MainButton.setText(t("📷 Scan books")); tg.MainButton.show(); } else tg.MainButton.hide();
  }
  try {
    if (r.name === "book") await showBook(r.id);
    else if (r.name === "series1") await showSeries(r.id);
    else if (r.name === "author") await showAuthor(r.id);
    else if (r.name === "series") await showSeriesList();
    else if (r.name === "authors") await showAuthors();
    else if (r.name === "stats") await showStats(r.id);
    else if (r.name === "scan") await showScanner();
    else showGrid();
  } catch (error) { if (error.status !== 401) show(h("div", { class: "empty" }, error.message)); }
}

// Who the page speaks to decides its language: /api/me sends the dictionary when it is not the one the page has.
async function whoAmI() {
  const me = await api("me", { params: { texts: texts.locale } });
  if (learn(me.texts)) paintFrame();
  return me;
}

async function start() {
  learn(embeddedTexts());
  paintFrame();
  if (!INIT) { gate(); return; }
  if (tg) {
    try { tg.ready(); tg.expand(); } catch (e) { /* older clients */ }
    if (tg.BackButton) tg.BackButton.onClick(() => history.back());
    if (tg.MainButton) tg.MainButton.onClick(() => { location.hash = "#/scan"; });
  }
  let me;
  try { me = await whoAmI(); } catch (error) { if (error.status !== 401) show(h("div", { class: "empty" }, error.message)); return; }
  state.library = String(me.library);
  state.libraries = me.libraries;
  const select = $("#library");
  select.replaceChildren(...me.libraries.map((l) => h("option", { value: l.id, selected: String(l.id) === state.library }, (l.kind === "group" ? "👥 " : "📚 ") + l.name)));
  select.hidden = me.libraries.length < 2;
  select.addEventListener("change", async () => {
    state.library = select.value; state.shelf = null; state.genre = null;
    const before = texts.locale;
    await whoAmI().catch(() => null);  // a group's library speaks the group's language
    state.facets = await api("facets").catch(() => null); renderChips();
    if (route().name !== "grid") location.hash = "#/";
    else if (texts.locale !== before) render();  // the whole view again, in the library's language
    else loadPage(true);
  });
  $("#search").addEventListener("input", onSearch);
  $("#sort").addEventListener("change", (e) => {
    if (e.target.value === "relevance") state.sortChosen = false; else { state.sort = e.target.value; state.sortChosen = true; }
    loadPage(true);
  });
  renderChips();
  api("facets").then((f) => { state.facets = f; renderChips(); }).catch(() => {});
  window.addEventListener("hashchange", render);
  render();
}

start();
