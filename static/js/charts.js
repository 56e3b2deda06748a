// Public results charts (ECharts). The numbers come from the page's json_script island
// "public-charts" (the Content-Security-Policy forbids inline scripts); every chart has its
// table right below it in the page, so without JavaScript nothing is lost. A container
// <div data-chart="key" hidden> is shown and drawn only once it is visible: a chart started in
// a hidden tab would measure zero width.
(function () {
  "use strict";

  const island = document.getElementById("public-charts");
  if (!island || typeof echarts === "undefined") {
    return;
  }
  const data = JSON.parse(island.textContent);
  const charts = [];
  const grid = { left: 8, right: 24, top: 36, bottom: 8, containLabel: true };
  const tooltip = { trigger: "axis", confine: true };
  // A bar's length is its value: the value axis of every bar chart starts at zero (or below it
  // for a negative value), never at the smallest value shown.
  const fromZero = { type: "value", min: (extent) => Math.min(0, extent.min) };

  function seriesOf(spec, type) {
    return spec.series.map((series) => ({
      name: series.name,
      type: type,
      data: series.values,
      connectNulls: true,
      emphasis: { focus: "series" },
    }));
  }

  // One option builder per kind of chart in the island (see reports/public.py).
  const builders = {
    // Units' totals, highest at the top, each bar in its tier's colour.
    ranking(spec, container) {
      container.style.height = Math.max(220, 26 * spec.labels.length + 60) + "px";
      return {
        grid: grid,
        tooltip: tooltip,
        xAxis: fromZero,
        yAxis: { type: "category", inverse: true, data: spec.labels },
        series: [
          {
            type: "bar",
            data: spec.values.map((value, index) => ({
              value: value,
              itemStyle: { color: spec.colours[index] },
            })),
            label: { show: true, position: "right" },
          },
        ],
      };
    },
    // How many units fall in each tier.
    pie(spec) {
      return {
        tooltip: { trigger: "item", confine: true },
        legend: { bottom: 0 },
        series: [
          {
            type: "pie",
            radius: ["35%", "65%"],
            data: spec.items
              .filter((item) => item.value > 0)
              .map((item) => ({ name: item.name, value: item.value, itemStyle: { color: item.colour } })),
            label: { formatter: "{b}: {c}" },
          },
        ],
      };
    },
    // Values across years, one line per series.
    line(spec) {
      return {
        grid: grid,
        tooltip: tooltip,
        legend: { top: 0 },
        xAxis: { type: "category", data: spec.labels },
        yAxis: { type: "value", scale: true },
        series: seriesOf(spec, "line"),
      };
    },
    // Side-by-side bars per label (a unit's indicator groups against the category average).
    bars(spec) {
      return {
        grid: grid,
        tooltip: tooltip,
        legend: { top: 0 },
        xAxis: { type: "category", data: spec.labels, axisLabel: { interval: 0, hideOverlap: true } },
        yAxis: fromZero,
        series: seriesOf(spec, "bar"),
      };
    },
  };

  function draw(container) {
    const spec = data[container.dataset.chart];
    const build = spec && builders[spec.kind];
    if (!build) {
      return;
    }
    container.hidden = false;
    container.style.height = (spec.kind === "pie" ? 260 : 300) + "px";
    const option = build(spec, container); // may set its own height first
    const chart = echarts.init(container);
    chart.on("finished", () => {
      container.dataset.drawn = "true";
    });
    chart.setOption(Object.assign({ animationDuration: 300 }, option));
    charts.push(chart);
  }

  // Draw the charts that have become visible (on load, and when a category tab is shown).
  function drawVisible() {
    document.querySelectorAll("[data-chart]:not([data-started])").forEach((container) => {
      if (container.parentElement.offsetWidth > 0) {
        container.dataset.started = "true";
        draw(container);
      }
    });
  }

  // Open the category tab named in the address (#category-town), and keep the address in
  // step with the tab shown, so a reload or a shared link shows the same category.
  function showTabFromHash() {
    const button = location.hash && document.querySelector(`[data-bs-target="${CSS.escape(location.hash)}"]`);
    if (button && typeof bootstrap !== "undefined") {
      bootstrap.Tab.getOrCreateInstance(button).show();
    }
  }

  document.addEventListener("shown.bs.tab", (event) => {
    const target = event.target.dataset.bsTarget;
    if (target) {
      history.replaceState(null, "", target);
    }
    drawVisible();
    charts.forEach((chart) => chart.resize());
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
  showTabFromHash();
  drawVisible();
})();
