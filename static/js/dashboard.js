// Report pages: print buttons, confirmations before a form that cannot be undone, and charts
// drawn by ECharts from data the page passes with json_script. Loaded as a file: the
// Content-Security-Policy forbids inline scripts.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest(".js-print")) {
    window.print();
  }
});

document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// The lower end of a bar chart's value axis: zero, or below it for a negative value.
function fromZero(extent) {
  return Math.min(0, extent.min);
}

// A chart: <div data-chart="ID"> beside {{ data|json_script:"ID" }} holding
// {"kind": "bar" | "line", "labels": [...], "series": [{"name": ..., "values": [...]}]}.
// ECharts' default tooltip escapes the names it shows.
function drawChart(element) {
  const source = document.getElementById(element.dataset.chart);
  if (!source || typeof echarts === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const several = data.series.length > 1;
  const chart = echarts.init(element);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: several ? { type: "scroll", top: 0 } : { show: false },
    grid: { left: 48, right: 16, top: several ? 40 : 24, bottom: 56 },
    xAxis: {
      type: "category",
      data: data.labels,
      axisLabel: { interval: 0, overflow: "truncate", width: 110 },
    },
    // Bars start at zero (a bar's length is its value); a line may zoom in on its range.
    yAxis: data.kind === "bar" ? { type: "value", min: fromZero } : { type: "value", scale: true },
    series: data.series.map((series) => ({
      name: series.name,
      type: data.kind,
      data: series.values,
      label: { show: data.kind === "bar", position: "top" },
    })),
  });
  window.addEventListener("resize", () => chart.resize());
  window.addEventListener("beforeprint", () => chart.resize());
}

document.querySelectorAll("[data-chart]").forEach(drawChart);
