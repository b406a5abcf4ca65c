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
})();
  
