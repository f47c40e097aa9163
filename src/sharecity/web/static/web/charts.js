/* ShareCity charts: draws the monitoring charts with the vendored Apache ECharts.
 *
 * The page carries its figures in <script type="application/json" id="monitoring-chart-data">
 * (Django's json_script) and a <div data-chart="trend|districts|sectors"> per chart; every figure is
 * also in a table on the page. Charts use the page's language (ECharts' built-in ZH or EN locale)
 * and a font stack that holds Chinese. Clicking a district's bar opens that district's page.
 */
(function () {
  "use strict";

  var FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", ' +
    '"Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif';
  var COLOURS = ["#1f6feb", "#d97706", "#dc2626", "#059669", "#7c3aed", "#0891b2", "#db2777", "#65a30d",
    "#ea580c", "#4f46e5", "#0d9488", "#b91c1c"];

  function readData() {
    var node = document.getElementById("monitoring-chart-data");
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (error) { return null; }
  }

  function locale(data) {
    if (data && data.locale) { return data.locale; }
    return (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
  }

  function base() {
    // aria: ECharts describes each chart in the locale's language on its container (screen readers).
    return { color: COLOURS, textStyle: { fontFamily: FONT }, animation: false, aria: { enabled: true },
      tooltip: { trigger: "axis" }, grid: { left: 56, right: 56, top: 40, bottom: 48, containLabel: true } };
  }

  function trendOption(data) {
    var option = base();
    var t = data.trend;
    option.legend = { top: 0, data: [data.labels.orders, data.labels.complaints, data.labels.turnover] };
    option.xAxis = { type: "category", data: t.periods, axisLabel: { hideOverlap: true } };
    option.yAxis = [{ type: "value", name: data.labels.orders, minInterval: 1 },
      { type: "value", name: data.labels.turnover, position: "right" }];
    option.dataZoom = t.periods.length > 31 ? [{ type: "inside" }, { type: "slider", height: 16, bottom: 4 }] : [];
    option.series = [
      { name: data.labels.orders, type: "line", data: t.orders, yAxisIndex: 0 },
      { name: data.labels.complaints, type: "line", data: t.complaints, yAxisIndex: 0 },
      { name: data.labels.turnover, type: "bar", data: t.turnover, yAxisIndex: 1, barMaxWidth: 18, itemStyle: { opacity: 0.55 } }
    ];
    return option;
  }

  function districtsOption(data) {
    var option = base();
    var d = data.districts;
    option.legend = { top: 0, data: [data.labels.turnover, data.labels.orders] };
    option.tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
    option.xAxis = { type: "category", data: d.names, axisLabel: { interval: 0, rotate: d.names.length > 8 ? 30 : 0 } };
    option.yAxis = [{ type: "value", name: data.labels.turnover }, { type: "value", name: data.labels.orders, minInterval: 1 }];
    option.series = [
      { name: data.labels.turnover, type: "bar", data: d.turnover, yAxisIndex: 0, cursor: "pointer" },
      { name: data.labels.orders, type: "bar", data: d.orders, yAxisIndex: 1, cursor: "pointer" }
    ];
    return option;
  }

  function sectorsOption(data) {
    var option = base();
    option.tooltip = { trigger: "item", formatter: "{b}: {c} ({d}%)" };
    option.legend = { type: "scroll", orient: "vertical", right: 0, top: 20, bottom: 20 };
    option.series = [{ name: data.labels.sectors, type: "pie", radius: ["40%", "70%"], center: ["40%", "55%"],
      avoidLabelOverlap: true, label: { formatter: "{b}\n{d}%" }, data: data.sectors }];
    return option;
  }

  var BUILDERS = { trend: trendOption, districts: districtsOption, sectors: sectorsOption };

  function draw() {
    var data = readData();
    if (!data || typeof window.echarts === "undefined") { return; }
    var charts = [];
    var nodes = document.querySelectorAll("[data-chart]");
    Array.prototype.forEach.call(nodes, function (node) {
      var name = node.getAttribute("data-chart");
      if (!BUILDERS[name] || (name === "districts" && !data.districts)) { return; }
      var chart = window.echarts.init(node, null, { locale: locale(data), renderer: "canvas" });
      chart.setOption(BUILDERS[name](data));
      if (name === "districts") {
        chart.on("click", function (event) {
          var link = data.districts.links[event.dataIndex];
          if (link) { window.location.assign(link); }
        });
      }
      node.setAttribute("data-drawn", "true");
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
