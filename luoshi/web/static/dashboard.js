/* The dashboard's charts (ECharts, vendored in /static/vendor): drawn from the figures in the page's JSON
   block (the same dict /api/dashboard returns). Every slice, bar and month opens the list it counts: the
   figures carry those links, so this script never builds a ledger query itself. */
(function () {
  "use strict";

  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var INK = "#1f2937", MUTED = "#6b7280", LINE = "#e5e7eb";
  var WARNING = { red: "#c62828", yellow: "#e0a200", green: "#2e8b57" };
  var STATE = { draft: "#b39ddb", confirmed: "#7fa7e0", assigned: "#f0b44c", in_progress: "#e08a1e",
                completion_requested: "#2bb3a3", done: "#2e8b57", cancelled: "#b0b6bf" };
  var TARGET = { achieved: "#2e8b57", on_track: "#5b9bd5", behind: "#e0a200", missed: "#c62828", no_data: "#b0b6bf" };
  var TARGET_ORDER = ["achieved", "on_track", "behind", "missed", "no_data"];
  var SUGGESTION = { registered: "#b0b6bf", assigned: "#e08a1e", replied: "#5b9bd5", rehandling: "#c62828",
                     closed: "#2e8b57" };
  var SATISFACTION = { satisfied: "#2e8b57", basically_satisfied: "#5b9bd5", dissatisfied: "#c62828" };

  var numbers = new Intl.NumberFormat("zh-CN");
  function n(x) { return numbers.format(x); }
  function pct(part, whole) { return whole ? (100 * part / whole).toFixed(1) + "%" : "—"; }
  function sum(list, key) { return list.reduce(function (s, e) { return s + e[key]; }, 0); }

  function base(extra) {
    var option = {
      textStyle: { fontFamily: FONT, color: INK },
      animationDuration: 400,
      // Tooltips are drawn on the canvas: the page's CSP allows no inline styles for HTML tooltips.
      tooltip: { renderMode: "richText", confine: true, backgroundColor: "rgba(31,41,55,.92)", borderWidth: 0,
                 textStyle: { color: "#fff", fontSize: 12 } }
    };
    Object.keys(extra).forEach(function (k) { option[k] = extra[k]; });
    return option;
  }

  function empty(text) {
    return { type: "text", left: "center", top: "middle", silent: true,
             style: { text: text || "暂无数据", fill: "#9ca3af", fontSize: 14, fontFamily: FONT } };
  }

  function valueAxis() {
    return { type: "value", minInterval: 1, axisLabel: { color: MUTED, fontSize: 11 },
             splitLine: { lineStyle: { color: LINE } } };
  }

  // -- the charts ------------------------------------------------------------------------------------

  function stateChart(d) {
    var shown = d.by_state.filter(function (e) { return e.count > 0; });
    var total = sum(d.by_state, "count");
    var counts = {};
    shown.forEach(function (e) { counts[e.label] = e.count; });
    return base({
      tooltip: base({}).tooltip,
      legend: { orient: "vertical", right: 4, top: "middle", itemWidth: 10, itemHeight: 10, itemGap: 10,
                textStyle: { fontSize: 12, color: INK },
                formatter: function (name) { return name + "  " + n(counts[name]); } },
      graphic: total ? [{ type: "group", left: "34%", top: "middle", bounding: "raw", children: [
        { type: "text", style: { text: n(total), x: 0, y: -10, fill: INK, fontSize: 26, fontWeight: 600,
                                 textAlign: "center", textVerticalAlign: "middle", fontFamily: FONT } },
        { type: "text", style: { text: "事项总数", x: 0, y: 16, fill: MUTED, fontSize: 12, textAlign: "center",
                                 textVerticalAlign: "middle", fontFamily: FONT } }] }] : [empty()],
      series: [{
        name: "事项状态", type: "pie", radius: ["44%", "66%"], center: ["34%", "50%"], avoidLabelOverlap: true,
        label: { show: false }, labelLine: { show: false },
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        tooltip: { formatter: function (p) { return p.name + "：" + n(p.value) + " 项（" + p.percent + "%）"; } },
        data: shown.map(function (e) {
          return { name: e.label, value: e.count, link: e.link, itemStyle: { color: STATE[e.key] } };
        })
      }]
    });
  }

  function warningChart(d) {
    var total = sum(d.by_warning, "count");
    return base({
      grid: { left: 8, right: 12, top: 34, bottom: 4, containLabel: true },
      tooltip: { trigger: "item", renderMode: "richText", backgroundColor: "rgba(31,41,55,.92)", borderWidth: 0,
                 textStyle: { color: "#fff", fontSize: 12 },
                 formatter: function (p) { return p.name + "：" + n(p.value) + " 项，占在办 " + pct(p.value, total); } },
      graphic: total ? [] : [empty("暂无在办事项")],
      xAxis: { type: "category", data: d.by_warning.map(function (e) { return e.label; }),
               axisTick: { show: false }, axisLine: { lineStyle: { color: LINE } },
               axisLabel: { color: INK, fontSize: 13 } },
      yAxis: valueAxis(),
      series: [{
        name: "预警", type: "bar", barWidth: "46%",
        label: { show: true, position: "top", color: INK, fontSize: 13, fontWeight: 600,
                 formatter: function (p) { return n(p.value) + " 项 · " + pct(p.value, total); } },
        data: d.by_warning.map(function (e) {
          return { name: e.label, value: e.count, link: e.link,
                   itemStyle: { color: WARNING[e.key], borderRadius: [3, 3, 0, 0] } };
        })
      }]
    });
  }

  function unitsChart(d) {
    var top = d.units.slice(0, 10).reverse();  // the most overdue at the top
    function series(name, key, colour, position) {
      return { name: name, type: "bar", stack: "late", barMaxWidth: 18,
               label: { show: true, position: position, color: position === "inside" ? "#fff" : INK, fontSize: 11,
                        formatter: function (p) { return p.value ? n(p.value) : ""; } },
               itemStyle: { color: colour },
               data: top.map(function (u) { return { value: u[key], link: u.links[key], name: u.name }; }) };
    }
    return base({
      legend: { top: 0, right: 8, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 12 } },
      grid: { left: 8, right: 28, top: 26, bottom: 4, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText",
                 backgroundColor: "rgba(31,41,55,.92)", borderWidth: 0, textStyle: { color: "#fff", fontSize: 12 },
                 formatter: function (ps) {
                   return ps[0].name + "\n" + ps.map(function (p) { return p.seriesName + " " + n(p.value) + " 项"; })
                     .join("  ");
                 } },
      graphic: top.length ? [] : [empty("暂无逾期或临期事项")],
      xAxis: valueAxis(),
      yAxis: { type: "category", data: top.map(function (u) { return u.name; }), axisTick: { show: false },
               axisLine: { lineStyle: { color: LINE } },
               axisLabel: { color: INK, fontSize: 12, width: 150, overflow: "truncate" } },
      series: [series("逾期", "overdue", WARNING.red, "inside"),
               series("临期（" + d.near_days + "日内到期）", "due_soon", WARNING.yellow, "right")]
    });
  }

  function trendChart(d) {
    var labels = d.trend.map(function (m, i) {
      var month = Number(m.month.slice(5));
      return (i === 0 || month === 1) ? m.month.slice(0, 4) + "年\n" + month + "月" : month + "月";
    });
    function bars(name, key, colour) {
      return { name: name, type: "bar", barGap: "10%", barMaxWidth: 22, itemStyle: { color: colour, borderRadius: [2, 2, 0, 0] },
               label: { show: true, position: "top", fontSize: 10, color: MUTED,
                        formatter: function (p) { return p.value ? n(p.value) : ""; } },
               data: d.trend.map(function (m) { return { value: m[key], link: m.link }; }) };
    }
    return base({
      legend: { top: 0, right: 8, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 12 } },
      grid: { left: 8, right: 12, top: 42, bottom: 4, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText",
                 backgroundColor: "rgba(31,41,55,.92)", borderWidth: 0, textStyle: { color: "#fff", fontSize: 12 },
                 formatter: function (ps) {
                   return d.trend[ps[0].dataIndex].label + "\n" +
                     ps.map(function (p) { return p.seriesName + " " + n(p.value) + " 项"; }).join("  ") +
                     "\n点击查看当月到期事项";
                 } },
      xAxis: { type: "category", data: labels, axisTick: { show: false }, axisLine: { lineStyle: { color: LINE } },
               axisLabel: { color: MUTED, fontSize: 11, hideOverlap: true } },
      yAxis: valueAxis(),
      series: [bars("新增事项", "created", "#5b7db1"), bars("办结事项", "completed", WARNING.green)]
    });
  }

  function targetsChart(d) {
    var t = d.targets;
    var by = {};
    t.by_status.forEach(function (e) { by[e.key] = e; });
    var rows = TARGET_ORDER.map(function (k) { return by[k]; }).filter(Boolean).reverse();
    return base({
      grid: { left: 8, right: 56, top: 8, bottom: 4, containLabel: true },
      tooltip: { trigger: "item", renderMode: "richText", backgroundColor: "rgba(31,41,55,.92)", borderWidth: 0,
                 textStyle: { color: "#fff", fontSize: 12 },
                 formatter: function (p) { return p.name + "：" + n(p.value) + " 项（" + pct(p.value, t.total) + "）"; } },
      graphic: t.total ? [] : [empty(t.year ? "暂无目标指标" : "尚未导入政府工作报告目标")],
      xAxis: valueAxis(),
      yAxis: { type: "category", data: rows.map(function (e) { return e.label; }), axisTick: { show: false },
               axisLine: { lineStyle: { color: LINE } }, axisLabel: { color: INK, fontSize: 12 } },
      series: [{
        name: "目标指标", type: "bar", barMaxWidth: 20,
        label: { show: true, position: "right", fontSize: 12, color: INK,
                 formatter: function (p) { return p.value ? n(p.value) + "  " + pct(p.value, t.total) : ""; } },
        data: rows.map(function (e) {
          return { name: e.label, value: e.count, link: e.link, itemStyle: { color: TARGET[e.key], borderRadius: [0, 3, 3, 0] } };
        })
      }]
    });
  }

  function suggestionsChart(d) {
    var s = d.suggestions;
    var rated = s.by_satisfaction.filter(function (e) { return e.key !== "pending"; });
    var evaluated = sum(rated, "count");
    var content = rated.filter(function (e) { return e.key !== "dissatisfied"; });
    var states = s.by_state.slice().reverse();
    var tip = { renderMode: "richText", backgroundColor: "rgba(31,41,55,.92)", borderWidth: 0,
                textStyle: { color: "#fff", fontSize: 12 } };
    return base({
      tooltip: Object.assign({ trigger: "item" }, tip),
      title: [{ text: "满意度", left: "24%", top: 0, textAlign: "center",
                textStyle: { fontSize: 12, color: MUTED, fontWeight: "normal", fontFamily: FONT } },
              { text: "办理状态", left: "72%", top: 0, textAlign: "center",
                textStyle: { fontSize: 12, color: MUTED, fontWeight: "normal", fontFamily: FONT } }],
      graphic: s.total ? [
        { type: "group", left: "24%", top: "52%", bounding: "raw", silent: true, children: [
          { type: "text", style: { text: evaluated ? pct(sum(content, "count"), evaluated) : "—", x: 0, y: -8,
                                   fill: INK, fontSize: 18, fontWeight: 600, textAlign: "center",
                                   textVerticalAlign: "middle", fontFamily: FONT } },
          { type: "text", style: { text: evaluated ? "满意率" : "尚无测评", x: 0, y: 13, fill: MUTED, fontSize: 11,
                                   textAlign: "center", textVerticalAlign: "middle", fontFamily: FONT } }] }
      ] : [empty("暂无代表建议")],
      legend: { bottom: 0, left: 0, width: "48%", itemWidth: 8, itemHeight: 8, itemGap: 6,
                textStyle: { fontSize: 11 }, data: rated.map(function (e) { return e.label; }) },
      grid: { left: "50%", right: 34, top: 24, bottom: 4, containLabel: true },
      xAxis: { type: "value", show: false },
      yAxis: { type: "category", data: states.map(function (e) { return e.label; }), axisTick: { show: false },
               axisLine: { lineStyle: { color: LINE } }, axisLabel: { color: INK, fontSize: 12 } },
      series: [{
        name: "满意度", type: "pie", radius: ["32%", "48%"], center: ["24%", "52%"], label: { show: false },
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        tooltip: { formatter: function (p) { return p.name + "：" + n(p.value) + " 件（" + pct(p.value, evaluated) + "）"; } },
        data: rated.filter(function (e) { return e.count > 0; }).map(function (e) {
          return { name: e.label, value: e.count, link: e.link, itemStyle: { color: SATISFACTION[e.key] } };
        })
      }, {
        name: "办理状态", type: "bar", barMaxWidth: 16,
        label: { show: true, position: "right", fontSize: 12, color: INK, formatter: function (p) { return n(p.value); } },
        tooltip: { formatter: function (p) { return p.name + "：" + n(p.value) + " 件"; } },
        data: states.map(function (e) {
          return { name: e.label, value: e.count, link: e.link, itemStyle: { color: SUGGESTION[e.key], borderRadius: [0, 3, 3, 0] } };
        })
      }]
    });
  }

  // -- wiring ----------------------------------------------------------------------------------------

  function open(link) { if (link) window.location.assign(link); }

  function draw(id, option, d) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = window.echarts.init(el, null, { renderer: "canvas", locale: "ZH" });
    chart.setOption(option);
    chart.on("click", function (p) { open(p.data && p.data.link); });
    if (window.ResizeObserver) new ResizeObserver(function () { chart.resize(); }).observe(el);
    return chart;
  }

  function monthClicks(chart, d) {
    // A click anywhere over a month (not only on its bars, which may be empty) opens it.
    chart.getZr().on("click", function (e) {
      if (e.target || !chart.containPixel("grid", [e.offsetX, e.offsetY])) return;
      var i = chart.convertFromPixel({ seriesIndex: 0 }, [e.offsetX, e.offsetY])[0];
      if (d.trend[i]) open(d.trend[i].link);
    });
  }

  function start() {
    var block = document.getElementById("dashboard-data");
    if (!block || !window.echarts) return;
    var d = JSON.parse(block.textContent);
    var charts = {
      state: draw("chart-state", stateChart(d)),
      warning: draw("chart-warning", warningChart(d)),
      units: draw("chart-units", unitsChart(d)),
      trend: draw("chart-trend", trendChart(d)),
      targets: draw("chart-targets", targetsChart(d)),
      suggestions: draw("chart-suggestions", suggestionsChart(d))
    };
    if (charts.trend) monthClicks(charts.trend, d);
    window.luoshiDashboard = { data: d, charts: charts };
    document.documentElement.setAttribute("data-dashboard", "ready");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
