// roster-lint report: the plan's records table built page by page from the embedded data,
// filters, CSV downloads made in the page.  Cells are set with textContent only, so no
// value from the export is parsed as HTML.  Nothing is fetched: big data arrives gzipped
// and base64-encoded in the page and is unpacked with the browser's DecompressionStream.
(function () {
  "use strict";
  var PAGE = 25;

  function params() {
    var out = {};
    var search = new URLSearchParams(window.location.search);
    var hash = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    ["q", "action", "entity", "reason", "school", "page", "first"].forEach(function (k) {
      var v = hash.get(k) || search.get(k);
      if (v) { out[k] = v; }
    });
    return out;
  }

  function load(el, done) {
    if (el.getAttribute("data-encoding") !== "gzip-base64") {
      done(JSON.parse(el.textContent));
      return;
    }
    var bin = atob(el.textContent.trim());
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    new Response(stream).text().then(function (text) { done(JSON.parse(text)); });
  }

  function csvCell(v) {
    var s = String(v);
    if (/^[=+\-@\t\r]/.test(s)) { s = "'" + s; }  // spreadsheets read these as formulas
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function download(name, header, rows) {
    var lines = [header.map(csvCell).join(",")];
    rows.forEach(function (r) { lines.push(r.map(csvCell).join(",")); });
    var blob = new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  function fmt(n) { return n.toLocaleString("en-US"); }

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
  }

  function unpack(data) {
    // Undo html_plan's packing: lines are differences, e-mails may be a domain's number.
    data.entities.forEach(function (e) {
      for (var i = 1; i < e.line.length; i++) { e.line[i] += e.line[i - 1]; }
      if (!e.email) { return; }
      for (var j = 0; j < e.email.length; j++) {
        if (typeof e.email[j] === "number") { e.email[j] = e.username[j] + "@" + data.domains[e.email[j]]; }
      }
    });
    return data;
  }

  function records(box, data, p) {
    var ents = {};
    data.entities.forEach(function (e) { ents[e.entity] = e; });
    var sel = {};
    ["entity", "action", "reason", "school"].forEach(function (k) {
      sel[k] = box.querySelector("select[name=" + k + "]");
    });
    var input = box.querySelector("input[name=q]");
    var thead = box.querySelector("thead tr");
    var tbody = box.querySelector("tbody");
    var count = box.querySelector(".count");
    var capped = box.querySelector(".capped-note");
    var pageLabel = box.querySelector(".page");
    var prev = box.querySelector("button[name=prev]");
    var next = box.querySelector("button[name=next]");
    var csv = box.querySelector("button[name=csv]");
    var ent = null;
    var hay = null;
    var matches = [];
    var page = 0;
    var firstOnly = false;

    function schoolText(i) {
      var s = data.schools[i];
      if (!s || !s[0]) { return ""; }
      return s[1] ? s[1] + " (" + s[0] + ")" : s[0];
    }
    function where(e, i) {
      var f = data.files[e.file[i]];
      return e.line[i] ? f + ":" + e.line[i] : f;
    }
    function columns(e) {
      var cols = [["id", function (i) { return e.id[i]; }]];
      if (e.name) {
        cols.push(["name", function (i) { return e.name[i]; }]);
        cols.push(["username", function (i) { return e.username[i]; }]);
        cols.push(["e-mail", function (i) { return e.email[i]; }]);
      }
      cols.push(["action", function (i) { return data.actions[e.action[i]]; }]);
      cols.push(["reasons", function (i) {
        return data.reasonSets[e.reasons[i]].map(function (r) {
          var t = data.reasonTitles[r];
          return t ? t + " (" + r + ")" : r;
        }).join("; ");
      }]);
      cols.push(["school", function (i) { return schoolText(e.school[i]); }]);
      if (e.grade) { cols.push(["grade", function (i) { return e.grade[i]; }]); }
      cols.push(["where", function (i) { return where(e, i); }]);
      cols.push(["detail", function (i) { return e.details[e.detail[i]]; }]);
      return cols;
    }
    var cols = [];

    function counted(values, labels, select, keep, inOrder) {
      var n = {};
      values.forEach(function (v) { n[v] = (n[v] || 0) + 1; });
      select.textContent = "";
      option(select, "", "all");
      // actions in the data's order (problems first), the rest most first
      Object.keys(n).sort(inOrder ? function (a, b) { return a - b; } : function (a, b) {
        return n[b] - n[a] || (labels(a) < labels(b) ? -1 : 1);
      })
        .forEach(function (v) { option(select, v, labels(v) + " (" + fmt(n[v]) + ")"); });
      select.value = keep && n[keep] ? keep : "";
    }

    function choose(entity, keep) {
      ent = ents[entity] || data.entities[0];
      sel.entity.value = ent.entity;
      cols = columns(ent);
      thead.textContent = "";
      cols.forEach(function (c) {
        var th = document.createElement("th");
        th.scope = "col";
        th.textContent = c[0];
        thead.appendChild(th);
      });
      counted(ent.action, function (v) { return data.actions[v]; }, sel.action, keep.action, true);
      var rs = [];
      ent.reasons.forEach(function (r) { data.reasonSets[r].forEach(function (x) { rs.push(x); }); });
      counted(rs, function (v) { return v; }, sel.reason, keep.reason);
      counted(ent.school.filter(function (s) { return data.schools[s][0] !== ""; }).map(function (s) {
        return data.schools[s][0];
      }), function (v) {
        var s = data.schools.filter(function (x) { return x[0] === v; })[0];
        return s && s[1] ? s[1] + " (" + v + ")" : v;
      }, sel.school, keep.school);
      hay = null;
      capped.hidden = ent.id.length >= ent.total;
      capped.textContent = "This page holds " + fmt(ent.id.length) + " of the " + fmt(ent.total) +
        " " + ent.label + " (problems first). Every action is in " +
        "roster-lint plan EXPORT --output csv:plan.csv.";
    }

    function haystack() {
      // Built on the first search only: ids, names, usernames, e-mails, school names.
      if (hay) { return hay; }
      var sch = data.schools.map(function (s, i) { return schoolText(i).toLowerCase(); });
      hay = new Array(ent.id.length);
      for (var i = 0; i < ent.id.length; i++) {
        var h = ent.id[i] + "\u0001" + sch[ent.school[i]];
        if (ent.name) { h += "\u0001" + ent.name[i] + "\u0001" + ent.username[i] + "\u0001" + ent.email[i]; }
        hay[i] = h.toLowerCase();
      }
      return hay;
    }

    function render() {
      var frag = document.createDocumentFragment();
      var pages = Math.max(1, Math.ceil(matches.length / PAGE));
      page = Math.min(Math.max(page, 0), pages - 1);
      var end = Math.min(matches.length, (page + 1) * PAGE);
      for (var k = page * PAGE; k < end; k++) {
        var i = matches[k];
        var tr = document.createElement("tr");
        cols.forEach(function (c) {
          var td = document.createElement("td");
          td.textContent = c[1](i);
          if (c[0] === "action") { td.className = "act act-" + td.textContent; }
          if (c[0] === "id" || c[0] === "where") { td.className = "nowrap"; }
          tr.appendChild(td);
        });
        frag.appendChild(tr);
      }
      tbody.textContent = "";
      tbody.appendChild(frag);
      count.textContent = fmt(matches.length) + " matching " + ent.label +
        (firstOnly && sel.reason.value ? " (by first reason)" : "");
      pageLabel.textContent = "page " + fmt(page + 1) + " of " + fmt(pages);
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }

    function apply() {
      var needle = input.value.trim().toLowerCase();
      var a = sel.action.value === "" ? -1 : Number(sel.action.value);
      var reason = sel.reason.value;
      var school = sel.school.value;
      // a "show" button of the first-reason table matches first reasons only, as it counts
      var okSets = data.reasonSets.map(function (s) {
        return !reason || (firstOnly ? s[0] === reason : s.indexOf(reason) >= 0);
      });
      var okSchool = data.schools.map(function (s) { return !school || s[0] === school; });
      var h = needle ? haystack() : null;
      matches = [];
      for (var i = 0; i < ent.id.length; i++) {
        if (a >= 0 && ent.action[i] !== a) { continue; }
        if (!okSets[ent.reasons[i]] || !okSchool[ent.school[i]]) { continue; }
        if (h && h[i].indexOf(needle) < 0) { continue; }
        matches.push(i);
      }
      page = 0;
      render();
    }

    function show(opts) {
      var keep = { action: "", reason: opts.reason || "", school: opts.school || "" };
      if (opts.action !== undefined) {
        keep.action = String(data.actions.indexOf(opts.action));
      }
      choose(opts.entity, keep);
      firstOnly = !!opts.first;
      if (opts.q !== undefined) { input.value = opts.q; }
      apply();
    }

    sel.entity.addEventListener("change", function () {
      firstOnly = false;
      choose(sel.entity.value, {});
      apply();
    });
    ["action", "reason", "school"].forEach(function (k) {
      sel[k].addEventListener("change", function () { firstOnly = false; apply(); });
    });
    input.addEventListener("input", apply);
    prev.addEventListener("click", function () { page -= 1; render(); });
    next.addEventListener("click", function () { page += 1; render(); });
    csv.addEventListener("click", function () {
      download("plan-" + ent.entity + ".csv", cols.map(function (c) { return c[0]; }),
        matches.map(function (i) { return cols.map(function (c) { return c[1](i); }); }));
    });
    Array.prototype.forEach.call(document.querySelectorAll("button.show"), function (b) {
      b.addEventListener("click", function () {
        show({ entity: b.getAttribute("data-entity"), action: b.getAttribute("data-action") || undefined,
          reason: b.getAttribute("data-reason") || "", school: b.getAttribute("data-school") || "",
          first: b.hasAttribute("data-first"), q: "" });
        box.scrollIntoView();
      });
    });
    show({ entity: p.entity, action: p.action, reason: p.reason, school: p.school,
      first: p.first === "1", q: p.q || "" });
    if (p.page) { page = Math.max(0, Number(p.page) - 1 || 0); render(); }
  }

  function followups(data) {
    var b = document.getElementById("followups-csv");
    if (!b) { return; }
    b.addEventListener("click", function () {
      download("follow-ups.csv", ["kind", "entity", "id", "message"], data.followups);
    });
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
  Array.prototype.forEach.call(document.querySelectorAll(".filterable"), filterable);

  function ready() { document.documentElement.setAttribute("data-ready", "1"); }

  var el = document.getElementById("plan-data");
  var box = document.getElementById("records");
  if (el && box) {
    load(el, function (data) {
      records(box, unpack(data), params());
      followups(data);
      ready();
    });
  } else {
    ready();
  }
})();
