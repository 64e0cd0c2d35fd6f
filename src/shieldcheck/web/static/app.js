/* shieldcheck map app: draws what the server computed; computes no physics of its own.
   Every string from data is inserted with textContent (never innerHTML), so nothing in a scenario file
   or a URL can become markup. In a snapshot (body.snapshot) the data is embedded and no request is made. */
(function () {
  "use strict";

  // colours by route outcome; the words are the study's (study.status_captions), never the page's own
  var COLORS = { defended: "#1a7f37", not_defended: "#c62828", threat_cannot_reach: "#6e6e6e",
    threat_in_atmosphere: "#9c8a5a", threat_invalid: "#6e6e6e" };
  function caption(key) {
    var words = current.study && current.study.status_captions;
    return (words && words[key]) || String(key).replace(/_/g, " ");
  }
  function outcome(r) { return r ? (r.outcome || r.status) : "threat_cannot_reach"; }
  var snapshotEl = document.getElementById("snapshot-data");
  var SNAPSHOT = snapshotEl ? JSON.parse(snapshotEl.textContent) : null;

  var state = { scenario: "", variant: "base", params: {}, moved: {}, added: [], fp: null };
  var current = { study: null, layers: null, parameters: [], footprint: null, selected: null };
  var busy = 0;
  var seq = 0;
  var addMode = false;
  var fitted = false;

  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function fmt(v, digits) {
    if (v === null || v === undefined || (typeof v === "number" && !isFinite(v))) return "-";
    // rounded first, then + 0: -0.03 shows "0", never "-0"
    if (typeof v === "number") return (Number(v.toFixed(digits || 0)) + 0).toLocaleString("en-US", { maximumFractionDigits: digits || 0 });
    return String(v);
  }
  function setStatus(text, isError) {
    var s = $("status");
    s.textContent = text;
    s.className = isError ? "error" : "";
  }

  // ------------------------------------------------------------------ view state <-> URL and request
  function sets() {
    var out = [];
    Object.keys(state.params).forEach(function (p) { out.push(p + "=" + state.params[p]); });
    Object.keys(state.moved).forEach(function (n) {
      out.push("interceptor_sites." + n + ".place=" + state.moved[n]);
    });
    return out;
  }
  function viewBody() {
    return {
      scenario: state.scenario,
      variant: state.variant,
      sets: sets(),
      add_sites: state.added.map(function (s) {
        return { name: s.name, latitude_deg: s.lat, longitude_deg: s.lon };
      }),
    };
  }
  function readURL() {
    var q = new URLSearchParams(window.location.search);
    state.scenario = q.get("scenario") || "";
    state.variant = q.get("variant") || "base";
    state.params = {};
    state.moved = {};
    q.getAll("set").forEach(function (s) {
      var i = s.indexOf("=");
      if (i < 1) return;
      var path = s.slice(0, i), value = s.slice(i + 1);
      var m = /^interceptor_sites\.([^.]+)\.place$/.exec(path);
      if (m) state.moved[m[1]] = value; else state.params[path] = value;
    });
    state.added = q.getAll("add").map(function (a) {
      var m = /^([A-Za-z0-9][A-Za-z0-9._-]*)@(-?[0-9.]+),(-?[0-9.]+)$/.exec(a);
      return m ? { name: m[1], lat: parseFloat(m[2]), lon: parseFloat(m[3]) } : null;
    }).filter(Boolean);
    var fp = q.get("fp");
    if (fp) {
      var p = fp.split(":");
      if (p.length === 4) state.fp = { kind: p[0], threat: p[1], place: p[2], res: p[3] };
    }
  }
  function writeURL() {
    var q = new URLSearchParams();
    q.set("scenario", state.scenario);
    q.set("variant", state.variant);
    sets().forEach(function (s) { q.append("set", s); });
    state.added.forEach(function (s) { q.append("add", s.name + "@" + s.lat.toFixed(4) + "," + s.lon.toFixed(4)); });
    if (state.fp) q.set("fp", [state.fp.kind, state.fp.threat, state.fp.place, state.fp.res].join(":"));
    var url = window.location.pathname + "?" + q.toString();
    window.history.replaceState(null, "", url);
    $("permalink").href = url;
  }

  // one request in flight per lane: a newer one aborts the older (the server then stops its work)
  var lanes = {};
  function post(path, body, lane) {
    var opts = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    if (lane) {
      if (lanes[lane]) lanes[lane].abort();
      lanes[lane] = new AbortController();
      opts.signal = lanes[lane].signal;
    }
    return fetch(path, opts).then(function (r) {
      if (!r.ok) {
        return r.json().catch(function () { return { error: r.status + " " + r.statusText }; })
          .then(function (j) { throw new Error(j.error || (r.status + " " + r.statusText)); });
      }
      return r;
    });
  }
  function postJSON(path, body, lane) { return post(path, body, lane).then(function (r) { return r.json(); }); }

  // ------------------------------------------------------------------ map
  var map = L.map("map", { worldCopyJump: false, preferCanvas: false, minZoom: 1, maxZoom: 9 })
    .setView([48, 20], 3);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth · Leaflet");
  var base = L.layerGroup().addTo(map);
  var overlay = L.layerGroup().addTo(map);
  var fpLayer = L.layerGroup().addTo(map);
  var siteLayer = L.layerGroup().addTo(map);

  function drawBase(land, borders) {
    base.clearLayers();
    L.geoJSON(land, { interactive: false, style: { color: "#6b6b5a", weight: 0.6, fillColor: "#efeadc", fillOpacity: 1 } }).addTo(base);
    L.geoJSON(borders, { interactive: false, style: { color: "#8a8a8a", weight: 0.6, dashArray: "2,2" } }).addTo(base);
  }

  function tooltip(lines) {
    var d = el("div");
    lines.forEach(function (line, i) { var p = el(i === 0 ? "strong" : "div", line); d.appendChild(p); });
    return d;
  }

  function routeStatus() {
    var out = {};
    if (!current.study) return out;
    current.study.routes.forEach(function (r) { out[r.threat + "|" + r.launch + "|" + r.target] = r; });
    return out;
  }

  function splitAntimeridian(lats, lons) {
    var parts = [[]];
    for (var i = 0; i < lats.length; i++) {
      if (i > 0 && Math.abs(lons[i] - lons[i - 1]) > 180) parts.push([]);
      parts[parts.length - 1].push([lats[i], lons[i]]);
    }
    return parts;
  }

  function drawOverlay() {
    overlay.clearLayers();
    var layers = current.layers;
    if (!layers) return;
    var routes = routeStatus();
    layers.radars.forEach(function (r) {
      if (r.coverage.length > 2) {
        L.polygon(r.coverage, { color: "#0b4f8a", weight: 1, fillOpacity: 0.06, interactive: false }).addTo(overlay);
      }
    });
    layers.tracks.forEach(function (t) {
      if (!t.latitude_deg) return;
      var r = routes[t.threat + "|" + t.launch + "|" + t.target];
      var status = outcome(r);
      splitAntimeridian(t.latitude_deg, t.longitude_deg).forEach(function (part) {
        L.polyline(part, { color: COLORS[status], weight: 1.5, opacity: 0.8 })
          .bindTooltip(tooltip([t.launch + " → " + t.target, t.threat, caption(status)]), { sticky: true })
          .on("click", function () { selectRoute(r || { threat: t.threat, launch: t.launch, target: t.target }); })
          .addTo(overlay);
      });
    });
    var targetStatus = {};
    Object.keys(routes).forEach(function (k) {
      var r = routes[k], prev = targetStatus[r.target];
      var rank = { not_defended: 2, defended: 1, threat_in_atmosphere: 0, threat_invalid: 0, threat_cannot_reach: 0 };
      if (prev === undefined || rank[outcome(r)] > rank[prev]) targetStatus[r.target] = outcome(r);
    });
    layers.sites.forEach(function (s) {
      if (s.kind === "radar") {
        L.circleMarker([s.latitude_deg, s.longitude_deg], { radius: 5, color: "#0b4f8a", fillColor: "#fff", fillOpacity: 1, weight: 2 })
          .bindTooltip(tooltip([s.label || s.name, "radar"])).addTo(overlay);
      } else if (s.kind === "launch") {
        L.circleMarker([s.latitude_deg, s.longitude_deg], { radius: 5, color: "#000", fillColor: "#ffb300", fillOpacity: 1, weight: 1 })
          .bindTooltip(tooltip([s.label || s.name, "launch area"])).addTo(overlay);
      } else if (s.kind === "target") {
        var st = targetStatus[s.name] || "threat_cannot_reach";
        L.circleMarker([s.latitude_deg, s.longitude_deg], { radius: 6, color: "#000", fillColor: COLORS[st], fillOpacity: 1, weight: 1 })
          .bindTooltip(tooltip([s.label || s.name, "target: " + caption(st) + " (worst route)"])).addTo(overlay);
      }
    });
    drawSites();
    drawBoostPhase();
  }

  function drawSites() {
    siteLayer.clearLayers();
    var layers = current.layers;
    if (!layers) return;
    var live = !SNAPSHOT;
    layers.sites.filter(function (s) { return s.kind === "interceptor_site"; }).forEach(function (s) {
      var pos = [s.latitude_deg, s.longitude_deg];
      if (state.moved[s.name]) pos = state.moved[s.name].split(",").map(parseFloat);
      siteMarker(s.name, pos, false, live);
    });
    state.added.forEach(function (a) { siteMarker(a.name, [a.lat, a.lon], true, live); });
    if (live) fillSitePicker();
  }

  function sitePositions() {
    var out = [];
    (current.layers ? current.layers.sites : []).filter(function (s) { return s.kind === "interceptor_site"; })
      .forEach(function (s) {
        var pos = [s.latitude_deg, s.longitude_deg];
        if (state.moved[s.name]) pos = state.moved[s.name].split(",").map(parseFloat);
        out.push({ name: s.name, lat: pos[0], lon: pos[1], added: false });
      });
    state.added.forEach(function (a) { out.push({ name: a.name, lat: a.lat, lon: a.lon, added: true }); });
    return out;
  }

  function moveSite(name, lat, lon) {
    lat = Math.max(-90, Math.min(90, lat));
    lon = ((lon + 540) % 360) - 180;
    var added = state.added.filter(function (a) { return a.name === name; })[0];
    if (added) { added.lat = lat; added.lon = lon; } else { state.moved[name] = lat.toFixed(4) + "," + lon.toFixed(4); }
    return refresh(false);
  }

  function fillSitePicker(selected) {
    var sel = $("site-pick"), all = sitePositions();
    var name = selected || sel.value || (all[0] && all[0].name);
    fillSelect(sel, all.map(function (s) { return s.name; }), name);
    var s = all.filter(function (x) { return x.name === sel.value; })[0];
    if (s) { $("site-lat").value = s.lat.toFixed(4); $("site-lon").value = s.lon.toFixed(4); }
  }

  var keyFocus = null, keyTimer = null;
  function siteMarker(name, pos, added, live) {
    var icon = L.divIcon({ className: "site-icon" + (added ? " added" : ""), iconSize: [14, 14] });
    var hint = live ? " (drag, or focus and use the arrow keys, to move)" : "";
    var m = L.marker(pos, { icon: icon, draggable: live, title: "interceptor site " + name + hint, alt: name, keyboard: true })
      .bindTooltip(tooltip([name, "interceptor site" + (live ? " (drag to move)" : "")]));
    m.on("dragend", function () {
      var ll = m.getLatLng();
      moveSite(name, ll.lat, ll.lng);
    });
    m.addTo(siteLayer);
    if (!live) return;
    var node = m.getElement();
    node.setAttribute("aria-label", "interceptor site " + name + ": arrow keys move it");
    node.addEventListener("focus", function () { keyFocus = name; fillSitePicker(name); });
    node.addEventListener("focusout", function (e) { if (e.relatedTarget) keyFocus = null; });
    node.addEventListener("keydown", function (e) {
      var d = e.shiftKey ? 2 : 0.5;
      var step = { ArrowUp: [d, 0], ArrowDown: [-d, 0], ArrowLeft: [0, -d], ArrowRight: [0, d] }[e.key];
      if (!step) return;
      e.preventDefault();
      e.stopPropagation();  // the map would pan
      var ll = m.getLatLng();
      m.setLatLng([Math.max(-90, Math.min(90, ll.lat + step[0])), ll.lng + step[1]]);
      $("site-lat").value = m.getLatLng().lat.toFixed(4);
      $("site-lon").value = m.getLatLng().lng.toFixed(4);
      clearTimeout(keyTimer);  // a burst of presses is one move
      keyTimer = setTimeout(function () { var p = m.getLatLng(); moveSite(name, p.lat, p.lng); }, 400);
    });
    if (keyFocus === name) node.focus();  // a redraw after a keyboard move keeps the focus
  }

  map.on("click", function (e) {
    if (!addMode || SNAPSHOT) return;
    var n = 1;
    var names = {};
    state.added.forEach(function (a) { names[a.name] = true; });
    while (names["added-" + n]) n++;
    state.added.push({ name: "added-" + n, lat: e.latlng.lat, lon: ((e.latlng.lng + 540) % 360) - 180 });
    setAddMode(false);
    refresh(false);
  });
  function setAddMode(on) {
    addMode = on;
    $("add-site").setAttribute("aria-pressed", on ? "true" : "false");
  }

  // ------------------------------------------------------------------ panel
  function drawLegend() {
    // one entry per route outcome, in the study's words (an outcome no route has is still listed)
    var ul = $("legend");
    ul.textContent = "";
    ["defended", "not_defended", "threat_cannot_reach", "threat_in_atmosphere", "threat_invalid"].forEach(function (k) {
      var li = el("li");
      li.dataset.outcome = k;
      var sw = el("span", "", "swatch");
      sw.style.background = COLORS[k];
      li.appendChild(sw);
      li.appendChild(document.createTextNode(" " + caption(k)));
      ul.appendChild(li);
    });
  }

  function drawAnswers() {
    var s = current.study;
    $("title").textContent = s.title;
    $("question").textContent = s.question;
    // how the threats were flown is the study's to say (kinematic, staged or both), not the page's
    $("model-note").textContent = "Model estimates from public figures (" + s.model_note +
      "; interceptors: kinematic reach, no homing), not measurements. Every number has its source in " +
      "the scenario file.";
    drawLegend();
    var ul = $("groups");
    ul.textContent = "";
    s.groups.forEach(function (g) {
      var li = el("li");
      li.dataset.threat = g.threat;
      li.appendChild(el("strong", g.threat));
      li.appendChild(document.createTextNode(": "));
      var c = el("span", g.routes_defended, "count");
      c.dataset.testid = "defended-" + g.threat;
      li.appendChild(c);
      li.appendChild(document.createTextNode(" of " + g.routes + " routes defended (" + g.routes_reachable + " reachable)"));
      ul.appendChild(li);
    });
    var ov = sets().concat(state.added.map(function (a) { return "added site " + a.name; }));
    $("overrides").textContent = "Variant: " + s.variant + (ov.length ? ". Overrides: " + ov.join("; ") : ". No overrides.");
  }

  function drawRoutes() {
    var tb = document.querySelector("#routes tbody");
    tb.textContent = "";
    current.study.routes.forEach(function (r) {
      var tr = el("tr");
      var td = el("td");
      var b = el("button", r.threat, "route");
      b.type = "button";
      b.setAttribute("aria-label", r.threat + ": details of " + r.launch + " to " + r.target);
      b.addEventListener("click", function () { selectRoute(r); });
      td.appendChild(b);
      tr.appendChild(td);
      tr.appendChild(el("td", r.launch));
      tr.appendChild(el("td", r.target));
      tr.appendChild(el("td", caption(outcome(r)), "status-" + r.status));
      tr.appendChild(el("td", r.best_site || "-"));
      tr.appendChild(el("td", fmt(r.window_s)));
      tr.appendChild(el("td", r.reason || ""));
      tr.dataset.route = r.threat + "|" + r.launch + "|" + r.target;
      tb.appendChild(tr);
    });
  }

  var SVGNS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function selectRoute(route) {
    current.selected = route.threat + "|" + route.launch + "|" + route.target;
    document.querySelectorAll("#routes tr").forEach(function (tr) {
      tr.classList.toggle("selected", tr.dataset.route === current.selected);
    });
    var rows = current.study.rows.filter(function (r) {
      return r.threat === route.threat && r.launch === route.launch && r.target === route.target;
    });
    var track = (current.layers ? current.layers.tracks : []).filter(function (t) {
      return t.threat === route.threat && t.launch === route.launch && t.target === route.target;
    })[0];
    var det = $("detail");
    det.hidden = false;
    $("detail-h").textContent = route.launch + " → " + route.target + " (" + route.threat + "): " +
      (route.status ? caption(outcome(route)) : "");
    var best = rows.filter(function (r) { return r.site === route.best_site; })[0] || rows[0];
    drawTimeline(best);
    drawProfile(track, best);
    var ul = $("reasons");
    ul.textContent = "";
    if (!SNAPSHOT) {
      var key = current.selected;
      postJSON("/api/thresholds", viewBody()).then(function (st) {
        if (current.selected !== key) return;
        st.thresholds.filter(function (t) {
          return t.threat === route.threat && t.launch === route.launch && t.target === route.target && t.site === "";
        }).forEach(function (t) {
          ul.appendChild(el("li", t.threshold_status === "found"
            ? "least interceptor burnout speed for a window (any site): " + fmt(t.threshold_speed_km_s, 2) + " km/s" + (t.tail_chase ? ", tail chase" : "")
            : "threshold speed: " + caption(t.threshold_status), "threshold"));
        });
      }).catch(function () { /* the answers above stand without it */ });
    }
    rows.forEach(function (r) {
      var text = r.site + ": " + (r.engageable
        ? "window " + fmt(r.window_start_s) + "–" + fmt(r.window_end_s) + " s, " + fmt(r.time_to_decide_s) + " s to decide, " + r.shots + " shot(s)"
        : r.reason);
      ul.appendChild(el("li", text));
    });
  }

  function drawTimeline(row) {
    var box = $("timeline");
    box.textContent = "";
    if (!row) return;
    var end = row.threat_flight_time_s || 1;
    var W = 420, H = 120, x = function (t) { return 10 + (W - 20) * Math.max(0, Math.min(1, t / end)); };
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img",
      "aria-label": "Kill-chain timeline, seconds after threat launch" });
    s.appendChild(svg("title", {}, "Kill-chain timeline, seconds after threat launch"));
    s.appendChild(svg("line", { x1: x(0), x2: x(end), y1: 60, y2: 60, stroke: "#333" }));
    if (row.engageable && row.window_start_s !== null) {
      s.appendChild(svg("rect", { x: x(row.window_start_s), y: 52, width: Math.max(1, x(row.window_end_s) - x(row.window_start_s)), height: 16, fill: "#1a7f37", opacity: 0.5 }));
    }
    var events = [
      ["warning", row.early_warning_s], ["radar", row.radar_detection_s], ["track", row.track_s],
      ["decision", row.fire_decision_s], ["launch", row.earliest_launch_s], ["window", row.window_start_s],
      ["latest launch", row.latest_launch_s], ["impact", row.threat_flight_time_s],
    ];
    events.forEach(function (ev, i) {
      if (ev[1] === null || ev[1] === undefined) return;
      var up = i % 2 === 0;
      s.appendChild(svg("line", { x1: x(ev[1]), x2: x(ev[1]), y1: up ? 40 : 60, y2: up ? 60 : 80, stroke: "#333" }));
      s.appendChild(svg("text", { x: x(ev[1]), y: up ? 36 : 92, "text-anchor": "middle" }, ev[0] + " " + fmt(ev[1])));
    });
    box.appendChild(el("h3", "Kill-chain timeline (s after launch)"));
    box.appendChild(s);
  }

  function drawProfile(track, row) {
    var box = $("profile");
    box.textContent = "";
    if (!track || !track.t_s) return;
    var W = 420, H = 140, tmax = track.t_s[track.t_s.length - 1] || 1;
    var amax = Math.max.apply(null, track.altitude_km) || 1;
    var x = function (t) { return 40 + (W - 50) * t / tmax; };
    var y = function (a) { return H - 20 - (H - 30) * a / amax; };
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img", "aria-label": "Threat altitude profile" });
    s.appendChild(svg("title", {}, "Threat altitude (km) against time (s)"));
    if (row && row.engageable && row.window_start_s !== null) {
      s.appendChild(svg("rect", { x: x(row.window_start_s), y: 10, width: Math.max(1, x(row.window_end_s) - x(row.window_start_s)), height: H - 30, fill: "#1a7f37", opacity: 0.2 }));
    }
    var pts = track.t_s.map(function (t, i) { return x(t).toFixed(1) + "," + y(track.altitude_km[i]).toFixed(1); }).join(" ");
    s.appendChild(svg("polyline", { points: pts, fill: "none", stroke: "#c62828", "stroke-width": 1.5 }));
    s.appendChild(svg("line", { x1: 40, x2: W - 10, y1: H - 20, y2: H - 20, stroke: "#333" }));
    s.appendChild(svg("line", { x1: 40, x2: 40, y1: 10, y2: H - 20, stroke: "#333" }));
    s.appendChild(svg("text", { x: 36, y: 16, "text-anchor": "end" }, fmt(amax) + " km"));
    s.appendChild(svg("text", { x: W - 10, y: H - 6, "text-anchor": "end" }, fmt(tmax) + " s"));
    box.appendChild(el("h3", "Altitude profile (window shaded)"));
    box.appendChild(s);
  }

  // ------------------------------------------------------------------ controls
  function fillSelect(sel, values, selected) {
    sel.textContent = "";
    values.forEach(function (v) {
      var o = el("option", v);
      o.value = v;
      if (v === selected) o.selected = true;
      sel.appendChild(o);
    });
  }

  function drawParams() {
    var fs = $("params");
    Array.prototype.slice.call(fs.querySelectorAll(".param")).forEach(function (n) { n.remove(); });
    current.parameters.forEach(function (p, i) {
      var d = el("div", null, "param");
      var id = "param-" + i;
      var lab = el("label", p.path + " (" + p.unit + ")");
      lab.htmlFor = id;
      var num = el("input");
      num.type = "number"; num.id = id; num.min = p.min; num.max = p.max; num.step = "any";
      num.value = state.params[p.path] !== undefined ? state.params[p.path] : p.value;
      num.dataset.path = p.path;
      var rng = el("input");
      rng.type = "range"; rng.min = p.min; rng.max = p.max; rng.step = p.step; rng.value = num.value;
      rng.setAttribute("aria-label", p.path + " slider");
      var src = el("span", "source: " + p.source, "src");
      function apply(v) {
        if (v === "" || !isFinite(Number(v))) return;
        if (state.params[p.path] === String(v)) return;  // a late native 'change' (on blur) repeats it
        state.params[p.path] = String(v);
        refresh(/^(radars|early_warning)\./.test(p.path));
      }
      num.addEventListener("change", function () { rng.value = num.value; apply(num.value); });
      rng.addEventListener("change", function () { num.value = rng.value; apply(rng.value); });
      d.appendChild(lab); d.appendChild(num); d.appendChild(rng); d.appendChild(src);
      fs.appendChild(d);
    });
  }

  function fillFootprintPickers() {
    var threats = [], places = {};
    current.study.routes.forEach(function (r) {
      if (threats.indexOf(r.threat) < 0) threats.push(r.threat);
    });
    var kind = $("fp-kind").value;
    var threat = $("fp-threat").value || (state.fp && state.fp.threat) || threats[0];
    fillSelect($("fp-threat"), threats, threat);
    current.study.routes.forEach(function (r) {
      if (r.threat === $("fp-threat").value) places[kind === "defended_area" ? r.launch : r.target] = true;
    });
    fillSelect($("fp-place"), Object.keys(places), state.fp ? state.fp.place : undefined);
  }

  // ------------------------------------------------------------------ data flow
  function refresh(withLayers) {
    writeURL();
    var my = ++seq;
    busy++;
    setStatus("computing…");
    var body = viewBody();
    var jobs = [postJSON("/api/study", body, "study")];
    if (withLayers || !current.layers) jobs.push(postJSON("/api/layers", body, "layers"));
    return Promise.all(jobs).then(function (res) {
      if (my !== seq) return;
      current.study = res[0];
      if (res[1]) {
        var first = !current.layers && !fitted;
        current.layers = res[1];
        if (first) {
          fitted = true;
          map.fitBounds(L.latLngBounds(res[1].sites.map(function (x) { return [x.latitude_deg, x.longitude_deg]; })).pad(0.05));
        }
      }
      drawAnswers();
      drawRoutes();
      drawOverlay();
      fillFootprintPickers();
      if (current.selected) {
        var r = current.study.routes.filter(function (x) { return x.threat + "|" + x.launch + "|" + x.target === current.selected; })[0];
        if (r) selectRoute(r);
      }
      if (state.fp) return drawFootprint();
    }).then(function () {
      if (my === seq) { setStatus("ready: " + current.study.routes.length + " routes"); document.body.dataset.ready = String(my); }
    }).catch(function (err) {
      if (my === seq && err.name !== "AbortError") setStatus(String(err.message || err), true);
    }).finally(function () { busy--; });
  }

  function footprintSpec() {
    var b = { kind: state.fp.kind, threat: state.fp.threat, place: state.fp.place, resolution_deg: parseFloat(state.fp.res) };
    // the grid covers the group's targets (defended area) or launch areas (launch area), padded 10°
    var kind = state.fp.kind === "defended_area" ? "target" : "launch", names = {};
    current.study.routes.forEach(function (r) { if (r.threat === state.fp.threat) names[r[kind]] = true; });
    var pts = current.layers.sites.filter(function (x) { return x.kind === kind && names[x.name]; });
    if (pts.length) {
      var lats = pts.map(function (x) { return x.latitude_deg; }), lons = pts.map(function (x) { return x.longitude_deg; });
      b.lat_min_deg = Math.max(-90, Math.floor(Math.min.apply(null, lats)) - 10);
      b.lat_max_deg = Math.min(90, Math.ceil(Math.max.apply(null, lats)) + 10);
      b.lon_min_deg = Math.max(-180, Math.floor(Math.min.apply(null, lons)) - 10);
      b.lon_max_deg = Math.min(180, Math.ceil(Math.max.apply(null, lons)) + 10);
    }
    return b;
  }

  function drawFootprintLayer(gj) {
    current.footprint = gj;
    fpLayer.clearLayers();
    L.geoJSON(gj, { interactive: false, style: { color: "#1a7f37", weight: 1, fillOpacity: 0.25 } }).addTo(fpLayer);
  }

  function drawFootprint() {
    if (!state.fp) { fpLayer.clearLayers(); return Promise.resolve(); }
    var b = viewBody(), spec = footprintSpec();
    Object.keys(spec).forEach(function (k) { b[k] = spec[k]; });
    setStatus("computing footprint…");
    return postJSON("/api/footprint", b, "footprint").then(drawFootprintLayer);
  }

  function loadScenario(reset) {
    if (reset) { state.params = {}; state.moved = {}; state.added = []; state.fp = null; fpLayer.clearLayers(); }
    current.layers = null;
    current.selected = null;
    $("detail").hidden = true;
    return postJSON("/api/parameters", viewBody()).then(function (p) {
      current.parameters = p;
      drawParams();
      return refresh(true);
    }).catch(function (err) { setStatus(String(err.message || err), true); });
  }

  function download(name, type, text) {
    var blob = text instanceof Blob ? text : new Blob([text], { type: type });
    var a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function csv(rows) {
    if (!rows.length) return "";
    var cols = Object.keys(rows[0]);
    var q = function (v) {
      if (v === null || v === undefined) return "";
      var s = Array.isArray(v) ? v.join(";") : String(v);
      return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    };
    return cols.join(",") + "\n" + rows.map(function (r) { return cols.map(function (c) { return q(r[c]); }).join(","); }).join("\n") + "\n";
  }
  function geojson() {
    // the server's export document (shieldcheck.report.exports.geojson_document: RFC 7946, cut at the
    // antimeridian), plus the footprint drawn on the map; the page builds no geometry of its own
    var doc = JSON.parse(JSON.stringify(current.layers.geojson));
    if (state.fp && current.footprint) current.footprint.features.forEach(function (x) { doc.features.push(x); });
    doc.sets = sets();
    return JSON.stringify(doc);
  }

  function wire() {
    $("scenario").addEventListener("change", function () { state.scenario = $("scenario").value; state.variant = "base"; loadVariants(); loadScenario(true); });
    $("variant").addEventListener("change", function () { state.variant = $("variant").value; loadScenario(false); });
    $("reset").addEventListener("click", function () { loadScenario(true); });
    $("add-site").addEventListener("click", function () { setAddMode(!addMode); setStatus(addMode ? "click the map to place a site" : ""); });
    $("site-pick").addEventListener("change", function () { fillSitePicker($("site-pick").value); });
    $("site-move-btn").addEventListener("click", function () {
      var lat = Number($("site-lat").value), lon = Number($("site-lon").value);
      if ($("site-lat").value === "" || !isFinite(lat) || lat < -90 || lat > 90) {
        setStatus("latitude must be within [-90, 90], got " + ($("site-lat").value || "nothing"), true); return;
      }
      if ($("site-lon").value === "" || !isFinite(lon) || lon < -180 || lon > 180) {
        setStatus("longitude must be within [-180, 180], got " + ($("site-lon").value || "nothing"), true); return;
      }
      moveSite($("site-pick").value, lat, lon);
    });
    ["site-lat", "site-lon"].forEach(function (id) {
      $(id).addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); $("site-move-btn").click(); } });
    });
    $("fp-kind").addEventListener("change", fillFootprintPickers);
    $("fp-threat").addEventListener("change", fillFootprintPickers);
    $("fp-draw").addEventListener("click", function () {
      state.fp = { kind: $("fp-kind").value, threat: $("fp-threat").value, place: $("fp-place").value, res: $("fp-res").value };
      writeURL();
      drawFootprint().then(function () { setStatus("footprint drawn"); }).catch(function (e) {
        if (e.name !== "AbortError") setStatus(String(e.message || e), true);  // a newer footprint replaced it
      });
    });
    $("fp-clear").addEventListener("click", function () { state.fp = null; current.footprint = null; fpLayer.clearLayers(); writeURL(); });
    $("dl-csv").addEventListener("click", function () { download(state.scenario + "-" + state.variant + "-routes.csv", "text/csv", csv(current.study.routes)); });
    $("dl-geojson").addEventListener("click", function () { download(state.scenario + "-" + state.variant + ".geojson", "application/geo+json", geojson()); });
    $("dl-snapshot").addEventListener("click", function () {
      var body = viewBody();
      if (state.fp) body.footprint = footprintSpec();
      post("/api/snapshot", body).then(function (r) { return r.blob(); })
        .then(function (b) { download(state.scenario + "-" + state.variant + ".html", "text/html", b); })
        .catch(function (e) { setStatus(String(e.message || e), true); });
    });
  }

  // ------------------------------------------------------------------ boost-phase layer (issue 10)
  // The study's boost_phase records and basing_zones (POST /api/study), drawn as they are: no numbers here.
  var bpLayer = L.layerGroup().addTo(map);
  var bpShown = false;
  function drawBoostPhase() {
    bpLayer.clearLayers();
    var s = current.study, recs = (s && s.boost_phase) || [], zones = (s && s.basing_zones) || [];
    $("boost-phase").hidden = recs.length === 0;
    var list = $("bp-list");
    while (list.firstChild) list.removeChild(list.firstChild);
    var bases = {}, order = [];
    recs.forEach(function (r) {
      if (!bases[r.base]) { bases[r.base] = { rec: r, n: 0, ok: 0 }; order.push(r.base); }
      bases[r.base].n++;
      if (r.status === "engageable") bases[r.base].ok++;
    });
    order.forEach(function (name) {
      var b = bases[name], r = b.rec;
      list.appendChild(el("li", (r.base_label || name) + " (" + r.platform + ", " + fmt(r.interceptor_speed_km_s, 1) + " km/s): " +
        b.ok + " of " + b.n + " routes before burnout"));
    });
    zones.forEach(function (z) { list.appendChild(el("li", z.caption)); });
    if (!bpShown) return;
    zones.forEach(function (z) {
      L.geoJSON(z.geojson, { style: { color: "#d81b60", weight: 1.5, fillColor: "#d81b60", fillOpacity: 0.15, className: "bp-zone" } })
        .bindTooltip(tooltip(["basing zone: " + z.threat, z.cells_engageable + " of " + z.cells + " cells (" + (z.base_label || z.base) + "'s interceptor)"]), { sticky: true })
        .addTo(bpLayer);
    });
    order.forEach(function (name) {
      var b = bases[name], r = b.rec;
      L.circleMarker([r.base_latitude_deg, r.base_longitude_deg], { radius: 6, color: "#000", fillColor: "#d81b60", fillOpacity: 1, weight: 1, className: "bp-base" })
        .bindTooltip(tooltip([r.base_label || name, r.platform + " base, " + fmt(r.interceptor_speed_km_s, 1) + " km/s interceptor",
          b.ok + " of " + b.n + " routes engageable before burnout (estimate)"]))
        .addTo(bpLayer);
    });
  }
  $("bp-show").addEventListener("change", function () {
    bpShown = $("bp-show").checked;
    drawBoostPhase();
    var pts = ((current.study && current.study.boost_phase) || []).map(function (r) { return [r.base_latitude_deg, r.base_longitude_deg]; });
    ((current.study && current.study.basing_zones) || []).forEach(function (z) {
      pts.push([z.bounds_deg[0], z.bounds_deg[2]], [z.bounds_deg[1], z.bounds_deg[3]]);
    });
    if (bpShown && pts.length) map.fitBounds(L.latLngBounds(pts).pad(0.1));  // show the layer just turned on
  });

  var scenarios = [];
  function loadVariants() {
    var s = scenarios.filter(function (x) { return x.name === state.scenario; })[0];
    fillSelect($("variant"), s ? s.variants : ["base"], state.variant);
  }

  function start() {
    if (SNAPSHOT) {
      drawBase(SNAPSHOT.map.land, SNAPSHOT.map.borders);
      state.scenario = SNAPSHOT.view.scenario;
      state.variant = SNAPSHOT.view.variant;
      state.added = (SNAPSHOT.view.add_sites || []).map(function (a) { return { name: a[0], lat: a[1], lon: a[2] }; });
      (SNAPSHOT.view.sets || []).forEach(function (s) {
        var i = s.indexOf("="), path = s.slice(0, i), m = /^interceptor_sites\.([^.]+)\.place$/.exec(path);
        if (m) state.moved[m[1]] = s.slice(i + 1); else state.params[path] = s.slice(i + 1);
      });
      current.study = SNAPSHOT.study;
      current.layers = SNAPSHOT.layers;
      drawAnswers(); drawRoutes(); drawOverlay();
      if (SNAPSHOT.footprint) drawFootprintLayer(SNAPSHOT.footprint);
      map.fitBounds(L.latLngBounds(current.layers.sites.map(function (x) { return [x.latitude_deg, x.longitude_deg]; })).pad(0.05));
      setStatus("snapshot of " + state.scenario + " (" + state.variant + "); static, no server");
      document.body.dataset.ready = "snapshot";
      return;
    }
    wire();
    readURL();
    Promise.all([
      fetch("/static/vendor/mapdata/land.geojson").then(function (r) { return r.json(); }),
      fetch("/static/vendor/mapdata/borders.geojson").then(function (r) { return r.json(); }),
      fetch("/api/scenarios").then(function (r) { return r.json(); }),
    ]).then(function (res) {
      drawBase(res[0], res[1]);
      scenarios = res[2];
      // the scenario in the URL, else the server's default (named on its command line, else the flagship)
      var first = scenarios.filter(function (s) { return s.default; })[0] || scenarios[0];
      fillSelect($("scenario"), scenarios.map(function (s) { return s.name; }), state.scenario || first.name);
      state.scenario = $("scenario").value;
      loadVariants();
      state.variant = $("variant").value;
      return loadScenario(false);
    }).catch(function (err) { setStatus(String(err.message || err), true); });
  }
  start();
})();
