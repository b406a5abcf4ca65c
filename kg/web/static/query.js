/* The query UI: YASGUI pointed at this server's endpoint, with the example queries (config in #kg-config). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("kg-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  document.getElementById("endpoint-url").textContent = endpoint;
  var prologue = Object.keys(config.prefixes).map(function (name) {
    return "PREFIX " + name + ": <" + config.prefixes[name] + ">";
  }).join("\n");
  // Only the completers that work offline: the class/property ones call a remote service (LOV).
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  Yasgui.Yasqe.defaults.value = prologue + "\n\nSELECT ?event ?label ?date WHERE {\n" +
    "  ?event a/rdfs:subClassOf* dip:Event ; rdfs:label ?label .\n" +
    "  OPTIONAL { ?event dip:date ?date }\n} ORDER BY DESC(?date) LIMIT 50\n";
  // IRIs in results open in this tab; cells are shown whole (the table's own switch still cuts them).
  Yasgui.Yasr.plugins.table.defaults.openIriInNewWindow = false;
  Yasgui.Yasr.defaults.plugins.table = { enabled: true, dynamicConfig: { isEllipsed: false } };
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasr: { prefixes: config.prefixes },
  });
  var examples = {};
  config.examples.forEach(function (example) { examples[example.name] = example; });
  document.getElementById("examples").addEventListener("click", function (event) {
    var button = event.target.closest("button[data-example]");
    if (!button) { return; }
    var example = examples[button.dataset.example];
    var tab = yasgui.addTab(true, {
      name: example.title,
      yasqe: { value: example.query },
      requestConfig: { endpoint: endpoint },
    }, { avoidDuplicateTabs: true });
    yasgui.selectTabId(tab.getId());
  });
  window.kgYasgui = yasgui;

  // This dataset's IRIs in a result table link to this server's pages and show their labels.
  function localPath(iri) {
    var root = Object.keys(config.local).filter(function (r) { return iri.indexOf(r) === 0; })[0];
    return root === undefined ? null : config.local[root] + iri.slice(root.length);
  }
  var labels = {};
  function relabel(links) {
    links.forEach(function (link) {
      var found = labels[link.dataset.kgIri];
      if (found) { link.textContent = found.label; link.title = link.dataset.kgIri; }
    });
  }
  function localise() {
    var links = Array.prototype.slice.call(document.querySelectorAll("#yasgui a.iri:not([data-kg-iri])"))
      .filter(function (link) { return localPath(link.href) !== null; });
    links.forEach(function (link) {
      link.dataset.kgIri = link.href;
      link.href = localPath(link.href);
      link.removeAttribute("target");
    });
    var wanted = links.map(function (link) { return link.dataset.kgIri; })
      .filter(function (iri, i, all) { return !labels[iri] && all.indexOf(iri) === i; }).slice(0, 500);
    if (!wanted.length) { relabel(links); return; }
    var query = wanted.map(function (iri) { return "iri=" + encodeURIComponent(iri); }).join("&");
    fetch(config.labels + "?" + query).then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (found) { Object.assign(labels, found); relabel(links); });
  }
  var pending = null;
  new MutationObserver(function () {
    if (pending === null) { pending = window.setTimeout(function () { pending = null; localise(); }, 50); }
  }).observe(document.getElementById("yasgui"), { childList: true, subtree: true });
})();
  
