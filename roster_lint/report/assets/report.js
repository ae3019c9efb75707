// roster-lint report: plan tables built from the embedded JSON, plus row filters.
// Cells are set with textContent only, so no value from the export is parsed as HTML.
(function () {
  "use strict";
  var PAGE = 500;

  function params() {
    var out = {};
    var search = new URLSearchParams(window.location.search);
    var hash = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    ["q", "action", "entity"].forEach(function (k) {
      var v = hash.get(k) || search.get(k);
      if (v) { out[k] = v; }
    });
    return out;
  }

  function cell(tag, text) {
    var td = document.createElement(tag);
    td.textContent = text;
    return td;
  }

  function planTable(ent, p) {
    var box = document.getElementById("plan-" + ent.entity);
    if (!box) { return; }
    var input = box.querySelector("input[type=search]");
    var select = box.querySelector("select");
    var tbody = box.querySelector("tbody");
    var count = box.querySelector(".count");
    var more = box.querySelector("button.more");
    var haystack = ent.rows.map(function (r) { return r.join("\u0001").toLowerCase(); });
    var mine = !p.entity || p.entity === ent.entity;
    if (mine && p.q) { input.value = p.q; }
    if (mine && p.action) { select.value = p.action; }
    var matches = [];
    var shown = 0;

    function page() {
      var frag = document.createDocumentFragment();
      var end = Math.min(matches.length, shown + PAGE);
      for (var i = shown; i < end; i++) {
        var row = ent.rows[matches[i]];
        var tr = document.createElement("tr");
        for (var c = 0; c < row.length; c++) {
          var td = cell("td", row[c]);
          if (c === 1) { td.className = "act act-" + row[c]; }
          tr.appendChild(td);
        }
        frag.appendChild(tr);
      }
      tbody.appendChild(frag);
      shown = end;
      count.textContent = "showing " + shown.toLocaleString("en-US") + " of " +
        matches.length.toLocaleString("en-US") + " matching rows";
      more.hidden = shown >= matches.length;
    }

    function apply() {
      var needle = input.value.trim().toLowerCase();
      var action = select.value;
      matches = [];
      for (var i = 0; i < ent.rows.length; i++) {
        if (action && ent.rows[i][1] !== action) { continue; }
        if (needle && haystack[i].indexOf(needle) < 0) { continue; }
        matches.push(i);
      }
      tbody.textContent = "";
      shown = 0;
      page();
    }

    input.addEventListener("input", apply);
    select.addEventListener("change", apply);
    more.addEventListener("click", page);
    apply();
  }

  function filterable(box) {
    var input = box.querySelector("input[data-filter]");
    var rows = Array.prototype.slice.call(box.querySelectorAll("tbody tr"));
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      rows.forEach(function (tr) {
        tr.hidden = needle !== "" && tr.textContent.toLowerCase().indexOf(needle) < 0;
      });
    });
  }

  var data = document.getElementById("plan-data");
  if (data) {
    var p = params();
    JSON.parse(data.textContent).entities.forEach(function (ent) { planTable(ent, p); });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".filterable"), filterable);
  document.documentElement.setAttribute("data-ready", "1");
})();
