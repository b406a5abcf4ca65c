// The search box of every page: suggestions from /api/search while typing (an ARIA combobox).
// Arrow keys move through the suggestions, Enter opens the chosen one (or the results page), Escape closes.
(function () {
  "use strict";
  const input = document.getElementById("site-search-q");
  const list = document.getElementById("site-search-list");
  if (!input || !list || !window.fetch) return;
  const api = input.dataset.api;
  let items = [];
  let active = -1;
  let timer = null;
  let pending = null;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    items = [];
    active = -1;
  }

  function highlight(index) {
    const options = list.querySelectorAll("[role=option]");
    options.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function option(hit, i) {
    const li = document.createElement("li");
    li.id = "site-search-option-" + i;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    const label = document.createElement("span");
    label.className = "suggestion-label";
    label.textContent = hit.label;
    const about = document.createElement("span");
    about.className = "suggestion-about";
    about.textContent = hit.match.type === "label" ? hit.description : hit.description + " · “" + hit.match.text + "”";
    li.append(label, about);
    li.addEventListener("mousedown", (event) => {
      event.preventDefault(); // keep the focus in the box until the page changes
      window.location.assign(hit.url);
    });
    return li;
  }

  function show(hits) {
    items = hits;
    active = -1;
    if (!hits.length) return close();
    list.replaceChildren(...hits.map(option));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  async function suggest() {
    const text = input.value.trim();
    if (pending) pending.abort();
    if (!text) return close();
    pending = new AbortController();
    try {
      const response = await fetch(api + "?limit=8&q=" + encodeURIComponent(text), { signal: pending.signal });
      if (!response.ok) return close();
      const body = await response.json();
      if (input.value.trim() === text) show(body.search || []);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 120);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp" && items.length) {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(items[active].url);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
})();
