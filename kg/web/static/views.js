/* The views' drawings: a vis-timeline of two countries, a vis-network of actors. Data in #views-config. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("views-config").textContent);
  var STATES = ["diplomatic-relations", "alliance", "strategic-partnership", "normalization-process",
    "border-closed", "severed", "hostile", "no-diplomatic-relations"];
  var BASIS = { since: "as stated", reported: "from its first report", event: "from events" };
  var COLOURS = { Person: "#1f5fa8", Country: "#1d7a46", Organization: "#9a6700" };

  function text(value, className) {
    var span = document.createElement("span");
    span.textContent = value;
    if (className) { span.className = className; }
    return span;
  }

  function follow(href) { if (href) { window.location.href = href; } }

  function drawPair(data) {
    var box = document.getElementById("pair-timeline");
    var bands = data.bands.filter(function (b) { return b.start; });  // undated ones are listed below only
    var states = STATES.filter(function (s) { return bands.some(function (b) { return b.status === s; }); });
    bands.forEach(function (b) { if (states.indexOf(b.status) < 0) { states.push(b.status); } });
    var groups = states.map(function (s, i) {
      var label = bands.filter(function (b) { return b.status === s; })[0].label;
      return { id: s, content: text(label), order: i };
    });
    groups.push({ id: "events", content: text("events"), order: states.length });
    var hrefs = {};
    var items = bands.map(function (b, i) {
      var id = "band-" + i;
      hrefs[id] = b.href;
      return {
        id: id, group: b.status, type: "range", start: b.start, end: b.end || data.today,
        content: text(b.label + (b.end ? "" : " →")),
        title: b.label + " (" + BASIS[b.basis] + ")" + (b.evidence[0] ? ": " + b.evidence[0] : ""), className: "band band-" + b.status + (b.end ? "" : " open"),
      };
    });
    data.events.filter(function (e) { return e.start; }).forEach(function (e, i) {
      var id = "event-" + i;
      hrefs[id] = e.href;
      items.push({ id: id, group: "events", type: "point", start: e.start, content: text(e.label),
        title: e.kind + ": " + e.label, className: "event" });
    });
    var dates = items.map(function (item) { return item.start; }).concat([data.today]).sort();
    var first = new Date(dates[0]), last = new Date(dates[dates.length - 1]);
    var pad = Math.max((last - first) / 20, 1000 * 60 * 60 * 24 * 90);
    var timeline = new vis.Timeline(box, new vis.DataSet(items), new vis.DataSet(groups), {
      start: new Date(first.getTime() - pad), end: new Date(last.getTime() + pad), showCurrentTime: false,
      stack: true, zoomKey: "ctrlKey", horizontalScroll: true, orientation: "top", maxHeight: 520,
      margin: { item: 6 }, tooltip: { followMouse: true },
    });
    timeline.on("select", function (properties) { follow(hrefs[properties.items[0]]); });
    window.kgTimeline = timeline;
  }

  function drawNetwork(data) {
    var box = document.getElementById("actor-network");
    var hrefs = {};
    var nodes = data.nodes.map(function (n) {
      hrefs[n.id] = n.href;
      return { id: n.id, label: n.label, value: n.events, title: n.kind + " · " + n.events + " events",
        color: COLOURS[n.kind] || "#5d6675", font: { color: "#1d2330" }, shape: "dot" };
    });
    var edges = data.edges.map(function (e) {
      return { from: e.source, to: e.target, value: e.weight,
        title: e.weight + " shared event" + (e.weight === 1 ? "" : "s"), color: { color: "#b8c2d0" } };
    });
    var network = new vis.Network(box, { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) }, {
      nodes: { scaling: { min: 8, max: 30 } },
      edges: { scaling: { min: 1, max: 8 }, smooth: false },
      physics: { stabilization: { iterations: 200 } },
      interaction: { hover: true },
    });
    network.on("click", function (properties) { follow(hrefs[properties.nodes[0]]); });
    window.kgNetwork = network;
  }

  if (config.view === "pair") { drawPair(config.data); }
  if (config.view === "network") { drawNetwork(config.data); }
})();
