// The swarmc web UI: polls GET /stats/requests?swarmc=1 (Locust's keys plus
// a "swarmc" object) every second and steers the run through Locust's API
// (POST /swarm, /stop, /stats/reset).  No library, no network beyond this
// server.
"use strict";
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var MAX_POINTS = 3600;
  var hist = { t: [], rps: [], fps: [], p50: [], p95: [], px: [], users: [] };
  var last = null;
  var editing = false;

  function num(v, digits) {
    if (v === null || v === undefined) return "";
    var d = digits === undefined ? 0 : digits;
    return Number(v).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: 0 });
  }
  function ms(v) {
    if (v === null || v === undefined) return "";
    return v >= 100 ? num(v, 0) : num(v, v >= 10 ? 1 : 2);
  }
  function td(text, cls) {
    var c = document.createElement("td");
    c.textContent = text;
    if (cls) c.className = cls;
    return c;
  }
  function statsRow(e, agg) {
    var tr = document.createElement("tr");
    tr.appendChild(td(agg ? "" : e.method, "type"));
    var n = td(e.name, "name");
    n.title = e.name;
    tr.appendChild(n);
    tr.appendChild(td(num(e.num_requests)));
    tr.appendChild(td(num(e.num_failures), e.num_failures ? "bad" : ""));
    tr.appendChild(td(ms(e.median_response_time)));
    tr.appendChild(td(ms(e.ninetieth_response_time)));
    tr.appendChild(td(ms(e.ninety_ninth_response_time)));
    tr.appendChild(td(ms(e.avg_response_time)));
    tr.appendChild(td(ms(e.min_response_time)));
    tr.appendChild(td(ms(e.max_response_time)));
    tr.appendChild(td(num(e.avg_content_length)));
    tr.appendChild(td(num(e.current_rps, 1)));
    tr.appendChild(td(num(e.current_fail_per_sec, 1)));
    return tr;
  }
  function fill(tbody, rows) {
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  // ---- charts: a small canvas line plot ------------------------------------
  var COLORS = ["#2a6f4e", "#b3261e", "#c17d11", "#3465a4"];
  function plot(canvas, series, labels) {
    var dpr = window.devicePixelRatio || 1;
    var w = canvas.clientWidth, h = canvas.clientHeight;
    if (!w || !h) return;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    var g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    var n = hist.t.length;
    canvas.dataset.points = String(n);
    var left = 48, right = 8, top = 22, bottom = 22;
    var max = 0;
    series.forEach(function (s) { s.forEach(function (v) { if (v !== null && v > max) max = v; }); });
    max = max > 0 ? niceMax(max) : 1;
    g.font = "11px system-ui, sans-serif";
    g.strokeStyle = "#d9dde5";
    g.fillStyle = "#6b7385";
    g.lineWidth = 1;
    for (var i = 0; i <= 4; i++) {
      var y = top + (h - top - bottom) * i / 4;
      g.beginPath(); g.moveTo(left, y); g.lineTo(w - right, y); g.stroke();
      var val = max * (4 - i) / 4;
      g.fillText(val >= 100 ? val.toFixed(0) : val.toFixed(val >= 10 ? 1 : 2), 4, y + 4);
    }
    if (n > 0) {
      g.fillText(hist.t[0], left, h - 6);
      var tw = g.measureText(hist.t[n - 1]).width;
      g.fillText(hist.t[n - 1], w - right - tw, h - 6);
    }
    var lx = left;
    series.forEach(function (s, k) {
      g.strokeStyle = COLORS[k % COLORS.length];
      g.fillStyle = g.strokeStyle;
      g.lineWidth = 2;
      g.beginPath();
      var started = false;
      for (var j = 0; j < n; j++) {
        var v = s[j];
        if (v === null || v === undefined) { started = false; continue; }
        var x = left + (n === 1 ? 0 : (w - left - right) * j / (n - 1));
        var yy = top + (h - top - bottom) * (1 - v / max);
        if (started) g.lineTo(x, yy); else { g.moveTo(x, yy); started = true; }
      }
      g.stroke();
      g.fillRect(lx, 6, 10, 10);
      g.fillStyle = "#1d2330";
      g.fillText(labels[k], lx + 14, 15);
      lx += 24 + g.measureText(labels[k]).width;
    });
  }
  function niceMax(v) {
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }
  function drawCharts() {
    if ($("tab-charts").hidden) return;
    var pc = $("pct-choice");
    var label = pc.options[pc.selectedIndex].text;
    plot($("chart-rps"), [hist.rps, hist.fps], ["RPS", "Failures/s"]);
    plot($("chart-rt"), [hist.p50, hist.p95, hist.px],
         ["50th percentile", "95th percentile", label + " percentile"]);
    plot($("chart-users"), [hist.users], ["Users"]);
  }

  // ---- state ----------------------------------------------------------------
  function show(el, on) { el.hidden = !on; }
  function render(d) {
    var x = d.swarmc || {};
    last = d;
    var st = d.state;
    $("state").textContent = st.toUpperCase();
    $("users").textContent = num(d.user_count);
    $("rps").textContent = num(d.total_rps, 1);
    $("failratio").textContent = num(d.fail_ratio * 100, 0) + "%";
    $("host").textContent = x.host || "-";
    $("scenario").textContent = x.scenario || "";
    if (x.shard) {
      $("shard").textContent = "Shard " + x.shard.index + " of " + x.shard.count +
        " (0-based): this page shows this process's share of the run only. " +
        "Merge the shards' --json results for the whole run (swarmc merge).";
      show($("shard"), true);
    }
    var running = st === "spawning" || st === "running";
    show($("start"), st === "ready");
    show($("stop"), running);
    show($("reset"), running);
    show($("edit-open"), running && x.can_change_users);
    if (!running) { editing = false; }
    show($("edit"), editing);
    if (st === "ready" && !$("start-users").dataset.filled) {
      // the command line's and the scenario's values, as Locust fills its form
      $("start-host").value = x.host || "";
      if (x.users) $("start-users").value = String(x.users);
      if (x.spawn_rate) $("start-rate").value = String(x.spawn_rate);
      if (x.run_time_s) $("start-time").value = x.run_time_s + "s";
      $("start-users").dataset.filled = "1";
    }
    if (st === "stopped") {
      $("notice").textContent = "The run has ended: these are its final results " +
        "(the downloads equal the files written by --csv/--html). " +
        "Start the binary again for a new run.";
      show($("notice"), true);
    }
    var rows = [], agg = null;
    d.stats.forEach(function (e) {
      if (e.name === "Aggregated" && !e.method) agg = e; else rows.push(statsRow(e, false));
    });
    fill($("stats").tBodies[0], rows);
    fill($("stats").tFoot, agg ? [statsRow(agg, true)] : []);
    var frows = d.errors.map(function (e) {
      var tr = document.createElement("tr");
      tr.appendChild(td(num(e.occurrences)));
      tr.appendChild(td(e.method, "type"));
      tr.appendChild(td(e.name, "name"));
      tr.appendChild(td(unescapeHtml(e.error), "msg"));
      return tr;
    });
    fill($("failures").tBodies[0], frows);
    $("nfail").textContent = d.errors.length ? "(" + d.errors.length + ")" : "";
    if (running || (st === "stopping")) {
      var now = new Date();
      var cp = x.current_percentiles || {};
      push(now.toLocaleTimeString(), d.total_rps, x.total_fail_per_sec || 0,
           d.current_response_time_percentile_50,
           d.current_response_time_percentile_95,
           cp[$("pct-choice").value] === undefined ? null : cp[$("pct-choice").value],
           d.user_count);
    }
    drawCharts();
  }
  function unescapeHtml(s) {
    var t = document.createElement("textarea");
    t.innerHTML = s;
    return t.value;
  }
  function push(t, rps, fps, p50, p95, px, users) {
    hist.t.push(t); hist.rps.push(rps); hist.fps.push(fps);
    hist.p50.push(p50); hist.p95.push(p95); hist.px.push(px); hist.users.push(users);
    if (hist.t.length > MAX_POINTS)
      Object.keys(hist).forEach(function (k) { hist[k].shift(); });
  }

  function poll() {
    fetch("/stats/requests?swarmc=1", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (d) { render(d); $("footer").textContent = "swarmc web UI, updated " + new Date().toLocaleTimeString(); })
      .catch(function () { $("footer").textContent = "swarmc web UI: no answer from the binary (it may have exited)"; })
      .then(function () { setTimeout(poll, 1000); });
  }

  function post(path, body, errEl) {
    var opts = { method: "POST" };
    if (body) opts.body = body;
    return fetch(path, opts).then(function (r) {
      return r.json().catch(function () { return { success: r.ok, message: "HTTP " + r.status }; })
        .then(function (j) {
          if (errEl) { errEl.textContent = j.message || ""; show(errEl, !r.ok || !j.success); }
          return r.ok && j.success;
        });
    });
  }

  function formBody(form) { return new URLSearchParams(new FormData(form)); }

  document.addEventListener("DOMContentLoaded", function () {
    $("start-users").value = "1";
    $("start-rate").value = "1";
    $("start-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      post("/swarm", formBody($("start-form")), $("start-error")).then(function (ok) {
        if (ok) {
          Object.keys(hist).forEach(function (k) { hist[k] = []; });
          show($("start"), false);
        }
      });
    });
    $("edit-open").addEventListener("click", function () {
      editing = true;
      $("edit-users").value = last ? (last.swarmc && last.swarmc.target_users) || last.user_count : "";
      $("edit-rate").value = last && last.swarmc && last.swarmc.spawn_rate ? String(last.swarmc.spawn_rate) : $("start-rate").value;
      show($("edit"), true);
    });
    $("edit-cancel").addEventListener("click", function () { editing = false; show($("edit"), false); });
    $("edit-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      post("/swarm", formBody($("edit-form")), $("edit-error")).then(function (ok) {
        if (ok) { editing = false; show($("edit"), false); }
      });
    });
    $("stop").addEventListener("click", function () { post("/stop"); });
    $("reset").addEventListener("click", function () { post("/stats/reset"); });
    $("pct-choice").addEventListener("change", function () { hist.px = hist.px.map(function () { return null; }); drawCharts(); });
    Array.prototype.forEach.call(document.querySelectorAll(".tab"), function (a) {
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        Array.prototype.forEach.call(document.querySelectorAll(".tab"), function (b) { b.classList.remove("current"); });
        a.classList.add("current");
        ["stats", "charts", "failures", "download"].forEach(function (t) { $("tab-" + t).hidden = t !== a.dataset.tab; });
        drawCharts();
      });
    });
    window.addEventListener("resize", drawCharts);
    poll();
  });
})();
