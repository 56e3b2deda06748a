// Charts of the what-if pages (ECharts): draft against year, balance of a scheme, what
// decided a tier. The numbers come from the json_script island "whatif-charts" (the CSP
// forbids inline scripts); each chart has its table beside it, so nothing is lost without
// JavaScript. Every entry is {kind: "bars", labels, series: [{name, values}]}.
(function () {
  "use strict";

  const island = document.getElementById("whatif-charts");
  if (!island || typeof echarts === "undefined") {
    return;
  }
  const data = JSON.parse(island.textContent);

  function option(spec) {
    const many = spec.labels.length > 8;
    // counts of units get whole-number ticks (no "1.5 units")
    const whole = spec.series.every((series) => series.values.every(Number.isInteger));
    const values = { type: "value", minInterval: whole ? 1 : 0 };
    return {
      animationDuration: 300,
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", confine: true },
      legend: { top: 0 },
      xAxis: many ? values : { type: "category", data: spec.labels, axisLabel: { interval: 0, hideOverlap: true } },
      yAxis: many ? { type: "category", inverse: true, data: spec.labels } : values,
      series: spec.series.map((series) => ({ name: series.name, type: "bar", data: series.values })),
    };
  }

  document.querySelectorAll("[data-chart]").forEach((container) => {
    const spec = data[container.dataset.chart];
    if (!spec || !spec.labels.length) {
      return;
    }
    container.hidden = false;
    const rows = spec.labels.length > 8 ? spec.labels.length : 0;
    container.style.height = Math.max(240, 22 * rows + 60) + "px";
    const chart = echarts.init(container);
    chart.on("finished", () => {
      container.dataset.drawn = "true";
    });
    chart.setOption(option(spec));
    window.addEventListener("resize", () => chart.resize());
  });
})();
